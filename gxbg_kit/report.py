"""One report: the pipeline from bytes to checked tidy frames.

``Report`` parses lazily (``functools.cached_property``): the text is decoded
on first use, sections and tables are recognised when a frame is asked for.
A report that cannot be read is still a ``Report`` with status ``failed`` and
a reason; nothing raises for bad content.
"""
from __future__ import annotations

import hashlib
import html as _html
from functools import cached_property
from operator import attrgetter
from pathlib import Path

import pandas as pd

from . import checks as _checks
from . import status as _status
from .errors import ReadError
from .metadata import Meta, agency_key, agency_level, read_meta
from .read import (
    DEFAULT_MAX_BYTES, DEFAULT_MAX_UNCOMPRESSED, Document, format_from_suffix, read_bytes, to_document,
)
from .recognize import (
    ActiveTable, ApplicationsTable, ReviewsTable, recognise_active, recognise_applications,
    recognise_reviews,
)
from .schema import ACTIVE, APPLICATIONS, CHECKS_TABLE, REPORTS, REVIEWS, SECTIONS, SECTIONS_TABLE
from .sections import Section, find_sections, strip_chrome
from .tidy import active_records, applications_records, reviews_records

SECTION_ALIASES = {
    "总体情况": "overview", "主动公开": "active", "依申请公开": "applications",
    "收到和处理": "applications", "行政复议": "reviews", "行政诉讼": "reviews",
    "存在的主要问题": "problems", "主要问题": "problems", "改进": "problems",
    "其他需要报告": "other", "一": "overview", "二": "active", "三": "applications",
    "四": "reviews", "五": "problems", "六": "other",
}


#: the fields of a record the checks read (C-level getters: these run for every cell)
_APP_KEY = attrgetter("row", "reason", "applicant")
_REVIEW_KEY = attrgetter("proceeding", "result")
_COUNT = attrgetter("count")


def report_id_for(sha256: str) -> str:
    return sha256[:16]


