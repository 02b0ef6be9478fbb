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
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from .schema import (
    ACTIVE, ACTIVE_ITEMS, ACTIVE_MEASURES, APPLICANT_PARTS, APPLICATION_ROWS, APPLICATIONS,
    CHECKS, CHECKS_TABLE, OUTCOME_ROWS, PROCEEDINGS, REASONS_BY_ROW, REVIEW_RESULTS, REVIEWS,
)

__all__ = [
    "outcome_shares", "grant_rate", "refusal_reasons", "backlog", "review_correction_rate",
    "requests_by_applicant", "active_volumes", "check_failures", "cell_completeness",
    "theme_frequencies", "theme_cooccurrence", "REFUSAL_ROWS",
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


def _strict_sum(df: pd.DataFrame, by: list[str], col: str = "count") -> pd.DataFrame:
    """Sum ``col`` by ``by``; NA when any summand is NA."""
    tmp = df[by + [col]].assign(_na=df[col].isna())
    g = tmp.groupby(by, observed=True, sort=False)
    out = g[col].sum(min_count=1).mask(g["_na"].any())
    return out.astype("Int64").to_frame(col).reset_index()


def _coerce(df: pd.DataFrame, table) -> pd.DataFrame:
    return table.coerce(df)


def _labelled(df: pd.DataFrame, reports: pd.DataFrame | None, keys: Sequence[str]) -> pd.DataFrame:
    """Add agency/year from ``reports`` and sort (year, agency, report_id, *keys)."""
    df = df.copy()
    order = list(keys)
    if reports is not None and "report_id" in df.columns:
        labels = reports[["report_id", "agency", "year"]].drop_duplicates("report_id")
        labels = labels.astype({"report_id": "string", "agency": "string", "year": "Int64"})
        df["report_id"] = df["report_id"].astype("string")
        df = df.merge(labels, on="report_id", how="left")
        cols = ["report_id", "agency", "year"] + [c for c in df.columns
                                                  if c not in ("report_id", "agency", "year")]
        df = df[cols]
        order = ["year", "agency", "report_id"] + order
    elif "report_id" in df.columns:
        order = ["report_id"] + order
    order = [c for c in order if c in df.columns]
    if order:
        df = df.sort_values(order, kind="stable", na_position="first")
    return df.reset_index(drop=True)


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
                   by_reason: Sequence[str] = ("withheld",)) -> pd.DataFrame:
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
    are all known, share = summed count / summed processed_total, and
    n_reports, the number of reports pooled (a sub-reason row pools those of
    them where the sub-reason is known).
    """
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
        complete = wide[OUTCOME_ROWS + ["processed_total"]].notna().all(axis=1)
        eligible = wide.index[complete]
        known = long[long["count"].notna()].rename(columns={"processed_total": "denominator"})
        out = _pool(known, ["outcome", "reason"], eligible)
        out = out.rename(columns={"denominator": "processed_total"})
        has = long[["outcome", "reason"]].drop_duplicates()
        out = out.merge(has, on=["outcome", "reason"], how="inner")
        out = out.sort_values(["outcome", "reason"], kind="stable", na_position="first")
        return out[["outcome", "reason", "count", "processed_total", "share",
                    "n_reports"]].reset_index(drop=True)
    long["share"] = _ratio(long["count"], long["processed_total"])
    return _labelled(long, reports, ["outcome", "reason"])


def grant_rate(applications: pd.DataFrame, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Grant rate per report: (予以公开 + 部分公开) / 办理结果总计.

    ``grant_rate = (granted + partly_granted) / processed_total`` on the 总计
    column; NA when any of the three is NA or processed_total is 0.
    Columns: report_id, [agency, year], granted, partly_granted,
    processed_total, grant_rate.
    """
    wide = _row_values(applications)
    out = wide[["granted", "partly_granted", "processed_total"]].reset_index()
    out["grant_rate"] = _ratio(out["granted"] + out["partly_granted"], out["processed_total"])
    return _labelled(out, reports, [])


