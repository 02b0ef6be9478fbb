"""PDF reports: text layer in reading order, tables as tab-separated rows.

How a PDF is read
-----------------
1. pdfplumber (pdfminer) opens the file: a password → ``encrypted``, a damaged
   file → ``corrupt``.  Every page's characters, ruling lines and images are read
   with playa-pdf (camelot's own parser, about five times faster than pdfminer)
   into pdfplumber's character and edge dicts; a file playa cannot read is read
   by pdfminer instead.  A page that is an image with (almost) no text layer, or
   whose text is mostly glyphs without a Unicode mapping (``(cid:NN)``), is read
   by the OCR engine (:mod:`gxbg_kit.readers.ocr`, extra ``gxbg_kit[ocr]``) into
   the same characters and ruling lines, and read on like any page.  Without
   OCR (or where it finds nothing): no characters at all, or page images with
   only a page number → ``no_text_layer``; mostly ``(cid:NN)`` glyphs →
   ``undecodable``.  A page turned by ``/Rotate`` whose text then reads sideways
   is read unrotated, as it was laid out.
2. Ruled tables are found with pdfplumber's line strategy.  Where pdfplumber's
   reading of a table is not perfect (:func:`~gxbg_kit.readers.is_perfect`), or
   always with ``always_compare=True``, camelot-py's lattice flavour
   (``engine="vector"``: ruling lines read from the PDF's drawing operators, no
   rasterising) reads those pages again.  On a
   page with no ruled table but lines of numbers set apart by wide gaps, the lines
   from the first to the last such line are an unruled table: each line is cut
   into cells at gaps wider than :attr:`PdfSettings.gap` em (a label wrapped around a row of bare
   numbers is joined to it), and camelot's stream flavour reads the page again.
3. A table that ends a page and one that starts the next page (nothing but a
   running header/footer between) are one table split across pages: their
   column boundaries are merged, header rows repeated on the new page dropped,
   and a row broken by the page end (its label on one page, its numbers on the
   other) joined again.
4. For each table the extraction with the best :func:`~gxbg_kit.readers.score_table`
   is kept (numbers alone in their cells in the template's positions, the
   template's arithmetic, row count near the template's).  camelot 2.0's lattice
   reading merges neighbouring rows on some fonts (Noto Sans CJK: "1" and "12"
   become one cell "1\\n12"); that lowers its score and pdfplumber's reading wins.
   Ties go to pdfplumber.
5. Text outside tables is grouped into lines; running headers and footers (the
   same line in the top or bottom margin of several pages) and page numbers
   (``- 3 -``, ``第 3 页``, ``3/12``) are dropped; lines wrapped at the right
   margin are joined into paragraphs (also across pages).  Tables are placed
   where they start.  Kangxi radicals that some fonts map their glyphs to
   (``⾏`` for ``行``) are folded to the ideographs (:func:`~gxbg_kit.readers.fold_radicals`).

Every tuning number of these steps is a field of :class:`PdfSettings` (``SETTINGS``).
Each table's reading record (``Extracted.tables``) names the engine kept, its pages,
score and kind, every engine's score (``candidates``) and boxes (``boxes``), from
which ``reports.engines`` is derived; ``gx.debug.pdf_page(path, page)`` draws them.

Limits
------
A PDF of more than ``max_pages`` pages is ``too_large`` (``read_report`` and
``load_corpus`` default to 200).  A page wider or taller than
:data:`MAX_PAGE_SIDE` (14,400 pt = 200 in = 5.08 m, the largest page the PDF
specification's reference viewer accepts; A0 is 3,370 pt) is not given to
camelot: camelot's layout analysis files every character and line into a grid
of 50-pt squares clipped to the page, so on a page 14,400,000 pt wide one
line or large glyph fills billions of squares (gigabytes, minutes).  Such a
page's text, pdfplumber's ruled tables (whose cost depends on the number of
lines, not their length) and its unruled tables are still read; its tables'
``candidates`` then lack camelot's scores.  A real report never has such a
page, but a broken producer's wrong MediaBox should not cost the report's text.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field

from ..errors import ReadError
from ..text import BRACKET_NUMBER, CN_NUMERALS, HEADING_STOP, LOOSE_NUMBER
from .common import (Extracted, clean_cell, fold_radicals, is_perfect, rows_to_text, score_table,
                     table_kind)
from .common import Page as _Page
from .common import edge as _edge

@dataclass(frozen=True)
class PdfSettings:
    """Every tuning number of the PDF reader, named and explained in one place
    (lengths in points; ``em``: the font size of the characters concerned)."""

    #: fewer characters than this per page, on pages covered by images, is a scanned PDF
    scanned_chars: int = 40
    #: a page whose images cover at least this share of it is a page image (a scan)
    image_page: float = 0.5
    #: a PDF with at least this share of page images and few characters is scanned
    scanned_share: float = 0.8
    #: the share of ``(cid:NN)`` characters above which a PDF is ``undecodable``
    cid_share: float = 0.2
    #: a gap between characters wider than this many em separates two cells of an unruled table
    gap: float = 1.0
    #: a gap wider than this many em between two ASCII characters is a space
    ascii_space: float = 0.2
    #: the smallest font size a line is taken to have (pt)
    min_font_size: float = 4.0
    #: top and bottom margin (share of the page height) searched for headers and footers
    margin: float = 0.09
    #: a line in the margins of this many pages (at least, and at least this share of the
    #: pages of a longer PDF) is a running header or footer; documents of up to
    #: ``running_short`` pages need ``running_pages``
    running_pages: int = 2
    running_share: float = 0.5
    running_short: int = 4
    #: pages with a side longer than this (pt; 200 in = 5.08 m, the PDF viewer limit) are not
    #: given to camelot, whose layout analysis grows with the page area (see "Limits" above)
    max_page_side: float = 14_400.0
    #: column boundaries of a split table's parts closer than this (pt) are one boundary
    column_tolerance: float = 3.0
    #: ruled tables on consecutive pages whose sides differ by more (pt) are not one table
    same_width: float = 6.0
    #: two readings of a table are of the same table when their heights overlap by this share
    overlap: float = 0.5
    #: an unruled table has at least this many lines cut by wide gaps
    unruled_rows: int = 3
    #: label lines within this many em of a row of bare numbers are its wrapped label
    label_wrap: float = 1.5
    #: a line of at most this many characters around an unruled table is one of its labels
    short_label: int = 20
    #: the left margin: where this quantile of lines starts; the right margin: where this
    #: quantile of full lines (10 characters or more) ends
    left_quantile: float = 0.1
    right_quantile: float = 0.8
    #: a line ending within this many em of the right margin wraps on to the next line
    #: when that one starts within ``indent`` em of the left margin in the same font size
    #: (sizes within ``size_tolerance``)
    right_slack: float = 3.0
    indent: float = 0.5
    size_tolerance: float = 0.1


SETTINGS = PdfSettings()
# the names of the numbers before PdfSettings, for callers that use them
SCANNED_CHARS = SETTINGS.scanned_chars
IMAGE_PAGE = SETTINGS.image_page
CID_SHARE = SETTINGS.cid_share
GAP = SETTINGS.gap
MARGIN = SETTINGS.margin
MAX_PAGE_SIDE = SETTINGS.max_page_side

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－·•.]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－·•.]*$"
    r"|^共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页$|^page\s*\d+(\s*of\s*\d+)?$"
    r"|^[\s\-—–－]*第\s*[一二三四五六七八九十百]+\s*页[\s\-—–－]*$",
    re.IGNORECASE,
)
#: a line that starts a heading or an item (一、 （二） 3、 附件), so never the rest of a paragraph
_HEADING = re.compile(
    rf"^\s*([{CN_NUMERALS}]+\s*{HEADING_STOP}|{BRACKET_NUMBER}|\d{{1,2}}\s*[、．]|附\s*[:：件表])"
)


#: a section heading line (一、总体情况 … 六、其他需要报告的事项), never a table row
_SECTION = re.compile(r"^[一二三四五六七]、(?!本年新收|上年结转|结转下年度)\S{2,}$")


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    chunks: list[str] = field(default_factory=list)  # text split at wide gaps (cells)


@dataclass
class _Tab:
    """One table (or one page's part of it) as one engine read it."""

    engine: str
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    colx: list[float]
    rows: list[list[str]]  # raw cell text ("" for blank or covered cells)
    pages: list[int] = field(default_factory=list)


# ---------------------------------------------------------------------------
# opening
# ---------------------------------------------------------------------------
def _open_error(exc: BaseException) -> ReadError:
    chain = [exc]
    for _ in range(5):
        nxt = chain[-1].__cause__ or chain[-1].__context__ or (
            chain[-1].args[0] if chain[-1].args and isinstance(chain[-1].args[0], BaseException)
            else None)
        if nxt is None:
            break
        chain.append(nxt)
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain)
    if "Password" in names or "Encryption" in names or "password" in text.lower():
        return ReadError("encrypted", "the PDF is encrypted (password-protected); "
                                      "open it with its password and save an unprotected copy")
    return ReadError("corrupt", f"the PDF is damaged and cannot be opened ({names}: {text[:160]})")


