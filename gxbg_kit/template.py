"""The national template's tables and arithmetic, as data.

This module is the one description of the cells of tables 二 (主动公开, the
第二十条 tables), 三 (依申请) and 四 (复议诉讼) in the 2019 and 2021 versions:
:data:`APPLICATION_KEYS` (the applications rows of each version; 2019 prints
（六）其他处理 as one row, 2021 as three sub-rows), :func:`application_order`
(both forms, for placing unlabeled rows), :func:`report_application_keys` (the
rows a report's tidy table gets), :data:`ACTIVE_BLOCKS` (the 第二十条 tables as
printed, with their item numbers) and :data:`ACTIVE_SKELETON`,
:data:`REVIEW_CELLS`, and :func:`cells`, one row per cell (``gx.dictionary("cells")``).
The codes and their Chinese names are ``schema.py``'s code lists; the label
patterns recognition matches (with the variants and typos real reports print)
are in ``data/labels.csv``; the sums the form prints in ``data/arithmetic.csv``.
Recognition, tidy records and the synthetic reports of ``synth`` derive from
these.

From the arithmetic this module makes what recognition needs (the equations
between cells of a report) and what the checks need (each sum applied to a
report's cells: :func:`application_sum_checks`, :func:`review_sum_checks`), so
a row added to or changed in ``arithmetic.csv`` changes both.

An equation is ``(parts, total)``: two tuples of cell keys whose values sum to
the same number. A cell key is ``(row key, column index)``: for applications
the row key is ``(row, reason)`` and the column index follows
:data:`APPLICATION_COLUMNS`; for reviews the row key is ``"reviews"`` and the
column index counts the 15 cells in printed order.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

from .schema import (ACTIVE_ITEMS, ACTIVE_MEASURES, APPLICANTS, APPLICATION_REASONS, APPLICATION_ROWS,
                     OUTCOME_ROWS, PROCEEDINGS, REASONS_BY_ROW, REVIEW_RESULTS)
from .text import normalize_label

VERSIONS = ("2019", "2021")


# --------------------------------------------------------------------------
# The label patterns (data/labels.csv): recognition and the readers' table scorer
# --------------------------------------------------------------------------
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
    """The row, sub-row, item, measure and column labels of data/labels.csv, with the
    variants and typos real reports print."""
    with resources.files("gxbg_kit.data").joinpath("labels.csv").open(encoding="utf-8") as fh:
        return tuple(
            Label(r["table"], r["kind"], r["code"], r["parent"] or None, r["template"],
                  re.compile(r["pattern"]))
            for r in csv.DictReader(fh)
        )


@cache
def labels_of(table: str, kind: str) -> tuple[Label, ...]:
    return tuple(lab for lab in labels() if lab.table == table and lab.kind == kind)


@lru_cache(maxsize=65536)
def first_label(table: str, kind: str, text: str, group: str | None = None) -> Label | None:
    """The first label of ``table`` and ``kind`` (labels.csv's order) whose pattern
    ``text`` (a normalised label) has."""
    for lab in labels_of(table, kind):
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
    return (first_label("applications", "reason", norm, group if group == "other" else None)
            or first_label("applications", "group", norm)
            or first_label("applications", "row", norm))

# --------------------------------------------------------------------------
# The cells of each table, by template version
# --------------------------------------------------------------------------
APPLICATION_COLUMNS: tuple[str, ...] = tuple(APPLICANTS)
REVIEW_CELLS: tuple[tuple[str, str], ...] = tuple((p, r) for p in PROCEEDINGS for r in REVIEW_RESULTS)
REVIEWS_ROW = "reviews"

#: Labels as the form prints them where they differ from ``schema``'s names: the
#: applications rows and applicant columns, the review proceedings (under 行政诉讼).
PRINTED_ROWS = {**APPLICATION_ROWS, "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"}
PRINTED_APPLICANTS = {**APPLICANTS, "other_org": "其他"}
PRINTED_PROCEEDINGS = {"review": PROCEEDINGS["review"], "suit_direct": "未经复议直接起诉",
                       "suit_after_review": "复议后起诉"}

_HEAD_ROWS = (("received", None), ("carried_over", None), ("granted", None), ("partly_granted", None))
_SPLIT_ROWS = ("withheld", "unable", "not_processed")  # split into reasons in both versions
_TAIL_ROWS = (("processed_total", None), ("carried_forward", None))
OTHER_SPLIT = tuple(("other", r) for r in REASONS_BY_ROW["other"])
OTHER_UNSPLIT = (("other", None),)

#: The (row, reason) keys of the applications table in template order: the 2019 template
#: prints （六）其他处理 as one row, the 2021 template as its three sub-rows. The group
#: labels （三）（四）（五） head their sub-rows and are no rows of values.
APPLICATION_KEYS: dict[str, tuple[tuple[str, str | None], ...]] = {
    version: (_HEAD_ROWS + tuple((r, x) for r in _SPLIT_ROWS for x in REASONS_BY_ROW[r])
              + (OTHER_SPLIT if version == "2021" else OTHER_UNSPLIT) + _TAIL_ROWS)
    for version in VERSIONS
}


def application_keys(version: str) -> list[tuple[str, str | None]]:
    """The (row, reason) rows of a template version's applications table, in printed order."""
    return list(APPLICATION_KEYS[version])


def application_order() -> list[tuple[str, str | None]]:
    """Every applications row key in template order (both (六) forms), group rows
    included: where recognition places a row of values printed without its label."""
    keys = list(_HEAD_ROWS)
    for row in _SPLIT_ROWS + ("other",):
        keys += [(row, None)] + [(row, r) for r in REASONS_BY_ROW[row]]
    return keys + list(_TAIL_ROWS)


def report_application_keys(printed: Iterable[tuple], template: str) -> list[tuple[str, str | None]]:
    """The (row, reason) keys a report's applications table has: its template's rows
    (a report of the ``mixed`` or ``unknown`` template prints the 2019 rows), with
    （六）其他处理 in the form(s) the report printed (split, unsplit or both: the sub-rows
    first), then any other printed keys (e.g. a printed 不予公开 subtotal)."""
    printed = list(printed)
    split = any(k[0] == "other" and k[1] is not None for k in printed)
    unsplit = ("other", None) in printed
    keys: list[tuple[str, str | None]] = []
    for key in APPLICATION_KEYS["2019"]:
        if key == ("other", None):
            if split or (not unsplit and template == "2021"):
                keys += OTHER_SPLIT
            if unsplit or not (split or template == "2021"):
                keys.append(key)
        else:
            keys.append(key)
    keys += [k for k in printed if k not in keys]
    return keys


class ActiveBlock(NamedTuple):
    """One 第二十条 table of the form: the article's item number as printed (（一）…),
    its rows (item code, printed label) and its columns (measure code, printed label)."""

    article_item: str
    items: list[tuple[str, str]]
    measures: list[tuple[str, str]]


_PRIOR_CHANGE = [("prior_items", "上一年项目数量"), ("change", "本年增/减")]

#: The 第二十条 tables of each template version, as printed.
ACTIVE_BLOCKS: dict[str, list[ActiveBlock]] = {
    "2019": [
        ActiveBlock("（一）", [("regulations", "规章"), ("normative_documents", "规范性文件")],
                    [("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"),
                     ("published_total", "对外公开总数量")]),
        ActiveBlock("（五）", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
                    _PRIOR_CHANGE + [("decisions", "处理决定数量")]),
        ActiveBlock("（六）", [("penalty", "行政处罚"), ("coercion", "行政强制")],
                    _PRIOR_CHANGE + [("decisions", "处理决定数量")]),
        ActiveBlock("（八）", [("fees", "行政事业性收费")], list(_PRIOR_CHANGE)),
        ActiveBlock("（九）", [("procurement", "政府集中采购")],
                    [("procurement_items", "采购项目数量"), ("procurement_amount", "采购总金额")]),
    ],
    "2021": [
        ActiveBlock("（一）", [("regulations", "规章"), ("normative_documents", "行政规范性文件")],
                    [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")]),
        ActiveBlock("（五）", [("licensing", "行政许可")], [("decisions", "本年处理决定数量")]),
        ActiveBlock("（六）", [("penalty", "行政处罚"), ("coercion", "行政强制")],
                    [("decisions", "本年处理决定数量")]),
        ActiveBlock("（八）", [("fees", "行政事业性收费")], [("fee_amount", "本年收费金额（单位：万元）")]),
    ],
}

#: (item, measures) of each template version's 第二十条 tables
ACTIVE_SKELETON: dict[str, list[tuple[str, list[str]]]] = {
    version: [(item, [m for m, _ in b.measures]) for b in blocks for item, _ in b.items]
    for version, blocks in ACTIVE_BLOCKS.items()
}


#: The measures counted in money (万元); the others count documents, items or decisions.
MONEY_MEASURES = ("fee_amount", "procurement_amount")
MONEY_UNIT = "万元"


def active_keys(version: str) -> list[tuple[str, str]]:
    """The (item, measure) cells of a template version's 第二十条 tables, in printed order."""
    return [(item, m) for item, measures in ACTIVE_SKELETON[version] for m in measures]


CELL_COLUMNS = ("table", "version", "position", "row", "reason", "column", "row_zh", "reason_zh",
                "column_zh", "printed_row", "printed_column", "unit", "article_item", "form_row",
                "form_column")


def _cell_records(version: str) -> list[tuple]:
    out: list[tuple] = []
    counts: dict[str, int] = {}

    def add(table, row, reason, column, row_zh, reason_zh, column_zh, printed_row, printed_column,
            article_item, form_row, form_column):
        position = counts[table] = counts.get(table, 0) + 1
        unit = MONEY_UNIT if column in MONEY_MEASURES else None
        out.append((table, version, position, row, reason, column, row_zh, reason_zh, column_zh,
                    printed_row, printed_column, unit, article_item, form_row, form_column))

    form_row = 0
    for block in ACTIVE_BLOCKS[version]:
        for item, item_label in block.items:
            form_row += 1
            for j, (measure, measure_label) in enumerate(block.measures, 1):
                add("active", item, None, measure, ACTIVE_ITEMS[item], None, ACTIVE_MEASURES[measure],
                    item_label, measure_label, block.article_item, form_row, j)
    for i, (row, reason) in enumerate(APPLICATION_KEYS[version], 1):
        for j, applicant in enumerate(APPLICATION_COLUMNS, 1):
            add("applications", row, reason, applicant, APPLICATION_ROWS[row],
                APPLICATION_REASONS[reason] if reason else None, APPLICANTS[applicant],
                APPLICATION_REASONS[reason] if reason else PRINTED_ROWS[row], PRINTED_APPLICANTS[applicant],
                None, i, j)
    for j, (proceeding, result) in enumerate(REVIEW_CELLS, 1):
        add("reviews", proceeding, None, result, PROCEEDINGS[proceeding], None, REVIEW_RESULTS[result],
            PRINTED_PROCEEDINGS[proceeding], REVIEW_RESULTS[result], None, 1, j)
    return out


def cells(version: str | None = None):
    """One row per cell of the template's tables 二 (``active``), 三 (``applications``)
    and 四 (``reviews``) of a version (``"2019"``, ``"2021"``; None: both), in printed
    order. ``row``/``reason``/``column`` are the codes of the tidy tables' keys:
    applications (row, reason, applicant), active (item, measure), reviews
    (proceeding, result); ``*_zh`` their labels in ``schema``'s code lists;
    ``printed_row``/``printed_column`` the version's wording on the form; ``unit``
    万元 for money (NA: a count); ``article_item`` the 第二十条 item of an active
    cell; ``position`` counts the table's cells (1…), ``form_row``/``form_column``
    place the cell in the printed table's grid of values (reviews print their 15
    numbers in one row).
    A ``mixed`` report combines the active cells of one version with the
    applications rows of the other."""
    import pandas as pd

    versions = VERSIONS if version is None else (version,)
    unknown = set(versions) - set(VERSIONS)
    if unknown:
        raise ValueError(f"version must be one of {VERSIONS} (or None for both), not {version!r}")
    df = pd.DataFrame([r for v in versions for r in _cell_records(v)], columns=list(CELL_COLUMNS))
    ints = {"position", "form_row", "form_column"}
    return df.astype({c: ("Int64" if c in ints else "string") for c in CELL_COLUMNS})


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
