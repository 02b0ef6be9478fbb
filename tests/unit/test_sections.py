"""Finding the template's sections (step 2 of the pipeline)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxbg_kit import regex_probe, sections, synth
from gxbg_kit.sections import (
    _APPENDIX,
    find_sections,
    heading_section,
    heading_section_plain,
    line_marks,
    line_marks_plain,
    strip_chrome,
    strip_chrome_plain,
)

LEADS = st.text(alphabet=st.sampled_from(" \t\u3000\xa0\u2003#*"), max_size=3)
NUMBERS = st.sampled_from(["一、", "二、", "三.", "四．", "五、", "六、", "3、", "第五部分", "附：", "附件1：",
                           "附表", "（一）", "1.", ""])
TITLES = st.sampled_from(["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                          "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况",
                          "其他需要报告的事项", "本年度新收申请3件。", "自然人\t3"])


@settings(max_examples=400, derandomize=True)
@given(LEADS, NUMBERS, TITLES)
def test_quick_first_character_test_never_skips_a_heading_or_appendix(lead, number, title):
    # find_sections looks closely only at lines whose first character may open a
    # heading; a line it skips must be neither a heading nor an appendix mark
    line = lead + number + title
    expected = heading_section(line) or ("appendix" if _APPENDIX.match(line) else None)
    found = find_sections(["前言", line, "正文"])
    if expected not in (None, "appendix"):
        assert expected in found and found[expected].heading == line.strip()
    else:
        assert not found
    # after a section's heading, an appendix mark ends that section; any other
    # line that is no new heading stays in it
    found = find_sections(["第一部分 总体情况", "正文", line, "尾"])
    body = found["overview"].lines
    if expected in (None, "overview"):
        assert body == ["正文", line, "尾"]
    else:
        assert body == ["正文"]


CHROME_LINES = st.sampled_from([
    "当前位置：首页 > 政务公开", "  > 年度报告", "发布时间：2021-01-10", "发布时间\n：2021", "来源：财政局",
    "信息来源 ： 本局", "字号：[大 中 小]", "【字体：大", "分享到：", "分享到", "责任编辑：张三",
    "[ 打印本页 | 关闭窗口 ]", "【关闭窗口】", "解读链接：", "浏览次数：12", "上一篇：无", "下一篇",
    "一、总体情况", "自然人\t3\t0", "", " ", "\u3000", "本年度发布时间：不详", "来源不明", ">", "＞ 返回",
    "（来源：本局）", "a >", "\u3000\u3000上一篇"])
GAPS = st.sampled_from(["", " ", "\t", "\u3000", "\xa0", "\r", "\u2003"])


def _assert_chrome_case(lines, final_break):
    text = "\n".join(gap + line for gap, line in lines) + ("\n" if final_break else "")
    assert strip_chrome(text) == strip_chrome_plain(text)


@settings(max_examples=500, derandomize=True)
@given(st.lists(st.tuples(GAPS, CHROME_LINES), max_size=8), st.booleans())
def test_chrome_probe_finds_every_chrome_line_and_only_whole_lines_go(lines, final_break):
    # which lines may be chrome is decided by looking only at the first character
    # of each line (a regex anchored on line breaks); the lines removed must be
    # exactly those a line-by-line match removes
    _assert_chrome_case(lines, final_break)


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.tuples(GAPS, CHROME_LINES), max_size=8), st.booleans())
def test_chrome_probe_without_first_characters_is_exact_too(lines, final_break):
    # when the first characters of a pattern cannot be told, the probe looks for
    # the whole patterns, kept to one line
    real = regex_probe.first_chars
    regex_probe.first_chars = lambda pattern: None
    sections._chrome_probes.cache_clear()
    try:
        assert "来源" in sections._chrome_probes()[1].pattern
        _assert_chrome_case(lines, final_break)
    finally:
        regex_probe.first_chars = real
        sections._chrome_probes.cache_clear()


def test_chrome_pattern_the_line_start_test_cannot_rewrite_is_refused(monkeypatch):
    monkeypatch.setattr(sections, "_csv", lambda name: [{"pattern": r"^\s*\w.*[:：]"}])
    sections._chrome_probes.cache_clear()
    try:
        with pytest.raises(ValueError, match="cannot rewrite"):
            sections.strip_chrome("来源：x")
    finally:
        sections._chrome_probes.cache_clear()


# --------------------------------------------------------------------------
# Headings inline in a long line (web pages flattened to text)
# --------------------------------------------------------------------------
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPORTS = Path(__file__).resolve().parents[2] / "data" / "reports"
PAD = "我局认真贯彻落实条例，持续推进政务公开。" * 20  # makes the line long (> 300 characters)
INTRO = ("本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、"
         "行政诉讼情况、存在的主要问题及改进情况和其他需要报告的事项等六个部分。")
FLAT = (
    "平潭某局2019年度政府信息公开工作年度报告 " + INTRO + "一、总体情况2019年，" + PAD
    + "二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量规章000"
    + "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：…）申请人情况自然人"
    + "一、本年新收政府信息公开申请数量0000000二、上年结转政府信息公开申请数量0000000"
    + "三、本年度办理结果（一）予以公开0000000（七）总计0000000四、结转下年度继续办理0000000 "
    + "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持000000000000000"
    + "五、存在的主要问题及改进情况（一）存在问题。一是公开不及时。二是解读不够。（二）改进措施。一是加强管理。"
    + "六、其他需要报告的事项无其他需要报告事项。 平潭某局 2020年1月2日")


def _flat_sections(body):
    return find_sections(["标题: 平潭某局2019年度政府信息公开工作年度报告", body])


def test_inline_headings_split_a_flattened_page_at_each_heading():
    found = _flat_sections(FLAT)
    assert list(found) == ["overview", "active", "applications", "reviews", "problems", "other"]
    assert [s.heading for s in found.values()] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert found["overview"].text == "2019年，" + PAD
    assert found["active"].text == "第二十条第（一）项信息内容本年新制作数量规章000"
    # the table row 四、结转下年度继续办理 stays in section 三; the trailing space goes
    assert found["applications"].text.endswith("四、结转下年度继续办理0000000")
    assert found["reviews"].text == "行政复议行政诉讼结果维持000000000000000"
    assert found["problems"].text == "（一）存在问题。一是公开不及时。二是解读不够。（二）改进措施。一是加强管理。"
    assert found["other"].text == "无其他需要报告事项。"  # the signature and date go
    assert all(s.start == 1 for s in found.values())


def test_introduction_list_of_section_names_is_no_heading():
    # unnumbered (the usual form) and numbered: neither opens a section
    numbered = ("本报告包括一、总体情况，二、主动公开政府信息情况，三、收到和处理政府信息公开申请情况，"
                "四、政府信息公开行政复议、行政诉讼情况，五、存在的主要问题及改进情况，六、其他需要报告的事项等六个部分。")
    for intro in (INTRO, numbered):
        found = _flat_sections(intro + PAD + "一、总体情况今年，我局公开信息10条。二、主动公开政府信息情况规章000")
        assert list(found) == ["overview", "active"]
        assert found["overview"].text == "今年，我局公开信息10条。"


def test_heading_mentioned_out_of_order_is_rejected():
    # 四、结转… is no title; a 二、主动公开 inside section 三 cannot be heading 二 either
    text = (PAD + "一、总体情况正文。三、收到和处理政府信息公开申请情况申请表。二、主动公开政府信息情况见上。"
            "四、政府信息公开行政复议、行政诉讼情况无。")
    found = _flat_sections(text)
    assert list(found) == ["overview", "applications", "reviews"]
    assert found["applications"].text == "申请表。二、主动公开政府信息情况见上。"


def test_table_rows_numbered_like_headings_stay_in_their_section():
    text = (PAD + "三、收到和处理政府信息公开申请情况自然人三三、本年度办理结果0四、结转下年度继续办理0"
            "四、政府信息公开行政复议、行政诉讼情况维持0")
    found = _flat_sections(text)
    assert list(found) == ["applications", "reviews"]
    assert found["applications"].text == "自然人三三、本年度办理结果0四、结转下年度继续办理0"


def test_inline_heading_glued_to_digits_or_text():
    text = PAD + "采购总金额2832995元三、收到和处理政府信息公开申请情况表000000 四、政府信息公开行政复议、行政诉讼情况表"
    found = _flat_sections(text)
    assert found["applications"].text == "表000000"
    assert found["reviews"].text == "表"


def test_inline_appendix_ends_the_section_before_it():
    # pingtan czj 2017: 七、附表 after the last section; seed-001 style: 附： after a sentence
    for appendix in ("七、附表 指标名称 计量单位", "附：政府信息公开工作年度报告表 1、主动公开政府信息情况"):
        found = _flat_sections(PAD + "一、总体情况正文。六、其他需要报告的事项无。 " + appendix)
        assert found["other"].text == "无。"


def test_heading_line_that_lost_its_number_from_pdf_to_markdown():
    for line in ("存在的主要问题及改进情况", "## 存在的主要问题及改进情况", "  存在的问题和改进措施"):
        found = find_sections(["一、总体情况", "正文", line, "一是不及时。"])
        assert list(found) == ["overview", "problems"]
        assert found["problems"].lines == ["一是不及时。"]
    # the introduction's list in a line of its own is no heading
    assert list(find_sections(["一、总体情况", INTRO])) == ["overview"]


def test_a_mid_length_line_that_starts_with_a_heading_is_split():
    line = "一、总体情况 2020年，我局公开政府信息254条，" + "其中规范性文件1条。" * 8
    found = find_sections([line, "二、主动公开政府信息情况", "表"])
    assert found["overview"].heading == "一、总体情况"
    assert found["overview"].text.startswith("2020年，我局公开政府信息254条")
    assert found["active"].lines == ["表"]


def test_short_line_reports_are_not_searched_inline_when_every_section_is_found():
    lines = ["一、总体情况", PAD + "二、主动公开政府信息情况见下表。", "二、主动公开政府信息情况", "表",
             "三、收到和处理政府信息公开申请情况", "表", "四、政府信息公开行政复议、行政诉讼情况", "表",
             "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    found = find_sections(lines)
    assert found["overview"].lines == [lines[1]]
    assert found["active"].start == 2


@pytest.mark.parametrize("line", ["一、" * 50000, " " * 100000, "一" * 100000, "一、总体情况" * 20000,
                                  ("一" + " " * 3 + "、" + " " * 3 + "政" * 12) * 5000,
                                  ("四、行政复议" + "政" * 14) * 5000, "。附 " * 30000, "一、总体情况、" * 15000,
                                  "十十." * 40000])
def test_pathological_long_line_returns_fast(line):
    t = time.perf_counter()
    find_sections(["标题", line, "尾"])
    assert time.perf_counter() - t < 1.0


def test_crawler_header_lines_are_chrome_but_the_title_line_stays():
    header = ("标题: 平潭某局2019年度政府信息公开工作年度报告\n发布时间: 2020-01-06 20:04\n文号: \n发布机构: 1\n"
              "栏目: 政府信息公开年报\n原文链接: https://www.pingtan.gov.cn/x.htm\n本地目录: zwgk/x\n"
              "页面链接与图片详见 links.tsv(同目录)\n==================== 正文 ====================\n正文")
    assert strip_chrome(header) == "标题: 平潭某局2019年度政府信息公开工作年度报告\n正文"


# --------------------------------------------------------------------------
# The real flattened pages (data/reports/pingtan_*.txt)
# --------------------------------------------------------------------------
PINGTAN = sorted(REPORTS.glob("pingtan_*_*.txt"))
ALL_SIX = ["overview", "active", "applications", "reviews", "problems", "other"]


def _pingtan_sections(path):
    return find_sections(strip_chrome(path.read_text(encoding="utf-8")).split("\n"))


@pytest.mark.skipif(not PINGTAN, reason="data/reports/pingtan_*.txt not copied into the repo yet")
@pytest.mark.parametrize("path", [p for p in PINGTAN if int(p.stem[-4:]) >= 2019] or [None],
                         ids=lambda p: p.stem if p else "none")
def test_pingtan_pages_2019_on_have_their_sections_in_order(path):
    found = _pingtan_sections(path)
    # czj 2021's page ends after section 五: it has no 六、其他需要报告的事项 at all
    want = ALL_SIX[:-1] if path.stem == "pingtan_czj_2021" else ALL_SIX
    assert list(found) == want
    assert [s.heading[0] for s in found.values()] == list("一二三四五六")[:len(want)]
    apps, reviews = found["applications"].text, found["reviews"].text
    assert apps.startswith(("（本列数据的勾稽关系", "（本列数据的钩稽关系")), apps[:40]
    assert "四、结转下年度继续办理" in apps
    assert reviews.startswith("行政复议"), reviews[:40]
    assert found["problems"].text and "六、" not in found["problems"].text
    assert "标题" not in "".join(s.text for s in found.values())


# --------------------------------------------------------------------------
# The fast paths equal their plain references (issue 18)
# --------------------------------------------------------------------------
def _corpus_texts():
    """Every text report of data/reports, and synthetic reports in every text layout
    (with and without noise: page chrome, full-width digits, variant headings)."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))}
    layouts = synth.LAYOUTS + synth.EXTRA_LAYOUTS
    for seed in range(6):
        for template in ("2019", "2021"):
            truth = synth.generate_truth(seed, template=template)
            for k, layout in enumerate(layouts):
                noise = (seed + k) % 2 == 1
                texts[f"synth {seed} {template} {layout} {noise}"] = synth.render(truth, layout, noise=noise)
    return texts


