"""The template's arithmetic as the proof-reader of OCR.

A table read by OCR may hold a misread digit (``8`` for ``0``, ``7`` for ``1``).
Every applications and reviews table carries sums (``data/arithmetic.csv``,
:func:`gxbg_kit.template.application_equations`, :func:`~gxbg_kit.template.review_equations`)
that catch it.  After recognition, for a table of a page read by OCR:

1. The sums whose cells are all read and do not hold are *broken*.
2. Each cell of a broken sum is tried with every reading that changes one of its
   digits for a digit OCR confuses it with (:data:`CONFUSABLE`: 0/8/6/9, 1/7,
   3/8, 5/6).  A reading is a *choice* for the sum when, with it, the sum holds
   and every other sum of the cell that held still holds.
3. A broken sum that exactly one choice repairs (without breaking a sum that
   holds) is corrected by it (the cell is marked ``inferred`` and an
   ``ocr_corrected`` check names the correction); this is repeated while
   corrections are found, so several misread cells of one column are corrected
   one by one.  A correction is kept only if every sum of its cell then holds.
4. The cells of sums still broken are NA with an ``ocr_unverified`` check: those
   that no holding sum confirms, or, when every one is confirmed by another sum,
   all of them (which one is wrong cannot be told).  So a scanned report whose
   sums do not hold is never ``ok``.

Before that, a row read with fewer cells than the template's (a rule OCR did not
see merges two cells, and the values after it move left) is NA with an
``ocr_unverified`` check: in a ruled table every cell prints, even blank, so a
short row means the cells' places are not certain, and its sums might not show it.
"""
from __future__ import annotations

from ..cells import parse_value
from .. import splits as _splits

#: digits OCR reads for one another
CONFUSABLE: dict[str, str] = {"0": "869", "8": "0693", "6": "0895", "9": "068", "1": "7",
                              "7": "1", "3": "8", "5": "6"}
#: rounds of correction (each round corrects at least one cell)
MAX_ROUNDS = 20


def _number(text):
    return None if text is None else parse_value(text).number


def alternatives(text: str) -> list[str]:
    """Readings of a cell with one digit changed for a confusable one (no leading zero)."""
    out = []
    for i, c in enumerate(text):
        for d in CONFUSABLE.get(c, ""):
            alt = text[:i] + d + text[i + 1:]
            digits = alt.lstrip("增减")
            if len(digits) > 1 and digits[0] == "0":
                continue
            out.append(alt)
    return out


def proofread(cells: dict, equations: list) -> tuple[dict, set, list[tuple]]:
    """Corrections by the sums.  ``cells``: cell key -> text (None when NA);
    ``equations``: (parts, total) over cell keys.  Returns (corrected cells: key ->
    new text, cells to leave NA, notes: (check, cell key, detail))."""
    cells = dict(cells)
    by_cell: dict = {}
    for eq in equations:
        for k in eq[0] + eq[1]:
            by_cell.setdefault(k, []).append(eq)

    def holds(eq, over=None):
        def v(k):
            return _number(over[1]) if over and k == over[0] else _number(cells.get(k))
        return _splits.balanced([v(k) for k in eq[0]], [v(k) for k in eq[1]])

    def complete(eq):
        return all(_number(cells.get(k)) is not None for k in eq[0] + eq[1])

    def repairs(eq, k, alt):  # repairs eq and breaks no sum of the cell that holds
        return holds(eq, (k, alt)) and all(holds(e, (k, alt)) for e in by_cell[k]
                                           if e is not eq and complete(e) and holds(e))

    fixed: dict = {}
    for _ in range(MAX_ROUNDS):
        broken = [eq for eq in equations if complete(eq) and not holds(eq)]
        chosen: dict = {}
        for eq in broken:
            found = {(k, alt) for k in dict.fromkeys(eq[0] + eq[1]) if k not in fixed
                     for alt in alternatives(cells[k] or "") if repairs(eq, k, alt)}
            if len(found) == 1:
                k, alt = found.pop()
                chosen[k] = alt if chosen.get(k, alt) == alt else None  # two repairs of one cell
        chosen = {k: alt for k, alt in chosen.items() if alt is not None}
        if not chosen:
            break
        for k, alt in chosen.items():
            fixed[k] = (cells[k], alt)
            cells[k] = alt
    broken = [eq for eq in equations if complete(eq) and not holds(eq)]
    na: set = set()
    for eq in broken:
        keys = list(dict.fromkeys(eq[0] + eq[1]))
        confirmed = {k for k in keys if k not in fixed and any(
            e is not eq and complete(e) and holds(e) for e in by_cell[k])}
        na |= set(keys) - confirmed or set(keys)
    notes = [("ocr_corrected", k, f"OCR read {old}, the sums hold only with {new}")
             for k, (old, new) in fixed.items() if k not in na]
    notes += [("ocr_unverified", k, f"OCR read {fixed[k][0] if k in fixed else cells[k]}, and a sum "
               "over it does not hold; no single confusable digit repairs it, left NA")
              for k in sorted(na, key=str)]
    return {k: new for k, (_, new) in fixed.items() if k not in na}, na, notes


