"""The status rules: how far parsing a report got (``ok``, ``partial``, ``failed``), the
reason code (``reports.status_reason``, listed in ``gx.dictionary("reasons")``) and a
specific message. Pure functions of what the steps below found, so every rule can be
read, and tested, on its own; :class:`gxbg_kit.report.Report` only gathers the inputs.

Arithmetic failures never change the status: they are rows of the checks table.
"""
from __future__ import annotations

from collections.abc import Collection

#: the template tables a report's status counts, in the order messages name them
TABLE_NAMES = ("applications", "active", "reviews")
#: the sections after the last table: a text with neither stopped early
LAST_SECTIONS = frozenset({"problems", "other"})

Status = tuple  # (status, reason code, message)


def failed(reason: str, message: str) -> Status:
    """A file that could not be read (its ReadError's reason and message)."""
    return "failed", reason, message


def status_of(sections: Collection[str], found: Collection[str],
              cells: dict[str, tuple[int, int]]) -> Status:
    """The status of a report that was read.

    ``sections``: the sections found (``overview`` … ``other``); ``found``: the template
    tables recognised; ``cells``: per table, (cells with a value, cells of the template).
    The first rule that applies decides:

    1. no section heading and no table: ``failed``/``not_a_report``;
    2. sections but no table: ``partial``/``sections_missing``;
    3. a table missing and neither section 五 nor 六 found: ``partial``/``truncated``
       (the text stops before the end);
    4. a table missing, or a table with cells missing: ``partial``/``cells_missing``;
    5. else ``ok``/``complete``.
    """
    found = [n for n in TABLE_NAMES if n in found]
    if not sections and not found:
        return ("failed", "not_a_report", "no section heading and no table of the annual-report "
                "template was found in the text")
    if not found:
        return ("partial", "sections_missing", "sections found (" + ", ".join(sections)
                + ") but none of the template's tables")
    missing_tables = [n for n in TABLE_NAMES if n not in found]
    if missing_tables and not LAST_SECTIONS & set(sections):
        return ("partial", "truncated", "the text stops before the end of the report: "
                + ", ".join(missing_tables) + " table(s) and sections 五/六 not found")
    incomplete = [f"{n} {a}/{b}" for n, (a, b) in cells.items() if a < b]
    if incomplete or missing_tables:
        msg = "cells found: " + ", ".join(incomplete) if incomplete else ""
        if missing_tables:
            msg += ("; " if msg else "") + "tables not found: " + ", ".join(missing_tables)
        return "partial", "cells_missing", msg
    return "ok", "complete", "every template cell found"
