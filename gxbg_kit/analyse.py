"""Metrics on the tidy tables, as tidy frames.

Every function takes the tidy tables of :mod:`gxbg_kit.schema` (and, where
given, ``reports`` to add the ``agency`` and ``year`` labels) and returns a
new frame, sorted in a fixed order, with nullable dtypes (``Int64`` counts,
``Float64`` shares and rates).

Missing values (NA)
-------------------
A blank, missing or unreadable cell is NA in the tidy tables, and it stays NA
here.  The rules are the same in every function:

* A **sum of parts** (for example 不予公开, which the template prints only as
  its eight sub-rows) is NA when any of its parts is NA or when no part was
  found at all.  Where a row is also printed as a whole (an unsplit (六)其他处理,
  say), the printed value is used and the parts are the fallback.
* A **rate or share** is NA when its numerator or its denominator is NA, and
  when its denominator is 0.  NA is never counted as 0.
* **Pooled** figures (``pooled=True``) add up counts over the reports where
  every value the metric needs is known, and report how many reports that is
  (``n_reports``); a report with a blank cell is left out of the pool rather
  than counted as 0.  All parts of one pooled mix come from the same reports,
  so the parts of the mix are comparable.

Only the ``总计`` (``applicant == "total"``) column of the applications table
is used, except by :func:`requests_by_applicant`.  Reports are the ones that
appear in the table given; ``reports`` only adds labels.  Rows are ordered by
``year``, ``agency`` and ``report_id`` when ``reports`` is given, else by
``report_id``, then by the template order of the codes; NA sorts first (so a
row's whole value, with ``reason`` NA, comes before its sub-reasons).
Agencies sort by code point, not pinyin.

Groups (``by=``)
----------------
Functions that take ``reports`` also take ``by``: one or more columns of
``reports`` (``year``, ``agency_key``, ``level``, ``province``, ``template`` …).
Per-report frames get those columns, which lead the sort order; pooled frames
(``pooled=True``) are pooled within each group, one block of rows per group
(NA first), with ``n_reports`` per group.  :func:`panel` follows one organ
(``agency_key``) over the years; :func:`year_over_year` gives its changes.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from .narrative import cooccurrence_matrix
from .schema import (
    ACTIVE, ACTIVE_ITEMS, ACTIVE_MEASURES, APPLICANT_PARTS, APPLICATION_ROWS, APPLICATIONS,
    CHECKS, CHECKS_TABLE, OUTCOME_ROWS, PROCEEDINGS, REASONS_BY_ROW, REVIEW_RESULTS, REVIEWS,
    THEMES, renamed_column,
)

__all__ = [
    "outcome_shares", "grant_rate", "refusal_reasons", "backlog", "review_correction_rate",
    "requests_by_applicant", "active_volumes", "check_failures", "cell_completeness",
    "theme_frequencies", "theme_cooccurrence", "panel", "year_over_year", "adding_up",
    "REFUSAL_ROWS",
]

#: The outcome rows whose sub-reasons make up the refusal-reason mix.
REFUSAL_ROWS = ("withheld", "unable", "not_processed")

_ROW_DTYPE = pd.CategoricalDtype(list(APPLICATION_ROWS))
_REASON_DTYPE = APPLICATIONS.column("reason").pandas_dtype()
_APPLICANT_DTYPE = APPLICATIONS.column("applicant").pandas_dtype()


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def _ratio(num, den) -> pd.Series:
    """num / den as Float64; NA where either is NA or den is 0."""
    num = pd.Series(num).astype("Float64")
    den = pd.Series(den, index=num.index).astype("Float64")
    out = num / den
    return out.mask((den == 0).fillna(False).astype(bool))


def adding_up(parts: pd.DataFrame, total: pd.Series) -> pd.Index:
    """The index labels where every part and the total are known and the parts sum to
    the total: the reports a pooled share may include (a report whose printed parts
    disagree with its total would push a pooled share past 100 %). The pooled metrics
    here and the pooled charts of :mod:`gxbg_kit.plot` use this one rule."""
    ok = parts.notna().all(axis=1) & total.notna()
    ok &= (parts.astype("Float64").sum(axis=1) == total.astype("Float64")).fillna(False)
    return parts.index[ok.to_numpy(dtype=bool)]


def _strict_sum(df: pd.DataFrame, by: list[str], col: str = "count") -> pd.DataFrame:
    """Sum ``col`` by ``by``; NA when any summand is NA."""
    tmp = df[by + [col]].assign(_na=df[col].isna())
    g = tmp.groupby(by, observed=True, sort=False)
    out = g[col].sum(min_count=1).mask(g["_na"].any())
    return out.astype("Int64").to_frame(col).reset_index()


def _coerce(df: pd.DataFrame, table) -> pd.DataFrame:
    return table.coerce(df)


def _by(by, reports: pd.DataFrame | None) -> list[str]:
    """``by`` as a list of ``reports`` columns (checked): None → [], "level" → ["level"]."""
    cols = [] if by is None else [by] if isinstance(by, str) else list(by)
    if cols and reports is None:
        raise ValueError(f"by={by!r} needs reports (the columns to group by are reports columns)")
    cols = [renamed_column(reports.columns, c, "reports") or c for c in cols]
    unknown = [c for c in cols if c not in reports.columns] if cols else []
    if unknown:
        raise ValueError(f"by: {unknown} are not columns of reports "
                         f"(e.g. year, agency_key, level, province, template)")
    return list(dict.fromkeys(cols))


def _labelled(df: pd.DataFrame, reports: pd.DataFrame | None, keys: Sequence[str],
              by: Sequence[str] = ()) -> pd.DataFrame:
    """Add agency/year (and the ``by`` columns) from ``reports`` and sort by
    (*by, year, agency, report_id, *keys)."""
    df = df.copy()
    order = list(keys)
    by = [c for c in by if c not in ("report_id", "agency", "year")]
    if reports is not None and "report_id" in df.columns:
        names = ["report_id", "agency", "year", *by]
        labels = reports[names].drop_duplicates("report_id")
        labels = labels.astype({"report_id": "string", "agency": "string", "year": "Int64"})
        df["report_id"] = df["report_id"].astype("string")
        df = df.merge(labels, on="report_id", how="left")
        df = df[names + [c for c in df.columns if c not in names]]
        order = [*by, "year", "agency", "report_id"] + order
    elif "report_id" in df.columns:
        order = ["report_id"] + order
    order = [c for c in order if c in df.columns]
    if order:
        df = df.sort_values(order, kind="stable", na_position="first")
    return df.reset_index(drop=True)


def _per_group(metric, table: pd.DataFrame, reports: pd.DataFrame, by: list[str],
               **kwargs) -> pd.DataFrame:
    """``metric(part, **kwargs)`` on the rows of ``table`` of each group of reports
    (the ``by`` columns of ``reports``; a report not in ``reports`` is in the NA
    group), with the group's values as the first columns; groups in sorted order
    (NA first), each group's rows in the metric's own order."""
    groups = reports[["report_id", *by]].drop_duplicates("report_id")
    groups = groups.astype({"report_id": "string"})
    ids = table["report_id"].astype("string")
    keyed = pd.DataFrame({"report_id": ids}).merge(groups, on="report_id", how="left")
    frames = []
    for values, part in keyed.groupby(by, dropna=False, sort=False, observed=True):
        values = values if isinstance(values, tuple) else (values,)
        out = metric(table[ids.isin(part["report_id"]).to_numpy()], **kwargs)
        frames.append(out.assign(**dict(zip(by, values)))[[*by, *out.columns]])
    if not frames:
        out = metric(table, **kwargs)
        return out.assign(**{c: reports[c].iloc[:0] for c in by})[[*by, *out.columns]]
    out = pd.concat(frames, ignore_index=True)
    out = out.astype({c: reports[c].dtype for c in by})
    return out.sort_values(by, kind="stable", na_position="first").reset_index(drop=True)


def _totals_column(applications: pd.DataFrame, applicant: str = "total") -> pd.DataFrame:
    apps = _coerce(applications, APPLICATIONS)
    return apps[apps["applicant"] == applicant]


def _row_values(applications: pd.DataFrame, applicant: str = "total") -> pd.DataFrame:
    """Wide frame: one row per report, one column per application row (Int64).

    A row's value is its printed value (reason NA) where that is known, else
    the strict sum of all its template sub-reasons (NA if any is NA or absent).
    """
    apps = _totals_column(applications, applicant)
    ids = pd.Index(pd.unique(_coerce(applications, APPLICATIONS)["report_id"].dropna()),
                   name="report_id", dtype="string")
    printed = apps[apps["reason"].isna()]
    printed = printed.pivot_table(index="report_id", columns="row", values="count",
                                  aggfunc="first", observed=True, dropna=False)
    parts = _reason_counts(applications, REASONS_BY_ROW)
    parts = _strict_sum(parts, ["report_id", "row"])
    parts = parts.pivot_table(index="report_id", columns="row", values="count",
                              aggfunc="first", observed=True, dropna=False)
    rows = list(APPLICATION_ROWS)
    printed = printed.reindex(index=ids, columns=rows).astype("Int64")
    parts = parts.reindex(index=ids, columns=rows).astype("Int64")
    wide = printed.fillna(parts)
    wide.columns = pd.Index(rows, name=None)
    return wide


def _reason_counts(applications: pd.DataFrame, rows: Iterable[str]) -> pd.DataFrame:
    """Long frame report_id, row, reason, count (applicant total) for ``rows``.

    For each report and row that has any sub-reason printed, every sub-reason
    of the template appears (a missing one is NA).
    """
    apps = _totals_column(applications)
    frames = []
    for row in rows:
        sub = apps[(apps["row"] == row) & apps["reason"].notna()]
        if not len(sub):
            continue
        wide = sub.pivot_table(index="report_id", columns="reason", values="count",
                               aggfunc="first", observed=True, dropna=False)
        wide = wide.reindex(index=pd.unique(sub["report_id"]), columns=REASONS_BY_ROW[row])
        wide.columns = pd.Index(REASONS_BY_ROW[row], name=None)
        long = wide.astype("Int64").reset_index().melt(
            id_vars="report_id", var_name="reason", value_name="count")
        frames.append(long.assign(row=row))
    if not frames:
        return pd.DataFrame({"report_id": pd.Series(dtype="string"),
                             "row": pd.Series(dtype=_ROW_DTYPE),
                             "reason": pd.Series(dtype=_REASON_DTYPE),
                             "count": pd.Series(dtype="Int64")})
    out = pd.concat(frames, ignore_index=True)[["report_id", "row", "reason", "count"]]
    out = out.astype({"report_id": "string", "row": _ROW_DTYPE, "reason": _REASON_DTYPE,
                      "count": "Int64"})
    return out.sort_values(["report_id", "row", "reason"], kind="stable").reset_index(drop=True)


def _pool(long: pd.DataFrame, keys: list[str], eligible: pd.Index,
          num: str = "count", den: str = "denominator") -> pd.DataFrame:
    """Sum ``num`` and ``den`` over the reports in ``eligible``, per ``keys``."""
    sub = long[long["report_id"].isin(eligible)]
    g = sub.groupby(keys, observed=False, sort=True, dropna=False)
    out = g[[num, den]].sum(min_count=1)
    out["n_reports"] = g["report_id"].nunique().astype("Int64")
    out = out.reset_index()
    out[num] = out[num].astype("Int64")
    out[den] = out[den].astype("Int64")
    out["share"] = _ratio(out[num], out[den])
    return out


# --------------------------------------------------------------------------
# requests: outcomes, grant rate, refusals, backlog, applicants
# --------------------------------------------------------------------------

def outcome_shares(applications: pd.DataFrame, pooled: bool = False,
                   reports: pd.DataFrame | None = None,
                   by_reason: Sequence[str] = ("withheld",), by=None) -> pd.DataFrame:
    """Share of each outcome of the requests processed (办理结果).

    ``share = count / processed_total``, where ``count`` is the 总计 column of
    the outcome rows (一)予以公开 ``granted``, (二)部分公开 ``partly_granted``,
    (三)不予公开 ``withheld``, (四)无法提供 ``unable``, (五)不予处理
    ``not_processed``, (六)其他处理 ``other``, and ``processed_total`` is the
    printed (七)总计.  Rows with ``reason`` NA are the outcome rows as a whole;
    the outcome rows named in ``by_reason`` (by default 不予公开) are also
    given by sub-reason, with ``reason`` set.  The whole rows add up to 1 when
    the report's (七)总计 equals the sum of its outcome rows (the
    ``outcome_sum`` check); they are not forced to.

    Per report (``pooled=False``): columns report_id, [agency, year], outcome,
    reason, count, processed_total, share.

    Pooled (``pooled=True``): one row per outcome (and sub-reason): count and
    processed_total summed over the reports whose six outcome rows and (七)总计
    are all known and add up (the ``outcome_sum`` check holds), share = summed count / summed processed_total, and
    n_reports, the number of reports pooled (a sub-reason row pools those of
    them where the sub-reason is known).

    ``by``: ``reports`` columns to group by, pooled per group (module docstring, "Groups").
    """
    by = _by(by, reports)
    if pooled and by:
        return _per_group(outcome_shares, applications, reports, by, pooled=True,
                          by_reason=by_reason)
    wide = _row_values(applications)
    long = wide[OUTCOME_ROWS].reset_index().melt(
        id_vars="report_id", var_name="outcome", value_name="count")
    long["reason"] = pd.NA
    reasons = _reason_counts(applications, by_reason).rename(columns={"row": "outcome"})
    long = pd.concat([long, reasons], ignore_index=True)
    long = long.astype({"report_id": "string", "count": "Int64"})
    long["outcome"] = long["outcome"].astype(str).astype(pd.CategoricalDtype(OUTCOME_ROWS))
    long["reason"] = long["reason"].astype(_REASON_DTYPE)
    long["processed_total"] = long["report_id"].map(wide["processed_total"]).astype("Int64")
    long = long[["report_id", "outcome", "reason", "count", "processed_total"]]
    if pooled:
        eligible = adding_up(wide[OUTCOME_ROWS], wide["processed_total"])
        known = long[long["count"].notna()].rename(columns={"processed_total": "denominator"})
        out = _pool(known, ["outcome", "reason"], eligible)
        out = out.rename(columns={"denominator": "processed_total"})
        has = long[["outcome", "reason"]].drop_duplicates()
        out = out.merge(has, on=["outcome", "reason"], how="inner")
        out = out.sort_values(["outcome", "reason"], kind="stable", na_position="first")
        return out[["outcome", "reason", "count", "processed_total", "share",
                    "n_reports"]].reset_index(drop=True)
    long["share"] = _ratio(long["count"], long["processed_total"])
    return _labelled(long, reports, ["outcome", "reason"], by)


def grant_rate(applications: pd.DataFrame, reports: pd.DataFrame | None = None,
               by=None) -> pd.DataFrame:
    """Grant rate per report: (予以公开 + 部分公开) / 办理结果总计.

    ``grant_rate = (granted + partly_granted) / processed_total`` on the 总计
    column; NA when any of the three is NA, processed_total is 0, or the report's
    parts exceed its total (a rate above 1 is a misprint, not a rate).
    Columns: report_id, [agency, year], granted, partly_granted,
    processed_total, grant_rate.

    ``by``: ``reports`` columns added as labels, first in the sort order.
    """
    wide = _row_values(applications)
    out = wide[["granted", "partly_granted", "processed_total"]].reset_index()
    num = out["granted"] + out["partly_granted"]
    out["grant_rate"] = _ratio(num, out["processed_total"]).mask((num > out["processed_total"]).fillna(False))
    return _labelled(out, reports, [], _by(by, reports))


def refusal_reasons(applications: pd.DataFrame, pooled: bool = False,
                    reports: pd.DataFrame | None = None,
                    rows: Sequence[str] = REFUSAL_ROWS, by=None) -> pd.DataFrame:
    """Mix of the reasons for not disclosing: 不予公开, 无法提供, 不予处理 sub-rows.

    For each report and each sub-reason of the rows in ``rows`` (总计
    column): ``count``; ``row_total``, the sum of that row's sub-reasons;
    ``refusals``, the sum of the sub-reasons of all ``rows``;
    ``share_in_row = count / row_total`` and ``share = count / refusals``.
    Sums are NA when a part is NA; shares are NA when a sum is NA or 0.  A
    report that prints none of a row's sub-reasons has no rows for it.

    Pooled: one row per (row, reason), summed over the reports whose
    sub-reasons of all ``rows`` are known: count, refusals, share =
    count / refusals, n_reports.

    ``by``: ``reports`` columns to group by, pooled per group (module docstring, "Groups").
    """
    by = _by(by, reports)
    if pooled and by:
        return _per_group(refusal_reasons, applications, reports, by, pooled=True, rows=rows)
    long = _reason_counts(applications, rows)
    row_tot = _strict_sum(long, ["report_id", "row"]).rename(columns={"count": "row_total"})
    long = long.merge(row_tot, on=["report_id", "row"], how="left")
    ref = _strict_sum(long, ["report_id"]).rename(columns={"count": "refusals"})
    long = long.merge(ref, on="report_id", how="left")
    present = long.groupby("report_id", observed=True)["row"].nunique()
    if pooled:
        per_report = long.drop_duplicates("report_id").set_index("report_id")["refusals"]
        complete = per_report.notna() & (present.reindex(per_report.index) == len(rows))
        eligible = per_report.index[complete.to_numpy(dtype=bool)]
        out = _pool(long.rename(columns={"refusals": "denominator"}), ["row", "reason"],
                    eligible)
        out = out[out["reason"].astype(str).isin(
            [f"{r}" for row in rows for r in REASONS_BY_ROW[row]])]
        pairs = [(row, r) for row in rows for r in REASONS_BY_ROW[row]]
        out = out.set_index(["row", "reason"]).reindex(pairs).reset_index()
        out = out.rename(columns={"denominator": "refusals"})
        out["row"] = out["row"].astype(_ROW_DTYPE)
        out["reason"] = out["reason"].astype(_REASON_DTYPE)
        out["n_reports"] = out["n_reports"].fillna(0).astype("Int64")
        return out[["row", "reason", "count", "refusals", "share", "n_reports"]]
    long["share_in_row"] = _ratio(long["count"], long["row_total"])
    long["share"] = _ratio(long["count"], long["refusals"])
    long = long.astype({"row_total": "Int64", "refusals": "Int64"})
    return _labelled(long, reports, ["row", "reason"], by)


def backlog(applications: pd.DataFrame, reports: pd.DataFrame | None = None,
            by=None) -> pd.DataFrame:
    """Requests carried over from last year and forward to next year (总计 column).

    Columns: report_id, [agency, year], received (一、本年新收), carried_over
    (二、上年结转), processed_total ((七)总计), carried_forward (四、结转下年度继续办理),
    and ``carried_forward_share = carried_forward / (received + carried_over)``,
    the share of the year's workload left unfinished (NA when an input is NA or
    the workload is 0).

    ``by``: ``reports`` columns added as labels, first in the sort order.
    """
    wide = _row_values(applications)
    out = wide[["received", "carried_over", "processed_total", "carried_forward"]].reset_index()
    out["carried_forward_share"] = _ratio(out["carried_forward"],
                                          out["received"] + out["carried_over"])
    return _labelled(out, reports, [], _by(by, reports))


def requests_by_applicant(applications: pd.DataFrame, pooled: bool = False,
                          reports: pd.DataFrame | None = None, by=None) -> pd.DataFrame:
    """Requests received (一、本年新收) by applicant type.

    Per report: one row per applicant type other than 总计: count, total (the
    printed 总计 column of the row) and ``share = count / total`` (NA when
    either is NA or total is 0).

    Pooled: per applicant type, count and total summed over the reports whose
    six applicant columns and 总计 are all known and add up (the row's
    ``applicant_sum`` check holds); share; n_reports.

    ``by``: ``reports`` columns to group by, pooled per group (module docstring, "Groups").
    """
    by = _by(by, reports)
    if pooled and by:
        return _per_group(requests_by_applicant, applications, reports, by, pooled=True)
    apps = _coerce(applications, APPLICATIONS)
    rec = apps[(apps["row"] == "received") & apps["reason"].isna()]
    wide = rec.pivot_table(index="report_id", columns="applicant", values="count",
                           aggfunc="first", observed=True, dropna=False)
    ids = pd.Index(pd.unique(apps["report_id"].dropna()), name="report_id", dtype="string")
    wide = wide.reindex(index=ids, columns=list(APPLICANT_PARTS) + ["total"]).astype("Int64")
    long = wide[APPLICANT_PARTS].reset_index().melt(
        id_vars="report_id", var_name="applicant", value_name="count")
    long["applicant"] = long["applicant"].astype(str).astype(_APPLICANT_DTYPE)
    long["count"] = long["count"].astype("Int64")
    long["total"] = long["report_id"].map(wide["total"]).astype("Int64")
    if pooled:
        eligible = adding_up(wide[list(APPLICANT_PARTS)], wide["total"])
        out = _pool(long.rename(columns={"total": "denominator"}), ["applicant"], eligible)
        out = out[out["applicant"].astype(str).isin(APPLICANT_PARTS)]
        out = out.rename(columns={"denominator": "total"}).reset_index(drop=True)
        out["applicant"] = out["applicant"].astype(_APPLICANT_DTYPE)
        out["n_reports"] = out["n_reports"].fillna(0).astype("Int64")
        return out[["applicant", "count", "total", "share", "n_reports"]]
    long["share"] = _ratio(long["count"], long["total"])
    return _labelled(long, reports, ["applicant"], by)


# --------------------------------------------------------------------------
# reviews and lawsuits
# --------------------------------------------------------------------------

def review_correction_rate(reviews: pd.DataFrame, pooled: bool = False,
                           reports: pd.DataFrame | None = None, by=None) -> pd.DataFrame:
    """Correction rate of 行政复议 and 行政诉讼: 纠正 / (总计 − 尚未审结).

    Per report and proceeding (review, suit_direct, suit_after_review): the
    printed upheld, corrected, other, pending and total; ``decided = total −
    pending``, the cases concluded; ``correction_rate = corrected / decided``
    (NA when corrected, total or pending is NA, or decided is 0).

    Pooled: per proceeding, corrected and decided summed over the reports
    whose four results and total are known and add up (the ``review_sum``
    check holds); correction_rate; n_reports.

    ``by``: ``reports`` columns to group by, pooled per group (module docstring, "Groups").
    """
    by = _by(by, reports)
    if pooled and by:
        return _per_group(review_correction_rate, reviews, reports, by, pooled=True)
    rev = _coerce(reviews, REVIEWS)
    wide = rev.pivot_table(index=["report_id", "proceeding"], columns="result", values="count",
                           aggfunc="first", observed=True, dropna=False)
    ids = pd.unique(rev["report_id"].dropna())
    idx = pd.MultiIndex.from_product([ids, list(PROCEEDINGS)], names=["report_id", "proceeding"])
    wide = wide.reindex(index=idx, columns=list(REVIEW_RESULTS)).astype("Int64").reset_index()
    wide.columns.name = None
    wide["report_id"] = wide["report_id"].astype("string")
    wide["proceeding"] = wide["proceeding"].astype(pd.CategoricalDtype(list(PROCEEDINGS)))
    wide["decided"] = (wide["total"] - wide["pending"]).astype("Int64")
    if pooled:
        parts = ["upheld", "corrected", "other", "pending"]
        known = wide[wide.index.isin(adding_up(wide[parts], wide["total"]))]
        out = _pool(known.rename(columns={"corrected": "count", "decided": "denominator"}),
                    ["proceeding"], known["report_id"].unique())
        out = out.rename(columns={"count": "corrected", "denominator": "decided",
                                  "share": "correction_rate"})
        out["n_reports"] = out["n_reports"].fillna(0).astype("Int64")
        return out[["proceeding", "corrected", "decided", "correction_rate", "n_reports"]]
    wide["correction_rate"] = _ratio(wide["corrected"], wide["decided"])
    return _labelled(wide, reports, ["proceeding"], by)


# --------------------------------------------------------------------------
# active disclosure
# --------------------------------------------------------------------------

def active_volumes(active: pd.DataFrame, reports: pd.DataFrame | None = None,
                   items: Sequence[str] | None = None,
                   measures: Sequence[str] | None = None, by=None) -> pd.DataFrame:
    """Volumes of 主动公开 (section 二) by item and measure, optionally filtered.

    The values are those of the ``active`` table as they are (NA stays NA):
    counts of documents or decisions, 万元 for money.  Columns: report_id,
    [agency, year], item, measure, value, unit; sorted by report, then the
    template order of items and measures.

    ``by``: ``reports`` columns added as labels, first in the sort order.
    """
    act = _coerce(active, ACTIVE)[["report_id", "item", "measure", "value", "unit"]]
    if items is not None:
        unknown = set(items) - set(ACTIVE_ITEMS)
        if unknown:
            raise ValueError(f"unknown items {sorted(unknown)}")
        act = act[act["item"].isin(list(items))]
    if measures is not None:
        unknown = set(measures) - set(ACTIVE_MEASURES)
        if unknown:
            raise ValueError(f"unknown measures {sorted(unknown)}")
        act = act[act["measure"].isin(list(measures))]
    act = act.sort_values(["report_id", "item", "measure"], kind="stable")
    return _labelled(act, reports, ["item", "measure"], _by(by, reports))


# --------------------------------------------------------------------------
# data quality
# --------------------------------------------------------------------------

def check_failures(checks: pd.DataFrame, reports: pd.DataFrame | None = None,
                   by=None) -> pd.DataFrame:
    """Per report and check: how many checks ran, failed, and could not be evaluated.

    Columns: report_id, [agency, year], check, n_checks, n_failed (ok is
    False), n_na (ok is NA: a value needed was missing), n_passed.  Every
    report × check pair appears (0 where the check never ran); reports come
    from ``checks`` and, when given, ``reports`` (a report with no checks at
    all, e.g. a failed one, has zeros).

    ``by``: ``reports`` columns added as labels, first in the sort order.
    """
    chk = _coerce(checks, CHECKS_TABLE)
    ids = list(pd.unique(chk["report_id"].dropna()))
    if reports is not None:
        ids += [r for r in reports["report_id"].astype("string") if r not in set(ids)]
    idx = pd.MultiIndex.from_product([pd.Index(ids, dtype="string"), list(CHECKS)],
                                     names=["report_id", "check"])
    ok = chk["ok"]
    flags = pd.DataFrame({
        "report_id": chk["report_id"], "check": chk["check"].astype(str),
        "n_checks": 1, "n_failed": (ok == False).fillna(False).astype(int),  # noqa: E712
        "n_na": ok.isna().astype(int), "n_passed": (ok == True).fillna(False).astype(int),  # noqa: E712
    })
    out = flags.groupby(["report_id", "check"]).sum().reindex(idx, fill_value=0)
    out = out.astype("Int64").reset_index()
    out["check"] = out["check"].astype(pd.CategoricalDtype(list(CHECKS)))
    return _labelled(out, reports, ["check"], _by(by, reports))


def cell_completeness(checks: pd.DataFrame, reports: pd.DataFrame | None = None,
                      by=None) -> pd.DataFrame:
    """Share of the template's cells found, per report and table.

    From the ``completeness`` rows of the checks table (expected = cells of
    the template, actual = cells found): ``share = actual / expected`` (NA when
    expected is NA or 0).  Columns: report_id, [agency, year], table,
    expected, actual, share.

    ``by``: ``reports`` columns added as labels, first in the sort order.
    """
    chk = _coerce(checks, CHECKS_TABLE)
    chk = chk[chk["check"] == "completeness"]
    out = chk.groupby(["report_id", "table"], sort=True)[["expected", "actual"]].sum(min_count=1)
    out = out.reset_index()
    out["share"] = _ratio(out["actual"], out["expected"])
    out = out.astype({"report_id": "string", "table": "string",
                      "expected": "Float64", "actual": "Float64"})
    return _labelled(out, reports, ["table"], _by(by, reports))


# --------------------------------------------------------------------------
# narrative themes
# --------------------------------------------------------------------------

def _themes_long(problem_themes: pd.DataFrame, kind: str | None) -> pd.DataFrame:
    pt = problem_themes.copy()
    if "theme" not in pt.columns and "themes" in pt.columns:  # the problems frame
        pt = pt.assign(theme=pt["themes"].astype("string").str.split(";")).explode("theme")
    pt = pt[pt["theme"].notna() & (pt["theme"].astype("string").str.len() > 0)]
    if kind is not None and "kind" in pt.columns:
        pt = pt[pt["kind"] == kind]
    pt = pt.astype({"report_id": "string", "theme": "string"})
    if "n" not in pt.columns:
        pt["n"] = range(len(pt))
    return pt.drop_duplicates(["report_id", "kind", "n", "theme"] if "kind" in pt.columns
                              else ["report_id", "n", "theme"])


def theme_frequencies(problem_themes: pd.DataFrame, kind: str | None = "problem",
                      by_year: bool = False, reports: pd.DataFrame | None = None,
                      by=None) -> pd.DataFrame:
    """How often each theme is raised.

    Takes the long ``problem_themes`` frame (report_id, kind, n, theme) or the
    ``problems`` frame (with ";"-joined ``themes``).  Per theme: ``n_items``,
    the items (problems, or measures with ``kind="measure"``, or both with
    ``kind=None``) coded with the theme; ``n_reports``, the reports raising it;
    ``share_reports = n_reports / reports with any coded item``.  With
    ``by`` (needs ``reports``: one or more of its columns, e.g. "year",
    "agency_key", "level") the same per group, the share taken within the
    group; ``by_year=True`` is ``by="year"``.  Sorted by the groups (NA first),
    then n_items descending, then theme.
    """
    if by_year:
        if reports is None:
            raise ValueError("by_year=True needs reports for the years")
        by = ["year", *([] if by is None else [by] if isinstance(by, str) else by)]
    by = _by(by, reports)
    pt = _themes_long(problem_themes, kind)
    return _per_group(_theme_counts, pt, reports, by) if by else _theme_counts(pt)


def _theme_counts(pt: pd.DataFrame) -> pd.DataFrame:
    """n_items, n_reports and share_reports per theme of a long theme frame."""
    g = pt.groupby("theme")
    out = pd.DataFrame({"n_items": g.size(), "n_reports": g["report_id"].nunique()})
    out = out.astype("Int64").reset_index()
    out["share_reports"] = _ratio(out["n_reports"],
                                  pd.Series(pt["report_id"].nunique(), index=out.index))
    out = out.sort_values(["n_items", "theme"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def theme_cooccurrence(problem_themes: pd.DataFrame, kind: str | None = "problem",
                       themes: Sequence[str] | None = None) -> pd.DataFrame:
    """Theme × theme matrix: items coded with both themes.

    The diagonal is the number of items coded with the theme.  Themes are
    ordered by frequency (then code) unless ``themes`` gives the order.
    Returns a square Int64 frame (index and columns: theme codes). The counting is
    :func:`gxbg_kit.narrative.cooccurrence_matrix`, which the long form
    :func:`gxbg_kit.narrative.theme_cooccurrence` also uses.
    """
    pt = _themes_long(problem_themes, kind)
    item = ["report_id", "kind", "n"] if "kind" in pt.columns else ["report_id", "n"]
    if themes is None:
        freq = pt.groupby("theme").size()
        themes = sorted(freq.index, key=lambda t: (-freq[t], t))
    return cooccurrence_matrix(pt, item, themes).astype("Int64")


# --------------------------------------------------------------------------
# panel: one organ over the years
# --------------------------------------------------------------------------

#: the identifying columns of :func:`panel`; every other column is a measure
PANEL_KEYS = ("agency_key", "year", "agency", "report_id", "n_reports")
_REQUEST_ROWS = ["received", "carried_over", "processed_total", "carried_forward", *OUTCOME_ROWS]


def _tables(data, reports, reviews, problems):
    """The tables of a Corpus given as the first argument, else the arguments as given."""
    if hasattr(data, "applications") and hasattr(data, "reports"):
        return (data.applications, data.reports if reports is None else reports,
                data.reviews if reviews is None else reviews,
                data.problems if problems is None else problems)
    return data, reports, reviews, problems


def _review_columns(reviews: pd.DataFrame) -> pd.DataFrame:
    """Per report: <proceeding>_total and <proceeding>_corrected (as printed)."""
    per = review_correction_rate(reviews)
    wide = per.pivot_table(index="report_id", columns="proceeding", values=["total", "corrected"],
                           aggfunc="first", observed=False, dropna=False)
    cols = [(v, p) for p in PROCEEDINGS for v in ("total", "corrected")]
    wide = wide.reindex(columns=pd.MultiIndex.from_tuples(cols)).astype("Int64")
    wide.columns = [f"{p}_{v}" for v, p in cols]
    return wide


def _theme_columns(problems: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Per report: n_<kind>s (items of that kind) and theme_<code> (items coded with the
    theme, 0 when none) for the themes raised anywhere, in codebook order."""
    items = problems[problems["kind"] == kind] if "kind" in problems.columns else problems
    ident = [c for c in ("report_id", "kind", "n") if c in items.columns]
    n_items = items.drop_duplicates(ident).groupby(
        items["report_id"].astype("string")).size().rename(f"n_{kind}s")
    pt = _themes_long(problems, kind)
    counts = pd.crosstab(pt["report_id"], pt["theme"]) if len(pt) else pd.DataFrame()
    order = [t for t in THEMES if t in counts.columns]
    order += sorted(c for c in counts.columns if c not in order)
    counts = counts.reindex(index=n_items.index, columns=order).fillna(0)
    counts.columns = [f"theme_{t}" for t in order]
    return pd.concat([n_items, counts], axis=1).astype("Int64")


