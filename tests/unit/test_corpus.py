import shutil
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.schema import TABLES

DATA = Path(__file__).resolve().parents[2] / "data"
SEED = DATA / "reports" / "003_1e9d07bbaba7ae4f.txt"


@pytest.fixture
def messy_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    shutil.copy(SEED, folder / "zz_copy_of_good.txt")  # same bytes
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(0, 32)) * 50)
    (folder / "not_a_report.txt").write_text("会议通知\n请各单位于周五参加会议。\n", encoding="utf-8")
    text = SEED.read_text(encoding="utf-8")
    (folder / "gbk.txt").write_bytes(text.encode("gbk"))
    cut = text[: text.index("四、政府信息公开行政复议")]  # stops inside the report
    (folder / "truncated.txt").write_text(cut[: cut.index("(二) 部分公开")], encoding="utf-8")
    (folder / ".hidden.txt").write_text("ignored")
    return folder


def test_every_file_is_one_row_with_status_and_reason(messy_folder):
    c = gx.load_corpus(messy_folder, progress=False)
    r = c.reports.set_index("path")
    assert sorted(r.index) == sorted(["good.txt", "empty.txt", "binary.bin",
                                      "not_a_report.txt", "gbk.txt", "truncated.txt"])
    assert r.loc["empty.txt", ["status", "status_reason"]].tolist() == ["failed", "empty_file"]
    assert r.loc["binary.bin", ["status", "status_reason"]].tolist() == ["failed", "undecodable"]
    assert r.loc["not_a_report.txt", ["status", "status_reason"]].tolist() == ["failed", "not_a_report"]
    assert r.loc["good.txt", ["status", "status_reason"]].tolist() == ["ok", "complete"]
    assert r.loc["gbk.txt", "encoding"] == "gb18030" and r.loc["gbk.txt", "status"] == "ok"
    assert r.loc["truncated.txt", ["status", "status_reason"]].tolist() == ["partial", "truncated"]
    assert r["message"].notna().all()
    # the byte-identical copy is not a report of its own: a row of duplicates
    d = c.duplicates
    assert d[["path", "kept_path"]].values.tolist() == [["zz_copy_of_good.txt", "good.txt"]]
    assert d["report_id"].tolist() == [r.loc["good.txt", "report_id"]]


def test_duplicates_counted_once(messy_folder):
    c = gx.load_corpus(messy_folder, progress=False)
    good = c.reports.set_index("path").loc["good.txt", "report_id"]
    # good.txt, its copy and gbk.txt hold the same report; the copy's tables are not repeated
    assert (c.applications["report_id"] == good).sum() == 25 * 7
    # one row per report: joining a table to reports never repeats its rows
    assert c.reports["report_id"].is_unique
    assert len(c.applications.merge(c.reports, on="report_id")) == len(c.applications)
    assert "duplicates: 1" in repr(c)


def test_kept_copy_is_the_first_path_and_its_manifest_row(tmp_path):
    shutil.copy(SEED, tmp_path / "b.txt")
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(SEED, tmp_path / "c.txt")
    (tmp_path / "manifest.csv").write_text("file,agency,year\na.txt,甲,2022\nb.txt,乙,2021\n",
                                           encoding="utf-8")
    c = gx.load_corpus(tmp_path, progress=False)
    assert c.reports["path"].tolist() == ["a.txt"]
    assert c.reports["agency_manifest"].tolist() == ["甲"]
    d = c.duplicates
    assert d["path"].tolist() == ["b.txt", "c.txt"] and set(d["kept_path"]) == {"a.txt"}
    assert d["agency_manifest"].tolist()[0] == "乙" and pd.isna(d["agency_manifest"].iloc[1])
    # the kept copy's tables: its manifest check says 甲, not 乙
    man = c.checks[c.checks["check"] == "manifest"]
    assert man["detail"].str.contains("甲").any() and not man["detail"].str.contains("乙").any()
    assert c.report("b.txt").path == "b.txt"  # a duplicate's path still reads its file


