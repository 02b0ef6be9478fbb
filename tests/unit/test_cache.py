"""cache: the content-hash key of a file (bytes, manifest row, the limits that change a
parse), the parser's fingerprint, and the store: what a later run finds cached, and
that a cache of another kit version or an unreadable index is no cache. (Reruns through
load_corpus: tests/unit/test_parallel.py; limits, interruptions and concurrent runs:
tests/e2e/test_robust_files.py.)"""
from __future__ import annotations

import inspect
import json
import re
import shutil
from pathlib import Path

import pytest

import gxbg_kit as gx
from gxbg_kit import cache

REPORTS = Path(__file__).resolve().parents[2] / "data" / "reports"
SEEDS = ["002_323c267c87cacc94.txt", "003_1e9d07bbaba7ae4f.txt"]


@pytest.fixture()
def folder(tmp_path):
    for name in SEEDS:
        shutil.copy(REPORTS / name, tmp_path / name)
    return tmp_path


def tasks(folder):
    return [(folder / name, name, None) for name in SEEDS]


def limits():
    """The limits load_corpus keys its cache with by default."""
    params = inspect.signature(gx.load_corpus).parameters
    return {k: params[k].default for k in ("max_bytes", "max_uncompressed", "max_pages")}


def test_file_key_changes_with_bytes_manifest_and_page_limits_only(folder):
    path = folder / SEEDS[1]
    key = cache.file_key(path, None)
    assert re.fullmatch(r"[0-9a-f]{64}:[0-9a-f]{16}:[0-9a-f]{16}", key)
    assert cache.file_key(path, None) == key
    assert cache.file_key(path, {"agency": "某局"}) != key
    assert cache.file_key(path, None, {"max_pages": 3}) != key
    assert cache.file_key(path, None, {"max_uncompressed": 10**6}) != key
    # max_bytes is checked on the file's size, not keyed
    assert cache.file_key(path, None, {"max_bytes": 10**8}) == key
    path.write_bytes(path.read_bytes() + b"\n")
    assert cache.file_key(path, None).split(":")[0] != key.split(":")[0]


def test_a_file_over_max_bytes_or_not_a_file_cannot_be_keyed(folder):
    path = folder / SEEDS[1]
    with pytest.raises(cache.NotCacheable):
        cache.file_key(path, None, {"max_bytes": path.stat().st_size - 1})
    with pytest.raises(cache.NotCacheable):
        cache.file_key(folder, None)


def test_parser_fingerprint_is_a_stable_short_hash():
    assert re.fullmatch(r"[0-9a-f]{16}", cache.parser_fingerprint())
    assert cache.parser_fingerprint() == cache.parser_fingerprint()


@pytest.mark.parametrize("name, generation", [
    ("applications.ab12cd.parquet", "ab12cd"), ("reports.parquet", ""),
    ("index.json", None), ("other.ab12.parquet", None), ("applications.a.b.parquet", None),
])
def test_generation_of_a_cache_file(name, generation):
    assert cache._generation_of(name) == generation


def test_a_later_run_finds_every_unchanged_file_cached(folder):
    gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    store = cache.CacheStore(folder / ".gxbg_cache")
    cached, todo = store.split(tasks(folder), limits())
    assert set(cached) == set(SEEDS) and todo == []
    frames = store.frames(cached)
    assert sorted(frames["reports"]["path"]) == SEEDS
    # one file changed: it is parsed again, the other's tables come from the cache
    (folder / SEEDS[0]).write_bytes((folder / SEEDS[0]).read_bytes() + b"\n")
    cached, todo = store.split(tasks(folder), limits())
    assert list(cached) == [SEEDS[1]] and [t[1] for t in todo] == [SEEDS[0]]
    one = store.frames(cached)
    assert one["reports"]["path"].tolist() == [SEEDS[1]]
    ids = set(one["reports"]["report_id"])
    assert set(one["applications"]["report_id"]) == ids


@pytest.mark.parametrize("spoil", ["fingerprint", "garbage"])
def test_a_cache_of_another_version_or_an_unreadable_index_is_no_cache(folder, spoil):
    gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    index = folder / ".gxbg_cache" / "index.json"
    if spoil == "fingerprint":
        meta = json.loads(index.read_text(encoding="utf-8"))
        index.write_text(json.dumps({**meta, "fingerprint": "0" * 16}), encoding="utf-8")
    else:
        index.write_text("{not json", encoding="utf-8")
    cached, todo = cache.CacheStore(folder / ".gxbg_cache").split(tasks(folder), limits())
    assert cached == {} and len(todo) == len(SEEDS)


def test_a_save_keeps_two_generations_at_most(folder):
    for extra in (b"", b"\n", b"\n\n"):
        path = folder / SEEDS[0]
        path.write_bytes(path.read_bytes() + extra)
        gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    names = [p.name for p in (folder / ".gxbg_cache").iterdir()]
    generations = {cache._generation_of(n) for n in names} - {None}
    assert len(generations) == 2
    current = json.loads((folder / ".gxbg_cache" / "index.json").read_text(encoding="utf-8"))
    assert current["generation"] in generations
