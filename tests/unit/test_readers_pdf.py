"""PDF reader: text in reading order, tables as tab rows, failures with their reasons.

The fixtures are made by scripts/make_fixtures.py (LibreOffice and reportlab renderings
of the five seed reports in four CJK fonts); this suite needs neither.
"""
from __future__ import annotations

import re
from functools import cache

import pandas as pd
import pytest

pytest.importorskip("pdfplumber")

from _readers_common import (  # noqa: E402
    FIXTURES, SEED_TEXTS, assert_headings, assert_rows, frames, prose, text_lines)

from gxbg_kit.errors import ReadError  # noqa: E402
from gxbg_kit.readers import Extracted, is_perfect, read_pdf, score_table  # noqa: E402

PDF = FIXTURES / "pdf"
REPORT_PDFS = sorted(p.name for p in PDF.glob("0*.pdf"))
RULED_PDFS = [n for n in REPORT_PDFS if "unruled" not in n]


@cache
def extracted(name: str) -> Extracted:
    return read_pdf((PDF / name).read_bytes())


def test_fixtures_present():
    assert len(REPORT_PDFS) >= 7
    assert {"000_rl.pdf", "003_rl.pdf"} <= set(REPORT_PDFS)


@pytest.mark.parametrize("name", REPORT_PDFS)
def test_headings_and_table_rows(name):
    ex = extracted(name)
    assert ex.pages and ex.pages >= 2
    assert_headings(ex.text, name[:3])
    assert_rows(ex.text, name[:3], unruled="unruled" in name)


@pytest.mark.parametrize("name", RULED_PDFS)
def test_three_tables_found_and_scored(name):
    ex = extracted(name)
    kinds = [t["kind"] for t in ex.tables]
    assert kinds == ["active", "applications", "reviews"], ex.tables
    for t in ex.tables:
        assert t["engine"] in ("pdfplumber", "camelot-lattice", "camelot-stream")
        assert 0 <= t["score"] <= 1
        assert t["pages"] and t["n_rows"] >= 3 and t["n_cols"] >= 4
    apps = ex.tables[1]
    assert apps["n_cols"] == 10


@pytest.mark.parametrize("name", REPORT_PDFS)
def test_no_running_headers_footers_or_page_numbers(name):
    lines = text_lines(extracted(name).text)
    for ln in lines:
        assert not re.fullmatch(r"[-—\s]*\d+[-—\s]*|第\s*\d+\s*页", ln), ln
        assert not ln.endswith("政府信息公开工作年度报告") or not ln.startswith(
            ("陇西县财政局政府", "西工区财政局政府", "政府信息公开")), ln


def test_unruled_tables_cut_at_gaps():
    """002_rl_unruled has no ruling lines: rows are cut into cells at wide gaps."""
    ex = extracted("002_rl_unruled.pdf")
    assert ex.tables and all(t["engine"] in ("pdfplumber", "camelot-stream") for t in ex.tables)
    assert "行政事业性收费\t1447.3263" in ex.text
    # a label wrapped around its row of numbers is joined to it
    assert "(二)部分公开（区分处理的，只计这一情形，不计其他情形）\t0\t0\t0\t0\t0\t0\t0" in ex.text
    both = read_pdf((PDF / "002_rl_unruled.pdf").read_bytes(), always_compare=True)
    assert any("camelot-stream" in t["candidates"] for t in both.tables)
    assert both.text == ex.text


def test_split_table_is_joined():
    """000's applications table runs from page 2 to 3 (4 pages in all): one table, no gap."""
    for name in ("000_lo.pdf", "000_rl.pdf"):
        ex = extracted(name)
        apps = ex.tables[1]
        assert apps["pages"] == [2, 3]
        lines = ex.text.splitlines()
        start = next(i for i, ln in enumerate(lines) if ln.startswith("一、本年新收"))
        end = next(i for i, ln in enumerate(lines) if ln.startswith("四、结转下年度"))
        assert all("\t" in ln for ln in lines[start:end + 1])
        assert end - start == 22  # 2 + 20 outcome rows + 1


def test_repeated_header_rows_dropped():
    """002 repeats the header rows of its tables on each new page (Word's tblHeader)."""
    text = extracted("002_lo.pdf").text
    assert sum(1 for ln in text.splitlines() if ln.startswith("(本列数据的勾稽关系")) == 1


