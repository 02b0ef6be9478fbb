"""Seed 000 (data/reports/000_a6689a29e53ae8de.txt, tab layout with spaced labels and blank
cells): 本年新收 counts one request of a 科研机构, yet its outcomes, 总计 and 结转下年度 add
to 0, and 结转下年度 is blank for the organisations. The identity fails for the total
column; the blank cells leave the other columns not evaluable, never read as 0."""
import pandas as pd

import gxbg_kit as gx


def test_000_received_one_but_total_zero_fails_identity(reports):
    c = gx.read_report(reports / "000_a6689a29e53ae8de.txt").checks
    ident = c[c["check"] == "identity"].set_index("applicant")
    assert ident.loc["total", "ok"] == False  # noqa: E712
    assert ident.loc["total", ["expected", "actual"]].tolist() == [1, 0]
    assert ident.loc["natural_person", "ok"] == True  # noqa: E712
    for col in ("business", "research", "nonprofit", "legal_services", "other_org"):
        assert pd.isna(ident.loc[col, "ok"])
