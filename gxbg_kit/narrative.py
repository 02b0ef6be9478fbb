"""Narrative analytics of section 五、存在的主要问题及改进情况.

Pure functions on text and tidy frames:

* :func:`problems_section` cuts the section out of a report's full text;
* :func:`split_problems` splits the section into self-reported problems and
  improvement measures, one row per enumerated item;
* :func:`problems_frame` does that for every report of a ``sections`` table and
  tags each item with problem themes from an editable codebook
  (:func:`load_codebook`, :func:`assign_themes`, :func:`problem_themes`);
* :func:`tokenize` turns texts into tidy jieba tokens with a domain dictionary
  and stopword list shipped in ``gxbg_kit/data``;
* :func:`term_frequencies`, :func:`keywords` and :func:`theme_cooccurrence` are
  the keyword statistics a paper reports;
* :func:`narrative_similarity` finds copied (boilerplate) narratives, and
  :func:`boilerplate` measures how much of each report repeats the same organ's
  previous year;
* :func:`compare_items` and :func:`agreement` score the split and the themes
  against hand-labelled items (``tests/truth/narrative_items.csv``).

The wordings that tell measures from problems are data
(``gxbg_kit/data/measure_rules.csv``, :func:`load_measure_rules`), as are the
theme codebook, the stopwords and the form words keywords drop.

Every output is sorted and free of randomness. See ``docs/themes.md`` for the
splitting rules and how each theme is decided.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.resources
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import PROBLEM_THEMES, PROBLEMS, TOKENS
from .sections import find_sections, strip_chrome
from .text import CN_NUMBER_CHARS, HEADING_STOP, cn_number
from .text import CN_NUMERALS as _CN
from .text import CN_VALUES as _CN_VALUES

__all__ = [
    "KINDS", "KIND_DTYPE", "PROBLEM_COLUMNS", "CODEBOOK_COLUMNS", "cn_number", "problems_section",
    "split_problems", "problems_frame", "load_codebook", "match_themes", "assign_themes",
    "problem_themes", "tokenize", "domain_terms", "stopwords", "form_words", "term_frequencies",
    "keywords", "theme_cooccurrence", "cooccurrence_matrix", "shingles", "narrative_similarity", "SIMILARITY_SCOPES",
    "MEASURE_RULES", "load_measure_rules", "measure_patterns", "compare_items", "agreement",
    "copied_sentences", "boilerplate",
]

# columns and dtypes of the problems, problem_themes and tokens tables: schema.py
KINDS = tuple(PROBLEMS.column("kind").codes)
KIND_DTYPE = PROBLEMS.column("kind").pandas_dtype()
PROBLEM_COLUMNS = PROBLEMS.names
ITEM_KEY = list(PROBLEMS.key)  # report_id, kind, n: the id of an item

# --------------------------------------------------------------------------
# The section in a report's full text
# --------------------------------------------------------------------------
_HEADING = re.compile(
    rf"^[ \t\u3000]*(?:(?P<num>[{_CN}]+)[ \t]*{HEADING_STOP}[ \t\u3000]*)?"
    r"[^\n。]{0,8}(?:存在的?(?:主要)?问题|主要问题|问题及改进|问题和改进)[^\n。]{0,20}$", re.M)
_SECTION_END = (
    r"^[ \t\u3000]*附[ \t]*(?:[:：件表录]|\s*$)",
    rf"^[ \t\u3000]*(?:[{_CN}]+[ \t]*{HEADING_STOP}[ \t\u3000]*)?其他需要报告",
)


def problems_section(text: str) -> str | None:
    """The text of section 五 (存在的主要问题及改进情况) in a report's full text.

    The section starts after the first heading line that contains 存在的(主要)问题,
    主要问题 or 问题及改进
    (whatever its number: some reports number it 二、) and ends before the next
    top-level heading: the one numbered one higher (六、 after 五、), a heading
    containing 其他需要报告, or an appendix line (附: / 附件 / 附表). Without such a
    line (a web page flattened to one line), the section is the one
    :func:`gxbg_kit.sections.find_sections` finds inline. None when no such heading
    exists. The parser's ``sections`` table is the usual source;
    this helper is for raw text.
    """
    text = _normalize(text)
    m = _HEADING.search(text)
    if m is None:
        # a web page flattened to one line: the heading stands inline
        # (…000000000000000五、存在的主要问题及改进情况（一）存在问题。一是…)
        found = find_sections(strip_chrome(text).split("\n")).get("problems")
        return found.text.strip() or None if found is not None else None
    ends = list(_SECTION_END)
    num = cn_number(m.group("num") or "")
    if num is not None and num < 99:
        nxt = {v: k for k, v in _CN_VALUES.items()}.get(num + 1, "十" if num == 9 else None)
        if nxt:
            ends.append(rf"^[ \t\u3000]*{nxt}[ \t]*{HEADING_STOP}")
    stops = [e.start() for pat in ends if (e := re.compile(pat, re.M).search(text, m.end()))]
    return text[m.end():min(stops, default=len(text))].strip()


def _normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u00a0", " ").replace("\u3000", " ").replace("\ufeff", "")


# --------------------------------------------------------------------------
# Splitting the section into problems and measures
# --------------------------------------------------------------------------
# an item may start at the start of the text or after one of these characters
_START = r"(?<![^\n。；;：:！!？?])[ \t]*+"
_START_COMMA = r"(?<![^\n。；;：:！!？?，,])[ \t]*"
_MARKERS = {
    # type: regex with group "m" (the marker) and optional group "num"
    "shi": _START_COMMA + rf"(?P<m>(?P<num>[{_CN}]{{1,3}})是)(?=[^\s，,。；;、是])",
    "paren_cn": _START + rf"(?P<m>[（(](?P<num>[{_CN}]{{1,3}})[）)])",
    "dun_cn": _START + rf"(?P<m>(?P<num>[{_CN}]{{1,3}})[、．.])",
    "arabic": _START + r"(?P<m>(?P<num>\d{1,2})[ \t]*[.．、)）])(?![\d.．])",
    "paren_ar": _START + r"(?P<m>[（(](?P<num>\d{1,2})[）)])",
    "circled": _START_COMMA + r"(?P<m>(?P<num>[\u2460-\u2473\u2474-\u2487]))",
    "di": _START_COMMA + rf"(?P<m>第(?P<num>[{_CN}]{{1,3}})[，,、:：是])",
    "qi": _START_COMMA + rf"(?P<m>其(?P<num>[{_CN}]{{1,3}})[，,、:：是])",
}
_MARKER_RES = {k: re.compile(v) for k, v in _MARKERS.items()}
# a bare 是 where extraction lost the 一 of 一是 (only used before a 二是)
_BARE_SHI = re.compile(r"(?<![^\n。；;：:])[ \t]*(?P<m>是)(?=[^\s，,。；;、是的])")

_ENUM_PREFIX = rf"(?:[（(][{_CN}\d]{{1,3}}[）)]|[{_CN}]{{1,3}}{HEADING_STOP}|\d{{1,2}}[.．、])?[ \t]*+"
MEASURE_RULES = ("next_step", "subheading", "subject", "commit", "opener", "action_adverb",
                 "action_verb", "deficit")


def _data_file(name: str):
    return importlib.resources.files("gxbg_kit").joinpath("data", name)


def load_measure_rules(path: str | Path | None = None) -> pd.DataFrame:
    """The wording rules that tell measures from problems, one row per variant.

    Columns: ``rule`` (one of :data:`MEASURE_RULES`), ``pattern`` (a regular
    expression fragment; ``<rule>`` stands for the alternation of that rule's
    patterns), ``example`` (text the pattern must match at its start; a ``deficit``
    anywhere, as headings are searched for them) and ``source``
    (where the variant was seen). None loads ``gxbg_kit/data/measure_rules.csv``.
    The rules are read once when the module is imported; see ``docs/themes.md``.
    """
    if path is None:
        with _data_file("measure_rules.csv").open("r", encoding="utf-8") as f:
            df = pd.read_csv(f, dtype=str, keep_default_na=False)
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    unknown = sorted(set(df["rule"]) - set(MEASURE_RULES))
    if unknown:
        raise ValueError(f"measure rules: unknown rule(s) {unknown}")
    return df


def measure_patterns(rules: pd.DataFrame | None = None) -> dict[str, str]:
    """Each rule's alternation ``(?:a|b|…)`` with ``<rule>`` references expanded."""
    rules = load_measure_rules() if rules is None else rules
    out: dict[str, str] = {}
    for rule in MEASURE_RULES:   # a rule refers only to rules listed before it
        pats = rules.loc[rules["rule"] == rule, "pattern"]
        alt = "(?:" + "|".join(pats) + ")"
        out[rule] = re.sub(r"<(\w+)>", lambda m: out[m.group(1)] if m.group(1) in out else m.group(0),
                           alt)
    return out


