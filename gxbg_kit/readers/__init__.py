"""Readers that turn PDF and Word files into text for the parsing core.

Each reader returns an :class:`Extracted`: one text string in reading order in
which every table stands at its place as tab-separated rows (one line per table
row, cells joined by ``"\\t"``; a merged cell's text is in its top-left grid
position and the positions it covers are blank), page headers, footers and page
numbers removed, and a table split across pages joined into one.  The core then
parses that text exactly as it parses a ``.txt`` report.

Failures raise :class:`gxbg_kit.errors.ReadError` with a reason code of
``gxbg_kit.schema.REASONS``.

The heavy dependencies (pdfplumber, camelot-py) are imported lazily, so
``import gxbg_kit`` works without them; install them with ``pip install
gxbg_kit[pdf]``.
"""
from __future__ import annotations

from .common import (Extracted, clean_cell, fold_radicals, is_perfect, rows_to_text, score_table,
                     table_kind)

__all__ = ["Extracted", "clean_cell", "fold_radicals", "is_perfect", "rows_to_text", "score_table",
           "table_kind", "read_pdf", "read_docx", "read_doc"]


def read_pdf(data: bytes, *, max_pages: int | None = None, **kwargs) -> Extracted:
    """See :func:`gxbg_kit.readers.pdf.read_pdf`."""
    from .pdf import read_pdf as _read_pdf

    return _read_pdf(data, max_pages=max_pages, **kwargs)


def read_docx(data: bytes, *, max_uncompressed: int = 200 * 2**20) -> Extracted:
    """See :func:`gxbg_kit.readers.docx.read_docx`."""
    from .docx import read_docx as _read_docx

    return _read_docx(data, max_uncompressed=max_uncompressed)


def read_doc(data: bytes, **kwargs) -> Extracted:
    """See :func:`gxbg_kit.readers.docx.read_doc`."""
    from .docx import read_doc as _read_doc

    return _read_doc(data, **kwargs)
