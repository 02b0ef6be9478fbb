"""Bytes → text for files that are text: which format a file is (its suffix and its
first bytes) and which encoding its text is in.

Below both :mod:`gxbg_kit.read` (which turns a file into a Document) and the Word
reader (which decodes the HTML and MHT parts a .docx can embed), so neither imports
the other. Failures raise :class:`~gxbg_kit.errors.ReadError` ("undecodable").
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import NamedTuple

from .errors import ReadError

#: file suffix -> format (the one table of suffixes)
SUFFIX_FORMATS = {
    **dict.fromkeys((".txt", ".text", ".csv", ".tsv"), "text"),
    **dict.fromkeys((".md", ".markdown"), "markdown"),
    **dict.fromkeys((".html", ".htm", ".xhtml", ".shtml"), "html"),
    ".pdf": "pdf", ".docx": "docx", **dict.fromkeys((".doc", ".wps"), "doc"),
}


def format_from_suffix(name: str) -> str | None:
    """The format a file name's suffix says, or None for an unknown suffix."""
    return SUFFIX_FORMATS.get(Path(name).suffix.lower())



class Replacement(NamedTuple):
    """A run of bytes not valid in the file's encoding, read as one U+FFFD."""

    offset: int  # byte offset in the file
    line: int  # line of the file (1-based) it stands on
    length: int  # bytes replaced


#: binary formats recognised by their first bytes, which the kit does not read
BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image", b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive", b"\x1f\x8b": "a gzip file",
}


def sniff_format(data: bytes, name: str = "") -> str:
    """Guess the format from the first bytes, falling back to the file suffix."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if any(data.startswith(sig) for sig in BINARY_SIGNATURES):
        return "binary"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    by_suffix = format_from_suffix(name)
    if by_suffix not in (None, "text"):  # a .txt may still hold an HTML page: sniff below
        return by_suffix
    lowered = head[:512].lower()
    # UTF-16 text has NUL bytes between ASCII characters: look at it decoded
    if lowered.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            lowered = data[:1024].decode("utf-16").lower().encode()
        except UnicodeDecodeError:
            pass
    if re.search(rb"<!doctype html|<html[\s>]|<body[\s>]|<table[\s>]|<div[\s>]|<p[\s>]", lowered):
        return "html"
    return "text"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b" + bytes(range(0x0e, 0x20))


def _printable_share(text: str, utf8: bytes | None = None) -> float:
    """Share of characters that are not control characters or U+FFFD. For text
    decoded from UTF-8 the count is taken on its bytes (much faster than a regex)."""
    if not text:
        return 0.0
    if utf8 is not None:
        bad = len(utf8) - len(utf8.translate(None, _CONTROL_BYTES)) + utf8.count(b"\xef\xbf\xbd")
        return 1 - bad / len(text)
    return 1 - len(_CONTROL.findall(text)) / len(text)


#: a file nearly all valid in one encoding is read with its few bad bytes replaced: at
#: most this share of its bytes may be bad (and at least REPLACE_MIN_BYTES, but never
#: more than a twentieth, in a small file)
REPLACE_SHARE = 0.005
REPLACE_MIN_BYTES = 16
#: UTF-8 read with replacement must have this many valid non-ASCII characters per bad
#: byte (a GBK file of mostly ASCII markup is not "nearly UTF-8": it is GBK)
REPLACE_UTF8_RATIO = 20
_ESCAPED = re.compile("[\udc80-\udcff]+")  # bytes surrogateescape could not decode


def _decode_replacing(data: bytes, enc: str) -> tuple[str, tuple[Replacement, ...]] | None:
    """``data`` decoded as ``enc`` with each run of bad bytes read as one U+FFFD, and the
    runs; None when more than a few bytes are bad (or, for UTF-8, when valid multi-byte
    characters are too few to tell that the file is UTF-8)."""
    text = data.decode(enc, "surrogateescape")  # one lone surrogate per bad byte
    runs = list(_ESCAPED.finditer(text))
    bad = sum(m.end() - m.start() for m in runs)
    if not bad or bad > max(min(REPLACE_MIN_BYTES, len(data) // 20), int(len(data) * REPLACE_SHARE)):
        return None
    if enc.startswith("utf-8"):
        wide = len(text) - len(text.encode("ascii", "ignore")) - bad
        if wide < REPLACE_UTF8_RATIO * bad:
            return None
    plain = "utf-8" if enc == "utf-8-sig" else enc
    offset = len(codecs.BOM_UTF8) if enc == "utf-8-sig" else 0
    parts, replaced, pos, line = [], [], 0, 1
    for m in runs:
        seg = text[pos:m.start()]
        offset += len(seg.encode(plain))
        line += seg.count("\n")
        replaced.append(Replacement(offset, line, m.end() - m.start()))
        offset += m.end() - m.start()
        parts += [seg, "\ufffd"]
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts), tuple(replaced)


def decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes: BOM first, then UTF-8, then GB18030, then charset detection.

    Returns ``(text, encoding)``; raises ReadError("undecodable") when no
    encoding gives readable text. See :func:`decode_replacing` for the bytes replaced.
    """
    text, enc, _ = decode_replacing(data)
    return text, enc


def decode_replacing(data: bytes) -> tuple[str, str, tuple[Replacement, ...]]:
    """:func:`decode`, and the runs of bad bytes read as U+FFFD: a file nearly all valid
    UTF-8 (or GB18030) whose few other bytes are not (a GBK-encoded phrase pasted into a
    UTF-8 report) is read in that encoding with replacement instead of being undecodable.

    Returns ``(text, encoding, replaced)``; ``replaced`` is empty when every byte decoded.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom) and not (bom == codecs.BOM_UTF16_LE and data.startswith(codecs.BOM_UTF32_LE)):
            try:
                return data.decode(enc), enc, ()
            except UnicodeDecodeError as exc:
                lenient = _decode_replacing(data, enc) if enc == "utf-8-sig" else None
                if lenient is not None:
                    return lenient[0], enc, lenient[1]
                raise ReadError("undecodable", f"the file starts with a {enc} byte-order mark but is "
                                f"not valid {enc} (byte {exc.start})") from None
    candidates = []
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        # UTF-16 without a byte-order mark: NULs beside every ASCII character
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _printable_share(text) > 0.95:
                candidates.append((text, enc))
                break
    if not candidates:
        try:
            candidates.append((data.decode("utf-8"), "utf-8"))
        except UnicodeDecodeError:
            pass
    replaced: tuple[Replacement, ...] = ()
    if not candidates:  # nearly all UTF-8: a few stray bytes (a GBK phrase) replaced
        lenient = _decode_replacing(data, "utf-8")
        if lenient is not None:
            candidates.append((lenient[0], "utf-8"))
            replaced = lenient[1]
    if not candidates:
        try:
            candidates.append((data.decode("gb18030"), "gb18030"))
        except UnicodeDecodeError:
            pass
    if not candidates:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            candidates.append((str(best), best.encoding))
    for text, enc in candidates:
        if _printable_share(text, data if enc == "utf-8" and not replaced else None) > 0.9:
            return text, codecs.lookup(enc).name, replaced
    # last: nearly all GB18030 (which takes almost any pair of bytes, so only when
    # charset detection found nothing better)
    lenient = _decode_replacing(data, "gb18030")
    if lenient is not None and _printable_share(lenient[0]) > 0.9:
        return lenient[0], "gb18030", lenient[1]
    raise ReadError("undecodable", "the bytes are not readable text in UTF-8, UTF-16, GB18030 or "
                    "any encoding charset-normalizer recognises")