_RULES = measure_patterns()
# where the measures part starts, at a sentence start (下一步, 改进措施, 针对上述问题 …)
_STRONG = _RULES["opener"]
# who commits and how (我局将), only at a paragraph start
_WEAK = _RULES["subject"] + _RULES["commit"]
_STRONG_RE = re.compile(_START + r"(?P<m>" + _ENUM_PREFIX + _STRONG + ")")
_WEAK_RE = re.compile(r"(?:^|(?<=\n))[ \t]*+(?P<m>" + _ENUM_PREFIX + _WEAK + ")")
_COMMIT_RE = re.compile(_START + r"(?P<m>(?:" + _STRONG + "|" + _WEAK + "))")
_PROBLEM_SUBHEAD = re.compile(
    r"^[ \t]*+" + _ENUM_PREFIX + r"(?:存在的?(?:主要)?问题|主要问题|问题)[ \t]*[:：]?[ \t]*$", re.M)
# the same sub-headings inline, ended by a full stop or colon: （一）存在问题。一是…
_PROBLEM_SUBHEAD_INLINE = re.compile(
    _START + _ENUM_PREFIX + r"(?:存在的?(?:主要)?问题|主要问题)[ \t]*[。.:：][ \t]*(?=\S)")
# a measures sub-heading at the start of the measures part: （二）改进措施。…
_MEASURE_SUBHEAD = re.compile(
    r"^[ \t]*+" + _ENUM_PREFIX + _RULES["subheading"] + r"[ \t]*[。.:：]?\s*(?=\S)")

# item headings: how a list that mixes problems and measures is told apart
_DEFICIT = _RULES["deficit"]
_MEASURE_VERB = _RULES["action_adverb"] + "?" + _RULES["action_verb"]
_GENERIC_ADMISSION = re.compile(
    r"(?:存在|有)[^。]*?(?:差距|不足|问题|短板|薄弱环节|不足之处)(?:[和与及](?:差距|不足|问题|短板))?"
    r"[，,]?(?:主要(?:表现|体现)[为在]?|具体(?:表现|体现)[为在]?|主要有|如下)?[:：]?$")
# an item that only says there is nothing to report
_NOTHING = re.compile(r"^(?:本年度|今年|目前)?[,，]?(?:暂|尚)?(?:无|没有|未发现)(?:明显|其他|相关)?"
                      r"(?:问题|情况|事项|内容)?[。.]?$")
_SENTENCE = re.compile(r"[^。！!？?；;：:\n]*(?:[。！!？?；;：:]+|\n+|$)")


@dataclass(frozen=True)
class _Marker:
    start: int   # where the marker begins (the item's start)
    end: int     # where the item's text begins
    type: str
    num: int


def _markers(text: str) -> list[_Marker]:
    out = []
    for typ, rx in _MARKER_RES.items():
        for m in rx.finditer(text):
            raw = m.group("num")
            if typ == "circled":
                o = ord(raw)
                num = o - 0x2460 + 1 if o <= 0x2473 else o - 0x2474 + 1
            elif raw.isdigit():
                num = int(raw)
            else:
                num = cn_number(raw)
            if num:
                out.append(_Marker(m.start("m"), m.end("m"), typ, num))
    return sorted(out, key=lambda k: (k.start, k.type))


def _chain(markers: list[_Marker], text: str, a: int, b: int) -> list[_Marker]:
    """The top-level enumeration inside text[a:b]: markers numbered 1, 2, 3 …

    For each marker type the longest run 1, 2, 3 … (in text order) is built (a
    number printed twice with no other marker of the type between, 三是…三是, is
    the next item: pingtan_czj_2019); the
    run that starts first wins (runs of two or more before single markers). A
    一是-list whose first marker was lost (``是…。二是…``) gets the bare 是.
    """
    chains = []
    for typ in {m.type for m in markers}:
        ms = [m for m in markers if m.type == typ and a <= m.start < b]
        chain: list[_Marker] = []
        if typ == "shi" and ms and not any(m.num == 1 for m in ms):
            two = next((m for m in ms if m.num == 2), None)
            bare = _BARE_SHI.search(text, a, two.start) if two else None
            if bare:
                chain.append(_Marker(bare.start("m"), bare.end("m"), "shi", 1))
        skipped = False   # a marker of this type passed over since the chain's last one
        for m in ms:
            if chain and m.start <= chain[-1].start:
                continue
            # a number printed twice in a row (一是…二是…三是…三是…) is the next item
            if (not chain and m.num == 1) or (chain and m.num == chain[-1].num + 1) or \
                    (chain and m.num == chain[-1].num and not skipped):
                chain.append(m)
                skipped = False
            elif chain:
                skipped = True
        if chain:
            chains.append(chain)
    if not chains:
        return []
    return min(chains, key=lambda c: (len(c) < 2, c[0].start, -len(c)))


def _inside_item(c: int, chain: list[_Marker], markers: list[_Marker]) -> bool:
    """Whether position c lies inside the last item of ``chain`` (the list goes on after c)."""
    last = chain[-1]
    for m in markers:
        if m.start > c and m.type == last.type:
            return m.num == last.num + 1
    return False