def test_fast_paths_equal_their_references_on_real_and_synthetic_reports():
    texts = _corpus_texts()
    assert sum(name.endswith(".txt") for name in texts) >= 20 and len(texts) > 80
    headings = stripped = 0
    for name, text in texts.items():
        assert strip_chrome(text) == strip_chrome_plain(text), name
        lines = strip_chrome(text).split("\n")
        stripped += len(lines) < text.count("\n") + 1
        assert line_marks(lines) == line_marks_plain(lines), name
        for line in lines:
            assert heading_section(line) == heading_section_plain(line), (name, line)
        headings += len(line_marks(lines)[1])
    # the references find headings and chrome: the test compares something
    assert headings > 3 * len(texts) and stripped > 10


ODD_LEADS = st.text(alphabet=st.sampled_from(" \t\u3000\xa0\u2003\x1c#*附"), max_size=3)
ODD_NUMBERS = st.sampled_from(["一、", "十二.", "3、", "３、", "٣、", "1٣、", "第五部分", "附：", "附件1：",
                               "存在的主要问题及改进情况", "（一）", "1.", "", "一" * 3 + "、"])


@settings(max_examples=600, derandomize=True)
@given(st.lists(st.tuples(ODD_LEADS, ODD_NUMBERS, TITLES | st.just(""), st.sampled_from(["", PAD[:60]])),
                max_size=6))
def test_line_pass_equals_its_reference_on_generated_lines(parts):
    # leads of white space that is not in the quick test's list (\u2003, \x1c), Markdown
    # marks, full-width and Arabic-Indic digits, lines too long to be headings
    lines = [lead + number + title + tail for lead, number, title, tail in parts]
    assert line_marks(lines) == line_marks_plain(lines)
    for line in lines:
        assert heading_section(line) == heading_section_plain(line)
