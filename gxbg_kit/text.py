"""Text primitives: what a number, a nil marker, a Chinese numeral and a heading number are.

The lowest layer of the package (it imports no other module of it): the readers
(``html``, ``readers``), ``sections``, ``cells``, ``tokens``, ``checks`` and
``narrative`` take these definitions from here instead of each keeping its own.

Numbers. One shape of digits, :data:`DIGITS_SHAPE` (a digit, then digits and commas, an
optional decimal part), is what every rule below calls a number; the rules differ only in
what they allow around it, because their callers read different things:

* :data:`NUMBER` reads a table cell (``parse_value``): commas only between groups of
  three, a sign (增/减/+/-), one of :data:`UNITS`. A cell of :data:`NUMBER_SHAPE` that is
  not a :data:`NUMBER` (``1,2,3``) stands where a value stands but is unreadable.
* :data:`NUMBER_IN_TEXT` finds numbers inside a run of text (``tokens``): unanchored, only
  增/减 as a sign (a ``-`` there is a dash), at most one space before the unit.
* :data:`SCORER_NUMBER` is the table scorer's test of a raw, unfolded cell
  (``readers.score_table``): the older, narrower unit list (no 篇, 次, 家, 笔). Widening it
  changes which reading of a PDF page wins, so it stays until that is measured.
* :data:`PROSE_COUNT` is a count in a sentence of the narrative (``checks``): a whole
  number without commas or sign, then a count word (件, 个, 次, 宗).

The cell rules themselves (blank, nil markers, garbled text, units, signs) are in the
docstring of :mod:`gxbg_kit.cells`, which re-exports the names defined here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# -- nil markers and garbled cells --------------------------------------------------
NIL_NONE = {"无"}  # explicit "none" → 0
NIL_NA = {"-", "--", "—", "——", "–", "/", "／", "－", "N/A", "n/a", "NA", "/ ", "\\"}
_GARBLED = re.compile(r"^(?:\?|？|\ufffd|□|■|\(cid:\d+\)|\s)+$")
_GARBLE_CHARS = re.compile(r"[?？\ufffd□]|\(cid:\d+\)")
_SPACE = re.compile(r"\s+")

# -- numbers -------------------------------------------------------------------------
#: units a cell may print after its number (money units first)
UNITS = ("万元", "元", "件", "条", "个", "项", "篇", "次", "家", "笔")
#: the units the table scorer accepts (see the module docstring)
SCORER_UNITS = ("万元", "元", "件", "项", "条", "个")
#: count words after a number in the narrative
PROSE_COUNT_UNITS = ("件", "个", "次", "宗")
#: a printed sign: 增/减 (the 本年增/减 column), + and the minus signs
SIGNS = "增减+\\-−"
#: the shape of a number, whatever its digits and commas
DIGITS_SHAPE = r"\d[\d,]*(?:\.\d+)?"
_UNIT = r"\s*(?P<unit>" + "|".join(UNITS) + ")?$"
#: a number as read: ASCII digits (full-width ones are folded to them first), commas only
#: between groups of three after a first group of 1-3 digits
NUMBER = re.compile(
    rf"^(?P<sign>[{SIGNS}])?\s*(?P<num>(?:[1-9][0-9]{{0,2}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)"
    + _UNIT)
#: the shape of a number cell: it stands where a value stands (is_value), and is NA with
#: an unreadable_cell check unless it is a NUMBER
NUMBER_SHAPE = re.compile(rf"^(?P<sign>[{SIGNS}])?\s*(?P<num>{DIGITS_SHAPE}|\.\d+)" + _UNIT)
#: a number inside a run of text: optional 增/减 sign, the digits shape, an optional unit
NUMBER_IN_TEXT = re.compile(r"(?:[增减][ ]?)?" + DIGITS_SHAPE + r"(?:[ ]?(?:" + "|".join(UNITS) + r"))?")
#: a raw cell the table scorer counts as a number
SCORER_NUMBER = re.compile(rf"^[{SIGNS}]?\s*{DIGITS_SHAPE}\s*(?:{'|'.join(SCORER_UNITS)})?$")
#: a PDF cell the page-break joiner counts as a number (readers.pdf): digits with spaces,
#: commas or dots anywhere after the first (a number a PDF printed in glyph runs), a sign,
#: and a money unit; looser than NUMBER_SHAPE because it only tells number rows from label
#: rows, never reads a value
#: (possessive and anchored, so linear on any line; the same cells as the PDF reader's
#: earlier ``\s*[+\-增减]?\s*\d[\d,.\s]*(万元|元)?\s*``)
LOOSE_NUMBER = re.compile(r"^\s*+(?:[+\-增减]\s*+)?\d[\d,.\s]*+(?:(?:万元|元)\s*+)?$")
#: a count in a sentence (a regex piece: group 1 is the count)
PROSE_COUNT = r"(\d+)\s*(?:" + "|".join(PROSE_COUNT_UNITS) + ")"
_PLAIN_DIGITS = frozenset("0123456789０１２３４５６７８９")

# -- Chinese numerals and heading numbers ----------------------------------------------
#: the numerals of heading and item numbers, 一 (1) to 十 (10)
CN_NUMERALS = "一二三四五六七八九十"
CN_VALUES = {c: i for i, c in enumerate(CN_NUMERALS[:-1], 1)}  # 一 … 九
#: a cell that is one Chinese numeral (零 and 〇 too): it stands where a value stands
NUMERAL_CELL = frozenset("零〇" + CN_NUMERALS)
#: every character of a Chinese number as words write it (一百, 两千, 三万 …)
CN_NUMBER_CHARS = "零〇" + CN_NUMERALS + "百千万亿两"
#: the mark after a Chinese heading number (一、 二. 三．)
HEADING_STOP = "[、.．]"
#: the number of a top-level heading: 一、 / 三. / 四． (a Chinese numeral), 3、 (ASCII digits,
#: as the first-character test of sections.heading_section has always required; no ASCII
#: dot: 1. numbers items) or 第五部分
HEADING_NUMBER = (rf"[{CN_NUMERALS}]{{1,2}}\s*{HEADING_STOP}|[0-9]{{1,2}}\s*[、．]"
                  rf"|第[{CN_NUMERALS}]{{1,2}}部分")
#: a Chinese item number in brackets: （一） (二) ( 三 )
BRACKET_NUMBER = rf"[（(]\s*[{CN_NUMERALS}]+\s*[)）]"


def cn_number(s: str) -> int | None:
    """Value of a Chinese numeral from 一 to 九十九 (``"十二"`` → 12); None if not one."""
    if not s or any(c not in CN_NUMERALS for c in s):
        return None
    if "十" not in s:
        return CN_VALUES[s] if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (CN_VALUES[tens] if tens else 1) * 10 + (CN_VALUES[ones] if ones else 0)


# -- cells -----------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC-fold (full-width → ASCII) and strip."""
    return unicodedata.normalize("NFKC", text).strip()


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """A label for matching: NFKC, no white space, no garbled characters, no quotes."""
    s = unicodedata.normalize("NFKC", text)
    s = _GARBLE_CHARS.sub("", s)
    s = _SPACE.sub("", s)
    return s.replace("“", "").replace("”", "").replace('"', "")


