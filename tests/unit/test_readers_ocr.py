"""Scanned reports: OCR as a PDF engine, proof-read by the template's arithmetic.

The scans are the synthetic reports' ``scan`` layout (the ``pdf`` layout printed,
scanned at 150 dpi with skew, blur and noise, saved as page images), made at test
time.  OCR costs seconds a page on this machine's cores, so each scan is read once
per session (one 2-page report in the fast tests) and the tests share it.
"""
from __future__ import annotations

import dataclasses
from functools import cache

import pandas as pd
import pytest

pytest.importorskip("pdfplumber")
pytest.importorskip("rapidocr_onnxruntime")
pytest.importorskip("pypdfium2")

import gxbg_kit as gx  # noqa: E402
from gxbg_kit import synth  # noqa: E402
from gxbg_kit.errors import ReadError  # noqa: E402
from gxbg_kit.readers import ocr, read_pdf  # noqa: E402
from gxbg_kit.readers.proofread import (  # noqa: E402
    alternatives, proofread, proofread_active, proofread_applications, proofread_reviews)
from gxbg_kit.recognize import recognise_active, recognise_applications, recognise_reviews  # noqa: E402
from gxbg_kit.report import Report  # noqa: E402

from _readers_common import FIXTURES, SEED_TEXTS, frames  # noqa: E402

SEED = 11


@cache
def truth():
    return synth.generate_truth(SEED, template="2021", scale="city")


@cache
def scan() -> bytes:
    return synth.render_bytes(truth(), "scan")


@cache
def scanned_report():
    return gx.read_report(scan(), name="scan.pdf")


# ---------------------------------------------------------------------------
# the scan layout
# ---------------------------------------------------------------------------
def test_scan_layout_is_image_only_and_deterministic():
    data = scan()
    assert data == synth.render_bytes(truth(), "scan")
    with pytest.raises(ReadError) as err:  # without OCR: no text layer
        read_pdf(data, engines=("pdfplumber",))
    assert err.value.reason == "no_text_layer"
    assert synth.render_bytes(synth.generate_truth(SEED + 1, template="2021", scale="city"),
                              "scan") != data
    assert "scan" not in synth.ALL_LAYOUTS  # corpora draw it only when asked to


# ---------------------------------------------------------------------------
# round trip through OCR
# ---------------------------------------------------------------------------
def test_scanned_report_round_trip():
    rep = scanned_report()
    out = synth.cell_outcomes(truth(), rep)
    counts = out["outcome"].value_counts()
    assert counts.get("wrong", 0) == 0, out[out["outcome"] == "wrong"]
    assert counts.get("right", 0) + counts.get("inferred", 0) >= 0.98 * len(out)
    assert rep.status == "ok"
    assert rep.agency == truth().agency and rep.year == truth().year


def test_reports_say_which_pages_were_ocrd():
    info = scanned_report().info.iloc[0]
    assert info["ocr_pages"] == "1,2" and info["pages"] == 2
    assert 0.5 < info["ocr_confidence"] <= 1
    assert "applications:ocr" in info["engines"]
    text_pdf = gx.read_report(FIXTURES / "pdf" / "003_rl.pdf").info.iloc[0]
    assert pd.isna(text_pdf["ocr_pages"]) and pd.isna(text_pdf["ocr_confidence"])


def test_skew_is_measured():
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    page = pdfium.PdfDocument(synth.render_bytes(truth(), "pdf"))[1]
    img = page.render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    for angle in (-0.6, 0.45):
        turned = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
        measured = ocr._skew(ocr._binary(np.asarray(turned)), ocr.SETTINGS)
        assert abs(measured + angle) < 0.1, (angle, measured)  # image y runs down


def test_only_the_scanned_page_of_a_pdf_is_ocrd():
    """Page 1 with its text layer, page 2 scanned: the applications table that runs from
    one to the other is joined, every cell right."""
    import io

    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(synth.render_bytes(truth(), "pdf")), [0])
    mixed.import_pages(pdfium.PdfDocument(scan()), [1])
    buf = io.BytesIO()
    mixed.save(buf)
    rep = gx.read_report(buf.getvalue(), name="mixed.pdf")
    info = rep.info.iloc[0]
    assert info["ocr_pages"] == "2"
    assert info["engines"] == "active:pdfplumber; applications:ocr; reviews:ocr"
    assert set(synth.cell_outcomes(truth(), rep)["outcome"]) == {"right"}
    assert rep.status == "ok"


