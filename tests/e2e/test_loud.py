"""Loud errors and a shareable dataset: one row per report (duplicates apart), a
missing folder or a folder with nothing readable raises, a missing optional extra
says what to install, the command line fails in one line, LICENSE and CITATION.cff."""
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "reports"
SEED = DATA / "003_1e9d07bbaba7ae4f.txt"
PDF = ROOT / "tests" / "fixtures" / "pdf" / "003_lo.pdf"


def no_pdfplumber(monkeypatch):
    """Make ``import pdfplumber`` fail, as when the 'pdf' extra is not installed."""
    for name in list(sys.modules):
        if name == "pdfplumber" or name.startswith("pdfplumber."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # import raises ImportError


# 1. one row per report ---------------------------------------------------------------
def test_a_byte_identical_copy_is_a_duplicates_row_not_a_second_report(tmp_path):
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(SEED, tmp_path / "b.txt")
    shutil.copy(DATA / "000_a6689a29e53ae8de.txt", tmp_path / "c.txt")
    c = gx.load_corpus(tmp_path, progress=False)
    assert c.reports["path"].tolist() == ["a.txt", "c.txt"] and c.reports["report_id"].is_unique
    assert len(c.applications.merge(c.reports, on="report_id")) == len(c.applications)
    d = c.duplicates
    assert d[["path", "kept_path"]].values.tolist() == [["b.txt", "a.txt"]]
    assert d["report_id"].iloc[0] == c.reports.set_index("path").loc["a.txt", "report_id"]
    assert d["size_bytes"].iloc[0] == SEED.stat().st_size
    assert "duplicates" in c.tables() and "duplicates" in gx.dictionary()["table"].tolist()
    gx.schema.TABLES["duplicates"].validate(d)


def test_files_not_read_stay_distinct(tmp_path):
    # too large: never read, so their id is the SHA-256 of their path, not of their bytes
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(SEED, tmp_path / "b.txt")
    c = gx.load_corpus(tmp_path, progress=False, max_bytes=100, allow_empty=True)
    assert len(c.reports) == 2 and c.duplicates.empty


def test_no_copies_gives_an_empty_typed_duplicates_table():
    c = gx.load_corpus(DATA, progress=False)
    assert c.duplicates.empty and list(c.duplicates.columns) == gx.schema.TABLES["duplicates"].names
    assert "duplicates" not in repr(c)


# 2. loud errors ----------------------------------------------------------------------
def test_a_missing_folder_raises_file_not_found_naming_it(tmp_path):
    (tmp_path / "reports").mkdir()
    with pytest.raises(FileNotFoundError, match="reportz") as err:
        gx.load_corpus(tmp_path / "reportz", progress=False)
    assert "reports?" in str(err.value)  # the near name is suggested


def test_an_empty_folder_raises_value_error(tmp_path):
    (tmp_path / ".hidden.txt").write_text("x")
    with pytest.raises(ValueError, match="empty"):
        gx.load_corpus(tmp_path, progress=False)
    assert len(gx.load_corpus(tmp_path, progress=False, allow_empty=True).reports) == 0


def test_a_folder_where_every_file_failed_raises_with_the_reasons(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text("会议通知\n请各单位于周五参加会议。\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"all 3 files failed \(empty_file 2, not_a_report 1\)"):
        gx.load_corpus(tmp_path, progress=False)
    c = gx.load_corpus(tmp_path, progress=False, allow_empty=True)
    assert set(c.reports["status"]) == {"failed"}


def test_one_readable_file_is_enough(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    shutil.copy(SEED, tmp_path / "b.txt")
    assert len(gx.load_corpus(tmp_path, progress=False).reports) == 2


def test_a_list_of_files_keeps_its_failed_rows(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    c = gx.load_corpus([tmp_path / "a.txt"], progress=False)
    assert c.reports["status_reason"].tolist() == ["empty_file"]


# 3. a missing optional extra -----------------------------------------------------------
def test_a_pdf_without_the_pdf_extra_is_missing_dependency(monkeypatch):
    no_pdfplumber(monkeypatch)
    rep = gx.read_report(PDF)
    status, reason, message = rep.status_reason
    assert (status, reason) == ("failed", "missing_dependency")
    assert "pip install 'gxbg_kit[pdf]'" in message
    assert "missing_dependency" in repr(rep) and "pip install 'gxbg_kit[pdf]'" in repr(rep)
    assert "003_lo.pdf" in repr(rep)  # which file
    assert "missing_dependency" in gx.dictionary("reasons")["reason"].tolist()


def test_missing_dependency_in_a_corpus_and_the_cli_summary(tmp_path, monkeypatch, capsys):
    no_pdfplumber(monkeypatch)
    shutil.copy(PDF, tmp_path / "a.pdf")
    shutil.copy(SEED, tmp_path / "b.txt")
    c = gx.load_corpus(tmp_path, jobs=1, progress=False)
    r = c.reports.set_index("path")
    assert r.loc["a.pdf", "status_reason"] == "missing_dependency"
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "1"]) == 0
    assert "failed by reason: missing_dependency 1" in capsys.readouterr().out


def test_repr_of_a_report_that_is_read_is_unchanged():
    rep = gx.read_report(SEED)
    assert repr(rep).startswith("<Report ") and "failed checks=" in repr(rep)


# 2 and 4. the command line ---------------------------------------------------------------
@pytest.fixture
def mixed(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    shutil.copy(SEED, folder / "copy.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "empty2.txt").write_bytes(b"")
    (folder / "notice.txt").write_text("会议通知\n请各单位于周五参加会议。\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,agency\ngood.txt,甲\nghost.txt,乙\n", encoding="utf-8")
    return folder


def test_build_summary_groups_failures_and_writes_failures_csv(mixed, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(mixed), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    # two empty files have the same bytes: one report (failed), one duplicate
    assert "3 reports: ok 1, partial 0, failed 2" in text
    assert "failed by reason: empty_file 1, not_a_report 1" in text
    assert "empty.txt" not in text  # grouped: no line per file
    assert "2 duplicate files" in text and "1 manifest row without a file: ghost.txt" in text
    raw = (out / "failures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    f = pd.read_csv(out / "failures.csv", encoding="utf-8-sig", dtype=str)
    assert list(f.columns) == ["path", "status", "status_reason", "message"]
    assert f["path"].tolist() == ["empty.txt", "empty2.txt", "notice.txt", "ghost.txt"]
    assert f.set_index("path").loc["ghost.txt", ["status", "status_reason"]].tolist() == ["missing",
                                                                                  "not_in_folder"]
    assert f["message"].notna().all()  # the copy of a failed file is listed too
    assert len(pd.read_parquet(out / "duplicates.parquet")) == 2


def test_build_strict_exits_non_zero_when_a_file_failed(mixed, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(mixed), "--out", str(out), "--quiet", "--jobs", "1", "--strict"]) == 3
    assert "--strict: 2 of 3 reports failed" in capsys.readouterr().err
    assert (out / "reports.parquet").exists()  # the tables are written all the same
    shutil.copy(SEED, tmp_path / "one.txt")
    assert main(["build", str(tmp_path / "one.txt"), "--out", str(out), "--quiet", "--strict"]) == 0


def test_build_on_a_missing_folder_fails_in_one_line(tmp_path, capsys):
    assert main(["build", str(tmp_path / "reportz"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such folder or file" in err and "reportz" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_build_with_nothing_readable_fails_in_one_line_and_lists_why(tmp_path, capsys):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.txt").write_bytes(b"")
    out = tmp_path / "o"
    assert main(["build", str(tmp_path / "r"), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the only file failed (empty_file 1)" in err
    assert not (out / "reports.parquet").exists()
    assert pd.read_csv(out / "failures.csv", encoding="utf-8-sig")["path"].tolist() == ["a.txt"]
    (tmp_path / "e").mkdir()
    assert main(["build", str(tmp_path / "e"), "--out", str(out), "--quiet"]) == 1
    assert "the folder is empty" in capsys.readouterr().err


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "gxbg_kit", *args], capture_output=True,
                          text=True, cwd=ROOT, **kw)


def test_help_is_plain_text():
    for args in (["--help"], ["build", "--help"], ["dictionary", "--help"]):
        res = run_cli(*args)
        assert res.returncode == 0
        assert "``" not in res.stdout and ":func:" not in res.stdout and ":class:" not in res.stdout


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"gxbg {gx.__version__}"


def test_dictionary_unknown_table_is_a_one_line_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["dictionary", "applicatons"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1
    assert "invalid choice: 'applicatons'" in err and "'applications'" in err


def test_dictionary_choices_include_every_table_and_the_code_lists(capsys):
    from gxbg_kit.data_dictionary import EXTRAS

    assert {"fields", "renamed", "reasons", "check_kinds", "arithmetic", "cells"} <= set(EXTRAS)
    for name in (*gx.schema.all_tables(), *EXTRAS):
        assert main(["dictionary", name]) == 0
    assert "missing_dependency" in capsys.readouterr().out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX shell")
def test_a_closed_pipe_ends_quietly():
    res = subprocess.run(f"'{sys.executable}' -m gxbg_kit dictionary applications | head -1",
                         shell=True, capture_output=True, text=True, cwd=ROOT)
    assert res.stdout.startswith("table,") and res.stdout.count("\n") == 1
    assert "Traceback" not in res.stderr and "BrokenPipeError" not in res.stderr


def test_a_closed_pipe_in_main_returns_without_a_traceback(monkeypatch):
    class Closed:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    assert main(["dictionary", "reasons"]) == 1


# 5. licence and citation -------------------------------------------------------------------
def test_license_and_citation():
    import tomllib

    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License") and "2026 the gxbg_kit authors" in license_text
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in cff and "license: MIT" in cff
    assert f'version: "{gx.__version__}"' in cff and 'name: "gxbg_kit authors"' in cff
    assert "http" not in cff  # no made-up URL
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert project["version"] == gx.__version__
