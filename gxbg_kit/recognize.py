"""Step 3 of the pipeline: recognise the template's tables by aligning a stream of
labels and values to the template.

One core for every layout. A table region becomes a stream of tokens
(:mod:`gxbg_kit.tokens`) whatever separates its cells. Label tokens are matched
against the template's row, sub-row, item and column labels (``data/labels.csv``,
with the variants real reports print), in template order; the values that follow
a row label, up to the next label or prose, are that row's cells. Within a row,
values keep their columns: a token that is not a number is NA in its own column
(an ``unreadable_cell`` check), never a shift. A row with too few tokens whose
digits ran together is cut by the template's arithmetic (:mod:`gxbg_kit.splits`);
a row that cannot be placed with certainty is NA with a check saying why. A
numbers row with no label takes the one missing row between its neighbours in
template order, marked ``inferred``.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .cells import normalize_label, parse_value
from .schema import APPLICANTS
from . import splits as _splits
from . import template as _template
from .template import Label, application_order, classify_application_label, labels  # noqa: F401
from .template import first_label as _first
from .template import labels_of as _labels_of
from .tokens import EMPTY_LINE, Token, line_shapes, plain_lines, tokenize

N_APPLICANT_COLS = len(APPLICANTS)
N_REVIEW_CELLS = 15


@dataclass
class RecognisedTable:
    """Cells found by key, the template versions their labels belong to, notes, the
    keys whose cells were placed by the arithmetic or the template order (``inferred``)
    and what could not be placed (``problems``: (check, row key, detail))."""

    cells: dict = field(default_factory=dict)
    templates: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    inferred: set = field(default_factory=set)
    problems: list = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.cells)


class ApplicationsTable(RecognisedTable):
    """cells: (row, reason) -> the 7 applicant cells."""


@dataclass
class _Row:
    """A row as collected from the stream: its key and the value tokens after its label."""

    key: object
    tokens: list[Token] = field(default_factory=list)
    after: object = None     # a numbers row without a label: the key of the row before it
    line: int | None = None  # the line of its label

    def values(self) -> int:
        """How many value tokens the row has (counted once its tokens are final)."""
        n = self.__dict__.get("_n")
        if n is None:
            n = self.__dict__["_n"] = sum(1 for t in self.tokens if t.kind == "value")
        return n


def _collect(tokens: list[Token], identify, width) -> list[_Row]:
    """Rows of the stream: a recognised row label opens a row; the value and blank
    tokens after it are its cells until the next label or prose. Unrecognised label
    text before the row's first value continues the label (a wrapped label); after
    a value it ends the row. Values with no open row start a numbers row without a
    label (placed later by the template order), as do values on a new line once a
    row already has its cells."""
    rows: list[_Row] = []
    cur: _Row | None = None
    n_vals = 0  # value tokens of the open row
    last_key = None
    for t in tokens:
        kind = t.kind
        if kind == "label":
            key = identify(t.text)
            if key is not None:
                cur = _Row(key, line=t.line)
                rows.append(cur)
                n_vals = 0
                last_key = key
            elif cur is not None:
                if n_vals:
                    cur = None
                else:
                    cur.tokens = []  # blank cells before more label text pad the label area
            continue
        if kind == "prose":
            cur = None
            continue
        if cur is not None and n_vals and t.line != cur.tokens[-1].line:
            # a new line after a row that has values: a tab row's blank cells belong to
            # that line's own row; values start a numbers row of their own when the row
            # is a tab row or already has its cells
            if kind == "blank" and t.col is not None:
                continue
            if kind == "value" and ((t.col is not None and cur.tokens[-1].col is not None)
                                    or n_vals >= width(cur.key)):
                cur = None
        if cur is None:
            if kind != "value" or last_key is None:
                continue
            cur = _Row(None, after=last_key)
            rows.append(cur)
            n_vals = 0
        cur.tokens.append(t)
        if kind == "value":
            n_vals += 1
    return [r for r in rows if r.values() or (r.key is not None and r.tokens)]


MAX_ROW_TOKENS = 128  # a template row has at most 15 cells; padding beyond this is not a row
#: at most this many blank cells of a row whose layout leaves no trace of them (space runs)
#: are placed by the sums (C(7, 3) = 35 ways for an applications row)
MAX_PLACED_BLANKS = 3
#: a blank cell in a placement candidate: unknown while the sums choose (it may hide any
#: number, or none), NA in the table
BLANK = "\x00blank"


@dataclass(frozen=True)
class Placements:
    """The ways the printed values of a row with invisible blank cells may stand in its
    cells, in order (:data:`BLANK` for a blank), for the sums to decide."""

    candidates: tuple[tuple[str, ...], ...]

    @property
    def blanks(self) -> int:
        return self.candidates[0].count(BLANK)

    @classmethod
    def of(cls, texts: list[str], n: int) -> "Placements":
        out = []
        for where in itertools.combinations(range(n), n - len(texts)):
            it = iter(texts)
            out.append(tuple(BLANK if j in where else next(it) for j in range(n)))
        return cls(tuple(out))


def _unblank(cells) -> list[str | None]:
    """A placement's cells as the table holds them: a blank is NA."""
    return [None if c == BLANK else c for c in cells]


