"""Batch loading: worker processes, timeouts, the content-hash cache, Dask."""
import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
import gxbg_kit.report as report_module
from gxbg_kit import parallel

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"
HANG_MARK = "HANG-FOR-TEST"


def make_folder(tmp_path, copies=3, hang=False):
    folder = tmp_path / "reports"
    folder.mkdir()
    for src in sorted(DATA.glob("0*.txt")):  # the five seed reports
        for k in range(copies):
            # distinct bytes per copy (trailing newlines), so no file is a duplicate
            (folder / f"{src.stem}_{k}.txt").write_bytes(src.read_bytes() + b"\n" * k)
    if hang:
        text = (DATA / "003_1e9d07bbaba7ae4f.txt").read_text(encoding="utf-8")
        (folder / "hang.txt").write_text(text.replace("结果 维持", HANG_MARK), encoding="utf-8")
    return folder


def slow_reviews(lines, _real=report_module.recognise_reviews):
    if any(HANG_MARK in ln for ln in lines):
        time.sleep(60)
    return _real(lines)


def frames(c):
    return {n: df.reset_index(drop=True) for n, df in c.tables().items()}


def assert_same(a, b):
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=False)


def test_worker_processes_give_the_same_frames(tmp_path):
    folder = make_folder(tmp_path)
    one = gx.load_corpus(folder, jobs=1, progress=False)
    two = gx.load_corpus(folder, jobs=2, progress=False)
    assert len(two.reports) == 15
    assert_same(frames(one), frames(two))


def test_hanging_file_is_stopped_and_the_batch_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "recognise_reviews", slow_reviews)
    folder = make_folder(tmp_path, copies=2, hang=True)
    t0 = time.perf_counter()
    c = gx.load_corpus(folder, jobs=2, timeout=3, progress=False)
    assert time.perf_counter() - t0 < 40
    r = c.reports.set_index("path")
    assert len(r) == 11
    assert (r.loc["hang.txt", "status"], r.loc["hang.txt", "status_reason"]) == ("failed", "timed_out")
    assert "3 s" in r.loc["hang.txt", "message"]
    assert (r.drop(index="hang.txt")["status"] != "failed").all()


def deaf_hang(lines, _real=report_module.recognise_reviews):
    # C code that holds the interpreter never sees SIGALRM: block it, then hang
    if any(HANG_MARK in ln for ln in lines):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(120)
    return _real(lines)


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs POSIX signals")
def test_file_deaf_to_sigalrm_ends_its_worker_not_the_whole_chunk_wait(tmp_path, monkeypatch):
    # a file stuck where SIGALRM cannot stop it used to hold its whole chunk until
    # a backstop of (2 x timeout + 30 s) x files; the worker's watchdog now ends it
    # after one backstop, and the chunk's files are parsed again one by one
    monkeypatch.setattr(report_module, "recognise_reviews", deaf_hang)
    monkeypatch.setattr(parallel, "backstop", lambda timeout: 3.0)
    folder = make_folder(tmp_path, copies=80, hang=True)  # 401 files: chunks of 25
    assert len(parallel._chunks(list(range(401)), 2)[0]) == 25
    t0 = time.perf_counter()
    c = gx.load_corpus(folder, jobs=2, timeout=1, progress=False)
    elapsed = time.perf_counter() - t0
    assert elapsed < 30, elapsed  # the old per-chunk wait alone was 3 s x 25 files = 75 s
    r = c.reports.set_index("path")
    assert len(r) == 401
    assert (r.loc["hang.txt", "status"], r.loc["hang.txt", "status_reason"]) == ("failed", "timed_out")
    assert (r.drop(index="hang.txt")["status"] != "failed").all()


