"""平潭综合实验区海坛片区管理局 2019 (data/reports/pingtan_htp_2019.txt, crawler dump, section
五 on one line): the problems are listed after 如： in one sentence, and the measures follow
a purpose clause (为规范我局信息公开工作，下阶段我局将…抓好以下三个方面的工作：) that belongs
to neither; 下阶段 starts the measures, numbered （一）…（三）."""
import gxbg_kit as gx
from gxbg_kit import narrative as nv


def test_purpose_clause_before_xia_jieduan_starts_the_measures():
    text = ("我局虽取得了一定成效，但还存在一些不足，如：工作机制尚未完善，监督保障机制欠缺等。"
            "为规范我局信息公开工作，下阶段我局将抓好以下三个方面的工作：（一）完善工作机制。建立责任制。"
            "（二）提高业务水平。加强学习。（三）强化监督保障。建立考核制度。")
    got = [(r.kind, r.n, r.text) for r in nv.split_problems(text).itertuples()]
    assert got == [
        ("problem", 1, "工作机制尚未完善，监督保障机制欠缺等。"),
        ("measure", 1, "完善工作机制。建立责任制。"), ("measure", 2, "提高业务水平。加强学习。"),
        ("measure", 3, "强化监督保障。建立考核制度。")]


def test_the_real_page_gives_one_problem_and_three_measures(reports):
    section = gx.read_report(str(reports / "pingtan_htp_2019.txt")).section("problems")
    items = nv.split_problems(section)
    assert items["kind"].tolist() == ["problem", "measure", "measure", "measure"]
    assert not items["text"].str.contains("为规范我局").any()
    assert items["text"].iloc[1].startswith("完善工作机制")
