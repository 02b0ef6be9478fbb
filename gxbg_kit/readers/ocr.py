"""OCR engine of the PDF reader: pages without a usable text layer, read from their image.

A scanned report is a PDF of page images.  Each such page is rendered with
pypdfium2 at :attr:`OcrSettings.dpi` and read with RapidOCR (PP-OCR models
shipped in the ``rapidocr-onnxruntime`` wheel; nothing is downloaded), in the
optional extra ``gxbg_kit[ocr]``.  The page then becomes what the PDF reader
gets from a page with a text layer — characters with their boxes and ruling
lines — so the rest of :mod:`gxbg_kit.readers.pdf` (table finding, split
tables, running headers, paragraphs) and the template recognition read it as
they read any PDF: there is no second recognition path.

How a page is read
------------------
1. **Deskew.**  The page is binarised (Otsu's threshold); long straight lines
   (table rules) give the skew angle (a straight line fitted to each, the
   length-weighted median of those within :attr:`OcrSettings.max_skew`
   degrees), and the page is turned back by it.
2. **Ruling lines.**  Morphological opening with long thin kernels keeps the
   horizontal and vertical rules; each connected piece becomes an edge (in
   points), and pdfplumber's line strategy finds the tables and their cells
   from them, merged cells included.
3. **Table cells are recognised without detection.**  The text detector misses
   many lone digits in small cells (a ``0`` in a 7.5 pt cell), so inside a
   table every cell with ink (rules erased) is cut into its text lines by the
   row profile of its ink, and each line is given to the recogniser alone.
4. **Text outside tables** is found by the detector on the page with the tables
   blanked, and recognised.
5. Each recognised line becomes characters spread over its box (a CJK
   character one em wide, an ASCII one half), with the recogniser's confidence.
   In a cell that reads as a number, letters the recogniser confuses with
   digits (``o`` → ``0``, ``l`` → ``1``) are read as the digits.

Render resolution: 150 dpi (:attr:`OcrSettings.dpi`).  The table digits of a
report (7.5 pt) are then 15 px high.  Measured on six synthetic scans (1,194
cells, one core): 200 dpi 100 % right at 3.1 s a page, 150 dpi 100 % at 2.6 s,
120 dpi 100 % at 2.2 s, 100 dpi 100 % at 2.0 s; at 85 dpi reading breaks down
(91 % right, the rest mostly NA: the proof-reader, :mod:`.proofread`, leaves the
misread rows NA; on eight other scans 0.6 % of cells were wrong, all in the
第二十条 tables, which carry no sums).  150 dpi keeps a margin above that for real
scans, which are rougher than the synthetic ones; more than 150 dpi costs time
and gains nothing (``scripts/benchmark_pdf.py --scan``).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .common import Page, edge

MISSING = ("reading a scanned PDF needs the optional extra 'ocr' (rapidocr-onnxruntime, "
           "pypdfium2), which is not installed: pip install 'gxbg_kit[ocr]'")


@dataclass(frozen=True)
class OcrSettings:
    """Every tuning number of the OCR engine, in one place."""

    #: render resolution (dots per inch) of a page image
    dpi: int = 150
    #: threads of the ONNX runtime (one per process: load_corpus runs processes)
    threads: int = 1
    #: largest skew corrected (degrees); lines turned more are not table rules
    max_skew: float = 3.0
    #: a rule is at least this long (share of the page width / height) to measure skew
    skew_line: float = 0.25
    #: kernel length (px at ``dpi``) of the morphological opening that keeps rules
    rule_kernel: int = 40
    #: ink pieces smaller than this (pixels) are scanner specks, not text
    speck: int = 4
    #: pixels of a cell's border band ignored when looking for its ink
    cell_inset: int = 3
    #: fewest ink pixels for a cell (or a text line in it) to hold text
    min_ink: int = 12
    #: a gap of at least this many blank pixel rows separates two text lines of a cell
    line_gap: int = 2
    #: white pixels added around a text line of a table cell before it is recognised
    pad: int = 4
    #: a table cell's line is enlarged this much (bicubic) before the recogniser scales
    #: it to its 48 px: small print (a long amount set smaller to fit its cell) then
    #: keeps its digits more often (``66,211.6866`` was read ``66,211.686`` without)
    cell_zoom: float = 1.5
    #: a number of a table cell this long (characters) is read twice, zoomed and not,
    #: and left unreadable (NA) when the readings differ: a long amount in small print
    #: may lose a digit at either size (``10,333.3128`` read ``10,333.18`` zoomed)
    second_opinion: int = 6
    #: the recogniser's narrowest input (px, at its 48 px height): narrow crops
    #: (lone digits) are not padded to the default 320 px, a sixth of the cost
    rec_min_width: int = 48
    #: lines recognised per batch: one, since a batch pads every line to its widest
    #: (a label beside lone digits), which costs more than batching saves on one core
    #: (half the recognition time on the synthetic scans)
    rec_batch: int = 1
    #: the page is shrunk by this factor for the text detector: text outside tables
    #: (10.5 pt and more) stays 13 px high or more, and the detector's memory and time,
    #: which grow with the area, fall to a third (its peak: 450 MB for a full page)
    det_scale: float = 0.6
    #: the detector reads the page in strips of this many rows (px at ``dpi``), which
    #: overlap by ``det_margin`` rows (more than a line of text) on each side
    det_strip: int = 400
    det_margin: int = 60
    #: the detector's box threshold (lower finds fainter text)
    det_box_thresh: float = 0.4
    #: recognised text below this confidence is dropped (outside tables)
    min_score: float = 0.3


SETTINGS = OcrSettings()


@dataclass
class OcrPage:
    """A page read by OCR: characters and edges as pdfplumber has them (points,
    top-left origin), its size, and the confidence of each recognised line."""

    chars: list[dict]
    edges: list[dict]
    width: float
    height: float
    scores: list[float] = field(default_factory=list)
    skew: float = 0.0


def available() -> bool:
    """Is the OCR extra installed?"""
    try:
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=2)
def _engine(threads: int, box_thresh: float):
    import logging

    from rapidocr_onnxruntime import RapidOCR

    eng = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads,
                   det_box_thresh=box_thresh, det_limit_type="max")
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return eng


def ocr_pages(data: bytes, pages: list[int], heights: dict[int, float] | None = None,
              settings: OcrSettings = SETTINGS) -> dict[int, OcrPage]:
    """Read the given pages (1-based) of a PDF by OCR.  Raises ImportError without the extra."""
    import pypdfium2 as pdfium

    eng = _engine(settings.threads, settings.det_box_thresh)
    doc = pdfium.PdfDocument(data)
    out = {}
    try:
        for no in pages:
            page = doc[no - 1]
            w, h = page.get_size()
            img = page.render(scale=settings.dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            out[no] = read_image(img, eng, settings, (float(w), float(h)))
    finally:
        doc.close()
    return out


def read_image(img, eng, settings: OcrSettings = SETTINGS, size=None) -> OcrPage:
    """One page image (PIL, grey) read into characters and edges."""
    import numpy as np

    gray = np.asarray(img, dtype=np.uint8)
    ink = _binary(gray)
    skew = _skew(ink, settings)
    if skew:
        gray = _rotate(gray, skew)
        ink = _binary(gray)
    scale = 72 / settings.dpi
    width, height = size or (gray.shape[1] * scale, gray.shape[0] * scale)
    hmask, vmask = _rules(ink, settings)
    edges = _edges(hmask, "h", scale, height) + _edges(vmask, "v", scale, height)
    text_ink = _despeckle(ink & ~_dilate(hmask | vmask), settings.speck)
    cells = _cells(edges, width, height)
    crops, where = [], []  # where: ((x0, top, x1, bottom) in px, in a table cell or not)
    for box in cells:
        for line in _cell_lines(text_ink, box, scale, settings):
            crops.append(_crop(gray, line, settings.pad, settings.cell_zoom))
            where.append((line, True))
    blank = gray.copy()  # the page without its tables, for the detector
    tables = [tuple(int(round(v / scale)) for v in box) for box in _table_boxes(cells)]
    for x0, t, x1, b in tables:
        blank[max(0, t - 2):b + 3, max(0, x0 - 2):x1 + 3] = 255
    for quad in _detect_bands(blank, eng, [(t, b) for _, t, _, b in tables], settings):
        xs, ys = quad[:, 0], quad[:, 1]
        line = (int(xs.min()), int(ys.min()), int(math.ceil(xs.max())), int(math.ceil(ys.max())))
        if line[2] - line[0] < 3 or line[3] - line[1] < 3:
            continue
        crops.append(_crop(blank, line, 0))
        where.append((line, False))
    texts = _second_opinion(_recognise(crops, eng, settings), gray, where, eng, settings)
    chars, scores = [], []
    for ((x0, t, x1, b), in_cell), (text, score) in zip(where, texts):
        text = _tidy(text, in_cell)
        if not text or (not in_cell and score < settings.min_score):
            continue
        scores.append(float(score))
        chars += _chars(text, x0 * scale, t * scale, x1 * scale, b * scale, height)
    return OcrPage(chars, edges, float(width), float(height), scores, skew)


def _second_opinion(texts, gray, where, eng, settings: OcrSettings):
    """Long numbers of table cells read again unzoomed: where the two readings differ,
    the cell is marked unreadable (``?`` before it: NA with an ``unreadable_cell``
    check).  A digit dropped from a long amount keeps the row's shape, and the
    第二十条 tables have no sums to catch it."""
    todo = [i for i, ((_, in_cell), (text, _)) in enumerate(zip(where, texts))
            if in_cell and _NUMBERISH.match(_tidy(text, True) or "-")
            and len(_tidy(text, True)) >= settings.second_opinion]
    if not todo or settings.cell_zoom == 1:
        return texts
    again = _recognise([_crop(gray, where[i][0], settings.pad) for i in todo], eng, settings)
    out = list(texts)
    for i, (text, _) in zip(todo, again):
        if _tidy(text, True) != _tidy(out[i][0], True):
            out[i] = ("?" + out[i][0], out[i][1])
    return out


# ---------------------------------------------------------------------------
# image: binarise, deskew, rules
# ---------------------------------------------------------------------------
def _binary(gray):
    """Ink: pixels darker than Otsu's threshold of the page."""
    import cv2

    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink.astype(bool)