def test_wrapped_cells_joined_without_spaces():
    text = extracted("000_lo.pdf").text
    assert "\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他" in text
    assert "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)" in text


def test_paragraphs_rejoined_in_reading_order():
    text = extracted("000_lo.pdf").text
    para = next(ln for ln in text.splitlines() if ln.startswith("2022 年，陇西县财政局政务公开"))
    assert para.endswith("助力人民满意的服务型政府建设。")
    order = [text.index(h) for h in ("一、总体情况", "二、主动公开", "三、收到和处理", "四、政府信息公开行政复议",
                                      "五、存在的主要问题", "六、其他需要报告")]
    assert order == sorted(order)


# ---------------------------------------------------------------------------
# engine choice
# ---------------------------------------------------------------------------
def _apps_rows(merge=False):
    rows = [["一、本年新收", "1", "0", "0", "0", "0", "0", "1"],
            ["二、上年结转", "0", "0", "0", "0", "0", "0", "0"]]
    rows += [[f"（{i}）", "0", "0", "0", "0", "0", "0", "0"] for i in "一二三四五六"]
    rows += [[f"{i}.x", "0", "0", "0", "0", "0", "0", "0"] for i in range(1, 15)]
    rows += [["（七）总计", "1", "0", "0", "0", "0", "0", "1"],
             ["四、结转下年度", "0", "12", "0", "0", "0", "0", "12"]]
    if merge:  # camelot 2.0 lattice on Noto Sans CJK: two rows in one
        a, b = rows[-2], rows.pop()
        rows[-1] = [x + "\n" + y for x, y in zip(a, b)]
    return rows


def test_score_prefers_unmerged_rows():
    good, bad = _apps_rows(), _apps_rows(merge=True)
    assert score_table(good) > score_table(bad)
    assert not is_perfect(bad)


def test_score_counts_broken_arithmetic():
    rows = _apps_rows()
    rows[0] = ["一、本年新收", "1", "0", "0", "0", "0", "0", "2"]
    assert score_table(rows) < score_table(_apps_rows())


def test_camelot_compared_and_worse_reading_rejected():
    """Both engines read 000_lo; camelot's lattice merges rows there and loses."""
    ex = read_pdf((PDF / "000_lo.pdf").read_bytes(), always_compare=True)
    apps = ex.tables[1]
    assert "camelot-lattice" in apps["candidates"]
    assert apps["candidates"]["camelot-lattice"] < apps["candidates"]["pdfplumber"]
    assert apps["engine"] == "pdfplumber"
    assert ex.text == extracted("000_lo.pdf").text


# ---------------------------------------------------------------------------
# failures
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, reason, words", [
    ("scanned.pdf", "no_text_layer", "no text layer"),
    ("scanned_pagenum.pdf", "no_text_layer", "almost no text layer"),
    ("encrypted.pdf", "encrypted", "password"),
    ("cid.pdf", "undecodable", "no Unicode mapping"),
    ("corrupt.pdf", "corrupt", "damaged"),
])
def test_failure_fixtures(name, reason, words):
    """Without the OCR engine (scanned and cid pages are read by OCR: tests/unit/test_readers_ocr.py)."""
    with pytest.raises(ReadError) as err:
        read_pdf((PDF / name).read_bytes(), engines=("pdfplumber", "camelot"))
    assert err.value.reason == reason
    assert words in err.value.message
    if reason in ("no_text_layer", "undecodable"):
        assert "pip install 'gxbg_kit[ocr]'" in err.value.message


@pytest.mark.parametrize("data, reason", [
    (b"", "empty_file"),
    (b"   \n", "empty_file"),
    (b"this is not a PDF", "corrupt"),
    (b"%PDF-1.7\n" + b"\x00garbage" * 50, "corrupt"),
])
def test_bad_bytes(data, reason):
    with pytest.raises(ReadError) as err:
        read_pdf(data)
    assert err.value.reason == reason


def test_max_pages():
    with pytest.raises(ReadError) as err:
        read_pdf((PDF / "000_lo.pdf").read_bytes(), max_pages=2)
    assert err.value.reason == "too_large"


# ---------------------------------------------------------------------------
# through gx.read_report: same frames as the text form of the same report
# ---------------------------------------------------------------------------
import gxbg_kit as gx  # noqa: E402


@cache
def text_frames(short: str):
    return frames(gx.read_report(SEED_TEXTS[short]))


