"""A dataset a researcher can share and cite: what :meth:`Corpus.write` writes.

``<out>/`` holds every table of the corpus (the parsed ones of ``schema.TABLES``
and the narrative ones: problems, problem_themes, tokens) as

* ``<table>.parquet``: the typed frame (categories, nullable integers, NA);
* ``<table>.csv``: UTF-8 with a byte-order mark (``utf-8-sig``), so Excel on a
  Chinese Windows opens 陇西县财政局 as text, not mojibake; NA is an empty field;
* ``datapackage.json``: a Frictionless Data Package (https://specs.frictionlessdata.io/)
  with one resource per CSV: its Table Schema (field types from the dtypes, the
  codes of a category as an ``enum`` constraint, title and description in Chinese
  and English from the data dictionary, the primary key from the table's key,
  foreign keys to ``reports.report_id`` and, for the narrative tables, to the
  items of ``problems``), its size and SHA-256. It holds no timestamp: the same
  corpus and kit give the same bytes;
* ``provenance.json``: the kit's version, the :func:`load_corpus` parameters,
  Python and the platform with the versions of the libraries that parse, when it
  was written, every input file's path and SHA-256, and every output's SHA-256.

The descriptor is plain JSON made from ``schema.py``; the ``frictionless``
library (the ``dev`` extra) is only needed to validate it: :func:`validate`, or
``frictionless validate <out>/datapackage.json`` on the command line.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from ._version import __version__
from .schema import NARRATIVE_TABLES, Field, Table, all_tables

PACKAGE_NAME = "gxbg-tables"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark, for Excel
DATAPACKAGE = "datapackage.json"
PROVENANCE = "provenance.json"

#: Foreign keys besides report_id -> reports.report_id: (fields, resource, fields).
ITEM_KEY = ("report_id", "kind", "n")
EXTRA_REFERENCES = {"problem_themes": [(ITEM_KEY, "problems", ITEM_KEY)],
                    "tokens": [(ITEM_KEY, "problems", ITEM_KEY)]}

#: distributions whose versions provenance.json records (those that shape the tables)
LIBRARIES = ("pandas", "numpy", "pyarrow", "pandera", "jieba", "charset-normalizer", "lxml",
             "pdfplumber", "camelot-py", "playa-pdf", "python-docx", "frictionless")

_FIELD_TYPES = {"string": "string", "category": "string", "Int64": "integer",
                "Float64": "number", "boolean": "boolean"}


def corpus_frames(corpus) -> dict[str, pd.DataFrame]:
    """Every table of a corpus by name: ``corpus.tables()``, then the narrative tables."""
    return {**corpus.tables(), **{name: getattr(corpus, name) for name in NARRATIVE_TABLES}}


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(2**20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_csv(df: pd.DataFrame, path) -> Path:
    """``df`` as CSV in UTF-8 with a byte-order mark; NA is an empty field, a boolean
    True/False, a category its code."""
    df.to_csv(path, index=False, encoding=CSV_ENCODING, lineterminator="\n")
    return Path(path)


def read_csv(path, table: str | None = None) -> pd.DataFrame:
    """A CSV written by :func:`write_csv` as a typed frame: only an empty field is NA
    (text such as "NA" or "null" stays text), text columns stay text ("007" is not 7)
    and every column gets its dtype from the data dictionary. ``table``: the table's
    name (default: the file's name without .csv)."""
    definition = all_tables().get(table or Path(path).stem)
    text = {} if definition is None else {
        c.name: "string" for c in definition.columns if c.dtype in ("string", "category")}
    df = pd.read_csv(path, encoding=CSV_ENCODING, keep_default_na=False, na_values=[""],
                     dtype=text)
    return df if definition is None else definition.coerce(df)


# --------------------------------------------------------------------------
# datapackage.json
# --------------------------------------------------------------------------
def field_descriptor(col: Field) -> dict:
    """The Table Schema field of a column: type from its dtype, title (Chinese) and
    description (English, with unit, source and codes) from the data dictionary."""
    parts = [col.meaning.rstrip(".") + "."]
    if col.unit:
        parts.append(f"Unit: {col.unit}.")
    if col.source:
        parts.append(f"Source: {col.source}.")
    if col.codes:
        parts.append("Codes: " + "; ".join(f"{k} = {v}" for k, v in col.codes.items()) + ".")
    field = {"name": col.name, "type": _FIELD_TYPES[col.dtype], "title": col.zh,
             "description": " ".join(parts)}
    if col.dtype == "boolean":
        field.update(trueValues=["True"], falseValues=["False"])
    if col.dtype == "category" and col.codes:
        field["constraints"] = {"enum": list(col.codes)}
    return field


def _dtype_field(name: str, dtype) -> dict:
    """A field for a column the data dictionary does not define (kept extra columns)."""
    if pd.api.types.is_bool_dtype(dtype):
        return {"name": name, "type": "boolean", "trueValues": ["True"], "falseValues": ["False"]}
    if pd.api.types.is_integer_dtype(dtype):
        return {"name": name, "type": "integer"}
    if pd.api.types.is_float_dtype(dtype):
        return {"name": name, "type": "number"}
    return {"name": name, "type": "string"}


def table_schema(table: Table, df: pd.DataFrame | None = None,
                 tables: dict[str, Table] | None = None) -> dict:
    """The Table Schema of a table as written: its columns (those of ``df`` when given,
    in order), primary key and foreign keys (to the tables in ``tables``)."""
    names = list(df.columns) if df is not None else table.names
    fields = [field_descriptor(table.column(n)) if n in table.names else _dtype_field(n, df[n].dtype)
              for n in names]
    schema: dict = {"fields": fields, "missingValues": [""]}
    if table.key:
        schema["primaryKey"] = list(table.key)
    tables = all_tables() if tables is None else tables
    refs = []
    if table.name != "reports" and "report_id" in names and "reports" in tables:
        refs.append((("report_id",), "reports", ("report_id",)))
    refs += [r for r in EXTRA_REFERENCES.get(table.name, []) if r[1] in tables]
    if refs:
        schema["foreignKeys"] = [{"fields": list(f), "reference": {"resource": res, "fields": list(g)}}
                                 for f, res, g in refs]
    return schema


def resource_descriptor(table: Table, csv_path: Path, df: pd.DataFrame | None = None,
                        tables: dict[str, Table] | None = None) -> dict:
    data = Path(csv_path).read_bytes()
    return {
        "name": table.name, "path": Path(csv_path).name, "profile": "tabular-data-resource",
        "title": f"{table.zh} ({table.name})", "description": table.meaning.rstrip(".") + ".",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True,
                    "lineTerminator": "\n"},
        "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "schema": table_schema(table, df, tables),
    }