def test_a_copy_that_failed_is_not_the_kept_one(tmp_path, monkeypatch):
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(SEED, tmp_path / "b.txt")
    from gxbg_kit import parallel
    from gxbg_kit.timeout import Timeout

    real = parallel.parse_file

    def first_times_out(path, *args):
        if Path(path).name == "a.txt":
            raise Timeout()
        return real(path, *args)

    monkeypatch.setattr(parallel, "parse_file", first_times_out)
    c = gx.load_corpus(tmp_path, jobs=1, progress=False, timeout=5)
    assert c.reports[["path", "status"]].values.tolist() == [["b.txt", "ok"]]
    assert c.duplicates["path"].tolist() == ["a.txt"] and len(c.applications) > 0


def test_truncated_report_keeps_what_it_has_and_rest_is_na(messy_folder):
    rep = gx.read_report(messy_folder / "truncated.txt")
    a = rep.applications.set_index(["row", "applicant"])
    assert a.loc[("received", "total"), "count"] == 0
    assert pd.isna(a.loc[("processed_total", "total"), "count"])


def test_sample_corpus_with_manifest():
    c = gx.load_corpus(DATA / "reports", progress=False)
    r = c.reports.set_index("path")
    assert len(r) == sum(1 for p in (DATA / "reports").iterdir() if p.is_file())
    assert pd.isna(r.loc["001_9d882d39005c5935.txt", "agency"])
    assert r.loc["001_9d882d39005c5935.txt", "year_manifest"] == 2019
    assert r.loc["000_a6689a29e53ae8de.txt", "province"] == "甘肃省"
    assert r.loc["003_1e9d07bbaba7ae4f.txt", "region"] == "西工区"
    for name, table in TABLES.items():
        df = getattr(c, name)
        table.validate(df)  # pandera schema generated from schema.py
        assert list(df.columns[: len(table.names)]) == table.names
    assert c.reports["report_id"].is_unique


def test_manifest_disagreeing_with_text_keeps_both_and_check_says_so(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "manifest.csv").write_text("file,agency,year\na.txt,洛阳市西工区财政局,2022\n",
                                         encoding="utf-8")
    c = gx.load_corpus(folder, progress=False)
    row = c.reports.iloc[0]
    assert row["agency"] == "西工区财政局" and row["agency_manifest"] == "洛阳市西工区财政局"
    assert row["year"] == 2023 and row["year_manifest"] == 2022
    m = c.checks[c.checks["check"] == "manifest"].set_index("row")
    assert m.loc["agency", "ok"] == False and m.loc["year", "ok"] == False  # noqa: E712


def test_write_parquet_and_csv_round_trip(tmp_path):
    c = gx.load_corpus(DATA / "reports", progress=False)
    c.write(tmp_path, formats=("parquet", "csv"))
    back = pd.read_parquet(tmp_path / "applications.parquet")
    pd.testing.assert_frame_equal(back, c.applications)
    assert (tmp_path / "reports.csv").read_text(encoding="utf-8-sig").startswith("report_id,path,")


def test_list_of_paths_and_reprs():
    paths = sorted((DATA / "reports").glob("*.txt"))[:2]
    c = gx.load_corpus(paths, progress=False)
    assert len(c.reports) == 2
    assert repr(c).startswith("<Corpus reports: 2;")
    assert c._repr_html_() == c._repr_html_() and "<table" in c._repr_html_()
    rep = c.report(c.reports["report_id"].iloc[0])
    assert isinstance(rep, gx.Report)


def test_too_large_file_is_reported_not_read(tmp_path):
    f = tmp_path / "big.txt"
    shutil.copy(SEED, f)
    c = gx.load_corpus(tmp_path, progress=False, max_bytes=100, allow_empty=True)
    r = c.reports.iloc[0]
    assert (r["status"], r["status_reason"]) == ("failed", "too_large") and "100" in r["message"]


