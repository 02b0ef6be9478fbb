"""Cells: split table lines into cells, tell labels from values, read numbers.

Number rules (documented in the README and ``gx.dictionary()``):

========================  ==========================================  =====
printed                   read as                                     note
========================  ==========================================  =====
blank, white space        NA                                          blank stays missing
``0``, ``12``, ``１２``   the number (full-width digits are folded)
``13,290``                13290                                       thousands separators
``1447.3263``             1447.3263
``增2`` / ``减 3``        +2 / −3                                     本年增/减 column
``41.13万元``             41.13, unit 万元
``251000元``              25.1, unit 万元                              money is kept in 万元
``5件``, ``3条``           5, 3                                        count units dropped
``无``                    0                                           the report says "none"
``-`` ``—`` ``/``         NA                                          not applicable / not reported
``???``, ``(cid:12)``     NA, and an ``unreadable_cell`` check        garbled by extraction
========================  ==========================================  =====
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

NIL_NONE = {"无"}  # explicit "none" → 0
NIL_NA = {"-", "--", "—", "——", "–", "/", "／", "－", "N/A", "n/a", "NA", "/ ", "\\"}
_GARBLED = re.compile(r"^(?:\?|？|\ufffd|□|■|\(cid:\d+\)|\s)+$")
_NUMBER = re.compile(
    r"^(?P<sign>[增减+\-−])?\s*(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<unit>万元|元|件|条|个|项|篇|次|家)?$"
)
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
    return bool(_NUMBER.match(s))


@dataclass(frozen=True)
class Value:
    """A parsed cell: ``number`` is None for NA; ``unit`` as printed."""

    number: float | None
    unit: str | None = None
    unreadable: bool = False


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
    if not m:
        return Value(None, unreadable=True)
    num = float(m["num"].replace(",", ""))
    if m["sign"] in ("减", "-", "−"):
        num = -num
    return Value(num, m["unit"])


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


@dataclass
class Run:
    """A table row as read: the labels, then the values that follow them.

    For tab, pipe and HTML rows, ``label_cols``/``value_cols`` give each cell's
    column in its line (None in one-cell-per-line layouts), so a table whose
    header fixes the columns can place a value even when a neighbour is blank.
    """

    labels: list[str]
    values: list[str]
    label_cols: list[int] | None = field(default=None, compare=False)
    value_cols: list[int] | None = field(default=None, compare=False)

    @property
    def has_data(self) -> bool:
        return any(not is_blank(v) for v in self.values)


MAX_LABEL = 60  # longer text is narrative, not a table label


def runs(lines: list[str]) -> list[Run]:
    """Group the cells of a table region into runs of labels followed by values.

    Tab and pipe lines are rows; in one-cell-per-line layouts a row ends where a
    label follows a value. Blank cells before a row's first label belong to the
    label area and are dropped; white-space-only lines are blank cells; empty
    lines only separate cells; consecutive label lines (a label wrapped over
    lines) are joined. Whether a pipe that starts a row is a border or follows a
    blank first cell is decided for the region (:func:`leading_borders`).
    """
    out: list[Run] = []
    cur: Run | None = None
    prev_single_label = False

    def close():
        nonlocal cur
        if cur is not None and (cur.labels or cur.values):
            out.append(cur)
        cur = None

    borders = None  # leading_borders(lines), found when a line starts with a pipe
    for raw in lines:
        if "\t" in raw:
            cells = split_line(raw)
        elif "|" in raw:
            if borders is None and raw.lstrip().startswith("|"):
                borders = leading_borders(lines)
            cells = split_line(raw, borders is not False)
        else:
            cells = None  # one cell
        if cells is not None:  # a whole row on one line
            close()
            prev_single_label = False
            if not cells:
                continue
            labels, label_cols, values, value_cols = [], [], [], []
            data = False  # a non-blank value since the row's last label
            for col, c in enumerate(cells):
                if is_value(c):
                    values.append(c)
                    value_cols.append(col)
                    data = data or c != ""  # split_line strips cells
                    continue
                if data:
                    out.append(Run(labels, values, label_cols, value_cols))  # a second row on the line
                    labels, label_cols, values, value_cols = [], [], [], []
                    data = False
                elif values:  # blank cells before or between labels pad the label area
                    values, value_cols = [], []
                if len(c) <= MAX_LABEL:
                    labels.append(c)
                    label_cols.append(col)
            if labels or data:
                out.append(Run(labels, values, label_cols, value_cols))
            continue
        if raw == "" or raw in ("\r",):
            prev_single_label = False
            continue
        cell = raw.strip()
        if not cell:  # white space only: a blank cell
            if cur is not None and cur.labels:
                cur.values.append("")
            prev_single_label = False
            continue
        if is_value(cell):
            if cur is None:
                cur = Run([], [])
            cur.values.append(cell)
            prev_single_label = False
        else:
            if len(cell) > MAX_LABEL or cell.endswith(("。", "；")):
                close()
                prev_single_label = False
                continue
            if cur is not None and cur.values:
                close()
            if cur is None:
                cur = Run([], [])
            if prev_single_label and cur.labels:
                cur.labels[-1] += cell  # a label wrapped over two lines
            else:
                cur.labels.append(cell)
            prev_single_label = True
    close()
    return out


def fit(values: list[str], n: int) -> tuple[list[str | None], str | None]:
    """Fit a row's cells to the template's ``n`` columns without shifting numbers.

    Extra blank cells are dropped (leading, then trailing, then the rightmost
    interior ones); a row cut short keeps its cells in order and the missing
    tail is None. Returns the cells and a note when something was adjusted.
    """
    vals: list[str | None] = list(values)
    note = None
    while len(vals) > n and is_blank(vals[0]):
        vals.pop(0)
    while len(vals) > n and is_blank(vals[-1]):
        vals.pop()
    while len(vals) > n and any(is_blank(v) for v in vals):
        idx = max(i for i, v in enumerate(vals) if is_blank(v))
        vals.pop(idx)
    if len(vals) > n:
        note = f"{len(vals)} values where the template has {n}; kept the last {n}"
        vals = vals[-n:]
    if len(vals) < n:
        note = f"{len(vals)} of {n} cells present; the rest are missing"
        vals = vals + [None] * (n - len(vals))
    return vals, note
