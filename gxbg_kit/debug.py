"""Look at how a PDF page was read: ``gx.debug.pdf_page(path, page)``.

Draws on the page's image the tables every engine read on that page (as
pdfplumber's table-finder debugging does) and marks the reading that was kept,
so a wrong number can be traced to the engine and the table that produced it.
"""
from __future__ import annotations

from pathlib import Path

#: outline colour of each engine's tables
COLOURS = {"pdfplumber": (31, 119, 180), "camelot-lattice": (44, 160, 44),
           "camelot-stream": (255, 127, 14), "ocr": (148, 103, 189)}
#: the kept reading: drawn over the others, thicker, in this colour
CHOSEN = (214, 39, 40)


def pdf_page(path, page: int = 1, *, dpi: int = 100, tables: list[dict] | None = None):
    """The image (PIL, RGB) of one page (1-based) of a PDF with the tables each
    engine read on it outlined in the engine's colour (:data:`COLOURS`) and
    labelled with its score; the reading that was kept is outlined in red.

    ``tables``: the reader's table records (``Extracted.tables``) if already at
    hand; otherwise the file is read (OCR included, for a scanned page).  Needs
    the ``pdf`` extra and pypdfium2 (the ``ocr`` extra) to draw the page."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    data = Path(path).read_bytes() if not isinstance(path, (bytes, bytearray)) else bytes(path)
    if tables is None:
        from .readers import read_pdf

        tables = read_pdf(data).tables
    doc = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(doc):
            raise ValueError(f"page must be 1..{len(doc)}, not {page}")
        img = doc[page - 1].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    draw = ImageDraw.Draw(img)
    k = dpi / 72
    for table in tables:
        for engine, boxes in table.get("boxes", {}).items():
            chosen = engine == table.get("engine")
            score = table.get("candidates", {}).get(engine if engine != "ocr" else "pdfplumber")
            for no, x0, top, x1, bottom in boxes:
                if no != page:
                    continue
                colour = CHOSEN if chosen else COLOURS.get(engine, (127, 127, 127))
                pad = 0 if chosen else 3 * (1 + list(COLOURS).index(engine) if engine in COLOURS else 1)
                draw.rectangle([x0 * k - pad, top * k - pad, x1 * k + pad, bottom * k + pad],
                               outline=colour, width=3 if chosen else 1)
                label = f"{table.get('kind', '')} {engine}" + (f" {score:.2f}" if score is not None else "")
                draw.text((x0 * k - pad, max(0, top * k - pad - 11)), label + (" (kept)" if chosen else ""),
                          fill=colour)
    return img
