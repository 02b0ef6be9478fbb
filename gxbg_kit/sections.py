"""Step 2 of the pipeline: find the template's sections in a report's text.

Headings are recognised by their wording (``data/sections.csv``), not their
number: seed 001 numbers 存在的主要问题 as 二 and puts its tables in an
appendix (附：… 1、主动公开政府信息情况 …). Web-page chrome (breadcrumbs, share
buttons, ``data/chrome.csv``) is removed first.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from .cells import normalize_label

_HEADING = re.compile(
    r"^\s*[#*]*\s*(?P<num>[一二三四五六七八九十]{1,2}\s*[、.．]|\d{1,2}\s*[、．]|第[一二三四五六七八九十]{1,2}部分)"
    r"\s*(?P<title>[^\t|]{2,40}?)\s*[。.:：]?\s*[*]*\s*$"
)
_APPENDIX = re.compile(r"^\s*附\s*(件|表|录)?\s*\d*\s*[:：、]")


def _csv(name: str) -> list[dict]:
    with resources.files("gxbg_kit.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def section_patterns() -> list[tuple[str, re.Pattern]]:
    return [(r["section"], re.compile(r["pattern"])) for r in _csv("sections.csv")]


@cache
def chrome_pattern() -> re.Pattern:
    """One pattern for every web-page chrome line of data/chrome.csv (their common
    leading ``^\\s*`` factored out), matched against one line at a time."""
    return re.compile(_LINE_LEAD + "(?:" + "|".join(f"(?:{b})" for b in _chrome_bodies()) + ")")


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
def _chrome_probes() -> tuple[re.Pattern, re.Pattern]:
    """Patterns that tell whether a text has any chrome line at all, without trying
    every position of it (which cost ~10 % of parsing a text report): one for the
    first line, one that starts with a line break, so the regex engine only looks
    at line breaks. White space in them may not cross a line (``\\s`` → ``[^\\S\\n]``);
    neither may ``.`` or ``[^…]``, which the patterns must not use."""
    line_ws = r"[^\S\n]"
    bodies = []
    for b in _chrome_bodies():
        if "[^" in b or re.search(r"(?<!\\)\.|\[[^\]]*\\s", b):
            raise ValueError(f"chrome.csv: {b!r} must not use [^…], '.' or \\s in a class "
                             "(the line-break test cannot rewrite them)")
        bodies.append(f"(?:{b.replace(chr(92) + 's', line_ws)})")
    alts = "|".join(bodies)
    return re.compile(f"{line_ws}*(?:{alts})"), re.compile(f"\n{line_ws}*(?:{alts})")


def strip_chrome(text: str) -> str:
    """Remove web-page chrome lines (breadcrumbs, share and print buttons …)."""
    first, rest = _chrome_probes()
    if not first.match(text) and not rest.search(text):
        return text
    pat = chrome_pattern()
    return "\n".join(line for line in text.split("\n") if not pat.match(line))


_HEAD_START = frozenset("一二三四五六七八九十第0123456789")
_MAY_MARK = _HEAD_START | {"附"}  # first characters of headings and appendix headings
_LEAD = " \t\r\n\u3000\xa0#*"


def _first_char(line: str) -> str:
    """The first character after leading white space and Markdown ``#``/``*`` marks:
    a cheap test that comes before the heading and appendix patterns."""
    first = line.lstrip(_LEAD)[:1]
    return line.lstrip().lstrip("#*").lstrip()[:1] if first.isspace() else first


def heading_section(line: str) -> str | None:
    """The section a heading line opens, or None if the line is no heading."""
    if len(line) > 60 or _first_char(line) not in _HEAD_START:
        return None  # cheap test first: most lines are not headings
    return _heading_section(line)


@lru_cache(maxsize=16384)
def _heading_section(line: str) -> str | None:  # the same lines recur in report after report
    m = _HEADING.match(line)
    if not m:
        return None
    title = normalize_label(m["title"])
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


def find_sections(lines: list[str]) -> dict[str, Section]:
    """Top-level sections by name; the first heading of each name wins."""
    marks: list[tuple[int, str | None]] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        first = _first_char(line)
        if first not in _MAY_MARK:
            continue  # most lines neither open a section nor an appendix
        name = heading_section(line)
        if name is not None and name not in seen:
            seen.add(name)
            marks.append((i, name))
        elif name is None and first == "附" and _APPENDIX.match(line):
            marks.append((i, None))  # an appendix heading ends the section before it
    out: dict[str, Section] = {}
    for k, (i, name) in enumerate(marks):
        if name is None:
            continue
        end = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
        body = lines[i + 1:end]
        if k + 1 == len(marks):
            body = _trim_signature(body)
        out[name] = Section(name, lines[i].strip(), i, end, body)
    return out


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
