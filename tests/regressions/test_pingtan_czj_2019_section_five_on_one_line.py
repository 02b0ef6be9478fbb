"""平潭综合实验区财政金融局 2019 (data/reports/pingtan_czj_2019.txt, a crawler dump that
flattened section 五 into one line): the sub-headings （一）存在问题。 and （二）改进措施。 run
inline with the items (一是…二是…), the last problem ends in ``；`` before （二）, and a
measure's number is printed twice, so the repeated number starts the next item."""
import gxbg_kit as gx
from gxbg_kit import narrative as nv


def _items(text):
    return [(r.kind, r.n, r.text) for r in nv.split_problems(text).itertuples()]


def test_one_line_section_with_inline_sub_headings():
    text = ("（一）存在问题。一是政务公开范围覆盖不够。二是公开方式灵活性不够；（二）改进措施。"
            "一是进一步扩大政务公开的范围。二是充分发挥政府网站作用。")
    assert _items(text) == [
        ("problem", 1, "政务公开范围覆盖不够。"), ("problem", 2, "公开方式灵活性不够"),
        ("measure", 1, "进一步扩大政务公开的范围。"), ("measure", 2, "充分发挥政府网站作用。")]


def test_number_printed_twice_is_the_next_item(reports):
    section = gx.read_report(str(reports / "pingtan_czj_2019.txt")).section("problems")
    items = nv.split_problems(section)
    assert (items["kind"] == "problem").sum() == 4  # 一是…四是…
    measures = items[items["kind"] == "measure"]["text"].tolist()
    assert len(measures) == 4
    assert measures[2].startswith("加强培训指导") and measures[3].startswith("进一步规范政府信息公开行为")
