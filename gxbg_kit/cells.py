"""Cells: split table lines into cells, tell values from labels, read numbers.

Number rules (documented in the README and ``gx.dictionary()``):

========================  ==========================================  =====
printed                   read as                                     note
========================  ==========================================  =====
blank, white space        NA                                          blank stays missing
``0``, ``12``, ``１２``   the number (full-width digits are folded)
``13,290``, ``1,234,567`` 13290, 1234567                              thousands separators
``1,2,3``, ``12,34``      NA, and an ``unreadable_cell`` check        a comma only between groups of three
``1447.3263``             1447.3263
``12.5`` in a count table NA, and an ``unreadable_cell`` check        a count is a whole number
``增2`` / ``减 3``        +2 / −3                                     本年增/减 column
``+5`` / ``-3``           +5 / −3 (``signed``)                        in a count table: −3 is NA +
                                                                      ``unreadable_cell``
``①``, ``²``, ``٣``       NA, and an ``unreadable_cell`` check        only 0-9 (and full-width ０-９) are digits
``41.13万元``             41.13, unit 万元
``251000元``              25.1, unit 万元                              money is kept in 万元
``5件``, ``3条``, ``2笔``   5, 3, 2                                     count units dropped
``无``                    0                                           the report says "none"
``-`` ``—`` ``/``         NA                                          not applicable / not reported
``???``, ``(cid:12)``     NA, and an ``unreadable_cell`` check        garbled by extraction
========================  ==========================================  =====
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

NIL_NONE = {"无"}  # explicit "none" → 0
NIL_NA = {"-", "--", "—", "——", "–", "/", "／", "－", "N/A", "n/a", "NA", "/ ", "\\"}
_GARBLED = re.compile(r"^(?:\?|？|\ufffd|□|■|\(cid:\d+\)|\s)+$")
#: units a cell may print after its number (money units first); tokens.py reads the same list
UNITS = ("万元", "元", "件", "条", "个", "项", "篇", "次", "家", "笔")
_UNIT = r"\s*(?P<unit>" + "|".join(UNITS) + ")?$"
# a number as read: ASCII digits (full-width ones are folded to them first), commas only
# between groups of three after a first group of 1-3 digits
_NUMBER = re.compile(
    r"^(?P<sign>[增减+\-−])?\s*(?P<num>(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)"
    + _UNIT)
# the shape of a number, whatever its digits and commas: a cell of this shape stands where
# a value stands (is_value), and is NA with an unreadable_cell check unless it is a _NUMBER
_NUMBER_SHAPE = re.compile(r"^(?P<sign>[增减+\-−])?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)" + _UNIT)
_PLAIN_DIGITS = frozenset("0123456789０１２３４５６７８９")
_SPACE = re.compile(r"\s+")
_GARBLE_CHARS = re.compile(r"[?？\ufffd□]|\(cid:\d+\)")


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
    return bool(_NUMBER_SHAPE.match(s))


@dataclass(frozen=True)
class Value:
    """A parsed cell: ``number`` is None for NA; ``unit`` as printed."""

    number: float | None
    unit: str | None = None
    unreadable: bool = False
    signed: bool = False  # a sign was printed (增/减/+/-): a change, which no count cell holds


@lru_cache(maxsize=65536)
def parse_value(cell: str | None) -> Value:
    if cell is None:
        return Value(None)
    s = fold(cell)
    if not s or s in NIL_NA:
        return Value(None)
    if s in NIL_NONE:
        return Value(0.0)
    if is_garbled(s):
        return Value(None, unreadable=True)
    m = _NUMBER.match(s)
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


_MD_SEPARATOR = re.compile(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?")


def split_line(line: str, leading_border: bool = True) -> list[str] | None:
    """Cells of a table line: tab- or pipe-separated. None for a single-cell line.

    A pipe at the start of a line is a border (Markdown: ``| a | b |``) unless
    ``leading_border`` is False: in a table whose rows end in a pipe but do not
    start with one (``a | b |``), a line that starts with a pipe starts with a
    blank cell (see :func:`leading_borders`).
    """
    if "\t" in line:
        return [c.strip() for c in line.rstrip("\r\n").split("\t")]
    stripped = line.strip()
    if "|" in stripped:
        if "--" in stripped and _MD_SEPARATOR.fullmatch(stripped):
            return []  # Markdown separator line
        if leading_border and stripped.startswith("|"):
            stripped = stripped[1:]
        if stripped.endswith("|"):
            stripped = stripped[:-1]
        return [c.strip() for c in stripped.split("|")]
    return None


def leading_borders(lines: list[str]) -> bool:
    """Do the pipe rows of a table region start with a border pipe, as in Markdown?
    Yes if most of them do; no if at least half start with a cell (``规章 | 0 | 0 |``):
    a row that starts with a pipe may be a bordered row or one whose first cell is blank."""
    starts = [ln.lstrip().startswith("|") for ln in lines if "|" in ln and "\t" not in ln]
    return 2 * sum(starts) > len(starts)
