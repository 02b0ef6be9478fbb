"""Word reader: .docx body order, merged cells, safe XML and zip handling, .doc conversion."""
from __future__ import annotations

import io
import shutil
import zipfile
from functools import cache

import pandas as pd
import pytest

from _readers_common import FIXTURES, SEED_TEXTS, assert_headings, assert_rows, frames, prose  # noqa: E402

from gxbg_kit.errors import ReadError
from gxbg_kit.readers import Extracted, read_doc, read_docx
from gxbg_kit.readers import docx as docx_reader

DOCX = FIXTURES / "docx"
REPORT_DOCX = sorted(p.name for p in DOCX.glob("0*.docx"))


@cache
def extracted(name: str) -> Extracted:
    return read_docx((DOCX / name).read_bytes())


def test_fixtures_present():
    assert REPORT_DOCX == ["000.docx", "001.docx", "002.docx", "003.docx", "004.docx"]


@pytest.mark.parametrize("name", REPORT_DOCX)
def test_headings_and_table_rows(name):
    ex = extracted(name)
    assert ex.pages is None
    assert_headings(ex.text, name[:3])
    assert_rows(ex.text, name[:3])
    assert [t["kind"] for t in ex.tables] == ["active", "applications", "reviews"]
    assert all(t["engine"] == "docx" for t in ex.tables)


def test_merged_cells_left_blank():
    text = extracted("000.docx").text
    # header rows: the 勾稽关系 cell spans 3 columns and 3 rows, 申请人情况 spans 7 columns
    assert "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t\t申请人情况" + "\t" * 6 in text
    assert "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计" in text
    # vertically merged (三) cell: its text on the first sub-row only
    assert "\t(三) 不 予 开 公\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0" in text
    assert "\n\t\t2.其他法律行政法规禁止公开\t0" in text
    # blank cells stay blank
    assert "四、结转下年度继续办理\t\t\t0\t\t\t\t\t\t0" in text


def test_page_headers_and_footers_not_read():
    text = extracted("000.docx").text
    assert "陇西县财政局政府信息公开工作年度报告" not in text
    assert "第 1 页" not in text


# ---------------------------------------------------------------------------
# failures and safety
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, words", [
    ("bomb.docx", "zip bomb"),
    ("xxe.docx", "DTD"),
    ("corrupt.docx", "not a readable zip"),
])
def test_failure_fixtures(name, words):
    with pytest.raises(ReadError) as err:
        read_docx((DOCX / name).read_bytes())
    assert err.value.reason == "corrupt_archive"
    assert words in err.value.message