def refusal_reasons(applications: pd.DataFrame, pooled: bool = False,
                    reports: pd.DataFrame | None = None,
                    rows: Sequence[str] = REFUSAL_ROWS) -> pd.DataFrame:
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
    """
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
    return _labelled(long, reports, ["row", "reason"])


def backlog(applications: pd.DataFrame, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Requests carried over from last year and forward to next year (总计 column).

    Columns: report_id, [agency, year], received (一、本年新收), carried_over
    (二、上年结转), processed_total ((七)总计), carried_forward (四、结转下年度继续办理),
    and ``carried_forward_share = carried_forward / (received + carried_over)``,
    the share of the year's workload left unfinished (NA when an input is NA or
    the workload is 0).
    """
    wide = _row_values(applications)
    out = wide[["received", "carried_over", "processed_total", "carried_forward"]].reset_index()
    out["carried_forward_share"] = _ratio(out["carried_forward"],
                                          out["received"] + out["carried_over"])
    return _labelled(out, reports, [])


def requests_by_applicant(applications: pd.DataFrame, pooled: bool = False,
                          reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Requests received (一、本年新收) by applicant type.

    Per report: one row per applicant type other than 总计: count, total (the
    printed 总计 column of the row) and ``share = count / total`` (NA when
    either is NA or total is 0).

    Pooled: per applicant type, count and total summed over the reports whose
    six applicant columns and 总计 are all known; share; n_reports.
    """
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
        eligible = wide.index[wide.notna().all(axis=1)]
        out = _pool(long.rename(columns={"total": "denominator"}), ["applicant"], eligible)
        out = out[out["applicant"].astype(str).isin(APPLICANT_PARTS)]
        out = out.rename(columns={"denominator": "total"}).reset_index(drop=True)
        out["applicant"] = out["applicant"].astype(_APPLICANT_DTYPE)
        out["n_reports"] = out["n_reports"].fillna(0).astype("Int64")
        return out[["applicant", "count", "total", "share", "n_reports"]]
    long["share"] = _ratio(long["count"], long["total"])
    return _labelled(long, reports, ["applicant"])


# --------------------------------------------------------------------------
# reviews and lawsuits
# --------------------------------------------------------------------------

def review_correction_rate(reviews: pd.DataFrame, pooled: bool = False,
                           reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Correction rate of 行政复议 and 行政诉讼: 纠正 / (总计 − 尚未审结).

    Per report and proceeding (review, suit_direct, suit_after_review): the
    printed upheld, corrected, other, pending and total; ``decided = total −
    pending``, the cases concluded; ``correction_rate = corrected / decided``
    (NA when corrected, total or pending is NA, or decided is 0).

    Pooled: per proceeding, corrected and decided summed over the reports
    where corrected, total and pending are known; correction_rate;
    n_reports.
    """
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
        known = wide[wide["corrected"].notna() & wide["decided"].notna()]
        out = _pool(known.rename(columns={"corrected": "count", "decided": "denominator"}),
                    ["proceeding"], known["report_id"].unique())
        out = out.rename(columns={"count": "corrected", "denominator": "decided",
                                  "share": "correction_rate"})
        out["n_reports"] = out["n_reports"].fillna(0).astype("Int64")
        return out[["proceeding", "corrected", "decided", "correction_rate", "n_reports"]]
    wide["correction_rate"] = _ratio(wide["corrected"], wide["decided"])
    return _labelled(wide, reports, ["proceeding"])


# --------------------------------------------------------------------------
# active disclosure
# --------------------------------------------------------------------------

def active_volumes(active: pd.DataFrame, reports: pd.DataFrame | None = None,
                   items: Sequence[str] | None = None,
                   measures: Sequence[str] | None = None) -> pd.DataFrame:
    """Volumes of 主动公开 (section 二) by item and measure, optionally filtered.

    The values are those of the ``active`` table as they are (NA stays NA):
    counts of documents or decisions, 万元 for money.  Columns: report_id,
    [agency, year], item, measure, value, unit; sorted by report, then the
    template order of items and measures.
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
    return _labelled(act, reports, ["item", "measure"])


# --------------------------------------------------------------------------
# data quality
# --------------------------------------------------------------------------

def check_failures(checks: pd.DataFrame, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per report and check: how many checks ran, failed, and could not be evaluated.

    Columns: report_id, [agency, year], check, n_checks, n_failed (ok is
    False), n_na (ok is NA: a value needed was missing), n_passed.  Every
    report × check pair appears (0 where the check never ran); reports come
    from ``checks`` and, when given, ``reports`` (a report with no checks at
    all, e.g. a failed one, has zeros).
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
    return _labelled(out, reports, ["check"])


def cell_completeness(checks: pd.DataFrame, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of the template's cells found, per report and table.

    From the ``completeness`` rows of the checks table (expected = cells of
    the template, actual = cells found): ``share = actual / expected`` (NA when
    expected is NA or 0).  Columns: report_id, [agency, year], table,
    expected, actual, share.
    """
    chk = _coerce(checks, CHECKS_TABLE)
    chk = chk[chk["check"] == "completeness"]
    out = chk.groupby(["report_id", "table"], sort=True)[["expected", "actual"]].sum(min_count=1)
    out = out.reset_index()
    out["share"] = _ratio(out["actual"], out["expected"])
    out = out.astype({"report_id": "string", "table": "string",
                      "expected": "Float64", "actual": "Float64"})
    return _labelled(out, reports, ["table"])


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
                      by_year: bool = False, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """How often each theme is raised.

    Takes the long ``problem_themes`` frame (report_id, kind, n, theme) or the
    ``problems`` frame (with ";"-joined ``themes``).  Per theme: ``n_items``,
    the items (problems, or measures with ``kind="measure"``, or both with
    ``kind=None``) coded with the theme; ``n_reports``, the reports raising it;
    ``share_reports = n_reports / reports with any coded item``.  With
    ``by_year=True`` (needs ``reports``) the same per year, the share taken
    within the year.  Sorted by year, then n_items descending, then theme.
    """
    pt = _themes_long(problem_themes, kind)
    keys = ["theme"]
    if by_year:
        if reports is None:
            raise ValueError("by_year=True needs reports for the years")
        years = reports[["report_id", "year"]].astype({"report_id": "string", "year": "Int64"})
        pt = pt.merge(years.drop_duplicates("report_id"), on="report_id", how="left")
        keys = ["year", "theme"]
    g = pt.groupby(keys, dropna=False)
    out = pd.DataFrame({"n_items": g.size(), "n_reports": g["report_id"].nunique()})
    out = out.astype("Int64").reset_index()
    if by_year:
        base = pt.groupby("year", dropna=False)["report_id"].nunique()
        out["share_reports"] = _ratio(out["n_reports"], out["year"].map(base))
        out = out.sort_values(["year", "n_items", "theme"], ascending=[True, False, True],
                              kind="stable", na_position="last")
    else:
        out["share_reports"] = _ratio(out["n_reports"],
                                      pd.Series(pt["report_id"].nunique(), index=out.index))
        out = out.sort_values(["n_items", "theme"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def theme_cooccurrence(problem_themes: pd.DataFrame, kind: str | None = "problem",
                       themes: Sequence[str] | None = None) -> pd.DataFrame:
    """Theme × theme matrix: items coded with both themes.

    The diagonal is the number of items coded with the theme.  Themes are
    ordered by frequency (then code) unless ``themes`` gives the order.
    Returns a square Int64 frame (index and columns: theme codes).
    """
    pt = _themes_long(problem_themes, kind)
    item = ["report_id", "kind", "n"] if "kind" in pt.columns else ["report_id", "n"]
    if themes is None:
        freq = pt.groupby("theme").size()
        themes = sorted(freq.index, key=lambda t: (-freq[t], t))
    themes = list(themes)
    onehot = pd.crosstab([pt[c] for c in item], pt["theme"]).reindex(columns=themes, fill_value=0)
    onehot = (onehot > 0).astype(int)
    mat = onehot.T.dot(onehot)
    mat = mat.reindex(index=themes, columns=themes, fill_value=0).astype("Int64")
    mat.index.name = "theme"
    mat.columns.name = "theme"
    return mat
