"""tidy: recognised tables → one record per template cell (counts whole and unsigned, money
in 万元, a cell not printed NA and never 0), and ``wide`` back to the printed layout."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit import template, tidy
from gxbg_kit.recognize import ActiveTable, ApplicationsTable, ReviewsTable
from gxbg_kit.schema import ACTIVE, APPLICANTS, APPLICATIONS

SEED_003 = Path(__file__).resolve().parents[2] / "data" / "reports" / "003_1e9d07bbaba7ae4f.txt"


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_an_empty_table_gives_every_skeleton_cell_as_na(version):
    rows, unreadable = tidy.applications_records("r", ApplicationsTable(), version)
    keys = template.report_application_keys([], version)
    assert len(rows) == len(keys) * len(APPLICANTS)
    assert [(r[1], r[2]) for r in rows[::len(APPLICANTS)]] == keys
    assert all(r[4] is None and r[5] is None and r[6] is False for r in rows)
    assert unreadable == []


def test_counts_are_whole_unsigned_numbers_else_na_and_listed_unreadable():
    cells = ["１２", "3件", "无", "", "-3", "1.5", "x"]
    table = ApplicationsTable(cells={("received", None): cells})
    rows, unreadable = tidy.applications_records("r", table, "2021")
    got = {r[3]: r[4] for r in rows if r[1] == "received"}
    assert got == dict(zip(APPLICANTS, [12, 3, 0, None, None, None, None]))
    assert [(u[3], u[4]) for u in unreadable] == [
        (list(APPLICANTS)[4], "-3"), (list(APPLICANTS)[5], "1.5"), (list(APPLICANTS)[6], "x")]
    # the raw cell is kept beside the count
    assert [r[5] for r in rows if r[1] == "received"] == cells


def test_inferred_marks_only_cells_with_a_count():
    key = ("granted", None)
    table = ApplicationsTable(cells={key: ["1", None, "0", "0", "0", "0", "1"]}, inferred={key})
    rows, _ = tidy.applications_records("r", table, "2021")
    flags = [r[6] for r in rows if (r[1], r[2]) == key]
    assert flags == [True, False, True, True, True, True, True]
    assert not any(r[6] for r in rows if (r[1], r[2]) != key)


def test_printed_keys_outside_the_skeleton_are_kept():
    table = ApplicationsTable(cells={("withheld", None): ["2"] * 7})  # a printed subtotal
    rows, _ = tidy.applications_records("r", table, "2021")
    assert [(r[1], r[2]) for r in rows][-1] == ("withheld", None)


def test_money_in_yuan_is_converted_to_wan_yuan_and_other_cells_keep_no_unit():
    table = ActiveTable(cells={("fees", "fee_amount"): "251000元", ("licensing", "decisions"): "5"})
    rows, unreadable = tidy.active_records("r", table, "2021")
    got = {(r[1], r[2]): (r[3], r[4]) for r in rows}
    assert got[("fees", "fee_amount")] == (pytest.approx(25.1), template.MONEY_UNIT)
    assert got[("licensing", "decisions")] == (5, None)
    # the cells the report left out are there, NA
    assert set(template.active_keys("2021")) <= set(got)
    assert got[("penalty", "decisions")] == (None, None)
    assert unreadable == []


def test_reviews_records_follow_the_template_cells():
    cells = ["0", "1", "0", "0", "1", "0", "0", "0", "0"] + [None] * 6
    rows, _ = tidy.reviews_records("r", ReviewsTable(cells=cells, n_printed=9))
    assert [(r[1], r[2]) for r in rows] == list(template.REVIEW_CELLS)
    assert [r[3] for r in rows] == [0, 1, 0, 0, 1, 0, 0, 0, 0] + [None] * 6


def test_wide_lays_out_the_printed_form():
    rep = gx.read_report(SEED_003)
    apps = rep.applications
    w = tidy.wide(apps)
    assert list(w.columns) == list(APPLICANTS)
    assert len(w) == len(apps) // len(APPLICANTS)
    assert w.loc[(rep.report_id, "received", "—")].tolist() == [0] * 7
    active = tidy.wide(rep.active)
    assert list(active.columns) == [rep.report_id] and len(active) == len(rep.active)
    with pytest.raises(ValueError, match="applications, reviews or active"):
        tidy.wide(pd.DataFrame({"x": [1]}))


def test_records_make_frames_of_the_schema():
    rows, _ = tidy.applications_records("r", ApplicationsTable(), "2021")
    frame = APPLICATIONS.frame(rows)
    assert frame["count"].isna().all() and len(frame) == len(rows)
    rows, _ = tidy.active_records("r", ActiveTable(), "2021")
    assert len(ACTIVE.frame(rows)) == len(template.active_keys("2021"))