def test_watchdog_is_armed_only_for_the_file_being_parsed(monkeypatch):
    # armed once per half limit, cancelled when the chunk ends: nothing is left
    # to end the process afterwards
    calls = []
    fh = parallel.faulthandler
    arm, cancel = fh.dump_traceback_later, fh.cancel_dump_traceback_later
    monkeypatch.setattr(fh, "dump_traceback_later",
                        lambda limit, **kw: (calls.append(("arm", limit)), arm(limit, **kw)))
    monkeypatch.setattr(fh, "cancel_dump_traceback_later",
                        lambda: (calls.append(("cancel", None)), cancel()))
    with parallel._watchdog(0.6) as beat:
        for _ in range(5):
            beat()
            time.sleep(0.1)  # 0.5 s in all: under the limit
    # five beats over 0.5 s re-arm only once 0.3 s (half the limit) have passed
    assert calls[0] == ("arm", 0.6) and calls[-1] == ("cancel", None)
    assert 1 <= calls.count(("arm", 0.6)) <= 2 and len(calls) <= 3, calls
    time.sleep(0.8)  # had the watchdog outlived the chunk, it would have ended pytest


def test_timeout_in_process_for_small_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "recognise_reviews", slow_reviews)
    folder = make_folder(tmp_path, copies=1, hang=True)
    c = gx.load_corpus(folder, jobs=1, timeout=1, progress=False)
    r = c.reports.set_index("path")
    assert r.loc["hang.txt", "status_reason"] == "timed_out"
    assert r.loc["003_1e9d07bbaba7ae4f_0.txt", "status"] == "ok"


def test_cache_rerun_parses_only_changed_files(tmp_path, monkeypatch):
    folder = make_folder(tmp_path, copies=1)
    first = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    assert (folder / ".gxbg_cache" / "index.json").exists()
    parsed = []
    real = gx.corpus.parse_file

    def counting(path, *a, **k):
        parsed.append(Path(path).name)
        return real(path, *a, **k)

    monkeypatch.setattr("gxbg_kit.parallel.parse_file", counting)
    again = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    assert parsed == []
    assert_same(frames(first), frames(again))
    # change one report: only it is parsed again, and its new numbers show
    f = folder / "002_323c267c87cacc94_0.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("行政许可\t13290", "行政许可\t13291"),
                 encoding="utf-8")
    third = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    assert parsed == ["002_323c267c87cacc94_0.txt"]
    act = third.active.merge(third.reports[["report_id", "path"]], on="report_id")
    lic = act[(act["path"] == f.name) & (act["item"] == "licensing")]["value"]
    assert lic.tolist() == [13291]
    assert len(third.reports) == 5 and third.reports["report_id"].is_unique


def test_unchanged_cache_rerun_rewrites_nothing(tmp_path):
    folder = make_folder(tmp_path, copies=1)
    first = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    stamps = {p.name: p.stat().st_mtime_ns for p in (folder / ".gxbg_cache").iterdir()}
    time.sleep(0.05)
    again = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    assert {p.name: p.stat().st_mtime_ns for p in (folder / ".gxbg_cache").iterdir()} == stamps
    assert_same(frames(first), frames(again))
    assert again.reports["status_reason"].tolist() == first.reports["status_reason"].tolist()


def test_cache_rerun_after_files_removed_equals_a_fresh_load(tmp_path):
    # the cache holds more reports than the folder now does: they are filtered
    # out, and what stays keeps the order of a fresh, uncached load
    folder = make_folder(tmp_path, copies=2)
    gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    for name in ("001_9d882d39005c5935_0.txt", "003_1e9d07bbaba7ae4f_1.txt"):
        (folder / name).unlink()
    cached = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    fresh = gx.load_corpus(folder, jobs=1, progress=False)
    assert len(cached.reports) == 8
    assert_same(frames(fresh), frames(cached))
    # the cache now holds the 8 files only
    assert len(gx.load_corpus(folder, cache=True, jobs=1, progress=False).reports) == 8


def test_duplicate_added_after_caching_is_listed(tmp_path):
    folder = make_folder(tmp_path, copies=1)
    gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    shutil.copy(folder / "000_a6689a29e53ae8de_0.txt", folder / "zz_again.txt")
    c = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    r = c.reports.set_index("path")
    assert "zz_again.txt" not in r.index and c.reports["report_id"].is_unique
    assert c.duplicates[["path", "kept_path"]].values.tolist() == [
        ["zz_again.txt", "000_a6689a29e53ae8de_0.txt"]]
    assert r.loc["000_a6689a29e53ae8de_0.txt", "status_reason"] == "cells_missing"
    assert_same(frames(gx.load_corpus(folder, jobs=1, progress=False)), frames(c))