def _fit_tokens(tokens: list[Token], n: int, label_line: int | None = None,
                starts=None, place_blanks: bool = False):
    """(cells, note, pieces) of a row: cells when the tokens give the row without
    guessing, else None with pieces to cut by the arithmetic (or None when nothing
    may be cut; note says why). With ``place_blanks``, a row of printed values whose
    layout leaves no trace of its (at most MAX_PLACED_BLANKS) blank cells gives
    :class:`Placements` as its pieces, for the sums to place (:func:`_place_blanks`).

    More tokens than cells: blank cells at the row's ends are layout padding
    (label-area cells, trailing borders); when they may be dropped from either end
    in more than one way, the column in which the table's complete rows start their
    values decides (``starts``: column -> rows, or a function giving it), else on its
    label's line the blanks before the values are the label area, else ``cells``
    holds only the cells on which every way agrees.
    Fewer tokens: a row of printed cells with visible blanks is cut short (the tail
    is NA); where a blank leaves no token (space runs, glued text) the missing
    cells cannot be located and the row is NA, unless glued digits may be cut."""
    if len(tokens) > MAX_ROW_TOKENS:
        return None, (f"{len(tokens)} cells where the template has {n}; not a row of the "
                      "template"), None
    toks = list(tokens)
    extra = len(toks) - n
    if extra > 0:
        lead = next((i for i, t in enumerate(toks) if t.kind != "blank"), len(toks))
        trail = next((i for i, t in enumerate(reversed(toks)) if t.kind != "blank"), len(toks))
        ways = [toks[i:len(toks) - (extra - i)] for i in range(extra + 1)
                if i <= lead and extra - i <= trail]
        if len(ways) > 1 and starts and all(t.col is not None for t in toks):
            # the table's complete rows say in which column the values start
            table_starts = starts() if callable(starts) else starts
            votes = [table_starts.get(w[0].col, 0) for w in ways]
            if max(votes) > 0 and votes.count(max(votes)) == 1:
                ways = [ways[votes.index(max(votes))]]
        if len(ways) > 1 and label_line is not None and all(t.line == label_line for t in toks):
            # a row printed on its label's line: blank cells before its values are the
            # label area (merged label columns), then trailing cells are padding
            ways = ways[-1:]
        if len(ways) > 1:
            texts = [tuple(t.text for t in w) for w in ways]
            return agreed(texts, n), ("blank cells at both ends of the row; cells that depend on which "
                           "are padding left NA") if len(set(texts)) > 1 else None, None
        if ways:
            toks = ways[0]
        else:
            toks = toks[min(lead, extra):]
            toks = toks[:len(toks) - max(0, min(trail, len(toks) - n))]
    if len(toks) > n:
        blanks = [i for i, t in enumerate(toks) if t.kind == "blank"]
        if len(blanks) < len(toks) - n:
            return None, f"{len(toks)} values where the template has {n}; cannot tell which belong", None
        drop = set(blanks[len(blanks) - (len(toks) - n):])
        toks = [t for i, t in enumerate(toks) if i not in drop]
    if len(toks) == n:
        return [t.text for t in toks], None, None
    values = [t for t in toks if t.kind == "value"]
    if all(t.hard for t in values):
        if any(t.gaps for t in values):
            note = (f"{len(toks)} of {n} cells printed and the layout does not show where the "
                    "blank ones stand")
            if place_blanks and len(values) == len(toks) and n - len(toks) <= MAX_PLACED_BLANKS:
                return None, note, Placements.of([t.text for t in toks], n)
            return None, note, None
        cells = [t.text for t in toks] + [None] * (n - len(toks))
        return cells, f"{len(toks)} of {n} cells present; the rest are missing", None
    pieces = tuple(_splits.piece(t.text, t.kind == "value" and not t.hard) for t in toks)
    return None, None, pieces


