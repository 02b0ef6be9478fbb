"""The national template's tables and arithmetic, as data.

The cells of tables 二, 三 and 四 and their codes are defined once in
``schema.py``; the printed labels (with the variants and typos real reports
print) in ``data/labels.csv``; the sums the form prints in
``data/arithmetic.csv``. This module turns those into what recognition needs
(the columns of each table and the equations between cells of a report) and
what the checks need (each sum applied to a report's cells:
:func:`application_sum_checks`, :func:`review_sum_checks`), so a row added to
or changed in ``arithmetic.csv`` changes both.

An equation is ``(parts, total)``: two tuples of cell keys whose values sum to
the same number. A cell key is ``(row key, column index)``: for applications
the row key is ``(row, reason)`` and the column index follows
:data:`APPLICATION_COLUMNS`; for reviews the row key is ``"reviews"`` and the
column index counts the 15 cells in printed order.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

from .schema import APPLICANTS, OUTCOME_ROWS, PROCEEDINGS, REVIEW_RESULTS

APPLICATION_COLUMNS: tuple[str, ...] = tuple(APPLICANTS)
REVIEW_CELLS: tuple[tuple[str, str], ...] = tuple((p, r) for p in PROCEEDINGS for r in REVIEW_RESULTS)
REVIEWS_ROW = "reviews"

#: (item, measures) of each template version's 第二十条 tables
ACTIVE_SKELETON = {
    "2019": [("regulations", ["new_made", "new_published", "published_total"]),
             ("normative_documents", ["new_made", "new_published", "published_total"]),
             ("licensing", ["prior_items", "change", "decisions"]),
             ("other_services", ["prior_items", "change", "decisions"]),
             ("penalty", ["prior_items", "change", "decisions"]),
             ("coercion", ["prior_items", "change", "decisions"]),
             ("fees", ["prior_items", "change"]),
             ("procurement", ["procurement_items", "procurement_amount"])],
    "2021": [("regulations", ["issued", "repealed", "in_force"]),
             ("normative_documents", ["issued", "repealed", "in_force"]),
             ("licensing", ["decisions"]),
             ("penalty", ["decisions"]),
             ("coercion", ["decisions"]),
             ("fees", ["fee_amount"])],
}


def active_measures(item: str, header: list[str], versions: set[str]) -> list[str]:
    """The columns of an item row of the 第二十条 tables: the template's, in the
    template's order, when the measures a header printed belong to them (a wrapped
    or garbled header word then loses nothing and cannot reorder the columns);
    otherwise the header's own."""
    for version in ("2021", "2019"):
        if versions and version not in versions:
            continue
        ms = dict(ACTIVE_SKELETON[version]).get(item)
        if ms and header and set(header) <= set(ms):
            return list(ms)
    return list(header)


@dataclass(frozen=True)
class Sum:
    """One printed sum of the form (a row of ``data/arithmetic.csv``).

    ``parts`` and ``total`` name applicant columns (``for_each`` ``row``: the sum
    holds in each row), rows (``applicant``: in each applicant column; ``@name``
    is a set of rows that depends on what the report prints, see
    :func:`_rows_of`) or review results (``proceeding``: in each proceeding).
    ``checked_when`` is ``always`` (a check record each time, NA where a cell is
    missing) or ``printed`` (only when all its rows are printed). The labels
    make the check's detail: ``"<what>: <total_label> <total>, <parts_label> <sum>"``.
    """

    check: str
    table: str
    parts: tuple[str, ...]
    total: tuple[str, ...]
    for_each: str
    meaning: str
    checked_when: str = "always"
    total_label: str = ""
    parts_label: str = ""


FOR_EACH = {"applications": ("row", "applicant"), "reviews": ("proceeding",)}
CHECKED_WHEN = ("always", "printed")


@cache
def sums() -> tuple[Sum, ...]:
    with resources.files("gxbg_kit.data").joinpath("arithmetic.csv").open(encoding="utf-8") as fh:
        out = tuple(Sum(r["check"], r["table"], tuple(r["parts"].split("+")),
                        tuple(r["total"].split("+")), r["for_each"], r["meaning"],
                        r["checked_when"], r["total_label"], r["parts_label"])
                    for r in csv.DictReader(fh))
    for s in out:
        if s.for_each not in FOR_EACH.get(s.table, ()) or s.checked_when not in CHECKED_WHEN:
            raise ValueError(f"arithmetic.csv: {s.check}: unknown table, for_each or checked_when "
                             f"({s.table!r}, {s.for_each!r}, {s.checked_when!r})")
    return out


def _outcome_leaves(rows: list[tuple]) -> list[tuple]:
    """The outcome rows that add up to (七)总计: sub-reasons where printed, else the row
    (an unsplit (六)其他处理 row counts itself, not its sub-rows)."""
    out = []
    for row in OUTCOME_ROWS:
        subs = [k for k in rows if k[0] == row]
        if row == "other" and (row, None) in subs:
            subs = [(row, None)]
        elif len(subs) > 1:
            subs = [k for k in subs if k[1] is not None]
        out += subs
    return out


