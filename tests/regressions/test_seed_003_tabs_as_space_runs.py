"""Seed 003 (data/reports/003_1e9d07bbaba7ae4f.txt, tab-separated 2021 tables): the same
report with its tabs replaced by runs of spaces, as ``pdftotext -layout`` prints tables, or
by single spaces. Every cell reads as in the tab layout."""
import gxbg_kit as gx


def test_seed_003_with_tabs_as_space_runs_reads_every_cell(reports):
    path = reports / "003_1e9d07bbaba7ae4f.txt"
    text = path.read_text(encoding="utf-8")
    good = gx.read_report(path)
    for sep in ("  ", " "):
        rep = gx.read_report(text.replace("\t", sep).encode(), name="x.txt")
        for name, col in (("applications", "count"), ("active", "value"), ("reviews", "count")):
            a, b = getattr(good, name)[col], getattr(rep, name)[col]
            assert a.astype(object).tolist() == b.astype(object).tolist(), (sep, name)
