"""Seed 004 (data/reports/004_c88faac3643766a2.txt, one cell per line): its 行政复议/行政诉讼
table stops after nine values (``0 1 0 0 1 | 0 0 0 0``, then the report ends the table). The
nine are read, the six cells never printed are NA (never 0), the report is partial with
``cells_missing``, and the sums whose total is missing are not evaluable."""
import pandas as pd

import gxbg_kit as gx


def test_004_reviews_table_cut_short_keeps_nine_numbers_and_na_tail(reports):
    rep = gx.read_report(reports / "004_c88faac3643766a2.txt")
    r = rep.reviews
    assert list(zip(r["proceeding"], r["result"]))[:5] == [
        ("review", "upheld"), ("review", "corrected"), ("review", "other"),
        ("review", "pending"), ("review", "total")]
    counts = [None if pd.isna(c) else int(c) for c in r["count"]]
    assert counts == [0, 1, 0, 0, 1, 0, 0, 0, 0] + [None] * 6
    assert rep.status == "partial"
    comp = rep.checks.query("check == 'completeness' and table == 'reviews'")
    assert comp[["expected", "actual"]].iloc[0].tolist() == [15, 9]
    review_sum = rep.checks.query("check == 'review_sum'").set_index("row")["ok"]
    assert review_sum["review"] == True  # noqa: E712
    assert pd.isna(review_sum["suit_direct"])  # its total is missing: not evaluable
