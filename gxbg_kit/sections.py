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
    leading ``^\\s*`` factored out), matched at the start of one line."""
    return re.compile(_LINE_LEAD + "(?:" + "|".join(f"(?:{b})" for b in _chrome_bodies()) + ")",
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


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with once leading white
    space is skipped, read off the parsed regex; None when that cannot be told
    (a negated class, a category, ``.`` …)."""
    from re import _constants as c
    from re import _parser

    def item(op, av):  # -> (chars, may be empty or white space only)
        if op is c.LITERAL:
            return (frozenset(), True) if chr(av).isspace() else (frozenset(chr(av)), False)
        if op is c.IN:
            chars, ws = set(), False
            for o, a in av:
                if o is c.LITERAL and not chr(a).isspace():
                    chars.add(chr(a))
                elif (o is c.LITERAL and chr(a).isspace()) or (o is c.CATEGORY
                                                              and a is c.CATEGORY_SPACE):
                    ws = True
                elif o is c.RANGE and a[1] - a[0] < 256:
                    span = [chr(x) for x in range(a[0], a[1] + 1)]
                    chars |= {ch for ch in span if not ch.isspace()}
                    ws = ws or any(ch.isspace() for ch in span)
                else:
                    return None
            return frozenset(chars), ws
        if op is c.SUBPATTERN:
            return None if av[1] & c.SRE_FLAG_IGNORECASE else seq(av[-1])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            got = seq(av[2])
            return None if got is None else (got[0], got[1] or av[0] == 0)
        if op is c.BRANCH:
            got = [seq(b) for b in av[1]]
            if any(g is None for g in got):
                return None
            return frozenset().union(*(g[0] for g in got)), any(g[1] for g in got)
        if op is c.AT:
            return frozenset(), True
        return None

    def seq(items):
        chars = frozenset()
        for op, av in items:
            got = item(op, av)
            if got is None:
                return None
            chars |= got[0]
            if not got[1]:
                return chars, False
        return chars, True

    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & c.SRE_FLAG_IGNORECASE:
            return None  # other cases of a letter could start a match
        got = seq(parsed.data)
    except Exception:  # noqa: BLE001 (a private module: any surprise means "cannot tell")
        return None
    return None if got is None or got[1] else got[0]


@cache
def _chrome_probes() -> tuple[re.Pattern, re.Pattern]:
    """Patterns that find the lines that may be chrome without trying every
    position of a text (which cost ~10 % of parsing a text report): a line whose
    first character after white space can start a chrome pattern. One is for the
    first line; the other starts with a line break, so the regex engine only
    looks at line breaks. When the first characters cannot be told, they look
    for the whole patterns (white space in them kept to one line)."""
    line_ws = r"[^\S\n]"
    bodies = _chrome_bodies()
    firsts = [first_chars(b) for b in bodies]
    if all(f is not None for f in firsts):
        probe = "[" + "".join(re.escape(ch) for ch in sorted(frozenset().union(*firsts))) + "]"
    else:
        for b in bodies:
            if re.search(r"\[\^|(?<!\\)[.$]|\[[^\]]*\\s", b):
                raise ValueError(f"chrome.csv: {b!r} uses [^…], '.', '$' or \\s in a class, "
                                 "and its first characters cannot be told: the line-break test "
                                 "cannot rewrite it")
        probe = "(?:" + "|".join(f"(?:{b.replace(chr(92) + 's', line_ws)})"
                                 for b in bodies) + ")"
    return re.compile(f"{line_ws}*{probe}"), re.compile(f"\n{line_ws}*{probe}")


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
        first = line[:1]
        if first not in _MAY_MARK:  # most lines neither open a section nor an appendix
            if not first or not (first in _LEAD or first.isspace()):
                continue
            first = _first_char(line)  # after indentation or Markdown marks
            if first not in _MAY_MARK:
                continue
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