def test_copy_added_before_a_cached_file_becomes_the_kept_one(tmp_path):
    # the new copy sorts first: it is the reports row, and its tables (its own
    # manifest check) replace the cached copy's, as in a fresh load
    folder = make_folder(tmp_path, copies=1)
    (folder / "manifest.csv").write_text("file,agency\n000_a6689a29e53ae8de_0.txt,乙\n"
                                         "0.first.txt,甲\n", encoding="utf-8")
    gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    shutil.copy(folder / "000_a6689a29e53ae8de_0.txt", folder / "0.first.txt")
    c = gx.load_corpus(folder, cache=True, jobs=1, progress=False)
    assert c.duplicates[["path", "kept_path"]].values.tolist() == [
        ["000_a6689a29e53ae8de_0.txt", "0.first.txt"]]
    fresh = gx.load_corpus(folder, jobs=1, progress=False)
    assert_same(frames(fresh), frames(c))
    again = gx.load_corpus(folder, cache=True, jobs=1, progress=False)  # all from the cache
    assert_same(frames(fresh), frames(again))


def test_copies_across_worker_chunks_keep_one_row(tmp_path):
    folder = make_folder(tmp_path, copies=2)
    for k in range(3):
        shutil.copy(folder / "002_323c267c87cacc94_0.txt", folder / f"zz_{k}.txt")
    local = gx.load_corpus(folder, jobs=1, progress=False)
    pooled = gx.load_corpus(folder, jobs=2, progress=False)
    assert_same(frames(local), frames(pooled))
    assert len(pooled.reports) == 10 and len(pooled.duplicates) == 3
    assert set(pooled.duplicates["kept_path"]) == {"002_323c267c87cacc94_0.txt"}


def test_dask_engine_on_a_local_cluster_gives_the_same_frames(tmp_path):
    pytest.importorskip("distributed")
    folder = make_folder(tmp_path, copies=2)
    local = gx.load_corpus(folder, jobs=1, progress=False)
    dask = gx.load_corpus(folder, jobs=2, engine="dask", progress=False)
    assert_same(frames(local), frames(dask))


def test_dask_chunk_that_fails_is_parsed_again_file_by_file(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from gxbg_kit import parallel

    def lost(*args, **kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(parallel, "parse_chunk", lost)  # threads share this module
    folder = make_folder(tmp_path, copies=1)
    local = gx.load_corpus(folder, jobs=1, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        dask = gx.load_corpus(folder, engine="dask", client=client, progress=False)
    assert_same(frames(local), frames(dask))


def test_garbage_collector_paused_while_a_batch_is_parsed_and_restored_after(monkeypatch):
    import gc

    from gxbg_kit import parallel

    states = []
    real = parallel.parse_file

    def spy(*args):
        states.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(parallel, "parse_file", spy)
    tasks = [(p, p.name, None) for p in sorted(DATA.glob("*.txt"))]
    batch = parallel.parse_chunk(tasks, timeout=None, limits=None)
    assert states == [False] * len(tasks)  # paused during the batch …
    assert gc.isenabled()  # … and on again after
    assert batch["reports"].num_rows == len(tasks)
    assert batch["applications"].num_rows > 0


def test_prefetch_skips_missing_files_and_leaves_no_descriptor_open(tmp_path):
    import os

    from gxbg_kit import parallel

    real = sorted(DATA.glob("*.txt"))
    tasks = [(p, p.name, None) for p in real] + [(tmp_path / "gone.txt", "gone.txt", None)]
    before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").exists() else None
    parallel.prefetch(tasks)  # a missing file is reported when parsed, not here
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before
    batch = parallel.parse_chunk(tasks, timeout=None, limits=None)
    reasons = dict(zip(batch["reports"]["path"].to_pylist(), batch["reports"]["status_reason"].to_pylist()))
    assert reasons["gone.txt"] == "read_error" and len(reasons) == len(tasks)
