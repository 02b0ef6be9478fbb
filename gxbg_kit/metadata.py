"""Report metadata read from the text: title, agency, year, administrative level."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

_TITLE = re.compile(r"(政府信息公开|政务公开|信息公开).{0,8}(年度报告|年报)")
_YEAR = re.compile(r"(20[0-4]\d|199\d)\s*年")
_PERIOD = re.compile(r"统计期限.{0,6}?(20[0-4]\d)\s*年")
_AGENCY_TAIL = re.compile(r"[\s（(【\[]*(关于)?$")
# a crawler's header names the page's title: "标题: 平潭综合实验区财政金融局2019年度…"
_TITLE_LABEL = re.compile(r"^(?:标题|题目|文章标题)[:：]")


@dataclass
class Meta:
    title: str | None
    agency: str | None
    year: int | None


def _clean(s: str) -> str:
    """No white space, no Markdown heading or emphasis markers, no trailing punctuation,
    no crawler label (标题:)."""
    return _TITLE_LABEL.sub("", re.sub(r"\s+", "", s).strip("#*_　 ：:，,。"))


def read_meta(lines: list[str], first_section_line: int | None) -> Meta:
    """Title, agency and year from the lines before the first section heading.

    The agency is what precedes the year in the title line ("西工区财政局 2023 年
    政府信息公开工作年度报告"), or the line just before a title that starts with the
    year (seed 000). A report that names no agency (seed 001) gets None.
    """
    stop = first_section_line if first_section_line is not None else min(len(lines), 30)
    head = [(i, ln.strip()) for i, ln in enumerate(lines[:stop]) if ln.strip()]
    title = agency = None
    year = None
    if stop < len(lines) and len(lines[stop]) > 60:
        # a web page flattened to one line: the body may start with the title
        # (平潭综合实验区财政金融局2019年度政府信息公开工作年度报告 根据《条例》…)
        lead = _body_title(lines[stop])
        if lead:
            head.append((stop, lead))
    for k, (_, ln) in enumerate(head[:20]):
        if _TITLE.search(_clean(ln)) and len(_clean(ln)) <= 60:
            title = _clean(ln)
            m = _YEAR.search(title)
            if m:
                year = int(m.group(1))
                before = _AGENCY_TAIL.sub("", title[: m.start()])
                if before:
                    agency = before
                elif k > 0 and len(_clean(head[k - 1][1])) <= 30:
                    agency = _clean(head[k - 1][1])
            break
    if year is None:
        text = "\n".join(lines)
        m = _PERIOD.search(text)
        if m:
            year = int(m.group(1))
        else:
            years = Counter(int(y) for y in _YEAR.findall("\n".join(lines[:200])))
            if years:
                year = sorted(years.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return Meta(title, agency, year)


def _body_title(line: str) -> str | None:
    """The title a long line starts with: up to the end of its first 年度报告/年报,
    if that comes within the first 60 characters."""
    m = _TITLE.search(line, 0, 80)
    if m is None or m.end() > 60 + len(line) - len(line.lstrip()):
        return None
    return line[:m.end()]


def agency_level(agency: str | None) -> str | None:
    """Administrative level from an agency name: county, city or province."""
    if not agency:
        return None
    name = agency.replace("自治区", "省")
    if re.search(r"(乡|镇|街道)(人民政府|办事处)?", name) and not re.search(r"[县区市]", name):
        return "township"
    if re.search(r"县|区|旗", name):
        return "county"
    if re.search(r"市|州|盟", name):
        return "city"
    if re.search(r"省", name):
        return "province"
    return None


# --------------------------------------------------------------------------
# agency_key: one organ across years
# --------------------------------------------------------------------------

#: the levels below a city, whose names are qualified with the manifest's city
_BELOW_CITY = frozenset({"county", "township"})
_CITY_SUFFIX = re.compile(r"(?:市|州|盟|地区)$")


@cache
def _name_rules() -> tuple[tuple[re.Pattern, str], ...]:
    """The rewriting rules of ``data/agency_names.csv``, in order."""
    from .sections import _csv

    return tuple((re.compile(r["pattern"]), r["replacement"]) for r in _csv("agency_names.csv"))


def _plain(text) -> str:
    """NFKC (full-width letters, digits and brackets as half-width), no white space;
    "" for None or NA."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalise_agency(name: str | None) -> str | None:
    """An agency's name in one spelling: NFKC (full-width letters, digits and brackets
    as half-width), no white space, then every rule of ``data/agency_names.csv`` in
    turn (a bracketed alias, the year and the report's title words, punctuation,
    管理委员会 → 管委会, 海坛片区管理局 → 海坛片区, 洪泽区政府 → 洪泽区人民政府 …).
    None (or NA) when nothing is left."""
    out = _plain(name)
    for pattern, replacement in _name_rules():
        out = pattern.sub(replacement, out)
    return out or None


def agency_key(agency: str | None, *, province: str | None = None, city: str | None = None,
               county: str | None = None, level: str | None = None) -> str | None:
    """A key that is the same for one organ in every year: its normalised name
    (:func:`normalise_agency`) written from the city down, with the places the
    manifest gives (``province``, ``city``, ``county``) and the agency's ``level``.

    - A city written without its suffix gets it (淮安洪泽区… → 淮安市洪泽区…).
    - A leading province is dropped when the city follows it, or when the agency
      is below the city (江苏省淮安市洪泽区人民政府 → 淮安市洪泽区人民政府).
    - Below the city (level county or township) a name that does not start with
      the city gets it in front, and a township's name the county too
      (洪泽区人民政府 with city 淮安市 → 淮安市洪泽区人民政府), so two 西湖区 of
      two cities never share a key and a name printed with or without its city is
      one key.

    None when there is no agency: a key is never made up from the place alone.
    A manifest's ``agency_key`` column overrides this (see ``Report``)."""
    name = normalise_agency(agency)
    if name is None:
        return None
    province, city, county = (_plain(p) for p in (province, city, county))
    below = level in _BELOW_CITY
    if province and name.startswith(province) and (below or (city and name[len(province):]
                                                                 .startswith(city))):
        name = name[len(province):]
    if city:
        stem = _CITY_SUFFIX.sub("", city)
        if len(stem) >= 2 and stem != city and name.startswith(stem) and not name.startswith(city):
            name = city + name[len(stem):]
    if below:
        prefix = ""
        for place in (city, county if level == "township" else None):
            if place:
                name = name.removeprefix(place)
                prefix += place
        name = prefix + name
    return name
