"""report: the status and reason rules of a report (``Report.status_reason``), on seed 003
(every cell printed) and on generated variants of it, and the report's row agreeing with
them."""
from __future__ import annotations

from pathlib import Path

import pytest

import gxbg_kit as gx
from gxbg_kit.schema import REASONS, STATUSES

SEED_003 = Path(__file__).resolve().parents[2] / "data" / "reports" / "003_1e9d07bbaba7ae4f.txt"
TEXT = SEED_003.read_text(encoding="utf-8")
REVIEWS = TEXT.index("四、政府信息公开行政复议")
PROBLEMS = TEXT.index("五、存在的主要问题")
SECTIONS_ONLY = ("一、总体情况\n本机关认真贯彻条例。\n五、存在的主要问题及改进情况\n一是更新不及时。\n"
                 "六、其他需要报告的事项\n无。\n")


def status(text: str | bytes, name: str = "x.txt"):
    rep = gx.read_report(text.encode() if isinstance(text, str) else text, name=name)
    return rep.status_reason


@pytest.mark.parametrize("text, name, want", [
    (TEXT, "x.txt", ("ok", "complete")),
    # the text stops before the reviews table and sections 五 and 六
    (TEXT[:REVIEWS], "x.txt", ("partial", "truncated")),
    # the reviews table left out, but the report goes on to 五 and 六
    (TEXT[:REVIEWS] + TEXT[PROBLEMS:], "x.txt", ("partial", "cells_missing")),
    (SECTIONS_ONLY, "x.txt", ("partial", "sections_missing")),
    ("今天天气很好，我们去公园散步。\n" * 5, "x.txt", ("failed", "not_a_report")),
    (b"", "x.txt", ("failed", "empty_file")),
    (bytes(range(256)) * 10, "x.pdf", ("failed", "corrupt")),
])
def test_status_and_reason(text, name, want):
    got = status(text, name)
    assert got[:2] == want
    assert got[0] in STATUSES and got[1] in REASONS
    assert got[2]  # a message for a person


def test_a_blank_cell_makes_the_report_partial_and_says_how_many_cells_were_found():
    line = next(ln for ln in TEXT.splitlines() if ln.startswith("二、上年结转"))
    blanked = line.rsplit("\t0", 1)[0] + "\t"  # the total cell of 上年结转 left blank
    s, reason, message = status(TEXT.replace(line, blanked, 1))
    assert (s, reason) == ("partial", "cells_missing")
    assert "applications" in message
    found, expected = message.split("applications ")[1].split(",")[0].split("/")
    assert int(found) == int(expected) - 1


def test_missing_tables_are_named_in_the_message():
    _, _, message = status(TEXT[:REVIEWS] + TEXT[PROBLEMS:])
    assert "tables not found: reviews" in message


def test_the_reports_row_agrees_with_the_status_and_the_checks():
    for text in (TEXT, TEXT[:REVIEWS], SECTIONS_ONLY):
        rep = gx.read_report(text.encode(), name="x.txt")
        info = rep.info.iloc[0]
        assert (info["status"], info["status_reason"], info["message"]) == rep.status_reason
        assert info["n_checks_failed"] == len(rep.failed_checks())


def test_a_failed_report_has_no_checks_and_says_why():
    rep = gx.read_report(b"", name="x.txt")
    assert rep.status == "failed"
    assert rep.info.iloc[0]["n_checks_failed"] == 0
    assert rep.applications.empty and rep.checks.empty