def test_parser_bug_becomes_a_row_not_a_crash(tmp_path, monkeypatch):
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(DATA / "reports" / "002_323c267c87cacc94.txt", tmp_path / "b.txt")
    import gxbg_kit.report as rmod

    real = rmod.recognise_reviews

    def boom(lines):
        if any("西工区" in ln for ln in lines) or len(lines) < 12:
            raise RuntimeError("injected failure")
        return real(lines)

    monkeypatch.setattr(rmod, "recognise_reviews", boom)
    c = gx.load_corpus(tmp_path, progress=False, allow_empty=True)
    r = c.reports.set_index("path")
    assert r.loc["a.txt", "status_reason"] == "parse_error" and "injected failure" in r.loc["a.txt", "message"]


def test_wide_lays_out_the_printed_form_and_keeps_missing_rows():
    rep = gx.read_report(DATA / "reports" / "000_a6689a29e53ae8de.txt")
    w = gx.wide(rep.applications)
    assert list(w.columns) == ["natural_person", "business", "research", "nonprofit",
                               "legal_services", "other_org", "total"]
    rows = w.index.droplevel("report_id")
    assert rows[0] == ("received", "—") and rows[-1] == ("carried_forward", "—")
    assert w.loc[(rep.report_id, "other", "overdue_fee")].isna().all()  # printed nowhere
    assert w.loc[(rep.report_id, "received", "—"), "research"] == 1
    assert gx.wide(rep.reviews).shape == (3, 5)


def test_problems_and_themes_of_the_sample_corpus():
    c = gx.load_corpus(DATA / "reports", progress=False)
    p = c.problems
    assert set(p["kind"]) == {"problem", "measure"}
    assert set(c.problem_themes["report_id"]) <= set(c.reports["report_id"])
    assert {"report_id", "kind", "n", "token"} <= set(c.tokens.columns)


def test_partitioned_parquet_readable_by_dask_and_pyarrow(tmp_path):
    c = gx.load_corpus(DATA / "reports", progress=False)
    c.write_partitioned(tmp_path, by=("year",))
    years = sorted(p.name for p in (tmp_path / "applications").iterdir())
    assert years == [f"year={y}" for y in range(2017, 2026)]
    import pyarrow.dataset as ds

    table = ds.dataset(tmp_path / "applications", format="parquet", partitioning="hive").to_table()
    assert table.num_rows == len(c.applications)
    dd = pytest.importorskip("dask.dataframe")
    back = dd.read_parquet(tmp_path / "reviews").compute()
    assert len(back) == len(c.reviews) and int(back["count"].sum()) == int(c.reviews["count"].sum())
    c.write_partitioned(tmp_path, by=("year",))  # rewriting replaces, never duplicates
    assert ds.dataset(tmp_path / "applications", partitioning="hive").count_rows() == len(c.applications)


def test_docx_uncompressed_limit_and_pdf_page_limit_are_user_settings(tmp_path):
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    shutil.copy(fixtures / "docx" / "003.docx", tmp_path / "a.docx")
    shutil.copy(fixtures / "pdf" / "003_lo.pdf", tmp_path / "b.pdf")
    c = gx.load_corpus(tmp_path, progress=False)
    assert set(c.reports["status"]) == {"ok"}
    c = gx.load_corpus(tmp_path, progress=False, max_uncompressed=1000, max_pages=1,
                       allow_empty=True)
    r = c.reports.set_index("path")
    assert r.loc["a.docx", "status_reason"] == "corrupt_archive"
    assert r.loc["b.pdf", "status_reason"] == "too_large"


def test_a_listed_file_that_does_not_exist_is_a_read_error_row(tmp_path):
    real = sorted((DATA / "reports").glob("*.txt"))[:1]
    corpus = gx.load_corpus([*real, tmp_path / "gone.txt"], jobs=1)
    row = corpus.reports.set_index("path").loc[str(tmp_path / "gone.txt")]
    assert row["status"] == "failed" and row["status_reason"] == "read_error"
    assert "no such file" in row["message"]
    assert len(corpus.reports) == 2
