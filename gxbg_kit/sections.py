"""Step 2 of the pipeline: find the template's sections in a report's text.

Headings are recognised by their wording (``data/sections.csv``), not their
number: seed 001 numbers 存在的主要问题 as 二 and puts its tables in an
appendix (附：… 1、主动公开政府信息情况 …). Web-page chrome (breadcrumbs, share
buttons, a crawler's header, ``data/chrome.csv``) is removed first.

A heading usually stands on a line of its own. A web page flattened to text puts
the whole body on one line, with the headings inline; when the line-by-line pass
misses a section, long lines are searched for numbered headings too, kept only
in the template's order (一 before 二 …), and split at each heading.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from . import regex_probe
from .text import CN_NUMERALS, HEADING_NUMBER, HEADING_STOP, normalize_label

_HEADING = re.compile(
    rf"^\s*[#*]*\s*(?P<num>{HEADING_NUMBER})"
    r"\s*(?P<title>[^\t|]{2,40}?)\s*[。.:：]?\s*[*]*\s*$"
)
# every white-space run is matched by one possessive quantifier: adjacent \s* around 附
# (附 then 4,000 spaces) backtracked in cubic time
_APPENDIX = re.compile(r"^\s*+附\s*+(?:[件表录]\s*+)?(?:\d++\s*+)?[:：、]")


def _csv(name: str) -> list[dict]:
    with resources.files("gxbg_kit.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def section_patterns() -> list[tuple[str, re.Pattern]]:
    return [(r["section"], re.compile(r["pattern"])) for r in _csv("sections.csv")]


@cache
def chrome_pattern() -> re.Pattern:
    """One pattern for every web-page chrome line of data/chrome.csv (their common
    leading ``^\\s*`` factored out), matched at the start of one line."""
    # the lead is possessive: a body that starts with an optional mark and white space
    # (``[\[【]?\s*打印本页``) would otherwise split a run of spaces two ways (quadratic)
    return re.compile(_LINE_LEAD + "+(?:" + "|".join(f"(?:{b})" for b in _chrome_bodies()) + ")",
                      re.MULTILINE)


_LINE_LEAD = "^\\s*"


def _chrome_bodies() -> list[str]:
    bodies = []
    for r in _csv("chrome.csv"):
        p = r["pattern"]
        if not p.startswith(_LINE_LEAD):
            raise ValueError(f"chrome.csv: {p!r} must start with {_LINE_LEAD} (a line's start)")
        bodies.append(p[len(_LINE_LEAD):])
    return bodies


@cache
def _chrome_line_patterns() -> list[re.Pattern]:
    """chrome.csv's patterns one by one, as the file gives them."""
    return [re.compile(r["pattern"]) for r in _csv("chrome.csv")]


def strip_chrome_plain(text: str) -> str:
    """The reference of :func:`strip_chrome`: drop every line one of chrome.csv's
    patterns matches, trying each pattern on each line."""
    pats = _chrome_line_patterns()
    return "\n".join(ln for ln in text.split("\n") if not any(p.match(ln) for p in pats))


# -- the fast path of strip_chrome -------------------------------------------------
# Trying the chrome patterns on every line cost ~10 % of parsing a text report; the
# probes of regex_probe find the few lines worth trying (a line whose first character
# after white space can start a chrome pattern), then the one factored pattern decides.
# Equal to strip_chrome_plain: tests/test_sections.py checks it on real and synthetic
# reports and on generated chrome lines.
@cache
def _chrome_probes() -> tuple[re.Pattern, re.Pattern]:
    """The line-start probes of chrome.csv's patterns (:func:`regex_probe.line_start_probes`)."""
    try:
        return regex_probe.line_start_probes(_chrome_bodies())
    except ValueError as err:
        raise ValueError(f"chrome.csv: {err}") from None


def strip_chrome(text: str) -> str:
    """Remove web-page chrome lines (breadcrumbs, share and print buttons …)."""
    first, rest = _chrome_probes()
    starts = [0] if first.match(text) else []
    starts += [m.start() + 1 for m in rest.finditer(text)]
    if not starts:
        return text
    pat = chrome_pattern()
    drop = set()
    for start in starts:
        end = text.find("\n", start)
        if pat.match(text, start, len(text) if end < 0 else end):
            drop.add(start)
    if not drop:
        return text
    kept, pos = [], 0
    for line in text.split("\n"):
        if pos not in drop:
            kept.append(line)
        pos += len(line) + 1
    return "\n".join(kept)


