"""Many reports: load a folder (or a list of files) into stacked tidy frames.

Every input file becomes exactly one row of ``corpus.reports`` whatever
happens to it, except a copy of another file's bytes, which is a row of
``corpus.duplicates`` (``report_id`` is a key of ``reports``); one bad file
never stops the batch.
"""
from __future__ import annotations

import itertools
import os
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .checks import failed
# the per-file step lives in pipeline.py (below this module and parallel.py); its names
# are re-exported here, where they were first defined
from .pipeline import (FRAME_NAMES, PARSED_NAMES, Batch, Records, bounded_sha256,  # noqa: F401
                       failed_records, parse_file, path_sha256, records_to_arrow, text_path,
                       unread_records)
from .read import DEFAULT_MAX_BYTES, DEFAULT_MAX_UNCOMPRESSED
from .report import DEFAULT_MAX_PAGES, Report, html_table, read_report
from .columnar import from_arrow, release_memory
from .schema import DUPLICATES, TABLES

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


#: an entry of a folder that is not read: (path, reason, message)
Unread = tuple


def list_files(source, follow_links: bool = False) -> tuple[list[Path], Path | None]:
    """Files of a folder (recursively; hidden files and manifests skipped) or a list."""
    files, root, _ = list_entries(source, follow_links)
    return files, root


def list_entries(source, follow_links: bool = False) -> tuple[list[Path], Path | None, list[Unread]]:
    """(files to read, the folder or None, entries of the folder that are not read).

    A folder is walked recursively; hidden entries and manifests are skipped.
    Every other entry that is not a regular file is returned with the reason
    it is not read: FIFOs, devices and sockets, dangling symbolic links, link
    loops, links that point outside the folder (unless ``follow_links``) and
    links to a folder inside it (its files are read where they are)."""
    if isinstance(source, bytes):
        source = os.fsdecode(source)
    if isinstance(source, (str, os.PathLike)) and Path(source).is_dir():
        root = Path(source)
        files, unread = [], []
        real_root = os.path.realpath(root)
        st = os.stat(root)
        _walk(root, real_root, follow_links, files, unread, {(st.st_dev, st.st_ino)})
        return sorted(files), root, sorted(unread)
    if isinstance(source, (str, os.PathLike)):
        return [Path(source)], None, []
    return [Path(os.fsdecode(p) if isinstance(p, bytes) else p) for p in source], None, []


def _inside(target: str, real_root: str) -> bool:
    return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)