def _short(cells: list) -> bool:
    """A row read with fewer cells than the template's (missing cells are None, printed
    blank ones "") that has values: where its values stand is not certain."""
    return any(c is None for c in cells) and any(c not in (None, "") for c in cells)


SHORT_ROW = "OCR read fewer cells than the row has (a rule not seen?): the places of its values are not certain; left NA"


def proofread_applications(table) -> None:
    """Correct an :class:`~gxbg_kit.recognize.ApplicationsTable` read by OCR in place."""
    from ..template import APPLICATION_COLUMNS, application_equations

    for key, row in table.cells.items():
        if _short(row):
            table.cells[key] = [None] * len(row)
            table.problems.append(("ocr_unverified", key, SHORT_ROW))
    cells = {(key, j): text for key, row in table.cells.items() for j, text in enumerate(row)}
    fixed, na, notes = proofread(cells, application_equations(list(table.cells)))
    for (key, j), text in fixed.items():
        table.cells[key][j] = text
        table.inferred.add(key)
    for key, j in na:
        table.cells[key][j] = None
    for check, (key, j), detail in notes:
        table.problems.append((check, key, f"{APPLICATION_COLUMNS[j]}: {detail}"))


def proofread_reviews(table) -> None:
    """Correct a :class:`~gxbg_kit.recognize.ReviewsTable` read by OCR in place."""
    from ..template import REVIEW_CELLS, REVIEWS_ROW, review_equations

    if _short(table.cells):
        table.cells = [None] * len(table.cells)
        table.problems.append(("ocr_unverified", REVIEWS_ROW, SHORT_ROW))
        return
    cells = {(REVIEWS_ROW, j): text for j, text in enumerate(table.cells)}
    fixed, na, notes = proofread(cells, review_equations())
    for (_, j), text in fixed.items():
        table.cells[j] = text
        table.inferred = True
    for _, j in na:
        table.cells[j] = None
    for check, (key, j), detail in notes:
        table.problems.append((check, key, "/".join(REVIEW_CELLS[j]) + f": {detail}"))


def proofread_active(table) -> None:
    """The 第二十条 tables of a report read by OCR carry no sums: an item row read with
    fewer cells than it has, or whose digits ran together and were cut (a rule OCR
    did not see), is NA with an ``ocr_unverified`` check; nothing else can be checked."""
    rows: dict = {}
    for (item, measure), text in table.cells.items():
        rows.setdefault(item, []).append(measure)
    for item, measures in rows.items():
        cells = [table.cells[(item, m)] for m in measures]
        if not (_short(cells) or item in table.inferred) or all(c in (None, "") for c in cells):
            continue
        why = SHORT_ROW if _short(cells) else ("OCR read the digits of several cells as one run "
                                               "and no sum checks a cut: left NA")
        for m in measures:
            table.cells[(item, m)] = None
        table.inferred.discard(item)
        table.problems.append(("ocr_unverified", item, why))