_HEAD_START = frozenset("一二三四五六七八九十第0123456789存")  # 存: 存在的主要问题… unnumbered
_MAY_MARK = _HEAD_START | {"附"}  # first characters of headings and appendix headings
_LEAD = " \t\r\n\u3000\xa0#*"
# PDF-to-Markdown output may lose the 五、 of section 五's heading: such a line,
# alone or as a Markdown heading, is still the heading (only section 五's wording)
_UNNUMBERED = re.compile(
    r"^\s*[#*]*\s*(?:存在的?(?:主要)?问题)\s*(?:及|和|与)\s*改进(?:情况|措施|方向)?\s*[。.:：]?\s*[*]*\s*$")


def _first_char(line: str) -> str:
    """The first character after leading white space and Markdown ``#``/``*`` marks:
    a cheap test that comes before the heading and appendix patterns."""
    first = line.lstrip(_LEAD)[:1]
    return line.lstrip().lstrip("#*").lstrip()[:1] if first.isspace() else first


_MAX_HEADING = 60  # a longer line is no heading (it may hold one inline)


def heading_section_plain(line: str) -> str | None:
    """The section a heading line opens, or None if the line is no heading: a line of
    at most 60 characters that ``_HEADING`` matches with a title of a section's
    wording, or section 五's wording alone (``_UNNUMBERED``). The reference of
    :func:`heading_section`."""
    return None if len(line) > _MAX_HEADING else _heading_match(line)


def heading_section(line: str) -> str | None:
    """:func:`heading_section_plain`, fast: a cheap test of the first character first
    (most lines are not headings; every heading starts with one of ``_HEAD_START``
    after its leading white space and marks), then a cache (the same lines recur in
    report after report)."""
    if len(line) > _MAX_HEADING or _first_char(line) not in _HEAD_START:
        return None
    return _heading_section(line)


def _heading_match(line: str) -> str | None:
    m = _HEADING.match(line)
    if not m:
        return "problems" if _UNNUMBERED.match(line) else None
    return _title_section(normalize_label(m["title"]))


_heading_section = lru_cache(maxsize=16384)(_heading_match)


def _title_section(title: str) -> str | None:
    """The first section (in sections.csv's order) whose wording the title has."""
    for section, pat in section_patterns():
        if pat.search(title):
            return section
    return None


@dataclass
class Section:
    name: str
    heading: str
    start: int  # line index of the heading
    end: int  # line index after the section's last line
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")

# -- headings inline in a long line ------------------------------------------------
# A web page flattened to text puts its whole body on one line: the headings stand
# inline (…提升公开质效。二、主动公开政府信息情况第二十条…) and the tables are glued in
# (…（七）总计0000000四、结转下年度继续办理0000000 四、政府信息公开行政复议…). Only lines
# longer than _LONG_LINE, and lines that already start like a heading but are too
# long to be one, are searched, and only when the line-by-line pass missed a section.
_LONG_LINE = 300
_SECTION_COUNT = 6  # sections.csv's rows: checked in _order()
_NUMERALS = CN_NUMERALS
_INLINE_FIRST = frozenset(_NUMERALS + "第")  # a line that may start with an inline heading
_GAP = r"[ \t\u3000\xa0]{0,3}"
_STOPS = r"\s\d。，,；;：:！!？?（）()《》<>“”\""  # characters a title never holds
_INLINE_MARKER = (rf"(?:[{_NUMERALS}]{{1,2}}{_GAP}{HEADING_STOP}"
                  rf"|第[{_NUMERALS}]{{1,2}}部分[ \t\u3000\xa0:：、]{{0,3}})")
# a title that does not end in 情况/事项/措施 (行政复议…, 存在的主要问题…) runs on to
# the first of them, if it comes soon (…、行政诉讼情况, …及改进情况)
_TITLE_EXT = re.compile(rf"[^{_STOPS}]{{0,14}}?(?:情况|事项|措施)")
# after a title, a list separator means a mention in a list, not a heading
_LIST_NEXT = re.compile(rf"[、；;和及与等]|[，,]{_GAP}{_INLINE_MARKER}")
_DATE_IN = re.compile(r"\d{4}[ \t]{0,2}年[ \t]{0,2}\d{1,2}[ \t]{0,2}月[ \t]{0,2}\d{1,2}[ \t]{0,2}日")


@cache
def _order() -> dict[str, int]:
    """Each section's place in the template (sections.csv's order)."""
    order = {name: k for k, (name, _) in enumerate(section_patterns())}
    if len(order) != _SECTION_COUNT:
        raise ValueError(f"sections.csv: {len(order)} sections, the template has {_SECTION_COUNT}")
    return order


