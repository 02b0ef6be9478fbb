"""Step 3 of the pipeline: recognise the template's tables in a section's lines.

One core for every layout: lines are cut into cells (``cells.runs``), and each
run of labels followed by values is matched against the national template's
skeleton — the row, sub-row, item and column labels of both template versions,
kept as data in ``data/labels.csv``. Readers of other formats (PDF, Word, HTML)
only have to deliver lines of cells.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from .cells import Run, fit, normalize_label, runs
from .schema import APPLICANTS

N_APPLICANT_COLS = len(APPLICANTS)
N_REVIEW_CELLS = 15


@dataclass(frozen=True)
class Label:
    table: str
    kind: str
    code: str
    parent: str | None
    template: str
    pattern: re.Pattern


@cache
def labels() -> tuple[Label, ...]:
    with resources.files("gxbg_kit.data").joinpath("labels.csv").open(encoding="utf-8") as fh:
        return tuple(
            Label(r["table"], r["kind"], r["code"], r["parent"] or None, r["template"],
                  re.compile(r["pattern"]))
            for r in csv.DictReader(fh)
        )


@cache
def _labels_of(table: str, kind: str) -> tuple[Label, ...]:
    return tuple(lab for lab in labels() if lab.table == table and lab.kind == kind)


@lru_cache(maxsize=65536)
def _first(table: str, kind: str, text: str, group: str | None = None) -> Label | None:
    for lab in _labels_of(table, kind):
        if kind == "reason" and lab.code == "other" and group != "other":
            continue  # a bare 其他 is a sub-row only under （六）其他处理
        if lab.pattern.search(text):
            return lab
    return None


@lru_cache(maxsize=65536)
def classify_application_label(text: str, group: str | None) -> Label | None:
    """What an applications-table label is: a sub-reason, a group row or a row."""
    norm = normalize_label(text)
    if not norm:
        return None
    return (_first("applications", "reason", norm, group if group == "other" else None)
            or _first("applications", "group", norm)
            or _first("applications", "row", norm))


@dataclass
class RecognisedTable:
    """Cells found by key, the template versions their labels belong to, and notes."""

    cells: dict = field(default_factory=dict)
    templates: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.cells)


class ApplicationsTable(RecognisedTable):
    """cells: (row, reason) -> the 7 applicant cells."""


def recognise_applications(lines: list[str]) -> ApplicationsTable:
    out = ApplicationsTable()
    group: str | None = None
    for run in runs(lines):
        ident: Label | None = None
        for text in run.labels:
            lab = classify_application_label(text, group)
            if lab is None:
                continue
            if lab.kind == "group":
                group = lab.code
            elif lab.kind == "row":
                group = None
            else:
                group = lab.parent
            ident = lab
        if not run.has_data:
            continue
        if ident is None:
            if run.labels:
                out.notes.append(f"applications: unrecognised row {' / '.join(run.labels)!r}")
            continue
        key = (ident.parent, ident.code) if ident.kind == "reason" else (ident.code, None)
        cells, note = fit(run.values, N_APPLICANT_COLS)
        if note:
            out.notes.append(f"applications {key[0]}/{key[1] or '-'}: {note}")
        if key in out.cells:
            out.notes.append(f"applications {key[0]}/{key[1] or '-'}: printed twice; kept the first")
            continue
        out.cells[key] = cells
        if ident.template != "both":
            out.templates.add(ident.template)
        if key == ("other", None):
            out.templates.add("2019")  # an unsplit （六）其他处理 row
    return out


class ActiveTable(RecognisedTable):
    """cells: (item, measure) -> the cell."""


def recognise_active(lines: list[str]) -> ActiveTable:
    """第二十条 tables: a header run names the measures (columns), each item run
    gives its values. Where the header's columns are known (tab, pipe, HTML) a
    value is placed by its column, so a blank neighbour shifts nothing; a row
    printed with blank cells only still yields its cells (as NA)."""
    out = ActiveTable()
    measures: list[str] = []
    measure_cols: dict[int, str] = {}
    for run in runs(lines):
        item: Label | None = None
        new_measures: list[str] = []
        new_cols: dict[int, str] = {}
        for k, text in enumerate(run.labels):
            norm = normalize_label(text)
            if "第二十条" in norm:
                measures, measure_cols = [], {}
                continue
            it = _first("active", "item", norm)
            if it is not None:
                item = it
                continue
            ms = _first("active", "measure", norm)
            if ms is not None:
                if ms.code not in new_measures:
                    new_measures.append(ms.code)
                    if run.label_cols is not None:
                        new_cols[run.label_cols[k]] = ms.code
                if ms.template != "both":
                    out.templates.add(ms.template)
        if new_measures:
            measures = new_measures
            measure_cols = new_cols if len(new_cols) == len(new_measures) else {}
        if item is None:
            continue
        if not measures:
            if run.has_data:
                out.notes.append(f"active {item.code}: values without a column header")
            continue
        placed = _by_column(run, measure_cols)
        if placed is None:
            cells, note = fit(run.values, len(measures))
            if note and run.has_data:
                out.notes.append(f"active {item.code}: {note}")
            placed = dict(zip(measures, cells))
        for measure, cell in placed.items():
            out.cells.setdefault((item.code, measure), cell)
        if item.template != "both":
            out.templates.add(item.template)
    return out


def _by_column(run: Run, measure_cols: dict[int, str]) -> dict[str, str | None] | None:
    """Place a row's values under the header columns, if every value lines up."""
    if not measure_cols or run.value_cols is None:
        return None
    at = dict(zip(run.value_cols, run.values))
    if any(col not in measure_cols and v.strip() for col, v in at.items()):
        return None  # a value outside the header's columns: the line is not aligned
    return {m: at.get(col, "") for col, m in measure_cols.items()}


@dataclass
class ReviewsTable:
    cells: list[str | None]
    n_printed: int
    notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.n_printed > 0


def recognise_reviews(lines: list[str]) -> ReviewsTable:
    """The 15 numbers of section 四, in reading order; a table cut short keeps
    its numbers in order and the missing tail is NA (seed 004 prints 9)."""
    values: list[str] = []
    for run in runs(lines):
        if run.has_data:
            values.extend(run.values)
    n_printed = len(values)
    cells, note = fit(values, N_REVIEW_CELLS) if values else ([None] * N_REVIEW_CELLS, None)
    notes = [f"reviews: {note}"] if note else []
    return ReviewsTable(cells, min(n_printed, N_REVIEW_CELLS), notes)


