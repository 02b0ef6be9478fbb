"""HTML report pages → text with tables as tab-separated rows.

Parsed with lxml's HTML parser: nothing is fetched (``no_network``), no
entity is resolved, comments and processing instructions are dropped, and
scripts, styles and forms are ignored. ``colspan``/``rowspan`` are expanded
into a grid: a merged *label* is repeated in every cell it covers (so a row
keeps its group, e.g. （三）不予公开), a merged *value* stands in its first
cell only, so numbers are never duplicated. ``&nbsp;`` and empty cells are
blank cells, never 0.
"""
from __future__ import annotations

import re

from lxml import etree

from .cells import is_value

SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "head",
        "form", "button", "select", "input", "svg", "canvas", "nav", "video", "audio", "textarea"}
BLOCK = {"p", "div", "section", "article", "header", "footer", "aside", "main", "li", "ul",
         "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "dd", "dt",
         "dl", "center", "address", "figure", "figcaption", "hr", "body", "html", "caption"}
_WS = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                           recover=True, huge_tree=False)


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _cell_text(cell) -> str:
    if any(True for _ in cell.iter("script", "style", "table")):
        parts: list[str] = []
        _walk(cell, parts, in_cell=True, top=True)
        raw = "".join(parts)
    else:  # the usual case: plain text and inline tags
        raw = "".join(cell.itertext())
    text = _WS.sub(" ", raw).strip()
    return _CJK_GAP.sub("", text) if " " in text else text


def _span(cell, attr: str) -> int:
    value = cell.get(attr)
    if value is None:
        return 1
    try:
        return max(1, min(int(value.strip() or 1), 1000))
    except ValueError:
        return 1


def _rows(table) -> list:
    rows = []
    for child in table:
        t = _tag(child)
        if t == "tr":
            rows.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def table_grid(table) -> list[list[str]]:
    """Expand a <table> element into a rectangular grid of cell texts."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(_rows(table)):
        c = 0
        for cell in tr:
            if _tag(cell) not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            repeat = bool(text) and not is_value(text)
            for dr in range(rs):
                for dc in range(cs):
                    first = dr == 0 and dc == 0
                    grid[(r + dr, c + dc)] = text if (first or repeat) else ""
            c += cs
    if not grid:
        return []
    n_rows = max(r for r, _ in grid) + 1
    n_cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]


def _walk(el, out: list[str], in_cell: bool = False, top: bool = False) -> None:
    """Append the text of ``el`` (not its tail) to ``out``."""
    name = _tag(el)
    if not name:  # comments, entities, processing instructions
        return
    if name in SKIP and not top:
        return
    if name == "br":
        out.append(" " if in_cell else "\n")
        return
    if name == "table" and not in_cell and not top:
        out.append("\n\n")
        out.extend("\t".join(row) + "\n" for row in table_grid(el))
        out.append("\n")
        return
    block = name in BLOCK and not in_cell
    if block:
        out.append("\n")
    if el.text:
        out.append(_WS.sub(" ", el.text))
    for child in el:
        _walk(child, out, in_cell)
        if child.tail:
            out.append(_WS.sub(" ", child.tail))
    if block:
        out.append("\n")


def html_to_text(html: str) -> str:
    """Text of an HTML page in reading order, tables as tab-separated rows."""
    html = _XML_DECL.sub("", html, count=1)
    try:
        root = etree.fromstring(html, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    out: list[str] = []
    _walk(root, out)
    lines = [line.strip(" \u3000\xa0") for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n ") + "\n"