def _quiet():
    for name in ("pdfminer", "camelot", "playa", "pypdfium2"):
        logging.getLogger(name).setLevel(logging.ERROR)


# ---------------------------------------------------------------------------
# pdfplumber: characters, lines, ruled tables
# ---------------------------------------------------------------------------
def _plumber_tab(t, page_no: int, engine: str = "pdfplumber") -> _Tab | None:
    from pdfplumber.table import Table

    # extract from the page cropped to the table: pdfplumber tests every character
    # of the page against every cell otherwise
    rows = Table(t.page.crop(t.bbox, strict=False), t.cells).extract()
    if not rows or max(len(r) for r in rows) < 2:  # a framed paragraph is no table
        return None
    colx = sorted({c[0] for c in t.cells})
    x0, top, x1, bottom = t.bbox
    return _Tab(engine, page_no, top, bottom, x0, x1, colx,
                [[c or "" for c in r] for r in rows], [page_no])


def _in_boxes(obj, boxes) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)


def _lines(page, page_no: int, boxes) -> list[_Line]:
    from pdfplumber.utils.text import chars_to_textmap

    chars = [c for c in page.chars if c["text"] and not _in_boxes(c, boxes)] if boxes else \
        [c for c in page.chars if c["text"]]
    out: list[_Line] = []
    if not chars:  # a page that is all table
        return out
    for ln in chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=True):
        text = ln["text"].strip()
        if not text:
            continue
        sizes = [c.get("size", 10) for c in ln["chars"]] or [10]
        size = max(Counter(round(s, 1) for s in sizes).most_common(1)[0][0], SETTINGS.min_font_size)
        out.append(_Line(page_no, ln["top"], ln["bottom"], ln["x0"], ln["x1"], size, text,
                         _chunks(ln["chars"], size)))
    return out