def _walk(folder: Path, real_root: str, follow_links: bool, files: list, unread: list,
          visited: set) -> None:
    import errno
    import stat

    from .read import describe_mode

    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        unread.append((folder, "read_error", f"cannot list the folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if not entry.is_symlink():
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    st = entry.stat(follow_symlinks=False)
                    if (st.st_dev, st.st_ino) not in visited:
                        visited.add((st.st_dev, st.st_ino))
                        _walk(path, real_root, follow_links, files, unread, visited)
                elif entry.name in MANIFEST_NAMES:
                    continue
                elif stat.S_ISREG(mode):
                    files.append(path)
                else:
                    unread.append((path, "read_error",
                                   f"{describe_mode(mode)}, not a regular file: not read"))
                continue
            # a symbolic link
            link = os.readlink(path)
            try:
                st = os.stat(path)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    unread.append((path, "read_error", f"a symbolic link loop (to {link}): not read"))
                elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
                    unread.append((path, "read_error", f"a dangling symbolic link (to {link}, "
                                   "which does not exist): not read"))
                else:
                    unread.append((path, "read_error", f"cannot follow the symbolic link to {link}: "
                                   f"{exc.strerror or exc}"))
                continue
            if entry.name in MANIFEST_NAMES and not stat.S_ISDIR(st.st_mode):
                continue
            target = os.path.realpath(path)
            inside = _inside(target, real_root)
            if not inside and not follow_links:
                unread.append((path, "link_not_followed", f"a symbolic link to {target}, outside "
                               "the folder: not followed (pass follow_links=True to read it)"))
            elif stat.S_ISDIR(st.st_mode):
                if inside:
                    unread.append((path, "link_not_followed", f"a symbolic link to the folder "
                                   f"{target} inside this folder: its files are read there"))
                elif (st.st_dev, st.st_ino) in visited:
                    unread.append((path, "link_not_followed", f"a symbolic link to the folder "
                                   f"{target}, already read: not read again"))
                else:
                    visited.add((st.st_dev, st.st_ino))
                    _walk(path, real_root, follow_links, files, unread, visited)
            elif stat.S_ISREG(st.st_mode):
                files.append(path)
            else:
                unread.append((path, "read_error", f"a symbolic link to {target}, "
                               f"{describe_mode(st.st_mode)}, not a regular file: not read"))
        except OSError as exc:  # vanished or unreadable while listed
            unread.append((path, "read_error", f"cannot read the entry: {exc.strerror or exc}"))


class _ArrowBuilder:
    """Collect Arrow batches (made where the files were parsed) into typed frames."""

    def __init__(self, seen: set):
        self.seen = seen  # report ids whose tables are already kept
        self.parts = {n: [] for n in PARSED_NAMES}

    def add(self, batch: Batch) -> None:
        reports = batch["reports"]
        ids = {i for i, s in zip(reports.column("report_id").to_pylist(),
                                 reports.column("status").to_pylist()) if s != "failed"}
        repeated = [i for i in ids if i in self.seen]
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
            out[n] = from_arrow(TABLES[n], self.parts.pop(n), presorted=True)
            release_memory()
        return out


def _kept_rows(r: pd.DataFrame) -> np.ndarray:
    """Which rows of a reports frame (sorted by path) are kept, one per report_id:
    the first copy that was read (status not ``failed``), else the first copy."""
    failed = (r["status"] == "failed").fillna(False).to_numpy(dtype=bool)
    order = np.lexsort((np.arange(len(r)), failed))  # copies read first, then path order
    first = ~pd.Series(r["report_id"].to_numpy()[order]).duplicated().to_numpy()
    keep = np.zeros(len(r), dtype=bool)
    keep[order[first]] = True
    return keep


def _split_copies(r: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per report, the ``duplicates`` rows of the other copies of a report)."""
    if not r["report_id"].duplicated().any():
        return r, DUPLICATES.empty()
    keep = _kept_rows(r)
    kept, copies = r[keep], r[~keep]
    kept_path = pd.Series(kept["path"].to_numpy(), index=kept["report_id"].to_numpy())
    dups = pd.DataFrame({
        "report_id": copies["report_id"].to_numpy(), "path": copies["path"].to_numpy(),
        "kept_path": copies["report_id"].map(kept_path).to_numpy(),
        "size_bytes": copies["size_bytes"].to_numpy(),
        "agency_manifest": copies["agency_manifest"].to_numpy(),
        "year_manifest": copies["year_manifest"].to_numpy()})
    return kept.reset_index(drop=True), DUPLICATES.sort(DUPLICATES.coerce(dups))


def _one_copy_of_tables(cached: dict, new: dict) -> dict:
    """The cached frames without the tables of reports whose tables were also parsed
    now (the same bytes under another path, added or changed since), and ``new``
    without those the cache keeps: each report's tables are those of its kept copy
    (:func:`_kept_rows`). ``new`` is filtered in place; the cached frames are returned."""
    def read_ids(r):
        return set(r.loc[r["status"] != "failed", "report_id"])

    both = read_ids(cached["reports"]) & read_ids(new["reports"])
    if not both:
        return cached
    rows = pd.concat([cached["reports"].assign(_new=False), new["reports"].assign(_new=True)],
                     ignore_index=True)
    rows = rows[rows["report_id"].isin(list(both)) & (rows["status"] != "failed")]
    rows = rows.sort_values("path", kind="stable")
    rows = rows[_kept_rows(rows.reset_index(drop=True))]
    from_new = set(rows.loc[rows["_new"].to_numpy(), "report_id"])
    out = dict(cached)
    for name in FRAME_NAMES:
        c, n = cached[name], new[name]
        out[name] = c[~c["report_id"].isin(list(from_new))]
        new[name] = n[~n["report_id"].isin(list(both - from_new))].reset_index(drop=True)
    return out


class Corpus:
    """Stacked tidy frames of many reports. Made by :func:`load_corpus`."""

    def __init__(self, frames: dict[str, pd.DataFrame], root: Path | None = None):
        self.root = root
        self._reports_all = frames["reports"]  # every file's row: what the cache keeps
        self._frames = {n: frames[n] for n in FRAME_NAMES}
        self.reports, self.duplicates = _split_copies(self._reports_all)
        self.missing_from_folder: list[str] = []
        self.sources: dict[str, Path] = {}  # path as shown in ``reports`` -> the file read
        self.parameters: dict = {}  # the load_corpus arguments, for provenance.json

    @classmethod
    def combine(cls, parsed, cached_frames: dict | None = None,
                root: Path | None = None) -> Corpus:
        """Stack parsed batches (Arrow tables of many files' records, from
        :func:`records_to_arrow`; an iterable consumed as it comes) and frames from
        the cache into one corpus. Batches stay in compact Arrow form until the
        end, when each table is sorted and converted to pandas in turn.

        Files whose bytes repeat another's (same report_id) are one report: one
        row of ``reports`` (the first path in sorted order, among the copies
        that were read if one failed) with its tables; the other copies are
        rows of ``duplicates``.
        """
        builder = _ArrowBuilder(seen=set())
        for batch in parsed:
            builder.add(batch)
        frames = builder.frames()
        if cached_frames and not any(len(f) for f in frames.values()):
            # nothing new: the cache's tables were saved sorted, and a subset keeps the order
            return cls({n: cached_frames[n].reset_index(drop=True) for n in PARSED_NAMES}, root)
        if cached_frames:
            cached_frames = _one_copy_of_tables(cached_frames, frames)
            for name in PARSED_NAMES:
                table = TABLES[name]
                both = [f for f in (cached_frames[name], frames[name]) if len(f)]
                frames[name] = (table.sort(table.coerce(pd.concat(both, ignore_index=True)),
                                           consume=True) if both else table.empty())
        return cls(frames, root)

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
        return {"reports": self.reports, **self._frames, "duplicates": self.duplicates}

    def failed_checks(self) -> pd.DataFrame:
        return failed(self.checks)

    def report(self, key: str) -> Report:
        """Re-read one report by report_id or path (a duplicate's path included)."""
        for r in (self.reports, self._reports_all):
            hit = r[(r["report_id"] == key) | (r["path"] == key)]
            if not hit.empty:
                break
        if hit.empty:
            raise KeyError(f"no report with id or path {key!r}")
        path = str(hit["path"].iloc[0])
        full = self.sources.get(path) or (self.root / path if self.root is not None else Path(path))
        man = {k: v for k, v in hit.iloc[0].items() if k.endswith("_manifest")}
        manifest = {k.removesuffix("_manifest"): v for k, v in man.items()}
        return read_report(full, manifest=manifest, name=path)

    def write(self, out, formats=("parquet", "csv"), package: bool = True) -> list[Path]:
        """Write every table (the parsed ones and problems, problem_themes, tokens) as
        ``<out>/<table>.parquet`` and/or ``.csv`` (UTF-8 with a byte-order mark, for
        Excel), with ``datapackage.json`` (a Frictionless Data Package describing the
        CSV files; only with csv) and ``provenance.json`` (kit version, parameters,
        environment, every input's SHA-256) unless ``package=False``. Returns the
        paths written. See :mod:`gxbg_kit.package`."""
        from .package import write

        return write(self, out, formats, package=package)

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
                *([("duplicates", str(len(self.duplicates)))] if len(self.duplicates) else []),
                ("application cells", str(len(self.applications))),
                ("failed checks", str(len(self.failed_checks()))), *self._failures()]

    def _failures(self, limit: int = 5) -> list[tuple[str, str]]:
        """(failed: path, reason: message) of the first ``limit`` failed reports: what
        went wrong and what to do, not only the reason code."""
        bad = self.reports[self.reports["status"] == "failed"]
        rows = [(f"failed: {path}", f"{reason}: {message}") for path, reason, message
                in bad[["path", "status_reason", "message"]].head(limit).itertuples(index=False)]
        if len(bad) > limit:
            rows.append(("failed: …", f"{len(bad) - limit} more: "
                         "corpus.reports[corpus.reports.status == 'failed']"))
        return rows

    def __repr__(self) -> str:
        return "<Corpus " + "; ".join(f"{k}: {v}" for k, v in self._summary()) + ">"

    def _repr_html_(self) -> str:
        return html_table(self._summary(), "gxbg-corpus")


def load_corpus(source, manifest=None, *, jobs: int | None = None, timeout: float | None = 120.0,
                max_bytes: int | None = DEFAULT_MAX_BYTES,
                max_uncompressed: int | None = DEFAULT_MAX_UNCOMPRESSED,
                max_pages: int | None = DEFAULT_MAX_PAGES, cache=None, progress: bool | None = None,
                engine: str = "processes", client=None, follow_links: bool = False,
                allow_empty: bool = False) -> Corpus:
    """Load every report of a folder (or a list of paths) into a :class:`Corpus`.

    ``manifest``: a CSV path or DataFrame (column ``file`` = file name); by
    default ``manifest.csv`` in the folder or its parent is used if present.

    Every file yields exactly one row of ``reports``; nothing raises for a bad file.
    A file whose bytes repeat another's (the same ``report_id``) is one report: the
    first path in sorted order (among the copies that were read, if one failed) is
    its ``reports`` row, the others are rows of ``corpus.duplicates``.

    Loud errors: a folder (or file) that does not exist raises FileNotFoundError;
    a folder with no file that could be read (no files at all, or every file
    ``failed``) raises ValueError saying why, unless ``allow_empty=True``, which
    returns that corpus (its ``reports`` say why each file failed).

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
    - ``progress``: a bar where someone watches, never in nbval (:mod:`gxbg_kit.progress`).
    - ``follow_links``: in a folder, a symbolic link that points outside it is
      not followed by default (a ``link_not_followed`` row); ``True`` reads the
      files (and folders) such links point to. Links inside the folder are
      followed to files; a link to a folder inside it is not (its files are read
      where they are).

    Entries of a folder that are not read get a row too, with the reason:
    FIFOs, devices and sockets, dangling links and link loops (``read_error``,
    the message says what the entry is), links not followed
    (``link_not_followed``). Such files are never opened, and no more than
    ``max_bytes`` of a file are ever read (hashing included); their ``sha256``
    (and ``report_id``) is the SHA-256 of their path, not of their bytes.

    ``path`` is the file's path relative to the folder (or as given), as text:
    bytes of a file name that are not valid UTF-8 are written as backslash
    escapes (``bad\\xff.txt``); :attr:`Corpus.sources` maps it to the file.

    With ``cache``, rows that depend on a limit or on chance are never cached
    (``timed_out``, ``parse_error``, ``too_large``, ``read_error``,
    ``link_not_followed``): those files are read again on the next run. The
    cache key holds the file's bytes, its manifest row, the parser's version and
    ``max_uncompressed`` and ``max_pages``; a file larger than ``max_bytes`` is
    never taken from the cache.
    """
    _must_exist(source)
    files, root, unread = list_entries(source, follow_links)
    if manifest is None and root is not None:
        manifest = _find_manifest(root)
    man = _manifest_lookup(manifest)
    # in order of the paths as shown: the first copy of a report parsed is the kept one
    tasks = sorted((_task(path, root, man) for path in files), key=lambda t: t[1])
    limits = {"max_bytes": max_bytes, "max_uncompressed": max_uncompressed, "max_pages": max_pages}
    corpus = _parse(tasks, unread, root, man, cache, limits, jobs=jobs, timeout=timeout,
                    progress=progress, engine=engine, client=client)
    _note_sources(corpus, [*files, *(u[0] for u in unread)], root, man)
    corpus.parameters = {
        "source": source if isinstance(source, (str, bytes, os.PathLike)) else list(files),
        "manifest": manifest, "jobs": jobs, "timeout": timeout, "max_bytes": max_bytes,
        "max_uncompressed": max_uncompressed, "max_pages": max_pages, "cache": cache,
        "engine": engine, "follow_links": follow_links}
    if root is not None and not allow_empty and (why := nothing_read(corpus, root)):
        raise ValueError(f"{why}; pass allow_empty=True to get the corpus anyway")
    return corpus


def _must_exist(source) -> None:
    """A folder or file that does not exist is an error (with the names close to it)."""
    if isinstance(source, (str, bytes, os.PathLike)) and not os.path.exists(source):
        shown = text_path(source)
        raise FileNotFoundError(f"no such folder or file: {shown}" + (
            f" (in {text_path(Path(shown).parent)}: {', '.join(sorted(near))}?)"
            if (near := _near_names(source)) else ""))


def _task(path: Path, root: Path | None, man: dict[str, dict]) -> tuple:
    """(path, the path as shown: relative to the folder, as text; its manifest row or None)."""
    row = man.get(path.name)
    if row is None:
        row = man.get(text_path(path.name))
    return path, text_path(path.relative_to(root) if root is not None else path), row


def _note_sources(corpus: Corpus, listed: list[Path], root: Path | None, man: dict) -> None:
    """``corpus.sources`` (each path as shown -> the file) and ``missing_from_folder``
    (manifest rows whose file is not there)."""
    names = {p.name for p in listed} | {text_path(p.name) for p in listed}
    corpus.missing_from_folder = sorted(set(man) - names)
    corpus.sources = {_task(p, root, man)[1]: p for p in listed}


def _parse(tasks, unread, root, man, cache, limits, **engine) -> Corpus:
    """The corpus of the tasks (those unchanged since the cache was saved taken from it)
    and of the folder's entries that are not read (rows made here, nothing is opened)."""
    from .parallel import iter_parsed

    store = _cache_store(cache, root)
    cached, todo = store.split(tasks, limits) if store else ({}, tasks)
    parsed = iter_parsed(todo, limits=limits, **engine)
    if unread:
        parsed = itertools.chain([records_to_arrow(
            unread_records(*_task(path, root, man), reason, message)
            for path, reason, message in unread)], parsed)
    corpus = Corpus.combine(parsed, cached_frames=store.frames(cached) if store else None,
                            root=root)
    if store:
        store.save(corpus, tasks)
    return corpus


def _near_names(source) -> list[str]:
    """Entries beside a missing path whose names are close to its name (a typo)."""
    import difflib

    path = Path(os.fsdecode(source))
    parent = path.parent if str(path.parent) else Path(".")
    try:
        names = [e.name for e in os.scandir(parent) if not e.name.startswith(".")]
    except OSError:
        return []
    return difflib.get_close_matches(path.name, names, n=3, cutoff=0.75)


def nothing_read(corpus: Corpus, where) -> str | None:
    """Why no report of ``where`` (a folder) could be read: it holds no file, or every
    file failed (the reasons, with counts); None when some file was read."""
    r = corpus._reports_all
    if len(r) == 0:
        return (f"no report files in {text_path(where)}: the folder is empty "
                "(hidden files and manifest.csv are not read)")
    if (r["status"] == "failed").all():
        counts = r["status_reason"].astype(str).value_counts()
        why = ", ".join(f"{reason} {n}" for reason, n in counts.items())
        every = "the only file" if len(r) == 1 else f"all {len(r)} files"
        return f"no readable report in {text_path(where)}: {every} failed ({why})"
    return None


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