def _rows_of(name: str, rows: list[tuple]) -> list[tuple]:
    if name == "@outcome_leaves":
        return _outcome_leaves(rows)
    if name == "@other_subrows":
        return [k for k in rows if k[0] == "other" and k[1] is not None]
    return [(name, None)]


def application_equations(rows: list[tuple]) -> list[tuple[tuple, tuple]]:
    """The equations between the cells of an applications table with these row keys."""
    return _application_equations(tuple(rows))


@lru_cache(maxsize=1024)
def _application_equations(rows: tuple) -> list[tuple[tuple, tuple]]:
    col = {a: j for j, a in enumerate(APPLICATION_COLUMNS)}
    present = set(rows)
    out = []
    for s in sums():
        if s.table != "applications":
            continue
        if s.for_each == "row":
            for r in rows:
                out.append((tuple((r, col[a]) for a in s.parts), tuple((r, col[a]) for a in s.total)))
            continue
        parts = [k for name in s.parts for k in _rows_of(name, rows)]
        total = [k for name in s.total for k in _rows_of(name, rows)]
        if not parts or not total or not (set(parts) | set(total)) <= present:
            continue
        for a, j in col.items():
            out.append((tuple((r, j) for r in parts), tuple((r, j) for r in total)))
    return out


@cache
def review_equations() -> list[tuple[tuple, tuple]]:
    idx = {cell: j for j, cell in enumerate(REVIEW_CELLS)}
    out = []
    for s in sums():
        if s.table == "reviews":
            for p in PROCEEDINGS:
                out.append((tuple((REVIEWS_ROW, idx[(p, r)]) for r in s.parts),
                            tuple((REVIEWS_ROW, idx[(p, r)]) for r in s.total)))
    return out


class SumCheck(NamedTuple):
    """One sum of :func:`sums` applied to a report's cells: the keys of the cells
    (of the dict given) whose values are its parts and its total, and what the
    check record is about (``row``, ``reason``, ``applicant``; ``what`` heads its detail)."""

    sum: Sum
    row: str | None
    reason: str | None
    applicant: str | None
    what: str
    parts: tuple
    total: tuple

    @property
    def check(self) -> str:
        return self.sum.check


def _one(names: tuple) -> str | None:
    return names[0] if len(names) == 1 else None


def _grouped(table: str) -> list[list[Sum]]:
    """The sums of a table grouped by ``for_each``, groups in order of first appearance."""
    ss = [s for s in sums() if s.table == table]
    return [[s for s in ss if s.for_each == f] for f in dict.fromkeys(s.for_each for s in ss)]


def application_sum_checks(cells: Iterable[tuple]) -> list[SumCheck]:
    """Each sum of the applications table applied to a report's cells (keys
    ``(row, reason, applicant)``, e.g. a dict of values), in the order of the
    check records: for each ``for_each`` group of ``arithmetic.csv`` (in file
    order), each row (printed order) or applicant column (template order), its
    sums in file order. A ``row`` sum is about that row and its total column; an
    ``applicant`` sum about that column and its total row (when it is one row)."""
    return list(_application_sum_checks(tuple(cells)))


@lru_cache(maxsize=1024)
def _application_sum_checks(cells: tuple) -> tuple[SumCheck, ...]:
    """The checks depend only on which cells a report has: computed once per key set."""
    keys = set(cells)
    rows = list(dict.fromkeys((r, s) for r, s, _ in cells))
    present = set(rows)
    out = []
    for group in _grouped("applications"):
        if group[0].for_each == "row":
            for r, reason in rows:
                for s in group:
                    parts = tuple((r, reason, a) for a in s.parts)
                    total = tuple((r, reason, a) for a in s.total)
                    if s.checked_when == "printed" and not (set(parts) | set(total)) <= keys:
                        continue
                    out.append(SumCheck(s, r, reason, _one(s.total), f"{r}{'/' + reason if reason else ''}",
                                        parts, total))
            continue
        resolved = []
        for s in group:
            parts = [k for name in s.parts for k in _rows_of(name, rows)]
            total = [k for name in s.total for k in _rows_of(name, rows)]
            if s.checked_when == "printed" and (
                    not parts or not total or not (set(parts) | set(total)) <= present):
                continue
            row, reason = total[0] if len(total) == 1 else (None, None)
            resolved.append((s, row, reason, parts, total))
        for a in APPLICATION_COLUMNS:
            for s, row, reason, parts, total in resolved:
                out.append(SumCheck(s, row, reason, a, a, tuple((r, x, a) for r, x in parts),
                                    tuple((r, x, a) for r, x in total)))
    return tuple(out)


def review_sum_checks(counts: Iterable[tuple]) -> list[SumCheck]:
    """Each sum of the reviews table applied to a report's counts (keys
    ``(proceeding, result)``), for each proceeding present (in order), its sums
    in file order."""
    keys = list(counts)
    present = set(keys)
    out = []
    for p in dict.fromkeys(p for p, _ in keys):
        for s in sums():
            if s.table != "reviews":
                continue
            parts = tuple((p, r) for r in s.parts)
            total = tuple((p, r) for r in s.total)
            if s.checked_when == "printed" and not (set(parts) | set(total)) <= present:
                continue
            out.append(SumCheck(s, p, None, None, p, parts, total))
    return out
