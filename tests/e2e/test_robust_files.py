"""Robust file handling of load_corpus: odd file names, special files, links,
and a cache that never keeps limit- or chance-dependent rows and is written atomically."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit import parallel
from gxbg_kit.timeout import Timeout

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "reports"
SEED = DATA / "003_1e9d07bbaba7ae4f.txt"
SEEDS = sorted(DATA.glob("0*.txt"))
posix = pytest.mark.skipif(os.name != "posix", reason="needs POSIX files (FIFOs, symlinks)")


def frames(c):
    return {n: df.reset_index(drop=True) for n, df in c.tables().items()}


def assert_same(a, b):
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def bad_name_folder(tmp_path, copies=1):
    folder = tmp_path / "r"
    folder.mkdir()
    for k in range(copies):
        (folder / f"good_{k}.txt").write_bytes(SEED.read_bytes() + b"\n" * k)
    try:
        with open(os.fsencode(folder) + b"/bad\xff.txt", "wb") as fh:
            fh.write(SEED.read_bytes() + b"\n\n\n\n\n\n\n\n\n\n\n\n")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not valid UTF-8")
    return folder


def run_isolated(code: str, timeout: float = 90) -> dict:
    """Run code in a fresh interpreter that prints a JSON object; a hang fails the
    test (the child is killed) instead of hanging the test run."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, timeout=timeout, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


# 1. file names that are not valid UTF-8 -------------------------------------------
@pytest.mark.parametrize("jobs,copies", [(1, 1), (2, 9)])  # in this process; on workers
def test_non_utf8_file_name_is_a_row_with_an_escaped_path(tmp_path, jobs, copies):
    folder = bad_name_folder(tmp_path, copies)
    c = gx.load_corpus(folder, jobs=jobs, progress=False)
    r = c.reports.set_index("path")
    assert len(r) == copies + 1
    assert r.loc["bad\\xff.txt", "status"] == "ok"
    # the escaped path leads back to the file
    assert c.report("bad\\xff.txt").report_id == r.loc["bad\\xff.txt", "report_id"]


def test_non_utf8_file_name_written_to_csv_parquet_and_cache(tmp_path):
    folder = bad_name_folder(tmp_path)
    c = gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    c.write(tmp_path / "out")
    assert "bad\\xff.txt" in (tmp_path / "out" / "reports.csv").read_text(encoding="utf-8")
    assert "bad\\xff.txt" in set(pd.read_parquet(tmp_path / "out" / "reports.parquet")["path"])
    index = json.loads((folder / ".gxbg_cache" / "index.json").read_text(encoding="utf-8"))
    assert "bad\\xff.txt" in index["keys"]
    again = gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    assert_same(frames(c), frames(again))


def test_text_path_escapes_only_what_is_not_text():
    from gxbg_kit.pipeline import text_path

    assert text_path("报告/a.txt") == "报告/a.txt"
    assert text_path(Path(os.fsdecode(b"bad\xff.txt"))) == "bad\\xff.txt"
    assert text_path(b"bad\xff.txt") == "bad\\xff.txt"
    assert text_path("lone\ud800") == "lone\\ud800"


