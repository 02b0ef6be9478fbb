"""Finding the template's sections (step 2 of the pipeline)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxbg_kit import sections
from gxbg_kit.sections import (
    _APPENDIX,
    _csv,
    find_sections,
    heading_section,
    strip_chrome,
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


def _strip_chrome_line_by_line(text):
    """The reference: drop every line one of chrome.csv's patterns matches."""
    import re

    pats = [re.compile(r["pattern"]) for r in _csv("chrome.csv")]
    return "\n".join(ln for ln in text.split("\n") if not any(p.match(ln) for p in pats))


CHROME_LINES = st.sampled_from([
    "当前位置：首页 > 政务公开", "  > 年度报告", "发布时间：2021-01-10", "发布时间\n：2021", "来源：财政局",
    "信息来源 ： 本局", "字号：[大 中 小]", "【字体：大", "分享到：", "分享到", "责任编辑：张三",
    "[ 打印本页 | 关闭窗口 ]", "【关闭窗口】", "解读链接：", "浏览次数：12", "上一篇：无", "下一篇",
    "一、总体情况", "自然人\t3\t0", "", " ", "\u3000", "本年度发布时间：不详", "来源不明", ">", "＞ 返回",
    "（来源：本局）", "a >", "\u3000\u3000上一篇"])
GAPS = st.sampled_from(["", " ", "\t", "\u3000", "\xa0", "\r", "\u2003"])


def _chrome_case(lines, final_break):
    text = "\n".join(gap + line for gap, line in lines) + ("\n" if final_break else "")
    assert strip_chrome(text) == _strip_chrome_line_by_line(text)


@settings(max_examples=500, derandomize=True)
@given(st.lists(st.tuples(GAPS, CHROME_LINES), max_size=8), st.booleans())
def test_chrome_probe_finds_every_chrome_line_and_only_whole_lines_go(lines, final_break):
    # which lines may be chrome is decided by looking only at the first character
    # of each line (a regex anchored on line breaks); the lines removed must be
    # exactly those a line-by-line match removes
    _chrome_case(lines, final_break)


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.tuples(GAPS, CHROME_LINES), max_size=8), st.booleans())
def test_chrome_probe_without_first_characters_is_exact_too(lines, final_break):
    # when the first characters of a pattern cannot be told, the probe looks for
    # the whole patterns, kept to one line
    real = sections.first_chars
    sections.first_chars = lambda pattern: None
    sections._chrome_probes.cache_clear()
    try:
        assert "来源" in sections._chrome_probes()[1].pattern
        _chrome_case(lines, final_break)
    finally:
        sections.first_chars = real
        sections._chrome_probes.cache_clear()


@pytest.mark.parametrize(("pattern", "first"), [
    (r"当前位置", {"当"}), (r"[>＞»]\s*\S", {">", "＞", "»"}), (r"(信息)?来源\s*[:：]", {"信", "来"}),
    (r"(字号|【?字体)\s*[:：\[【]", {"字", "【"}), (r"[\[【]?\s*打印本页", {"[", "【", "打"}),
    (r"\s+(上|下)一篇", {"上", "下"}), (r"[a-c]x", {"a", "b", "c"}),
    (r"[\x00-\x20]x", set(map(chr, range(0x09))) | {"\x0e", "\x0f"} | set(map(chr, range(0x10, 0x1c)))
     | {"x"}),
    (r"\w+来源", None), (r".来源", None), (r"[^a]", None), (r"(来源)?", None), (r"\s*", None),
    (r"(?i)ab", None), (r"(?i:a)b", None)])
def test_first_characters_of_a_chrome_pattern(pattern, first):
    got = sections.first_chars(pattern)
    assert (got if got is None else set(got)) == first


def test_chrome_pattern_the_line_start_test_cannot_rewrite_is_refused(monkeypatch):
    monkeypatch.setattr(sections, "_csv", lambda name: [{"pattern": r"^\s*\w.*[:：]"}])
    sections._chrome_probes.cache_clear()
    try:
        with pytest.raises(ValueError, match="cannot rewrite"):
            sections.strip_chrome("来源：x")
    finally:
        sections._chrome_probes.cache_clear()
