"""gxbg_kit.decode: which format a file's bytes are, and which encoding its text is in."""
import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxbg_kit import read
from gxbg_kit.decode import _printable_share, decode, sniff_format
from gxbg_kit.errors import ReadError

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


def test_sniff_format():
    assert sniff_format(b"%PDF-1.7 ...", "a.txt") == "pdf"
    assert sniff_format(b"<!DOCTYPE html><html>", "a.txt") == "html"
    assert sniff_format("<table><tr><td>1</td></tr></table>".encode("utf-16"), "a") == "html"
    assert sniff_format(b"PK\x03\x04....", "a.docx") == "docx"
    assert sniff_format(b"# title\n| a | b |", "a.md") == "markdown"
    assert sniff_format("一、总体情况".encode(), "a.txt") == "text"


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.sampled_from("中文abc\t\n\r\x00\x01\x08\x0b\x0c\x1f\x7f\ufffd é")))
def test_printable_share_counted_on_utf8_bytes_equals_the_character_count(text):
    assert _printable_share(text, text.encode("utf-8")) == pytest.approx(_printable_share(text))


def test_read_reexports_the_detection_it_used_to_define():
    assert read.decode is decode and read.sniff_format is sniff_format