def panel(applications, reports: pd.DataFrame | None = None,
          reviews: pd.DataFrame | None = None, problems: pd.DataFrame | None = None, *,
          agency_key=None, kind: str = "problem") -> pd.DataFrame:
    """One row per organ (``reports.agency_key``) and year: what it received and
    decided, its reviews and lawsuits, and the themes of its self-reported problems.

    ``applications`` is the applications table or a whole Corpus (whose tables fill
    the arguments not given). ``agency_key``: one key or a list of keys (default
    every organ). Reports without an agency_key or a year are left out: they cannot
    be followed over the years.

    Columns: agency_key, year, agency (as printed), report_id, n_reports; then from
    the 总计 column of section 三: received (一、本年新收), carried_over,
    processed_total ((七)总计), carried_forward and the six outcome rows (granted …
    other; a row printed only as its sub-rows is their sum, NA if one is NA, as in
    :func:`outcome_shares`); ``share_<outcome> = outcome / processed_total`` and
    ``grant_rate = (granted + partly_granted) / processed_total`` (NA when either
    side is NA or processed_total is 0); with ``reviews``, ``<proceeding>_total`` and
    ``<proceeding>_corrected`` for review, suit_direct and suit_after_review, as
    printed; with ``problems`` (the problems frame, or problem_themes), ``n_problems``
    (items of section 五 of ``kind``; ``n_measures`` with kind="measure") and
    ``theme_<code>``, the items coded with each theme raised in the panel (NA for a
    report with no item: its section 五 was not found or not split).

    A year in which one organ has more than one report (two versions, or two organs
    given one key) is one row with ``n_reports`` > 1, report_id NA and every measure
    NA: the panel does not guess which report is right. Rows sorted by agency_key
    (code point) and year.
    """
    applications, reports, reviews, problems = _tables(applications, reports, reviews, problems)
    if reports is None or "agency_key" not in reports.columns:
        raise ValueError("panel needs reports with an agency_key column (load_corpus makes one)")
    rep = reports[["report_id", "agency_key", "year", "agency"]].drop_duplicates("report_id")
    rep = rep.astype({"report_id": "string", "agency_key": "string", "year": "Int64",
                      "agency": "string"})
    rep = rep[rep["agency_key"].notna() & rep["year"].notna()]
    if agency_key is not None:
        keys = [agency_key] if isinstance(agency_key, str) else list(agency_key)
        rep = rep[rep["agency_key"].isin(keys)]
    per = rep.set_index("report_id").join(_row_values(applications)[_REQUEST_ROWS], how="left")
    for outcome in OUTCOME_ROWS:
        per[f"share_{outcome}"] = _ratio(per[outcome], per["processed_total"])
    per["grant_rate"] = _ratio(per["granted"] + per["partly_granted"], per["processed_total"])
    if reviews is not None:
        per = per.join(_review_columns(reviews), how="left")
    if problems is not None:
        per = per.join(_theme_columns(problems, kind), how="left")
    per = per.reset_index().sort_values(["agency_key", "year", "report_id"], kind="stable")
    measures = [c for c in per.columns if c not in PANEL_KEYS]
    per["n_reports"] = per.groupby(["agency_key", "year"])["report_id"].transform("size")
    many = per["n_reports"] > 1
    per.loc[many, "report_id"] = pd.NA
    for col in measures:
        per[col] = per[col].mask(many)
    out = per.drop_duplicates(["agency_key", "year"])
    out = out.astype({"n_reports": "Int64", **{c: "Int64" for c in _REQUEST_ROWS}})
    return out[[*PANEL_KEYS, *measures]].reset_index(drop=True)