def value_starts(rows: dict, n_of) -> dict[int, int]:
    """Column -> how many complete rows (as many values as cells, in consecutive
    printed columns, no blank) start their values there. ``rows``: key -> tokens."""
    starts: dict[int, int] = {}
    for key, toks in rows.items():
        vals = [t for t in toks if t.kind == "value"]
        if len(vals) != n_of(key) or vals[0].col is None or vals[0].line != vals[-1].line:
            continue
        if vals[-1].col - vals[0].col == len(vals) - 1:
            starts[vals[0].col] = starts.get(vals[0].col, 0) + 1
    return starts


def _count_value(text):
    if text is None:
        return None
    v = parse_value(text)
    return v.number


def _solve(table: RecognisedTable, rows: dict, n_of, equations, name: str) -> None:
    """Fill ``table.cells`` from collected rows: direct fits first, then the cuts
    that the arithmetic decides, then the blank cells it places. ``rows``: key -> :class:`_Row`."""
    pending: dict = {}
    placements: dict = {}
    found_starts: list = []

    def starts() -> dict[int, int]:  # computed only for a row that needs it
        if not found_starts:
            found_starts.append(value_starts({k: r.tokens for k, r in rows.items()}, n_of))
        return found_starts[0]

    for key, row in rows.items():
        n = n_of(key)
        cells, note, pieces = _fit_tokens(row.tokens, n, row.line, starts, place_blanks=True)
        if cells is not None:
            table.cells[key] = cells
            if note:
                table.notes.append(f"{name} {_label(key)}: {note}")
            continue
        if pieces is None:
            table.cells[key] = [None] * n
            table.problems.append(("unplaced_values", key, note))
            continue
        if isinstance(pieces, Placements):
            table.cells[key] = [None] * n  # until the sums place its blanks
            placements[key] = (pieces.candidates, note)
            continue
        found = _splits.row_cuts(pieces, n)
        if found is None:
            table.cells[key] = [None] * n
            table.problems.append(("ambiguous_split", key, "search limit reached; cells left NA"))
            continue
        pending[key] = found
    if pending:
        _decide_cuts(table, pending, rows, n_of, equations)
    if placements:
        _place_blanks(table, placements, equations)


def _decide_cuts(table: RecognisedTable, pending: dict, rows: dict, n_of, equations) -> None:
    """The cuts of run-together digits (``pending``: key -> candidate cuts) that the row's
    own sums, then the table's sums across rows, decide."""
    known = {}
    for key, cells in table.cells.items():
        for j, c in enumerate(cells):
            known[(key, j)] = _count_value(c)
    # row-level sums first: equations whose cells all lie in one row
    row_eqs = {}
    for parts, total in equations:
        ks = {k[0] for k in parts + total}
        if len(ks) == 1:
            row_eqs.setdefault(next(iter(ks)), []).append((parts, total))
    unknowns = []
    for key, found in pending.items():
        eqs = row_eqs.get(key, [])
        # one cut only (seven digits for seven cells): the boundaries are not in doubt,
        # and a sum the printed numbers break is for the checks to report
        ok = found if len(found) == 1 else [c for c in found if all(_holds(c, p, t) for p, t in eqs)]
        if len(ok) == 1:
            table.cells[key] = list(ok[0])
            table.inferred.add(key)  # the boundaries were not printed
            for j, c in enumerate(ok[0]):
                known[(key, j)] = _count_value(c)
        elif not ok:
            table.cells[key] = [None] * n_of(key)
            table.problems.append(("ambiguous_split", key, "no cut of the digits "
                                   f"{' '.join(p.text for p in _pieces_of(rows[key].tokens))} fits the "
                                   "row's sums; cells left NA"))
        else:
            unknowns.append(_splits.Unknown(key, ok[:_splits.MAX_CANDIDATES]))
            if len(ok) > _splits.MAX_CANDIDATES:
                table.problems.append(("ambiguous_split", key, f"{len(ok)} cuts; cells left NA"))
    _decide_jointly(table, unknowns, known, equations, n_of)


