"""平潭综合实验区海坛片区管理局 (data/reports/pingtan_htp_2022.txt, 2024, 2025; crawler dumps
with the tables flattened into one line): 2022 prints four outcomes against a (七)总计 of 0,
and the 2024 and 2025 applicant columns count requests the 总计 column does not. Pooled
with the other reports they gave an outcome share of about 144 % and an applicant share of
2.75. Pooled shares take only reports whose parts add up to their printed total: a pooled
share never exceeds 1 and the outcome shares add up to 1."""
import shutil

import pytest

import gxbg_kit as gx
from gxbg_kit import analyse


@pytest.fixture(scope="module")
def pingtan(reports, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pingtan")
    for path in reports.glob("pingtan_*.txt"):
        shutil.copy(path, folder)
    return gx.load_corpus(folder, jobs=1, progress=False)


def test_pooled_shares_skip_reports_whose_parts_disagree_with_their_total(pingtan):
    apps, reports = pingtan.applications, pingtan.reports
    for by in ("year", "agency_key"):
        out = analyse.outcome_shares(apps, pooled=True, reports=reports, by=by)
        whole = out[out["reason"].isna()]
        assert whole["share"].dropna().le(1).all(), by
        sums = whole.groupby(by, observed=True)["share"].sum(min_count=1).dropna()
        assert sums.round(9).eq(1).all(), (by, sums)
        byapp = analyse.requests_by_applicant(apps, pooled=True, reports=reports, by=by)
        assert byapp["share"].dropna().le(1).all(), by


def test_htp_outcomes_disagree_with_their_total_and_are_left_out_of_the_pool(pingtan):
    apps, reports = pingtan.applications, pingtan.reports
    htp = reports.loc[reports["agency_key"].astype(str).str.contains("海坛"), "report_id"]
    per = analyse.outcome_shares(apps, reports=reports)
    per = per[per["reason"].isna() & per["report_id"].isin(htp)]
    inconsistent = (per.groupby("report_id")["count"].sum()
                    != per.groupby("report_id")["processed_total"].first())
    assert inconsistent.any()  # the quirk is in the data
    y2022 = reports.loc[reports["report_id"].isin(htp) & (reports["year"] == 2022), "report_id"]
    assert inconsistent[y2022].all()
    pooled = analyse.outcome_shares(apps[apps["report_id"].isin(htp)], pooled=True)
    assert pooled["n_reports"].max() == (~inconsistent).sum()
