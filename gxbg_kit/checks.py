"""Step 5 of the pipeline: check each report's arithmetic and consistency.

Every ``check_*`` function returns a tidy frame of checks (the ``checks``
table of ``schema.py``): one row per comparison with ``expected``, ``actual``
and ``ok``. Nothing raises; ``ok`` is NA when a value needed is missing, so a
blank cell never passes or fails a sum by being read as 0.
"""
from __future__ import annotations

import re

import pandas as pd

from .schema import APPLICANTS, APPLICANT_PARTS, CHECKS_TABLE, OUTCOME_ROWS, REVIEW_PARTS

_COLS = ["report_id", "check", "table", "row", "reason", "applicant", "expected", "actual",
         "ok", "detail"]


def _frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return CHECKS_TABLE.empty()
    return CHECKS_TABLE.coerce(pd.DataFrame(rows, columns=_COLS))


def _ok(expected, actual):
    if pd.isna(expected) or pd.isna(actual):
        return pd.NA
    return bool(abs(float(expected) - float(actual)) < 1e-9)


def _sum(values):
    """Sum that is NA as soon as one part is NA (a blank is not a zero)."""
    total = 0
    for v in values:
        if pd.isna(v):
            return pd.NA
        total += v
    return total


def parts_sum_to_total(wide: pd.DataFrame, parts: list, total, *, report_id: str, check: str,
                       table: str, label=None, describe=None) -> list[dict]:
    """The reusable "parts sum to the total" check.

    ``wide`` has one row per thing checked and one column per part; ``total`` is
    a column name or a Series aligned with ``wide``. ``label(index) -> dict``
    gives the row/reason/applicant columns of each check.
    """
    totals = wide[total] if isinstance(total, str) else total
    rows = []
    for idx in wide.index:
        expected = totals.loc[idx]
        missing = [p for p in parts if p not in wide.columns]
        actual = pd.NA if missing else _sum(wide.loc[idx, p] for p in parts)
        ok = _ok(expected, actual)
        where = label(idx) if label else {}
        detail = describe(idx, expected, actual, ok) if describe else None
        rows.append({"report_id": report_id, "check": check, "table": table,
                     "expected": expected, "actual": actual, "ok": ok, "detail": detail, **where})
    return rows


def _fmt(x) -> str:
    if pd.isna(x):
        return "NA"
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def check_applications(report_id: str, apps: pd.DataFrame) -> pd.DataFrame:
    """Identity, row sums and outcome sums of the applications table."""
    if apps.empty:
        return _frame([])
    a = pd.DataFrame({"row": apps["row"].astype(str), "applicant": apps["applicant"].astype(str),
                      "reason": apps["reason"].astype("string").fillna("").astype(str),
                      "count": apps["count"]})
    counts = a.set_index(["row", "reason", "applicant"])["count"].unstack("applicant")
    counts = counts.reindex(columns=list(APPLICANTS)).astype("Int64")
    rows: list[dict] = []

    # every printed row's applicant columns sum to its total column
    rows += parts_sum_to_total(
        counts, APPLICANT_PARTS, "total", report_id=report_id, check="applicant_sum",
        table="applications",
        label=lambda i: {"row": i[0], "reason": i[1] or None, "applicant": "total"},
        describe=lambda i, e, s, ok: f"{i[0]}{'/' + i[1] if i[1] else ''}: 总计 {_fmt(e)}, "
                                     f"sum of applicant columns {_fmt(s)}")

    by_app = counts.T  # applicant × (row, reason)

    def col(row, reason=""):
        key = (row, reason)
        return by_app[key] if key in by_app.columns else pd.Series(pd.NA, index=by_app.index)

    outcome_parts = []
    for row in OUTCOME_ROWS:
        subs = [c for c in by_app.columns if c[0] == row]
        if row == "other" and ("other", "") in subs and len(subs) > 1:
            subs = [("other", "")]  # the printed （六） total; its parts are checked below
        elif len(subs) > 1:
            subs = [c for c in subs if c[1] != ""]  # sub-reasons, not a printed subtotal
        outcome_parts += subs
    wide = pd.DataFrame({
        "received": col("received"), "carried_over": col("carried_over"),
        "processed_total": col("processed_total"), "carried_forward": col("carried_forward"),
    })
    lhs = pd.Series([_sum([wide.loc[i, "received"], wide.loc[i, "carried_over"]])
                     for i in wide.index], index=wide.index, dtype="object")
    rows += parts_sum_to_total(
        wide, ["processed_total", "carried_forward"], lhs, report_id=report_id, check="identity",
        table="applications", label=lambda i: {"row": None, "reason": None, "applicant": i},
        describe=lambda i, e, s, ok: f"{i}: 新收+上年结转 = {_fmt(e)}, 总计+结转下年度 = {_fmt(s)}")

    outcomes = pd.DataFrame({f"{r}/{s}": by_app[(r, s)] for r, s in outcome_parts})
    outcomes["processed_total"] = col("processed_total")
    rows += parts_sum_to_total(
        outcomes, [f"{r}/{s}" for r, s in outcome_parts], "processed_total",
        report_id=report_id, check="outcome_sum", table="applications",
        label=lambda i: {"row": "processed_total", "reason": None, "applicant": i},
        describe=lambda i, e, s, ok: f"{i}: (七)总计 {_fmt(e)}, sum of outcome rows {_fmt(s)}")

    other_subs = [c for c in by_app.columns if c[0] == "other" and c[1] != ""]
    if ("other", "") in by_app.columns and other_subs:
        sub = pd.DataFrame({c[1]: by_app[c] for c in other_subs})
        rows += parts_sum_to_total(
            sub, list(sub.columns), col("other"), report_id=report_id, check="other_sum",
            table="applications", label=lambda i: {"row": "other", "reason": None, "applicant": i})
    return _frame(rows)