@pytest.mark.parametrize("name", REPORT_PDFS)
def test_pdf_frames_equal_text_frames(name):
    rep = gx.read_report(PDF / name)
    got, want = frames(rep), text_frames(name[:3])
    for table in want:
        pd.testing.assert_frame_equal(got[table], want[table], obj=f"{name} {table}")
    txt = gx.read_report(SEED_TEXTS[name[:3]])
    assert rep.status == txt.status
    # prose in reading order, no running headers, footers or page numbers in it
    assert prose(rep) == prose(txt)


@pytest.mark.parametrize("name, reason", [("scanned.pdf", "no_text_layer"), ("encrypted.pdf", "encrypted"),
                                          ("cid.pdf", "undecodable"), ("corrupt.pdf", "corrupt")])
def test_failed_reports_keep_their_reason(name, reason, monkeypatch):
    from gxbg_kit.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)  # scanned and cid: no OCR extra
    rep = gx.read_report(PDF / name)
    assert rep.status == "failed"
    assert rep.status_reason[1] == reason


def test_camelot_reading_kept_when_pdfplumber_merges_rows(monkeypatch):
    """Where pdfplumber's reading is the broken one, camelot's lattice reading is kept."""
    from gxbg_kit.readers import pdf as pdf_reader

    real = pdf_reader._plumber_tab

    def merging(t, page_no, engine="pdfplumber"):
        tab = real(t, page_no, engine)
        rows = tab.rows if tab else []
        k = next((k for k, r in enumerate(rows) if any("予以公开" in c for c in r)), None)
        if k is not None and k + 1 < len(rows):  # (一)予以公开 and (二)部分公开 in one row
            a, b = rows[k], rows[k + 1]
            rows[k:k + 2] = [[x + "\n" + y if x and y else x or y for x, y in zip(a, b)]]
        return tab

    monkeypatch.setattr(pdf_reader, "_plumber_tab", merging)
    ex = read_pdf((PDF / "001_lo.pdf").read_bytes())
    apps = ex.tables[1]
    assert apps["engine"] == "camelot-lattice"
    assert apps["candidates"]["camelot-lattice"] > apps["candidates"]["pdfplumber"]
    assert_rows(ex.text, "001")


@pytest.mark.parametrize("seed", range(8))
def test_damaged_bytes_raise_read_error_or_read(seed):
    """Flipped bytes anywhere: the reader returns text or raises ReadError, nothing else."""
    import random

    data = bytearray((PDF / "003_rl.pdf").read_bytes())
    rng = random.Random(seed)
    for _ in range(40):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if seed % 2:
        data = data[: rng.randrange(2000, len(data))]
    try:
        ex = read_pdf(bytes(data), engines=("pdfplumber",))
    except ReadError as e:
        assert e.reason in ("corrupt", "no_text_layer", "undecodable", "encrypted")
    else:
        assert isinstance(ex.text, str)


def test_corpus_goes_on_past_failures(tmp_path):
    """(scanned.pdf and cid.pdf are read by OCR where it is installed: tests/unit/test_readers_ocr.py)"""
    import shutil as sh

    for name in ("003_lo.pdf", "encrypted.pdf", "corrupt.pdf"):
        sh.copy(PDF / name, tmp_path / name)
    corpus = gx.load_corpus(tmp_path)
    rep = corpus.reports.set_index("path")
    got = {p.split("/")[-1]: (s, r) for p, s, r in zip(rep.index, rep["status"], rep["status_reason"])}
    assert got["003_lo.pdf"][0] == "ok"
    assert got["encrypted.pdf"] == ("failed", "encrypted")
    assert got["corrupt.pdf"] == ("failed", "corrupt")


@pytest.mark.parametrize("name", REPORT_PDFS)
def test_playa_and_pdfminer_backends_agree(name):
    """The fast playa reading gives exactly what pdfplumber's own (pdfminer) pages give."""
    slow = read_pdf((PDF / name).read_bytes(), backend="pdfminer")
    fast = extracted(name)
    assert fast.text == slow.text
    assert [t["n_rows"] for t in fast.tables] == [t["n_rows"] for t in slow.tables]


def test_page_that_is_all_table():
    """No text outside the tables of a page: no lines, no error."""
    from gxbg_kit.readers.pdf import _lines, _Page

    char = {"object_type": "char", "text": "0", "x0": 10, "x1": 15, "top": 10, "bottom": 20,
            "doctop": 10, "upright": True, "size": 10}
    assert _lines(_Page([char], [], [], 100, 100), 1, [(0, 0, 50, 50)]) == []


