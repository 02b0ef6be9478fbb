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

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Extracted", "clean_cell", "fold_radicals", "rows_to_text", "read_pdf", "read_docx",
           "read_doc"]


@dataclass
class Extracted:
    """What a reader got out of a file.

    ``text``: the whole document in reading order, tables as tab-separated rows.
    ``tables``: one dict per table, in order: ``engine`` (``"camelot-lattice"``,
    ``"camelot-stream"``, ``"pdfplumber"`` or ``"docx"``), ``pages`` (1-based page
    numbers it spans; ``[]`` for .docx), ``n_rows``, ``n_cols``, ``score``
    (0..1, how well the cells fit the template skeleton and their own
    arithmetic), ``kind`` (``applications``, ``reviews``, ``active`` or ``other``)
    and ``candidates`` (score of every engine tried).
    ``pages``: number of pages (PDF), ``None`` for Word files.
    """

    text: str
    tables: list[dict] = field(default_factory=list)
    pages: int | None = None


_ASCII_WORD = re.compile(r"[A-Za-z0-9%.]")
_NUMBER_PART = re.compile(r"^[\d,.]+$")


def clean_cell(text: str | None, *, wrapped_number: bool = False) -> str:
    """One table cell as one line of text.

    Lines wrapped inside a cell are joined with nothing between CJK text
    (``"科研机\\n构"`` → ``"科研机构"``) and with a space between two ASCII words or
    numbers (so two numbers of two merged rows stay visibly two: ``"1 12"``, never
    ``"112"``).  ``wrapped_number``: the cell is one number wrapped in a narrow
    column (``"2362\\n2"`` → ``"23622"``).  Tabs become spaces; surrounding white
    space is stripped.
    """
    if not text:
        return ""
    text = text.replace("\t", " ").replace("\r", "\n").replace("\u00a0", " ")
    out = ""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and not wrapped_number and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(line[0]):
            out += " " + line
        else:
            out += line
    return out


def _wrapped_numbers(row: list[str]) -> set[int]:
    """Cells of a row holding one number wrapped over lines.

    Rows merged by an extraction engine hold several lines of numbers in every
    number cell; a number wrapped in a narrow column sits beside one-line numbers.
    """
    single, multi = set(), set()
    for k, cell in enumerate(row):
        lines = [x.strip() for x in (cell or "").split("\n") if x.strip()]
        if not lines or not all(_NUMBER_PART.match(x) for x in lines):
            continue
        (multi if len(lines) > 1 else single).add(k)
    return multi if single else set()


