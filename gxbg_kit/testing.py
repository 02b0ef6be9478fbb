"""Check parsed tables against values read off a report by hand.

Type the numbers of one report's tables into a CSV and let the kit tell which it
reads differently::

    from gxbg_kit.testing import assert_frames_match, compare_frames, summarise
    rep = gx.read_report("reports/my_report.pdf")
    assert_frames_match("my_report_truth.csv", rep)        # AssertionError listing every mismatch
    summarise(compare_frames("my_report_truth.csv", rep))  # counts, for measuring accuracy

The truth is one of

* the long form of ``tests/truth/*.csv``: columns ``table,key1,key2,key3,value`` (and an
  optional ``note``), ``table`` one of ``applications``, ``active``, ``reviews`` and the
  keys the codes of that table's key columns in order (``applications``: row, reason,
  applicant; ``active``: item, measure; ``reviews``: proceeding, result), an empty key for
  a code that is NA (a row without sub-reasons);
* a tidy frame (or CSV) with the kit's own columns: ``row, reason, applicant, count``,
  ``item, measure, value`` or ``proceeding, result, count``.

``value`` is the number (money in 万元, as the kit reports it), ``NA`` or empty where the
reader could not tell. The parsed side is a :class:`~gxbg_kit.Report`, a mapping of table
name to frame, or one tidy frame, holding one report.

Each truth cell is compared with the parsed cell of the same key. Its ``result``:

* ``right``: the same number (within ``rtol``/``atol``), or, with
  ``truth_na="must_be_na"``, NA in both;
* ``na``: the truth has a number, the parsed cell is NA or absent (a miss: no number was
  guessed, but none was read either);
* ``wrong``: a different number; a number where the truth is NA and
  ``truth_na="must_be_na"``; or more than one parsed row with the key;
* ``unknown``: the truth is NA and ``truth_na="unknown"`` (the default): not compared.

Parsed cells with no truth row (rows the report does not print) are not compared.
"""
from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Literal

import numpy as np
import pandas as pd

from .schema import TABLES

#: table -> the tidy column holding its number
VALUES = {"applications": "count", "active": "value", "reviews": "count"}
KEYS = ["key1", "key2", "key3"]
#: the values of the comparison's ``result`` column
RESULTS = ("right", "na", "wrong", "unknown")
_NA_MARKS = {"", "NA", "<NA>", "nan", "NaN"}


def table_keys(table: str) -> tuple[str, ...]:
    """The key columns of a tidy table within one report (``report_id`` left out)."""
    return tuple(k for k in TABLES[table].key if k != "report_id")


def _table_of(columns) -> str:
    """The table whose key and value columns a frame has."""
    found = [t for t, v in VALUES.items() if {*table_keys(t), v} <= set(columns)]
    if len(found) != 1:
        want = "; ".join(f"{t}: {', '.join((*table_keys(t), v))}" for t, v in VALUES.items())
        raise ValueError(f"cannot tell the table of a frame with columns {list(columns)}: "
                         f"expected the long form (table, key1, key2, key3, value) or one of {want}")
    return found[0]


def _code(v) -> str:
    return "" if v is None or pd.isna(v) else str(v).strip()


def _numbers(values: pd.Series, what: str) -> pd.Series:
    """Values as Float64; NA markers and blanks are NA, anything else unreadable raises."""
    text = values.astype(object).map(_code)
    text = text.where(~text.isin(_NA_MARKS), None)
    out = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & out.isna()
    if bad.any():
        rows = ", ".join(f"row {i}: {text[i]!r}" for i in bad[bad].index[:10])
        raise ValueError(f"{what}: values that are neither a number nor NA ({rows})")
    return out.astype("Float64")