def test_without_the_extra_the_reason_stays_no_text_layer(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(ReadError) as err:
        read_pdf(scan())
    assert err.value.reason == "no_text_layer"
    assert "pip install 'gxbg_kit[ocr]'" in err.value.message
    rep = gx.read_report(scan(), name="scan.pdf")
    assert rep.status_reason[:2] == ("failed", "no_text_layer")


# ---------------------------------------------------------------------------
# arithmetic as the proof-reader
# ---------------------------------------------------------------------------
def test_confusable_alternatives():
    assert set(alternatives("10")) == {"70", "18", "16", "19"}
    assert "05" not in alternatives("85")  # never a leading zero
    assert alternatives("2") == [] and alternatives("") == []


def _recognised(text_layout="tab"):
    lines = synth.render(truth(), text_layout).split("\n")
    return recognise_applications(lines)


def test_one_misread_digit_is_corrected_by_the_sums():
    table = _recognised()
    key = ("granted", None)
    true = table.cells[key][0]
    wrong = alternatives(true)[0]
    table.cells[key][0] = wrong
    proofread_applications(table)
    assert table.cells[key][0] == true
    assert key in table.inferred
    assert [p[0] for p in table.problems] == ["ocr_corrected"]
    assert f"OCR read {wrong}" in table.problems[0][2] and true in table.problems[0][2]


def test_several_misreads_in_one_column_are_corrected_one_by_one():
    table = _recognised()
    keys = [k for k in table.cells if k[1] is not None and alternatives(table.cells[k][2] or "")][:3]
    assert len(keys) == 3
    true = {k: table.cells[k][2] for k in keys}
    for k in keys:  # no single change repairs the column's sums: each row's sum is repaired
        table.cells[k][2] = alternatives(true[k])[-1]
    proofread_applications(table)
    assert {k: table.cells[k][2] for k in keys} == true
    assert sorted(p[1] for p in table.problems if p[0] == "ocr_corrected") == sorted(keys)


def test_a_misread_no_single_digit_repairs_is_na_never_wrong():
    table = _recognised()
    key = ("granted", None)
    true = table.cells[key][0]
    table.cells[key][0] = true + "2"  # a digit too many: no confusable digit repairs it
    proofread_applications(table)
    assert table.cells[key][0] is None
    assert {p[0] for p in table.problems} == {"ocr_unverified"}


def test_two_repairs_that_both_fit_are_not_guessed():
    # a + b = t read as 6 + 0 = 0: a 6→0 and t 0→6 both repair it; nothing is guessed
    cells = {("r", 0): "6", ("r", 1): "0", ("r", 2): "0"}
    fixed, na, notes = proofread(cells, [((("r", 0), ("r", 1)), (("r", 2),))])
    assert fixed == {}
    assert na == {("r", 0), ("r", 1), ("r", 2)}
    assert {n[0] for n in notes} == {"ocr_unverified"}


def test_a_row_read_short_is_na_not_shifted():
    """A rule OCR did not see merges two cells: the values after it would move left."""
    lines = synth.render(truth(), "tab").split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith("结果维持"))  # the reviews header
    row = next(i for i in range(k, len(lines)) if lines[i].split("\t")[0].strip().isdigit())
    lines[row] = "\t".join(lines[row].split("\t")[:7])  # 7 of 15 cells
    table = recognise_reviews(lines[k - 3:row + 1])
    assert table.cells[6] is not None  # as read from text: in order, the tail NA
    proofread_reviews(table)
    assert table.cells == [None] * 15
    assert [p[0] for p in table.problems] == ["ocr_unverified"]


def test_active_cells_cut_from_run_together_digits_are_na():
    lines = ["第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
             "规章000", "行政规范性文件\t3\t1\t20"]  # 规章's cells ran into its label
    table = recognise_active(lines)
    assert "regulations" in table.inferred and table.cells[("regulations", "issued")] == "0"
    proofread_active(table)
    assert table.cells[("regulations", "issued")] is None and not table.inferred
    assert table.cells[("normative_documents", "in_force")] == "20"
    assert [(p[0], p[1]) for p in table.problems] == [("ocr_unverified", "regulations")]


def test_scanned_report_with_misreads_is_never_ok_with_a_wrong_number():
    """The OCR'd text with misread digits (one a confusable digit, one a digit too many)."""
    rep = scanned_report()
    doc = rep.document
    t = truth()
    lines = doc.text.split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    parts = lines[k].split("\t")
    first = next(j for j, c in enumerate(parts) if c.strip().isdigit())
    parts[first] = parts[first] + "7"
    lines[k] = "\t".join(parts)
    bad = Report(scan(), "scan.pdf")
    bad.__dict__["document"] = dataclasses.replace(doc, text="\n".join(lines))
    assert bad.status != "ok"
    out = synth.cell_outcomes(t, bad)
    assert (out["outcome"] == "wrong").sum() == 0
    assert "ocr_unverified" in set(bad.failed_checks()["check"].astype(str))


# ---------------------------------------------------------------------------
# real fixtures read by OCR (slow: several pages)
# ---------------------------------------------------------------------------
@pytest.mark.slow
def test_pdf_without_unicode_map_is_read_by_ocr():
    rep = gx.read_report(FIXTURES / "pdf" / "cid.pdf")
    want = frames(gx.read_report(SEED_TEXTS["003"]))
    got = frames(rep)
    for table in ("applications", "reviews"):
        pd.testing.assert_frame_equal(got[table], want[table], obj=table)
    assert rep.info.iloc[0]["ocr_pages"] == "1,2,3"


@pytest.mark.slow
def test_low_resolution_scan_fixture_is_read():
    rep = gx.read_report(FIXTURES / "pdf" / "scanned.pdf")
    assert rep.status != "failed"
    assert rep.info.iloc[0]["ocr_pages"] == "1,2"


@pytest.mark.parametrize("again, expected", [("1234578", "?12345678"), ("12345678", "12345678")])
def test_long_numbers_are_read_twice_and_unreadable_when_the_readings_differ(monkeypatch, again,
                                                                               expected):
    import numpy as np

    seen = []

    def second(crops, eng, settings):
        seen.append(len(crops))
        return [(again, 0.9)]

    monkeypatch.setattr(ocr, "_recognise", second)
    page = np.full((60, 300), 255, np.uint8)
    where = [((10, 10, 120, 30), True), ((150, 10, 170, 30), True), ((10, 40, 200, 55), False)]
    texts = ocr._second_opinion([("12345678", 0.9), ("0", 0.5), ("12345678", 0.9)], page, where,
                                None, ocr.SETTINGS)
    assert seen == [1]  # only the long number of a table cell is read again
    assert [t for t, _ in texts] == [expected, "0", "12345678"]