def _chunks(chars: list[dict], size: float) -> list[str]:
    """A line's text cut where the gap between two characters is wider than ``gap`` em."""
    out: list[str] = []
    cur = ""
    prev = None
    for c in chars:
        t = c["text"]
        if not t.strip():
            continue
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            if gap > SETTINGS.gap * size:
                out.append(cur)
                cur = ""
            elif gap > SETTINGS.ascii_space * size and cur and cur[-1].isascii() and t.isascii():
                cur += " "
        cur += t
        prev = c
    if cur:
        out.append(cur)
    return out


def _numeric_lines(lines: list[_Line]) -> int:
    """Lines cut by wide gaps whose last cell is a number: rows of an unruled table."""
    return sum(1 for ln in lines if len(ln.chunks) >= 2 and _is_number(ln.chunks[-1]))


# ---------------------------------------------------------------------------
# playa: the same character and edge dicts as pdfplumber's, five times faster
# ---------------------------------------------------------------------------
def _page_side(page) -> float:
    """The longest side (pt) of a page's crop box or media box, whichever is larger."""
    sides = [float(page.width), float(page.height)]
    box = getattr(page, "mediabox", None)
    if box is not None:
        sides += [abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))]
    return max(sides)


def _find_tables(page):
    if hasattr(page, "find_tables"):
        return page.find_tables()
    from pdfplumber.table import TableFinder, TableSettings

    return TableFinder(page, TableSettings.resolve(None)).tables


def _segments(path) -> list:
    """The straight pieces of a path (its ``l`` segments and closing sides)."""
    out = []
    start = cur = None
    for seg in path.segments:
        op, pts = seg.operator, seg.points
        if op == "m":
            start = cur = pts[0]
        elif op == "l":
            if cur is not None:
                out.append((cur, pts[0]))
            cur = pts[0]
        elif op == "h":
            if cur is not None and start is not None and cur != start:
                out.append((cur, start))
            cur = start
        elif pts:
            cur = pts[-1]
    return out


def _playa_page(page, doctop: float, flip: tuple[float, float, float] | None = None) -> _Page:
    """One page's characters, ruling lines and images.  ``flip`` = (x0, top, height):
    the page was opened in PDF user space (y up, rotation ignored); turn it to
    top-left coordinates of the unrotated page."""
    if flip is None:
        def tf(x, y):
            return x, y
        w, h = float(page.width), float(page.height)
    else:
        fx, ftop, h = flip

        def tf(x, y):
            return x - fx, ftop - y
        w = float(page.cropbox[2] - page.cropbox[0])
    chars, edges, images = [], [], []
    for obj in page:
        kind = obj.object_type
        if kind == "text":
            for g in obj:
                a, b, c, d, _, _ = g.matrix
                size = float(g.size or abs(d) or 10)
                bx0, by0, bx1, by1 = g.bbox
                (x0, _), (x1, _) = tf(bx0, by0), tf(bx1, by1)
                x0, x1 = min(x0, x1), max(x0, x1)
                oy = tf(*g.origin)[1]
                top, bottom = oy - 0.88 * size, oy + 0.12 * size
                chars.append({"object_type": "char", "text": g.text or "", "x0": x0, "x1": x1,
                              "top": top, "bottom": bottom, "doctop": doctop + top,
                              "y0": h - bottom, "y1": h - top, "width": x1 - x0,
                              "height": bottom - top, "size": size,
                              "upright": abs(b) < 1e-6 and abs(c) < 1e-6,
                              "fontname": g.fontname})
        elif kind == "path":
            for pa, pb in _segments(obj):
                (xa, ya), (xb, yb) = tf(*pa), tf(*pb)
                if abs(ya - yb) < 0.5 and abs(xa - xb) >= 1:
                    edges.append(_edge(min(xa, xb), (ya + yb) / 2, max(xa, xb),
                                       (ya + yb) / 2, "h", h, doctop))
                elif abs(xa - xb) < 0.5 and abs(ya - yb) >= 1:
                    edges.append(_edge((xa + xb) / 2, min(ya, yb), (xa + xb) / 2,
                                       max(ya, yb), "v", h, doctop))
        elif kind == "image":
            bx0, by0, bx1, by1 = obj.bbox
            (x0, t0), (x1, t1) = tf(bx0, by0), tf(bx1, by1)
            images.append({"x0": min(x0, x1), "x1": max(x0, x1),
                           "top": min(t0, t1), "bottom": max(t0, t1)})
    return _Page(chars, edges, images, w, h, mediabox=tuple(page.mediabox))