@cache
def _inline_patterns() -> tuple[re.Pattern, ...]:
    """A heading number, then at most 12 title characters before the wording of a
    section (group ``title``), or an appendix (七、附表; 附： after a sentence end).
    Each pattern starts with a character set or a literal, which the regex engine
    scans for quickly (one pattern with the alternatives in front costs four times
    as much). Every quantifier is bounded, so a long line costs linear time."""
    words = "|".join(f"(?:{p.pattern})" for _, p in section_patterns())
    title = rf"(?P<title>[^{_STOPS}、]{{0,12}}?(?:{words}))"
    return (re.compile(rf"[{_NUMERALS}]{{1,2}}{_GAP}{HEADING_STOP}{_GAP}(?:(?P<appendix>附{_GAP}[件表录])|{title})"),
            re.compile(rf"第[{_NUMERALS}]{{1,2}}部分[ \t\u3000\xa0:：、]{{0,3}}{title}"),
            re.compile(rf"附(?<=[。；;\s]附)(?P<appendix>{_GAP}[件表录]?{_GAP}\d{{0,2}}{_GAP}[:：、])"))


@lru_cache(maxsize=4096)
def _inline_title_section(title: str) -> str | None:
    return _title_section(normalize_label(title))


# a mark: (line index, column, section name or None for an appendix, heading text,
# column where the section's text starts in that line or None for the next line)
_Mark = tuple[int, int, "str | None", str, "int | None"]


def _inline_candidates(lines: list[str], idxs: list[int]) -> tuple[list[_Mark], list[_Mark]]:
    """Inline headings and inline appendix marks in the given lines."""
    heads: list[_Mark] = []
    appendices: list[_Mark] = []
    patterns = _inline_patterns()
    for i in idxs:
        line = lines[i]
        if len(line) > _LONG_LINE:
            hits = sorted((m for pat in patterns for m in pat.finditer(line)), key=lambda m: m.start())
        else:  # a line that starts like a heading: only its start is looked at
            lead = len(line) - len(line.lstrip(_LEAD))
            hits = [m for pat in patterns[:2] if (m := pat.match(line, lead))]
        for m in hits:
            if m["appendix"]:
                appendices.append((i, m.start(), None, m[0].strip(), m.start()))
                continue
            end = m.end()
            if not m["title"].endswith(("情况", "事项", "措施")):
                ext = _TITLE_EXT.match(line, end)
                if ext:
                    end = ext.end()
            if _LIST_NEXT.match(line, end):
                continue  # 本报告包括一、总体情况，二、主动公开…: a list of the sections
            name = _inline_title_section(line[m.start("title"):end])
            if name is not None:
                heads.append((i, m.start(), name, line[m.start():end].strip(), end))
    return heads, appendices


def _choose_inline(cands: list[_Mark], fixed: list[_Mark]) -> list[_Mark]:
    """The inline headings to keep: in the template's order (一 before 二 …), and in
    order with the headings that stand on lines of their own; of those, as many
    sections as can be, and of equally many, the earliest. That rejects a table row
    (四、结转下年度继续办理 inside section 三 cannot be 四 before 三 ends) and a heading
    mentioned before its place."""
    order = _order()
    done = {m[2] for m in fixed}
    ok = []
    for c in cands:
        k, pos = order[c[2]], (c[0], c[1])
        if c[2] in done:
            continue
        if all(((f[0], f[1]) < pos) if order[f[2]] < k else ((f[0], f[1]) > pos) for f in fixed):
            ok.append(c)
    if not ok:
        return []
    # longest[n] = the longest run in template order that starts with ok[n]
    size = len(order)
    best_from = [0] * size  # best run length starting at a later candidate of section k
    longest = [0] * len(ok)
    for n in range(len(ok) - 1, -1, -1):
        k = order[ok[n][2]]
        longest[n] = 1 + max(best_from[k + 1:], default=0)
        best_from[k] = max(best_from[k], longest[n])
    want, last_k, chosen = max(longest), -1, []
    for n, c in enumerate(ok):
        k = order[c[2]]
        if k > last_k and longest[n] == want:
            chosen.append(c)
            last_k, want = k, want - 1
            if not want:
                break
    return chosen


def line_marks_plain(lines: list[str]) -> tuple[list[_Mark], set[str], list[int]]:
    """The headings and appendix headings that stand on lines of their own, the
    sections they open, and the lines to search for inline headings (longer than a
    heading, starting like a numbered one), trying every line. The reference of
    :func:`line_marks`."""
    marks: list[_Mark] = []
    seen: set[str] = set()
    looked: list[int] = []  # lines that start like a heading but are too long for one
    for i, line in enumerate(lines):
        name = heading_section_plain(line)
        if name is not None:
            if name not in seen:
                seen.add(name)
                marks.append((i, 0, name, line.strip(), None))
        elif _APPENDIX.match(line):  # an appendix heading ends the section before it
            marks.append((i, 0, None, line.strip(), None))
        elif len(line) > _MAX_HEADING and _first_char(line) in _INLINE_FIRST:
            looked.append(i)
    return marks, seen, looked


