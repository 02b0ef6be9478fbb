"""HTML report pages → text with tables as tab-separated rows.

Parsed with BeautifulSoup on lxml: nothing is fetched, no external entity is
resolved, scripts, styles and forms are dropped. ``colspan``/``rowspan`` are
expanded into a grid: a merged *label* is repeated in every cell it covers
(so a row keeps its group, e.g. （三）不予公开), a merged *value* stands in its
first cell only, so numbers are never duplicated. ``&nbsp;`` and empty cells are
blank cells, never 0.
"""
from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag
from bs4.element import PreformattedString

from .cells import is_value

SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "head",
        "form", "button", "select", "input", "svg", "canvas", "nav", "video", "audio"}
BLOCK = {"p", "div", "section", "article", "header", "footer", "aside", "main", "li", "ul",
         "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "dd", "dt",
         "dl", "center", "address", "figure", "figcaption", "hr", "body", "html"}
_WS = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _cell_text(cell: Tag) -> str:
    parts: list[str] = []
    _walk(cell, parts, in_cell=True)
    text = _WS.sub(" ", "".join(parts)).strip()
    return _CJK_GAP.sub("", text)


def _span(cell: Tag, attr: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attr, "1")).strip() or 1), 1000))
    except ValueError:
        return 1


def table_grid(table: Tag) -> list[list[str]]:
    """Expand a <table> into a rectangular grid of cell texts."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
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


def _walk(node, out: list[str], in_cell: bool = False) -> None:
    if isinstance(node, NavigableString):
        if not isinstance(node, PreformattedString):  # comments, doctypes, CDATA
            out.append(_WS.sub(" ", str(node)))
        return
    if not isinstance(node, Tag):
        return
    name = node.name.lower() if node.name else ""
    if name in SKIP:
        return
    if name == "br":
        out.append(" " if in_cell else "\n")
        return
    if name == "table" and not in_cell:
        grid = table_grid(node)
        out.append("\n\n")
        out.extend("\t".join(row) + "\n" for row in grid)
        out.append("\n")
        return
    block = name in BLOCK and not in_cell
    if block:
        out.append("\n")
    for child in node.children:
        _walk(child, out, in_cell)
    if block:
        out.append("\n")


def html_to_text(html: str) -> str:
    """Text of an HTML page in reading order, tables as tab-separated rows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "lxml")
    out: list[str] = []
    _walk(soup, out)
    lines = [line.strip(" \u3000\xa0") for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n ") + "\n"
