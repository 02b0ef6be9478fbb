"""Errors that carry a status reason code, and the reason codes themselves.

The codes live here, below every module that raises or reads them, so that raising a
:class:`ReadError` imports nothing heavy; ``schema.REASONS`` is the same dict (the
``reason`` column of ``reports`` and ``gx.dictionary("reasons")``).
"""
from __future__ import annotations

#: Why a report has the status it has. Part of ``gx.dictionary()``.
REASONS = {
    "complete": "every table of the template was found with all its cells",
    "cells_missing": "tables found, but some template cells are blank or missing (NA)",
    "sections_missing": "some template sections were not found",
    "truncated": "the text stops before the end of the report (sections after the tables missing)",
    "empty_file": "the file has no bytes, or only white space",
    "undecodable": "the bytes are not text in any supported encoding",
    "not_a_report": "text, but no section or table of the annual-report template was found",
    "unsupported_format": "a file type the kit cannot read",
    "missing_dependency": "a file type the kit reads with an optional extra that is not installed "
                          "(the message names it, e.g. pip install 'gxbg_kit[pdf]')",
    "too_large": "the file is larger than the configured maximum size",
    "timed_out": "parsing took longer than the configured maximum time",
    "no_text_layer": "a PDF with no text layer (scanned images); OCR it first",
    "encrypted": "an encrypted or password-protected file",
    "corrupt": "a damaged file that its reader cannot open",
    "corrupt_archive": "a damaged or over-large (zip bomb) .docx archive",
    "read_error": "the file could not be read (permissions, I/O error; not a regular file: a FIFO, "
                  "device, socket or directory; a dangling symbolic link or a link loop)",
    "link_not_followed": "a symbolic link that was not followed: it points outside the folder "
                         "(pass follow_links=True to read it) or to a folder read where it is",
    "parse_error": "an unexpected error inside the parser (a bug: please report it)",
}


class ReadError(Exception):
    """A file could not be read or parsed.

    ``reason`` is a code of :data:`REASONS` (e.g. ``"encrypted"``),
    ``message`` a specific explanation for the user.
    """

    def __init__(self, reason: str, message: str):
        if reason not in REASONS:
            raise ValueError(f"unknown reason code {reason!r}")
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
