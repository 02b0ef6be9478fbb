"""Template-driven recognition: tokens, alignment, and digits cut by the arithmetic.

Unit tests of ``tokens``, ``splits`` and ``recognize`` (the regression tests for the quirks
that showed the need are in tests/regressions/, one file per report), and round trips of
the layouts the kit was never shown before (``synth.EXTRA_LAYOUTS``): every cell
read back is right or NA, never a wrong number.
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import gxbg_kit as gx
from gxbg_kit import synth
from gxbg_kit.recognize import _fit_tokens, recognise_applications, recognise_reviews
from gxbg_kit.tokens import Token

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"


# (tokens: tests/unit/test_tokens.py; splits.cuts: tests/unit/test_splits.py)


# -- fitting a row's tokens --------------------------------------------------
def tok(text, line=0, col=None, hard=True, gaps=False):
    return Token("blank" if text == "" else "value", text, line, col, hard, gaps)


def test_fit_drops_label_area_blanks_on_the_label_line():
    row = [tok(x) for x in ["", "0", "", "", "", "", "", "0"]]
    assert _fit_tokens(row, 7, 0)[0] == ["0", "", "", "", "", "", "0"]
    row = [tok(x) for x in ["8", "0", "0", "0", "0", "0", "8", ""]]
    assert _fit_tokens(row, 7, 0)[0] == ["8", "0", "0", "0", "0", "0", "8"]


def test_fit_blanks_at_both_ends_of_a_values_line_keep_only_agreed_cells():
    """broken Markdown: a numbers row on its own line, blank at both ends: which
    blank is padding is unknown, so the cells that depend on it are NA."""
    row = [tok(x, line=1, col=i) for i, x in enumerate(["", "0", "5", "0", "0", "0", "0", "", ""])]
    cells, note, _ = _fit_tokens(row, 7, 0)
    assert cells == [None, None, None, "0", "0", "0", None] and "padding" in note


def test_fit_cut_short_pads_tail_with_missing():
    cells, note, _ = _fit_tokens([tok("1"), tok("2")], 4, None)
    assert cells == ["1", "2", None, None] and "2 of 4" in note


def test_fit_short_row_in_a_layout_without_visible_blanks_is_not_guessed():
    """pdftotext: a blank cell leaves only a wider gap; which column it was is unknown."""
    cells, note, pieces = _fit_tokens([tok("3", gaps=True), tok("34", gaps=True)], 3, 0)
    assert cells is None and pieces is None and "blank" in note


# -- digits cut by the arithmetic (splits.cuts alone: tests/unit/test_splits.py) --


def test_a_row_of_100000_digits_returns_at_once():
    t0 = time.process_time()
    table = recognise_applications(["一、本年新收政府信息公开申请数量" + "1" * 100_000])
    assert time.process_time() - t0 < 5
    assert table.cells[("received", None)] == [None] * 7


def test_a_megabyte_of_tabs_returns_at_once():
    """A row of a million cells (a hostile or broken file) is not fitted cell by cell."""
    t0 = time.process_time()
    rep = gx.read_report(("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量"
                          + "\t" * 1_000_000 + "1\n").encode(), name="x.txt")
    assert rep.applications["count"].isna().all()
    assert time.process_time() - t0 < 3




def test_sums_decide_the_cut():
    """The issue's example: 120301016 under seven columns. Its own row sum leaves two
    cuts (12/0/3/0/1/0/16 and 1/2/0/3/0/10/16); the identity with the printed
    (七)总计 and 结转 rows leaves one."""
    lines = ["一、本年新收政府信息公开申请数量120301016",
             "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
             "（一）予以公开 12 0 3 0 1 0 16",
             "（七）总计 12 0 3 0 1 0 16",
             "四、结转下年度继续办理 0 0 0 0 0 0 0"]
    table = recognise_applications(lines)
    assert table.cells[("received", None)] == ["12", "0", "3", "0", "1", "0", "16"]
    assert ("received", None) in table.inferred
    alone = recognise_applications(lines[:1])
    assert alone.cells[("received", None)] == [None] * 6 + ["16"]
    assert any(p[0] == "ambiguous_split" for p in alone.problems)


# -- a cell that is not a number keeps its column ------------------------------
@pytest.mark.parametrize("bad", ["约100", "三", "100余", "1 234", "12%", "(3)", "3人", "5\x00"])
def test_non_number_cell_is_na_in_its_own_column(bad):
    truth = synth.generate_truth(3, "2021", "county")
    lines = synth.render(truth, "tab").split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith("一、本年新收"))
    cells = lines[i].split("\t")
    filled = [k for k, c in enumerate(cells) if c.strip()]
    cells[filled[2]] = bad  # the 商业企业 column
    lines[i] = "\t".join(cells)
    rep = gx.read_report("\n".join(lines).encode(), name="x.txt")
    row = rep.applications.set_index(["row", "applicant"]).loc["received", "count"]
    true = dict(zip(gx.schema.APPLICANTS, truth.app_cells[("received", None)]))
    for applicant, value in row.items():
        if applicant == "business":
            assert pd.isna(value)
        else:
            assert value == true[applicant], (applicant, value, true[applicant])
    failed = rep.failed_checks()
    assert ((failed["check"] == "unreadable_cell") & (failed["applicant"] == "business")).any()


# (regressions named for real reports: tests/regressions/)


# -- layouts never shown before: right or NA, never wrong -----------------------
SETTINGS = dict(deadline=None, database=None, phases=(Phase.explicit, Phase.generate), derandomize=True)


@pytest.mark.parametrize("layout", synth.EXTRA_LAYOUTS)
@settings(max_examples=12, **SETTINGS)
@given(seed=st.integers(0, 2**32 - 1), template=st.sampled_from(synth.TEMPLATES),
       scale=st.sampled_from(synth.SCALES), noise=st.booleans(), blanks=st.booleans())
def test_extra_layouts_never_read_a_wrong_number(layout, seed, template, scale, noise, blanks):
    truth = synth.generate_truth(seed, template, scale, defects=["blank_cells"] if blanks else [])
    data = synth.render_bytes(truth, layout, noise=noise)
    rep = gx.read_report(data, name=f"report.{synth.EXTENSIONS[layout]}")
    out = synth.cell_outcomes(truth, rep)
    wrong = out[out["outcome"] == "wrong"]
    if blanks and layout == "flattened":
        # a blank cell of a glued 第二十条 row leaves no trace and no sum checks the
        # cut: such a cell may be wrong, and it is marked inferred
        wrong = wrong[wrong["table"] != "active"]
    assert wrong.empty, f"{truth!r} layout={layout} noise={noise}:\n{wrong.to_string()}"
    assert (out["outcome"] != "na").mean() >= 0.5
    assert rep.section("problems")


def test_extra_layouts_read_most_cells():
    """Shares over a fixed sample (the benchmark prints them for larger corpora)."""
    for layout, floor in (("spaced", 0.95), ("flattened", 0.8), ("broken_markdown", 0.95)):
        outs = []
        for seed in range(12):
            truth = synth.generate_truth(seed, synth.TEMPLATES[seed % 3], "county")
            rep = gx.read_report(synth.render_bytes(truth, layout, noise=seed % 2 == 1),
                                 name=f"r.{synth.EXTENSIONS[layout]}")
            outs.append(synth.cell_outcomes(truth, rep))
        got = pd.concat(outs)
        read = got["outcome"].isin(["right", "inferred"]).mean()
        assert read >= floor, (layout, read)
        assert (got["outcome"] == "wrong").sum() == 0, layout


# -- the shortcut for regions of clean rows -------------------------------------
def _same_table(a, b):
    return ((a.cells, list(a.cells), a.templates, a.notes, a.inferred, a.problems)
            == (b.cells, list(b.cells), b.templates, b.notes, b.inferred, b.problems))


def test_plain_rows_give_the_table_the_general_alignment_gives():
    """Every layout, defects and noise included: where the shortcut reads a region
    (``_plain_rows``, ``_plain_reviews``), it gives exactly the general reading's table; it reads the
    clean tab, pipe, one-cell-per-line, Markdown and HTML tables most reports print."""
    from gxbg_kit.recognize import ApplicationsTable, _application_identifier, _plain_rows

    taken = {}
    items = synth.generate_corpus(80, 11, defect_share=0.5,
                                  layouts=synth.LAYOUTS + synth.EXTRA_LAYOUTS)
    sources = [(synth.render_bytes(i.truth, i.layout, noise=i.noise, encoding=i.encoding),
                f"r.{synth.EXTENSIONS[i.layout]}", i.layout, bool(i.truth.defects))
               for i in items]
    sources += [(p.read_bytes(), p.name, "real", True) for p in sorted(DATA.glob("*.txt"))]
    for data, name, layout, defects in sources:
        rep = gx.read_report(data, name=name)
        lines = rep._table_lines("applications")
        assert _same_table(recognise_applications(lines), recognise_applications(lines, plain=False)), name
        review_lines = rep._sections["reviews"].lines if "reviews" in rep._sections else []
        assert recognise_reviews(review_lines) == recognise_reviews(review_lines, plain=False), name
        plain = _plain_rows(lines, _application_identifier(ApplicationsTable()), 7) is not None
        if layout in ("tab", "pipe", "cells", "markdown", "html") and not defects:
            taken.setdefault(layout, []).append(plain)
    assert all(sum(v) >= 0.8 * len(v) for v in taken.values()), taken


def test_plain_rows_leave_a_row_printed_twice_to_the_general_alignment():
    """A row printed twice gets the general path's note (kept the first)."""
    truth = synth.generate_truth(5, "2021", "county")
    lines = synth.render(truth, "tab").split("\n")
    row = next(ln for ln in lines if ln.startswith("二、上年结转"))
    doubled = lines[:lines.index(row) + 1] + [row.replace("\t", "\t9", 1)[:-1]] + lines[lines.index(row) + 1:]
    got = recognise_applications(doubled)
    assert any("printed twice" in n for n in got.notes)
    assert _same_table(got, recognise_applications(doubled, plain=False))