def _playa_pages(data: bytes) -> list[_Page]:
    """Characters (box from the baseline and font size, like pdfminer's), axis-aligned
    ruling lines and images of every page, read with playa-pdf.

    A rotated page (``/Rotate``) whose text then reads sideways is read again
    unrotated, as the content was laid out.
    """
    import playa

    pages = []
    unrotated = None
    with contextlib.ExitStack() as stack:
        doc = stack.enter_context(playa.Document(data, space="screen"))
        doctop = 0.0
        for i, page in enumerate(doc.pages):
            p = _playa_page(page, doctop)
            sideways = sum(1 for c in p.chars if not c["upright"])
            if page.rotate % 360 and sideways > 0.5 * len(p.chars):
                if unrotated is None:
                    unrotated = stack.enter_context(playa.Document(data, space="default"))
                raw = unrotated.pages[i]
                x0, y0, x1, y1 = raw.cropbox
                q = _playa_page(raw, doctop, (x0, y1, y1 - y0))
                if sum(1 for c in q.chars if not c["upright"]) < sideways:
                    p = q
            pages.append(p)
            doctop += p.height
    return pages


# ---------------------------------------------------------------------------
# camelot
# ---------------------------------------------------------------------------
def _camelot(data: bytes, pages: list[int], flavor: str, heights: dict[int, float]) -> list[_Tab]:
    if not pages:
        return []
    try:
        import camelot
    except ImportError:  # pragma: no cover - camelot is a declared dependency
        return []
    kwargs = {"engine": "vector"} if flavor == "lattice" else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tables = camelot.read_pdf(io.BytesIO(data), pages=",".join(map(str, pages)),
                                      flavor=flavor, suppress_stdout=True, **kwargs)
    except Exception:  # camelot failing on a page must not fail the report
        return []
    out = []
    for t in tables:
        page_no = int(t.page)
        h = heights.get(page_no)
        if h is None:
            continue
        x1_, y1_, x2_, y2_ = t._bbox
        rows = [[str(c) for c in r] for r in t.df.values.tolist()]
        if len(rows) < 2 or len(rows[0]) < 2:
            continue
        out.append(_Tab(f"camelot-{flavor}", page_no, h - y2_, h - y1_, x1_, x2_,
                        [c[0] for c in t.cols], rows, [page_no]))
    return out


# ---------------------------------------------------------------------------
# joining tables split across pages
# ---------------------------------------------------------------------------
def _cluster(xs: list[float], tol: float | None = None) -> list[float]:
    tol = SETTINGS.column_tolerance if tol is None else tol
    out: list[float] = []
    for x in sorted(xs):
        if out and x - out[-1] <= tol:
            continue
        out.append(x)
    return out


def _regrid(tab: _Tab, colx: list[float]) -> list[list[str]]:
    idx = [min(range(len(colx)), key=lambda k: abs(colx[k] - x)) for x in tab.colx]
    rows = []
    for r in tab.rows:
        new = [""] * len(colx)
        for j, c in enumerate(r[:len(idx)]):
            if c:
                new[idx[j]] = (new[idx[j]] + "\n" + c) if new[idx[j]] else c
        rows.append(new)
    return rows


def _join(parts: list[_Tab]) -> _Tab:
    if len(parts) == 1:
        return parts[0]
    if any(not p.colx for p in parts):  # unruled: rows as they are
        first = parts[0]
        return _Tab(first.engine, first.page, first.top, parts[-1].bottom, first.x0, first.x1, [],
                    [r for p in parts for r in p.rows], [p.page for p in parts])
    colx = _cluster([x for p in parts for x in p.colx])
    rows = _regrid(parts[0], colx)
    for p in parts[1:]:
        more = _regrid(p, colx)
        k = 0  # header rows repeated at the top of the continuation
        while k < len(more) and k < len(rows) and any(more[k]) and \
                [clean_cell(c) for c in more[k]] == [clean_cell(c) for c in rows[k]]:
            k += 1
        more = more[k:]
        if more and rows and _split_row(rows[-1], more[0]):
            rows[-1] = [a + ("\n" + b if a and b else b) for a, b in zip(rows[-1], more[0])]
            more = more[1:]
        rows += more
    first = parts[0]
    return _Tab(first.engine, first.page, first.top, parts[-1].bottom,
                min(p.x0 for p in parts), max(p.x1 for p in parts), colx, rows,
                [p.page for p in parts])


#: a cell that starts a template row label (numbered, or the 第二十条 table's own), so not the
#: rest of a row a page break cut
_LABEL_START = re.compile(rf"^\s*([{CN_NUMERALS}]+\s*{HEADING_STOP}|{BRACKET_NUMBER}"
                          r"|\d{1,2}\s*[.．、]|第二十条|信息内容)")


def _is_number(cell: str) -> bool:
    return LOOSE_NUMBER.fullmatch(cell) is not None


def _split_row(last: list[str], first: list[str]) -> bool:
    """Is ``first`` (top row of a continuation) the rest of ``last``, a row broken at the page end?

    Yes when its text does not start a new template label, exactly one of the two
    rows has numbers, and wherever both have text, neither is a number.
    """
    texts = [c for c in first if c.strip()]
    if not texts or any(_LABEL_START.match(c) for c in texts):
        return False
    if sum((any(_is_number(c) for c in last if c), any(_is_number(c) for c in first if c))) != 1:
        return False  # a data row broken in two leaves its numbers on one side only
    for a, b in zip(last, first):
        if a.strip() and b.strip() and (_is_number(a) or _is_number(b)):
            return False
    return any(a.strip() and b.strip() for a, b in zip(last, first))


