"""Step 3b of the pipeline: run-together digits, split by the template's arithmetic.

A web page flattened to text prints ``一、本年新收政府信息公开申请数量120301016``:
seven cells whose boundaries are lost. The template says how its cells add up
(``data/arithmetic.csv``: a row's applicant columns sum to its 总计, 新收 + 上年结转
= （七）总计 + 结转下年度, …), and those sums usually leave one way to cut the digits.

The rule, in full:

1. A row's tokens are cut into exactly as many cells as the template row has.
   A token whose boundaries the layout printed (a tab or pipe cell, a line of its
   own) is one cell; a token of glued digits may be one or several cells. A cell
   is a whole number without a leading zero (``0`` itself is a number, ``05`` is
   not) and at most :data:`MAX_DIGITS` digits long.
2. Each way of cutting a row is kept only if the row's own sums hold (applicant
   columns → 总计; each review proceeding's parts → its 总计).
3. Rows with more than one cut left are decided jointly with the sums across rows
   (the identity, the outcome sum, the (六) sum), searching every combination.
   A sum the report's own unambiguous numbers already break is no evidence and is
   not used.
4. A cut is kept only when it is the **only** one consistent with every sum; its
   cells are marked ``inferred``. Otherwise the row's cells are NA and an
   ``ambiguous_split`` check lists the candidates.

Bounds: a row is cut by a depth-first search that visits at most
:data:`ROW_BUDGET` nodes, and the joint search at most :data:`JOINT_BUDGET`
combinations; past either the cells are NA (check ``ambiguous_split``, "search
limit"). A token longer than ``MAX_DIGITS`` × cells cannot be cut and is
rejected at once, so a row of 10⁵ digits costs nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_DIGITS = 6        # a cell of a county's annual report has at most 6 digits
ROW_BUDGET = 20_000   # nodes of one row's search
JOINT_BUDGET = 200_000  # combinations of the joint search
MAX_CANDIDATES = 64   # cuts of one row kept for the joint search


@dataclass(frozen=True)
class Piece:
    """A token of a row: its text, whether it may hold several glued cells, and a
    unit printed after its digits (it belongs to the last cell: ``2832995元``)."""

    text: str
    splittable: bool
    suffix: str = ""
    prefix: str = ""


def balanced(parts: list, total: list) -> bool:
    """Do ``parts`` and ``total`` (numbers) sum to the same? True when a number is
    missing: an unknown cell neither confirms nor breaks a sum."""
    if any(x is None for x in parts) or any(x is None for x in total):
        return True
    return abs(sum(parts) - sum(total)) < 1e-9


_GLUED = re.compile(r"([增减]?) ?(\d+)(万元|元)?")


def piece(text: str, soft: bool) -> Piece:
    """The piece of a value token; only soft tokens of plain digits (with a 增/减
    sign, which belongs to the first cell, or a money unit, which belongs to the
    last) may be cut."""
    m = _GLUED.fullmatch(text) if soft else None
    if m:
        return Piece(m.group(2), True, m.group(3) or "", m.group(1))
    return Piece(text, False)


MAX_MONEY_DIGITS = 12  # an amount printed in 元


def _valid_cell(d: str, money: bool = False) -> bool:
    return len(d) <= (MAX_MONEY_DIGITS if money else MAX_DIGITS) and (d == "0" or d[0] != "0")


def cuts(pieces: tuple[Piece, ...], n: int, budget: int = ROW_BUDGET,
         money: frozenset[int] = frozenset()) -> list[tuple[str, ...]] | None:
    """Every way to cut ``pieces`` into ``n`` cells (tuples of cell texts); None when
    the search passes ``budget`` nodes."""
    maxc = [len(p.text) if p.splittable else 1 for p in pieces]
    if not pieces or sum(maxc) < n or len(pieces) > n:
        return []
    wide = MAX_MONEY_DIGITS if money or any(p.suffix for p in pieces) else MAX_DIGITS
    if any(p.splittable and len(p.text) > wide * n for p in pieces):
        return []
    suffix_max = [0] * (len(pieces) + 1)
    for i in range(len(pieces) - 1, -1, -1):
        suffix_max[i] = suffix_max[i + 1] + maxc[i]
    out: list[tuple[str, ...]] = []
    nodes = 0
    cells: list[str] = []

    def piece(i: int, left: int) -> bool:
        nonlocal nodes
        if i == len(pieces):
            if left == 0:
                out.append(tuple(cells))
            return True
        rest = len(pieces) - i - 1
        p = pieces[i]
        if not p.splittable:
            cells.append(p.text)
            ok = piece(i + 1, left - 1)
            cells.pop()
            return ok
        lo = max(1, left - suffix_max[i + 1])
        hi = min(maxc[i], left - rest)
        for k in range(lo, hi + 1):
            start = len(cells)
            if not cut_digits(p.text, k, i, left - k, start):
                return False
        return True

    def cut_digits(s: str, k: int, i: int, left_after: int, start: int) -> bool:
        nonlocal nodes
        nodes += 1
        if nodes > budget:
            return False
        if len(s) > k * wide:
            return True  # too many digits left for the cells left
        if k == 1:
            if not _valid_cell(s, bool(pieces[i].suffix) or len(cells) in money):
                return True
            cells.append(s + pieces[i].suffix)
            if pieces[i].prefix:
                cells[start] = pieces[i].prefix + cells[start]
            ok = piece(i + 1, left_after)
            if pieces[i].prefix:
                cells[start] = cells[start][len(pieces[i].prefix):]
            cells.pop()
            return ok
        for j in range(1, min(MAX_MONEY_DIGITS, len(s) - k + 1) + 1):
            head = s[:j]
            if not _valid_cell(head, len(cells) in money):
                break  # a leading zero (only "0" itself, tried first) or too many digits
            cells.append(head)
            ok = cut_digits(s[j:], k - 1, i, left_after, start)
            cells.pop()
            if not ok:
                return False
        return True

    return out if piece(0, n) else None


@lru_cache(maxsize=4096)
def row_cuts(pieces: tuple[Piece, ...], n: int, money: frozenset[int] = frozenset()
             ) -> list[tuple[str, ...]] | None:
    """:func:`cuts` with the default budget (cached); ``money``: the cells that are
    amounts (up to 12 digits; counts have at most 6)."""
    return cuts(pieces, n, money=money)


@dataclass
class Unknown:
    """A row to decide: its key and candidate cuts (each a tuple of cell texts)."""

    key: object
    candidates: list[tuple[str, ...]]


@dataclass
class Decision:
    cells: dict = field(default_factory=dict)      # key -> tuple of cell texts (decided)
    ambiguous: dict = field(default_factory=dict)  # key -> candidates left (NA)
    limit: set = field(default_factory=set)        # keys given up at the search limit


def decide(unknowns: list[Unknown], known: dict, equations: list, value) -> Decision:
    """Decide rows jointly. ``known``: cell key -> number or None of decided cells;
    ``equations``: (parts keys, total keys) over cell keys (cell key = (row key, column));
    ``value(text)`` reads a cell text as a number or None.

    A row's candidates are tuples of its cells in column order; the cell keys of
    row ``u.key`` are ``(u.key, j)`` for column j.
    """
    out = Decision()
    if not unknowns:
        return out
    rows = {u.key: u for u in unknowns}
    # equations that touch an unknown row, and that the known cells do not already break
    eqs = []
    for parts, total in equations:
        keys = list(parts) + list(total)
        rows_in = {k[0] for k in keys if k[0] in rows}
        if not rows_in:
            continue
        if any(k not in known and k[0] not in rows for k in keys):
            continue  # a cell the report does not have: the sum cannot be used
        eqs.append((tuple(parts), tuple(total), rows_in))
    order = sorted(rows, key=lambda k: len(rows[k].candidates))
    assign: dict = {}
    seen: dict = {k: set() for k in rows}
    steps = 0

    def num(key):
        r, j = key
        if r in assign:
            return value(assign[r][j])
        return known.get(key)

    def holds(eq) -> bool:
        parts, total, rows_in = eq
        if not rows_in <= assign.keys():
            return True
        return balanced([num(k) for k in parts], [num(k) for k in total])

    by_row = {k: [eq for eq in eqs if k in eq[2]] for k in rows}

    def search(i: int) -> bool:
        nonlocal steps
        if i == len(order):
            for k in order:
                seen[k].add(assign[k])
            return True
        key = order[i]
        for cand in rows[key].candidates:
            steps += 1
            if steps > JOINT_BUDGET:
                return False
            assign[key] = cand
            if all(holds(eq) for eq in by_row[key]):
                if not search(i + 1):
                    del assign[key]
                    return False
            del assign[key]
        return True

    if not search(0):
        out.limit = set(rows)
        out.ambiguous = {k: rows[k].candidates for k in rows}
        return out
    for k in rows:
        if len(seen[k]) == 1:
            out.cells[k] = next(iter(seen[k]))
        else:
            out.ambiguous[k] = sorted(seen[k]) if seen[k] else []
    return out