def check_reviews(report_id: str, reviews: pd.DataFrame) -> pd.DataFrame:
    if reviews.empty:
        return _frame([])
    r = pd.DataFrame({"proceeding": reviews["proceeding"].astype(str),
                      "result": reviews["result"].astype(str), "count": reviews["count"]})
    wide = r.set_index(["proceeding", "result"])["count"].unstack("result").astype("Int64")
    rows = parts_sum_to_total(
        wide, REVIEW_PARTS, "total", report_id=report_id, check="review_sum", table="reviews",
        label=lambda i: {"row": i, "reason": None, "applicant": None},
        describe=lambda i, e, s, ok: f"{i}: 总计 {_fmt(e)}, 维持+纠正+其他+尚未审结 {_fmt(s)}")
    return _frame(rows)


def check_completeness(report_id: str, frames: dict[str, tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """How many of each table's template cells were found."""
    rows = []
    for table, (df, col) in frames.items():
        expected, actual = len(df), int(df[col].notna().sum()) if len(df) else 0
        rows.append({"report_id": report_id, "check": "completeness", "table": table,
                     "expected": expected, "actual": actual, "ok": expected == actual and expected > 0,
                     "detail": f"{table}: {actual} of {expected} template cells found"})
    return _frame(rows)


def check_unreadable(report_id: str, cells: list[tuple]) -> pd.DataFrame:
    rows = [{"report_id": report_id, "check": "unreadable_cell", "table": t, "row": row,
             "reason": reason, "applicant": applicant if t == "applications" else None,
             "expected": pd.NA, "actual": pd.NA, "ok": False,
             "detail": f"{t} {row}/{reason or '-'}{'/' + applicant if applicant else ''}: "
                       f"cannot read {raw!r}"}
            for t, row, reason, applicant, raw in cells]
    return _frame(rows)


# -- narrative versus table -------------------------------------------------
_N = r"(\d+)\s*(?:件|个|次|宗)"
_SEP = r"[^，。；,;：:\d]{0,14}?"
NARRATIVE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("received", re.compile(r"新收" + _SEP + _N)),
    ("received", re.compile(r"(?:共|累计)?(?:收到|受理)" + r"[^，。；,;\d]{0,14}?申请" + r"[^，。；,;\d]{0,10}?" + _N)),
    ("carried_over", re.compile(r"上年(?:度)?结转" + _SEP + _N)),
    ("processed_total", re.compile(r"(?<!继续)办结" + _SEP + _N)),
    ("processed_total", re.compile(r"共办理" + r"[^，。；,;\d]{0,12}?" + _N)),
    ("carried_forward", re.compile(r"结转下(?:一)?年度?(?:继续办理)?" + _SEP + _N)),
    ("granted", re.compile(r"予以公开" + r"\s*" + _N)),
    ("partly_granted", re.compile(r"部分公开" + r"\s*" + _N)),
    ("withheld", re.compile(r"不予公开" + r"\s*" + _N)),
    ("unable", re.compile(r"无法提供" + r"\s*" + _N)),
    ("not_processed", re.compile(r"不予处理" + r"\s*" + _N)),
]
NARRATIVE_ZERO = [("received", re.compile(r"未(?:收到|受理)[^，。；,;\d]{0,8}?(?:信息公开)?申请"))]


def narrative_figures(text: str) -> list[tuple[str, int, str]]:
    """Request figures stated in prose: (row, number, the phrase)."""
    found: dict[str, tuple[int, str]] = {}
    for row, pat in NARRATIVE_PATTERNS:
        for m in pat.finditer(text):
            found.setdefault(row, (int(m.group(1)), m.group(0)))
    for row, pat in NARRATIVE_ZERO:
        m = pat.search(text)
        if m and row not in found:
            found[row] = (0, m.group(0))
    return [(row, n, phrase) for row, (n, phrase) in found.items()]


def check_narrative(report_id: str, text: str, apps: pd.DataFrame) -> pd.DataFrame:
    """Numbers the narrative states versus the table's 总计 column (expected = table)."""
    if apps.empty:
        return _frame([])
    totals = apps[apps["applicant"] == "total"]
    rows = []
    for row, n, phrase in narrative_figures(text):
        vals = totals.loc[totals["row"] == row, "count"]
        table_value = _sum(vals.tolist()) if len(vals) else pd.NA
        rows.append({"report_id": report_id, "check": "narrative", "table": "applications",
                     "row": row, "applicant": "total", "expected": table_value, "actual": n,
                     "ok": _ok(table_value, n),
                     "detail": f"narrative says “{phrase}”; table says {_fmt(table_value)}"})
    return _frame(rows)


def check_manifest(report_id: str, pairs: dict[str, tuple]) -> pd.DataFrame:
    """Manifest value (expected) versus the value read from the text."""
    rows = []
    for field_name, (manifest, text) in pairs.items():
        if manifest is None or pd.isna(manifest) or text is None or pd.isna(text):
            continue
        same = str(manifest).strip() == str(text).strip()
        rows.append({"report_id": report_id, "check": "manifest", "table": "reports",
                     "row": field_name, "expected": manifest if field_name == "year" else pd.NA,
                     "actual": text if field_name == "year" else pd.NA, "ok": same,
                     "detail": f"{field_name}: manifest says {manifest!s}, text says {text!s}"})
    return _frame(rows)