def _overlaps(a: _Tab, b: _Tab) -> bool:
    if a.page != b.page:
        return False
    inter = min(a.bottom, b.bottom) - max(a.top, b.top)
    return inter > SETTINGS.overlap * min(a.bottom - a.top, b.bottom - b.top)


# ---------------------------------------------------------------------------
# headers, footers, paragraphs
# ---------------------------------------------------------------------------
def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s", "", text))


def _drop_running(lines: list[_Line], heights: dict[int, float], n_pages: int) -> list[_Line]:
    def zone(ln):
        h = heights[ln.page]
        if ln.bottom <= SETTINGS.margin * h:
            return "head"
        if ln.top >= (1 - SETTINGS.margin) * h:
            return "foot"
        return None

    seen = Counter()
    for ln in lines:
        z = zone(ln)
        if z:
            seen[(z, _norm(ln.text))] += 1
    need = SETTINGS.running_pages if n_pages <= SETTINGS.running_short else \
        max(SETTINGS.running_pages, int(n_pages * SETTINGS.running_share))
    out = []
    for ln in lines:
        z = zone(ln)
        if z and (_PAGE_NUMBER.match(ln.text) or seen[(z, _norm(ln.text))] >= need):
            continue
        out.append(ln)
    return out


def _paragraphs(items: list) -> list[str]:
    """Items (``_Line`` or table text) → output blocks, wrapped lines joined."""
    lines = [it for it in items if isinstance(it, _Line)]
    if lines:
        # the left margin: where the lowest tenth of lines start (first lines are
        # indented, titles centred: the most common start need not be the margin)
        starts = sorted(ln.x0 for ln in lines)
        left = starts[int(SETTINGS.left_quantile * (len(starts) - 1))]
        ends = sorted(ln.x1 for ln in lines if len(ln.text) >= 10) or [max(ln.x1 for ln in lines)]
        right = ends[int(SETTINGS.right_quantile * (len(ends) - 1))]  # the right margin of full lines
    out: list[str] = []
    prev: _Line | None = None
    for it in items:
        if not isinstance(it, _Line):
            out.append(it)
            prev = None
            continue
        if prev is not None and prev.x1 >= right - SETTINGS.right_slack * prev.size \
                and it.x0 <= left + SETTINGS.indent * it.size and not _HEADING.match(it.text) \
                and abs(prev.size - it.size) <= SETTINGS.size_tolerance * it.size \
                and not _PAGE_NUMBER.match(it.text):  # same font size: same paragraph
            a, b = out[-1], it.text
            sep = " " if a and re.match(r"[A-Za-z0-9,.;:]", a[-1]) and re.match(r"[A-Za-z0-9]", b) else ""
            out[-1] = a + sep + b
        else:
            out.append(it.text)
        prev = it
    return out


# ---------------------------------------------------------------------------
# the reader
# ---------------------------------------------------------------------------
def read_pdf(data: bytes, *, max_pages: int | None = None, engines: tuple[str, ...] = (
        "pdfplumber", "camelot", "ocr"), always_compare: bool = False, backend: str = "playa"
        ) -> Extracted:
    """Read a PDF report into text with its tables as tab-separated rows.

    ``max_pages``: a PDF with more pages is refused with ``too_large`` (annual
    reports have a handful of pages; a 500-page compendium is not one report);
    ``None`` (the default here; ``read_report`` defaults to 200) reads any length.
    Pages with a side over :data:`MAX_PAGE_SIDE` are not read by camelot (see
    the module's "Limits").
    ``engines``: which table engines to try (``("pdfplumber",)`` skips camelot
    and OCR).  ``"ocr"``: pages that are images without a text layer, or whose
    text is mostly glyphs without a Unicode mapping, are read by OCR
    (:mod:`gxbg_kit.readers.ocr`, the extra ``gxbg_kit[ocr]``); without the
    extra such a PDF stays ``no_text_layer`` / ``undecodable``, the message
    saying what to install.
    camelot is run only on pages where pdfplumber's reading of a table is not
    already perfect (see :func:`~gxbg_kit.readers.is_perfect`), unless
    ``always_compare`` is true.
    ``backend``: ``"playa"`` (default) reads characters and ruling lines with
    playa-pdf, about five times faster than pdfminer; ``"pdfminer"`` uses
    pdfplumber's own pages (also the fallback when playa cannot read a file).
    Raises :class:`~gxbg_kit.errors.ReadError`.
    """
    return reading(data, max_pages=max_pages, engines=engines, always_compare=always_compare,
                   backend=backend).extracted


@dataclass
class Reading:
    """A PDF read stage by stage (:func:`reading`); each stage's result stays to inspect.

    ``pages`` the pages as read (OCR'd pages replaced by their OCR reading),
    ``ocr`` what the OCR engine did (``pages``, ``confidence``), ``heights`` each
    page's height, ``counts`` characters, ``(cid:NN)`` glyphs, images and page images,
    ``lines`` the text lines outside tables, ``unruled_pages`` / ``huge_pages`` the
    pages with an unruled table / too large for camelot, ``candidates`` every
    engine's tables, ``tables`` the reading record of each table kept, and
    ``extracted`` the result."""

    n_pages: int
    pages: list = field(default_factory=list)
    ocr: dict = field(default_factory=dict)
    heights: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    lines: list = field(default_factory=list)
    unruled_pages: list = field(default_factory=list)
    huge_pages: set = field(default_factory=set)
    bad_pages: list = field(default_factory=list)
    candidates: dict = field(default_factory=dict)
    tables: list = field(default_factory=list)
    extracted: Extracted | None = None