def package_descriptor(resources: list[dict]) -> dict:
    """The Data Package descriptor: no timestamp, so it is the same for the same data."""
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "政府信息公开工作年度报告 tidy tables (Chinese government information-disclosure "
                 "annual reports)",
        "description": (
            f"Tables read by gxbg_kit {__version__} from a corpus of 政府信息公开工作年度报告. "
            "CSV files are UTF-8 with a byte-order mark; an empty field is NA (missing). "
            "The same tables are in <table>.parquet beside each CSV, with their dtypes. "
            "Every table joins to reports on report_id; see provenance.json for the inputs "
            "and their SHA-256."),
        "keywords": ["政府信息公开", "government information disclosure", "annual reports", "China",
                     "FOI"],
        "sources": [{"title": "政府信息公开工作年度报告 (the input files listed in provenance.json)"}],
        "resources": resources,
    }


def write_datapackage(out, frames: dict[str, pd.DataFrame]) -> Path:
    """Write ``<out>/datapackage.json`` for the CSV files of ``frames`` (already written).
    Its metadata is checked with ``frictionless`` when that is installed."""
    out = Path(out)
    known = all_tables()
    tables = {name: known[name] for name in frames}
    resources = [resource_descriptor(tables[name], out / f"{name}.csv", df, tables)
                 for name, df in frames.items()]
    descriptor = package_descriptor(resources)
    _check_metadata(descriptor)
    path = out / DATAPACKAGE
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _check_metadata(descriptor: dict) -> None:
    try:
        from frictionless import Package
    except ImportError:  # frictionless is a dev extra: the descriptor follows the spec without it
        return
    errors = list(Package.metadata_validate(descriptor))
    if errors:
        raise ValueError("datapackage.json does not follow the Data Package spec: "
                         + "; ".join(e.message for e in errors))