def _place_blanks(table: RecognisedTable, placements: dict, equations) -> None:
    """Rows whose layout left no trace of their blank cells (``placements``: key ->
    (candidates, note)): a cell is read only where every placement of the blanks that
    keeps the table's sums gives it the same value; the others are NA.

    A blank is unknown (it may hide any number, or none), so it never breaks a sum: a
    placement is ruled out only by a printed value moved into a column whose sums it
    breaks. Each row is decided on its own, by the sums whose other cells are in rows
    already read; rows read make more sums usable, so this repeats while it reads
    cells. Sums only place blanks in a table whose printed sums hold: where a sum of
    the rows read fails, the sums cannot tell a moved value from a misprint, and the
    rows stay NA."""
    left = dict(placements)

    def read(row) -> bool:  # a row whose cells are settled
        return row in table.cells and row not in left

    broken = [(p, t) for p, t in equations if all(read(k[0]) for k in p + t)
              and not _balanced_with(table, None, (), p, t)]
    involving = {key: [(p, t) for p, t in equations if any(k[0] == key for k in p + t)]
                 for key in placements}

    def fitting(key) -> list:
        usable = [(p, t) for p, t in involving[key]
                  if all(k[0] == key or read(k[0]) for k in p + t)]
        return [c for c in left[key][0] if all(_balanced_with(table, key, c, p, t)
                                               for p, t in usable)]

    progress = not broken
    while progress:
        progress = False
        for key in list(left):
            cells = agreed(fitting(key), len(left[key][0][0]))
            if all(c is not None for c in cells):
                table.cells[key] = _unblank(cells)
                table.inferred.add(key)
                table.notes.append(f"{_label(key)}: {left[key][1]}; one placement of the blank "
                                   "cells keeps the sums")
                del left[key]
                progress = True
    for key in left:
        note = left[key][1]
        if broken:
            table.problems.append(("unplaced_values", key, f"{note}; the table's printed sums do "
                                   "not hold, so they cannot place the blank cells: cells left NA"))
            continue
        ok = fitting(key)
        table.cells[key] = _unblank(agreed(ok, len(left[key][0][0])))
        if any(c is not None for c in table.cells[key]):
            table.inferred.add(key)
        shown = "; ".join("/".join("_" if x == BLANK else x for x in c) for c in ok[:6])
        why = (f"{len(ok)} placements of the blank cells keep the sums: {shown}"
               + (" …" if len(ok) > 6 else "") if ok else "no placement of them keeps the sums")
        table.problems.append(("unplaced_values", key, f"{note}; {why}; cells that differ "
                               "between them left NA"))


def _balanced_with(table: RecognisedTable, key, cand: tuple, parts, total) -> bool:
    """Does a sum hold with ``cand`` as the cells of row ``key``? A blank, or an NA cell,
    leaves the sum unknown, which does not count against it."""
    def num(k):
        if k[0] == key:
            return None if cand[k[1]] == BLANK else _count_value(cand[k[1]])
        return _count_value(table.cells[k[0]][k[1]])
    return _splits.balanced([num(k) for k in parts], [num(k) for k in total])