def line_marks(lines: list[str]) -> tuple[list[_Mark], set[str], list[int]]:
    """:func:`line_marks_plain`, fast: a line whose first character (after white space
    and Markdown marks) can start no heading, appendix or inline heading is skipped
    after a look at its first character, and headings go through
    :func:`heading_section`."""
    marks: list[_Mark] = []
    seen: set[str] = set()
    looked: list[int] = []
    for i, line in enumerate(lines):
        first = line[:1]
        if first not in _MAY_MARK:  # most lines neither open a section nor an appendix
            if not first or not (first in _LEAD or first.isspace()):
                continue
            first = _first_char(line)  # after indentation or Markdown marks
            if first not in _MAY_MARK:
                continue
        name = heading_section(line)
        if name is not None:
            if name not in seen:
                seen.add(name)
                marks.append((i, 0, name, line.strip(), None))
        elif first == "附":
            if _APPENDIX.match(line):
                marks.append((i, 0, None, line.strip(), None))
        elif len(line) > _MAX_HEADING and first in _INLINE_FIRST:
            looked.append(i)
    return marks, seen, looked


def find_sections(lines: list[str]) -> dict[str, Section]:
    """Top-level sections by name; the first heading of each name wins.

    Headings are looked for line by line first (a heading on a line of its own).
    If that misses a section, headings inline in long lines (a web page flattened
    to one line) are looked for too, and kept only in the template's order; such a
    line is split at the heading."""
    marks, seen, looked = line_marks(lines)
    inline = False
    if len(seen) < _SECTION_COUNT:
        idxs = looked
        if max(map(len, lines), default=0) > _LONG_LINE:  # C speed: lines are rarely long
            idxs = sorted(set(looked).union(i for i, ln in enumerate(lines) if len(ln) > _LONG_LINE))
        if idxs:
            cands, appendices = _inline_candidates(lines, idxs)
            chosen = _choose_inline(cands, [m for m in marks if m[2] is not None])
            if chosen:
                inline = True
                first_head = min((m[0], m[1]) for m in marks + chosen if m[2] is not None)
                marks = sorted(marks + chosen + [a for a in appendices if (a[0], a[1]) > first_head],
                               key=lambda m: (m[0], m[1]))
    out: dict[str, Section] = {}
    for k, mark in enumerate(marks):
        i, _, name, heading, _ = mark
        if name is None:
            continue
        nxt = marks[k + 1] if k + 1 < len(marks) else None
        if inline:
            body, end = _body(lines, mark, nxt)
        else:
            end = nxt[0] if nxt else len(lines)
            body = lines[i + 1:end]
        if nxt is None:
            body = _trim_signature(body)
            if inline and body and (mark[4] is not None or len(body[-1]) > _LONG_LINE):
                body[-1] = _trim_inline_signature(body[-1])
        out[name] = Section(name, heading, i, end, body)
    return out


def _body(lines: list[str], mark: _Mark, nxt: _Mark | None) -> tuple[list[str], int]:
    """A section's lines from its mark to the next one (either may be inline), and
    the index of the line after its last line."""
    i, _, _, _, col = mark
    j, stop = (nxt[0], nxt[1]) if nxt is not None else (len(lines), 0)
    if col is not None and j == i:
        return [lines[i][col:stop].strip()], i + 1
    body = [] if col is None else [lines[i][col:].lstrip()]
    body += lines[i + 1:j]
    if stop > 0:
        body.append(lines[j][:stop].rstrip())
    if body and col is not None and not body[0]:
        body.pop(0)
    if body and stop > 0 and not body[-1]:
        body.pop()
    return body, j + 1 if stop > 0 else j


def _trim_inline_signature(line: str) -> str:
    """Drop what follows the last sentence of a long line when it is short and dated:
    the closing signature (…无其他需要报告事项。 平潭综合实验区财政金融局 2020年1月2日,
    also with 此函, 附件下载 or （此件主动公开） around it)."""
    cut = max(line.rfind("。"), line.rfind("；"), line.rfind(";")) + 1
    if 0 < cut and len(line) - cut <= 120 and _DATE_IN.search(line, cut):
        return line[:cut]
    return line


def _trim_signature(body: list[str]) -> list[str]:
    """Drop the closing signature (agency name and date) after the last section."""
    body = list(body)
    while body and not body[-1].strip():
        body.pop()
    if body and _DATE_LINE.match(body[-1]):
        body.pop()
        while body and not body[-1].strip():
            body.pop()
        if body and len(body[-1].strip()) <= 30 and not body[-1].strip().endswith(("。", "；")):
            body.pop()
    return body