def reading(data: bytes, *, max_pages: int | None = None, engines: tuple[str, ...] = (
        "pdfplumber", "camelot", "ocr"), always_compare: bool = False, backend: str = "playa"
        ) -> Reading:
    """:func:`read_pdf`, returning every stage's result (a :class:`Reading`)."""
    pdf, pages = _open(data, max_pages, backend)
    try:
        r = Reading(len(pages))
        if r.n_pages == 0:
            raise ReadError("corrupt", "the PDF has no pages")
        if max_pages is not None and r.n_pages > max_pages:
            raise ReadError("too_large", f"the PDF has {r.n_pages} pages, more than max_pages="
                            f"{max_pages} (an annual report has a few pages; raise max_pages to read it)")
        r.pages, r.ocr = _ocr_engine(data, list(pages)) if "ocr" in engines else (list(pages), {})
        _read_pages(r)
        _check_text_layer(r, engines)
        r.lines = _drop_running(r.lines, r.heights, r.n_pages)
        # unruled tables: on pages with lines of numbers, the lines from the first to the
        # last one with wide gaps become rows, cut into cells at the gaps
        for i in r.unruled_pages:
            tabs, r.lines = _unruled(i, r.lines)
            r.candidates["pdfplumber-stream"] = r.candidates.get("pdfplumber-stream", []) + tabs
        r.huge_pages |= set(r.ocr.get("pages", ()))  # no text in the file for camelot to read
        if "camelot" in engines:
            _camelot_candidates(data, r, always_compare)
    finally:
        pdf.close()
    items = _choose(r)
    items.sort(key=lambda it: (it[0], it[1]))
    blocks = _paragraphs([it[2] for it in items])
    r.extracted = Extracted(fold_radicals("\n".join(blocks) + "\n"), r.tables, r.n_pages,
                            sorted(r.ocr.get("pages", ())), r.ocr.get("confidence"))
    return r


def _open(data: bytes, max_pages: int | None, backend: str):
    """(pdfplumber's document, its pages read by ``backend``); the failures of opening."""
    _quiet()
    try:
        import pdfplumber
    except ImportError as e:  # the optional extra is not installed
        raise ReadError("missing_dependency",
                        f"reading a PDF needs the optional extra 'pdf' (pdfplumber, camelot-py, "
                        f"playa-pdf), which is not installed ({e}): pip install 'gxbg_kit[pdf]'") from e
    if not data or not data.strip():
        raise ReadError("empty_file", "the file has no bytes")
    if b"%PDF" not in data[:1024]:
        raise ReadError("corrupt", "not a PDF file: no %PDF header in its first bytes")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        page_list = pdf.pages
    except Exception as e:
        raise _open_error(e) from e
    if backend == "playa" and (max_pages is None or len(page_list) <= max_pages):
        try:
            page_list = _playa_pages(data)
        except Exception:  # playa cannot read it: pdfminer's slower reading of the same file
            page_list = pdf.pages
    return pdf, page_list


def _read_pages(r: Reading) -> None:
    """Each page's ruled tables (pdfplumber), text lines and counts; a damaged page is
    skipped (``bad_pages``), all of them → ``corrupt``."""
    plumber: list[_Tab] = []
    for i, page in enumerate(r.pages, start=1):
        try:
            chars = page.chars
            r.heights[i] = float(page.height)
            if _page_side(page) > SETTINGS.max_page_side:
                r.huge_pages.add(i)
            r.counts["images"] += len(page.images)
            r.counts["image_pages"] += _image_share(page) >= SETTINGS.image_page
            r.counts["chars"] += sum(1 for c in chars if c["text"].strip() or not c["text"])
            r.counts["cid"] += sum(1 for c in chars if not c["text"] or c["text"].startswith("(cid:"))
            if not chars:
                continue
            found = [t for t in (_plumber_tab(t, i) for t in _find_tables(page)) if t]
            plumber += found
            page_lines = _lines(page, i, [(t.x0, t.top, t.x1, t.bottom) for t in found])
            if not found and _numeric_lines(page_lines) >= 2:
                r.unruled_pages.append(i)
            r.lines += page_lines
        except ReadError:
            raise
        except Exception as e:  # one damaged page: read the others
            r.bad_pages.append(f"page {i} ({type(e).__name__}: {str(e)[:100]})")
    if len(r.bad_pages) == r.n_pages:
        raise ReadError("corrupt", "no page of the PDF can be read: " + "; ".join(r.bad_pages[:3]))
    r.candidates["pdfplumber"] = plumber


