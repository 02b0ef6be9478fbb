"""Step 1 of the pipeline: bytes → text.

Detects the file type (text, Markdown, HTML, PDF, Word) and, for text and HTML,
the encoding. Every other step works on the text this module returns. Failures
raise :class:`~gxbg_kit.errors.ReadError` with a documented reason code.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from typing import BinaryIO

from .errors import ReadError

#: default per-file limits; users pass their own to ``read_report``/``load_corpus``
DEFAULT_MAX_BYTES = 50 * 2**20
DEFAULT_MAX_UNCOMPRESSED = 200 * 2**20  # a .docx unpacking to more is treated as a zip bomb

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


@dataclass
class Document:
    """A report's text in reading order, tables as tab-separated lines."""

    text: str
    source_format: str
    encoding: str | None = None
    tables: list = field(default_factory=list)  # engine info from PDF/Word readers
    pages: int | None = None
    #: byte runs that were not valid in ``encoding`` and were read as one U+FFFD each
    #: (a UTF-8 report with one GBK-encoded phrase): :class:`Replacement` tuples
    replaced: tuple = ()
    #: PDF: pages read by OCR (1-based) and the mean confidence of the text boxes it read
    ocr_pages: tuple = ()
    ocr_confidence: float | None = None


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


def describe_mode(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None for a regular file)."""
    for test, what in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "not a regular file"


def _not_regular(what: str) -> ReadError:
    return ReadError("read_error", f"{what}, not a regular file: not read")


def open_regular(path) -> BinaryIO:
    """Open a regular file for reading, never blocking: anything else (a FIFO, a
    device such as /dev/zero, a socket, a directory; also through a symbolic link)
    raises ReadError("read_error") saying what it is, without being opened. The
    file is opened non-blocking and checked again, so one swapped for a FIFO
    after the check cannot hang the open either."""
    what = describe_mode(os.stat(path).st_mode)
    if what:
        raise _not_regular(what)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
                 | getattr(os, "O_CLOEXEC", 0))
    try:
        what = describe_mode(os.fstat(fd).st_mode)
        if what:
            raise _not_regular(what)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _too_large(size: int, max_bytes: int, more: bool = False) -> ReadError:
    return ReadError("too_large", f"the file has {'more than ' if more else ''}{size:,} bytes, "
                     f"more than the limit of {max_bytes:,} (raise max_bytes to read it)")


def read_bytes(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file; never reads more than ``max_bytes`` (+1, to
    see that a file grew past the limit). Non-regular files: see :func:`open_regular`."""
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise _too_large(size, max_bytes)
            # read(n) allocates n bytes up front: ask for the size (+1 to see growth),
            # not for max_bytes (50 MiB a file would cost an allocation each)
            want = size + 1 if max_bytes is None else min(size, max_bytes) + 1
            data = fh.read(want)
            if len(data) == want and (max_bytes is None or len(data) <= max_bytes):
                rest = fh.read() if max_bytes is None else fh.read(max_bytes + 1 - len(data))
                data += rest  # it grew while read
            if max_bytes is not None and len(data) > max_bytes:  # it grew while read
                raise _too_large(max_bytes, max_bytes, more=True)
            return data
    except OSError as exc:
        raise ReadError("read_error", f"cannot read the file: {exc.strerror or exc}") from None


def to_document(data: bytes, name: str = "", *, max_uncompressed: int | None = DEFAULT_MAX_UNCOMPRESSED,
                max_pages: int | None = None) -> Document:
    """Turn a file's bytes into a :class:`Document`."""
    if not data.strip():
        raise ReadError("empty_file", "the file is empty" if not data else
                        "the file contains only white space")
    fmt = sniff_format(data, name)
    if fmt == "binary":
        what = next(w for sig, w in BINARY_SIGNATURES.items() if data.startswith(sig))
        raise ReadError("unsupported_format", f"the file is {what}, not a report the kit can read "
                        "(images need OCR first; unpack archives)")
    if fmt == "pdf":
        from .readers import pdf as _pdf  # optional dependency

        ex = _pdf.read_pdf(data, max_pages=max_pages)
        return Document(ex.text, "pdf", None, list(ex.tables), ex.pages,
                        ocr_pages=tuple(ex.ocr_pages), ocr_confidence=ex.ocr_confidence)
    if fmt in ("docx", "doc"):
        from .readers import docx as _docx  # optional dependency

        ex = (_docx.read_docx(data, max_uncompressed=max_uncompressed or DEFAULT_MAX_UNCOMPRESSED)
              if fmt == "docx" else _docx.read_doc(data))
        return Document(ex.text, fmt, None, list(ex.tables))
    text, enc, replaced = decode_replacing(data)
    if not text.strip():
        raise ReadError("empty_file", "the file contains only white space")
    if fmt == "html":
        from .html import html_to_text

        return Document(html_to_text(text), "html", enc, replaced=replaced)
    return Document(text, fmt, enc, replaced=replaced)
