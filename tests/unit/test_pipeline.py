"""pipeline: one file start to end, never raising: its records, the row of a file that could
not be read (its sha256 that of its bytes, or of its path when the bytes were not read), the
bounded hash, text paths, and the Arrow batches of many files."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from gxbg_kit import pipeline
from gxbg_kit.schema import TABLES

SEED_003 = Path(__file__).resolve().parents[2] / "data" / "reports" / "003_1e9d07bbaba7ae4f.txt"


def test_parse_file_gives_every_table_of_a_report():
    records = pipeline.parse_file(SEED_003, SEED_003.name, None)
    assert set(pipeline.PARSED_NAMES) <= set(records)
    (row,) = records["reports"]
    assert isinstance(row, TABLES["reports"].Record)  # a named record: row.status, not row[10]
    assert (row.status, row.status_reason) == ("ok", "complete")
    assert row.sha256 == hashlib.sha256(SEED_003.read_bytes()).hexdigest()
    assert len(records["applications"]) > 0


def test_a_missing_file_is_a_read_error_row_keyed_by_its_path(tmp_path):
    gone = tmp_path / "gone.txt"
    (row,) = pipeline.parse_file(gone, "gone.txt", None)["reports"]
    assert (row.status, row.status_reason) == ("failed", "read_error")
    assert row.sha256 == pipeline.path_sha256(gone)


def test_a_file_over_max_bytes_is_too_large_and_not_read(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(SEED_003.read_bytes())
    (row,) = pipeline.parse_file(big, "big.txt", None, {"max_bytes": 100})["reports"]
    assert row.status_reason == "too_large"
    assert row.sha256 == pipeline.path_sha256(big)


def test_a_bug_inside_the_parser_is_a_parse_error_row(monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "read_report", boom)
    (row,) = pipeline.parse_file(SEED_003, SEED_003.name, None)["reports"]
    assert (row.status, row.status_reason) == ("failed", "parse_error")
    assert "RuntimeError: a bug" in row.message
    assert row.sha256 == hashlib.sha256(SEED_003.read_bytes()).hexdigest()  # its bytes could be hashed


def test_bounded_sha256_stops_at_the_limit_and_refuses_what_is_no_file(tmp_path):
    data = SEED_003.read_bytes()
    assert pipeline.bounded_sha256(SEED_003) == hashlib.sha256(data).hexdigest()
    assert pipeline.bounded_sha256(SEED_003, len(data) - 1) is None
    assert pipeline.bounded_sha256(tmp_path) is None
    assert pipeline.bounded_sha256(tmp_path / "gone") is None


@pytest.mark.skipif(os.name != "posix", reason="surrogate-escaped file names are POSIX")
def test_text_path_escapes_bytes_that_are_no_utf8():
    assert pipeline.text_path(Path("报告.txt")) == "报告.txt"
    assert pipeline.text_path(os.fsdecode(b"bad\xff.txt")) == "bad\\xff.txt"


def test_records_to_arrow_takes_a_repeated_file_once():
    one = pipeline.parse_file(SEED_003, "a.txt", None)
    two = pipeline.parse_file(SEED_003, "b.txt", None)
    batch = pipeline.records_to_arrow([one, two])
    assert batch["reports"].num_rows == 2  # both rows kept (the corpus lists the copy)
    assert batch["applications"].num_rows == len(one["applications"])
