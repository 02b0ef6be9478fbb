"""HTML report pages → text with tables as tab-separated rows.

Parsed with lxml's HTML parser: nothing is fetched (``no_network``), no
entity is resolved, comments and processing instructions are dropped, and
scripts, styles and form controls are ignored. The tree is turned into text by an
XSLT stylesheet (libxslt, in C: walking the cells in Python was most of the
time of an HTML report) that marks tables, rows and cells; Python then lays
each table out as a grid. ``colspan``/``rowspan`` are expanded: a merged
*label* is repeated in every cell it covers (so a row keeps its group, e.g.
（三）不予公开), a merged *value* stands in its first cell only, so numbers are
never duplicated. ``&nbsp;`` and empty cells are blank cells, never 0.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from .errors import ReadError
from .text import is_value

# a <form> is not skipped: ASP.NET pages wrap the whole body in one (<form id="form1">);
# its controls are
SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "head",
        "button", "select", "input", "svg", "canvas", "nav", "video", "audio", "textarea"}
BLOCK = {"p", "div", "form", "section", "article", "header", "footer", "aside", "main", "li", "ul",
         "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "dd", "dt",
         "dl", "center", "address", "figure", "figcaption", "hr", "body", "html", "caption"}

# Markers the stylesheet writes around tables, rows and cells: Unicode
# noncharacters, which no text contains (they are removed from the input first).
TABLE, END, ROW, CELL, SPAN = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3", "\ufdd4"
_MARKERS = (TABLE, END, ROW, CELL, SPAN)
_MARKER = re.compile(f"[{''.join(_MARKERS)}]")


def _stylesheet() -> etree.XSLT:
    skip, block = "|".join(sorted(SKIP)), "|".join(sorted(BLOCK))
    nl = "<xsl:text>&#10;</xsl:text>"
    xsl = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="{skip}"/>
<xsl:template match="{skip}" mode="cell"/>
<xsl:template match="br">{nl}</xsl:template>
<xsl:template match="br" mode="cell"/>
<xsl:template match="{block}">{nl}<xsl:apply-templates/>{nl}</xsl:template>
<xsl:template match="table">{nl}{nl}<xsl:text>{TABLE}</xsl:text>
  <xsl:for-each select="tr|thead/tr|tbody/tr|tfoot/tr"><xsl:text>{ROW}</xsl:text>
    <xsl:for-each select="td|th"><xsl:text>{CELL}</xsl:text>
      <xsl:if test="@rowspan or @colspan"><xsl:value-of select="@rowspan"/><xsl:text>,</xsl:text>
        <xsl:value-of select="@colspan"/><xsl:text>{SPAN}</xsl:text></xsl:if>
      <xsl:apply-templates mode="cell"/></xsl:for-each></xsl:for-each>
  <xsl:text>{END}</xsl:text>{nl}</xsl:template>
<xsl:template match="text()"><xsl:value-of select="translate(., '&#9;&#10;&#13;', '   ')"/></xsl:template>
</xsl:stylesheet>"""
    return etree.XSLT(etree.XML(xsl), access_control=etree.XSLTAccessControl.DENY_ALL)


_TO_TEXT = _stylesheet()
_WS = re.compile(r"\s+")
_INLINE_WS = re.compile(r"[^\S\n]+")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
_TABLES = re.compile(f"{TABLE}(.*?){END}", re.DOTALL)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)


# libxml2 parses HTML 4: it does not know that <embed> is a void element, so an <embed>
# written as HTML 5 writes it (no end tag) holds the rest of the page, which was then
# skipped with it; so does a <noscript>, <template>, <object> … left open (libxml2 closes
# it at the end of its parent). Such an element is read as a plain block instead.
_VOID_SKIPPED = ("embed",)  # never has content: any it holds was swallowed
_CONTAINERS_SKIPPED = tuple(sorted(SKIP - {"embed", "head", "script", "style", "iframe", "textarea",
                                            "input"}))
_SKIPPED_TAG = re.compile(r"<(/?)(" + "|".join(_CONTAINERS_SKIPPED) + r")(?=[\s/>])", re.IGNORECASE)


def _unswallow(root, html: str) -> None:
    """Read as plain blocks the skipped elements that swallowed the page after them: an
    <embed> with content, and a container skipped element (<noscript>, <template> …) left
    open in the source (more start tags than end tags) that libxml2 closed at the end of
    its parent (it is its parent's last child)."""
    for el in root.iter(*_VOID_SKIPPED):
        if len(el) or (el.text or "").strip():
            el.tag = "div"
    found = [el for el in root.iter(*_CONTAINERS_SKIPPED)
             if (len(el) or (el.text or "").strip()) and el.getnext() is None]
    if not found:
        return
    opened: dict[str, int] = {}
    for m in _SKIPPED_TAG.finditer(html):
        tag = m.group(2).lower()
        opened[tag] = opened.get(tag, 0) + (-1 if m.group(1) else 1)
    for el in reversed(found):  # the innermost last-children first
        if opened.get(el.tag, 0) > 0:
            opened[el.tag] -= 1
            el.tag = "div"


def _html_parser(huge_tree: bool) -> etree.HTMLParser:
    return etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True,
                            recover=True, huge_tree=huge_tree)