def _docx_with(document_xml: bytes, extra: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(DOCX / "003.docx") as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        extra = dict(extra or {})
        for item in zin.infolist():
            data = document_xml if item.filename == "word/document.xml" else zin.read(item)
            z.writestr(item.filename, extra.pop(item.filename, data))
        for k, v in extra.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_real_inflation_is_capped():
    padding = b"\0" * (3 * 2**20)
    data = _docx_with(zipfile.ZipFile(DOCX / "003.docx").read("word/document.xml"),
                      {"word/media/pad.bin": padding})
    assert len(data) < 200_000
    with pytest.raises(ReadError) as err:
        read_docx(data, max_uncompressed=2**20)
    assert err.value.reason == "corrupt_archive"
    assert read_docx(data, max_uncompressed=8 * 2**20).text == extracted("003.docx").text


def test_internal_entities_not_expanded():
    """A billion-laughs style internal DTD is refused, never expanded."""
    xml = zipfile.ZipFile(DOCX / "003.docx").read("word/document.xml").decode()
    head, rest = xml.split("?>", 1)
    bomb = ('<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    data = _docx_with((head + "?>" + bomb + rest.replace("一、总体情况", "&c;", 1)).encode())
    with pytest.raises(ReadError) as err:
        read_docx(data)
    assert err.value.reason == "corrupt_archive"


def test_not_a_word_archive():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError) as err:
        read_docx(buf.getvalue())
    assert err.value.reason == "unsupported_format"


def test_empty():
    with pytest.raises(ReadError) as err:
        read_docx(b"")
    assert err.value.reason == "empty_file"


def test_doc_without_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setattr(docx_reader.shutil, "which", lambda name: None)
    with pytest.raises(ReadError) as err:
        read_doc((DOCX / "003.doc").read_bytes())
    assert err.value.reason == "unsupported_format"
    assert "apt-get install libreoffice-writer" in err.value.message


@cache
def converted_doc() -> Extracted:
    return read_doc((DOCX / "003.doc").read_bytes())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_doc_converted_by_libreoffice():
    ex = converted_doc()
    assert_headings(ex.text, "003")
    assert_rows(ex.text, "003")


# ---------------------------------------------------------------------------
# through gx.read_report: same frames as the text form of the same report
# ---------------------------------------------------------------------------
import gxbg_kit as gx  # noqa: E402


@pytest.mark.parametrize("name", REPORT_DOCX)
def test_docx_frames_equal_text_frames(name):
    rep = gx.read_report(DOCX / name)
    txt = gx.read_report(SEED_TEXTS[name[:3]])
    got, want = frames(rep), frames(txt)
    for table in want:
        pd.testing.assert_frame_equal(got[table], want[table], obj=f"{name} {table}")
    assert rep.status == txt.status
    assert prose(rep) == prose(txt)


@pytest.mark.parametrize("name", ["bomb.docx", "xxe.docx", "corrupt.docx"])
def test_failed_reports_keep_their_reason(name):
    rep = gx.read_report(DOCX / name)
    assert rep.status == "failed"
    assert rep.status_reason[1] == "corrupt_archive"


@pytest.mark.parametrize("seed", range(6))
def test_damaged_bytes_raise_read_error_or_read(seed):
    import random

    data = bytearray((DOCX / "003.docx").read_bytes())
    rng = random.Random(seed)
    for _ in range(20):
        data[rng.randrange(len(data))] = rng.randrange(256)
    try:
        ex = read_docx(bytes(data))
    except ReadError as e:
        assert e.reason in ("corrupt_archive", "unsupported_format")
    else:
        assert isinstance(ex.text, str)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_doc_frames_equal_text_frames(monkeypatch):
    from gxbg_kit.readers import docx as reader

    monkeypatch.setattr(reader, "read_doc", lambda data, **kw: converted_doc())  # convert once
    rep = gx.read_report(DOCX / "003.doc")
    got, want = frames(rep), frames(gx.read_report(SEED_TEXTS["003"]))
    for table in want:
        pd.testing.assert_frame_equal(got[table], want[table], obj=f"003.doc {table}")


NUMBERING = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             b'<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
             b'<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1\xe3\x80\x81"/></w:lvl>'
             b'</w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>')


def test_auto_numbered_headings_read_as_printed():
    """Headings numbered by Word (numbering.xml, chineseCounting "%1、") keep 一、 … 六、."""
    import re

    from lxml import etree

    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(DOCX / "003.docx").read("word/document.xml"))
    n = 0
    for p in root.find(W + "body").findall(W + "p"):
        t = p.find(f"{W}r/{W}t")
        if t is None or not re.match(r"^[一二三四五六]、", t.text or ""):
            continue
        t.text = t.text[2:]
        ppr = p.find(W + "pPr")
        if ppr is None:
            ppr = etree.SubElement(p, W + "pPr")
            p.insert(0, ppr)
        numpr = etree.SubElement(ppr, W + "numPr")
        etree.SubElement(numpr, W + "ilvl").set(W + "val", "0")
        etree.SubElement(numpr, W + "numId").set(W + "val", "3")
        n += 1
    assert n == 6
    data = _docx_with(etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
                      {"word/numbering.xml": NUMBERING})
    assert read_docx(data).text == extracted("003.docx").text


def test_layout_table_around_the_report_is_unwrapped():
    """The whole body inside a one-cell table (a frame) reads as if there were no frame."""
    from lxml import etree

    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(DOCX / "003.docx").read("word/document.xml"))
    body = root.find(W + "body")
    content = [el for el in body if el.tag != W + "sectPr"]
    tbl = etree.Element(W + "tbl")
    tc = etree.SubElement(etree.SubElement(tbl, W + "tr"), W + "tc")
    for el in content:
        tc.append(el)  # moves it into the frame
    body.insert(0, tbl)
    data = _docx_with(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert read_docx(data).text == extracted("003.docx").text


def test_text_box_read_once_and_deletions_skipped():
    """A text box is stored twice (DrawingML and a VML fallback); tracked deletions are not printed."""
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
    box = ('<w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent>')
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>'
           f'<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">{box}</mc:Choice>'
           f'<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r></w:p>'
           '<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:t>删除</w:t></w:r></w:del></w:p>'
           '</w:body></w:document>')
    text = read_docx(_docx_with(xml.encode())).text
    assert text.count("框内文字") == 1
    assert "保留" in text and "删除" not in text
