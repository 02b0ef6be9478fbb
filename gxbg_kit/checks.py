"""Step 5 of the pipeline: check each report's arithmetic and consistency.

Every ``check_*`` function returns check records (rows of the ``checks``
table of ``schema.py``): one per comparison with ``expected``, ``actual`` and
``ok``. Nothing raises; ``ok`` is NA (None) when a value needed is missing, so
a blank cell never passes or fails a sum by being read as 0.

``Report.checks`` and ``Corpus.checks`` give them as a frame; filter on
``ok == False`` for what fails.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from . import template as _template
from .schema import CHECKS_TABLE, record_maker
from .text import PROSE_COUNT

#: column order of a check record (schema.CHECKS_TABLE)
COLUMNS = tuple(CHECKS_TABLE.fields)
CheckRecord = CHECKS_TABLE.Record
_check_record = record_maker(CHECKS_TABLE)  # from one tuple, without a Python frame


def record(report_id, check, table, *, row=None, cell=None, applicant=None, expected=None,
           actual=None, ok=None, detail=None) -> CheckRecord:
    """One row of the checks table. ``cell``: the cell within the row (an applications
    sub-row's reason code, an active measure, a reviews result)."""
    return _check_record((report_id, check, table, row, cell, applicant, expected, actual, ok,
                          detail))


def strict_sum(values: Iterable):
    """Sum that is None as soon as one part is None (a blank is not a zero)."""
    total = 0
    for v in values:
        if v is None:
            return None
        total += v
    return total


def same(expected, actual):
    if expected is None or actual is None:
        return None
    return abs(float(expected) - float(actual)) < 1e-9


def failed(checks):
    """The rows of a checks frame that fail (``ok`` is False, not NA)."""
    return checks[checks["ok"].eq(False).fillna(False)].reset_index(drop=True)


def fmt(x) -> str:
    if x is None:
        return "NA"
    if type(x) is int:
        return str(x)
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def parts_sum_to_total(report_id: str, check: str, table: str, parts: Iterable, total, *,
                       what: str, total_label: str, parts_label: str, row=None, cell=None,
                       applicant=None) -> CheckRecord:
    """The reusable "parts sum to the total" check: ``expected`` is the printed
    total, ``actual`` the sum of the printed parts."""
    actual = strict_sum(parts)
    return _check_record((report_id, check, table, row, cell, applicant, total, actual,
                          same(total, actual),
                          f"{what}: {total_label} {fmt(total)}, {parts_label} {fmt(actual)}"))


Cells = dict  # (row, reason or None, applicant) -> int | None


def _sum_records(report_id: str, table: str, values: dict, sum_checks) -> list[CheckRecord]:
    """A "parts sum to the total" record for each :class:`template.SumCheck`; a total
    of more than one cell is their strict sum."""
    out = []
    for c in sum_checks:
        totals = [values.get(k) for k in c.total]
        total = totals[0] if len(totals) == 1 else strict_sum(totals)
        out.append(parts_sum_to_total(
            report_id, c.check, table, [values.get(k) for k in c.parts], total, what=c.what,
            total_label=c.sum.total_label, parts_label=c.sum.parts_label, row=c.row,
            cell=c.reason, applicant=c.applicant))
    return out


def check_applications(report_id: str, cells: Cells) -> list[CheckRecord]:
    """The sums of ``data/arithmetic.csv`` over the applications table (row sums,
    the printed identity, the outcome sum and the (六) sum), as
    :func:`template.application_sum_checks` applies them to these cells."""
    if not cells:
        return []
    return _sum_records(report_id, "applications", cells, _template.application_sum_checks(cells))


def check_reviews(report_id: str, counts: dict) -> list[CheckRecord]:
    """Each proceeding's 总计 equals its parts (the reviews sums of ``data/arithmetic.csv``).
    ``counts``: (proceeding, result) -> int | None."""
    return _sum_records(report_id, "reviews", counts, _template.review_sum_checks(counts))


def check_completeness(report_id: str, found: dict[str, tuple[int, int]]) -> list[CheckRecord]:
    """How many of each table's template cells were found: {table: (found, expected)}."""
    return [record(report_id, "completeness", table, expected=expected, actual=n,
                   ok=expected > 0 and n == expected,
                   detail=f"{table}: {n} of {expected} template cells found")
            for table, (n, expected) in found.items()]


def check_unreadable(report_id: str, cells: list[tuple]) -> list[CheckRecord]:
    return [record(report_id, "unreadable_cell", t, row=row, cell=reason,
                   applicant=applicant if t == "applications" else None, ok=False,
                   detail=f"{t} {row}/{reason or '-'}{'/' + applicant if applicant else ''}: "
                          f"cannot read {raw!r}")
            for t, row, reason, applicant, raw in cells]


def check_placement(report_id: str, problems: list[tuple[str, list]]) -> list[CheckRecord]:
    """Rows whose values could not be placed with certainty (cells NA): an
    ``ambiguous_split`` (digits ran together; more than one cut, or none, fits the
    sums) or ``unplaced_values`` (more values than the template row has).
    ``problems``: (table, [(check, row key, detail)])."""
    out = []
    for table, items in problems:
        for check, key, detail in items:
            row, reason = key if isinstance(key, tuple) else (key, None)
            if table == "reviews":
                row = None
            out.append(record(report_id, check, table, row=row, cell=reason, ok=False,
                              detail=f"{table} {row or ''}{'/' + reason if reason else ''}: {detail}"))
    return out


# -- narrative versus table -------------------------------------------------
_N = PROSE_COUNT  # a count in a sentence: group 1
_GAP = r"[^，。；,;：:\d]{0,14}?"
_NOUN = r"[^，。；,;\d]{0,14}?"
NARRATIVE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("received", re.compile(r"新收" + _GAP + _N)),
    ("received", re.compile(r"(?:收到|受理)" + _NOUN + r"申请" + r"[^，。；,;\d]{0,10}?" + _N)),
    ("carried_over", re.compile(r"上年(?:度)?结转" + _GAP + _N)),
    ("processed_total", re.compile(r"(?<!继续)办结" + _GAP + _N)),
    ("processed_total", re.compile(r"共办理" + r"[^，。；,;\d]{0,12}?" + _N)),
    ("carried_forward", re.compile(r"结转下(?:一)?年度?(?:继续办理)?" + _GAP + _N)),
    ("granted", re.compile(r"予以公开\s*" + _N)),
    ("partly_granted", re.compile(r"部分公开\s*" + _N)),
    ("withheld", re.compile(r"不予公开\s*" + _N)),
    ("unable", re.compile(r"无法提供\s*" + _N)),
    ("not_processed", re.compile(r"不予处理\s*" + _N)),
]
NARRATIVE_ZERO = [("received", re.compile(r"未(?:收到|受理)[^，。；,;\d]{0,8}?(?:信息公开)?申请"))]