def _check_text_layer(r: Reading, engines) -> None:
    """``no_text_layer`` / ``undecodable`` when the pages (after OCR) have no usable text."""
    hint = _ocr_hint(engines, r.ocr)
    n_chars, n = r.counts["chars"], r.n_pages
    if n_chars == 0:
        images = r.counts["images"]
        what = f"{images} images" if images else "no text"
        raise ReadError("no_text_layer", f"the PDF has no text layer ({n} pages, {what}): "
                                         f"it is scanned; {hint}")
    if r.counts["image_pages"] >= SETTINGS.scanned_share * n and n_chars < SETTINGS.scanned_chars * n:
        raise ReadError("no_text_layer", f"the PDF is page images with almost no text layer "
                                         f"({n_chars} characters on {n} pages, such as page "
                                         f"numbers): it is scanned; {hint}")
    if r.counts["cid"] > SETTINGS.cid_share * n_chars:
        raise ReadError("undecodable", f"the PDF's fonts have no Unicode mapping: {r.counts['cid']} of "
                                       f"{n_chars} characters extract as (cid:NN) glyph numbers"
                                       + ("" if r.ocr.get("pages") else f"; {hint}"))


def _camelot_candidates(data: bytes, r: Reading, always_compare: bool) -> None:
    """camelot's lattice and stream readings of the pages where pdfplumber's could improve."""
    ruled = r.candidates["pdfplumber"]
    stream = r.candidates.get("pdfplumber-stream", [])
    ruled_pages = sorted({t.page for t in ruled}) if always_compare else _imperfect_pages(ruled, r.lines)
    stream_pages = r.unruled_pages if always_compare else _imperfect_pages(stream, r.lines)
    r.candidates["camelot-lattice"] = _camelot(
        data, [p for p in ruled_pages if p not in r.huge_pages], "lattice", r.heights)
    r.candidates["camelot-stream"] = _camelot(
        data, [p for p in stream_pages if p not in r.huge_pages], "stream", r.heights)


def _choose(r: Reading) -> list[tuple[int, float, object]]:
    """Each table's best reading (by :func:`~gxbg_kit.readers.score_table`; ties to
    pdfplumber) and its reading record in ``r.tables``; returns the page items
    (lines and table texts with their place)."""
    base = sorted(r.candidates["pdfplumber"] + r.candidates.get("pdfplumber-stream", []),
                  key=lambda t: (t.page, t.top))
    items: list[tuple[int, float, object]] = [(ln.page, ln.top, ln) for ln in r.lines]
    ocr_pages = set(r.ocr.get("pages", ()))
    for group in _split_groups(base, r.lines):
        best = _join(group)
        best_score = score_table(best.rows)
        kind = table_kind(best.rows)
        cands = {"pdfplumber": best_score}
        boxes = {"pdfplumber": _boxes(group)}
        for engine, tabs in r.candidates.items():
            if engine.startswith("pdfplumber") or not tabs:
                continue
            parts = []
            for g in group:
                parts += sorted((t for t in tabs if _overlaps(t, g)), key=lambda t: t.top)[:1]
            if len(parts) != len(group):
                continue
            alt = _join(parts)
            s = score_table(alt.rows, kind)
            cands[engine] = s
            boxes[engine] = _boxes(parts)
            if s > best_score:
                best, best_score = alt, s
        items.append((group[0].page, group[0].top, rows_to_text(best.rows)))
        engine = best.engine
        if ocr_pages & set(best.pages):  # read from the OCR's characters and lines
            engine = "ocr"
            boxes["ocr"] = boxes.pop("pdfplumber")
        r.tables.append({"engine": engine, "pages": best.pages, "n_rows": len(best.rows),
                         "n_cols": len(best.colx) or max(map(len, best.rows)),
                         "score": best_score, "kind": kind, "candidates": cands, "boxes": boxes})
    return items


def _boxes(tabs: list[_Tab]) -> list[tuple[int, float, float, float, float]]:
    """(page, x0, top, x1, bottom) in points of each page's part of a table."""
    return [(t.page, round(t.x0, 1), round(t.top, 1), round(t.x1, 1), round(t.bottom, 1))
            for t in tabs]


def _image_share(page) -> float:
    """The share of a page's area its images cover."""
    area = float(page.width) * float(page.height) or 1.0
    return sum(max(0.0, min(im["x1"], page.width) - max(im["x0"], 0)) *
               max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
               for im in page.images) / area


def _needs_ocr(page) -> bool:
    """A page that is an image with (almost) no text layer, or whose text is mostly
    glyphs without a Unicode mapping."""
    text = [c for c in page.chars if c["text"].strip() or not c["text"]]
    if _image_share(page) >= SETTINGS.image_page and len(text) < SETTINGS.scanned_chars:
        return True
    cid = sum(1 for c in text if not c["text"] or c["text"].startswith("(cid:"))
    return len(text) >= SETTINGS.scanned_chars and cid > SETTINGS.cid_share * len(text)


def _ocr_engine(data: bytes, pages: list) -> tuple[list, dict]:
    """Pages that need OCR (:func:`_needs_ocr`) replaced by their OCR reading: the
    same characters and ruling lines a text page gives.  Returns the pages and
    ``{"pages": [...], "confidence": mean box confidence}`` (``{"missing": True}``
    when the OCR extra is not installed)."""
    todo = []
    for i, page in enumerate(pages, start=1):
        try:
            if _needs_ocr(page):
                todo.append(i)
        except Exception:  # a damaged page: the page loop reports it
            continue
    if not todo:
        return pages, {}
    from . import ocr

    if not ocr.available():
        return pages, {"missing": True}
    read = ocr.ocr_pages(data, todo)
    scores = []
    doctop = 0.0
    out = []
    for i, page in enumerate(pages, start=1):
        if i in read:
            got = read[i]
            for obj in got.chars + got.edges:
                obj["doctop"] = doctop + obj["top"]
            scores += got.scores
            page = _Page(got.chars, got.edges, [], got.width, got.height)
        doctop += float(page.height)
        out.append(page)
    conf = round(sum(scores) / len(scores), 4) if scores else None
    return out, {"pages": todo, "confidence": conf}


