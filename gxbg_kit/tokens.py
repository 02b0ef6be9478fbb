"""Step 3a of the pipeline: a table region as a stream of label and value tokens.

Recognition does not depend on how a layout separates cells. Whatever the
reader delivers — tab- or pipe-separated rows (HTML, Word, PDF readers, text
dumps), Markdown, one cell per line, cells padded with runs of spaces
(``pdftotext -layout``), or a web page flattened to one line where cells run
together (``一、本年新收政府信息公开申请数量120301016``) — becomes the same kind
of stream:

* ``label``: text that may name a template row, column or item;
* ``value``: a cell that is a value (a number, ``无``, ``-``, ``???``) or text
  standing where a value stands that is not a number (``约100``, ``3人``): it
  keeps its own column and is read as NA with an ``unreadable_cell`` check;
* ``blank``: an empty cell where the layout shows one (an empty tab or pipe
  cell, a white-space-only line);
* ``prose``: narrative text; it ends the table row before it.

Each token says whether its boundaries were printed (``hard``: a tab or pipe
cell, a line of its own) or read from the characters (``soft``: space runs,
digits glued to a label). Only soft value tokens may hold several cells whose
digits ran together; :mod:`gxbg_kit.splits` decides those with the template's
arithmetic.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from .cells import leading_borders, split_line
from .text import NUMBER_IN_TEXT as _NUM
from .text import NUMERAL_CELL as _NUMERAL_CELL
from .text import UNITS, is_value


class Token(NamedTuple):
    kind: str          # "label" | "value" | "blank" | "prose"
    text: str
    line: int          # index of the line it came from
    col: int | None    # cell index in a tab/pipe row (None elsewhere)
    hard: bool         # boundaries printed by the layout (not inferred from characters)
    gaps: bool = False  # a blank cell of this layout leaves no token (space runs, glued text)


MAX_LABEL = 60  # longer text is narrative, not a table label
MAX_LINE_CELLS = 256  # a template row has at most 15 cells (plus padding)
_new = tuple.__new__  # builds a Token from a tuple without NamedTuple's argument handling

# where a label piece starts inside a run of label text: (一) / 一、 / 1. / 第二十条
_PIECE_START = re.compile(r"(?=(?<!第)\([一二三四五六七八九十]\)|(?<![一二三四五六七八九十])[一二三四五六七八九十]、"
                          r"|\d[.、](?=\D)|第二十条)")
_DATE_AFTER = re.compile(r"[年月日号%]")
_PROSE_BEFORE = frozenset("，,：:；;")  # mid-sentence: what follows is prose
_SENTENCE = re.compile(r"[。；;！？]")
# white space before and after an optional mark is one possessive run each: ``\s*[/，,]?\s*``
# split a run of spaces two ways (quadratic on 第1页 and 10^4 spaces)
_PAGE_FURNITURE = re.compile(r"^(?:[-—–]\s*+\d{1,4}\s*+[-—–]"
                             r"|第\s*+\d{1,4}\s*+页(?:\s*+(?:[/，,]\s*+)?共\s*+\d{1,4}\s*+页)?"
                             r"|\d{1,4}\s*+/\s*+\d{1,4})$")
_FIELD_GAP = re.compile(r"\s{2,}|\t")
_CJK = re.compile(r"[\u3400-\u9fff]")


def fold_line(line: str) -> str:
    """NFKC (full-width digits and brackets to ASCII) and form feeds to spaces
    (short lines, which repeat across reports, from a cache)."""
    return _fold_short(line) if len(line) < 200 else _fold(line)


def _fold(line: str) -> str:
    return unicodedata.normalize("NFKC", line.replace("\f", " "))


_fold_short = lru_cache(maxsize=65536)(_fold)


def looks_like_value(cell: str) -> bool:
    """A printed cell that stands where a value stands although it is not a plain
    number: ``约100``, ``100余``, ``1 234``, ``12%``, ``(3)``, ``3人``, ``三``.
    At most one CJK character, and a digit or a lone Chinese numeral."""
    s = cell.strip()
    if not s or len(s) > 12:
        return False
    if s in _NUMERAL_CELL:
        return True
    return any(ch.isdigit() for ch in s) and len(_CJK.findall(s)) <= 1 and not _ORDINAL_ONLY.match(s)


_ORDINAL_ONLY = re.compile(r"^\d{1,2}[.、]$|^\d{1,2}[.、]\D")


def _pieces(text: str, line: int, col, hard: bool, before: str, out: list[Token]) -> None:
    """Label text (no digits that are values) cut into label pieces at the starts of
    row labels; a piece that follows prose punctuation or holds a sentence end is prose."""
    parts = [p for p in _PIECE_START.split(text)]
    for k, part in enumerate(parts):
        p = part.strip()
        if not p:
            continue
        prev = before if k == 0 else parts[k - 1].rstrip()[-1:]
        if (len(p) > MAX_LABEL or _SENTENCE.search(p) or (prev and prev in _PROSE_BEFORE)
                or p[0] in _PROSE_BEFORE):
            out.append(Token("prose", p, line, col, hard))
        else:
            out.append(Token("label", p, line, col, hard))


def text_tokens(text: str, line: int, col=None, hard: bool = False, out: list[Token] | None = None
                ) -> list[Token]:
    """Tokens of one run of characters in which labels and numbers may be glued.

    Digits followed by ``.``/``、`` and text are the ordinal of the next label
    (``00000002.其他法律…`` is ``0000000`` then ``2.其他法律…``); digits followed by
    年/月/日/% belong to the text around them.
    """
    out = [] if out is None else out
    text = fold_line(text)
    pos = 0
    label_start = 0
    n = len(text)
    for m in _NUM.finditer(text):
        start, end = m.start(), m.end()
        if start < pos:
            continue
        num = m.group(0)
        after = text[end:end + 1]
        if after and _DATE_AFTER.match(after):
            continue  # 2023年, 100% …: part of the text
        if after in (".", "、") and end + 1 < n and not text[end + 1].isdigit() and num[-1].isdigit():
            # the last digit is the ordinal of the label that follows
            if len(num) == 1 or not num[:-1][-1].isdigit():
                continue
            num, end = num[:-1], end - 1
        if start > label_start:
            before = text[label_start - 1] if label_start > 0 else ""
            _pieces(text[label_start:start], line, col, hard, before, out)
        out.append(Token("value", num.strip(), line, col, False, True))
        pos = label_start = end
    if label_start < n:
        before = text[label_start - 1] if label_start > 0 else ""
        _pieces(text[label_start:], line, col, hard, before, out)
    return out


@lru_cache(maxsize=65536)
def _cell_kinds(cell: str) -> tuple[tuple[str, str, bool, bool], ...]:
    """The tokens of a cell whose boundaries the layout printed, (kind, text, hard, gaps),
    without their place (cells repeat across reports): a value, or label text (which
    may still have numbers glued to it, as PDF-to-Markdown tools leave them)."""
    if is_value(cell) or looks_like_value(cell):
        return (("value", cell, True, False),)
    return tuple((t.kind, t.text, t.hard, t.gaps) for t in text_tokens(cell, 0, None, True))


def _is_dense_table_line(s: str) -> bool:
    """Does a long line hold table rows (labels with numbers glued to them), as a
    flattened web page does, rather than a paragraph that cites a few numbers?"""
    return len(_DENSE.findall(s)) >= 3


_DENSE = re.compile(r"[\u4e00-\u9fff)）]\s?\d+\s?(?![件条个项次篇家笔元万年月日号%])"
                    r"(?=[\u4e00-\u9fff(（]|\d[.、])")


def _space_line_tokens(line: str, i: int, out: list[Token]) -> None:
    s = fold_line(line).strip()
    if _PAGE_FURNITURE.match(s) or (s.isdigit() and len(s) <= 4 and line[:8].isspace()
                                    and len(line) - len(line.lstrip()) >= 8):
        return  # a page number (``- 3 -``, ``第 2 页``, or a bare number set far in)
    if is_value(s) and not (_CJK.search(s) and line[:2].isspace()):
        # one cell on its own line (an indented lone 无 is a character of a label
        # printed down the lines, as pdftotext lays out 无法提供)
        out.append(Token("value", line.strip(), i, None, True))
        return
    if looks_like_value(s) and " " not in s:
        out.append(Token("value", line.strip(), i, None, True))
        return
    if (len(s) > MAX_LABEL or s.endswith(("。", "；"))) and _SENTENCE.search(s) \
            and not _is_dense_table_line(s):
        out.append(Token("prose", s, i, None, True))
        return
    fields = _FIELD_GAP.split(s)
    seen_label = False  # a label on this line yet: a lone 无 before one is a vertical label's
    for field in fields:
        if not field:
            continue
        if len(fields) > 1 and (is_value(field) and " " not in field) and (
                seen_label or not _CJK.search(field)):
            out.append(Token("value", field, i, None, True, True))  # a cell between space runs
            continue
        # single spaces: between numbers they separate cells; inside labels they are
        # letter spacing (``不 予 公 开``, ``商 业 企``)
        words = [w for w in field.split(" ") if w]
        buf: list[str] = []
        for k, w in enumerate(words):
            if _NUM.fullmatch(w) and not (buf and buf[-1][-1:] in ("增", "减")):
                nxt = words[k + 1] if k + 1 < len(words) else ""
                if nxt[:1] in (".", "、") and w[-1].isdigit() and not nxt[1:2].isdigit():
                    # ``0613 . 其他``: the last digit is the ordinal of the next label
                    w, ordinal = w[:-1], w[-1]
                else:
                    ordinal = ""
                if w:
                    if buf:
                        seen_label |= _flush(buf, i, out)
                        buf = []
                    out.append(Token("value", w, i, None, False, True))
                if ordinal:
                    buf.append(ordinal)
            elif w in UNITS and out and out[-1].kind == "value" and not buf:
                last = out.pop()
                out.append(last._replace(text=last.text + w))
            else:
                buf.append(w)
        if buf:
            seen_label |= _flush(buf, i, out)


def _flush(buf: list[str], i: int, out: list[Token]) -> bool:
    """Label text of a space-separated line (its letter spacing removed) as tokens;
    True if it held a label."""
    before = len(out)
    text_tokens("".join(buf), i, None, False, out)
    return any(t.kind == "label" for t in out[before:])


def tokenize(lines: list[str]) -> list[Token]:
    """The tokens of a table region's lines, in reading order. A label alone on its
    line that continues a label alone on the line before is joined to it (a label
    wrapped over lines: ``本年新制`` / ``作数量``)."""
    out: list[Token] = []
    single_label_line = -2  # the last line that held one label token and nothing else
    for i, shape in enumerate(line_shapes(lines)):
        before = len(out)
        out.extend([_new(Token, (k, text, i, col, hard, gaps)) for k, text, col, hard, gaps in shape])
        if len(out) == before + 1 and out[-1].kind == "label" and out[-1].col is None:
            if single_label_line == i - 1 and before and out[before - 1].kind == "label":
                tok = out.pop()
                out[-1] = out[-1]._replace(text=out[-1].text + tok.text, line=i)
            single_label_line = i
    return out


def _with_borders(lines: list[str]) -> list[tuple[str, bool]]:
    """Each line with whether a pipe that starts it is a border: decided once, by
    :func:`cells.leading_borders`, at the first line that starts with one (the lines
    before it count their leading pipes as borders)."""
    for k, raw in enumerate(lines):
        if "|" in raw and "\t" not in raw and raw.lstrip().startswith("|"):
            flag = leading_borders(lines) is not False
            return [(raw, True) for raw in lines[:k]] + [(raw, flag) for raw in lines[k:]]
    return [(raw, True) for raw in lines]


def _shape(raw: str, borders: bool) -> tuple:
    """:func:`_line_shape`, from its cache for lines short enough to repeat across reports."""
    return _line_shape(raw, borders) if len(raw) < 300 else _line_shape.__wrapped__(raw, borders)


def line_shapes(lines: list[str]) -> list[tuple]:
    """The shape of each line (:func:`_line_shape`): its tokens without their line number."""
    return [_shape(raw, b) for raw, b in _with_borders(lines)]


class PlainLine(NamedTuple):
    """A line as recognition's shortcut sees it: ``kind`` "empty", "prose", "blank"
    (white space or empty cells only) or "cells": label text (and blank cells), then
    optionally one run of values with blank cells only after it."""

    kind: str
    labels: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    solo: bool = False    # one label token with no column: tokenize joins it to such a line before
    blanks: bool = False  # the line has blank cells
    tabbed: bool = False  # its tokens have columns (a tab or pipe row)


EMPTY_LINE, _PROSE = PlainLine("empty"), PlainLine("prose")


def plain_lines(lines: list[str]):
    """The lines of a region as :class:`PlainLine` (the tokens :func:`tokenize` would
    give them, grouped), or None for a line that is not plain (values between labels,
    blanks between values, prose beside cells, more tokens than a row may have).
    Recognition reads a region of plain lines without the general alignment where
    the rows are clean (see ``recognize._plain_rows``)."""
    return [_plain_line(raw, b) if len(raw) < 300 else _plain_line.__wrapped__(raw, b)
            for raw, b in _with_borders(lines)]


@lru_cache(maxsize=65536)
def _plain_line(raw: str, borders: bool) -> PlainLine | None:
    shape = _shape(raw, borders)
    if not shape:
        return EMPTY_LINE
    kinds = "".join(k[0] for k, *_ in shape)  # l(abel), v(alue), b(lank), p(rose)
    if "p" in kinds:
        return _PROSE if kinds.strip("p") == "" else None
    if len(shape) > 64:
        return None
    tabbed = any(col is not None for _, _, col, *_ in shape)
    if kinds.strip("b") == "":
        return PlainLine("blank", blanks=True, tabbed=tabbed)
    first_value = kinds.find("v")
    tail = "" if first_value < 0 else kinds[first_value:]
    if tail.rstrip("b").strip("v"):
        return None  # not one run of values after the labels
    return PlainLine("cells", tuple(text for k, text, *_ in shape if k == "label"),
                     tuple(text for k, text, *_ in shape if k == "value"),
                     kinds == "l" and shape[0][2] is None, "b" in kinds, tabbed)


@lru_cache(maxsize=65536)
def _line_shape(raw: str, borders: bool) -> tuple[tuple[str, str, int | None, bool, bool], ...]:
    """The tokens of one line without their line number, (kind, text, col, hard, gaps);
    ``borders``: a pipe that starts the line is a border (see :func:`cells.leading_borders`).
    Lines repeat across reports (template labels), so short ones come from a cache."""
    out: list[Token] = []
    if "\t" in raw or ("|" in raw and raw.strip().strip("|").strip()):
        cells = split_line(raw, borders) if "\t" not in raw else split_line(raw)
        if cells is not None and len(cells) > MAX_LINE_CELLS:
            # no row of the template has this many cells: not a table row (and not
            # worth a token per cell: a hostile line of a million tabs)
            return (("prose", f"a line of {len(cells)} cells", None, True, False),)
        if cells is not None:
            shape = []
            for col, c in enumerate(cells):
                if not c:
                    shape.append(("blank", "", col, True, False))
                elif len(c) < 200:
                    shape += [(k, text, col, hard, gaps) for k, text, hard, gaps in _cell_kinds(c)]
                else:
                    shape += [(k, text, col, hard, gaps)
                              for k, text, hard, gaps in _cell_kinds.__wrapped__(c)]
            return tuple(shape)
    if not raw.strip():
        if raw.strip("\r\n") and "\f" not in raw:
            return (("blank", "", None, True, False),)  # white space only: a blank cell
        return ()
    _space_line_tokens(raw, 0, out)
    return tuple((t.kind, t.text, t.col, t.hard, t.gaps) for t in out)