def _decide_jointly(table: RecognisedTable, unknowns: list, known: dict, equations, n_of) -> None:
    """Rows with several cuts that fit their own sums: the cuts the table's sums
    across rows decide (:func:`splits.decide`); the others keep the cells every
    remaining cut agrees on, with an ``ambiguous_split`` problem listing them."""
    cross = [(p, t) for p, t in equations if len({k[0] for k in p + t}) > 1]
    decision = _splits.decide([u for u in unknowns if len(u.candidates) <= _splits.MAX_CANDIDATES],
                              known, cross, _count_value)
    for key, cells in decision.cells.items():
        table.cells[key] = list(cells)
        table.inferred.add(key)
    for u in unknowns:
        if u.key in decision.cells:
            continue
        cands = decision.ambiguous.get(u.key, u.candidates)
        table.cells[u.key] = agreed(cands, n_of(u.key)) if u.key not in decision.limit \
            else [None] * n_of(u.key)
        if any(c is not None for c in table.cells[u.key]):
            table.inferred.add(u.key)
        shown = "; ".join("/".join(c) for c in cands[:6]) + (" …" if len(cands) > 6 else "")
        why = ("search limit reached" if u.key in decision.limit
               else f"{len(cands)} cuts fit every sum: {shown}" if cands
               else "no cut fits the table's sums")
        table.problems.append(("ambiguous_split", u.key, why + "; cells that differ between "
                               "them left NA"))


def agreed(candidates: list[tuple[str, ...]], n: int) -> list[str | None]:
    """The cells on which every candidate cut agrees (a value the text determines
    although the cut does not); the others None."""
    if not candidates:
        return [None] * n
    return [c[0] if all(x == c[0] for x in c) else None for c in zip(*candidates)]


def _pieces_of(tokens):
    return [t for t in tokens if t.kind == "value"]


def _holds(cells, parts, total) -> bool:
    return _splits.balanced([_count_value(cells[j]) for _, j in parts],
                            [_count_value(cells[j]) for _, j in total])


def _label(key) -> str:
    if isinstance(key, tuple):
        return f"{key[0]}/{key[1] or '-'}"
    return str(key)


def _place_detached(rows: list[_Row], order: list, name: str, notes: list[str],
                    width: int) -> dict:
    """Rows by key; a numbers row without a label takes the only template row
    missing between the rows around it. Returns key -> row and the keys placed so."""
    by_key: dict = {}
    placed = set()
    for r in rows:
        if r.key is not None and r.key not in by_key:
            by_key[r.key] = r
        elif r.key is not None and r.values():
            if not by_key[r.key].values():
                by_key[r.key] = r
            else:
                notes.append(f"{name} {_label(r.key)}: printed twice; kept the first")
    pos = {k: i for i, k in enumerate(order)}
    for i, r in enumerate(rows):
        if r.key is not None:
            continue
        nxt = next((x.key for x in rows[i + 1:] if x.key is not None), None)
        lo = pos.get(r.after, -1)
        hi = pos.get(nxt, len(order))
        gap = [k for k in order[lo + 1:hi] if k not in by_key]
        if len(gap) == 1 and 2 * r.values() < width:
            notes.append(f"{name}: {r.values()} values without a label after {_label(r.after)}: "
                         "too few for a row")
        elif len(gap) == 1:
            by_key[gap[0]] = r
            placed.add(gap[0])
        else:
            notes.append(f"{name}: a row of {r.values()} values without a label after "
                         f"{_label(r.after)} could not be placed")
    return by_key, placed


def _plain_rows(lines: list[str], identify, n: int) -> dict | None:
    """Row key -> its cells for a region of plain lines (:func:`tokens.plain_lines`)
    whose rows are clean: each row label found is followed, on its line or the next
    ones, by exactly the row's ``n`` values in one run, the row printed once. These
    are the rows the general alignment (:func:`_collect`, :func:`_solve`) gives such
    a region, found without a token per cell. None for any other region (a blank
    cell among a row's values, too few or too many values, values without a row
    label, a row printed twice), which the general alignment reads."""
    rows: dict = {}
    cur, vals, tabbed = None, [], False  # the open row: its key, values, whether tab cells
    pending = None  # the text of consecutive one-label lines, which tokenize joins

    def close() -> bool:  # the open row ends; False if it ends other than clean
        nonlocal cur, vals
        if vals:
            if len(vals) != n or cur in rows:
                return False
            rows[cur] = vals
        cur, vals = None, []
        return True

    def label(text) -> bool:
        nonlocal cur
        key = identify(text)
        if key is not None:
            if not close():
                return False
            cur = key
        elif vals:  # label text after a row's values ends the row
            return close()
        return True

    for line in plain_lines(lines):
        if line is EMPTY_LINE and pending is None:
            continue
        if line is None:
            return None
        if line.solo:
            pending = line.labels[0] if pending is None else pending + line.labels[0]
            continue
        if pending is not None and not label(pending):
            return None
        pending = None
        if line.kind == "prose" and not close():
            return None
        if line.kind == "blank" and 0 < len(vals) < n:
            return None  # a blank cell among the row's values
        if line.kind != "cells":
            continue
        for text in line.labels:
            if not label(text):
                return None
        if line.values:
            if cur is None or (vals and (len(vals) >= n or (tabbed and line.tabbed) or line.blanks)):
                return None  # values that start a row of their own
            vals = vals + list(line.values)
            tabbed = line.tabbed
            if len(vals) > n or (line.blanks and len(vals) < n):
                return None
    if pending is not None and not label(pending):
        return None
    return rows if close() else None


