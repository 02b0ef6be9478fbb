"""The data dictionary, ``gx.dictionary()``: every table and column, and the code lists
and template data behind them, as frames.

It sits above both :mod:`gxbg_kit.schema` (the tables and code lists) and
:mod:`gxbg_kit.template` (the cells and sums of the form, which are built on the
schema's codes), so neither of those imports the other's way back.
"""
from __future__ import annotations

from functools import cache

import pandas as pd

from .schema import CHECKS, FIELDS, REASONS, RENAMED, all_tables
from .template import cells, sums


#: what ``dictionary()`` gives besides the tables (``gxbg dictionary`` offers the same)
EXTRAS = ("fields", "renamed", "reasons", "check_kinds", "arithmetic", "cells")


def _describe(f) -> dict:
    """A field's (or a table's column's) labels, dtype, unit, meaning, codes and source."""
    return {"zh": f.zh, "en": f.en, "dtype": f.dtype, "unit": f.unit or pd.NA,
            "meaning": f.meaning,
            "codes": "; ".join(f"{k}={v}" for k, v in f.codes.items()) if f.codes else pd.NA,
            "source": f.source or pd.NA}


@cache
def _dictionary_frame() -> pd.DataFrame:
    rows = [{"table": t.name, "table_zh": t.zh, "column": c.name, **_describe(c)}
            for t in all_tables().values() for c in t.columns]
    return pd.DataFrame(rows).astype("string")


def fields_frame() -> pd.DataFrame:
    """``schema.FIELDS`` as a frame, one row per field, with the tables that list it."""
    used: dict[str, list[str]] = {}
    for t in all_tables().values():
        for f in t.fields:
            used.setdefault(f, []).append(t.name)
    cols = ["field", "zh", "en", "dtype", "unit", "meaning", "source", "codes", "tables"]
    return pd.DataFrame([{"field": f.name, **_describe(f),
                          "tables": ", ".join(used.get(f.name, [])) or pd.NA}
                         for f in FIELDS.values()], columns=cols).astype("string")


def dictionary(table: str | None = None) -> pd.DataFrame:
    """Every table and column: name, Chinese and English label, dtype, unit, meaning, codes.

    Covers the parsed tables (``TABLES``) and the narrative ones (problems,
    problem_themes, tokens); ``dictionary("<table>")`` gives one table's columns.
    Note: ``dictionary("checks")`` is the columns of the checks table, like any
    table's; it used to list the kinds of check, which is now ``dictionary("check_kinds")``.
    ``dictionary("reasons")`` lists the status reasons; ``dictionary("check_kinds")`` the checks;
    ``dictionary("arithmetic")`` the sums the form prints (``data/arithmetic.csv``: check,
    table, parts, total, for_each, meaning, then checked_when and the detail labels), from
    which both recognition and the checks derive. ``dictionary("cells")`` lists every cell
    of the template's tables 二, 三 and 四 in both versions, one row per cell
    (``template.cells()``: table, version, position, the codes of its row, reason and
    column with their Chinese names, its printed labels, unit, 第二十条 item and place on
    the form). ``dictionary("fields")`` lists every field once (``schema.FIELDS``) with the
    tables that use it; ``dictionary("renamed")`` the fields renamed since an earlier
    version, whose old names the kit still takes with a FutureWarning.
    """
    if table == "reasons":
        return pd.DataFrame({"reason": list(REASONS), "meaning": list(REASONS.values())}).astype("string")
    if table == "check_kinds":
        return pd.DataFrame({"check": list(CHECKS), "meaning": list(CHECKS.values())}).astype("string")
    if table == "arithmetic":
        cols = ("check", "table", "parts", "total", "for_each", "meaning", "checked_when",
                "total_label", "parts_label")
        return pd.DataFrame([{c: "+".join(v) if isinstance(v := getattr(s, c), tuple) else v
                              for c in cols} for s in sums()], columns=list(cols)).astype("string")
    if table == "cells":
        return cells()
    if table == "fields":
        return fields_frame()
    if table == "renamed":
        return pd.DataFrame([{"table": t, "old": old, "new": new, "since": since}
                             for (t, old), (new, since) in RENAMED.items()]).astype("string")
    df = _dictionary_frame()
    if table is not None:
        if table not in all_tables():
            raise KeyError(f"unknown table {table!r}; tables are {sorted(all_tables())} "
                           f"(and {', '.join(repr(e) for e in EXTRAS)})")
        df = df[df["table"] == table].reset_index(drop=True)
    return df.copy()
