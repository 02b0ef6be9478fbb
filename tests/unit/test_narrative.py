"""Narrative analytics of section 五: splitting, themes, tokens, keywords, similarity."""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from gxbg_kit import narrative as nv

REPORTS = Path(__file__).resolve().parents[2] / "data" / "reports"


def _seed(prefix: str) -> str:
    (path,) = REPORTS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections() -> pd.DataFrame:
    rows = []
    for path in sorted(REPORTS.glob("0*.txt")):
        text = nv.problems_section(path.read_text(encoding="utf-8"))
        rows.append({"report_id": path.stem.split("_")[1], "section": "problems",
                     "heading": "五、存在的主要问题及改进情况", "text": text})
    # another section of the same report must be ignored
    rows.append({"report_id": rows[0]["report_id"], "section": "other", "heading": "六、",
                 "text": "一是网站更新不及时。二是人员不足。"})
    return pd.DataFrame(rows).astype({"section": "category"})


@pytest.fixture(scope="module")
def problems(sections) -> pd.DataFrame:
    return nv.problems_frame(sections)


# --------------------------------------------------------------------------
# Hand-labelled items of the five seeds: (kind, n, text start, text end, themes)
# --------------------------------------------------------------------------
NONE: frozenset = frozenset()
EXPECTED = {
    "000": [
        ("problem", 1, "如未能大力推进互联网政务信息发布平台建设，未能运用好新媒体矩阵", "公开形式和内容单一。",
         {"platform_media", "form_single"}),
        ("measure", 1, "加强监督，建立长效管理机制。进一步增强主动公开", "更好地服务政府、社会和群众。", NONE),
        ("measure", 2, "统一认识，努力规范工作流程。", "有效运作，使公众能够方便查询。", NONE),
        ("measure", 3, "扩展范围，增加政务公开透明性。", "积极探索，增强政务公开的创新性。", NONE),
        ("measure", 4, "拓展形式，多渠道政务公开。除了设立政务公开栏外", "受理群众的建议、投诉。", NONE),
    ],
    # 001: one list 1.…5. mixing a problem (item 1, split at 我局将…) and measures (2–5)
    "001": [
        ("problem", 1, "政府信息公开及时性有待进一步提升。由于日常工作量大",
         "目前网站信息发布偶有及时性未如理想的情况出现。", {"timeliness", "staffing_capacity"}),
        ("measure", 1, "我局将紧紧抓住群众关注的热点和敏感问题", "提升政务公开的时效性及网上网下的同步性。", NONE),
        ("measure", 2, "加快新网站平台的整合。", "提高网站服务功能。", NONE),
        ("measure", 3, "加强政务公开信息调研。", "提高政务公开工作水平。", NONE),
        ("measure", 4, "完善各项政务公开制度。继续以政府服务中心", "使政府信息公开更及时、更规范。", NONE),
        ("measure", 5, "提高政务公开效能。", "降低公众查询成本。", NONE),
    ],
    "002": [
        ("problem", 1, "重点领域信息公开内容不够全面", "与公众需求仍存在差距", {"depth_breadth"}),
        ("problem", 2, "把握政策解读精准不够，在具体工作过程中", "同步部署推进上还有不足", {"interpretation"}),
        ("problem", 3, "部分乡镇（街办）、部门政务公开工作人员兼职多", "流动性较大，专业性不强。",
         {"staffing_capacity"}),
        ("measure", 1, "以公开为常态，提高公开质量。", "积极为群众答疑解惑。", NONE),
        ("measure", 2, "以创新为手段，丰富解读形式。", "实现政策文件与群众之间的良性互动。", NONE),
        ("measure", 3, "以规范为标杆，加强平台建设。", "保证权威、及时、准确发布政务信息。", NONE),
    ],
    "003": [
        ("problem", 1, "主动公开政府信息的时效性不够强。", "主动公开政府信息的时效性不够强。", {"timeliness"}),
        ("problem", 2, "重点领域信息公开的要求还需提高", "深度有待进一步加强。", {"depth_breadth"}),
        ("measure", 1, "加强领导，加大政务信息更新力度", "做到信息生成与发布保持同步。", NONE),
        ("measure", 2, "拓展主动公开信息内容的广度和深度", "进一步推进重点领域信息公开。", NONE),
    ],
    # 004: measures numbered 是…二是…三是 (the 一 was lost)
    "004": [
        ("problem", 1, "公开意识不强,网站更新不及时。各乡镇普遍不重视政务公开工作",
         "导致县政府门户网站乡镇和部门板块更新不及时。",
         {"timeliness", "awareness_attitude", "participation_response", "content_quality"}),
        ("problem", 2, "审核把关不严,错敏信息不纠正。", "常见词汇书写错误等。", {"review_error"}),
        ("problem", 3, "衔接配合不紧,运营管理不规范。政务新媒体各自为政",
         "与政府网站没有形成有机结合、统一发声。",
         {"timeliness", "platform_media", "standardisation", "coordination"}),
        ("measure", 1, "提高信息发布质量。要严格落实公示公开内容“三审三校”制度",
         "坚决杜绝因信息内容不准、不实而引发负面舆情的情况。", NONE),
        ("measure", 2, "健全网络管理机制。严格执行网络安全法", "严查快办网民留言,积极回应社会关切。", NONE),
        ("measure", 3, "加强政务新媒体账号管理。", "务必在不漏一条、全部转发完毕。", NONE),
    ],
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_items_hand_labelled(seed, problems, sections):
    rid = sections["report_id"].iloc[int(seed)]
    got = problems[problems["report_id"] == rid].reset_index(drop=True)
    want = EXPECTED[seed]
    assert [(r.kind, r.n) for r in got.itertuples()] == [(k, n) for k, n, *_ in want]
    for row, (kind, n, start, end, themes) in zip(got.itertuples(), want):
        assert row.text.startswith(start), (kind, n, row.text)
        assert row.text.endswith(end), (kind, n, row.text)
        got_themes = set(row.themes.split(";")) if isinstance(row.themes, str) else set()
        assert got_themes == set(themes), (kind, n, row.themes)


def test_seed_preambles_belong_to_no_item(problems):
    text = "".join(problems["text"])
    for preamble in ("还存在一些差距和不足", "主要表现为", "以问题为导向落实以下措施", "主要有",
                     "改进措施", "建立健全长效工作机制", "切实保障公众的知情权和监督权"):
        assert preamble not in text


def test_problems_section_boundaries():
    assert nv.problems_section(_seed("001")).endswith("降低公众查询成本。")   # stops at 附:
    s000 = nv.problems_section(_seed("000"))
    assert s000.startswith("全局政务公开工作虽然取得一定成绩")
    assert s000.endswith("受理群众的建议、投诉。")
    # 002 names the section in its introduction; the heading is the one that counts
    assert nv.problems_section(_seed("002")).startswith("一年来")
    assert nv.problems_section("一、总体情况\n没有问题。") is None
    other = "四、复议\n无。\n五、主要问题和改进措施\n一是更新不及时。\n六、其他需要报告的事项\n无。"
    assert nv.problems_section(other) == "一是更新不及时。"


def test_problems_frame_columns_and_dtypes(problems):
    assert list(problems.columns) == nv.PROBLEM_COLUMNS
    assert problems["kind"].dtype == nv.KIND_DTYPE
    assert str(problems["n"].dtype) == "Int64"
    assert str(problems["text"].dtype) == "string"
    assert str(problems["themes"].dtype) == "string"
    assert problems["report_id"].is_monotonic_increasing
    assert len(problems) == sum(len(v) for v in EXPECTED.values())


def test_problems_frame_of_no_sections():
    empty = nv.problems_frame(pd.DataFrame(columns=["report_id", "section", "heading", "text"]))
    assert list(empty.columns) == nv.PROBLEM_COLUMNS and empty.empty


# --------------------------------------------------------------------------
# Splitting rules on made-up sections
# --------------------------------------------------------------------------
def _items(text):
    return [(r.kind, r.n, r.text) for r in nv.split_problems(text).itertuples()]


def test_split_without_enumeration_is_one_item_per_part():
    assert _items("我单位政务公开人员不足，信息更新不及时。") == [
        ("problem", 1, "我单位政务公开人员不足，信息更新不及时。")]
    assert _items("存在的问题是信息更新不及时。下一步，我局将加强网站管理。") == [
        ("problem", 1, "存在的问题是信息更新不及时。"),
        ("measure", 1, "下一步，我局将加强网站管理。")]


def test_split_generic_admission_is_a_lead_in():
    got = _items("虽然取得了一定成效，但仍存在一些不足。政策解读不够深入。\n今后将加强解读。")
    assert got == [("problem", 1, "政策解读不够深入。"), ("measure", 1, "今后将加强解读。")]


@pytest.mark.parametrize("a, b", [("（一）", "（二）"), ("1.", "2."), ("1、", "2、"), ("①", "②"),
                                  ("（1）", "（2）"), ("一、", "二、"), ("第一，", "第二，")])
def test_split_enumeration_styles(a, b):
    text = (f"主要问题如下：\n{a}网站更新不及时。\n{b}人员不足，兼职多。\n"
            f"下一步，我们将：\n{a}加强网站管理。\n{b}加强培训。")
    assert _items(text) == [
        ("problem", 1, "网站更新不及时。"), ("problem", 2, "人员不足，兼职多。"),
        ("measure", 1, "加强网站管理。"), ("measure", 2, "加强培训。")]


def test_split_items_inside_one_sentence_and_across_sentences():
    text = ("主要表现为：一是公开不及时，二是解读不到位；三是人员不足。人员流动大，专业性不强。"
            "\n改进措施：一是加强管理。二是加强解读。")
    assert _items(text) == [
        ("problem", 1, "公开不及时"), ("problem", 2, "解读不到位"),
        ("problem", 3, "人员不足。人员流动大，专业性不强。"),
        ("measure", 1, "加强管理。"), ("measure", 2, "加强解读。")]


def test_split_lost_first_marker():
    text = "一是网站更新不及时。二是人员不足。\n下一步，我们将改进。是加强管理。二是加强培训。三是完善制度。"
    assert [(k, n) for k, n, _ in _items(text)] == [
        ("problem", 1), ("problem", 2), ("measure", 1), ("measure", 2), ("measure", 3)]
    assert _items(text)[2][2] == "加强管理。"


def test_split_sub_headings():
    text = ("（一）存在的主要问题\n1.政务新媒体更新不及时。\n2.政策解读不够。\n"
            "（二）改进措施\n1.加强政务新媒体管理。\n2.丰富解读形式。")
    assert _items(text) == [
        ("problem", 1, "政务新媒体更新不及时。"), ("problem", 2, "政策解读不够。"),
        ("measure", 1, "加强政务新媒体管理。"), ("measure", 2, "丰富解读形式。")]


def test_split_commitment_inside_a_continuing_list_is_not_the_boundary():
    text = "一是网站更新不及时。针对这一问题，我们将建立更新机制。二是人员不足。"
    assert _items(text) == [
        ("problem", 1, "网站更新不及时。"), ("problem", 2, "人员不足。"),
        ("measure", 1, "针对这一问题，我们将建立更新机制。")]


def test_split_mixed_list_classifies_items_by_heading():
    text = "1.政务公开队伍力量有待加强。人手少。\n2.加快网站整合。完善栏目。\n3.信息公开形式单一。"
    assert _items(text) == [
        ("problem", 1, "政务公开队伍力量有待加强。人手少。"), ("problem", 2, "信息公开形式单一。"),
        ("measure", 1, "加快网站整合。完善栏目。")]


def test_split_numbers_are_not_markers():
    text = "全年发布信息2.8万条，但更新不及时。\n2023年，我局将加强管理。"
    assert _items(text) == [("problem", 1, "全年发布信息2.8万条，但更新不及时。"),
                            ("measure", 1, "2023年，我局将加强管理。")]


@pytest.mark.parametrize("empty", [None, "", "   \n", pd.NA, "无", "无。", "暂无问题。", "本年度无。"])
def test_split_empty(empty):
    df = nv.split_problems(empty)
    assert df.empty and list(df.columns) == ["kind", "n", "text"]
    assert df["kind"].dtype == nv.KIND_DTYPE and str(df["n"].dtype) == "Int64"


def test_cn_number():
    assert [nv.cn_number(s) for s in ("一", "九", "十", "十一", "二十", "二十三", "一十", "十十", "x", "")] == \
        [1, 9, 10, 11, 20, 23, 10, None, None, None]


# --------------------------------------------------------------------------
# Themes
# --------------------------------------------------------------------------
def test_problem_themes_long(problems):
    long = nv.problem_themes(problems)
    assert list(long.columns) == ["report_id", "kind", "n", "theme"]
    assert list(long["theme"].cat.categories[:2]) == ["timeliness", "depth_breadth"]
    n_expected = sum(len(t) for v in EXPECTED.values() for *_, t in v)
    assert len(long) == n_expected
    assert long.duplicated().sum() == 0


def test_themes_order_follows_codebook():
    cb = nv.load_codebook()
    got = nv.match_themes("政务新媒体各自为政，更新不及时。")
    assert got == [t for t in cb["theme"] if t in got] == ["timeliness", "platform_media",
                                                           "coordination"]


def test_prevention_clause_is_not_a_problem():
    assert nv.match_themes("坚决杜绝信息发布不及时、内容不准确的情况。") == []
    assert nv.match_themes("信息发布不及时。") == ["timeliness"]


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------
def test_jieba_prints_nothing(capfd):
    import jieba

    level = jieba.default_logger.level
    if nv._tokenizers.cache_info().currsize:   # first in this file; re-initialise only if needed
        nv._tokenizers.cache_clear()
    nv.tokenize("政务公开")
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert jieba.default_logger.level == level   # the global logger is left as it was


def test_tokenize_domain_terms():
    assert "政务新媒体" in nv.tokenize("加强政务新媒体管理")["token"].tolist()
    toks = nv.tokenize("严格落实“三审三校”制度，做好依申请公开和政策解读，回应关切。")["token"].tolist()
    for term in ("三审三校", "依申请公开", "政策解读", "回应关切"):
        assert term in toks
    assert {"严格", "落实", "做好", "和", "，"}.isdisjoint(toks)


def test_negations_stay_with_their_word():
    # 不 is a stopword, so 公开意识不强 must not become 公开意识 + 强
    toks = nv.tokenize("公开意识不强，网站更新不及时，审核把关不严。")["token"].tolist()
    assert toks == ["公开意识", "不强", "网站", "更新", "不及时", "审核把关", "不严"]


def test_every_dictionary_term_is_one_token():
    terms = nv.domain_terms()
    assert len(terms) >= 100
    df = nv.tokenize(terms, stopwords=False)
    assert df.groupby("doc")["token"].agg(list).tolist() == [[t] for t in terms]


def test_tokenize_drops_punctuation_numbers_and_space():
    toks = nv.tokenize("2023年  公开信息2.8万条，１２件！ 100%")["token"].tolist()
    assert toks == ["公开", "信息", "万条"]
    assert nv.tokenize("", stopwords=False).empty


def test_tokenize_frame_carries_ids_and_positions():
    df = pd.DataFrame({"report_id": pd.array(["r1", "r2"], dtype="string"),
                       "kind": pd.Categorical(["problem", "measure"], categories=nv.KINDS),
                       "n": pd.array([1, 2], dtype="Int64"),
                       "text": ["网站更新不及时", "加强政务新媒体管理"], "themes": ["timeliness", pd.NA]})
    tok = nv.tokenize(df, pos=True)
    assert list(tok.columns) == ["report_id", "kind", "n", "token", "pos", "i"]
    assert tok["kind"].dtype == df["kind"].dtype and str(tok["i"].dtype) == "Int64"
    assert tok[tok["report_id"] == "r2"][["token", "i"]].values.tolist() == [["政务新媒体", 1], ["管理", 2]]
    assert tok["pos"].dtype == "category"
    assert tok.loc[tok["token"] == "政务新媒体", "pos"].item() == "n"


def test_tokenize_custom_stopwords_and_series():
    s = pd.Series(["加强政务新媒体管理"], index=[7])
    assert nv.tokenize(s, stopwords={"管理"})["token"].tolist() == ["加强", "政务新媒体"]
    assert nv.tokenize(s, stopwords=False)["doc"].tolist() == [0, 0, 0]


def test_jieba_prints_nothing_in_a_fresh_process():
    code = "import gxbg_kit.narrative as n; n.tokenize('加强政务新媒体管理'); n.keywords(" \
           "__import__('pandas').DataFrame({'report_id': ['a'], 'text': ['政策解读']}), method='textrank')"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and res.stderr == ""


def test_private_tokenizer_leaves_global_jieba_alone():
    import jieba

    nv.tokenize("三审三校")
    assert "三审三校" not in jieba.dt.FREQ


# --------------------------------------------------------------------------
# Keyword statistics
# --------------------------------------------------------------------------
def _tokens(groups: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(g, w, i) for g, ws in groups.items() for i, w in enumerate(ws)]
    df = pd.DataFrame(rows, columns=["report_id", "token", "i"])
    return df.astype({"report_id": "string", "token": "string", "i": "Int64"})


def test_term_frequencies_known_counts():
    tok = _tokens({"a": ["网站", "网站", "解读"], "b": ["解读", "人员"]})
    tf = nv.term_frequencies(tok)
    # sorted by falling tf, then falling df, then token
    assert tf[["token", "tf", "df"]].values.tolist() == [["解读", 2, 2], ["网站", 2, 1], ["人员", 1, 1]]
    assert tf["tf_share"].tolist() == pytest.approx([0.4, 0.4, 0.2])
    assert tf["df_share"].tolist() == pytest.approx([1.0, 0.5, 0.5])
    by = nv.term_frequencies(tok, by="report_id")
    assert by[["report_id", "token", "tf"]].values.tolist() == [
        ["a", "网站", 2], ["a", "解读", 1], ["b", "人员", 1], ["b", "解读", 1]]


def test_tfidf_keywords_known_answer():
    tok = _tokens({"a": ["栏目", "栏目", "解读"], "b": ["解读", "人员"]})
    kw = nv.keywords(tok, by="report_id", method="tfidf", topk=2)
    idf_rare = math.log(3 / 2) + 1
    assert kw[["report_id", "rank", "token"]].values.tolist() == [
        ["a", 1, "栏目"], ["a", 2, "解读"], ["b", 1, "人员"], ["b", 2, "解读"]]
    assert kw["score"].tolist() == pytest.approx([2 / 3 * idf_rare, 1 / 3, 1 / 2 * idf_rare, 1 / 2])
    assert nv.keywords(tok, by="report_id", topk=1)["token"].tolist() == ["栏目", "人员"]


def test_keyword_ties_are_ranked_by_token():
    tok = _tokens({"a": ["甲", "乙", "丙"]})
    assert nv.keywords(tok, by=None)["token"].tolist() == sorted(["甲", "乙", "丙"])


def test_textrank_known_answer():
    # a chain 栏目 - 解读 - 人员 (span 2 links neighbours only): the middle word ranks first
    tok = _tokens({"a": ["栏目", "解读", "人员"]})
    kw = nv.keywords(tok, method="textrank", span=2)
    assert kw["token"].tolist() == ["解读", "人员", "栏目"]
    assert kw["score"].iloc[0] == 1.0
    assert kw["score"].iloc[1] == pytest.approx(kw["score"].iloc[2])
    no_positions = nv.keywords(tok.drop(columns="i"), method="textrank", span=2)
    assert no_positions["token"].tolist() == kw["token"].tolist()


def test_keywords_from_problems_by_year():
    problems = pd.DataFrame({"report_id": ["r1", "r2", "r3"], "kind": ["problem"] * 3, "n": [1, 1, 1],
                             "text": ["政务新媒体更新不及时，政务新媒体管理不规范。", "政策解读不够深入。",
                                      "政策解读形式单一。"]})
    reports = pd.DataFrame({"report_id": ["r1", "r2", "r3"], "year": [2022, 2023, 2023]})
    kw = nv.keywords(problems, by="year", reports=reports, topk=1)
    assert kw[["year", "token"]].values.tolist() == [[2022, "政务新媒体"], [2023, "政策解读"]]
    tr = nv.keywords(problems, by="report_id", method="textrank", topk=1)
    assert tr.loc[tr["report_id"] == "r1", "token"].item() == "政务新媒体"
    with pytest.raises(ValueError, match="reports="):
        nv.keywords(problems, by="year")


def test_theme_cooccurrence_items_and_reports():
    p = pd.DataFrame({"report_id": ["a", "a", "b", "b"], "kind": ["problem", "problem", "problem", "measure"],
                      "n": [1, 2, 1, 1],
                      "themes": pd.array(["timeliness;platform_media", "staffing_capacity", "timeliness",
                                          "staffing_capacity"], dtype="string"),
                      "text": [""] * 4})
    co = nv.theme_cooccurrence(p).set_index(["theme_a", "theme_b"])["count"]
    n_themes = len(nv.load_codebook())
    assert len(co) == n_themes ** 2
    assert co[("timeliness", "timeliness")] == 2
    assert co[("timeliness", "platform_media")] == co[("platform_media", "timeliness")] == 1
    assert co[("timeliness", "staffing_capacity")] == 0
    rep = nv.theme_cooccurrence(p, level="report").set_index(["theme_a", "theme_b"])["count"]
    assert rep[("timeliness", "staffing_capacity")] == 1       # report a has both
    both = nv.theme_cooccurrence(p, level="report", kind=None).set_index(["theme_a", "theme_b"])["count"]
    assert both[("timeliness", "staffing_capacity")] == 2      # b's measure counts too


# --------------------------------------------------------------------------
# Boilerplate detection
# --------------------------------------------------------------------------
def test_copied_paragraph_scores_higher_than_unrelated():
    copied = "部分乡镇政务公开工作人员兼职多，流动性较大，专业性不强，重点领域信息公开内容不够全面。"
    sec = pd.DataFrame({
        "report_id": ["a", "b", "c"], "section": ["problems"] * 3, "heading": [""] * 3,
        "text": [copied,
                 "一年来取得了一定成绩。" + copied.replace("，", ",") + "下一步将加强培训。",
                 "我单位没有收到申请，政策解读稿按时发布，网站运行平稳。"]})
    reports = pd.DataFrame({"report_id": ["a", "b", "c"], "agency": ["x", "x", "y"],
                            "year": [2022, 2023, 2023]})
    sim = nv.narrative_similarity(sec, reports=reports)
    assert list(sim.columns) == ["report_id_a", "report_id_b", "similarity", "containment", "shared",
                                 "same_agency", "same_year"]
    assert (sim["report_id_a"].iloc[0], sim["report_id_b"].iloc[0]) == ("a", "b")
    pairs = sim.set_index(["report_id_a", "report_id_b"])
    assert pairs.loc[("a", "b"), "similarity"] > 3 * pairs.loc[("a", "c"), "similarity"]
    assert pairs.loc[("a", "b"), "containment"] == 1.0           # a is copied whole into b
    assert pairs.loc[("a", "b"), "same_agency"] and not pairs.loc[("a", "b"), "same_year"]
    assert pairs.loc[("b", "c"), "same_year"] and not pairs.loc[("b", "c"), "same_agency"]
    assert len(nv.narrative_similarity(sec, min_similarity=0.5)) == 1
    assert nv.narrative_similarity(sec)["same_agency"].isna().all()
    by_scope = {scope: nv.narrative_similarity(sec, reports=reports, scope=scope)[
        ["report_id_a", "report_id_b"]].values.tolist() for scope in nv.SIMILARITY_SCOPES}
    assert by_scope["same_agency"] == [["a", "b"]]
    assert by_scope["same_year"] == [["b", "c"]]
    assert sorted(by_scope["related"]) == [["a", "b"], ["b", "c"]]
    assert len(by_scope["all"]) == 3
    with pytest.raises(ValueError, match="reports="):
        nv.narrative_similarity(sec, scope="same_year")


def test_similarity_of_seed_problems_is_symmetric_and_bounded(problems):
    sim = nv.narrative_similarity(problems, kind="problem")
    assert len(sim) == 10
    assert sim["similarity"].between(0, 1).all() and sim["containment"].between(0, 1).all()
    assert (sim["report_id_a"] < sim["report_id_b"]).all()
    assert sim["similarity"].is_monotonic_decreasing


# --------------------------------------------------------------------------
# Section 五 of a web page flattened to one line
# --------------------------------------------------------------------------
def test_one_line_sub_headings_without_enumeration_are_no_part_of_the_items():
    text = "（一）存在问题。政务公开范围覆盖不够。（二）改进措施。进一步扩大公开范围。"
    assert _items(text) == [("problem", 1, "政务公开范围覆盖不够。"), ("measure", 1, "进一步扩大公开范围。")]


def test_problems_section_of_a_flattened_page():
    text = ("标题: 某局2020年度政府信息公开工作年度报告\n==================== 正文 ====================\n"
            + "本报告包括总体情况、存在的主要问题及改进情况和其他需要报告的事项。" * 10
            + "四、政府信息公开行政复议、行政诉讼情况000000五、存在的主要问题及改进情况一是更新不及时。"
            "六、其他需要报告的事项无。")
    assert nv.problems_section(text) == "一是更新不及时。"


PINGTAN = sorted(REPORTS.glob("pingtan_*_*.txt"))


@pytest.mark.skipif(not PINGTAN, reason="data/reports/pingtan_*.txt not copied into the repo yet")
@pytest.mark.parametrize("path", [p for p in PINGTAN if int(p.stem[-4:]) >= 2019] or [None],
                         ids=lambda p: p.stem if p else "none")
def test_pingtan_pages_section_five_has_problems_and_measures(path):
    import gxbg_kit as gx

    items = nv.split_problems(gx.read_report(str(path)).section("problems"))
    kinds = items["kind"].value_counts()
    assert kinds["problem"] >= 1 and kinds["measure"] >= 1
    assert not items["text"].str.contains("存在问题。|改进措施。|六、其他").any()
    assert nv.split_problems(nv.problems_section(path.read_text(encoding="utf-8"))).equals(items)