def _application_identifier(out: ApplicationsTable):
    """The label -> row key function of an applications table: a sub-reason's key
    depends on the group label before it; the labels' template versions are noted."""
    state = {"group": None}

    def identify(text):
        lab = classify_application_label(text, state["group"])
        if lab is None:
            return None
        if lab.kind == "group":
            state["group"] = lab.code
        elif lab.kind == "row":
            state["group"] = None
        else:
            state["group"] = lab.parent
        if lab.template != "both":
            out.templates.add(lab.template)
        return (lab.parent, lab.code) if lab.kind == "reason" else (lab.code, None)

    return identify


def _printed_order(by_key: dict, rows: list[_Row]) -> dict:
    """The rows with values, in the order their values were printed."""
    at = {id(r): i for i, r in enumerate(rows)}
    return dict(sorted(((k, r) for k, r in by_key.items() if r.values()), key=lambda kr: at[id(kr[1])]))


def recognise_applications(lines: list[str], plain: bool = True) -> ApplicationsTable:
    """The applications table of a region's lines. ``plain=False`` skips the shortcut
    for regions of clean rows (:func:`_plain_rows`), which gives the same table."""
    out = ApplicationsTable()
    cells = _plain_rows(lines, _application_identifier(out), N_APPLICANT_COLS) if plain else None
    if cells is not None:
        out.cells = cells
    else:
        out = ApplicationsTable()  # afresh: the shortcut's labels noted template versions
        rows = _collect(tokenize(lines), _application_identifier(out), lambda key: N_APPLICANT_COLS)
        # a group label followed by its sub-rows is a heading, not a row of values
        by_key, placed = _place_detached(rows, application_order(), "applications", out.notes,
                                         N_APPLICANT_COLS)
        by_key = _printed_order(by_key, rows)
        equations = _template.application_equations(list(by_key))
        _solve(out, by_key, lambda key: N_APPLICANT_COLS, equations, "applications")
        out.inferred |= placed
    if ("other", None) in out.cells:
        out.templates.add("2019")  # an unsplit （六）其他处理 row
    if any(k[0] == "other" and k[1] is not None for k in out.cells):
        out.templates.add("2021")
    return out


class ActiveTable(RecognisedTable):
    """cells: (item, measure) -> the cell."""


def recognise_active(lines: list[str]) -> ActiveTable:
    """第二十条 tables: header labels name the measures (columns), each item row gives
    its values. Where the header's columns are known (tab, pipe, HTML) a value is
    placed by its column, so a blank neighbour shifts nothing; a row printed with
    blank cells only still yields its cells (as NA)."""
    out = ActiveTable()
    rows = _active_rows(lines, out)
    for item, ms, cols, tokens, label_line in _active_columns(rows, out):
        _place_active_row(out, item, ms, cols, tokens, label_line)
    return out