def narrative_figures(text: str) -> list[tuple[str, int, str]]:
    """Request figures stated in prose: (row, number, the phrase); first mention wins."""
    found: dict[str, tuple[int, str]] = {}
    for row, pat in NARRATIVE_PATTERNS:
        for m in pat.finditer(text):
            found.setdefault(row, (int(m.group(1)), m.group(0)))
    for row, pat in NARRATIVE_ZERO:
        m = pat.search(text)
        if m and row not in found:
            found[row] = (0, m.group(0))
    return [(row, n, phrase) for row, (n, phrase) in found.items()]


def check_narrative(report_id: str, text: str, cells: Cells) -> list[CheckRecord]:
    """Numbers the narrative states versus the table's 总计 column (expected = table)."""
    if not cells:
        return []
    figures = narrative_figures(text)
    if not figures:
        return []
    totals: dict[str, list] = {}  # row -> its 总计 cells (sub-reasons too)
    for (r, _, a), v in cells.items():
        if a == "total":
            totals.setdefault(r, []).append(v)
    out = []
    for row, n, phrase in figures:
        vals = totals.get(row)
        table_value = strict_sum(vals) if vals else None
        out.append(record(report_id, "narrative", "applications", row=row, applicant="total",
                          expected=table_value, actual=n, ok=same(table_value, n),
                          detail=f"narrative says “{phrase}”; table says {fmt(table_value)}"))
    return out


def check_encoding_replaced(report_id: str, replaced, encoding: str | None) -> list[CheckRecord]:
    """One record when bytes of a text or HTML file were not valid in its encoding and
    were read as U+FFFD (``Document.replaced``: (byte offset, line, bytes) runs); the
    report is kept, the replaced text reads as garbled. ``actual`` = bytes replaced."""
    runs = list(replaced or ())
    if not runs:
        return []
    n = sum(r[2] for r in runs)
    where = ", ".join(f"line {r[1]} (byte {r[0]:,}, {r[2]} byte{'s' if r[2] != 1 else ''})"
                      for r in runs[:5])
    more = f" and {len(runs) - 5} more runs" if len(runs) > 5 else ""
    return [record(report_id, "encoding_replaced", "reports", expected=0, actual=n, ok=False,
                   detail=f"{n} byte{'s' if n != 1 else ''} not valid {encoding or 'text'} read as "
                          f"U+FFFD: {where}{more}")]


def check_manifest(report_id: str, pairs: dict[str, tuple]) -> list[CheckRecord]:
    """Manifest value versus the value read from the text (numbers: expected = manifest)."""
    out = []
    for field_name, (manifest, text) in pairs.items():
        if manifest is None or text is None:
            continue
        numeric = isinstance(text, int)
        out.append(record(report_id, "manifest", "reports", row=field_name,
                          expected=int(manifest) if numeric else None,
                          actual=text if numeric else None,
                          ok=str(manifest).strip() == str(text).strip(),
                          detail=f"{field_name}: manifest says {manifest!s}, text says {text!s}"))
    return out