class Report:
    """A parsed annual report. Use :func:`gxbg_kit.read_report` to make one."""

    def __init__(self, data: bytes | None, path: str = "", *, manifest: dict | None = None,
                 error: ReadError | None = None, sha256: str | None = None,
                 size: int | None = None, limits: dict | None = None):
        self._data = data or b""
        self.path = path
        self.manifest = dict(manifest or {})
        self._error = error
        self.sha256 = sha256 or hashlib.sha256(self._data).hexdigest()
        self.size_bytes = size if size is not None else len(self._data)
        self._limits = dict(limits or {})
        self.report_id = report_id_for(self.sha256)

    # -- step 1: bytes → text ------------------------------------------------
    @cached_property
    def document(self) -> Document | None:
        if self._error is not None:
            return None
        try:
            return to_document(self._data, self.path, **self._limits)
        except ReadError as exc:
            self._error = exc
            return None

    @cached_property
    def lines(self) -> list[str]:
        doc = self.document
        if doc is None:
            return []
        text = strip_chrome(doc.text.replace("\r\n", "\n").replace("\r", "\n"))
        return text.split("\n")

    # -- step 2: sections ------------------------------------------------------
    @cached_property
    def _sections(self) -> dict[str, Section]:
        return find_sections(self.lines)

    def section(self, name: str) -> str | None:
        """Text of a section by name: ``"problems"``, ``"存在的主要问题"``, ``"五"`` …"""
        key = name if name in SECTIONS else SECTION_ALIASES.get(name)
        if key is None:
            key = next((v for k, v in SECTION_ALIASES.items() if k in name), None)
        if key is None:
            raise KeyError(f"unknown section {name!r}; sections are {list(SECTIONS)}")
        sec = self._sections.get(key)
        return sec.text if sec else None

    @cached_property
    def meta(self) -> Meta:
        first = min((s.start for s in self._sections.values()), default=None)
        return read_meta(self.lines, first)

    # -- step 3: tables --------------------------------------------------------
    def _table_lines(self, name: str) -> list[str]:
        sec = self._sections.get(name)
        if sec is not None:
            return sec.lines
        return self.lines  # no heading: look for the table anywhere in the text

    @cached_property
    def _applications(self) -> ApplicationsTable:
        table = recognise_applications(self._table_lines("applications"))
        if self._ocr:  # the sums proof-read what OCR read
            from .readers.proofread import proofread_applications

            proofread_applications(table)
        return table

    @property
    def _ocr(self) -> bool:
        return bool(self.document is not None and getattr(self.document, "ocr_pages", ()))

    @cached_property
    def _active(self) -> ActiveTable:
        table = recognise_active(self._table_lines("active"))
        if self._ocr:
            from .readers.proofread import proofread_active

            proofread_active(table)
        return table

    @cached_property
    def _reviews(self) -> ReviewsTable:
        lines = self._sections["reviews"].lines if "reviews" in self._sections else []
        table = recognise_reviews(lines)
        if self._ocr:
            from .readers.proofread import proofread_reviews

            proofread_reviews(table)
        return table

    @cached_property
    def template(self) -> str:
        tags = self._applications.templates | self._active.templates
        if not tags:
            return "unknown"
        return tags.pop() if len(tags) == 1 else "mixed"

    # -- step 4: tidy records; frames on demand ------------------------------
    @cached_property
    def _records(self) -> dict[str, list]:
        rid, tpl = self.report_id, self.template
        apps, u1 = applications_records(rid, self._applications, tpl)
        active, u2 = active_records(rid, self._active, tpl)
        reviews, u3 = reviews_records(rid, self._reviews)
        return {"applications": apps, "active": active, "reviews": reviews,
                "unreadable": u1 + u2 + u3}

    @cached_property
    def records(self) -> dict[str, list[tuple]]:
        """Every tidy table of this report as records (tuples in schema column order)."""
        failed = self.status_reason[0] == "failed"
        r = self._records if not failed else {}
        return {"reports": [self._info_record()],
                "applications": r.get("applications", []), "active": r.get("active", []),
                "reviews": r.get("reviews", []), "sections": self._section_records(),
                "checks": [] if failed else self._check_records}

    @property
    def applications(self) -> pd.DataFrame:
        return APPLICATIONS.frame(self.records["applications"])

    @property
    def active(self) -> pd.DataFrame:
        return ACTIVE.frame(self.records["active"])

    @property
    def reviews(self) -> pd.DataFrame:
        return REVIEWS.frame(self.records["reviews"])

    @property
    def sections(self) -> pd.DataFrame:
        return SECTIONS_TABLE.frame(self.records["sections"])

    def _section_records(self) -> list[tuple]:
        if self.document is None:
            return []
        return [SECTIONS_TABLE.Record(self.report_id, s.name, s.heading, s.text)
                for s in self._sections.values()]

    @property
    def notes(self) -> list[str]:
        """What the table reader adjusted or could not place (for diagnostics)."""
        if self.document is None:
            return []
        return self._applications.notes + self._active.notes + self._reviews.notes

    # -- step 5: checks ----------------------------------------------------------
    @cached_property
    def _check_records(self) -> list[tuple]:
        if self.document is None:
            return []
        rid, r = self.report_id, self._records
        apps, reviews = r["applications"], r["reviews"]
        cells = dict(zip(map(_APP_KEY, apps), map(_COUNT, apps)))
        review_counts = dict(zip(map(_REVIEW_KEY, reviews), map(_COUNT, reviews)))
        return (_checks.check_applications(rid, cells)
                + _checks.check_reviews(rid, review_counts)
                + _checks.check_completeness(rid, self._cells_found)
                + _checks.check_unreadable(rid, r["unreadable"])
                + _checks.check_placement(rid, [("applications", self._applications.problems),
                                                ("active", self._active.problems),
                                                ("reviews", self._reviews.problems)])
                + _checks.check_narrative(rid, self._narrative_text(), cells)
                + _checks.check_encoding_replaced(rid, self.document.replaced, self.document.encoding)
                + _checks.check_manifest(rid, {
                    "agency": (_none(self.manifest.get("agency")), self.meta.agency),
                    "year": (_none(self.manifest.get("year")), self.meta.year)}))

    @cached_property
    def _cells_found(self) -> dict[str, tuple[int, int]]:
        """(cells with a value, template cells) of each table: for the status and its check."""
        r = self._records
        return {"applications": _found(r["applications"], "count"),
                "active": _found(r["active"], "value"), "reviews": _found(r["reviews"], "count")}

    @property
    def checks(self) -> pd.DataFrame:
        return CHECKS_TABLE.frame(self.records["checks"])

    def failed_checks(self) -> pd.DataFrame:
        return _checks.failed(self.checks)

    def _narrative_text(self) -> str:
        """Prose paragraphs that talk about requests (not table lines)."""
        out = []
        for name in ("overview", "applications"):
            sec = self._sections.get(name)
            if sec is None:
                continue
            out += [ln for ln in sec.lines if "申请" in ln and "\t" not in ln and "|" not in ln
                    and len(ln.strip()) > 30]
        return "\n".join(out)

    # -- status ------------------------------------------------------------------
    @cached_property
    def status_reason(self) -> tuple[str, str, str]:
        """(status, reason code, message): the rules of :mod:`gxbg_kit.status`."""
        if self.document is None:
            return _status.failed(self._error.reason, self._error.message)
        found = [n for n, t in (("applications", self._applications), ("active", self._active),
                                ("reviews", self._reviews)) if t.found]
        cells = self._cells_found if found else {}
        return _status.status_of(list(self._sections), found, cells)

    @property
    def status(self) -> str:
        return self.status_reason[0]

    # -- metadata row ------------------------------------------------------------
    @property
    def agency(self) -> str | None:
        a = self.meta.agency if self.document is not None else None
        return a or _none(self.manifest.get("agency"))

    @property
    def year(self) -> int | None:
        y = self.meta.year if self.document is not None else None
        if y is None:
            y = _none(self.manifest.get("year"))
        return None if y is None else int(y)

    def _info_record(self) -> tuple:
        status, reason, message = self.status_reason
        doc = self.document
        m = self.manifest
        level = _none(m.get("level")) or agency_level(self.agency) or "unknown"
        region = next((_none(m.get(k)) for k in ("county", "city", "province") if _none(m.get(k))),
                      None)
        checks = [] if status == "failed" else self._check_records
        n_failed = sum(1 for c in checks if c.ok is False)
        row = {
            "report_id": self.report_id, "path": self.path,
            "source_format": (doc.source_format if doc
                              else format_from_suffix(self.path) or "unknown"),
            "encoding": doc.encoding if doc else None, "sha256": self.sha256,
            "size_bytes": self.size_bytes, "agency": self.agency,
            "agency_key": _none(m.get("agency_key")) or agency_key(
                self.agency, province=_none(m.get("province")), city=_none(m.get("city")),
                county=_none(m.get("county")), level=level),
            "year": self.year,
            "template": self.template if doc else "unknown", "status": status,
            "status_reason": reason,
            "message": message, "province": _none(m.get("province")), "city": _none(m.get("city")),
            "county": _none(m.get("county")), "region": region, "level": level,
            "agency_text": self.meta.agency if doc else None,
            "agency_manifest": _none(m.get("agency")),
            "year_text": self.meta.year if doc else None,
            "year_manifest": None if _none(m.get("year")) is None else int(m["year"]),
            "n_checks_failed": n_failed,
            "engines": _engines(doc), "pages": doc.pages if doc else None,
            "ocr_pages": ",".join(map(str, doc.ocr_pages)) if doc and doc.ocr_pages else None,
            "ocr_confidence": doc.ocr_confidence if doc else None,
        }
        return REPORTS.Record(**row)

    @property
    def info(self) -> pd.DataFrame:
        """This report's row of the ``reports`` table."""
        return REPORTS.frame(self.records["reports"])

    # -- display -------------------------------------------------------------------
    def _summary(self) -> list[tuple[str, str]]:
        status, reason, message = self.status_reason
        failed = self.failed_checks()
        names = ", ".join(f"{k}×{v}" for k, v in sorted(failed["check"].astype(str).value_counts().items()))
        return [("file", Path(self.path).name or "-"), ("agency", self.agency or "(not named)"),
                ("year", str(self.year) if self.year else "?"),
                ("template", self.template if self.document else "unknown"),
                ("status", f"{status} ({reason})"),
                *([("message", message)] if status == "failed" and message else []),
                ("failed checks", f"{len(failed)}" + (f": {names}" if names else ""))]

    def __repr__(self) -> str:
        s = dict(self._summary())
        if "message" in s:  # a failed report: which file, and why, not just the reason code
            return f"<Report {self.path or '-'} status={s['status']}: {s['message']}>"
        return (f"<Report {s['agency']} {s['year']} template={s['template']} "
                f"status={s['status']} failed checks={s['failed checks']}>")

    def _repr_html_(self) -> str:
        return html_table(self._summary(), "gxbg-report")


