"""What the PDF and Word readers share: the :class:`Extracted` result, cell
cleaning, folding of Kangxi radicals, tables as tab rows, and the table scorer
that picks the reading whose shape and sums fit the template best.

It sits below :mod:`gxbg_kit.readers` (which dispatches to the readers) and the
readers themselves, so that they import it and not the package that imports them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .. import template as _template
from ..text import SCORER_NUMBER as _NUMBER
from ..text import parse_value

@dataclass
class Extracted:
    """What a reader got out of a file.

    ``text``: the whole document in reading order, tables as tab-separated rows.
    ``tables``: one dict per table, in order: ``engine`` (``"camelot-lattice"``,
    ``"camelot-stream"``, ``"pdfplumber"``, ``"ocr"`` or ``"docx"``), ``pages`` (1-based page
    numbers it spans; ``[]`` for .docx), ``n_rows``, ``n_cols``, ``score``
    (0..1, how well the cells fit the template skeleton and their own
    arithmetic), ``kind`` (``applications``, ``reviews``, ``active`` or ``other``),
    ``candidates`` (score of every engine tried) and ``boxes`` (PDF: each engine's
    reading as (page, x0, top, x1, bottom) in points, one per page it spans).
    ``pages``: number of pages (PDF), ``None`` for Word files.
    ``ocr_pages``: the pages (1-based) read by OCR; ``ocr_confidence``: the mean
    confidence (0..1) of the text boxes OCR recognised (``None`` without OCR).
    """

    text: str
    tables: list[dict] = field(default_factory=list)
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)
    ocr_confidence: float | None = None


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
# What the scorer expects of a table (numbers per row, rows with numbers, the sums
# its cells obey) is the template's (:mod:`gxbg_kit.template`, ``data/labels.csv``,
# ``data/arithmetic.csv``); only the slack around the row count is the reader's.
#: how many rows with numbers a reading may have below / above the template's
#: (both template versions): a wrapped label or a split header row adds one, a
#: reading that merges rows loses some
_ROW_SLACK = {"applications": (3, 2), "reviews": (0, 0), "active": (1, 2)}
_UNBOUNDED = 10**6


def _application_rows_with_numbers(version: str) -> set[tuple]:
    """The applications row keys of one template version that carry numbers: every
    row, group and sub-row label of that version (``data/labels.csv``), less the
    groups printed as headings over their sub-rows (the 2019 unsplit （六）其他处理
    is a row of numbers, the 2021 one a heading)."""
    keys = set()
    for lab in _template.labels():
        if lab.table == "applications" and lab.template in (version, "both"):
            keys.add((lab.parent, lab.code) if lab.kind == "reason" else (lab.code, None))
    return {k for k in keys if k[1] is not None or not any(x[0] == k[0] and x[1] for x in keys)}


def _template_shape(kind: str) -> tuple[int, tuple[int, int] | None]:
    """(numbers a row may hold, (fewest, most) rows with numbers) of a table kind,
    from the template (read each time, so a change of the template data shows)."""
    if kind == "applications":
        limit = len(_template.APPLICATION_COLUMNS)
        counts = [len(_application_rows_with_numbers(v)) for v in _template.ACTIVE_SKELETON]
    elif kind == "reviews":
        limit, counts = len(_template.REVIEW_CELLS), [1]  # one row: _template.REVIEWS_ROW
    elif kind == "active":
        limit = max(len(ms) for items in _template.ACTIVE_SKELETON.values() for _, ms in items)
        counts = [len(items) for items in _template.ACTIVE_SKELETON.values()]
    else:
        return _UNBOUNDED, None
    lo, hi = _ROW_SLACK[kind]
    return limit, (min(counts) - lo, max(counts) + hi)


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


def _row_values(numbers: list[str] | None, width: int) -> list[float] | None:
    """A row's numbers as values when it has exactly the template's cells, all read."""
    if not numbers or len(numbers) != width:
        return None
    values = [parse_value(n).number for n in numbers]
    return None if any(v is None for v in values) else values


def _holds(parts, total, value) -> bool | None:
    """Whether a sum holds (None when one of its cells is unknown)."""
    a = [value(k) for k in parts]
    b = [value(k) for k in total]
    if not a or not b or any(x is None for x in a + b):
        return None
    return abs(sum(a) - sum(b)) < 1e-9


def _application_checks(numeric_rows: list[tuple[list[str], list[str] | None]]) -> list[bool]:
    """The applications sums of the template applied to a table's rows: each row is
    named by the label classifier (its last recognised label cell, the group of the
    sub-rows followed as the recogniser does); a row without a recognised label, or
    naming a row already seen, is a row of its own (the ``row`` sums hold in every
    row of the table; the sums between rows use the first of each name)."""
    width = len(_template.APPLICATION_COLUMNS)
    values: dict[tuple, list[float] | None] = {}
    group = None
    for i, (labels, numbers) in enumerate(numeric_rows):
        key = None
        for text in labels:
            lab = _template.classify_application_label(text, group)
            if lab is None:
                continue
            if lab.kind == "group":
                group = lab.code
            elif lab.kind == "row":
                group = None
            else:
                group = lab.parent
            key = (lab.parent, lab.code) if lab.kind == "reason" else (lab.code, None)
        if numbers is None:
            continue  # a row without numbers (a heading) only sets the group
        if key is None or key in values:
            key = ("#row", i)  # never a template row: only its own ``row`` sums apply
        values[key] = _row_values(numbers, width)

    def value(cell):
        row = values.get(cell[0])
        return None if row is None else row[cell[1]]

    checks = [_holds(parts, total, value) for parts, total in _template.application_equations(list(values))]
    return [c for c in checks if c is not None]


def _review_checks(numeric_rows: list[tuple[list[str], list[str] | None]]) -> list[bool]:
    """The reviews sums of the template applied to each row holding the 15 cells."""
    width = len(_template.REVIEW_CELLS)
    checks = []
    for _, numbers in numeric_rows:
        row = _row_values(numbers, width)
        if row is None:
            continue
        for parts, total in _template.review_equations():
            c = _holds(parts, total, lambda cell: row[cell[1]])
            if c is not None:
                checks.append(c)
    return checks


def score_table(rows: list[list[str | None]], kind: str | None = None, *,
                detail: bool = False):
    """Score 0..1 of an extracted table (cells as extracted, newlines inside cells kept).

    * 0.7 × the share of the number tokens that sit alone in a cell of a row with no
      more numbers than a template row has (a cell holding two numbers on two
      lines, the sign of two rows merged, counts against it);
    * 0.3 × the share of the template's sums (``data/arithmetic.csv``) that hold
      among the rows holding the template's number of cells, rows named by the
      label classifier (0.5 when no sum can be checked);
    * less 0.05 per row with numbers beyond the template's row counts (both
      versions) and the reader's slack.

    ``detail``: return ``(score, perfect)`` (see :func:`is_perfect`).
    """
    kind = kind or table_kind(rows)
    limit, row_range = _template_shape(kind)
    tokens = good = 0
    # rows as (label cells, the numbers of a row without merged cells or None);
    # rows without numbers are kept (labels only) for the classifier's group state
    table_rows: list[tuple[list[str], list[str] | None]] = []
    n_numeric = 0
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
        labels = [c for c in cells if c and not _NUMBER.match(c.replace("\n", ""))]
        if singles or bad_row:
            n_numeric += 1
            table_rows.append((labels, singles if not bad_row else []))
        else:
            table_rows.append((labels, None))
    if tokens == 0:
        return (0.0, False) if detail else 0.0
    cell_share = good / tokens

    numeric_rows = [r for r in table_rows if r[1] is not None]
    if kind == "applications":
        checks = _application_checks(table_rows)
    elif kind == "reviews":
        checks = _review_checks(numeric_rows)
    else:
        checks = []
    arith = sum(checks) / len(checks) if checks else 0.5
    score = 0.7 * cell_share + 0.3 * arith
    miss = 0
    if row_range:
        miss = max(0, row_range[0] - n_numeric, n_numeric - row_range[1])
        score -= 0.05 * miss
    score = round(max(0.0, min(1.0, score)), 4)
    if detail:
        return score, cell_share == 1 and all(checks) and not miss
    return score


# -- pages as the table finder sees them (PDF text layer and OCR) -----------------
class Page:
    """The part of a pdfplumber page that table finding and text lines use (built from
    playa's objects by the PDF reader, and from an image's boxes and rules by OCR)."""

    def __init__(self, chars, edges, images, width, height, bbox=None, mediabox=None):
        self.chars, self.edges, self.images = chars, edges, images
        self.width, self.height = width, height
        self.bbox = bbox or (0, 0, width, height)
        self.mediabox = mediabox or self.bbox

    def crop(self, bbox, relative=False, strict=True):
        x0, top, x1, bottom = bbox
        chars = [c for c in self.chars if x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1
                 and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1]
        return Page(chars, self.edges, [], self.width, self.height, tuple(bbox), self.mediabox)


def edge(x0, top, x1, bottom, orientation, height, doctop):
    """A ruling line as pdfplumber represents it (an edge dict)."""
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "doctop": doctop + top, "y0": height - bottom, "y1": height - top,
            "width": x1 - x0, "height": bottom - top}
