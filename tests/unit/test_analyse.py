"""Metrics of gxbg_kit.analyse, checked against numbers computed by hand.

``make_frames`` builds random but seeded tidy tables with NA cells; the chart
tests import it too.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gxbg_kit import analyse
from gxbg_kit.schema import (
    ACTIVE, APPLICANT_PARTS, APPLICATIONS, CHECKS_TABLE, REASONS_BY_ROW, REPORTS, REVIEWS,
)

NA = pd.NA


# --------------------------------------------------------------------------
# a generator of tidy tables
# --------------------------------------------------------------------------

AGENCIES = ["某市人民政府办公室", "某县财政局", "某区教育局", "某省生态环境厅", "某镇人民政府"]
THEMES = ["timeliness", "key_areas", "interpretation", "platforms", "capacity", "awareness"]


def make_frames(n_reports: int = 5, seed: int = 0, na_rate: float = 0.05) -> dict:
    """Seeded random tidy tables, consistent before NA cells are punched in.

    Returns a dict with reports, applications, active, reviews, checks,
    problems and problem_themes frames, coerced to the schema dtypes.
    """
    rng = np.random.default_rng(seed)
    reports, apps, act, rev, chk, probs = [], [], [], [], [], []
    for i in range(n_reports):
        rid = f"{i:016x}"
        template = "2021" if i % 3 else "2019"
        reports.append({"report_id": rid, "path": f"r{i}.txt",
                        "agency": AGENCIES[i % len(AGENCIES)], "year": 2020 + i % 3,
                        "template": template, "status": "ok", "level": "city", "region": "某市"})
        cells = {}  # (row, reason) -> per-applicant counts
        def put(row, reason, size=8):
            cells[(row, reason)] = rng.integers(0, size, len(APPLICANT_PARTS))
        put("received", None, 60)
        put("carried_over", None, 6)
        put("granted", None, 30)
        put("partly_granted", None, 8)
        for row in ("withheld", "unable", "not_processed"):
            for reason in REASONS_BY_ROW[row]:
                put(row, reason, 4)
        if template == "2021":
            for reason in REASONS_BY_ROW["other"]:
                put("other", reason, 3)
        else:
            put("other", None, 3)
        outcome = sum(v for k, v in cells.items() if k[0] not in ("received", "carried_over"))
        cells[("processed_total", None)] = outcome
        cells[("carried_forward", None)] = np.maximum(
            cells[("received", None)] + cells[("carried_over", None)] - outcome, 0)
        for (row, reason), values in cells.items():
            values = list(values) + [int(np.sum(values))]
            for applicant, v in zip(APPLICANT_PARTS + ["total"], values):
                v = NA if rng.random() < na_rate else int(v)
                apps.append({"report_id": rid, "row": row, "reason": reason,
                             "applicant": applicant, "count": v})
        for item, measure in [("regulations", "issued"), ("normative_documents", "issued"),
                              ("normative_documents", "repealed"),
                              ("normative_documents", "in_force"), ("licensing", "decisions"),
                              ("penalty", "decisions"), ("coercion", "decisions"),
                              ("fees", "fee_amount")]:
            v = float(rng.integers(1, 10 ** rng.integers(1, 5)))
            act.append({"report_id": rid, "item": item, "measure": measure,
                        "value": NA if rng.random() < na_rate else v,
                        "unit": "万元" if measure == "fee_amount" else NA})
        for proc in ("review", "suit_direct", "suit_after_review"):
            parts = rng.integers(0, 5, 4)
            for result, v in zip(["upheld", "corrected", "other", "pending", "total"],
                                 list(parts) + [int(parts.sum())]):
                rev.append({"report_id": rid, "proceeding": proc, "result": result,
                            "count": NA if rng.random() < na_rate else int(v)})
        for check in ("identity", "outcome_sum", "review_sum"):
            for applicant in ("natural_person", "total"):
                ok = rng.choice([True, True, False, None])
                chk.append({"report_id": rid, "check": check, "table": "applications",
                            "row": "processed_total", "applicant": applicant,
                            "expected": 1.0, "actual": 1.0 if ok else 2.0, "ok": ok,
                            "detail": "synthetic"})
        for table, expected in (("applications", 203.0), ("reviews", 15.0)):
            chk.append({"report_id": rid, "check": "completeness", "table": table,
                        "expected": expected, "actual": expected - int(rng.integers(0, 3)),
                        "ok": NA, "detail": "synthetic"})
        for kind in ("problem", "measure"):
            for n in range(1, int(rng.integers(1, 4)) + 1):
                themes = sorted(rng.choice(THEMES, int(rng.integers(1, 3)), replace=False))
                probs.append({"report_id": rid, "kind": kind, "n": n,
                              "text": f"一是{'、'.join(themes)}", "themes": ";".join(themes)})
    problems = pd.DataFrame(probs).astype({"report_id": "string", "kind": "string",
                                           "n": "Int64", "text": "string",
                                           "themes": "string"})
    problem_themes = problems.assign(theme=problems["themes"].str.split(";")).explode("theme")
    problem_themes = problem_themes[["report_id", "kind", "n", "theme"]].astype(
        {"theme": "string"}).reset_index(drop=True)
    return {
        "reports": REPORTS.coerce(pd.DataFrame(reports)),
        "applications": APPLICATIONS.sort(APPLICATIONS.coerce(pd.DataFrame(apps))),
        "active": ACTIVE.coerce(pd.DataFrame(act)),
        "reviews": REVIEWS.coerce(pd.DataFrame(rev)),
        "checks": CHECKS_TABLE.coerce(pd.DataFrame(chk)),
        "problems": problems,
        "problem_themes": problem_themes,
    }


def apps_frame(data: dict) -> pd.DataFrame:
    """{report_id: {(row, reason): total count}} -> applications (applicant total)."""
    rows = [{"report_id": rid, "row": row, "reason": reason, "applicant": "total", "count": v}
            for rid, cells in data.items() for (row, reason), v in cells.items()]
    return APPLICATIONS.coerce(pd.DataFrame(rows))


def reviews_frame(data: dict) -> pd.DataFrame:
    """{report_id: {proceeding: (upheld, corrected, other, pending, total)}} -> reviews."""
    rows = [{"report_id": rid, "proceeding": proc, "result": result, "count": v}
            for rid, procs in data.items() for proc, values in procs.items()
            for result, v in zip(["upheld", "corrected", "other", "pending", "total"], values)]
    return REVIEWS.coerce(pd.DataFrame(rows))


def value(df: pd.DataFrame, column: str, **where):
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k].isna() if v is None else (df[k].astype(object) == v)
    sel = df.loc[mask, column]
    assert len(sel) == 1, (where, len(sel))
    return sel.iloc[0]


# A: complete report. withheld is printed only as sub-reasons (2 + 1), others
# as whole rows. processed_total 20 = 10 + 2 + 3 + 1 + 2 + 2.
A = {("received", None): 18, ("carried_over", None): 4,
     ("granted", None): 10, ("partly_granted", None): 2,
     ("withheld", "state_secret"): 2, ("withheld", "third_party_rights"): 1,
     ("unable", "not_held"): 1, ("not_processed", "repeated"): 2,
     ("other", None): 2, ("processed_total", None): 20, ("carried_forward", None): 2}
# B: partly_granted blank; one withheld sub-reason blank; unable split; 3 of
# other's sub-rows; processed_total 0 would be odd, so 8.
B = {("received", None): 8, ("carried_over", None): 0,
     ("granted", None): 4, ("partly_granted", None): NA,
     ("withheld", "state_secret"): NA, ("withheld", "process_info"): 1,
     ("unable", "not_held"): 1, ("unable", "needs_creation"): 1,
     ("not_processed", "repeated"): 0,
     ("other", "overdue_correction"): 1, ("other", "overdue_fee"): 0, ("other", "other"): 0,
     ("processed_total", None): 8, ("carried_forward", None): 0}
# C: nothing processed at all.
C = {("received", None): 0, ("carried_over", None): 0, ("granted", None): 0,
     ("partly_granted", None): 0, ("withheld", "state_secret"): 0, ("unable", "not_held"): 0,
     ("not_processed", "repeated"): 0, ("other", None): 0, ("processed_total", None): 0,
     ("carried_forward", None): 0}


def full(cells: dict) -> dict:
    """Fill the sub-reasons of 不予公开, 无法提供, 不予处理 not given with 0."""
    out = dict(cells)
    for row in ("withheld", "unable", "not_processed"):
        for reason in REASONS_BY_ROW[row]:
            out.setdefault((row, reason), 0)
    return out


@pytest.fixture
def apps():
    return apps_frame({"a": full(A), "b": full(B), "c": full(C)})


# --------------------------------------------------------------------------
# outcome shares
# --------------------------------------------------------------------------

def test_outcome_shares_per_report(apps):
    out = analyse.outcome_shares(apps)
    assert list(out.columns) == ["report_id", "outcome", "reason", "count", "processed_total",
                                 "share"]
    assert value(out, "share", report_id="a", outcome="granted", reason=None) == 0.5
    assert value(out, "share", report_id="a", outcome="withheld", reason=None) == 3 / 20
    assert value(out, "count", report_id="a", outcome="withheld", reason=None) == 3
    assert value(out, "share", report_id="a", outcome="withheld", reason="state_secret") == 0.1
    assert value(out, "count", report_id="a", outcome="withheld", reason="query_item") == 0
    whole = out[(out["report_id"] == "a") & out["reason"].isna()]
    assert whole["share"].sum() == pytest.approx(1.0)
    assert list(whole["outcome"].astype(str)) == ["granted", "partly_granted", "withheld",
                                                  "unable", "not_processed", "other"]
    assert out["share"].dtype == "Float64" and out["count"].dtype == "Int64"


def test_outcome_shares_na_propagates(apps):
    out = analyse.outcome_shares(apps)
    # blank partly_granted -> NA, not 0
    assert value(out, "count", report_id="b", outcome="partly_granted", reason=None) is NA
    assert value(out, "share", report_id="b", outcome="partly_granted", reason=None) is NA
    # a blank sub-reason makes the withheld total NA
    assert value(out, "count", report_id="b", outcome="withheld", reason=None) is NA
    assert value(out, "share", report_id="b", outcome="withheld", reason="process_info") == 1 / 8
    # other from its three sub-rows: 1 + 0 + 0
    assert value(out, "count", report_id="b", outcome="other", reason=None) == 1
    assert value(out, "share", report_id="b", outcome="unable", reason=None) == 2 / 8
    # zero denominator -> NA
    assert out.loc[out["report_id"] == "c", "share"].isna().all()
    assert value(out, "count", report_id="c", outcome="granted", reason=None) == 0


def test_outcome_shares_pooled(apps):
    out = analyse.outcome_shares(apps, pooled=True)
    # b is incomplete (partly_granted, withheld NA): pooled over a and c only
    assert value(out, "n_reports", outcome="granted", reason=None) == 2
    assert value(out, "processed_total", outcome="granted", reason=None) == 20
    assert value(out, "share", outcome="granted", reason=None) == 0.5
    assert value(out, "share", outcome="withheld", reason="state_secret") == 2 / 20
    assert value(out, "count", outcome="unable", reason=None) == 1
    assert "report_id" not in out.columns


def test_absent_sub_reason_is_missing_not_zero():
    df = apps_frame({"x": {("withheld", "state_secret"): 2, ("processed_total", None): 10}})
    out = analyse.outcome_shares(df)
    # the seven other sub-reasons of 不予公开 are absent: listed as NA, total NA
    assert value(out, "count", outcome="withheld", reason="query_item") is NA
    assert value(out, "count", outcome="withheld", reason=None) is NA
    assert value(out, "share", outcome="withheld", reason="state_secret") == 0.2
    assert value(out, "count", outcome="granted", reason=None) is NA


def test_outcome_shares_printed_row_wins_over_parts():
    df = apps_frame({"x": {("other", None): 5, ("other", "overdue_fee"): 1,
                           ("other", "other"): 1, ("processed_total", None): 10}})
    out = analyse.outcome_shares(df, by_reason=("other",))
    assert value(out, "count", outcome="other", reason=None) == 5
    assert value(out, "share", outcome="other", reason="overdue_fee") == 0.1
    assert value(out, "count", outcome="other", reason="overdue_correction") is NA


def test_grant_rate(apps):
    out = analyse.grant_rate(apps)
    assert list(out["report_id"]) == ["a", "b", "c"]
    assert out["grant_rate"].iloc[0] == 12 / 20
    assert out["grant_rate"].iloc[1] is NA  # partly_granted blank
    assert out["grant_rate"].iloc[2] is NA  # 0 processed
    assert out["granted"].iloc[2] == 0


def test_labels_join_and_order(apps):
    reports = pd.DataFrame({"report_id": ["a", "b", "c"], "agency": ["乙局", "甲局", "甲局"],
                            "year": [2021, 2022, 2021]})
    out = analyse.grant_rate(apps, reports=reports)
    assert list(out.columns[:3]) == ["report_id", "agency", "year"]
    # by year, then agency (code point order: 乙 U+4E59 < 甲 U+7532), then report_id
    assert list(out["report_id"]) == ["a", "c", "b"]
    assert out["year"].dtype == "Int64"


# --------------------------------------------------------------------------
# refusals, backlog, applicants
# --------------------------------------------------------------------------

def test_refusal_reasons(apps):
    out = analyse.refusal_reasons(apps)
    a = out[out["report_id"] == "a"]
    assert len(a) == 8 + 3 + 5
    assert value(a, "refusals", reason="state_secret") == 6  # 3 + 1 + 2
    assert value(a, "share", reason="state_secret") == 2 / 6
    assert value(a, "share_in_row", reason="state_secret") == 2 / 3
    assert value(a, "share", reason="repeated") == 2 / 6
    assert value(a, "count", reason="mass_repeated") == 0
    b = out[out["report_id"] == "b"]
    assert value(b, "refusals", reason="not_held") is NA
    assert value(b, "share", reason="not_held") is NA
    assert value(b, "share_in_row", reason="not_held") == 0.5  # 1 of 1 + 1 + 0
    assert value(b, "row_total", reason="repeated") == 0
    assert value(b, "share_in_row", reason="repeated") is NA  # 0 / 0
    c = out[out["report_id"] == "c"]
    assert c["share"].isna().all()  # 0 refusals


def test_refusal_reasons_pooled():
    full = {("withheld", r): 1 for r in REASONS_BY_ROW["withheld"]}
    full |= {("unable", r): 2 for r in REASONS_BY_ROW["unable"]}
    full |= {("not_processed", r): 0 for r in REASONS_BY_ROW["not_processed"]}
    partial = dict(full) | {("unable", "not_held"): NA}
    df = apps_frame({"x": full, "y": full, "z": partial})
    out = analyse.refusal_reasons(df, pooled=True)
    assert len(out) == 16
    assert (out["n_reports"] == 2).all()  # z left out
    assert value(out, "refusals", reason="state_secret") == 2 * (8 + 6)
    assert value(out, "share", reason="not_held") == 4 / 28
    assert value(out, "share", reason="repeated") == 0


def test_backlog(apps):
    out = analyse.backlog(apps)
    assert value(out, "carried_forward", report_id="a") == 2
    assert value(out, "carried_over", report_id="a") == 4
    assert value(out, "carried_forward_share", report_id="a") == 2 / 22
    assert value(out, "carried_forward_share", report_id="c") is NA


def test_requests_by_applicant():
    rows = []
    for rid, counts in {"x": [5, 3, 0, 0, 1, 1, 10], "y": [2, NA, 0, 0, 0, 0, 4]}.items():
        for applicant, v in zip(APPLICANT_PARTS + ["total"], counts):
            rows.append({"report_id": rid, "row": "received", "reason": NA,
                         "applicant": applicant, "count": v})
    df = APPLICATIONS.coerce(pd.DataFrame(rows))
    out = analyse.requests_by_applicant(df)
    assert list(out["applicant"].astype(str).unique()) == APPLICANT_PARTS
    assert value(out, "share", report_id="x", applicant="natural_person") == 0.5
    assert value(out, "share", report_id="y", applicant="business") is NA
    assert value(out, "share", report_id="y", applicant="natural_person") == 0.5
    pooled = analyse.requests_by_applicant(df, pooled=True)
    assert value(pooled, "n_reports", applicant="natural_person") == 1
    assert value(pooled, "share", applicant="business") == 0.3


# --------------------------------------------------------------------------
# reviews
# --------------------------------------------------------------------------

def test_review_correction_rate():
    df = reviews_frame({
        "x": {"review": (3, 2, 0, 1, 6), "suit_direct": (1, 0, 0, 1, 2),
              "suit_after_review": (0, 0, 0, 2, 2)},
        "y": {"review": (1, 1, 0, NA, 2), "suit_direct": (0, 1, 0, 0, 1),
              "suit_after_review": (0, 0, 0, 0, 0)},
    })
    out = analyse.review_correction_rate(df)
    assert value(out, "decided", report_id="x", proceeding="review") == 5
    assert value(out, "correction_rate", report_id="x", proceeding="review") == 0.4
    assert value(out, "correction_rate", report_id="x", proceeding="suit_direct") == 0
    assert value(out, "correction_rate", report_id="x", proceeding="suit_after_review") is NA
    assert value(out, "correction_rate", report_id="y", proceeding="review") is NA  # pending NA
    assert value(out, "correction_rate", report_id="y", proceeding="suit_direct") == 1.0
    pooled = analyse.review_correction_rate(df, pooled=True)
    assert list(pooled["proceeding"].astype(str)) == ["review", "suit_direct",
                                                      "suit_after_review"]
    assert value(pooled, "correction_rate", proceeding="review") == 0.4  # y left out
    assert value(pooled, "n_reports", proceeding="review") == 1
    assert value(pooled, "correction_rate", proceeding="suit_direct") == 1 / 2
    assert value(pooled, "correction_rate", proceeding="suit_after_review") is NA  # 0 decided


def test_review_missing_proceeding_is_na():
    df = reviews_frame({"x": {"review": (1, 1, 0, 0, 2)}})
    out = analyse.review_correction_rate(df)
    assert len(out) == 3
    assert value(out, "correction_rate", proceeding="suit_direct") is NA


# --------------------------------------------------------------------------
# active disclosure, data quality, themes
# --------------------------------------------------------------------------

def test_active_volumes():
    f = make_frames(3, seed=1, na_rate=0)
    out = analyse.active_volumes(f["active"], items=["normative_documents"],
                                 reports=f["reports"])
    assert set(out["measure"].astype(str)) == {"issued", "repealed", "in_force"}
    assert len(out) == 9
    assert "agency" in out.columns
    with pytest.raises(ValueError):
        analyse.active_volumes(f["active"], items=["nonsense"])


def test_check_failures():
    chk = CHECKS_TABLE.coerce(pd.DataFrame([
        {"report_id": "x", "check": "identity", "ok": True},
        {"report_id": "x", "check": "identity", "ok": False},
        {"report_id": "x", "check": "identity", "ok": NA},
        {"report_id": "x", "check": "outcome_sum", "ok": False},
    ]))
    reports = pd.DataFrame({"report_id": ["x", "z"], "agency": ["甲", "乙"], "year": [2021, 2021]})
    out = analyse.check_failures(chk, reports=reports)
    assert value(out, "n_checks", report_id="x", check="identity") == 3
    assert value(out, "n_failed", report_id="x", check="identity") == 1
    assert value(out, "n_na", report_id="x", check="identity") == 1
    assert value(out, "n_passed", report_id="x", check="identity") == 1
    assert value(out, "n_failed", report_id="x", check="outcome_sum") == 1
    assert value(out, "n_checks", report_id="z", check="identity") == 0
    assert len(out) == 2 * len(CHECKS_TABLE.column("check").codes)


def test_cell_completeness():
    chk = CHECKS_TABLE.coerce(pd.DataFrame([
        {"report_id": "x", "check": "completeness", "table": "applications",
         "expected": 200.0, "actual": 150.0},
        {"report_id": "x", "check": "completeness", "table": "reviews",
         "expected": 15.0, "actual": NA},
        {"report_id": "x", "check": "identity", "table": "applications", "ok": True},
    ]))
    out = analyse.cell_completeness(chk)
    assert value(out, "share", table="applications") == 0.75
    assert value(out, "share", table="reviews") is NA
    assert len(out) == 2


def test_theme_frequencies_and_cooccurrence():
    pt = pd.DataFrame({"report_id": ["a", "a", "a", "b", "b", "b"],
                       "kind": ["problem"] * 5 + ["measure"],
                       "n": [1, 1, 2, 1, 1, 1],
                       "theme": ["t1", "t2", "t1", "t1", "t3", "t2"]})
    out = analyse.theme_frequencies(pt)
    assert list(out["theme"]) == ["t1", "t2", "t3"]
    assert list(out["n_items"]) == [3, 1, 1]
    assert list(out["n_reports"]) == [2, 1, 1]
    assert list(out["share_reports"]) == [1.0, 0.5, 0.5]
    mat = analyse.theme_cooccurrence(pt)
    assert list(mat.index) == ["t1", "t2", "t3"]
    assert mat.loc["t1", "t1"] == 3
    assert mat.loc["t1", "t2"] == 1 and mat.loc["t2", "t1"] == 1
    assert mat.loc["t2", "t3"] == 0
    # the problems frame with ;-joined themes gives the same
    probs = pd.DataFrame({"report_id": ["a", "a", "b"], "kind": "problem", "n": [1, 2, 1],
                          "themes": ["t1;t2", "t1", "t1;t3"]})
    assert analyse.theme_frequencies(probs).equals(out)
    reports = pd.DataFrame({"report_id": ["a", "b"], "agency": ["甲", "乙"], "year": [2021, 2022]})
    by_year = analyse.theme_frequencies(pt, by_year=True, reports=reports)
    assert value(by_year, "n_items", year=2021, theme="t1") == 2
    assert value(by_year, "share_reports", year=2022, theme="t3") == 1.0


def test_generator_frames_flow_through_every_metric():
    f = make_frames(4, seed=3, na_rate=0.1)
    for fn in (analyse.outcome_shares, analyse.grant_rate, analyse.refusal_reasons,
               analyse.backlog, analyse.requests_by_applicant):
        per = fn(f["applications"], reports=f["reports"])
        assert per["report_id"].nunique() == 4
    for fn in (analyse.outcome_shares, analyse.refusal_reasons, analyse.requests_by_applicant):
        pooled = fn(f["applications"], pooled=True)
        assert (pooled["share"].dropna() <= 1).all()
    # grant rate agrees with an independent computation on the total column
    g = analyse.grant_rate(f["applications"])
    t = f["applications"]
    t = t[(t["applicant"] == "total") & t["reason"].isna()].pivot_table(
        index="report_id", columns="row", values="count", aggfunc="first", observed=True,
        dropna=False)
    for rid, rate in zip(g["report_id"], g["grant_rate"]):
        num = t.loc[rid, "granted"] + t.loc[rid, "partly_granted"]
        den = t.loc[rid, "processed_total"]
        expected = NA if pd.isna(num) or pd.isna(den) or den == 0 else num / den
        assert (rate is NA and expected is NA) or rate == pytest.approx(expected)
    # seeded: the same frames twice
    assert make_frames(2, seed=3)["applications"].equals(make_frames(2, seed=3)["applications"])


def test_outcome_shares_without_reasons_and_refusals_of_one_row(apps):
    out = analyse.outcome_shares(apps, by_reason=())
    assert out["reason"].isna().all() and len(out) == 3 * 6
    ref = analyse.refusal_reasons(apps, rows=("unable",))
    a = ref[ref["report_id"] == "a"]
    assert list(a["reason"].astype(str)) == ["not_held", "needs_creation",
                                             "unclear_after_correction"]
    assert value(a, "share", reason="not_held") == 1.0


def test_theme_cooccurrence_matrix_and_long_form_count_alike():
    # one count behind both shapes: analyse's matrix (by frequency) and narrative's long form
    import gxbg_kit.narrative as nv

    sections = pd.DataFrame({"report_id": ["r1", "r2"], "section": ["problems", "problems"],
                             "heading": ["五、", "五、"], "text": [
        "一是信息公开不及时，公开内容不全面。二是工作人员业务能力不足，培训不够。",
        "一是公开不及时。二是平台建设滞后，网站栏目更新不及时。"]})
    items = nv.problems_frame(sections)
    mat = analyse.theme_cooccurrence(nv.problem_themes(items))
    long = nv.theme_cooccurrence(items).astype({"theme_a": "string", "theme_b": "string"})
    got = long.set_index(["theme_a", "theme_b"])["count"]
    assert len(mat) > 1
    for a in mat.index:
        for b in mat.columns:
            assert mat.loc[a, b] == got[(a, b)], (a, b)
    diag = [mat.loc[t, t] for t in mat.index]
    assert diag == sorted(diag, reverse=True)  # by frequency