def _despeckle(ink, min_area: int):
    """Ink without specks (connected pieces smaller than ``min_area`` pixels)."""
    import cv2
    import numpy as np

    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    return keep[labels]


def _dilate(mask, k: int = 3):
    import cv2
    import numpy as np

    return cv2.dilate(mask.astype(np.uint8), np.ones((k, k), np.uint8)).astype(bool)


def _skew(ink, settings: OcrSettings) -> float:
    """The page's skew (degrees, counter-clockwise positive) from its long rules: each
    connected piece of the horizontal-rule mask wider than :attr:`OcrSettings.skew_line`
    of the page is fitted with a straight line; the median angle, length-weighted."""
    import cv2
    import numpy as np

    img = ink.astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (settings.rule_kernel, 1))
    hmask = cv2.morphologyEx(img, cv2.MORPH_OPEN, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hmask, connectivity=8)
    angles, weights = [], []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if w < settings.skew_line * ink.shape[1] or h > w * math.tan(math.radians(settings.max_skew)) + 4:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == k)
        slope = np.polyfit(xs, ys, 1)[0]
        angles.append(math.degrees(math.atan(slope)))
        weights.append(w)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights, dtype=float)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])


def _rotate(gray, angle: float):
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def _rules(ink, settings: OcrSettings):
    import cv2
    import numpy as np

    img = ink.astype(np.uint8)
    k = settings.rule_kernel
    h = cv2.morphologyEx(img, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    v = cv2.morphologyEx(img, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    return h.astype(bool), v.astype(bool)


def _edges(mask, orientation: str, scale: float, height: float) -> list[dict]:
    """Each connected rule of a mask as a pdfplumber edge (points)."""
    import cv2
    import numpy as np

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:n]:
        if orientation == "h":
            x0, x1 = x * scale, (x + w) * scale
            top = bottom = (y + h / 2) * scale
        else:
            x0 = x1 = (x + w / 2) * scale
            top, bottom = y * scale, (y + h) * scale
        out.append(edge(x0, top, x1, bottom, orientation, height, 0.0))
    return out


def _cells(edges: list[dict], width: float, height: float) -> list[tuple]:
    """The table cells the rules make (pdfplumber's line strategy), in points."""
    from pdfplumber.table import TableFinder, TableSettings

    finder = TableFinder(Page([], edges, [], width, height), TableSettings.resolve(None))
    return [tuple(c) for t in finder.tables for c in t.cells]


def _table_boxes(cells: list[tuple]) -> list[tuple]:
    """Bounding boxes of the tables (groups of cells): cells already grouped by
    pdfplumber are merged where they touch."""
    boxes: list[list[float]] = []
    for x0, t, x1, b in cells:
        for bx in boxes:
            if x0 <= bx[2] + 1 and x1 >= bx[0] - 1 and t <= bx[3] + 1 and b >= bx[1] - 1:
                bx[:] = [min(bx[0], x0), min(bx[1], t), max(bx[2], x1), max(bx[3], b)]
                break
        else:
            boxes.append([x0, t, x1, b])
    return [tuple(b) for b in boxes]


def _cell_lines(ink, box, scale: float, settings: OcrSettings) -> list[tuple[int, int, int, int]]:
    """The text lines (px boxes) of the ink inside a cell, from its row profile."""
    import numpy as np

    x0, t, x1, b = (int(round(v / scale)) for v in box)
    k = settings.cell_inset
    sub = ink[t + k:b - k, x0 + k:x1 - k]
    if sub.size == 0 or sub.sum() < settings.min_ink:
        return []
    rows = np.flatnonzero(sub.sum(axis=1) > 0)
    out = []
    start = prev = rows[0]
    for r in list(rows[1:]) + [None]:
        if r is None or r - prev > settings.line_gap:
            part = sub[start:prev + 1]
            if part.sum() >= settings.min_ink:
                cols = np.flatnonzero(part.sum(axis=0) > 0)
                out.append((x0 + k + int(cols[0]), t + k + int(start), x0 + k + int(cols[-1]) + 1,
                            t + k + int(prev) + 1))
            if r is None:
                break
            start = r
        prev = r
    return out


def _crop(gray, box, pad: int, zoom: float = 1.0):
    """A text line's image for the recogniser: padded, enlarged by ``zoom`` (bicubic)."""
    import cv2
    import numpy as np

    x0, t, x1, b = box
    h, w = gray.shape
    part = gray[max(0, t - 1):min(h, b + 1), max(0, x0 - 1):min(w, x1 + 1)]
    if pad:
        part = np.pad(part, pad, constant_values=255)
    if zoom != 1:
        part = cv2.resize(part, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)
    return cv2.cvtColor(part, cv2.COLOR_GRAY2RGB)


def _bands(height: int, tables: list[tuple[int, int]], strip: int, margin: int):
    """(top, bottom, own top, own bottom) of the strips of rows outside the tables: each
    band between tables is cut into strips of ``strip`` rows that overlap by ``margin``
    on each side; a text box belongs to the strip whose own rows hold its centre."""
    import numpy as np

    covered = np.zeros(height + 1, bool)
    for t, b in tables:
        covered[max(0, t + 4):max(0, b - 4)] = True
    free = np.concatenate([[0], (~covered[:height]).astype(int), [0]])
    edges = np.flatnonzero(np.diff(free))  # where runs of free rows start and stop
    out = []
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start < 8:
            continue
        for own in range(start, stop, strip):
            own_end = min(stop, own + strip)
            out.append((max(start, own - margin), min(stop, own_end + margin), own, own_end))
    return out


def _detect_bands(gray, eng, tables: list[tuple[int, int]], settings: OcrSettings = SETTINGS):
    """Text boxes (quadrilaterals, px) of the page outside the tables' rows.  The
    detector's time and memory grow with the area it is given: it runs on the rows
    between tables only, shrunk by :attr:`OcrSettings.det_scale`, in strips of
    :attr:`OcrSettings.det_strip` rows (overlapping by ``det_margin``)."""
    import cv2
    import numpy as np

    scale = settings.det_scale
    out = []
    for t, b, own_t, own_b in _bands(gray.shape[0], tables, settings.det_strip, settings.det_margin):
        part = gray[t:b]
        if part.min() > 128:  # nothing dark: no text
            continue
        if scale != 1:
            part = cv2.resize(part, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        boxes, _ = eng.text_det(cv2.cvtColor(part, cv2.COLOR_GRAY2RGB))
        for q in [] if boxes is None else boxes:
            q = np.asarray(q, dtype=float) / scale
            q[:, 1] += t
            if own_t <= q[:, 1].mean() < own_b:
                out.append(q)
    return sorted(out, key=lambda q: (q[:, 1].min(), q[:, 0].min()))


def _recognise(crops, eng, settings: OcrSettings) -> list[tuple[str, float]]:
    if not crops:
        return []
    rec = eng.text_rec
    shape, batch = list(rec.rec_image_shape), rec.rec_batch_num
    rec.rec_image_shape = [shape[0], shape[1], settings.rec_min_width]
    rec.rec_batch_num = settings.rec_batch
    try:
        out, _ = rec(crops)
    finally:
        rec.rec_image_shape, rec.rec_batch_num = shape, batch
    return [(r[0], r[1]) for r in out]


# ---------------------------------------------------------------------------
# text: confusable letters in numbers, characters over a box
# ---------------------------------------------------------------------------
#: letters the recogniser reads for digits, in a cell that is otherwise a number
_AS_DIGIT = str.maketrans({"o": "0", "O": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                           "i": "1", "z": "2", "Z": "2", "s": "5", "S": "5", "b": "6", "B": "8",
                           "g": "9", "q": "9"})
_NUMBERISH = re.compile(r"^[0-9oODQlI|izZsSbBgq,，.]+$")


def _tidy(text: str, in_cell: bool) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    if in_cell:
        text = text.replace(" ", "")
        if _NUMBERISH.match(text) and (any(c.isdigit() for c in text) or len(text) <= 2):
            text = text.translate(_AS_DIGIT).replace("，", ",")
    return text


def _chars(text: str, x0: float, top: float, x1: float, bottom: float, height: float) -> list[dict]:
    """Characters spread over a box: a CJK character one em, an ASCII one half an em."""
    widths = [0.5 if c.isascii() else 1.0 for c in text]
    total = sum(widths) or 1.0
    size = bottom - top
    out = []
    x = x0
    for c, w in zip(text, widths):
        cw = (x1 - x0) * w / total
        out.append({"object_type": "char", "text": c, "x0": x, "x1": x + cw, "top": top,
                    "bottom": bottom, "doctop": top, "y0": height - bottom, "y1": height - top,
                    "width": cw, "height": size, "size": size, "upright": True,
                    "fontname": "OCR"})
        x += cw
    return out
