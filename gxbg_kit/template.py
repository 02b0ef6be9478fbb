"""The national template's tables and arithmetic, as data.

The cells of tables 二, 三 and 四 and their codes are defined once in
``schema.py``; the printed labels (with the variants and typos real reports
print) in ``data/labels.csv``; the sums the form prints in
``data/arithmetic.csv``. This module turns those into what recognition needs:
the columns of each table and the equations between cells of a report.

An equation is ``(parts, total)``: two tuples of cell keys whose values sum to
the same number. A cell key is ``(row key, column index)``: for applications
the row key is ``(row, reason)`` and the column index follows
:data:`APPLICATION_COLUMNS`; for reviews the row key is ``"reviews"`` and the
column index counts the 15 cells in printed order.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

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
    """One printed sum of the form (a row of ``data/arithmetic.csv``)."""

    check: str
    table: str
    parts: tuple[str, ...]
    total: tuple[str, ...]
    for_each: str
    meaning: str


@cache
def sums() -> tuple[Sum, ...]:
    with resources.files("gxbg_kit.data").joinpath("arithmetic.csv").open(encoding="utf-8") as fh:
        return tuple(Sum(r["check"], r["table"], tuple(r["parts"].split("+")),
                         tuple(r["total"].split("+")), r["for_each"], r["meaning"])
                     for r in csv.DictReader(fh))


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
        if s.check == "other_sum" and ("other", None) not in present:
            continue
        for a, j in col.items():
            out.append((tuple((r, j) for r in parts), tuple((r, j) for r in total)))
    return out


def review_equations() -> list[tuple[tuple, tuple]]:
    idx = {cell: j for j, cell in enumerate(REVIEW_CELLS)}
    out = []
    for s in sums():
        if s.table == "reviews":
            for p in PROCEEDINGS:
                out.append((tuple((REVIEWS_ROW, idx[(p, r)]) for r in s.parts),
                            tuple((REVIEWS_ROW, idx[(p, r)]) for r in s.total)))
    return out