_PARSER = _html_parser(huge_tree=False)
# libxml2 stops at 256 levels of nesting and drops the rest of the page; a page
# that deep (Word exports nest spans and tables) is parsed again with its
# resource limits lifted, which allows 2,048 levels (the file size stays capped
# by max_bytes).
_DEEP_PARSER = _html_parser(huge_tree=True)


def _stopped_at_a_limit(parser: etree.HTMLParser) -> str | None:
    """libxml2's message if the last parse stopped at a resource limit."""
    last = parser.error_log.last_error
    if last is not None and last.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
        return last.message
    return None


@lru_cache(maxsize=256)
def _span(value: str) -> int:
    try:
        return max(1, min(int(value.strip() or 1), 1000))
    except ValueError:
        return 1


def _cells(table: str) -> list[list[str]]:
    """Rows of cell texts (spans still marked) of one table's marked text:
    white space collapsed, cell texts stripped, gaps between CJK characters closed."""
    table = _WS.sub(" ", table).rstrip(" ")
    for m in (ROW, CELL, SPAN, END):
        table = table.replace(" " + m, m)
    table = table.replace(CELL + " ", CELL).replace(SPAN + " ", SPAN)
    if " " in table:
        table = _CJK_GAP.sub("", table)
    return [row.split(CELL)[1:] for row in table.split(ROW)[1:]]


#: a table's grid may hold at most this many places per printed cell (plus a base), and
#: never more than GRID_MAX: a page of cells with rowspan=65534 colspan=1000 would otherwise
#: lay 30 KB out on 10^8 places (gigabytes). A real report table has a few places per cell.
GRID_BASE = 100_000
GRID_PER_CELL = 100
GRID_MAX = 5_000_000


def _grid_limit(rows: list[list[str]]) -> int:
    return min(GRID_MAX, GRID_BASE + GRID_PER_CELL * sum(map(len, rows)))


def _span_bomb(rows: list[list[str]], places: int, limit: int) -> ReadError:
    return ReadError("corrupt", f"an HTML table's rowspan/colspan lay its {sum(map(len, rows)):,} "
                     f"printed cells out on more than {limit:,} grid places ({places:,} at least): "
                     "a span bomb, not a report table")


def _grid(rows: list[list[str]]) -> list[list[str]]:
    """Expand rowspan/colspan into a rectangular grid of cell texts. Raises
    ReadError("corrupt") when the spans would fill, or the grid hold, more than
    :func:`_grid_limit` places."""
    limit = _grid_limit(rows)
    places = 0  # places the spans filled and added so far (overlaps count again: it is the work)
    grid: list[list[str | None]] = [[] for _ in rows]  # None: a place not yet filled
    for r, row in enumerate(rows):
        line = grid[r]
        c = 0
        for cell in row:
            while c < len(line) and line[c] is not None:  # taken by a rowspan from above
                c += 1
            if SPAN not in cell:
                if c == len(line):
                    line.append(cell)
                else:
                    line[c] = cell
                c += 1
                continue
            spans, text = cell.split(SPAN, 1)
            rowspan, _, colspan = spans.partition(",")
            rs, cs = _span(rowspan), _span(colspan)
            fill = text if text and not is_value(text) else ""  # labels repeat, values stand once
            places += rs * cs
            if places > limit:
                raise _span_bomb(rows, places, limit)
            while len(grid) < r + rs:
                grid.append([])
            for dr in range(rs):
                target = grid[r + dr]
                if len(target) < c + cs:  # a row below may be short: the gap is filled too
                    places += c + cs - len(target)
                    if places > limit:
                        raise _span_bomb(rows, places, limit)
                    target.extend([None] * (c + cs - len(target)))
                target[c:c + cs] = [fill] * cs
            line[c] = text
            c += cs
    while grid and not grid[-1]:
        grid.pop()
    n_cols = max((len(line) for line in grid), default=0)
    if n_cols * len(grid) > limit:  # the rows padded to the widest
        raise _span_bomb(rows, n_cols * len(grid), limit)
    return [[x or "" for x in line] + [""] * (n_cols - len(line)) for line in grid]


def _table_lines(match: re.Match) -> str:
    return "".join("\t".join(row) + "\n" for row in _grid(_cells(match.group(1))))


def html_to_text(html: str) -> str:
    """Text of an HTML page in reading order, tables as tab-separated rows."""
    html = _XML_DECL.sub("", html, count=1)
    if any(m in html for m in _MARKERS):  # faster than a regex search
        html = _MARKER.sub("", html)
    try:
        root = etree.fromstring(html, parser=_PARSER)
        if _stopped_at_a_limit(_PARSER):
            root = etree.fromstring(html, parser=_DEEP_PARSER)
            limit = _stopped_at_a_limit(_DEEP_PARSER)
            if limit:
                raise ReadError("corrupt", "the HTML page cannot be read whole: libxml2 stopped "
                                f"at a resource limit ({limit.strip()})")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    _unswallow(root, html)
    try:
        marked = str(_TO_TEXT(etree.ElementTree(root)))
    except etree.XSLTApplyError as exc:  # e.g. elements nested thousands deep
        raise ReadError("corrupt", f"the HTML page cannot be laid out as text ({exc})") from None
    text = _TABLES.sub(_table_lines, _INLINE_WS.sub(" ", marked))
    lines = [line.strip(" \u3000\xa0") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n ") + "\n"