def year_over_year(data, reports: pd.DataFrame | None = None,
                   reviews: pd.DataFrame | None = None, problems: pd.DataFrame | None = None, *,
                   agency_key=None, measures: Sequence[str] | None = None) -> pd.DataFrame:
    """Changes of each organ between its consecutive available years.

    ``data``: a frame made by :func:`panel`, or what :func:`panel` takes (the
    applications table or a Corpus, with the other tables). For each organ and each
    pair of its consecutive years in the panel (year_from → year_to) and each
    measure (default every measure column of the panel, in its order): value_from,
    value_to, ``change = value_to − value_from`` and ``relative_change = change /
    value_from``. ``change`` is NA when either value is NA; ``relative_change``
    also when value_from is 0. ``gap = year_to − year_from``: a gap above 1 means
    the years between have no report (the change spans them). A change of a share
    is in share points (0.1 = ten percentage points).

    Columns: agency_key, year_from, year_to, gap, measure, value_from, value_to,
    change, relative_change (Float64). Sorted by agency_key, year_to, then the
    panel's column order of the measures.
    """
    is_panel = isinstance(data, pd.DataFrame) and set(PANEL_KEYS) <= set(data.columns)
    p = data if is_panel else panel(data, reports, reviews, problems, agency_key=agency_key)
    if is_panel and agency_key is not None:
        keys = [agency_key] if isinstance(agency_key, str) else list(agency_key)
        p = p[p["agency_key"].isin(keys)]
    measures = list(measures or [c for c in p.columns if c not in PANEL_KEYS])
    unknown = [m for m in measures if m not in p.columns]
    if unknown:
        raise ValueError(f"measures not in the panel: {unknown}")
    p = p.sort_values(["agency_key", "year"], kind="stable").reset_index(drop=True)
    prev = p.groupby("agency_key", sort=False)[["year", *measures]].shift(1)
    pairs = prev["year"].notna()
    ids = pd.DataFrame({"agency_key": p["agency_key"], "year_from": prev["year"],
                        "year_to": p["year"]})[pairs]
    frames = [ids.assign(measure=m, value_from=prev.loc[pairs, m].astype("Float64"),
                         value_to=p.loc[pairs, m].astype("Float64")) for m in measures]
    long = pd.concat(frames, ignore_index=True) if frames else ids.assign(
        measure=pd.Series(dtype="string"), value_from=pd.Series(dtype="Float64"),
        value_to=pd.Series(dtype="Float64"))
    long = long.astype({"agency_key": "string", "year_from": "Int64", "year_to": "Int64"})
    long["gap"] = (long["year_to"] - long["year_from"]).astype("Int64")
    long["measure"] = long["measure"].astype(pd.CategoricalDtype(measures))
    long["change"] = (long["value_to"] - long["value_from"]).astype("Float64")
    long["relative_change"] = _ratio(long["change"], long["value_from"])
    long = long.sort_values(["agency_key", "year_to", "measure"], kind="stable")
    return long[["agency_key", "year_from", "year_to", "gap", "measure", "value_from",
                 "value_to", "change", "relative_change"]].reset_index(drop=True)
