"""Step 1 of the pipeline: bytes → text.

Detects the file type (text, Markdown, HTML, PDF, Word) and, for text and HTML,
the encoding. Every other step works on the text this module returns. Failures
raise :class:`~gxbg_kit.errors.ReadError` with a documented reason code.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

# format and encoding detection live below the readers (the Word reader uses them
# too); they are re-exported here, where users of earlier versions found them
from .decode import (  # noqa: F401  (re-exported)
    BINARY_SIGNATURES, SUFFIX_FORMATS, Replacement, decode, decode_replacing, format_from_suffix,
    sniff_format,
)
from .errors import ReadError

#: default per-file limits; users pass their own to ``read_report``/``load_corpus``
DEFAULT_MAX_BYTES = 50 * 2**20
DEFAULT_MAX_UNCOMPRESSED = 200 * 2**20  # a .docx unpacking to more is treated as a zip bomb


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
