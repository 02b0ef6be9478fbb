"""Many reports: load a folder (or a list of files) into stacked tidy frames.

Every input file becomes exactly one row of ``corpus.reports`` whatever
happens to it; one bad file never stops the batch.
"""
from __future__ import annotations

import os
import traceback
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .checks import failed
from .read import DEFAULT_MAX_BYTES, DEFAULT_MAX_UNCOMPRESSED
from .report import Report, html_table, read_report
from .schema import TABLES, release_memory

FRAME_NAMES = ("applications", "active", "reviews", "sections", "checks")
MANIFEST_NAMES = ("manifest.csv",)


def load_manifest(path) -> pd.DataFrame:
    """Read a manifest CSV: one row per file (column ``file``: the file name)
    with what the text may not say: agency, year, province, city, county, level …"""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    if "file" not in df.columns:
        raise ValueError(f"{path}: a manifest needs a 'file' column (the report's file name)")
    if "year" in df.columns:
        df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    dup = df["file"][df["file"].duplicated()]
    if len(dup):
        raise ValueError(f"{path}: file listed twice in the manifest: {', '.join(dup)}")
    return df


def _find_manifest(folder: Path) -> Path | None:
    for base in (folder, folder.parent):
        for name in MANIFEST_NAMES:
            if (base / name).is_file():
                return base / name
    return None


def list_files(source) -> tuple[list[Path], Path | None]:
    """Files of a folder (recursively; hidden files and manifests skipped) or a list."""
    if isinstance(source, (str, os.PathLike)) and Path(source).is_dir():
        root = Path(source)
        files = sorted(p for p in root.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
                       and p.name not in MANIFEST_NAMES)
        return files, root
    if isinstance(source, (str, os.PathLike)):
        return [Path(source)], None
    return [Path(p) for p in source], None


Records = dict  # table name -> list of record tuples (schema column order)


def parse_file(path: Path, display_path: str, manifest_row: dict | None,
               limits: dict | None = None) -> Records:
    """Parse one file into its records; never raises. ``limits``: keyword
    arguments of :func:`read_report` (max_bytes, max_uncompressed, max_pages)."""
    try:
        rep = read_report(path, manifest=manifest_row, name=display_path, **(limits or {}))
        return rep.records
    except FileNotFoundError:  # listed, but gone (or never there): not a parser bug
        return failed_records(path, display_path, manifest_row, "read_error",
                              f"no such file: {path}")
    except Exception as exc:  # a bug or an unforeseen input: keep the row, say what happened
        return failed_records(path, display_path, manifest_row, "parse_error",
                              f"{type(exc).__name__}: {exc} (at {_where(exc)})")


