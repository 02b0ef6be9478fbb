"""analyse.panel, analyse.year_over_year and by= grouping, on the real panel and generated frames."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit import analyse
from gxbg_kit.schema import REPORTS

try:
    from test_analyse import A, B, C, apps_frame, full, make_frames, reviews_frame, value
except ImportError:
    from tests.unit.test_analyse import A, B, C, apps_frame, full, make_frames, reviews_frame, value

ROOT = Path(__file__).resolve().parents[2]
TRUTH = ROOT / "tests" / "truth"
NA = pd.NA


@pytest.fixture(scope="module")
def sample():
    return gx.load_corpus(ROOT / "data" / "reports", jobs=1, progress=False)


def _reports(rows):
    return REPORTS.coerce(pd.DataFrame(rows))


# --------------------------------------------------------------------------
# panel on the real corpus, against the hand-read truth
# --------------------------------------------------------------------------

def _truth(stem: str, row: str) -> int | None:
    t = pd.read_csv(TRUTH / f"{stem}.csv", dtype=str, keep_default_na=False)
    hit = t[(t["table"] == "applications") & (t["key1"] == row) & (t["key2"] == "")
            & (t["key3"] == "total")]
    return None if hit.empty or hit["value"].iloc[0] == "NA" else int(hit["value"].iloc[0])


def test_panel_follows_each_real_organ_over_its_years(sample):
    p = analyse.panel(sample)
    assert not p.duplicated(["agency_key", "year"]).any()
    assert p.equals(p.sort_values(["agency_key", "year"]).reset_index(drop=True))
    path = sample.reports.set_index("report_id")["path"]
    for unit, years in (("czj", range(2017, 2026)), ("htp", range(2019, 2026))):
        rows = p[p["report_id"].map(path).str.startswith(f"pingtan_{unit}_")]
        assert rows["agency_key"].nunique() == 1
        assert rows["year"].tolist() == list(years)
        assert (rows["n_reports"] == 1).all()
        for _, r in rows.iterrows():
            stem = f"pingtan_{unit}_{r['year']}"
            if not (TRUTH / f"{stem}.csv").exists():  # 2017, 2018: no statutory table
                assert pd.isna(r["received"]) and pd.isna(r["processed_total"])
                continue
            for col in ("received", "processed_total", "granted"):
                want = _truth(stem, col)
                assert (pd.isna(r[col]) if want is None else r[col] == want), (stem, col)


def test_panel_leaves_out_reports_without_an_agency_and_selects_keys(sample):
    p = analyse.panel(sample)
    no_agency = sample.reports.loc[sample.reports["agency_key"].isna(), "report_id"]
    assert len(no_agency) and not p["report_id"].isin(no_agency).any()
    key = p["agency_key"].iloc[0]
    one = analyse.panel(sample, agency_key=key)
    assert set(one["agency_key"]) == {key}
    pd.testing.assert_frame_equal(one, p[p["agency_key"] == key].reset_index(drop=True))


def test_panel_columns_from_generated_tables():
    apps = apps_frame({"a": full(A), "b": full(B), "c": full(C)})
    rev = reviews_frame({"a": {"review": (1, 2, 0, 1, 4)}, "b": {"review": (0, 0, 0, 0, 0)}})
    reports = _reports([{"report_id": "a", "path": "a", "agency_key": "甲", "year": 2020},
                        {"report_id": "b", "path": "b", "agency_key": "甲", "year": 2021},
                        {"report_id": "c", "path": "c", "agency_key": "乙", "year": 2021}])
    problems = pd.DataFrame({"report_id": ["a", "a", "a", "b"], "kind": "problem",
                             "n": [1, 2, 1, 1], "themes": ["timeliness;interpretation",
                                                         "timeliness", pd.NA, "x_new"]})
    problems.loc[2, "kind"] = "measure"
    p = analyse.panel(apps, reports, rev, problems)
    a = p.set_index("report_id").loc["a"]
    assert (a["received"], a["processed_total"], a["withheld"]) == (18, 20, 3)
    assert a["share_granted"] == pytest.approx(10 / 20)
    assert a["grant_rate"] == pytest.approx(12 / 20)
    assert (a["review_total"], a["review_corrected"]) == (4, 2)
    assert pd.isna(a["suit_direct_total"])  # not printed: NA, never 0
    assert (a["n_problems"], a["theme_timeliness"], a["theme_interpretation"]) == (2, 2, 1)
    assert a["theme_x_new"] == 0
    b = p.set_index("report_id").loc["b"]
    assert pd.isna(b["partly_granted"]) and pd.isna(b["grant_rate"])  # B's blank cell
    assert (b["n_problems"], b["theme_x_new"]) == (1, 1)
    c = p.set_index("report_id").loc["c"]
    assert pd.isna(c["share_granted"])  # processed_total 0
    assert pd.isna(c["n_problems"]) and pd.isna(c["theme_timeliness"])  # no item found
    # theme columns: codebook order first, unknown codes after
    themes = [col for col in p.columns if col.startswith("theme_")]
    assert themes == ["theme_timeliness", "theme_interpretation", "theme_x_new"]


def test_two_reports_of_one_organ_and_year_are_not_guessed():
    apps = apps_frame({"a": full(A), "b": full(B)})
    reports = _reports([{"report_id": "a", "path": "a", "agency_key": "甲", "year": 2020},
                        {"report_id": "b", "path": "b", "agency_key": "甲", "year": 2020}])
    p = analyse.panel(apps, reports)
    assert len(p) == 1 and p["n_reports"].iloc[0] == 2
    assert pd.isna(p["report_id"].iloc[0])
    assert p.drop(columns=list(analyse.PANEL_KEYS)).isna().all(axis=None)


def test_panel_needs_agency_key():
    with pytest.raises(ValueError, match="agency_key"):
        analyse.panel(apps_frame({"a": full(A)}), pd.DataFrame({"report_id": ["a"]}))


# --------------------------------------------------------------------------
# year over year
# --------------------------------------------------------------------------

def _toy_panel():
    return pd.DataFrame({
        "agency_key": pd.array(["甲", "甲", "甲", "乙", "乙"], dtype="string"),
        "year": pd.array([2019, 2020, 2023, 2020, 2021], dtype="Int64"),
        "agency": pd.array(["甲", "甲", "甲", "乙", "乙"], dtype="string"),
        "report_id": pd.array(list("abcde"), dtype="string"),
        "n_reports": pd.array([1] * 5, dtype="Int64"),
        "received": pd.array([4, 6, NA, 0, 5], dtype="Int64"),
        "grant_rate": pd.array([0.5, 0.25, 0.75, NA, 1.0], dtype="Float64")})


def test_year_over_year_changes_gaps_and_na():
    y = analyse.year_over_year(_toy_panel())
    assert list(y.columns) == ["agency_key", "year_from", "year_to", "gap", "measure",
                               "value_from", "value_to", "change", "relative_change"]
    assert len(y) == 3 * 2  # 甲: 2019→2020, 2020→2023; 乙: 2020→2021; two measures each
    assert value(y, "change", agency_key="甲", year_to=2020, measure="received") == 2
    assert value(y, "relative_change", agency_key="甲", year_to=2020,
                 measure="received") == pytest.approx(0.5)
    assert value(y, "change", agency_key="甲", year_to=2020,
                 measure="grant_rate") == pytest.approx(-0.25)
    # the 2023 report follows 2020: a gap of three years, noted
    assert value(y, "gap", agency_key="甲", year_to=2023, measure="received") == 3
    assert value(y, "year_from", agency_key="甲", year_to=2023, measure="received") == 2020
    assert pd.isna(value(y, "change", agency_key="甲", year_to=2023, measure="received"))
    # from 0: an absolute change but no relative one; from NA: neither
    assert value(y, "change", agency_key="乙", year_to=2021, measure="received") == 5
    assert pd.isna(value(y, "relative_change", agency_key="乙", year_to=2021, measure="received"))
    assert pd.isna(value(y, "change", agency_key="乙", year_to=2021, measure="grant_rate"))
    assert y.equals(y.sort_values(["agency_key", "year_to", "measure"]).reset_index(drop=True))


def test_year_over_year_from_tables_equals_from_the_panel(sample):
    p = analyse.panel(sample)
    y = analyse.year_over_year(sample, measures=["received", "grant_rate"])
    pd.testing.assert_frame_equal(y, analyse.year_over_year(p, measures=["received",
                                                                         "grant_rate"]))
    # one pair per consecutive report of each organ
    pairs = y.drop_duplicates(["agency_key", "year_to"])
    assert len(pairs) == (p.groupby("agency_key").size() - 1).sum()
    with pytest.raises(ValueError, match="not in the panel"):
        analyse.year_over_year(p, measures=["nope"])


# --------------------------------------------------------------------------
# by= on the existing metrics
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frames():
    f = make_frames(12, seed=3)
    f["reports"]["agency_key"] = f["reports"]["agency"].map(lambda a: a[:2]).astype("string")
    return f


@pytest.mark.parametrize("metric, table", [
    (analyse.outcome_shares, "applications"), (analyse.refusal_reasons, "applications"),
    (analyse.requests_by_applicant, "applications"),
    (analyse.review_correction_rate, "reviews")])
@pytest.mark.parametrize("by", ["agency_key", ["year", "template"]])
def test_pooled_by_group_is_the_pool_of_the_group(frames, metric, table, by):
    reports = frames["reports"]
    out = metric(frames[table], pooled=True, reports=reports, by=by)
    cols = [by] if isinstance(by, str) else by
    assert out.columns[:len(cols)].tolist() == cols
    for key, rows in reports.groupby(cols):
        ids = rows["report_id"]
        want = metric(frames[table][frames[table]["report_id"].isin(ids)], pooled=True)
        got = out.merge(pd.DataFrame([key], columns=cols).astype(reports[cols].dtypes),
                        on=cols).drop(columns=cols)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False,
                                      check_categorical=False)


@pytest.mark.parametrize("metric, table", [
    (analyse.grant_rate, "applications"), (analyse.backlog, "applications"),
    (analyse.outcome_shares, "applications"), (analyse.active_volumes, "active"),
    (analyse.check_failures, "checks"), (analyse.cell_completeness, "checks"),
    (analyse.review_correction_rate, "reviews")])
def test_per_report_by_adds_the_column_and_keeps_the_rest(frames, metric, table):
    plain = metric(frames[table], reports=frames["reports"])
    grouped = metric(frames[table], reports=frames["reports"], by="agency_key")
    assert grouped["agency_key"].is_monotonic_increasing
    key = frames["reports"].set_index("report_id")["agency_key"]
    assert (grouped["agency_key"] == grouped["report_id"].map(key)).all()
    back = grouped.drop(columns="agency_key")
    cols = [c for c in plain.columns if c not in ("share", "grant_rate")]
    merged = plain.merge(back, on=cols, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all() and len(back) == len(plain)


def test_theme_frequencies_by_year_is_by_year_column(frames):
    pt, reports = frames["problem_themes"], frames["reports"]
    pd.testing.assert_frame_equal(analyse.theme_frequencies(pt, by_year=True, reports=reports),
                                  analyse.theme_frequencies(pt, reports=reports, by="year"))
    by_key = analyse.theme_frequencies(pt, reports=reports, by="agency_key")
    for key, part in by_key.groupby("agency_key"):
        ids = reports.loc[reports["agency_key"] == key, "report_id"]
        want = analyse.theme_frequencies(pt[pt["report_id"].isin(ids)])
        pd.testing.assert_frame_equal(part.drop(columns="agency_key").reset_index(drop=True),
                                      want)


def test_by_needs_reports_and_known_columns(frames):
    with pytest.raises(ValueError, match="needs reports"):
        analyse.grant_rate(frames["applications"], by="year")
    with pytest.raises(ValueError, match="not columns of reports"):
        analyse.outcome_shares(frames["applications"], pooled=True, reports=frames["reports"],
                               by="agencykey")


# --------------------------------------------------------------------------
# pooled shares take only reports whose parts add up to their printed total
# (海坛片区 2022 on the real panel: tests/regressions/test_pingtan_htp_2022_outcomes_vs_total.py)
# --------------------------------------------------------------------------

def test_grant_rate_above_one_is_na():
    apps = apps_frame({"r1": {("granted", None): 5, ("partly_granted", None): 1, ("processed_total", None): 4}})
    assert analyse.grant_rate(apps)["grant_rate"].isna().all()