# -- blank cells a layout leaves no trace of, placed by the sums ---------------------
def _spaced(rows):
    return ["    ".join([label, *vals.split()]) for label, vals in rows]


GRANTED = ("granted", None)


def test_the_sums_place_a_blank_cell_that_left_only_a_wider_gap():
    """pdftotext -layout: the 予以公开 row prints 6 of 7 cells (business left blank).
    Putting the blank anywhere else moves the 2 out of the research column, which breaks
    that column's sums; the blank is NA, the rest read, inferred."""
    lines = _spaced([("一、本年新收政府信息公开申请数量", "3 0 2 0 0 0 5"),
                     ("（一）予以公开", "3 2 0 0 0 5"),
                     ("（七）总计", "3 0 2 0 0 0 5")])
    table = recognise_applications(lines)
    assert table.cells[GRANTED] == ["3", None, "2", "0", "0", "0", "5"]
    assert GRANTED in table.inferred and not table.problems


def test_a_blank_among_zeros_could_stand_anywhere_so_only_agreed_cells_are_read():
    lines = _spaced([("一、本年新收政府信息公开申请数量", "3 0 0 0 0 0 3"),
                     ("（一）予以公开", "3 0 0 0 0 3"),
                     ("（七）总计", "3 0 0 0 0 0 3")])
    table = recognise_applications(lines)
    # the blank is one of the five zero columns: which one the text does not say
    assert table.cells[GRANTED] == ["3", None, None, None, None, None, "3"]
    (problem,) = table.problems
    assert problem[0] == "unplaced_values" and "5 placements" in problem[2]