def _active_rows(lines: list[str], out: ActiveTable) -> list[tuple]:
    """The item rows of the 第二十条 tables as read: (item, the measures of the header
    read before it, their columns, its tokens, its label's line, the header's template
    versions); the versions the labels belong to are noted in ``out``."""
    measures: list[str] = []
    measure_cols: dict[int, str] = {}
    header: list[tuple[str, int | None, str]] = []  # measures being read: column, template
    versions: set[str] = set()
    rows: list[tuple] = []  # item, header measures, cols, tokens, label line, versions
    cur = None
    for t in tokenize(lines):
        if t.kind == "label":
            norm = normalize_label(t.text)
            if "第二十条" in norm:
                measures, measure_cols, header, cur = [], {}, [], None
                norm = norm[norm.index("第二十条") + 4:].split("项", 1)[-1]
            # a header and an item may run together (``…对外公开总数量规章``): the
            # measures are read in order, the item from what follows the last one
            found = _measures_in(norm)
            for code, template in found:
                if template != "both":
                    out.templates.add(template)
                if code not in (m for m, _, _ in header):
                    header.append((code, t.col if len(found) == 1 else None, template))
            if found:
                cur = None
                norm = norm[_measures_end(norm):]
            it = _first("active", "item", norm) if norm else None
            if it is not None:
                if header:
                    codes = list(dict.fromkeys(m for m, _, _ in header))
                    cols = {c: m for m, c, _ in header if c is not None}
                    measures, measure_cols = codes, (cols if len(cols) == len(codes) else {})
                    versions = {v for _, _, v in header if v != "both"}
                    header = []
                if it.template != "both":
                    out.templates.add(it.template)
                cur = (it.code, list(measures), dict(measure_cols), [], t.line, set(versions))
                rows.append(cur)
                continue
            if found:
                continue
            if cur is not None and any(x.kind == "value" for x in cur[3]):
                cur = None
            continue
        if t.kind == "prose":
            cur = None
            continue
        if cur is not None:
            cur[3].append(t)
    return rows


def _active_columns(rows: list[tuple], out: ActiveTable) -> list[tuple]:
    """Each item row with its columns (measures): (item, measures, columns, tokens, line)."""
    # the columns of an item: the template's for the version its block header (else
    # the whole section's labels) tells; an item whose header was not read at all
    # (wrapped over header rows, letter-spaced) takes them when the section tells one
    section = out.templates - {"both"}
    resolved = []
    for item, header_ms, cols, tokens, line, row_versions in rows:
        if header_ms:
            ms = _template.active_measures(item, header_ms, row_versions or section)
        elif len(section) == 1:
            ms = list(dict(_template.ACTIVE_SKELETON[next(iter(section))]).get(item, []))
        else:
            ms = []
        resolved.append((item, ms, cols, tokens, line))
    return resolved


def _place_active_row(out: ActiveTable, item: str, ms: list, cols: dict, tokens: list,
                      label_line) -> None:
    """An item row's cells by measure: by printed column on the label's line, else
    by fitting its tokens (cutting glued digits when exactly one cut fits)."""
    has_data = any(x.kind == "value" for x in tokens)
    if not ms:
        if has_data:
            out.notes.append(f"active {item}: values without a column header")
        return
    # header columns place the values only on the item's own line: a values line of
    # its own (a table cut into fragments) may have lost the label column
    placed = _by_column(tokens, cols) if all(x.line == label_line for x in tokens) else None
    if placed is None:
        cells, note, pieces = _fit_tokens(tokens, len(ms), label_line)
        if cells is None and pieces is not None:
            money = frozenset(j for j, m in enumerate(ms) if m in _template.MONEY_MEASURES)
            found = _splits.row_cuts(pieces, len(ms), money)
            if found and len(found) == 1:
                cells = list(found[0])
                out.inferred.add(item)  # the boundaries were not printed
            else:
                shown = "; ".join("/".join(c) for c in (found or [])[:6])
                note = (f"{len(found)} cuts of the digits fit: {shown}" if found
                        else "no cut of the digits fits")
                out.problems.append(("ambiguous_split", item, note + "; cells that differ "
                                     "between them left NA"))
                cells = agreed(found or [], len(ms))
                if any(c is not None for c in cells):
                    out.inferred.add(item)
                note = None
        elif cells is None:
            out.problems.append(("unplaced_values", item, note))
            cells, note = [None] * len(ms), None
        if note and has_data:
            out.notes.append(f"active {item}: {note}")
        placed = dict(zip(ms, cells))
    for measure, cell in placed.items():
        out.cells.setdefault((item, measure), cell)


