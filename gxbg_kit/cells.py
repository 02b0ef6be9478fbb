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

from collections import Counter

import re

# the number rules and the cell primitives live in text.py (below the readers, which use
# them too); they are re-exported here, where recognition has always found them
from .text import (  # noqa: F401
    NIL_NA,
    NIL_NONE,
    UNITS,
    Value,
    fold,
    is_blank,
    is_garbled,
    is_value,
    normalize_label,
    parse_value,
)
from .text import NUMBER as _NUMBER  # noqa: F401
from .text import NUMBER_SHAPE as _NUMBER_SHAPE  # noqa: F401

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
        body = _pipe_body(stripped, leading_border)
        return [] if body is None else [c.strip() for c in body.split("|")]
    return None


def _pipe_body(stripped: str, leading_border: bool = True) -> str | None:
    """A stripped pipe line without its border pipes: the cells joined by ``|``; None
    for a Markdown separator line (no cells)."""
    if "--" in stripped and _MD_SEPARATOR.fullmatch(stripped):
        return None
    if leading_border and stripped.startswith("|"):
        stripped = stripped[1:]
    return stripped[:-1] if stripped.endswith("|") else stripped


def leading_borders(lines: list[str]) -> bool:
    """Do the pipe rows of a table region start with a border pipe, as in Markdown?
    A row that starts with a pipe may be a bordered row or one whose first cell is blank.

    Where some rows start with a cell (``规章 | 0 | 0 |``), the rows that start with a
    pipe are read the way that gives them as many cells as those rows have (a table of
    grouped rows, whose first cell is mostly blank, has more rows starting with a pipe
    than with a cell). Where that does not decide: yes if most rows start with a pipe."""
    rows = [ln.strip() for ln in lines if "|" in ln and "\t" not in ln]
    starts = [ln.startswith("|") for ln in rows]
    if all(starts) or not any(starts):
        return bool(starts) and starts[0]
    widths = Counter(_width(ln) for ln, s in zip(rows, starts) if not s)
    usual = widths.most_common(1)[0][0]
    piped = [_width(ln) for ln, s in zip(rows, starts) if s]  # read with a border
    as_border, as_cell = piped.count(usual), piped.count(usual - 1)
    if as_border != as_cell:
        return as_border > as_cell
    return 2 * sum(starts) > len(starts)


def _width(stripped: str) -> int:
    """How many cells :func:`split_line` gives a stripped pipe line (a leading pipe
    read as a border), counted without splitting it."""
    body = _pipe_body(stripped)
    return 0 if body is None else body.count("|") + 1