# 5. what the cache keeps, and how it is written -----------------------------------
def test_limit_rows_are_not_cached_and_limits_are_keyed(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    small = gx.load_corpus(folder, jobs=1, progress=False, cache=True, max_bytes=100,
                           allow_empty=True)
    assert small.reports["status_reason"].tolist() == ["too_large"]
    normal = gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    assert normal.reports["status"].tolist() == ["ok"]  # not the cached too_large
    # a cached result is not served past a lower limit
    again = gx.load_corpus(folder, jobs=1, progress=False, cache=True, max_bytes=100,
                           allow_empty=True)
    assert again.reports["status_reason"].tolist() == ["too_large"]


def test_page_and_archive_limits_are_part_of_the_cache_key(tmp_path):
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    shutil.copy(fixtures / "docx" / "003.docx", tmp_path / "a.docx")
    shutil.copy(fixtures / "pdf" / "003_lo.pdf", tmp_path / "b.pdf")
    ok = gx.load_corpus(tmp_path, jobs=1, progress=False, cache=True)
    assert set(ok.reports["status"]) == {"ok"}
    low = gx.load_corpus(tmp_path, jobs=1, progress=False, cache=True, max_uncompressed=1000,
                         max_pages=1, allow_empty=True)
    r = low.reports.set_index("path")
    assert r.loc["a.docx", "status_reason"] == "corrupt_archive" and r.loc["b.pdf", "status_reason"] == "too_large"
    assert set(gx.load_corpus(tmp_path, jobs=1, progress=False, cache=True).reports["status"]) == {"ok"}


def test_timed_out_and_parse_error_rows_are_not_cached(tmp_path, monkeypatch):
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(SEEDS[0], folder / "a.txt")
    real = parallel.parse_file

    def slow(path, *args):
        raise Timeout()  # what SIGALRM raises: no wall clock needed

    monkeypatch.setattr(parallel, "parse_file", slow)
    first = gx.load_corpus(folder, jobs=1, progress=False, cache=True, timeout=5, allow_empty=True)
    assert first.reports["status_reason"].tolist() == ["timed_out"]
    monkeypatch.setattr(parallel, "parse_file", real)
    second = gx.load_corpus(folder, jobs=1, progress=False, cache=True, timeout=5)
    assert second.reports["status"].tolist() != ["failed"]

    # a worker that died (parse_error) is not cached either
    from gxbg_kit.cache import CacheStore
    from gxbg_kit.corpus import Corpus
    from gxbg_kit.pipeline import failed_records, records_to_arrow

    task = (folder / "a.txt", "a.txt", None)
    corpus = Corpus.combine([records_to_arrow([failed_records(*task, "parse_error", "died")])])
    store = CacheStore(tmp_path / "c")
    store.split([task])
    store.save(corpus, [task])
    assert store.split([task])[0] == {}


def _counting(monkeypatch):
    parsed = []
    real = gx.corpus.parse_file  # the unpatched one

    def counting(path, *a, **k):
        parsed.append(Path(path).name)
        return real(path, *a, **k)

    monkeypatch.setattr(parallel, "parse_file", counting)
    return parsed


def test_run_interrupted_while_saving_the_cache_leaves_a_consistent_cache(tmp_path, monkeypatch):
    folder = tmp_path / "r"
    folder.mkdir()
    for src in SEEDS[:2]:
        shutil.copy(src, folder / src.name)
    gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    b = folder / SEEDS[1].name
    original = b.read_bytes()
    b.write_bytes(original + b"\n\n")  # changed: parsed again, new report_id
    calls = []
    real_to_parquet = pd.DataFrame.to_parquet

    def interrupted(self, *a, **k):
        calls.append(1)
        if len(calls) == 2:  # after the first table file is written
            raise KeyboardInterrupt
        return real_to_parquet(self, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", interrupted)
    with pytest.raises(KeyboardInterrupt):
        gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real_to_parquet)
    b.write_bytes(original)  # back to what the index knows
    parsed = _counting(monkeypatch)
    cached = gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    assert parsed == []  # served from the cache of the first run …
    fresh = gx.load_corpus(folder, jobs=1, progress=False)
    assert_same(frames(fresh), frames(cached))  # … whole, not mixed with the interrupted one


def test_run_interrupted_while_parsing_then_a_cached_run(tmp_path, monkeypatch):
    folder = tmp_path / "r"
    folder.mkdir()
    for src in SEEDS[:2]:
        shutil.copy(src, folder / src.name)
    gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    shutil.copy(SEEDS[2], folder / SEEDS[2].name)

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "parse_file", interrupt)
    with pytest.raises(KeyboardInterrupt):
        gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    parsed = _counting(monkeypatch)
    cached = gx.load_corpus(folder, jobs=1, progress=False, cache=True)
    assert parsed == [SEEDS[2].name]
    assert_same(frames(gx.load_corpus(folder, jobs=1, progress=False)), frames(cached))