def _boundary(text: str, markers: list[_Marker]) -> int | None:
    """Where the measures part starts: the first measure wording at a sentence start
    (下一步, 改进措施, 今后, 针对上述问题 …, or 我局将/我们将 at a paragraph start)
    that is not inside an item of a list that goes on after it."""
    cands = sorted({m.start("m") for rx in (_STRONG_RE, _WEAK_RE) for m in rx.finditer(text)})
    for c in cands:
        chain = _chain(markers, text, 0, c)
        if chain and _inside_item(c, chain, markers):
            continue
        return c
    return None


def _clean(s: str) -> str:
    s = re.sub(r"[ \t]*\n\s*", "\n", s.strip())
    # a line break inside Chinese text is an extraction artefact or a paragraph end
    s = re.sub(r"(?<=[^\x00-\x7f])\n|\n(?=[^\x00-\x7f])", "", s)
    s = s.replace("\n", " ")
    return re.sub(r"^[\s:：，,、]+|[\s；;，,、]+$", "", s)


def _sentences(s: str) -> list[str]:
    return [x for x in _SENTENCE.findall(s) if x.strip()]


def _drop_lead_in(s: str, generic: bool) -> str:
    """Drop leading sentences that only introduce: end with a colon, or (problems)
    admit 'gaps and shortcomings' in general. At least one sentence is kept."""
    sents = _sentences(s)
    while len(sents) > 1:
        head = sents[0].strip()
        if head.endswith((":", "：")) or (generic and _GENERIC_ADMISSION.search(
                head.rstrip("。！!？?；;\n "))):
            sents.pop(0)
        else:
            break
    return "".join(sents)


def _part_items(text: str, markers: list[_Marker], a: int, b: int, kind: str):
    """(start, text) of each item of text[a:b]."""
    chain = _chain(markers, text, a, b)
    if not chain:
        part = text[a:b]
        if kind == "measure":  # （二）改进措施。进一步…: the sub-heading is no part of the item
            part = _MEASURE_SUBHEAD.sub("", part, count=1)
        body = _clean(_drop_lead_in(part, generic=kind == "problem"))
        return [(a, body)] if body else []
    bounds = [m.start for m in chain[1:]] + [b]
    return [(m.start, _clean(text[m.end:e])) for m, e in zip(chain, bounds)]


def _heading_kind(item: str) -> str:
    head = re.split(r"[。！!？?；;：:\n]", item, maxsplit=1)[0]
    if re.match(_MEASURE_VERB, head) and not re.search(_DEFICIT, head):
        return "measure"
    return "problem"


def _split_commitment(item: str) -> tuple[str, str]:
    """Split a problem item at its first sentence (after the first) that starts with
    a commitment (我局将 …, 下一步 …, 今后 …): (problem text, measure text)."""
    first = re.search(r"[。！!？?；;]", item)
    if first is None:
        return item, ""
    m = _COMMIT_RE.search(item, first.end())
    if m is None:
        return item, ""
    return _clean(item[:m.start("m")]), _clean(item[m.start("m"):])


def split_problems(text: str | None) -> pd.DataFrame:
    """Split the text of section 五 into problem and measure items.

    Returns columns ``kind`` (category: problem, measure), ``n`` (Int64, 1-based
    within kind, in text order) and ``text`` (string, the item without its
    enumeration marker). The rules (see ``docs/themes.md``):

    1. The measures part starts at the first measure wording at a sentence start
       (下一步, 改进措施, 今后, 针对上述问题 …; 我局将/我们将 … at a paragraph start)
       that does not sit inside an item of a list continuing after it.
    2. Each part is split at its top-level enumeration (一是, （一）, 一、, 1., （1）,
       ①, 第一, 其一), numbered 1, 2, 3 …; a 一是 list whose 一 was lost by
       extraction starts at the bare 是. Text before the first marker is a
       lead-in and belongs to no item; a part without enumeration is one item
       (minus lead-in sentences that end with a colon or, for problems, only
       admit 'gaps and shortcomings').
    3. A section with no measures part whose list mixes both (items headed
       加快…/完善…/提高… next to items headed …有待提升): items whose heading starts
       with an action verb are measures, the others problems.
    4. A problem item with a later sentence starting 我局将/下一步/今后 … is split
       there: the sentences before are the problem, the rest a measure.
    5. An item that only says there is nothing (无。, 暂无问题, 没有) is no item.
    """
    return _items_frame(_split_items(text), ["kind", "n", "text"])