def test_a_blank_may_hide_a_number_so_it_never_breaks_a_sum():
    """The 总计 cell is the blank: 1+0+0+1 need not be printed to be 2. Any of the five
    cells could be the blank, so the row stays NA rather than read with a shifted total."""
    lines = _spaced([("一、本年新收政府信息公开申请数量", "1 0 0 0 0 1 2"),
                     ("（一）予以公开", "1 0 0 0 0 1")])
    table = recognise_applications(lines)
    assert table.cells[GRANTED][6] is None and table.cells[GRANTED][:6].count(None) >= 1


def test_no_placement_keeping_the_sums_leaves_the_row_na():
    lines = _spaced([("一、本年新收政府信息公开申请数量", "3 0 2 0 0 0 5"),
                     ("（一）予以公开", "4 1 0 0 0 9"),
                     ("（七）总计", "3 0 2 0 0 0 5")])
    table = recognise_applications(lines)
    assert table.cells[GRANTED] == [None] * 7
    assert table.problems[0][0] == "unplaced_values" and "no placement" in table.problems[0][2]


def test_printed_sums_that_do_not_hold_place_no_blank():
    lines = _spaced([("一、本年新收政府信息公开申请数量", "3 0 2 0 0 0 5"),
                     ("（一）予以公开", "3 2 0 0 0 5"),
                     ("（七）总计", "3 0 2 0 0 0 6")])  # 3+2 printed as 6
    table = recognise_applications(lines)
    assert table.cells[GRANTED] == [None] * 7
    assert any("do not hold" in p[2] for p in table.problems if p[0] == "unplaced_values")


def test_blank_placement_is_only_for_rows_a_sum_can_check():
    """The fitting step alone never guesses (the 第二十条 rows, which no sum checks, use it)."""
    cells, note, pieces = _fit_tokens([tok("3", gaps=True), tok("34", gaps=True)], 3, 0)
    assert cells is None and pieces is None and "blank" in note
    cells, note, pieces = _fit_tokens([tok("3", gaps=True), tok("34", gaps=True)], 3, 0,
                                      place_blanks=True)
    assert cells is None and len(pieces.candidates) == 3 and pieces.blanks == 1


@pytest.mark.parametrize("seed", range(30))
def test_spaced_reports_with_blank_cells_and_broken_sums_never_read_a_wrong_number(seed):
    defects = [["blank_cells"], ["blank_cells", "broken_identity"], ["blank_cells", "missing_rows"]]
    truth = synth.generate_truth(7000 + seed, synth.TEMPLATES[seed % 3], synth.SCALES[seed % 3],
                                 defects=defects[seed % 3])
    rep = gx.read_report(synth.render_bytes(truth, "spaced", noise=seed % 2 == 1), name="r.txt")
    out = synth.cell_outcomes(truth, rep)
    assert (out["outcome"] == "wrong").sum() == 0, out[out["outcome"] == "wrong"].to_string()
