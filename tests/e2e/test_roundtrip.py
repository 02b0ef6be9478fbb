"""Round trip: random true tables -> a report in every layout -> gx.read_report -> the same frames.

A failure message names the truth (seed, template, scale, defects) and the render
arguments, so ``synth.render(synth.generate_truth(...), layout, noise=..., style=...)``
rebuilds the failing file.  Set GXBG_RANDOM_ROUNDTRIP=1 to let hypothesis draw new
examples on every run (CI uses a fixed, derandomized set).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import gxbg_kit as gx
from gxbg_kit import schema as S
from gxbg_kit import synth

# No shrinking: the examples are seeds, and a smaller seed is not a simpler report.
SETTINGS = dict(deadline=None, database=None, phases=(Phase.explicit, Phase.generate),
                derandomize=os.environ.get("GXBG_RANDOM_ROUNDTRIP") != "1")
TABLES = (("applications", S.APPLICATIONS), ("active", S.ACTIVE), ("reviews", S.REVIEWS))

seeds = st.integers(0, 2**32 - 1)
templates = st.sampled_from(synth.TEMPLATES)
scales = st.sampled_from(synth.SCALES)


def parse(truth, layout, noise, style):
    data = synth.render_bytes(truth, layout, noise=noise, style=style)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{synth.EXTENSIONS[layout]}"
        path.write_bytes(data)
        return gx.read_report(path)


def need_writer(layout):
    """Skip a docx/pdf example when its writer (or the PDF reader's) library is missing."""
    if layout in synth.WRITER_LIBRARIES:
        pytest.importorskip(synth.WRITER_LIBRARIES[layout])
    if layout == "pdf":
        pytest.importorskip("pdfplumber")


def mismatches(truth_frame: pd.DataFrame, parsed: pd.DataFrame, table: S.Table) -> pd.DataFrame:
    """Cells where the parsed frame differs from the truth (key columns, values; not raw)."""
    keys = [k for k in table.key if k != "report_id"]
    values = [c for c in table.names if c not in table.key and c not in ("raw", "inferred")]
    m = truth_frame[keys + values].astype(object).merge(
        parsed[keys + values].astype(object), on=keys, how="outer",
        suffixes=("_truth", "_parsed"), indicator=True)
    bad = m["_merge"] != "both"
    for v in values:
        a, b = m[f"{v}_truth"], m[f"{v}_parsed"]
        both_na = a.isna() & b.isna()
        if v == "value":
            same = pd.Series([x is not None and y is not None and not pd.isna(x) and not pd.isna(y)
                              and bool(np.isclose(float(x), float(y), rtol=1e-12, atol=0))
                              for x, y in zip(a, b)], index=m.index)
        else:
            same = (a == b).fillna(False).astype(bool)
        bad |= ~(both_na | same)
    return m[bad]


def assert_roundtrip(truth, layout, noise, style):
    rep = parse(truth, layout, noise, style)
    where = (f"{truth!r} layout={layout!r} noise={noise} style={style!r}; "
             f"truth.missing_rows={truth.missing_rows} truth.blank_cells={truth.blank_cells}")
    for name, table in TABLES:
        bad = mismatches(getattr(truth, name), getattr(rep, name), table)
        assert bad.empty, f"{name} differs for {where}:\n{bad.head(10).to_string()}"
    checks = rep.checks[rep.checks["check"].isin(synth.MODELLED_CHECKS)]
    failing = set(checks.loc[checks["ok"].eq(False).fillna(False), "check"].astype(str))
    assert failing == truth.expected_failures, (
        f"failing checks {sorted(failing)} != expected {sorted(truth.expected_failures)} for {where}:\n"
        + rep.checks[rep.checks["ok"].eq(False).fillna(False)].head(10).to_string())
    return rep, checks


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@settings(max_examples=8, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans(), data=st.data())
def test_roundtrip_valid_reports(layout, seed, template, scale, noise, data):
    style = data.draw(st.sampled_from(synth.LAYOUT_STYLES[layout]), label="style")
    truth = synth.generate_truth(seed, template, scale)
    rep, checks = assert_roundtrip(truth, layout, noise, style)
    assert set(checks["check"]) >= {"identity", "applicant_sum", "outcome_sum", "review_sum",
                                    "completeness"}
    assert checks["ok"].eq(True).all(), checks[~checks["ok"].eq(True).fillna(False)].to_string()
    assert (rep.template, rep.status) == (truth.template, "ok")


KNOWN_METADATA_BUGS: dict[str, str] = {}  # layout -> reason, for an xfail while a bug is open


@pytest.mark.parametrize("layout", [
    pytest.param(layout, marks=pytest.mark.xfail(reason=KNOWN_METADATA_BUGS[layout] + "; reported "
                                                 "to the lead", strict=False))
    if layout in KNOWN_METADATA_BUGS else layout
    for layout in synth.ALL_LAYOUTS + synth.EXTRA_LAYOUTS])
@settings(max_examples=4, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans())
def test_roundtrip_metadata(layout, seed, template, scale, noise):
    need_writer(layout)
    truth = synth.generate_truth(seed, template, scale)
    rep = parse(truth, layout, noise, None)
    problems = rep.section("problems") or ""
    assert sum(phrase in problems for phrase in synth.PROBLEM_PHRASES) >= 2, problems
    assert "二是" in problems and "附" not in problems and "六、" not in problems
    assert (rep.agency, rep.year, rep.template) == (truth.agency, truth.year, truth.template)


@pytest.mark.parametrize("layout", synth.BINARY_LAYOUTS)
@settings(max_examples=3, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans(),
       defects=st.sets(st.sampled_from(["missing_rows", "truncated_reviews", "broken_identity"])))
def test_roundtrip_docx_pdf(layout, seed, template, scale, noise, defects):
    need_writer(layout)
    truth = synth.generate_truth(seed, template, scale, defects=defects)
    assert_roundtrip(truth, layout, noise, None)


# Defects whose round trip the parser gets right with any other defect.  ``blank_cells``
# is tested apart (test_roundtrip_blank_cells*), where the status must be partial.
ROBUST_DEFECTS = [d for d in synth.DEFECTS if d != "blank_cells"]


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@settings(max_examples=6, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans(),
       defects=st.sets(st.sampled_from(ROBUST_DEFECTS), min_size=1), data=st.data())
def test_roundtrip_defects(layout, seed, template, scale, noise, defects, data):
    style = data.draw(st.sampled_from(synth.LAYOUT_STYLES[layout]), label="style")
    truth = synth.generate_truth(seed, template, scale, defects=defects)
    rep, _ = assert_roundtrip(truth, layout, noise, style)
    if {"missing_rows", "truncated_reviews"} & set(defects):
        assert rep.status == "partial"


@pytest.mark.parametrize("layout", synth.ALL_LAYOUTS)
@settings(max_examples=4, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans())
def test_roundtrip_blank_cells_any_layout(layout, seed, template, scale, noise):
    """Blank cells of any table read back as NA, and the numbers after them stay in
    their columns, whatever the layout (Word and PDF included)."""
    need_writer(layout)
    truth = synth.generate_truth(seed, template, scale, defects=["blank_cells"])
    rep, _ = assert_roundtrip(truth, layout, noise, None)
    assert rep.status == "partial"


@pytest.mark.parametrize("layout", synth.BINARY_LAYOUTS)
@pytest.mark.parametrize("table", ["reviews", "active"])
def test_blank_review_and_active_cells_do_not_shift_word_and_pdf(layout, table):
    """A blank cell in a review row or an active-disclosure table of a Word or PDF
    report leaves the numbers after it in their columns (the any-layout round trip
    above draws such blanks only now and then)."""
    need_writer(layout)
    truth = next(t for t in (synth.generate_truth(seed, synth.TEMPLATES[seed % len(synth.TEMPLATES)],
                                                  "city", defects=["blank_cells"])
                             for seed in range(1000))
                 if any(c[0] == table for c in t.blank_cells))
    rep, _ = assert_roundtrip(truth, layout, False, None)
    assert rep.status == "partial", truth.blank_cells


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@settings(max_examples=6, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans(), data=st.data())
def test_roundtrip_blank_cells(layout, seed, template, scale, noise, data):
    style = data.draw(st.sampled_from(synth.LAYOUT_STYLES[layout]), label="style")
    truth = synth.generate_truth(seed, template, scale, defects=["blank_cells"])
    rep, _ = assert_roundtrip(truth, layout, noise, style)
    assert rep.status == "partial"


@pytest.mark.parametrize("encoding", synth.ENCODINGS)
@pytest.mark.parametrize("layout", ["tab", "cells", "markdown"])
def test_roundtrip_encodings(layout, encoding, tmp_path):
    truth = synth.generate_truth(len(encoding) * 7 + len(layout), "mixed", "city")
    path = tmp_path / f"report.{synth.EXTENSIONS[layout]}"
    path.write_bytes(synth.render(truth, layout, noise=True).encode(encoding))
    rep = gx.read_report(path)
    for name, table in TABLES:
        bad = mismatches(getattr(truth, name), getattr(rep, name), table)
        assert bad.empty, f"{name} differs for {truth!r} in {encoding}:\n{bad.head().to_string()}"


# -- extra layouts (synth.EXTRA_LAYOUTS) -------------------------------------------
# pdftotext -layout text, flattened web pages and PDF-to-Markdown output.  The rule is
# "a wrong number is worse than a missing one": a cell may come back NA (digits glued
# so that several cuts fit the sums: check ambiguous_split; a blank cell that leaves no
# trace: check unplaced_values), and cells whose boundaries were not printed are marked
# inferred.  Outcomes per template cell come from synth.cell_outcomes.
PLACEMENT_CHECKS = ("ambiguous_split", "unplaced_values")
#: Least share of right + inferred cells in one valid report (measured on 100 random
#: reports per layout: min 0.94 spaced, 0.91 broken_markdown, 0.30 flattened, whose
#: glued rows are often cut several ways; its share over a sample is tested below).
EXTRA_REPORT_FLOORS = {"spaced": 0.90, "flattened": 0.25, "broken_markdown": 0.90}
#: Least share over the fixed sample of test_extra_layouts_read_share (measured over 100
#: random reports: 0.99 spaced, 0.98 broken_markdown, 0.86-0.88 flattened).
EXTRA_SAMPLE_FLOORS = {"spaced": 0.95, "flattened": 0.75, "broken_markdown": 0.95}
#: Tables in which every NA cell of a valid report (where the truth has a value) is
#: explained by a failing ambiguous_split / unplaced_values check of its row.  Not
#: covered: flattened, reviews: with the appendix style and noise the inline heading of
#: section 四 (``3、行政复议…``) is not found and the reviews table with it
#: (seed=892100480 template='2021' scale='city' noise=True: 0 of 15 cells).
EXPLAINED_NA_TABLES = {"spaced": ("applications", "active", "reviews"),
                       "flattened": ("applications", "active"),
                       "broken_markdown": ("applications", "active", "reviews")}
_KEYS = {"applications": ["row", "reason", "applicant"], "active": ["item", "measure"],
         "reviews": ["proceeding", "result"]}


def _key(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def parse_extra(truth, layout, noise, style):
    rep = parse(truth, layout, noise, style)
    out = synth.cell_outcomes(truth, rep)
    failing = rep.checks[rep.checks["ok"].eq(False).fillna(False)]
    where = (f"{truth!r} layout={layout!r} noise={noise} style={style!r}; "
             f"truth.missing_rows={truth.missing_rows} truth.blank_cells={truth.blank_cells}")
    return rep, out, failing, where


def unexplained_na(out, failing, tables):
    """NA cells (the truth has a value) of ``tables`` without a failing placement check
    on their row (applications: row and reason; active: row = item; reviews: the table)."""
    placed = {(r.table, _key(r.row), _key(r.cell))
              for r in failing[failing["check"].isin(PLACEMENT_CHECKS)].itertuples()}
    na = out[(out["outcome"] == "na") & out["table"].isin(tables)]
    keys = [(r.table, _key(r.row), _key(r.reason)) if r.table == "applications"
            else (r.table, r.item, None) if r.table == "active" else (r.table, None, None)
            for r in na.itertuples()]
    return na[[k not in placed for k in keys]]


def wrong_cells(out, rep):
    """Wrong cells with the parsed ``raw`` and ``inferred`` of each."""
    parts = []
    for name, keys in _KEYS.items():
        w = out[(out["outcome"] == "wrong") & (out["table"] == name)][["table"] + keys]
        if not w.empty:
            parts.append(w.astype(object).merge(
                getattr(rep, name)[keys + ["raw", "inferred"]].astype(object), on=keys, how="left"))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["table", "raw", "inferred"])


def unflagged(wrong, failing):
    """Wrong cells neither marked inferred nor in a row (applications) or table (active,
    reviews) with a failing check: wrong numbers a reader has no warning of."""
    rows = {(r.table, _key(r.row), _key(r.cell)) for r in failing.itertuples()}
    tables = set(failing["table"].dropna().astype(str))
    keep = []
    for r in wrong.itertuples():
        inferred = r.inferred is True or (not pd.isna(r.inferred) and bool(r.inferred))
        flagged = ((r.table, _key(r.row), _key(r.reason)) in rows if r.table == "applications"
                   else r.table in tables)
        keep.append(not (inferred or flagged))
    return wrong[keep]


def known_wrong(wrong, layout, truth, rep, failing):
    """Drop the wrong cells of the one known limit: in the flattened layout digits glued
    over a blank cell that leaves no trace may be cut one way only (as many digits as
    cells), and that cut is taken although a sum breaks; the reader is warned (the cells
    are marked inferred, or their row's sum check fails), and in table active no sum
    checks a cut at all (the documented 第二十条 residual)."""
    if layout == "flattened":
        return unflagged(wrong, failing)
    return wrong


@pytest.mark.parametrize("layout", synth.EXTRA_LAYOUTS)
@settings(max_examples=8, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans(), data=st.data())
def test_roundtrip_extra_layouts_valid_reports(layout, seed, template, scale, noise, data):
    """Valid reports: no wrong cell, most cells read, template and status right, and every
    NA cell explained by a placement check of its row (where that holds, see above)."""
    style = data.draw(st.sampled_from(synth.LAYOUT_STYLES[layout]), label="style")
    truth = synth.generate_truth(seed, template, scale)
    rep, out, failing, where = parse_extra(truth, layout, noise, style)
    wrong = wrong_cells(out, rep)
    assert wrong.empty, f"wrong cells for {where}:\n{wrong.head(10).to_string()}"
    share = out["outcome"].isin(["right", "inferred"]).mean()
    assert share >= EXTRA_REPORT_FLOORS[layout], f"{share:.3f} read for {where}"
    assert rep.status in ("ok", "partial"), where
    assert rep.template == truth.template, where
    names = set(failing["check"].astype(str))
    assert names <= {*PLACEMENT_CHECKS, "completeness"}, (
        f"failing {sorted(names)} for {where}:\n{failing.head(10).to_string()}")
    assert (rep.status == "partial") == bool(names), (rep.status, sorted(names), where)
    na = unexplained_na(out, failing, EXPLAINED_NA_TABLES[layout])
    assert na.empty, (f"NA cells without a placement check for {where}:\n{na.head(10).to_string()}"
                      f"\n{failing.head(10).to_string()}")


def test_extra_layouts_read_share():
    """Share of right + inferred cells over a fixed sample: every template and scale,
    noise on and off (one seed each)."""
    for layout in synth.EXTRA_LAYOUTS:
        outs = []
        for i, (template, scale, noise) in enumerate(
                (t, s, n) for t in synth.TEMPLATES for s in synth.SCALES for n in (False, True)):
            truth = synth.generate_truth(1000 + i, template, scale)
            outs.append(parse_extra(truth, layout, noise, None)[1])
        got = pd.concat(outs)
        share = got["outcome"].isin(["right", "inferred"]).mean()
        assert share >= EXTRA_SAMPLE_FLOORS[layout], (layout, share)
        assert (got["outcome"] == "wrong").sum() == 0, layout


def assert_extra_defects(truth, layout, noise, style):
    rep, out, failing, where = parse_extra(truth, layout, noise, style)
    blanks = "blank_cells" in truth.defects
    wrong = wrong_cells(out, rep)
    bad = known_wrong(wrong, layout, truth, rep, failing)
    assert bad.empty, f"wrong cells for {where}:\n{bad.head(10).to_string()}"
    names = set(failing.loc[failing["check"].isin(synth.MODELLED_CHECKS), "check"].astype(str))
    if layout == "flattened":
        # glued digits are cut so that the sums hold: a row whose printed sum is broken
        # is left NA (ambiguous_split) instead of failing applicant_sum / outcome_sum /
        # identity (and narrative then has no number to compare); only completeness
        # shows up every time (measured on 100 reports with defects)
        expected = truth.expected_failures & {"completeness"}
    elif blanks:
        # a blank cell left NA (unplaced_values) takes its row out of the sums, so an
        # outcome_sum the truth breaks may not show; completeness does (when no wrong
        # number filled the blank: see known_wrong)
        expected = truth.expected_failures & {"completeness"} if wrong.empty else set()
    else:
        expected = truth.expected_failures
    assert expected <= names, (
        f"failing checks {sorted(names)} miss {sorted(expected - names)} for {where}:\n"
        + failing.head(10).to_string())
    return rep


@pytest.mark.parametrize("layout", synth.EXTRA_LAYOUTS)
@settings(max_examples=6, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans(),
       defects=st.sets(st.sampled_from(ROBUST_DEFECTS), min_size=1), data=st.data())
def test_roundtrip_extra_layouts_defects(layout, seed, template, scale, noise, defects, data):
    style = data.draw(st.sampled_from(synth.LAYOUT_STYLES[layout]), label="style")
    truth = synth.generate_truth(seed, template, scale, defects=defects)
    rep = assert_extra_defects(truth, layout, noise, style)
    if {"missing_rows", "truncated_reviews"} & set(defects):
        assert rep.status == "partial"


@pytest.mark.parametrize("layout", synth.EXTRA_LAYOUTS)
@settings(max_examples=6, **SETTINGS)
@given(seed=seeds, template=templates, scale=scales, noise=st.booleans(), data=st.data())
def test_roundtrip_extra_layouts_blank_cells(layout, seed, template, scale, noise, data):
    style = data.draw(st.sampled_from(synth.LAYOUT_STYLES[layout]), label="style")
    truth = synth.generate_truth(seed, template, scale, defects=["blank_cells"])
    rep = assert_extra_defects(truth, layout, noise, style)
    assert rep.status == "partial"


@pytest.mark.parametrize("layout, seed, template, scale, defects", [
    # 无 of the vertical label 无法提供 once read as the 总计 0 of 本机关不掌握相关政府信息,
    # and an indented lone 无 line as a numbers row without a label
    ("spaced", 2015714664, "2021", "province", ["blank_cells"]),
    ("spaced", 565125450, "2021", "county", ["missing_rows"]),
    # missing row 2.其他法律…: the "2." left of its wrapped label once read as a value
    ("spaced", 70862307, "2019", "city", ["broken_identity", "missing_rows",
                                          "narrative_disagrees", "truncated_reviews"]),
    # 政府集中采购 2673|1028822 glued: an amount may have more than 6 digits (now ambiguous)
    ("flattened", 575, "2019", "province", []),
    # blank natural_person of withheld/query_item: the table's columns decide which end's
    # blank is padding (six 0 once shifted left)
    ("broken_markdown", 1489076075, "mixed", "county", ["blank_cells"]),
    # a bare page number set far in (pdftotext footer) once read as a cell of 予以公开
    ("spaced", 739491, "2019", "county", ["blank_cells"]),
])
def test_extra_layout_quirks_read_no_wrong_number(layout, seed, template, scale, defects):
    """Regression tests, one per quirk the extra-layout round trips found."""
    truth = synth.generate_truth(seed, template, scale, defects=defects)
    rep, out, _, where = parse_extra(truth, layout, False, None)
    wrong = out[out["outcome"] == "wrong"]
    assert wrong.empty, f"wrong cells for {where}:\n{wrong.to_string()}"


@pytest.mark.xfail(strict=True, reason="a known limit: a blank cell of a flattened row leaves no "
                   "trace; 9100010 over seven cells is cut one way (marked inferred, applicant_sum fails)")
def test_flattened_blank_cell_glued_row_is_a_known_limit():
    truth = synth.generate_truth(2699165765, "2021", "province", defects=["blank_cells"])
    rep, out, failing, where = parse_extra(truth, "flattened", False, None)
    assert out[out["outcome"] == "wrong"].empty


def test_spaced_grid_2021_report_keeps_its_template():
    """seed 155 once read as mixed while recognition was being rebuilt."""
    truth = synth.generate_truth(155, "2021", "county")
    rep = parse(truth, "spaced", False, "grid")
    assert rep.template == truth.template
