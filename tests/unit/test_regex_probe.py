"""The line-start probes (gxbg_kit/regex_probe.py), a speed-up of sections.strip_chrome.
Its equality with the line-by-line reference is tested in test_sections.py."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxbg_kit import regex_probe


@pytest.mark.parametrize(("pattern", "first"), [
    (r"当前位置", {"当"}), (r"[>＞»]\s*\S", {">", "＞", "»"}), (r"(信息)?来源\s*[:：]", {"信", "来"}),
    (r"(字号|【?字体)\s*[:：\[【]", {"字", "【"}), (r"[\[【]?\s*打印本页", {"[", "【", "打"}),
    (r"\s+(上|下)一篇", {"上", "下"}), (r"[a-c]x", {"a", "b", "c"}),
    (r"[\x00-\x20]x", set(map(chr, range(0x09))) | {"\x0e", "\x0f"} | set(map(chr, range(0x10, 0x1c)))
     | {"x"}),
    (r"\w+来源", None), (r".来源", None), (r"[^a]", None), (r"(来源)?", None), (r"\s*", None),
    (r"(?i)ab", None), (r"(?i:a)b", None)])
def test_first_characters_of_a_pattern(pattern, first):
    got = regex_probe.first_chars(pattern)
    assert (got if got is None else set(got)) == first


BODIES = [r"当前位置", r"(信息)?来源\s*[:：]", r"[\[【]?\s*打印本页", r"(上|下)一篇"]
LINE = st.tuples(st.sampled_from(["", " ", "\t", "\u3000", "\xa0"]),
                 st.sampled_from(["当前位置：首页", "来源：本局", "信息来源 :", "【打印本页】", " 上一篇", "正文",
                                  "一、总体情况", "", "来源不明"]))


@settings(max_examples=300, derandomize=True)
@given(st.lists(LINE, max_size=6), st.booleans())
def test_probes_find_every_line_a_body_matches(lines, exact):
    # with the first characters told, and with whole bodies (when they cannot be)
    text = "\n".join(lead + line for lead, line in lines)
    real = regex_probe.first_chars
    if not exact:
        regex_probe.first_chars = lambda pattern: None
    try:
        first, rest = regex_probe.line_start_probes(BODIES)
    finally:
        regex_probe.first_chars = real
    found = ({0} if first.match(text) else set()) | {m.start() + 1 for m in rest.finditer(text)}
    full = re.compile(r"^\s*(?:" + "|".join(f"(?:{b})" for b in BODIES) + ")")
    pos = 0
    for line in text.split("\n"):
        if full.match(line):
            assert pos in found, (line, text)
        pos += len(line) + 1
