import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxbg_kit.errors import ReadError
from gxbg_kit.read import decode, sniff_format, to_document

TEXT = "一、总体情况\n2022年，本机关收到政府信息公开申请3件。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le",
                                      "utf-16-be"])
def test_encodings_detected_without_mojibake(encoding):
    data = TEXT.encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    text, _ = decode(data)
    assert text.lstrip("\ufeff") == TEXT


def test_utf16_without_bom():
    text, enc = decode(TEXT.encode("utf-16-le"))
    assert text == TEXT and enc == "utf-16-le"


def test_random_binary_is_undecodable():
    import random

    data = bytes(random.Random(1).randrange(0, 32) for _ in range(3000))
    with pytest.raises(ReadError) as err:
        decode(data)
    assert err.value.reason == "undecodable"


@pytest.mark.parametrize("data", [b"", b"   \n\t  "])
def test_empty_file(data):
    with pytest.raises(ReadError) as err:
        to_document(data, "x.txt")
    assert err.value.reason == "empty_file"


def test_sniff_format():
    assert sniff_format(b"%PDF-1.7 ...", "a.txt") == "pdf"
    assert sniff_format(b"<!DOCTYPE html><html>", "a.txt") == "html"
    assert sniff_format("<table><tr><td>1</td></tr></table>".encode("utf-16"), "a") == "html"
    assert sniff_format(b"PK\x03\x04....", "a.docx") == "docx"
    assert sniff_format(b"# title\n| a | b |", "a.md") == "markdown"
    assert sniff_format("一、总体情况".encode(), "a.txt") == "text"


@pytest.mark.parametrize("data, what", [(b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
                                        (b"\xff\xd8\xff\xe0" + bytes(100), "JPEG image"),
                                        (b"Rar!\x1a\x07" + bytes(50), "RAR archive")])
def test_images_and_archives_are_unsupported_with_a_clear_message(data, what):
    with pytest.raises(ReadError) as err:
        to_document(data, "report.txt")
    assert err.value.reason == "unsupported_format" and what in err.value.message


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.sampled_from("中文abc\t\n\r\x00\x01\x08\x0b\x0c\x1f\x7f\ufffd é")))
def test_printable_share_counted_on_utf8_bytes_equals_the_character_count(text):
    from gxbg_kit.read import _printable_share

    assert _printable_share(text, text.encode("utf-8")) == pytest.approx(_printable_share(text))
