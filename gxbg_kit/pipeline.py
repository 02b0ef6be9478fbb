"""One file, start to end: read it, parse it, and make its records, whatever
happens to it (the per-file step of ``load_corpus``).

Below both :mod:`gxbg_kit.corpus` (which stacks the records of many files into
frames) and :mod:`gxbg_kit.parallel` (which runs this step on worker processes):
``parse_file`` never raises, a file that cannot be read or parsed becomes one
``failed`` ``reports`` row, and ``records_to_arrow`` turns many files' records into
the Arrow batches that travel between processes.
"""
from __future__ import annotations

import os
import traceback
from pathlib import Path

from .columnar import sort_arrow, to_arrow
from .read import DEFAULT_MAX_BYTES
from .report import Report, path_sha256, read_report
from .schema import TABLES


FRAME_NAMES = ("applications", "active", "reviews", "sections", "checks")
#: the tables parsing makes (and the cache keeps); ``duplicates`` is derived from ``reports``
PARSED_NAMES = ("reports", *FRAME_NAMES)


def text_path(path) -> str:
    """A path as text that can be stored anywhere (Arrow, Parquet, CSV, JSON). A
    file name whose bytes are not valid in the file system's encoding (e.g. a
    GBK name on a UTF-8 system, kept by Python as lone surrogates) has those
    bytes written as backslash escapes: ``bad\\xff.txt``."""
    text = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")  # the bytes of the name
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


Records = dict  # table name -> list of record tuples (schema column order)


def parse_file(path: Path, display_path: str, manifest_row: dict | None,
               limits: dict | None = None) -> Records:
    """Parse one file into its records; never raises. ``limits``: keyword
    arguments of :func:`read_report` (max_bytes, max_uncompressed, max_pages).

    A file that is not a regular file (a FIFO, a device such as /dev/zero, a
    socket, a directory) is refused before it is opened, and no more than
    ``max_bytes`` of a file are ever read, hashing included."""
    from .errors import ReadError
    from .read import read_bytes

    limits = dict(limits or {})
    max_bytes = limits.pop("max_bytes", DEFAULT_MAX_BYTES)
    try:
        try:
            data = read_bytes(path, max_bytes)
        except ReadError as exc:
            if not os.path.lexists(path):  # listed, but gone (or never there): not a parser bug
                exc = ReadError("read_error", f"no such file: {text_path(path)}")
            return unread_records(path, display_path, manifest_row, exc.reason, exc.message)
        # the time limit is the caller's (parallel.py's alarm per file), not read_report's own
        rep = read_report(data, manifest=manifest_row, name=display_path, timeout=None, **limits)
        return rep.records
    except Exception as exc:  # a bug or an unforeseen input: keep the row, say what happened
        return failed_records(path, display_path, manifest_row, "parse_error",
                              f"{type(exc).__name__}: {exc} (at {_where(exc)})", max_bytes=max_bytes)


def _where(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    return f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"


def bounded_sha256(path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> str | None:
    """SHA-256 of a regular file of at most ``max_bytes`` bytes, or None (not a
    regular file, larger, unreadable): never blocks, never reads past the limit."""
    import hashlib

    from .errors import ReadError
    from .read import open_regular

    h, seen = hashlib.sha256(), 0
    try:
        with open_regular(path) as fh:
            if max_bytes is not None and os.fstat(fh.fileno()).st_size > max_bytes:
                return None
            for chunk in iter(lambda: fh.read(2**20), b""):
                seen += len(chunk)
                if max_bytes is not None and seen > max_bytes:
                    return None
                h.update(chunk)
    except (OSError, ReadError):
        return None
    return h.hexdigest()


def _size(path) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def failed_records(path: Path, display_path: str, manifest_row, reason: str, message: str,
                   *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Records:
    """The records of a file that could not be parsed: one ``reports`` row. Its
    sha256 is that of its bytes if it is a regular file of at most ``max_bytes``,
    else that of its path (see :func:`unread_records`)."""
    sha = bounded_sha256(path, max_bytes)
    if sha is None:
        return unread_records(path, display_path, manifest_row, reason, message)
    return _failed(display_path, manifest_row, reason, message, sha, _size(path))


def unread_records(path: Path, display_path: str, manifest_row, reason: str, message: str) -> Records:
    """The ``reports`` row of a file whose bytes were not read (too large, not a
    regular file, a link not followed, unreadable): the file is not opened, and
    its sha256 (and report_id) is the SHA-256 of its path."""
    import stat

    try:
        st = os.stat(path)
        size = st.st_size if stat.S_ISREG(st.st_mode) else None
    except OSError:
        size = None
    return _failed(display_path, manifest_row, reason, message, path_sha256(path), size)


def _failed(display_path, manifest_row, reason, message, sha256, size) -> Records:
    from .errors import ReadError

    rep = Report(b"", text_path(display_path), manifest=manifest_row,
                 error=ReadError(reason, text_path(message)), sha256=sha256, size=size)
    return rep.records


Batch = dict  # table name -> pyarrow.Table of many files' records


def records_to_arrow(parsed) -> Batch:
    """Arrow tables of many files' records; those grouped by report are sorted by
    their key (so the batches only need putting in report order when combined).
    A file whose bytes repeat an earlier file's of the same batch (same
    report_id) keeps its ``reports`` row (:class:`Corpus` moves it to
    ``duplicates``), but its tables are taken once: those of the first copy
    that was read (not ``failed``)."""
    recs = {n: [] for n in PARSED_NAMES}
    seen = set()
    for rec in parsed:
        recs["reports"].extend(rec["reports"])
        info = rec["reports"][0]
        rid = info.report_id
        if rid not in seen and info.status != "failed":
            seen.add(rid)
            for n in FRAME_NAMES:
                recs[n].extend(rec[n])
    return {n: sort_arrow(TABLES[n], to_arrow(TABLES[n], r)) if TABLES[n].by_report
            else to_arrow(TABLES[n], r) for n, r in recs.items()}
