"""Seed 001 (data/reports/001_9d882d39005c5935.txt, 2019 form, pipe tables in an appendix):
the prose of section 三 states counts its own table does not print (上年结转2件, 予以公开3件,
部分公开0件, 办结3件 against 0, 2, 3, 1). The narrative check flags exactly those rows and
passes 新收1件, which agrees."""
import gxbg_kit as gx


def test_001_narrative_disagrees_with_table(reports):
    c = gx.read_report(reports / "001_9d882d39005c5935.txt").checks
    n = c[c["check"] == "narrative"].set_index("row")
    failed = n[n["ok"] == False]  # noqa: E712
    assert {r: (int(e), int(a)) for r, e, a in zip(failed.index, failed["expected"], failed["actual"])} == {
        "carried_over": (2, 0), "granted": (3, 2), "partly_granted": (0, 3), "processed_total": (3, 1)}
    assert n.loc["received", "ok"] == True  # noqa: E712
