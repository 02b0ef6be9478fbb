"""Columnar transport: records → Arrow tables → typed pandas frames.

Parsing makes records (tuples in a table's column order). A batch of reports travels
as Arrow tables (from worker processes, Dask nodes, the cache) and becomes one typed
pandas frame per table at the end. Nothing here knows the report template: a *table*
is any definition with ``columns`` (each with ``name``, ``dtype``, ``codes`` and
``pandas_dtype()``) and a ``key``, which :class:`gxbg_kit.schema.Table` is.

Category columns travel dictionary-encoded with their code list as the dictionary, so
tables made anywhere concatenate without re-coding. :func:`release_memory` hands the
memory of large conversions back to the operating system.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_ARROW_TYPES = {"string": pa.large_string(), "category": pa.large_string(), "Int64": pa.int64(),
                "Float64": pa.float64(), "boolean": pa.bool_()}
_PANDAS_TYPES = {pa.large_string(): pd.StringDtype(), pa.string(): pd.StringDtype(),
                 pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
                 pa.bool_(): pd.BooleanDtype()}
#: rows from which converting a table frees memory after each column (it costs time)
LARGE_TABLE_ROWS = 4_000_000


def arrow_type(column) -> pa.DataType:
    """The Arrow type a column travels as: a coded category is dictionary-encoded."""
    if column.dtype == "category" and column.codes is not None:
        index = pa.int8() if len(column.codes) < 128 else pa.int16()
        return pa.dictionary(index, pa.large_string())
    return _ARROW_TYPES[column.dtype]


def arrow_schema(table) -> pa.Schema:
    return pa.schema([pa.field(c.name, arrow_type(c)) for c in table.columns])


def _arrow_array(values, kind: pa.DataType) -> pa.Array:
    """``pa.array`` of Python values; values Arrow will not take as they are (an int
    in a text column, 3.0 in a count column) go through the pandas dtype instead."""
    try:
        return pa.array(values, type=kind, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        series = pd.Series(list(values), dtype=object)
        if kind == pa.large_string():
            series = series.map(lambda v: v if v is None or pd.isna(v) else str(v))
            return pa.array(series.astype(pd.StringDtype())).cast(kind)
        dtype = {pa.int64(): "Int64", pa.float64(): "Float64", pa.bool_(): "boolean"}[kind]
        numbers = series if dtype == "boolean" else pd.to_numeric(series, errors="raise")
        return pa.array(numbers.astype(dtype)).cast(kind)


def _code_array(column) -> pa.Array:
    return _codes_as_arrow(tuple(column.codes))


@cache
def _codes_as_arrow(codes: tuple[str, ...]) -> pa.Array:
    return pa.array(codes, type=pa.large_string())


def column_to_arrow(column, values) -> pa.Array:
    """Values of one column (Python objects; None, NaN and pd.NA are missing)."""
    kind = arrow_type(column)
    if pa.types.is_dictionary(kind):
        strings = _arrow_array(values, pa.large_string())
        codes = pc.index_in(strings, value_set=_code_array(column)).cast(kind.index_type)
        return pa.DictionaryArray.from_arrays(codes, _code_array(column))
    return _arrow_array(values, kind)


def to_arrow(table, records: list[tuple]) -> pa.Table:
    """An Arrow table of records (tuples in column order) with the table's types."""
    columns = list(zip(*records)) if records else [()] * len(table.columns)
    return pa.table([column_to_arrow(c, list(values)) for c, values in zip(table.columns, columns)],
                    schema=arrow_schema(table))


def by_report(table) -> bool:
    """Rows are grouped by report: the key starts with report_id."""
    return tuple(table.key[:1]) == ("report_id",)


def frame(table, records: list[tuple], sort: bool = True) -> pd.DataFrame:
    """A typed frame from records (tuples in column order), sorted by the key."""
    if not records:
        return table.empty()
    return from_arrow(table, [to_arrow(table, records)], sort=sort)