def _long(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A tidy frame of ``table`` in the long form: table, key1..key3 (codes, '' for NA), value."""
    keys = table_keys(table)
    out = pd.DataFrame({"table": table}, index=frame.index)
    for i, name in enumerate(KEYS):
        out[name] = frame[keys[i]].astype(object).map(_code) if i < len(keys) else ""
    out["value"] = frame[VALUES[table]]
    for extra in ("note", "inferred"):
        if extra in frame.columns:
            out[extra] = frame[extra]
    return out.reset_index(drop=True)


def read_truth(truth: pd.DataFrame | str | PathLike, table: str | None = None) -> pd.DataFrame:
    """Hand-read values (a frame or a CSV path) in the long form: ``table``, ``key1``,
    ``key2``, ``key3`` (codes, ``''`` for none), ``value`` (Float64, NA where unknown),
    ``note``. ``table`` names the table of a tidy frame whose columns do not tell it."""
    if isinstance(truth, (str, PathLike)):
        truth = pd.read_csv(truth, dtype=str, keep_default_na=False)
    if not isinstance(truth, pd.DataFrame):
        raise TypeError(f"truth must be a DataFrame or a CSV path, not {type(truth).__name__}")
    if {"table", "key1", "value"} <= set(truth.columns):
        long = truth.reindex(columns=["table", *KEYS, "value", "note"]).copy()
        for col in ["table", *KEYS, "note"]:
            long[col] = long[col].astype(object).map(_code)
    else:
        long = _long(truth, table or _table_of(truth.columns))
        long["note"] = long["note"].astype(object).map(_code) if "note" in long else ""
    unknown = sorted(set(long["table"]) - set(VALUES))
    if unknown:
        raise ValueError(f"truth names tables the kit does not compare: {unknown} "
                         f"(known: {sorted(VALUES)})")
    long["value"] = _numbers(long["value"], "truth")
    dup = long.duplicated(["table", *KEYS], keep=False)
    if dup.any():
        raise ValueError("truth holds a key more than once: "
                         + "; ".join(sorted(set(_labels(long[dup])))))
    return long[["table", *KEYS, "value", "note"]]


def _parsed_frames(parsed, tables) -> dict[str, pd.DataFrame]:
    if isinstance(parsed, pd.DataFrame):
        return {_table_of(parsed.columns): parsed}
    if isinstance(parsed, Mapping):
        return dict(parsed)
    return {t: getattr(parsed, t) for t in tables if hasattr(parsed, t)}


def parsed_cells(parsed, tables=tuple(VALUES)) -> pd.DataFrame:
    """The parsed side in the long form (``value`` as Float64, ``inferred`` where known)."""
    parts = []
    for table, frame in _parsed_frames(parsed, tables).items():
        if table not in tables or frame is None or len(frame) == 0:
            continue
        if "report_id" in frame.columns and frame["report_id"].nunique(dropna=False) > 1:
            raise ValueError(f"parsed {table} holds {frame['report_id'].nunique(dropna=False)} "
                             "reports: compare one report at a time (select its report_id)")
        parts.append(_long(frame, table))
    cols = ["table", *KEYS, "value", "inferred"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.concat(parts, ignore_index=True).reindex(columns=cols)
    out["value"] = _numbers(out["value"], "parsed")
    return out


def _labels(frame: pd.DataFrame) -> pd.Series:
    """``applications received/-/natural_person``: the table's keys, '-' for none."""
    return pd.Series([f"{t} " + "/".join(k or "-" for k in keys[:len(table_keys(t))])
                      for t, *keys in frame[["table", *KEYS]].itertuples(index=False)],
                     index=frame.index, name="key", dtype=object)


def _fmt(v) -> str:
    if v is None or pd.isna(v):
        return "NA"
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


def _gathered(cells: pd.DataFrame) -> pd.DataFrame:
    """Parsed cells by key: the first value, how many rows have the key, all values."""
    by = cells.groupby(["table", *KEYS], sort=False, dropna=False)
    out = by.agg(got=("value", "first"), inferred=("inferred", "first"), n_parsed=("value", "size"))
    out["all"] = by["value"].agg(lambda s: ", ".join(_fmt(v) for v in s))
    return out.reset_index()


def compare_frames(truth, parsed, *, truth_na: Literal["unknown", "must_be_na"] = "unknown",
                   table: str | None = None, rtol: float = 1e-9, atol: float = 1e-9) -> pd.DataFrame:
    """One row per truth cell: ``table``, ``key1``..``key3``, ``key`` (a readable label),
    ``expected``, ``got``, ``n_parsed`` (parsed rows with the key), ``inferred`` (the parsed
    cell's flag, NA where unknown), ``result`` (see the module docstring) and ``detail``.
    Never raises on a mismatch; see :func:`assert_frames_match`."""
    if truth_na not in ("unknown", "must_be_na"):
        raise ValueError(f"truth_na must be 'unknown' or 'must_be_na', not {truth_na!r}")
    want = read_truth(truth, table)
    cells = parsed_cells(parsed, tuple(dict.fromkeys(want["table"])))
    out = want.rename(columns={"value": "expected"}).merge(
        _gathered(cells), on=["table", *KEYS], how="left", validate="one_to_one")
    out["n_parsed"] = out["n_parsed"].fillna(0).astype(int)
    out["got"] = out["got"].astype("Float64")
    exp, got = out["expected"], out["got"]
    both = exp.notna() & got.notna()
    close = np.isclose(exp.fillna(0).to_numpy(float), got.fillna(0).to_numpy(float),
                       rtol=rtol, atol=atol) & both.to_numpy()
    if truth_na == "unknown":
        unknown_result = "unknown"
    else:
        unknown_result = np.where(got.notna(), "wrong", "right")
    result = np.select(
        [out["n_parsed"].to_numpy() > 1, exp.isna().to_numpy(), got.isna().to_numpy(), close],
        ["wrong", unknown_result, "na", "right"], default="wrong")
    out["result"] = pd.Categorical(result, categories=RESULTS)
    out["detail"] = [_detail(n, every, note) for n, every, note
                     in zip(out["n_parsed"], out["all"], out["note"])]
    out.insert(4, "key", _labels(out))
    return out[["table", *KEYS, "key", "expected", "got", "n_parsed", "inferred", "result",
                "detail"]]


def _detail(n: int, every, note: str) -> str:
    parts = ["not in parsed" if n == 0 else f"{n} parsed rows: {every}" if n > 1 else "", note]
    return "; ".join(p for p in parts if p)


def summarise(comparison: pd.DataFrame) -> pd.Series:
    """Counts of a :func:`compare_frames` result: ``compared`` (truth cells compared),
    ``right``, ``na``, ``wrong``, ``unknown`` (truth NA, not compared) and ``accuracy``
    (right / compared; NA when nothing was compared)."""
    counts = comparison["result"].value_counts().reindex(list(RESULTS), fill_value=0)
    compared = int(counts[["right", "na", "wrong"]].sum())
    acc = counts["right"] / compared if compared else pd.NA
    return pd.Series({"compared": compared, **{k: int(v) for k, v in counts.items()},
                      "accuracy": acc}, dtype=object)


def mismatch_message(comparison: pd.DataFrame, *, label: str = "parsed frames",
                     max_rows: int | None = 100) -> str:
    """A readable account of the cells a comparison did not find right ('' if none)."""
    bad = comparison[comparison["result"].isin(["na", "wrong"])]
    if bad.empty:
        return ""
    s = summarise(comparison)
    head = (f"{label}: {len(bad)} of {s['compared']} compared cells differ "
            f"({s['right']} right, {s['na']} NA, {s['wrong']} wrong; "
            f"{s['unknown']} truth NA not compared)")
    shown = bad if max_rows is None else bad.head(max_rows)
    rows = pd.DataFrame({"key": shown["key"], "expected": shown["expected"].map(_fmt),
                         "got": shown["got"].map(_fmt), "result": shown["result"].astype(str),
                         "detail": shown["detail"]})
    more = f"\n… and {len(bad) - len(shown)} more" if len(shown) < len(bad) else ""
    return head + "\n" + rows.to_string(index=False) + more


def assert_frames_match(truth, parsed, *, truth_na: Literal["unknown", "must_be_na"] = "unknown",
                        table: str | None = None, rtol: float = 1e-9, atol: float = 1e-9,
                        label: str = "parsed frames", max_rows: int | None = 100) -> pd.DataFrame:
    """Raise AssertionError listing every truth cell that was not read right (key,
    expected, got, result, detail) with the counts of :func:`summarise`; return the
    comparison of :func:`compare_frames` when every compared cell is right."""
    __tracebackhide__ = True  # pytest shows the message, not this frame
    comparison = compare_frames(truth, parsed, truth_na=truth_na, table=table, rtol=rtol, atol=atol)
    message = mismatch_message(comparison, label=label, max_rows=max_rows)
    if message:
        raise AssertionError(message)
    return comparison