def _items_frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    df = df.astype({c: PROBLEMS.column(c).pandas_dtype() for c in columns})
    keys = [c for c in ITEM_KEY if c in columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def _split_items(text) -> list[tuple[str, int, str]]:
    """(kind, n, text) of each item, in text order; see :func:`split_problems`."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    text = _PROBLEM_SUBHEAD.sub("", _normalize(text)).strip()
    text = _PROBLEM_SUBHEAD_INLINE.sub("", text).strip()
    markers = _markers(text)
    cut = _boundary(text, markers)
    items: list[tuple[int, str, str]] = []   # (position, kind, text)
    if cut is None:
        enumerated = bool(_chain(markers, text, 0, len(text)))
        for pos, body in _part_items(text, markers, 0, len(text), "problem"):
            items.append((pos, _heading_kind(body) if enumerated else "problem", body))
    else:
        items += [(p, "problem", t) for p, t in _part_items(text, markers, 0, cut, "problem")]
        items += [(p, "measure", t) for p, t in _part_items(text, markers, cut, len(text), "measure")]
    rows = []
    for pos, kind, body in items:
        if kind == "problem":
            body, commitment = _split_commitment(body)
            if commitment:
                rows.append((pos + 0.5, "measure", commitment))
        if body and not _NOTHING.match(body):
            rows.append((pos, kind, body))
    rows.sort(key=lambda r: r[0])
    counts = {k: 0 for k in KINDS}
    out = []
    for _, kind, body in rows:
        counts[kind] += 1
        out.append((kind, counts[kind], body))
    return out


# --------------------------------------------------------------------------
# Problem-theme codebook
# --------------------------------------------------------------------------
CODEBOOK_COLUMNS = ["theme", "label_zh", "label_en", "description", "patterns", "examples",
                    "counter_examples"]
# clauses that say what is to be prevented (杜绝…不及时) are not problem statements
_PREVENTION = re.compile(r"(?:杜绝|防止|避免|严防|防范|谨防|确保不|不得)[^,;。!?]*")


def load_codebook(path: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The problem-theme codebook: one row per theme, in the order themes are reported.

    ``path`` is a CSV file with the columns theme, label_zh, label_en, description,
    patterns (a regular expression; alternatives separated by ``|``), examples and
    counter_examples (``;``-separated phrases the patterns must / must not match);
    or a DataFrame with at least theme and patterns. None loads the shipped
    ``gxbg_kit/data/problem_themes.csv``. Every pattern is compiled here, so a bad
    regular expression fails early with the theme named.
    """
    if isinstance(path, pd.DataFrame):
        df = path.copy()
    elif path is None:
        with _data_file("problem_themes.csv").open("r", encoding="utf-8") as f:
            df = pd.read_csv(f, dtype=str, keep_default_na=False)
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = {"theme", "patterns"} - set(df.columns)
    if missing:
        raise ValueError(f"codebook lacks column(s) {sorted(missing)}")
    for col in CODEBOOK_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    df = df[CODEBOOK_COLUMNS + [c for c in df.columns if c not in CODEBOOK_COLUMNS]]
    df = df.fillna("").astype("string")
    df["theme"] = df["theme"].str.strip()
    if df["theme"].eq("").any() or df["theme"].duplicated().any():
        raise ValueError("codebook themes must be non-empty and unique")
    for theme, pat in zip(df["theme"], df["patterns"]):
        try:
            re.compile(pat)
        except re.error as e:
            raise ValueError(f"codebook theme {theme!r}: bad pattern: {e}") from None
    return df.reset_index(drop=True)


def _match_text(text: str) -> str:
    """Text as the patterns see it: NFKC (full-width punctuation to ASCII), no white
    space, prevention clauses removed."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return _PREVENTION.sub("", text)


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((t, re.compile(unicodedata.normalize("NFKC", p))) for t, p in patterns if p)


def match_themes(text: str, codebook: pd.DataFrame | str | Path | None = None) -> list[str]:
    """Codes of the themes whose patterns match ``text``, in codebook order."""
    cb = codebook if isinstance(codebook, pd.DataFrame) and "theme" in codebook else load_codebook(codebook)
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    rx = _compiled(tuple(zip(cb["theme"].tolist(), cb["patterns"].tolist())))
    t = _match_text(text)
    return [theme for theme, r in rx if r.search(t)]


def assign_themes(problems: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """``problems`` with a ``themes`` column: the matching theme codes joined by ``;``
    in codebook order, NA when none matches. ``codebook``: a path, a frame or None."""
    cb = load_codebook(codebook)
    out = problems.copy()
    themes = [";".join(match_themes(t, cb)) or pd.NA for t in out["text"]]
    out["themes"] = pd.array(themes, dtype="string")
    return out


def problem_themes(problems: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """Long frame of item themes: report_id, kind, n, theme (one row per item and theme).

    Uses the ``themes`` column when present, else assigns themes first. ``theme`` is
    categorical in codebook order.
    """
    cb = load_codebook(codebook)
    if "themes" not in problems.columns:
        problems = assign_themes(problems, cb)
    ids = [c for c in ITEM_KEY if c in problems.columns]
    df = problems[ids + ["themes"]].dropna(subset=["themes"])
    df = df.assign(theme=df["themes"].str.split(";")).explode("theme").drop(columns="themes")
    order = list(cb["theme"])
    extra = sorted(set(df["theme"]) - set(order))
    df["theme"] = pd.Categorical(df["theme"], categories=order + extra)  # codebook order
    df = df[[c for c in PROBLEM_THEMES.names if c in df.columns]]
    return df.sort_values(ids + ["theme"], kind="stable").reset_index(drop=True)


def problems_frame(sections: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """One row per problem and measure of every report: report_id, kind, n, text, themes.

    ``sections`` is the tidy sections table (report_id, section, heading, text); rows
    with section == "problems" are split with :func:`split_problems` and tagged with
    :func:`assign_themes`. Sorted by report_id, kind (problems first), n.
    """
    rows = sections[sections["section"].astype("string") == "problems"]
    items = [(rid, *item) for rid, text in zip(rows["report_id"], rows["text"])
             for item in _split_items(text)]
    df = _items_frame(items, [c for c in PROBLEM_COLUMNS if c != "themes"])
    df = assign_themes(df, codebook)[PROBLEM_COLUMNS]
    return df.astype({c.name: c.pandas_dtype() for c in PROBLEMS.columns})


# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------
TOKEN_ID_EXCLUDE = ("text", "heading", "themes")


@contextlib.contextmanager
def _quiet_jieba():
    """Silence jieba's logger (its 'Building prefix dict …' lines go to stderr)."""
    import jieba

    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield jieba
    finally:
        logger.setLevel(level)


@functools.cache
def _tokenizers():
    """A private jieba Tokenizer with the domain dictionary, and its POS tokenizer."""
    with _quiet_jieba() as jieba:
        import jieba.posseg

        tk = jieba.Tokenizer()
        tk.initialize()
        with _data_file("jieba_userdict.txt").open("rb") as f:
            tk.load_userdict(f)
        return tk, jieba.posseg.POSTokenizer(tk)


def domain_terms() -> list[str]:
    """The terms of the shipped jieba domain dictionary."""
    with _data_file("jieba_userdict.txt").open("r", encoding="utf-8") as f:
        return [ln.split()[0] for ln in f if ln.strip()]


@functools.cache
def stopwords() -> frozenset[str]:
    """The shipped stopword list: function words plus report boilerplate."""
    with _data_file("stopwords.txt").open("r", encoding="utf-8") as f:
        return frozenset(w for ln in f if (w := ln.strip()) and not w.startswith("#"))


@functools.cache
def form_words() -> frozenset[str]:
    """The form words :func:`keywords` drops (``gxbg_kit/data/form_words.txt``): words
    every report of the genre uses (政府信息公开, 政务公开, 信息, 公开, 网站 …)."""
    with _data_file("form_words.txt").open("r", encoding="utf-8") as f:
        return frozenset(w for ln in f if (w := ln.strip()) and not w.startswith("#"))


def _is_junk(tok: str) -> bool:
    """White space, punctuation, symbols and numbers (2023, 2.8, ５０%, 一百)."""
    t = tok.strip()
    if not t:
        return True
    if all(unicodedata.category(c)[0] in "PSZC" for c in t):
        return True
    return bool(_NUMBER_TOKEN.fullmatch(t))


_NUMBER_TOKEN = re.compile(rf"[\d０-９.．,%％\-+]+|[{CN_NUMBER_CHARS}]+")


def _as_frame(texts) -> tuple[pd.DataFrame, list[str]]:
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise ValueError("a DataFrame passed to tokenize needs a 'text' column")
        ids = [c for c in texts.columns if c not in TOKEN_ID_EXCLUDE]
        return texts.reset_index(drop=True), ids
    if isinstance(texts, str):
        texts = [texts]
    s = pd.Series(list(texts), dtype="string")
    return pd.DataFrame({"doc": pd.array(range(len(s)), dtype="Int64"), "text": s}), ["doc"]


def tokenize(texts, pos: bool = False, stopwords: bool | Iterable[str] = True) -> pd.DataFrame:
    """Tidy jieba tokens of one or many texts.

    ``texts``: a str, a list or Series of str (id column ``doc``: 0-based position),
    or a DataFrame with a ``text`` column whose other columns (except heading and
    themes) are ids carried to every token, e.g. report_id, kind, n.

    Returns the id columns, ``token`` (string), ``pos`` (category; only when
    ``pos=True``) and ``i`` (Int64, the token's position among all tokens of its
    text before anything was dropped, so windows over ``i`` are real distances).
    White space, punctuation, numbers and (with ``stopwords=True``) the shipped
    stopwords are dropped; pass a collection of words to use your own list, or
    False to keep every word. Uses a private ``jieba.Tokenizer`` with the domain
    dictionary of ``gxbg_kit/data/jieba_userdict.txt``; jieba prints nothing.
    """
    df, ids = _as_frame(texts)
    stop = globals()["stopwords"]() if stopwords is True else frozenset(stopwords or ())
    tk, ptk = _tokenizers()
    rows = []
    for r, text in enumerate(df["text"]):
        if text is None or pd.isna(text):
            continue
        pairs = ((p.word, p.flag) for p in ptk.cut(text)) if pos else ((w, None) for w in tk.cut(text))
        for i, (w, flag) in enumerate(pairs):
            w = w.strip()
            if not _is_junk(w) and w not in stop:
                rows.append((r, w, flag, i))
    out = pd.DataFrame(rows, columns=["_row", "token", "pos", "i"])
    res = df.loc[out["_row"].to_numpy(), ids].reset_index(drop=True)
    res["token"] = pd.array(out["token"], dtype=TOKENS.column("token").pandas_dtype())
    if pos:
        res["pos"] = out["pos"].astype("category")
    res["i"] = pd.array(out["i"], dtype=TOKENS.column("i").pandas_dtype())
    for c in ids:   # keep the id columns' dtypes even when there are no tokens
        res[c] = res[c].astype(df[c].dtype)
    return res


# --------------------------------------------------------------------------
# Keyword statistics
# --------------------------------------------------------------------------
def _cols(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _doc_cols(tokens: pd.DataFrame, doc) -> list[str]:
    if doc is not None:
        return _cols(doc)
    return [c for c in tokens.columns if c not in ("token", "pos", "i")]


def _with_group(df: pd.DataFrame, by: list[str], reports: pd.DataFrame | None) -> pd.DataFrame:
    """Add grouping columns (e.g. year, agency) from ``reports`` by report_id."""
    missing = [c for c in by if c not in df.columns]
    if not missing:
        return df
    if reports is None or "report_id" not in df.columns:
        raise ValueError(f"column(s) {missing} not found: pass reports= to join them by report_id")
    return df.merge(reports[["report_id"] + missing].drop_duplicates("report_id"), on="report_id",
                    how="left", validate="many_to_one")


def term_frequencies(tokens: pd.DataFrame, by=None, doc=None, reports=None) -> pd.DataFrame:
    """Term and document frequencies of a token frame.

    ``by``: None (the whole corpus), a column or a list of columns (e.g. report_id,
    year; joined from ``reports`` when absent). A document is one combination of
    ``doc`` columns (default: every id column of the tokens, i.e. one text).
    Returns by…, ``token``, ``tf`` (occurrences), ``df`` (documents containing the
    token), ``tf_share`` (tf / all tokens of the group) and ``df_share`` (df /
    documents of the group), sorted by group, falling tf, falling df, token.
    """
    by = _cols(by)
    tokens = _with_group(tokens, by, reports)
    docs = _doc_cols(tokens, doc)
    key = [f"_d{j}" for j in range(len(docs))]
    t = tokens[by + docs + ["token"]].copy()
    t.columns = by + key + ["token"]
    # one number per document (NA ids are a document too)
    t["_doc"] = t.groupby(key, dropna=False, observed=True, sort=False).ngroup() if key else 0
    g = by or ["_all"]
    if not by:
        t["_all"] = 0
    tf = t.groupby(g + ["token"], observed=True, dropna=False).size().rename("tf")
    df_ = t.drop_duplicates(g + ["_doc", "token"]).groupby(g + ["token"], observed=True,
                                                            dropna=False).size().rename("df")
    out = pd.concat([tf, df_], axis=1).reset_index()
    total = t.groupby(g, observed=True, dropna=False).size().rename("_total").reset_index()
    ndocs = t.drop_duplicates(g + ["_doc"]).groupby(g, observed=True, dropna=False).size()
    out = out.merge(total, on=g).merge(ndocs.rename("_ndocs").reset_index(), on=g)
    out["tf_share"] = out["tf"] / out["_total"]
    out["df_share"] = out["df"] / out["_ndocs"]
    out = out.sort_values(g + ["tf", "df", "token"], ascending=[True] * len(g) + [False, False, True],
                          kind="stable")
    out = out[by + ["token", "tf", "df", "tf_share", "df_share"]].reset_index(drop=True)
    return out.astype({"token": "string", "tf": "Int64", "df": "Int64", "tf_share": "Float64",
                       "df_share": "Float64"})


TEXTRANK_POS = ("n", "nr", "ns", "nt", "nz", "vn", "v", "l")


def _textrank(seqs: list[tuple[np.ndarray, np.ndarray]], span: int, damping: float,
              iterations: int = 50) -> dict[str, float]:
    """TextRank over token sequences [(tokens, positions)] of one group (as jieba.analyse:
    tokens closer than ``span`` positions are linked, weights count co-occurrences)."""
    vocab = sorted({w for toks, _ in seqs for w in toks})
    idx = {w: j for j, w in enumerate(vocab)}
    w = np.zeros((len(vocab), len(vocab)))
    for toks, pos in seqs:
        ids = np.array([idx[t] for t in toks], dtype=int)
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                if pos[b] - pos[a] >= span:
                    break
                w[ids[a], ids[b]] += 1
                w[ids[b], ids[a]] += 1
    out = w.sum(axis=0)
    ws = np.full(len(vocab), 1.0 / max(len(vocab), 1))
    for _ in range(iterations):
        share = np.divide(ws, out, out=np.zeros_like(ws), where=out > 0)
        ws = (1 - damping) + damping * (w @ share)
    ws = ws / ws.max() if len(ws) else ws
    return dict(zip(vocab, ws.tolist()))


def keywords(data: pd.DataFrame, by="report_id", method: str = "tfidf", topk: int = 10,
             reports: pd.DataFrame | None = None, kind: str | None = None,
             allow_pos: Iterable[str] | None = TEXTRANK_POS, span: int = 5,
             damping: float = 0.85, drop: bool | Iterable[str] = True) -> pd.DataFrame:
    """The ``topk`` keywords of each group (report, year, …).

    ``data`` is a problems frame (with ``text``; tokenized with :func:`tokenize`)
    or a token frame (with ``token``). ``by``: a column or columns (year, agency …
    are joined from ``reports`` by report_id), or None for the whole corpus.
    ``kind`` keeps only problems or measures.

    ``method="tfidf"``: tf(t, g) = occurrences of t in group g / tokens of g;
    idf(t) = ln((1 + G) / (1 + groups containing t)) + 1 over the G groups;
    score = tf · idf. ``method="textrank"``: TextRank as in ``jieba.analyse``
    (tokens of the same text within ``span`` positions are linked, PageRank with
    ``damping``, scores divided by the group's maximum), on tokens whose jieba
    part of speech is in ``allow_pos`` (when the tokens carry ``pos``).
    ``drop``: words left out before scoring: True drops the form words of
    :func:`form_words` (政府信息公开, 政务公开, 信息, 公开, 网站 …, which every report
    uses), a collection drops those words, False keeps every token.
    Returns by…, ``rank`` (Int64, 1 = best), ``token``, ``score`` (Float64);
    ties are ranked by token.
    """
    if method not in ("tfidf", "textrank"):
        raise ValueError("method must be 'tfidf' or 'textrank'")
    by = _cols(by)
    if kind is not None and "kind" in data.columns:
        data = data[data["kind"].astype("string") == kind]
    if "token" not in data.columns:
        data = tokenize(data, pos=method == "textrank")
    if "i" not in data.columns:   # a hand-made token frame: positions in row order
        data = data.assign(i=data.groupby(_doc_cols(data, None), observed=True, dropna=False,
                                          sort=False).cumcount())
    dropped = form_words() if drop is True else frozenset(drop or ())
    if dropped:   # positions (i) stay those of the text, so TextRank windows stay real distances
        data = data[~data["token"].astype("string").isin(list(dropped)).fillna(False)]
    data = _with_group(data, by, reports)
    g = by or ["_all"]
    if not by:
        data = data.assign(_all=0)
    if method == "textrank" and allow_pos is not None and "pos" in data.columns:
        data = data[data["pos"].astype("string").isin(list(allow_pos))]
    rows = []
    if method == "tfidf":
        tf = term_frequencies(data, by=g, doc=g)
        ngroups = tf[g].drop_duplicates().shape[0]
        gdf = tf.groupby("token", observed=True).size()
        idf = np.log((1 + ngroups) / (1 + tf["token"].map(gdf).to_numpy(dtype=float))) + 1
        scored = tf[g + ["token"]].assign(score=tf["tf_share"].to_numpy(dtype=float) * idf)
        rows = [scored]
    else:
        docs = [c for c in _doc_cols(data, None) if c not in g and c != "_all"]
        for key, grp in data.groupby(g, observed=True, sort=True, dropna=False):
            seqs = [(d["token"].to_numpy(), d["i"].to_numpy(dtype=int))
                    for _, d in grp.sort_values(docs + ["i"], kind="stable").groupby(
                        docs, observed=True, sort=True, dropna=False)] if docs else \
                [(grp["token"].to_numpy(), grp["i"].to_numpy(dtype=int))]
            sc = _textrank(seqs, span, damping)
            key = key if isinstance(key, tuple) else (key,)
            rows.append(pd.DataFrame({**{c: [k] * len(sc) for c, k in zip(g, key)},
                                      "token": list(sc), "score": list(sc.values())}))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=g + ["token", "score"])
    out = out.sort_values(g + ["score", "token"], ascending=[True] * len(g) + [False, True],
                          kind="stable")
    out["rank"] = out.groupby(g, observed=True, dropna=False).cumcount() + 1
    out = out[out["rank"] <= topk]
    out = out[by + ["rank", "token", "score"]].reset_index(drop=True)
    return out.astype({"rank": "Int64", "token": "string", "score": "Float64"})


def cooccurrence_matrix(long: pd.DataFrame, unit: Sequence[str],
                        themes: Sequence[str]) -> pd.DataFrame:
    """Theme × theme: how many units (items, or reports) carry both themes; the diagonal
    counts the units with the theme. ``long`` has one row per (unit, theme), ``unit``
    names its unit columns, ``themes`` gives the order (other themes are left out). The
    one count behind :func:`theme_cooccurrence` (long form) and
    :func:`gxbg_kit.analyse.theme_cooccurrence` (a matrix ordered by frequency)."""
    themes = list(themes)
    if len(long):
        x = pd.crosstab([long[c] for c in unit], long["theme"].astype("string")) > 0
        x = x.reindex(columns=themes, fill_value=False).to_numpy().astype(int)
        m = x.T @ x
    else:
        m = np.zeros((len(themes), len(themes)), dtype=int)
    index = pd.Index(themes, name="theme")
    return pd.DataFrame(m, index=index, columns=index.copy())


def theme_cooccurrence(problems: pd.DataFrame, level: str = "item", kind: str | None = "problem",
                       codebook=None) -> pd.DataFrame:
    """Theme × theme co-occurrence counts.

    ``level="item"``: how many items carry both themes; ``level="report"``: how
    many reports have both themes somewhere (among the kept items). The diagonal
    counts items (reports) with the theme. ``kind`` keeps problems (default),
    measures, or both (None). Returns every pair: ``theme_a``, ``theme_b``
    (categorical in codebook order) and ``count`` (Int64).
    """
    if level not in ("item", "report"):
        raise ValueError("level must be 'item' or 'report'")
    cb = load_codebook(codebook)
    if kind is not None and "kind" in problems.columns:
        problems = problems[problems["kind"].astype("string") == kind]
    long = problem_themes(problems, cb)
    order = list(long["theme"].cat.categories)
    unit = ["report_id"] if level == "report" else [c for c in ("report_id", "kind", "n") if c in long]
    c = cooccurrence_matrix(long, unit, order).to_numpy()
    cat = pd.CategoricalDtype(order)
    a, b = np.meshgrid(np.arange(len(order)), np.arange(len(order)), indexing="ij")
    return pd.DataFrame({
        "theme_a": pd.Categorical.from_codes(a.ravel(), dtype=cat),
        "theme_b": pd.Categorical.from_codes(b.ravel(), dtype=cat),
        "count": pd.array(c.ravel(), dtype="Int64"),
    })


# --------------------------------------------------------------------------
# Agreement with hand-labelled items
# --------------------------------------------------------------------------
TRUTH_COLUMNS = ["kind", "n", "start", "end", "themes"]


def _bare(text) -> str:
    """Text after NFKC with white space, punctuation and symbols removed (what item
    matching and :func:`shingles` compare)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c)[0] not in "PSZC")


def _theme_set(s) -> frozenset[str]:
    return frozenset(t for t in s.split(";") if t) if isinstance(s, str) else frozenset()


def compare_items(items: pd.DataFrame, truth: pd.DataFrame, key: str = "report") -> pd.DataFrame:
    """Match the kit's items to hand-labelled ones, report by report.

    ``truth``: one row per hand-labelled item with ``key``, kind, n, ``start`` and
    ``end`` (text the item begins and ends with, as printed) and themes (``;``-joined,
    problems only); e.g. ``tests/truth/narrative_items.csv``. ``items``: a problems
    frame with ``key`` (kind, n, text, themes). Texts are compared bare (NFKC, no
    white space or punctuation). In text order, each hand-labelled item is matched to
    the first unmatched item of the same report whose text contains its start and
    ends with its end (a lead-in before the start is tolerated, text after the end
    is not: an item that swallows the next one matches only the next).

    Returns one row per hand-labelled item and one per unmatched kit item (``kind``
    NA): key, kind, n, themes, found_kind, found_n, found_themes, ``found``,
    ``kind_ok`` (found with the same kind) and ``themes_ok`` (same theme set; NA
    unless a found problem).
    """
    rows = []
    for rep, want in truth.groupby(key, sort=True):
        got = items[items[key] == rep].sort_values(["kind", "n"], kind="stable")
        got = [(r.kind, r.n, _bare(r.text), getattr(r, "themes", pd.NA))
               for r in got.itertuples(index=False)]
        used: set[int] = set()
        for t in want.itertuples(index=False):
            a, b = _bare(t.start), _bare(t.end)
            j = next((j for j, g in enumerate(got) if j not in used and a in g[2] and g[2].endswith(b)),
                     None)
            hit = got[j] if j is not None else (pd.NA, pd.NA, "", pd.NA)
            if j is not None:
                used.add(j)
            themes_ok = _theme_set(t.themes) == _theme_set(hit[3]) \
                if j is not None and t.kind == "problem" else pd.NA
            rows.append((rep, t.kind, t.n, t.themes, hit[0], hit[1], hit[3], j is not None,
                         hit[0] == t.kind if j is not None else pd.NA, themes_ok))
        rows += [(rep, pd.NA, pd.NA, pd.NA, g[0], g[1], g[3], False, pd.NA, pd.NA)
                 for j, g in enumerate(got) if j not in used]
    out = pd.DataFrame(rows, columns=[key, "kind", "n", "themes", "found_kind", "found_n",
                                      "found_themes", "found", "kind_ok", "themes_ok"])
    return out.astype({"n": "Int64", "found_n": "Int64", "themes": "string", "found_themes": "string",
                       "found": "boolean", "kind_ok": "boolean", "themes_ok": "boolean",
                       "kind": "string", "found_kind": "string"})


def agreement(comparison: pd.DataFrame, by=None) -> pd.DataFrame:
    """Agreement figures of a :func:`compare_items` frame, per group of ``by``.

    ``items``: hand-labelled items; ``found``: matched by a kit item; ``kind_ok``:
    matched with the right kind (the problem/measure split right); ``extra``: kit
    items that match no hand-labelled item; ``problems``: hand-labelled problems
    found; ``themes_ok``: of those, how many got exactly the hand-labelled theme set;
    ``theme_precision`` / ``theme_recall``: over (item, theme) pairs of the found
    problems, the share of the kit's themes that the hand labels have, and of the
    hand-labelled themes that the kit gives.
    """
    g = _cols(by)
    df = comparison.assign(_all="all") if not g else comparison
    rows = []
    for k, d in df.groupby(g or ["_all"], sort=True, dropna=False):
        truth = d[d["kind"].notna()]
        probs = truth[truth["found"] & (truth["kind"] == "problem")]
        pairs = [(_theme_set(a), _theme_set(b)) for a, b in zip(probs["themes"], probs["found_themes"])]
        tp = sum(len(a & b) for a, b in pairs)
        given, wanted = sum(len(b) for _, b in pairs), sum(len(a) for a, _ in pairs)
        rows.append((*(k if isinstance(k, tuple) else (k,)), len(truth), int(truth["found"].sum()),
                     int(truth["kind_ok"].fillna(False).sum()),
                     int(d["kind"].isna().sum()), len(probs), int(probs["themes_ok"].sum()),
                     tp / given if given else np.nan, tp / wanted if wanted else np.nan))
    out = pd.DataFrame(rows, columns=(g or ["_all"]) + ["items", "found", "kind_ok", "extra", "problems",
                                                          "themes_ok", "theme_precision", "theme_recall"])
    return out.drop(columns="_all", errors="ignore").astype(
        {c: "Int64" for c in ("items", "found", "kind_ok", "extra", "problems", "themes_ok")}
        | {"theme_precision": "Float64", "theme_recall": "Float64"})


# --------------------------------------------------------------------------
# Boilerplate detection
# --------------------------------------------------------------------------
def _narratives(data: pd.DataFrame, kind: str | None) -> pd.Series:
    """One narrative text per report_id."""
    df = data
    if "section" in df.columns:
        df = df[df["section"].astype("string") == "problems"]
    if kind is not None and "kind" in df.columns:
        df = df[df["kind"].astype("string") == kind]
    order = [c for c in ("report_id", "kind", "n") if c in df.columns]
    df = df.sort_values(order, kind="stable")
    return df.groupby("report_id", sort=True)["text"].agg(
        lambda s: "\n".join(t for t in s if isinstance(t, str)))


def shingles(text: str, k: int = 3) -> frozenset[str]:
    """The character k-grams of a text after NFKC and removal of white space,
    punctuation and symbols (so layout and punctuation differences do not count)."""
    t = _bare(text)
    if len(t) < k:
        return frozenset([t]) if t else frozenset()
    return frozenset(t[j:j + k] for j in range(len(t) - k + 1))


SIMILARITY_SCOPES = ("all", "same_agency", "same_year", "related")


def narrative_similarity(data: pd.DataFrame, reports: pd.DataFrame | None = None, k: int = 3,
                         kind: str | None = None, min_similarity: float = 0.0,
                         scope: str = "all") -> pd.DataFrame:
    """Pairwise similarity of the reports' problem narratives, to find copied text.

    ``data``: the sections table (section == "problems" rows are used) or a
    problems frame (items joined in kind, n order; ``kind`` keeps one kind); any
    frame with report_id and text works. Each narrative becomes its set of
    character ``k``-grams (:func:`shingles`). For every pair of reports:
    ``similarity`` = Jaccard |A ∩ B| / |A ∪ B|, ``containment`` = |A ∩ B| / min(|A|, |B|)
    (1.0 when the shorter narrative is copied whole into the longer), ``shared``
    = |A ∩ B|. ``same_agency`` / ``same_year`` come from ``reports`` (report_id,
    agency, year; NA without it). ``scope`` chooses the pairs: "all"
    (n·(n−1)/2 pairs, exact, no sampling), "same_agency" (one agency across
    years), "same_year" (agencies within a year) or "related" (either); the last
    three need ``reports``. ``min_similarity`` drops weaker pairs (and skips
    pairs whose sizes alone rule it out). Sorted by falling similarity, then
    report ids.
    """
    if scope not in SIMILARITY_SCOPES:
        raise ValueError(f"scope must be one of {SIMILARITY_SCOPES}")
    if scope != "all" and reports is None:
        raise ValueError(f"scope={scope!r} needs reports= (report_id, agency, year)")
    texts = _narratives(data, kind)
    ids = list(texts.index)
    vocab: dict[str, int] = {}   # integer shingles intersect faster than strings
    sets = [frozenset(vocab.setdefault(g, len(vocab)) for g in shingles(t, k)) for t in texts]
    sizes = [len(x) for x in sets]
    meta = {}
    if reports is not None:
        r = reports.drop_duplicates("report_id").set_index("report_id")
        meta = {c: r[c] if c in r.columns else None for c in ("agency", "year")}
    keys = {c: [None if s is None or i not in s.index or pd.isna(s[i]) else s[i] for i in ids]
            for c, s in meta.items()}

    def wanted(x: int, y: int) -> bool:
        same = {c: v[x] is not None and v[x] == v[y] for c, v in keys.items()}
        if scope == "same_agency":
            return same.get("agency", False)
        if scope == "same_year":
            return same.get("year", False)
        return scope == "all" or any(same.values())

    rows = []
    for x in range(len(ids)):
        a, na = sets[x], sizes[x]
        for y in range(x + 1, len(ids)):
            nb = sizes[y]
            small, large = (na, nb) if na <= nb else (nb, na)
            if small < min_similarity * large:
                continue   # Jaccard <= |small| / |large|
            if scope != "all" and not wanted(x, y):
                continue
            inter = len(a.intersection(sets[y]))
            union = na + nb - inter
            sim = inter / union if union else 0.0
            if sim >= min_similarity:
                rows.append((ids[x], ids[y], sim, inter / small if small else 0.0, inter))
    out = pd.DataFrame(rows, columns=["report_id_a", "report_id_b", "similarity", "containment",
                                      "shared"])
    for col, key in (("same_agency", "agency"), ("same_year", "year")):
        s = meta.get(key)
        if s is None:
            out[col] = pd.array([pd.NA] * len(out), dtype="boolean")
        else:
            va = out["report_id_a"].map(s).astype(object)
            vb = out["report_id_b"].map(s).astype(object)
            same = [pd.NA if pd.isna(p) or pd.isna(q) else p == q for p, q in zip(va, vb)]
            out[col] = pd.array(same, dtype="boolean")
    out = out.sort_values(["similarity", "report_id_a", "report_id_b"], ascending=[False, True, True],
                          kind="stable").reset_index(drop=True)
    return out.astype({"report_id_a": "string", "report_id_b": "string", "similarity": "Float64",
                       "containment": "Float64", "shared": "Int64"})


# --------------------------------------------------------------------------
# Text copied from the previous year
# --------------------------------------------------------------------------
_CLAUSE_END = re.compile(r"[。！!？?；;：:\n]+")


def _sentence_key(sentence: str) -> str:
    """A sentence as copies are compared: bare (:func:`_bare`), every run of digits as #."""
    return re.sub(r"\d+", "#", _bare(sentence))


def copied_sentences(text: str | None, previous: str | None, min_chars: int = 8) -> list[str]:
    """The sentences of ``text`` that ``previous`` also has, in text order.

    Sentences end at 。！？；：, a line break, or the end. Two sentences are the same
    when they are equal after NFKC with white space and punctuation removed and
    every run of digits read as one placeholder (so 2022年 and 2023年 match); a
    sentence with fewer than ``min_chars`` such characters (一是, 无) never counts.
    """
    if not isinstance(text, str) or not isinstance(previous, str):
        return []
    seen = {k for p in _CLAUSE_END.split(previous) if len(k := _sentence_key(p)) >= min_chars}
    return [t.strip() for t in _CLAUSE_END.split(text)
            if len(k := _sentence_key(t)) >= min_chars and k in seen]


def boilerplate(data: pd.DataFrame, reports: pd.DataFrame, by: str = "agency_key",
                kind: str | None = None, min_chars: int = 8, k: int = 5) -> pd.DataFrame:
    """How much of each report's section 五 repeats the same organ's previous report.

    ``data``: the sections table (its section == "problems" rows) or a problems frame
    (items joined in kind, n order; ``kind`` keeps one kind). ``reports``: report_id,
    year and the grouping column ``by`` (default ``agency_key``, one key per organ
    across years; when ``reports`` has no such column, ``agency`` is used instead).
    A report is compared with the report(s) of its group in the latest earlier year
    that has any (the previous *available* year, so a gap year is skipped).

    Returns one row per report of ``data``: report_id, ``by``, year,
    ``previous_year`` and ``previous_report_id`` (NA when the report is its group's
    first, or its key or year is NA), ``sentences`` (sentences of at least
    ``min_chars`` characters), ``copied_sentences`` (how many of them the previous
    year has, see :func:`copied_sentences`), ``share_copied`` (characters of those
    sentences / characters of the whole text, both without white space and
    punctuation: the share of the text copied sentence for sentence) and
    ``containment`` (Broder's containment |A ∩ B| / |A| of the text's character
    ``k``-grams A (:func:`shingles`) in the previous text's B: copying with small
    edits). The last four are NA without a previous report or text.
    """
    if by not in reports.columns:
        if by != "agency_key" or "agency" not in reports.columns:
            raise ValueError(f"reports has no column {by!r}")
        by = "agency"   # reports read before agency_key existed
    texts = _narratives(data, kind)
    meta = reports.drop_duplicates("report_id").set_index("report_id")[[by, "year"]]
    df = meta.reindex(texts.index).assign(text=texts.to_numpy()).reset_index()
    df["year_num"] = pd.to_numeric(df["year"], errors="coerce")
    known = df[df[by].notna() & df["year_num"].notna()].sort_values(["year_num", "report_id"])
    years = {key: list(g.groupby("year_num", sort=True)) for key, g in known.groupby(by, sort=False)}
    rows = []
    for rid, key, year, num, text in zip(df["report_id"], df[by], df["year"], df["year_num"], df["text"]):
        earlier = [g for y, g in years.get(key, []) if y < num] if pd.notna(num) else []
        prev = earlier[-1] if earlier else df.iloc[:0]
        rows.append((rid, key, year, *_copy_measures(text, prev, min_chars, k)))
    out = pd.DataFrame(rows, columns=["report_id", by, "year", "previous_year", "previous_report_id",
                                      "sentences", "copied_sentences", "share_copied", "containment"])
    out = out.astype({"report_id": "string", "previous_report_id": "string", "previous_year": "Int64",
                      "sentences": "Int64", "copied_sentences": "Int64", "share_copied": "Float64",
                      "containment": "Float64"})
    out = out.sort_values([by, "year", "report_id"], kind="stable", na_position="last")
    return out.reset_index(drop=True)


def _copy_measures(text: str, prev: pd.DataFrame, min_chars: int, k: int) -> tuple:
    """(previous_year, previous_report_id, sentences, copied, share_copied, containment)."""
    n = sum(len(_sentence_key(t)) >= min_chars for t in _CLAUSE_END.split(text or ""))
    if not len(prev):
        return pd.NA, pd.NA, n, pd.NA, pd.NA, pd.NA
    before = "\n".join(prev["text"])
    copied = copied_sentences(text, before, min_chars)
    total = len(_bare(text))
    a, b = shingles(text, k), shingles(before, k)
    return (int(prev["year_num"].iloc[0]), ";".join(prev["report_id"]), n, len(copied),
            sum(len(_bare(c)) for c in copied) / total if total else pd.NA,
            len(a & b) / len(a) if a else pd.NA)