def validate(out, **options):
    """Validate ``<out>/datapackage.json`` and its CSV files with ``frictionless``
    (types, codes, primary and foreign keys, sizes and hashes): a frictionless Report;
    ``report.valid`` is True when all holds."""
    from frictionless import validate as _validate

    return _validate(str(Path(out) / DATAPACKAGE), **options)


# --------------------------------------------------------------------------
# provenance.json
# --------------------------------------------------------------------------
def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (os.PathLike, bytes)):
        from .pipeline import text_path

        return text_path(value)
    if isinstance(value, pd.DataFrame):
        return f"<DataFrame of {len(value)} rows>"
    return repr(value)


def _versions() -> dict[str, str | None]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _na(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) \
        else value


def inputs(corpus) -> list[dict]:
    """Every input file: its path (as in ``reports``), SHA-256 and what was hashed
    (``bytes``; ``path`` for a file that was not read, whose report_id is the hash of
    its path), size, report_id, status and status_reason."""
    from .pipeline import path_sha256

    out = []
    r = corpus.reports
    for row in r[["path", "sha256", "size_bytes", "report_id", "status", "status_reason"]].itertuples(
            index=False):
        source = corpus.sources.get(row.path)
        hashed = "path" if source is not None and row.sha256 == path_sha256(source) else "bytes"
        size = _na(row.size_bytes)
        out.append({"path": row.path, "sha256": row.sha256, "sha256_of": hashed,
                    "size_bytes": None if size is None else int(size), "report_id": row.report_id,
                    "status": _na(row.status), "status_reason": _na(row.status_reason)})
    dup = getattr(corpus, "duplicates", None)  # copies of a report that have no reports row
    if isinstance(dup, pd.DataFrame) and {"path", "report_id"} <= set(dup.columns):
        sha = dict(zip(r["report_id"], r["sha256"]))
        for row in dup.itertuples(index=False):
            size = _na(getattr(row, "size_bytes", None))
            out.append({"path": row.path, "sha256": sha.get(row.report_id), "sha256_of": "bytes",
                        "size_bytes": None if size is None else int(size),
                        "report_id": row.report_id, "status": None, "status_reason": "duplicate",
                        "duplicate_of": getattr(row, "kept_path", None)})
    return sorted(out, key=lambda d: d["path"])


def provenance(corpus, outputs: list[Path]) -> dict:
    """What made the tables: kit, parameters, environment, inputs and outputs."""
    params = dict(getattr(corpus, "parameters", {}) or {})
    manifest = params.get("manifest")
    manifest_info = None
    if isinstance(manifest, (str, os.PathLike)) and Path(manifest).is_file():
        manifest_info = {"path": _jsonable(manifest), "sha256": sha256_file(manifest)}
    return {
        "kit": {"name": "gxbg_kit", "version": __version__},
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "parameters": _jsonable(params),
        "environment": {"python": platform.python_version(),
                        "implementation": platform.python_implementation(),
                        "platform": platform.platform(), "machine": platform.machine(),
                        "byteorder": sys.byteorder, "libraries": _versions()},
        "manifest": manifest_info,
        "inputs": inputs(corpus),
        "outputs": [{"path": p.name, "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                    for p in outputs],
    }


def write_provenance(out, corpus, outputs: list[Path]) -> Path:
    path = Path(out) / PROVENANCE
    path.write_text(json.dumps(provenance(corpus, outputs), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


def write(corpus, out, formats=("parquet", "csv"), package: bool = True) -> list[Path]:
    """Write every table of ``corpus`` to ``out`` (see the module's docstring)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = corpus_frames(corpus)
    unknown = sorted(set(frames) - set(all_tables()))
    if unknown:
        raise KeyError(f"tables without a definition in schema.py: {unknown}")
    written = []
    for name, df in frames.items():
        if "parquet" in formats:
            df.to_parquet(out / f"{name}.parquet", index=False)
            written.append(out / f"{name}.parquet")
        if "csv" in formats:
            written.append(write_csv(df, out / f"{name}.csv"))
    if package:
        if "csv" in formats:
            written.append(write_datapackage(out, frames))
        written.append(write_provenance(out, corpus, written))
    return written