def from_arrow(table, parts: list[pa.Table], sort: bool = True,
               presorted: bool = False) -> pd.DataFrame:
    """One typed pandas frame of Arrow tables made by :func:`to_arrow`, sorted by the
    key. ``parts`` is emptied: each column's Arrow memory is freed once it is
    converted, so a large table needs little more than its final size.

    ``presorted``: each part is already sorted by the key (:func:`sort_arrow`) and
    holds all rows of its reports, so only whole reports are put in order."""
    arrow = pa.concat_tables(parts) if parts else to_arrow(table, [])
    parts.clear()
    if arrow.num_rows == 0:
        return table.empty()
    order = None
    if sort:
        order = (_report_block_order(arrow) if presorted and by_report(table)
                 else _order(table, arrow))
    large = arrow.num_rows >= LARGE_TABLE_ROWS
    out = {}
    for col in table.columns:
        values = arrow.column(0)
        arrow = arrow.remove_column(0)
        if order is not None:
            values = values.take(order)
        series = values.to_pandas(types_mapper=_PANDAS_TYPES.get)
        del values
        if large:
            release_memory()
        target = col.pandas_dtype()
        if series.dtype != target:  # e.g. a dictionary column that was all null
            series = series.astype(target)
        elif col.dtype != "string":  # zero-copy from Arrow is read-only: own the buffers
            series = series.copy()
        out[col.name] = series
    return pd.DataFrame(out, copy=False)


def sort_arrow(table, arrow: pa.Table) -> pa.Table:
    """``arrow`` sorted by the table's key."""
    return arrow.take(_order(table, arrow)) if table.key and arrow.num_rows else arrow


def sort_frame(table, df: pd.DataFrame, consume: bool = False) -> pd.DataFrame:
    """Rows sorted by the table's key (categories in code order, NA last), stably.

    With ``consume=True`` the columns of ``df`` are dropped as they are copied, so
    sorting a large frame needs memory for one extra column, not a whole copy.
    """
    if not table.key or df.empty:
        return df.reset_index(drop=True)
    keys = {}
    for k in table.key:
        col = df[k]
        if isinstance(col.dtype, pd.CategoricalDtype):  # sort by category order
            codes = col.cat.codes.to_numpy()
            keys[k] = pa.array(codes, mask=codes < 0)
        else:  # strings stay in Arrow: no Python objects for millions of ids
            keys[k] = pa.array(col)
    order = _order(table, pa.table(keys)).to_numpy()
    del keys
    out = {}
    for c in list(df.columns):
        out[c] = df[c].take(order).reset_index(drop=True)
        if consume:
            del df[c]
    return type(df)(out, copy=False)


def _report_block_order(arrow: pa.Table) -> pa.Array:
    """Row order that puts whole reports in report_id order, keeping the order of rows
    within each report (a stable sort of blocks, not of rows: parts sorted by the key,
    each holding all rows of its reports, then need no row sort)."""
    starts, lengths, ids, offset = [], [], [], 0
    for chunk in pc.run_end_encode(arrow.column("report_id")).chunks:
        ends = chunk.run_ends.to_numpy().astype(np.int64)
        lengths.append(np.diff(ends, prepend=0))
        starts.append(offset + ends - lengths[-1])
        ids.append(chunk.values)
        offset += len(chunk)
    blocks = pc.sort_indices(pa.concat_arrays(ids)).to_numpy()
    starts, lengths = np.concatenate(starts)[blocks], np.concatenate(lengths)[blocks]
    new_starts = np.cumsum(lengths) - lengths
    return pa.array(np.repeat(starts - new_starts, lengths) + np.arange(lengths.sum()))


def _dictionary_codes(col: pa.ChunkedArray, column) -> pa.ChunkedArray:
    """Positions in the column's code list of a dictionary column's values (nulls stay null)."""
    codes = _code_array(column)
    if all(chunk.dictionary.equals(codes) for chunk in col.chunks):
        return pa.chunked_array([chunk.indices for chunk in col.chunks], type=col.type.index_type)
    return pc.index_in(col.cast(pa.large_string()), value_set=codes)


def _order(table, arrow: pa.Table) -> pa.Array:
    """Row order by the table's key (categories in code order, NA last), stable."""
    if not table.key:
        return pa.array(range(arrow.num_rows), pa.int64())
    keys = {}
    for k in table.key:
        col = arrow.column(k)
        keys[k] = (_dictionary_codes(col, table.column(k)) if pa.types.is_dictionary(col.type)
                   else col)
    return pc.sort_indices(pa.table(keys), sort_keys=[(k, "ascending", "at_end") for k in keys])


def release_memory() -> None:
    """Hand memory freed by large conversions back to the operating system: Arrow's
    pool keeps freed blocks, and glibc keeps freed heap (e.g. the buffers of batches
    received from workers) until trimmed, as dask's workers also do."""
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc():
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc()