def test_copy_restricted_pdf_is_read():
    """Encrypted with an owner password only (no copying): it opens and reads as usual."""
    ex = read_pdf((PDF / "restricted_003.pdf").read_bytes())
    assert ex.text == extracted("003_lo.pdf").text


def test_rotated_pages_read_as_laid_out():
    """/Rotate 90 on every page: the text is read in the page's own (unrotated) layout."""
    ex = read_pdf((PDF / "rotated_003.pdf").read_bytes())
    assert ex.text == extracted("003_lo.pdf").text


@pytest.mark.parametrize("line, is_number", [
    ("- 3 -", True), ("— 12 —", True), ("3", True), ("第 3 页", True), ("第3页 共12页", True),
    ("3/12", True), ("共12页 第3页", True), ("第三页", True), ("Page 2 of 5", True),
    ("一、总体情况", False), ("2023年1月19日", False), ("0 0 0", False),
])
def test_page_number_patterns(line, is_number):
    from gxbg_kit.readers.pdf import _PAGE_NUMBER

    assert bool(_PAGE_NUMBER.match(line)) is is_number


def test_kangxi_radicals_folded():
    from gxbg_kit.readers import fold_radicals

    assert fold_radicals("⼀、总体情况：⾏政许可（第⼆⼗条）") == "一、总体情况：行政许可（第二十条）"
    assert fold_radicals("（一）１２３") == "（一）１２３"  # full-width forms stay as printed


def test_works_without_camelot_and_playa(monkeypatch):
    """camelot missing: pdfplumber's readings are kept; playa missing: pdfminer reads the pages."""
    import sys

    monkeypatch.setitem(sys.modules, "camelot", None)
    monkeypatch.setitem(sys.modules, "playa", None)
    ex = read_pdf((PDF / "000_lo.pdf").read_bytes(), always_compare=True)
    assert ex.text == extracted("000_lo.pdf").text
    assert all(set(t["candidates"]) == {"pdfplumber"} for t in ex.tables)


def test_wrapped_number_joined_but_merged_rows_kept_apart():
    from gxbg_kit.readers import rows_to_text

    # a long number wrapped in its narrow column, beside one-line numbers
    assert rows_to_text([["行政许可", "2362\n2", "0"]]) == "行政许可\t23622\t0"
    # two rows merged into one by an engine: every number cell has two lines
    assert rows_to_text([["(一)\n(二)", "1\n12", "0\n3"]]) == "(一)(二)\t1 12\t0 3"


def test_debug_page_draws_every_engine_and_the_kept_reading():
    import numpy as np

    from gxbg_kit import debug

    pytest.importorskip("pypdfium2")
    ex = read_pdf((PDF / "001_lo.pdf").read_bytes(), always_compare=True)
    apps = ex.tables[1]
    assert set(apps["boxes"]) == set(apps["candidates"]) >= {"pdfplumber", "camelot-lattice"}
    page, x0, top, x1, bottom = apps["boxes"][apps["engine"]][0]
    img = np.asarray(gx.debug.pdf_page(PDF / "001_lo.pdf", page, tables=ex.tables, dpi=72))
    colours = {tuple(c) for c in img.reshape(-1, 3)}
    assert debug.CHOSEN in colours and debug.COLOURS["camelot-lattice"] in colours
    assert tuple(img[int(top), int((x0 + x1) / 2)]) == debug.CHOSEN  # the kept table's top edge
    with pytest.raises(ValueError):
        gx.debug.pdf_page(PDF / "001_lo.pdf", 99, tables=ex.tables)


def test_reading_stages_can_be_inspected():
    from gxbg_kit.readers.pdf import reading

    data = (PDF / "002_rl_unruled.pdf").read_bytes()
    r = reading(data)
    assert r.extracted.text == read_pdf(data).text
    assert set(r.heights) == set(range(1, r.n_pages + 1)) and r.counts["chars"] > 1000
    assert r.unruled_pages and r.candidates["pdfplumber-stream"]  # its tables are unruled
    assert r.tables is r.extracted.tables and all(t["boxes"] for t in r.tables)
    assert not r.ocr and r.extracted.ocr_pages == []