def test_two_concurrent_runs_on_one_cache_leave_a_cache_a_third_run_reads(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    for k, src in enumerate(SEEDS):
        for copy in range(2):
            shutil.copy(src, folder / f"{k}_{copy}.txt")
            (folder / f"{k}_{copy}.txt").write_bytes(src.read_bytes() + b"\n" * copy)
    files = sorted(folder.iterdir())
    sets = {"even": [str(p) for p in files[0::2]], "odd": [str(p) for p in files[1::2]]}
    cache = tmp_path / "cache"
    code = textwrap.dedent("""
        import sys, json
        import gxbg_kit as gx
        files = json.loads(sys.argv[1])
        for _ in range(4):
            gx.load_corpus(files, jobs=1, progress=False, cache=sys.argv[2])
        print("done")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, json.dumps(s), str(cache)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for s in sets.values()]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and "done" in out, err[-3000:]
    for s in sets.values():
        third = gx.load_corpus(s, jobs=1, progress=False, cache=cache)
        assert_same(frames(gx.load_corpus(s, jobs=1, progress=False)), frames(third))
    index = json.loads((cache / "index.json").read_text(encoding="utf-8"))
    generations = {f.name.split(".")[1] for f in cache.glob("*.*.parquet")}
    assert index["generation"] in generations and len(generations) <= 2  # old ones removed
    assert not list(cache.glob(".index.*.tmp"))


# 9. FIFOs and devices in a list of files ----------------------------------------
@posix
def test_fifo_and_dev_zero_in_a_file_list_are_read_errors_not_hangs(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    rows = run_isolated(f"""
        import json, resource
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))  # /dev/zero must not eat memory
        import gxbg_kit as gx
        files = [{str(SEED)!r}, {str(fifo)!r}, {str(zero)!r}]
        out = {{}}
        for jobs, files in ((1, files), (2, files + [{str(SEED)!r}] * 8)):
            c = gx.load_corpus(files, jobs=jobs, timeout=2, progress=False, max_bytes=1000)
            out[jobs] = c.reports[["path", "status_reason", "message"]].drop_duplicates("path").values.tolist()
        print(json.dumps(out))
    """)
    for jobs in ("1", "2"):
        got = {path: (reason, message) for path, reason, message in rows[jobs]}
        assert got[str(fifo)][0] == "read_error" and "FIFO" in got[str(fifo)][1]
        assert got[str(zero)][0] == "read_error" and "character device" in got[str(zero)][1]


@posix
def test_prefetch_never_waits_on_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run_isolated(f"""
        import json
        from pathlib import Path
        from gxbg_kit import parallel
        p = Path({str(fifo)!r})
        parallel.prefetch([(p, "pipe.txt", None)])
        batch = parallel.parse_chunk([(p, "pipe.txt", None)], timeout=2, limits=None, watchdog=True)
        print(json.dumps(batch["reports"]["status_reason"].to_pylist()))
    """, timeout=60)
    assert result == ["read_error"]


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts bytes read in /proc/self/io")
def test_nothing_past_max_bytes_is_read_or_hashed(tmp_path):
    from gxbg_kit import corpus

    def bytes_read():
        io = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
        return int(io["rchar"])

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(60 * 2**20)  # sparse: 60 MB, more than the default max_bytes
    before = bytes_read()
    row = corpus.parse_file(big, "big.txt", None, {"max_bytes": 1000})["reports"][0]
    rec = corpus.failed_records(big, "big.txt", None, "timed_out", "slow")["reports"][0]
    assert bytes_read() - before < 2**20  # refused on its size; hashed from its path
    assert row[0] == rec[0]


# 10. every entry of a folder gets a row ---------------------------------------------
@posix
def test_special_entries_of_a_folder_each_get_a_row_with_a_reason(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(SEEDS[1], outside / "elsewhere.txt")
    folder = tmp_path / "r"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEED, folder / "good.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "null.txt").symlink_to("/dev/null")
    (folder / "out.txt").symlink_to(outside / "elsewhere.txt")
    (folder / "outdir").symlink_to(outside)
    (folder / "sub" / "in.txt").symlink_to("../good.txt")
    (folder / "sub" / "up").symlink_to("..")
    c = gx.load_corpus(folder, jobs=1, progress=False)
    r = c.reports.set_index("path")
    assert sorted([*r.index, *c.duplicates["path"]]) == sorted(
        ["good.txt", "pipe.txt", "loop.txt", "dangling.txt", "null.txt", "out.txt", "outdir",
         "sub/in.txt", "sub/up"])
    assert r.loc["good.txt", "status"] == "ok" and "sub/in.txt" not in r.index
    assert c.duplicates.set_index("path").loc["sub/in.txt", "kept_path"] == "good.txt"
    expect = {"pipe.txt": ("read_error", "FIFO"), "loop.txt": ("read_error", "loop"),
              "dangling.txt": ("read_error", "dangling"),
              "null.txt": ("link_not_followed", "outside the folder"),
              "out.txt": ("link_not_followed", "follow_links=True"),
              "outdir": ("link_not_followed", "outside the folder"),
              "sub/up": ("link_not_followed", "inside this folder")}
    for path, (reason, words) in expect.items():
        assert r.loc[path, "status_reason"] == reason and words in r.loc[path, "message"], path
        assert r.loc[path, "status"] == "failed"

    followed = gx.load_corpus(folder, jobs=1, progress=False, follow_links=True)
    f = followed.reports.set_index("path")
    assert f.loc["out.txt", "status"] == "ok" and "outdir/elsewhere.txt" in set(followed.duplicates["path"])
    assert f.loc["null.txt", "status_reason"] == "read_error" and "character device" in f.loc["null.txt", "message"]
    assert "outdir" not in f.index
    assert len(f) + len(followed.duplicates) == len(r) + len(c.duplicates)


def test_read_report_on_a_fifo_or_a_too_large_file_reads_nothing(tmp_path):
    """read_report alone (not through load_corpus) once hashed a file it would not
    parse by reading all of it: a FIFO never ended."""
    import os

    import gxbg_kit as gx

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    rep = gx.read_report(fifo)
    assert rep.status == "failed" and rep.status_reason[1] == "read_error"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    rep = gx.read_report(big, max_bytes=1024)
    assert rep.status_reason[1] == "too_large"
