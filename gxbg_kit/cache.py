"""A content-hash cache of parsed tables, stored as Parquet (never pickle).

The cache holds the tidy tables of the last run and, for each file, a key made
of its SHA-256, its manifest row and the parser's fingerprint (package version
and template data files). A file whose key is unchanged is not parsed again. Rows that depend on a limit
or on chance are never cached (:data:`NOT_CACHED`); saves are atomic
(:class:`CacheStore`).
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ._version import __version__
from .pipeline import PARSED_NAMES
from .schema import TABLES


@cache
def parser_fingerprint() -> str:
    h = hashlib.sha256(__version__.encode())
    for t in TABLES.values():  # a field renamed or retyped makes cached tables stale
        h.update(repr((t.name, [(c.name, c.dtype, tuple(c.codes or ())) for c in t.columns])).encode())
    data = resources.files("gxbg_kit.data")
    for name in sorted(p.name for p in data.iterdir() if p.name.endswith(".csv")):
        h.update(name.encode())
        h.update(data.joinpath(name).read_bytes())
    return h.hexdigest()[:16]


#: rows that depend on a limit or on chance (a killed worker, a slow machine,
#: permissions): never cached, so the file is read again on the next run
NOT_CACHED = frozenset({"timed_out", "parse_error", "too_large", "read_error", "link_not_followed"})


def limits_key(limits: dict | None) -> str:
    """The part of the cache key for the limits that can change a parse's result
    other than by a ``too_large`` row (never cached): what a .docx may unpack to,
    and a PDF's page limit. ``max_bytes`` is checked on the file's size instead."""
    lim = {k: (limits or {}).get(k) for k in ("max_uncompressed", "max_pages")}
    return hashlib.sha256(json.dumps(lim, sort_keys=True).encode()).hexdigest()[:16]


class NotCacheable(Exception):
    """The file cannot be keyed (larger than max_bytes, not a regular file, unreadable)."""


def file_key(path: Path, manifest_row: dict | None, limits: dict | None = None) -> str:
    """SHA-256 of the file's bytes + its manifest row + :func:`limits_key`. Raises
    :class:`NotCacheable` (never blocks, never reads past ``max_bytes``) for a
    file that is not a regular file or is larger than ``limits['max_bytes']``."""
    from .pipeline import bounded_sha256
    from .read import DEFAULT_MAX_BYTES

    sha = bounded_sha256(path, (limits or {}).get("max_bytes", DEFAULT_MAX_BYTES))
    if sha is None:
        raise NotCacheable(str(path))
    man = json.dumps({k: (None if pd.isna(v) else str(v)) for k, v in (manifest_row or {}).items()},
                     sort_keys=True, ensure_ascii=False)
    return sha + ":" + hashlib.sha256(man.encode()).hexdigest()[:16] + ":" + limits_key(limits)


@contextmanager
def _locked(folder: Path):
    """An exclusive lock on the cache folder while it is written (where fcntl
    exists): two runs saving at once write one after the other."""
    try:
        import fcntl
    except ImportError:  # not POSIX: writes stay atomic, but are not serialised
        yield
        return
    with open(folder / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _table_file(name: str, generation: str) -> str:
    return f"{name}.{generation}.parquet" if generation else f"{name}.parquet"


def _generation_of(filename: str) -> str | None:
    """The generation of a cache table file (``applications.<gen>.parquet``), None for other files."""
    parts = filename.split(".")
    if parts[-1] != "parquet" or parts[0] not in TABLES or len(parts) > 3:
        return None
    return parts[1] if len(parts) == 3 else ""


class CacheStore:
    """The cache folder: ``index.json`` names the generation of table files
    (``<table>.<generation>.parquet``) it goes with. A save writes a new
    generation, then replaces the index atomically (a temporary file renamed
    over it): a run interrupted while saving, or a run reading while another
    saves, sees the old index and its complete tables, or the new ones, never
    a mix. The previous generation is kept for runs still reading it; older
    ones are removed by the next save."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._frames: dict[str, pd.DataFrame] | None = None
        self._keys: dict[str, str] = {}  # display path -> key of the last run
        self._task_keys: dict[str, str] = {}  # display path -> key now
        self._unchanged = False  # every file of this run, and only those, cached
        self._generation: str | None = None  # of the tables loaded

    def _load(self) -> None:
        self._frames, self._keys, self._generation = {}, {}, None
        index = self.folder / "index.json"
        try:
            meta = json.loads(index.read_text(encoding="utf-8"))
            if meta.get("fingerprint") != parser_fingerprint():
                return  # parsed by another version of the kit: start afresh
            generation = meta.get("generation", "")
            frames = {n: pd.read_parquet(self.folder / _table_file(n, generation))
                      for n in PARSED_NAMES}
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError, AttributeError, pa.ArrowException):
            return  # an unreadable cache is no cache
        self._frames = {n: TABLES[n].coerce(df) for n, df in frames.items()}
        self._keys = meta.get("keys", {})
        self._generation = generation

    def split(self, tasks, limits: dict | None = None):
        """(cached {display path: key}, tasks still to parse)."""
        self._load()
        self._task_keys = {}
        cached, todo = {}, []
        paths = set(self._frames["reports"]["path"]) if self._frames else set()
        for task in tasks:
            path, display, man = task
            try:
                key = file_key(path, man, limits)
            except NotCacheable:
                todo.append(task)
                continue
            self._task_keys[display] = key
            if self._keys.get(display) == key and display in paths:
                cached[display] = key
            else:
                todo.append(task)
        self._unchanged = not todo and cached == self._keys
        return cached, todo

    def frames(self, cached: dict) -> dict[str, pd.DataFrame] | None:
        if not cached or not self._frames:
            return None
        reports = self._frames["reports"]
        wanted = reports["path"].isin(list(cached))
        if wanted.all():
            return dict(self._frames)  # every cached report is wanted: nothing to filter
        reports = reports[wanted]
        ids = set(reports["report_id"])
        out = {"reports": reports}
        for name in PARSED_NAMES:
            if name != "reports":
                df = self._frames[name]
                out[name] = df[df["report_id"].isin(ids)]
        return out

    def save(self, corpus, tasks) -> None:
        """Keep this run's tables, but for rows of :data:`NOT_CACHED` reasons and
        files that could not be keyed (read again next time)."""
        if self._unchanged:
            return  # the cache already holds exactly these files' tables
        reports = corpus._reports_all  # every file's row, duplicates' included
        keep = ~reports["status_reason"].isin(list(NOT_CACHED))
        kept_paths = set(reports.loc[keep, "path"])
        keys = {display: self._task_keys[display] for _, display, _ in tasks
                if display in self._task_keys and display in kept_paths}
        reports = reports[reports["path"].isin(list(keys))]
        ids = set(reports["report_id"])
        frames = corpus.tables()
        tables = {n: (reports if n == "reports" else frames[n][frames[n]["report_id"].isin(ids)])
                  for n in PARSED_NAMES}
        self.folder.mkdir(parents=True, exist_ok=True)
        generation = secrets.token_hex(8)
        with _locked(self.folder):
            for name, df in tables.items():
                df.to_parquet(self.folder / _table_file(name, generation), index=False)
            index = self.folder / "index.json"
            previous = self._current_generation(index)
            tmp = self.folder / f".index.{generation}.tmp"
            tmp.write_text(json.dumps({"fingerprint": parser_fingerprint(), "generation": generation,
                                       "keys": keys}, ensure_ascii=False, indent=0, sort_keys=True),
                           encoding="utf-8")
            os.replace(tmp, index)  # the commit: atomic on POSIX and Windows
            self._remove_stale({generation, previous})
        self._frames, self._keys, self._generation = None, keys, generation

    @staticmethod
    def _current_generation(index: Path) -> str | None:
        try:
            return json.loads(index.read_text(encoding="utf-8")).get("generation", "")
        except (OSError, ValueError, AttributeError):
            return None

    def _remove_stale(self, keep: set) -> None:
        """Table files of generations other than ``keep`` and temporary index files
        (left by runs that were interrupted, or superseded)."""
        for entry in self.folder.iterdir():
            name = entry.name
            gen = _generation_of(name)
            stale = (gen is not None and gen not in keep) or (
                name.startswith(".index.") and name.endswith(".tmp"))
            if stale:
                try:
                    entry.unlink()
                except OSError:
                    pass