def _radical_table() -> dict[int, str]:
    table = {}
    ranges = [(0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if folded != chr(cp) and len(folded) == 1:
                table[cp] = folded
    return table


_RADICALS = _radical_table()


def fold_radicals(text: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs as the ideographs they stand for.

    Many PDFs made from Chinese fonts map glyphs to the Kangxi Radicals block
    (``⼀`` U+2F00 for ``一``, ``⾏`` U+2F8F for ``行``) or to compatibility
    ideographs; the text then looks right but matches nothing.  Only these blocks
    are folded (NFKC, one character for one); full-width punctuation and digits
    stay as printed.
    """
    return text.translate(_RADICALS)


def rows_to_text(rows: list[list[str]]) -> str:
    """Table rows as tab-separated lines (rows whose cells are all blank are dropped)."""
    lines = []
    for row in rows:
        wrapped = _wrapped_numbers(row)
        cells = [clean_cell(c, wrapped_number=k in wrapped) for k, c in enumerate(row)]
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# How well a table's cells fit the template skeleton and their own arithmetic
# ---------------------------------------------------------------------------
_NUMBER = re.compile(r"^(增|减|\+|-|−)?\s*\d[\d,]*(\.\d+)?\s*(万元|元|件|项|条|个)?$")
_INT = re.compile(r"^\d+$")
#: numbers per row the template allows, by table kind
_ROW_NUMBERS = {"applications": 7, "reviews": 15, "active": 3, "other": 10**6}
#: rows with numbers in the template (2019 … 2021 versions, with some slack)
_ROWS_WITH_NUMBERS = {"applications": (20, 27), "reviews": (1, 1), "active": (5, 10)}


def table_kind(rows: list[list[str | None]]) -> str:
    """``applications``, ``reviews``, ``active`` or ``other``, from the table's labels."""
    text = "".join(c or "" for row in rows for c in row)
    text = re.sub(r"\s", "", text)
    if "本年新收" in text or "申请人情况" in text or "予以公开" in text:
        return "applications"
    if "行政复议" in text and ("尚未审结" in text or "行政诉讼" in text):
        return "reviews"
    if "第二十条" in text or "信息内容" in text:
        return "active"
    return "other"


def is_perfect(rows: list[list[str | None]], kind: str | None = None) -> bool:
    """True when every number sits alone in a cell where the template allows it, the
    row count is the template's and no arithmetic check fails (nothing to improve)."""
    return score_table(rows, kind, detail=True)[1]


def score_table(rows: list[list[str | None]], kind: str | None = None, *,
                detail: bool = False):
    """Score 0..1 of an extracted table (cells as extracted, newlines inside cells kept).

    * share of the number tokens that sit alone in a cell of a row with no more
      numbers than the template allows (a cell holding two numbers on two lines,
      the sign of two rows merged, counts against it);
    * share of the arithmetic that holds: each 7-number applications row sums to
      its 总计 column, 新收 + 上年结转 = (七)总计 + 结转下年度, review totals;
    * a penalty when the number of rows with numbers is far from the template's.
    """
    kind = kind or table_kind(rows)
    limit = _ROW_NUMBERS.get(kind, 10**6)
    tokens = good = 0
    numeric_rows: list[tuple[str, list[str]]] = []
    for row in rows:
        cells = [(c or "").strip() for c in row]
        singles = []
        bad_row = 0
        for c in cells:
            lines = [x.strip() for x in c.split("\n") if x.strip()]
            if not lines or not all(_NUMBER.match(x) for x in lines):
                continue
            tokens += len(lines)
            if len(lines) == 1:
                singles.append(lines[0])
            else:
                bad_row += len(lines)
        if singles and len(singles) <= limit and not bad_row:
            good += len(singles)
        if singles or bad_row:
            label = "".join(c for c in cells if c and not _NUMBER.match(c.replace("\n", "")))
            numeric_rows.append((re.sub(r"\s", "", label), singles if not bad_row else []))
    if tokens == 0:
        return (0.0, False) if detail else 0.0
    cell_share = good / tokens

    checks = []
    if kind == "applications":
        by_label = {}
        for label, nums in numeric_rows:
            if len(nums) == 7 and all(_INT.match(n) for n in nums):
                v = [int(n) for n in nums]
                checks.append(sum(v[:6]) == v[6])
                for key in ("本年新收", "上年结转", "总计", "结转下年度"):
                    if key in label:
                        by_label.setdefault(key, v)
        if len(by_label) == 4:
            a, b, c, d = (by_label[k] for k in ("本年新收", "上年结转", "总计", "结转下年度"))
            checks += [a[i] + b[i] == c[i] + d[i] for i in range(7)]
    elif kind == "reviews":
        for _, nums in numeric_rows:
            if len(nums) == 15 and all(_INT.match(n) for n in nums):
                v = [int(n) for n in nums]
                checks += [sum(v[i:i + 4]) == v[i + 4] for i in (0, 5, 10)]
    arith = sum(checks) / len(checks) if checks else 0.5
    score = 0.7 * cell_share + 0.3 * arith
    lo_hi = _ROWS_WITH_NUMBERS.get(kind)
    miss = 0
    if lo_hi:
        n = len(numeric_rows)
        miss = max(0, lo_hi[0] - n, n - lo_hi[1])
        score -= 0.05 * miss
    score = round(max(0.0, min(1.0, score)), 4)
    if detail:
        return score, cell_share == 1 and all(checks) and not miss
    return score


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
