"""Step 4 of the pipeline: recognised tables → tidy records (one row per cell).

Every report gets every cell of its template skeleton: a cell the report does
not print is a row with ``count`` NA, so completeness is visible and frames of
different reports stack. Records are the named tuples of each table
(``APPLICATIONS.Record`` …: ``r.count``), built with ``schema.record_maker`` in these
per-cell loops; frames are built once per batch (``schema.Table.frame``), which keeps
parsing fast.
"""
from __future__ import annotations

from functools import lru_cache

from .cells import parse_value
from .recognize import ActiveTable, ApplicationsTable, ReviewsTable
from .schema import ACTIVE, APPLICANTS, APPLICATIONS, REVIEWS, record_maker
from .template import MONEY_MEASURES as _MONEY, MONEY_UNIT, REVIEW_CELLS, VERSIONS
from .template import active_keys as template_active_keys, report_application_keys

MONEY_MEASURES = set(_MONEY)
_APPLICATION = record_maker(APPLICATIONS)
_ACTIVE = record_maker(ACTIVE)
_REVIEW = record_maker(REVIEWS)


def skeleton_keys(table: ApplicationsTable, template: str) -> list[tuple[str, str | None]]:
    """The (row, reason) keys a report's applications table should have
    (:func:`template.report_application_keys`)."""
    return report_application_keys(table.cells, template)


@lru_cache(maxsize=65536)
def _count(cell):
    """(count, unreadable) of a cell: counts are whole numbers."""
    v = parse_value(cell)
    if v.number is not None and (v.signed or v.number != int(v.number) or v.number < 0):
        return None, True  # a count is a whole number ≥ 0, printed without a sign
    return (None if v.number is None else int(v.number)), v.unreadable


def applications_records(report_id: str, table: ApplicationsTable, template: str):
    """Tidy applications records and the list of unreadable cells."""
    rows, unreadable = [], []
    applicants = list(APPLICANTS)
    for key in skeleton_keys(table, template):
        cells = table.cells.get(key, [None] * len(applicants))
        inferred = key in table.inferred
        for applicant, cell in zip(applicants, cells):
            count, bad = _count(cell)
            if bad:
                unreadable.append(("applications", key[0], key[1], applicant, cell))
            rows.append(_APPLICATION((report_id, key[0], key[1], applicant, count, cell,
                                      inferred and count is not None)))
    return rows, unreadable


def active_keys(table: ActiveTable, template: str) -> list[tuple[str, str]]:
    """Printed cells, plus the template's cells the report left out."""
    keys = list(table.cells)
    if template in VERSIONS:
        keys += [k for k in template_active_keys(template) if k not in keys]
    return keys


def active_records(report_id: str, table: ActiveTable, template: str):
    rows, unreadable = [], []
    for item, measure in active_keys(table, template):
        cell = table.cells.get((item, measure))
        v = parse_value(cell)
        value, unit = v.number, None
        if measure in MONEY_MEASURES:
            unit = MONEY_UNIT
            if value is not None and v.unit == "元":
                value = value / 10_000
        if v.unreadable:
            unreadable.append(("active", item, measure, None, cell))
        rows.append(_ACTIVE((report_id, item, measure, value, unit, cell,
                             item in table.inferred and value is not None)))
    return rows, unreadable


def reviews_records(report_id: str, table: ReviewsTable):
    rows, unreadable = [], []
    for (proceeding, result), cell in zip(REVIEW_CELLS, table.cells):
        count, bad = _count(cell)
        if bad:
            unreadable.append(("reviews", proceeding, result, None, cell))
        rows.append(_REVIEW((report_id, proceeding, result, count, cell,
                             table.inferred and count is not None)))
    return rows, unreadable


def wide(df):
    """A tidy table laid out like the printed form, for reading: applications as
    (report, row, reason) × applicant, reviews as (report, proceeding) × result,
    active as (item, measure) × report. Template order; a row the report lacks
    stays, with NA; reason "—" marks rows without sub-reasons."""

    def lay_out(index, columns, values):
        d = df.copy()
        if "reason" in index:
            d["reason"] = d["reason"].cat.add_categories(["—"]).fillna("—")
        out = d.set_index(index + [columns])[values].unstack(columns)
        cats = d[columns].cat.categories
        return out.loc[:, [c for c in cats if c in out.columns]]

    if {"row", "applicant", "count"} <= set(df.columns):
        return lay_out(["report_id", "row", "reason"], "applicant", "count")
    if {"proceeding", "result", "count"} <= set(df.columns):
        return lay_out(["report_id", "proceeding"], "result", "count")
    if {"item", "measure", "value"} <= set(df.columns):
        d = df.set_index(["item", "measure", "report_id"])["value"].unstack("report_id")
        return d
    raise ValueError("wide() takes the applications, reviews or active table")