def _where(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    return f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"


def failed_records(path: Path, display_path: str, manifest_row, reason: str, message: str) -> Records:
    """The records of a file that could not be parsed: one ``reports`` row."""
    from .errors import ReadError
    from .report import _hash_file

    size = path.stat().st_size if path.exists() else None
    rep = Report(b"", display_path, manifest=manifest_row, error=ReadError(reason, message),
                 sha256=_hash_file(path), size=size)
    return rep.records


Batch = dict  # table name -> pyarrow.Table of many files' records


def records_to_arrow(parsed) -> Batch:
    """Arrow tables of many files' records; those grouped by report are sorted by
    their key (so the batches only need putting in report order when combined).
    A file whose bytes repeat an earlier file's of the same batch (same
    report_id) keeps its ``reports`` row, but its tables are taken once."""
    recs = {n: [] for n in TABLES}
    seen = set()
    for rec in parsed:
        recs["reports"].extend(rec["reports"])
        rid = rec["reports"][0][0]
        if rid not in seen:
            seen.add(rid)
            for n in FRAME_NAMES:
                recs[n].extend(rec[n])
    return {n: TABLES[n].sort_arrow(TABLES[n].to_arrow(r)) if TABLES[n].by_report
            else TABLES[n].to_arrow(r) for n, r in recs.items()}


class _ArrowBuilder:
    """Collect Arrow batches (made where the files were parsed) into typed frames."""

    def __init__(self, seen: set):
        self.seen = seen  # report ids whose tables are already kept
        self.parts = {n: [] for n in TABLES}

    def add(self, batch: Batch) -> None:
        ids = batch["reports"].column("report_id").to_pylist()
        repeated = [i for i in set(ids) if i in self.seen]
        self.seen.update(ids)
        for n, table in batch.items():
            if repeated and n != "reports":  # same bytes as a report of an earlier batch
                table = table.filter(pc.invert(pc.is_in(
                    table.column("report_id"), value_set=pa.array(repeated, pa.large_string()))))
            if table.num_rows or not self.parts[n]:
                self.parts[n].append(table)

    def frames(self) -> dict[str, pd.DataFrame]:
        """One sorted, typed frame per table; each table's batches are freed once converted."""
        out = {}
        for n in list(self.parts):  # no other reference to the batches is kept, so
            # sorting and converting free each column of them as they go
            out[n] = TABLES[n].from_arrow(self.parts.pop(n), presorted=True)
            release_memory()
        return out


class Corpus:
    """Stacked tidy frames of many reports. Made by :func:`load_corpus`."""

    def __init__(self, frames: dict[str, pd.DataFrame], root: Path | None = None):
        self.root = root
        self.reports = frames["reports"]
        self._frames = {n: frames[n] for n in FRAME_NAMES}
        self._mark_duplicates()
        self.missing_from_folder: list[str] = []

    @classmethod
    def combine(cls, parsed, cached_frames: dict | None = None,
                root: Path | None = None) -> Corpus:
        """Stack parsed batches (Arrow tables of many files' records, from
        :func:`records_to_arrow`; an iterable consumed as it comes) and frames from
        the cache into one corpus. Batches stay in compact Arrow form until the
        end, when each table is sorted and converted to pandas in turn.

        A report whose bytes repeat another's (same report_id) keeps its row in
        ``reports`` but its tables count once.
        """
        builder = _ArrowBuilder(seen=set() if not cached_frames
                                else set(cached_frames["reports"]["report_id"]))
        for batch in parsed:
            builder.add(batch)
        frames = builder.frames()
        if cached_frames and not any(len(f) for f in frames.values()):
            # nothing new: the cache's tables were saved sorted, and a subset keeps the order
            return cls({n: cached_frames[n].reset_index(drop=True) for n in TABLES}, root)
        if cached_frames:
            for name, table in TABLES.items():
                both = [f for f in (cached_frames[name], frames[name]) if len(f)]
                frames[name] = (table.sort(table.coerce(pd.concat(both, ignore_index=True)),
                                           consume=True) if both else table.empty())
        return cls(frames, root)

    def _mark_duplicates(self) -> None:
        r = self.reports
        self._reports_unmarked = r.copy()  # what the cache keeps
        dup = r["report_id"].duplicated(keep="first")
        if dup.any():
            first = r.loc[~dup].set_index("report_id")["path"]
            r.loc[dup, "message"] = [f"same bytes as {first[rid]}; its tables are counted once"
                                     for rid in r.loc[dup, "report_id"]]
            r.loc[dup, "reason"] = "duplicate"

    # the tidy tables ------------------------------------------------------------
    @property
    def applications(self) -> pd.DataFrame:
        return self._frames["applications"]

    @property
    def active(self) -> pd.DataFrame:
        return self._frames["active"]

    @property
    def reviews(self) -> pd.DataFrame:
        return self._frames["reviews"]

    @property
    def sections(self) -> pd.DataFrame:
        return self._frames["sections"]

    @property
    def checks(self) -> pd.DataFrame:
        return self._frames["checks"]

    @cached_property
    def problems(self) -> pd.DataFrame:
        """Self-reported problems and measures of section 五, one row per item."""
        from .narrative import problems_frame

        return problems_frame(self.sections)

    @cached_property
    def problem_themes(self) -> pd.DataFrame:
        """One row per (problem or measure item, theme) of the codebook."""
        from .narrative import problem_themes

        return problem_themes(self.problems)

    @cached_property
    def tokens(self) -> pd.DataFrame:
        """jieba tokens of every problem and measure item."""
        from .narrative import tokenize

        return tokenize(self.problems)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"reports": self.reports, **self._frames}

    def failed_checks(self) -> pd.DataFrame:
        return failed(self.checks)

    def report(self, key: str) -> Report:
        """Re-read one report by report_id or path."""
        r = self.reports
        hit = r[(r["report_id"] == key) | (r["path"] == key)]
        if hit.empty:
            raise KeyError(f"no report with id or path {key!r}")
        path = str(hit["path"].iloc[0])
        full = self.root / path if self.root is not None else Path(path)
        man = {k: v for k, v in hit.iloc[0].items() if k.endswith("_manifest")}
        manifest = {k.removesuffix("_manifest"): v for k, v in man.items()}
        return read_report(full, manifest=manifest, name=path)

    def write(self, out, formats=("parquet", "csv")) -> list[Path]:
        """Write every tidy table as ``<out>/<table>.parquet`` and/or ``.csv``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, df in self.tables().items():
            if "parquet" in formats:
                df.to_parquet(out / f"{name}.parquet", index=False)
                written.append(out / f"{name}.parquet")
            if "csv" in formats:
                df.to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
                written.append(out / f"{name}.csv")
        return written

    def write_partitioned(self, out, by: tuple[str, ...] = ("year",)) -> Path:
        """Write every table as a Hive-partitioned Parquet dataset
        (``<out>/<table>/year=2022/…parquet``) that DuckDB, polars, Spark and Dask read
        directly. Partition columns come from ``reports`` (e.g. year, province,
        template) and are joined to every table by report_id; a report without
        a value goes to the ``__HIVE_DEFAULT_PARTITION__`` folder."""
        import shutil

        out = Path(out)
        keys = self.reports.drop_duplicates("report_id")[["report_id", *by]]
        for name, df in self.tables().items():
            target = out / name
            if target.exists():
                shutil.rmtree(target)  # a rewrite replaces the dataset, never appends
            frame = df if name == "reports" else df.merge(keys, on="report_id", how="left")
            if frame.empty:
                continue
            frame.to_parquet(target, partition_cols=list(by), index=False)
        return out

    # display --------------------------------------------------------------------
    def _summary(self) -> list[tuple[str, str]]:
        r = self.reports
        counts = r["status"].value_counts()
        status = ", ".join(f"{s} {int(counts.get(s, 0))}" for s in ("ok", "partial", "failed"))
        years = r["year"].dropna()
        span = f"{int(years.min())}–{int(years.max())}" if len(years) else "?"
        return [("reports", str(len(r))), ("status", status), ("years", span),
                ("application cells", str(len(self.applications))),
                ("failed checks", str(len(self.failed_checks())))]

    def __repr__(self) -> str:
        return "<Corpus " + "; ".join(f"{k}: {v}" for k, v in self._summary()) + ">"

    def _repr_html_(self) -> str:
        return html_table(self._summary(), "gxbg-corpus")


def load_corpus(source, manifest=None, *, jobs: int | None = None, timeout: float | None = 120.0,
                max_bytes: int | None = DEFAULT_MAX_BYTES,
                max_uncompressed: int | None = DEFAULT_MAX_UNCOMPRESSED,
                max_pages: int | None = None, cache=None, progress: bool | None = None,
                engine: str = "processes", client=None) -> Corpus:
    """Load every report of a folder (or a list of paths) into a :class:`Corpus`.

    ``manifest``: a CSV path or DataFrame (column ``file`` = file name); by
    default ``manifest.csv`` in the folder or its parent is used if present.

    Every file yields exactly one row of ``reports``; nothing raises for a bad file.

    - ``jobs``: worker processes (default: all cores). Small batches (≤ 8 files)
      and ``jobs=1`` are parsed in this process.
    - ``timeout``: seconds one file may take; a file that takes longer is stopped
      (its worker process is killed) and reported as ``timed_out``. Enforced in
      worker processes; in this process only where SIGALRM exists (Unix main thread).
    - ``max_bytes``: larger files are reported as ``too_large`` without being read.
    - ``max_uncompressed``: a .docx whose archive unpacks to more (a zip bomb) is
      ``corrupt_archive``; ``max_pages``: a longer PDF is ``too_large``.
    - ``cache``: ``True`` (``.gxbg_cache`` beside the reports) or a folder: files
      whose bytes (and manifest row) are unchanged since the last run are not parsed again.
    - ``engine="dask"``: parse on a Dask cluster (``client``: a ``distributed.Client``;
      default a local cluster with ``jobs`` workers). Same frames as ``"processes"``.
    - ``progress``: a tqdm bar; default on only in an interactive terminal.
    """
    from .parallel import iter_parsed

    files, root = list_files(source)
    if manifest is None and root is not None:
        manifest = _find_manifest(root)
    man = _manifest_lookup(manifest)
    tasks = [(path, str(path.relative_to(root)) if root is not None else str(path),
              man.get(path.name)) for path in files]
    store = _cache_store(cache, root)
    cached, todo = store.split(tasks) if store else ({}, tasks)
    limits = {"max_bytes": max_bytes, "max_uncompressed": max_uncompressed, "max_pages": max_pages}
    parsed = iter_parsed(todo, jobs=jobs, timeout=timeout, limits=limits,
                         progress=progress, engine=engine, client=client)
    corpus = Corpus.combine(parsed, cached_frames=store.frames(cached) if store else None,
                            root=root)
    if store:
        store.save(corpus, tasks)
    corpus.missing_from_folder = sorted(set(man) - {p.name for p in files})  # manifest rows, no file
    return corpus


def _cache_store(cache, root):
    if cache is None or cache is False:
        return None
    from .cache import CacheStore

    if cache is True:
        if root is None:
            raise ValueError("cache=True needs a folder; pass cache='<folder>' for a list of files")
        return CacheStore(root / ".gxbg_cache")
    return CacheStore(Path(cache))


def _manifest_lookup(manifest) -> dict[str, dict]:
    if manifest is None:
        return {}
    df = manifest if isinstance(manifest, pd.DataFrame) else load_manifest(manifest)
    return {row["file"]: {k: v for k, v in row.items() if k != "file"} for row in df.to_dict("records")}