@lru_cache(maxsize=65536)
def _measure_spans(norm: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, code, template) of each measure label in a label text, in order,
    without overlaps (a header printed as one run of text names several)."""
    spans = []
    for lab in _labels_of("active", "measure"):
        for m in lab.pattern.finditer(norm):
            if m.end() > m.start():
                spans.append((m.start(), m.end(), lab.code, lab.template))
    spans.sort(key=lambda x: (x[0], -x[1]))
    out, end = [], -1
    for sp in spans:
        if sp[0] >= end:
            out.append(sp)
            end = sp[1]
    return tuple(out)


def _measures_in(norm: str) -> list[tuple[str, str]]:
    return [(code, template) for _, _, code, template in _measure_spans(norm)]


def _measures_end(norm: str) -> int:
    """Where the measure labels of a label text end (the item may follow), past the
    rest of the last measure's words (``对外公开总数`` + ``量``, ``（单位：万元）``)."""
    end = _measure_spans(norm)[-1][1]
    return _MEASURE_TAIL.match(norm, end).end()


_MEASURE_TAIL = re.compile(r"(?:数量|件数|金额|数|量|件|额|\(单位:万元\)|\(万元\))*")


def _by_column(tokens: list[Token], measure_cols: dict[int, str]) -> dict[str, str | None] | None:
    """Place a row's values under the header columns, if every value lines up."""
    if not measure_cols or not tokens or any(t.col is None for t in tokens):
        return None
    at = {t.col: t.text for t in tokens}
    if any(col not in measure_cols and v.strip() for col, v in at.items()):
        return None  # a value outside the header's columns: the line is not aligned
    return {m: at.get(col, "") for col, m in measure_cols.items()}


@dataclass
class ReviewsTable:
    cells: list[str | None]
    n_printed: int
    notes: list[str] = field(default_factory=list)
    inferred: bool = False
    problems: list = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.n_printed > 0


def _plain_reviews(lines: list[str]) -> list[str] | None:
    """The review cells when the section prints exactly 15 values and no blank cell
    among them (what the general reading gives then: the values in order), else
    None. Blank cells of rows without values, and after the last value, are layout."""
    values: list[str] = []
    blank_after = False  # a blank cell after a value, on a line of its own
    for shape in line_shapes(lines):
        has_value = any(k == "value" for k, *_ in shape)
        for kind, text, col, *_ in shape:
            if kind == "value":
                if blank_after:
                    return None
                values.append(text)
            elif kind == "blank":
                if col is not None and has_value:
                    return None
                blank_after |= col is None and bool(values)
    return values if len(values) == N_REVIEW_CELLS else None


def recognise_reviews(lines: list[str], plain: bool = True) -> ReviewsTable:
    """The 15 numbers of section 四, in reading order; a table cut short keeps
    its numbers in order and the missing tail is NA (seed 004 prints 9).
    ``plain=False`` skips the shortcut of :func:`_plain_reviews` (same table)."""
    cells = _plain_reviews(lines) if plain else None
    if cells is not None:
        return ReviewsTable(cells, N_REVIEW_CELLS)
    tokens: list[Token] = []
    seen_value = False
    for t in tokenize(lines):
        if t.kind == "value":
            tokens.append(t)
            seen_value = True
        elif t.kind == "blank" and (seen_value or t.col is not None):
            tokens.append(t)
    if not seen_value:
        return ReviewsTable([None] * N_REVIEW_CELLS, 0)
    # blank cells of tab rows without any value are layout, not cells
    with_values = {t.line for t in tokens if t.kind == "value"}
    tokens = [t for t in tokens if t.col is None or t.line in with_values]
    while tokens and tokens[-1].kind == "blank" and tokens[-1].col is None:
        tokens.pop()
    n_printed = len(tokens)
    table = RecognisedTable()
    _solve(table, {_template.REVIEWS_ROW: _Row(_template.REVIEWS_ROW, tokens)}, lambda key: N_REVIEW_CELLS,
           _template.review_equations(), "reviews")
    cells = table.cells[_template.REVIEWS_ROW]
    return ReviewsTable(cells, min(n_printed, N_REVIEW_CELLS), table.notes,
                        _template.REVIEWS_ROW in table.inferred, table.problems)
