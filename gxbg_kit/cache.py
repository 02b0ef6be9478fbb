"""A content-hash cache of parsed tables, stored as Parquet (never pickle).

The cache holds the tidy tables of the last run and, for each file, a key made
of its SHA-256, its manifest row and the parser's fingerprint (package version
and template data files). A file whose key is unchanged is not parsed again.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from . import __version__
from .schema import TABLES


@cache
def parser_fingerprint() -> str:
    h = hashlib.sha256(__version__.encode())
    data = resources.files("gxbg_kit.data")
    for name in sorted(p.name for p in data.iterdir() if p.name.endswith(".csv")):
        h.update(name.encode())
        h.update(data.joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def file_key(path: Path, manifest_row: dict | None) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(2**20), b""):
            h.update(chunk)
    man = json.dumps({k: (None if pd.isna(v) else str(v)) for k, v in (manifest_row or {}).items()},
                     sort_keys=True, ensure_ascii=False)
    return h.hexdigest() + ":" + hashlib.sha256(man.encode()).hexdigest()[:16]


class CacheStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._frames: dict[str, pd.DataFrame] | None = None
        self._keys: dict[str, str] = {}  # display path -> key of the last run
        self._task_keys: dict[str, str] = {}  # display path -> key now
        self._unchanged = False  # every file of this run, and only those, cached

    def _load(self) -> None:
        self._frames, self._keys = {}, {}
        index = self.folder / "index.json"
        if not index.exists():
            return
        try:
            meta = json.loads(index.read_text(encoding="utf-8"))
            if meta.get("fingerprint") != parser_fingerprint():
                return  # parsed by another version of the kit: start afresh
            frames = {n: pd.read_parquet(self.folder / f"{n}.parquet") for n in TABLES}
        except (OSError, ValueError, KeyError):
            return  # an unreadable cache is no cache
        self._frames = {n: TABLES[n].coerce(df) for n, df in frames.items()}
        self._keys = meta.get("keys", {})

    def split(self, tasks):
        """(cached {display path: key}, tasks still to parse)."""
        self._load()
        self._task_keys = {}
        cached, todo = {}, []
        paths = set(self._frames["reports"]["path"]) if self._frames else set()
        for task in tasks:
            path, display, man = task
            try:
                key = file_key(path, man)
            except OSError:
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
        for name in TABLES:
            if name != "reports":
                df = self._frames[name]
                out[name] = df[df["report_id"].isin(ids)]
        return out

    def save(self, corpus, tasks) -> None:
        if self._unchanged:
            return  # the cache already holds exactly these files' tables
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = {}
        for path, display, man in tasks:
            try:
                keys[display] = self._task_keys.get(display) or file_key(path, man)
            except OSError:
                pass
        tables = corpus.tables()
        tables["reports"] = corpus._reports_unmarked
        for name, df in tables.items():
            df.to_parquet(self.folder / f"{name}.parquet", index=False)
        (self.folder / "index.json").write_text(
            json.dumps({"fingerprint": parser_fingerprint(), "keys": keys}, ensure_ascii=False,
                       indent=0, sort_keys=True), encoding="utf-8")