def _ocr_hint(engines, ocr_info: dict) -> str:
    """What the failure message tells to do about a page without a usable text layer."""
    if ocr_info.get("pages"):
        return "OCR found no text on its pages"
    if "ocr" in engines and ocr_info.get("missing"):
        from .ocr import MISSING

        return MISSING
    return "run OCR on it first (pip install 'gxbg_kit[ocr]' reads it)"


def _imperfect_pages(tabs: list[_Tab], lines: list[_Line]) -> list[int]:
    """Pages of the tables whose pdfplumber reading could still be improved."""
    pages: set[int] = set()
    for group in _split_groups(sorted(tabs, key=lambda t: (t.page, t.top)), lines):
        if not is_perfect(_join(group).rows):
            pages |= {t.page for t in group}
    return sorted(pages)


def _unruled(page_no: int, lines: list[_Line]) -> tuple[list[_Tab], list[_Line]]:
    """The unruled table region of a page as tables of gap-separated cells."""
    idx = [k for k, ln in enumerate(lines) if ln.page == page_no]
    multi = [k for k in idx if len(lines[k].chunks) >= 2]
    if len(multi) < SETTINGS.unruled_rows:
        return [], lines
    end = multi[-1]
    # short label lines after the last row, down to the page end, belong to the table
    # (e.g. the 第二十条第（八）项 heading of a table that goes on on the next page)
    # and so do those before the first row, up from the page top
    def short_labels(ks):
        return ks and all(len(lines[k].chunks) == 1 and len(lines[k].text) <= SETTINGS.short_label
                          and not _SECTION.match(lines[k].text) for k in ks)

    start = multi[0]
    rest = [k for k in idx if k > end]
    if short_labels(rest):
        end = rest[-1]
    before = [k for k in idx if k < start]
    if short_labels(before):
        start = before[0]
    region = lines[start:end + 1]
    rows: list[list[str] | None] = [list(ln.chunks) for ln in region]

    def numbers_only(k):
        return rows[k] is not None and all(_is_number(c) for c in rows[k])

    def label_only(k):  # one cell of text: a wrapped piece of a row label
        return 0 <= k < len(rows) and rows[k] is not None and len(rows[k]) == 1 \
            and not _is_number(rows[k][0])

    # a label wrapped inside its cell: the lines just above and below a row of bare numbers
    for k, ln in enumerate(region):
        if not numbers_only(k):
            continue
        label = ""
        if label_only(k - 1) and ln.top - region[k - 1].bottom < SETTINGS.label_wrap * ln.size:
            label = "".join(rows[k - 1])
            rows[k - 1] = None
        if label_only(k + 1) and region[k + 1].top - ln.bottom < SETTINGS.label_wrap * ln.size \
                and not _LABEL_START.match(region[k + 1].text):
            label += "".join(rows[k + 1])
            rows[k + 1] = None
        if label:
            rows[k] = [label] + rows[k]
    # one table per stretch between section headings; the headings stay text lines
    tabs: list[_Tab] = []
    piece: list[tuple[_Line, list[str]]] = []
    headings: list[_Line] = []

    def close():
        if piece:
            tabs.append(_Tab("pdfplumber", page_no, piece[0][0].top, piece[-1][0].bottom,
                             min(ln.x0 for ln, _ in piece), max(ln.x1 for ln, _ in piece), [],
                             [r for _, r in piece], [page_no]))
            piece.clear()

    for ln, row in zip(region, rows):
        if row is None:
            continue
        if len(row) == 1 and _SECTION.match(row[0]):
            close()
            headings.append(ln)
            continue
        piece.append((ln, row))
    close()
    gone = {id(ln) for ln in region} - {id(ln) for ln in headings}
    return tabs, [ln for ln in lines if id(ln) not in gone]


def _split_groups(tabs: list[_Tab], lines: list[_Line]) -> list[list[_Tab]]:
    """Chains of page tables that are one table split across pages."""
    groups: list[list[_Tab]] = []
    for t in tabs:
        if groups:
            prev = groups[-1][-1]
            if t.page == prev.page + 1 and _continues(prev, t, lines):
                groups[-1].append(t)
                continue
        groups.append([t])
    return groups


def _continues(a: _Tab, b: _Tab, lines: list[_Line]) -> bool:
    after_a = any(ln.page == a.page and ln.top > a.bottom - 1 for ln in lines)
    before_b = any(ln.page == b.page and ln.bottom < b.top + 1 for ln in lines)
    if after_a or before_b:
        return False
    if a.colx and b.colx and (abs(a.x0 - b.x0) > SETTINGS.same_width
                              or abs(a.x1 - b.x1) > SETTINGS.same_width):
        return False  # ruled tables of another width: not the same table
    return True