def is_blank(cell: str | None) -> bool:
    return cell is None or not cell.strip()


def is_garbled(cell: str) -> bool:
    return bool(_GARBLED.match(cell)) and bool(cell.strip())


@lru_cache(maxsize=65536)
def is_value(cell: str) -> bool:
    """Is this cell a value (number, blank, nil marker, garbled) rather than a label?"""
    s = fold(cell)
    if not s:
        return True
    if s in NIL_NONE or s in NIL_NA or is_garbled(s):
        return True
    return bool(NUMBER_SHAPE.match(s))


@dataclass(frozen=True)
class Value:
    """A parsed cell: ``number`` is None for NA; ``unit`` as printed."""

    number: float | None
    unit: str | None = None
    unreadable: bool = False
    signed: bool = False  # a sign was printed (增/减/+/-): a change, which no count cell holds


@lru_cache(maxsize=65536)
def parse_value(cell: str | None) -> Value:
    """A cell's value by the number rules of :mod:`gxbg_kit.cells`."""
    if cell is None:
        return Value(None)
    s = fold(cell)
    if not s or s in NIL_NA:
        return Value(None)
    if s in NIL_NONE:
        return Value(0.0)
    if is_garbled(s):
        return Value(None, unreadable=True)
    m = NUMBER.match(s)
    if not m or _odd_digits(cell):
        # 1,2,3 / 12,34 (a comma not between groups of three), ① ² ٣ (no 0-9 digits)
        return Value(None, unreadable=True)
    num = float(m["num"].replace(",", ""))
    if m["sign"] in ("减", "-", "−"):
        num = -num
    return Value(num, m["unit"], signed=m["sign"] is not None)


def _odd_digits(cell: str) -> bool:
    """Does the cell hold a digit other than 0-9 and ０-９ (①, ², ٣ …, which NFKC may fold
    to 0-9 or which Python reads as digits)?"""
    return any(ch.isdigit() and ch not in _PLAIN_DIGITS for ch in cell)