def html_table(pairs: list[tuple[str, str]], css_class: str) -> str:
    """A small deterministic two-column HTML table (for ``_repr_html_``)."""
    rows = "".join(f"<tr><th style='text-align:left'>{_html.escape(k)}</th>"
                   f"<td style='text-align:left'>{_html.escape(v)}</td></tr>" for k, v in pairs)
    return f"<table class='{css_class}'>{rows}</table>"


def _engines(doc) -> str | None:
    """'kind:engine' of each table a PDF or Word reader extracted."""
    if doc is None or not doc.tables:
        return None
    parts = [f"{t.get('kind', 'table')}:{t.get('engine', '?')}" for t in doc.tables
             if t.get("kind", "other") != "other"]
    return "; ".join(parts) or None


def _found(records: list[tuple], field: str) -> tuple[int, int]:
    """(cells with a value, cells in the template) of a table's records."""
    return len(records) - list(map(attrgetter(field), records)).count(None), len(records)


def _none(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, str) and not v.strip():
        return None
    return v


#: default time one report may take to read (seconds), as in ``load_corpus``
DEFAULT_TIMEOUT = 120.0
#: default longest PDF (pages): an annual report has a handful, not a compendium's 2,000
DEFAULT_MAX_PAGES = 200


def read_report(source, *, manifest: dict | None = None,
                max_bytes: int | None = DEFAULT_MAX_BYTES, name: str | None = None,
                max_uncompressed: int | None = DEFAULT_MAX_UNCOMPRESSED,
                max_pages: int | None = DEFAULT_MAX_PAGES,
                timeout: float | None = DEFAULT_TIMEOUT) -> Report:
    """Read one report (a path to a .txt/.md/.html/.pdf/.docx file, or bytes).

    Never raises for bad content: an unreadable file gives a Report whose
    ``status`` is ``failed`` with a reason. A path that does not exist raises
    FileNotFoundError. The report is parsed before this returns.

    Limits (``None`` turns one off):

    - ``max_bytes`` (default 50 MiB): a larger file is ``too_large``, unread.
    - ``max_uncompressed`` (default 200 MiB): a .docx unpacking to more is
      ``corrupt_archive``.
    - ``max_pages`` (default 200): a longer PDF is ``too_large``.
    - ``timeout`` (default 120 s, as in ``load_corpus``): a report that takes
      longer to read and parse is stopped and ``failed`` with reason
      ``timed_out``. Enforced with SIGALRM, so only on Unix and in the main
      thread; elsewhere (Windows, a worker thread) it cannot be enforced and is
      ignored. When a timer is already running (``load_corpus`` parsing in this
      process, or the caller's own ``signal.alarm``), that timer is left to
      govern and ``timeout`` is not set on top of it.
    """
    limits = {"max_uncompressed": max_uncompressed, "max_pages": max_pages}
    if isinstance(source, (bytes, bytearray)):
        data, label = bytes(source), name or ""
    else:
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"no such report file: {path}")
        data, label = None, name or str(source)
    from .timeout import Timeout as _Timeout, alarm as _alarm  # load_corpus's timeout too

    own = None if _timer_running() else timeout  # an outer timer governs: none of ours
    try:
        with _alarm(own):
            if data is None:
                try:
                    data = read_bytes(path, max_bytes)
                except ReadError as exc:
                    return Report(b"", label, manifest=manifest, error=exc,
                                  sha256=path_sha256(path))
            rep = Report(data, label, manifest=manifest, limits=limits)
            rep.records  # parse now, under the timeout (Report is lazy)
            return rep
    except _Timeout:
        if own is None:  # the outer timer's: its owner reports it
            raise
        err = ReadError("timed_out", f"reading took longer than the limit of {timeout:g} s "
                                     "and was stopped (raise timeout= to allow more)")
        if data is None:
            return Report(b"", label, manifest=manifest, error=err, sha256=path_sha256(path))
        return Report(b"", label, manifest=manifest, error=err,
                      sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def _timer_running() -> bool:
    """Is a SIGALRM timer (``load_corpus``'s, or the caller's) already counting down?"""
    import signal

    return hasattr(signal, "getitimer") and signal.getitimer(signal.ITIMER_REAL)[0] > 0


def path_sha256(path) -> str:
    """The id of a file that was not read (too large, not a regular file, timed out):
    the SHA-256 of its path, here and in load_corpus's rows (``pipeline.path_sha256``);
    its bytes are never read (a FIFO or /dev/zero would never end, a huge file would
    cost its whole size)."""
    import os

    return hashlib.sha256(os.fsencode(path)).hexdigest()

