#!/usr/bin/env python3
"""Benchmark loading synthetic corpora: reports per second, cached re-runs, peak memory.

    python scripts/benchmark.py                      # 1k and 10k reports
    python scripts/benchmark.py --sizes 1000,10000,100000 --jobs 2

Each measurement runs in a fresh child process, so its peak memory (the
largest resident set of the loading process while loading, and separately of
any one worker) is its own; writing Parquet for the size figures comes after.
Corpora are generated once by ``gxbg_kit.synth`` (seed 2024) under
``--workdir`` and reused. A CPU check first prints how much faster ``jobs``
busy processes are than one on this machine (hyper-threads or a shared CPU
quota give less than ``jobs`` times); beside each throughput, the CPU time spent
per report by the loading process and its workers, a steadier figure. The
``(as text)`` line loads the HTML pages once more, laid out as text beforehand:
the gap between it and the ``html`` line is what turning pages into text costs.
Targets (issue 6, 2-core machine): ≥ 1,000 text/HTML reports per second with
both cores; a cached re-run of 10k reports < 5 s; 100k reports in < 4 GiB peak
memory.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

GROUPS = {"text": ("tab", "pipe", "cells"), "markdown": ("markdown",), "html": ("html",)}


def ensure_corpus(workdir: Path, n: int) -> Path:
    from gxbg_kit.synth import write_corpus

    folder = workdir / f"synthetic_{n}"
    if (folder / "manifest.csv").exists():
        return folder
    t0 = time.perf_counter()
    write_corpus(folder, n, seed=2024, defect_share=0.1)
    print(f"  generated {n:,} reports in {time.perf_counter() - t0:.1f} s", flush=True)
    return folder


def files_of(folder: Path, layouts) -> list[str]:
    import pandas as pd

    man = pd.read_csv(folder / "manifest.csv")
    if layouts is not None:
        man = man[man["layout"].isin(layouts)]
    return [str(folder / f) for f in man["file"]]


def html_laid_out(workdir: Path, folder: Path) -> Path:
    """The HTML group's pages as the text ``html_to_text`` makes of them, one .txt
    file each (made once): loading these measures everything but the page layout."""
    import gxbg_kit as gx

    out = workdir / f"{folder.name}_html_as_text"
    done = out / "done"
    if not done.exists():
        out.mkdir(parents=True, exist_ok=True)
        for f in files_of(folder, GROUPS["html"]):
            text = gx.read_report(f).document.text
            (out / (Path(f).stem + ".txt")).write_text(text, encoding="utf-8")
        done.touch()
    return out


def _cpu_seconds() -> float:
    me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime


def child(args: dict) -> dict:
    """Run one measurement (in a fresh process) and return its figures."""
    import gxbg_kit as gx

    folder = Path(args["folder"])
    files = (sorted(str(p) for p in folder.glob("*.txt")) if args.get("plain")
             else files_of(folder, args.get("layouts")))
    cache = args.get("cache")
    if args.get("warm_cache"):
        gx.load_corpus(files, jobs=args["jobs"], cache=cache, progress=False)
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    corpus = gx.load_corpus(files, jobs=args["jobs"], cache=cache, progress=False)
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0  # this process and its finished workers
    # peak memory of loading, read before the size measurements below add their own
    load_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"n": len(files), "seconds": seconds, "reports_per_s": len(files) / seconds,
           "cpu_ms_per_report": cpu / len(files) * 1000, "peak_rss_mb": load_peak_mb}
    if args.get("sizes"):
        tables = corpus.tables()
        out["memory_mb"] = sum(df.memory_usage(deep=True).sum() for df in tables.values()) / 2**20
        disk = Path(args["out"])
        corpus.write(disk, formats=("parquet",))
        out["parquet_mb"] = sum(p.stat().st_size for p in disk.glob("*.parquet")) / 2**20
        out["rows"] = {k: len(v) for k, v in tables.items()}
    out["status"] = corpus.reports["status"].value_counts().to_dict()
    out["peak_worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def _spin(_=None) -> float:
    t0 = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - t0


def cpu_scaling(jobs: int) -> float:
    """How many times one core's work ``jobs`` busy Python processes do together on
    this machine (2.0 for two real cores; less when the cores are hyper-threads or
    the machine's CPU quota is shared)."""
    from multiprocessing import Pool

    alone = min(_spin() for _ in range(2))
    with Pool(jobs) as pool:
        together = max(pool.map(_spin, range(jobs)))
    return jobs * alone / together


def measure(args: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(args)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def accuracy(n_per_layout: int) -> None:
    """Share of template cells read right, NA, inferred (right, with boundaries not
    printed) and wrong, per layout, on synthetic reports (10 % with blank cells)."""
    import pandas as pd

    import gxbg_kit as gx
    from gxbg_kit import synth

    print(f"\n== cells read back, {n_per_layout} synthetic reports per layout ==", flush=True)
    for layout in synth.LAYOUTS + synth.EXTRA_LAYOUTS:
        outs = []
        for seed in range(n_per_layout):
            truth = synth.generate_truth(2024 + seed, synth.TEMPLATES[seed % len(synth.TEMPLATES)],
                                         synth.SCALES[seed % len(synth.SCALES)],
                                         defects=["blank_cells"] if seed % 10 == 0 else [])
            data = synth.render_bytes(truth, layout, noise=seed % 2 == 1)
            rep = gx.read_report(data, name=f"r.{synth.EXTENSIONS[layout]}")
            outs.append(synth.cell_outcomes(truth, rep))
        share = pd.concat(outs)["outcome"].value_counts(normalize=True)
        print(f"  {layout:16s} " + "  ".join(f"{k} {share.get(k, 0):7.2%}"
                                             for k in ("right", "inferred", "na", "wrong")), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    ap.add_argument("--workdir", default="build/benchmark")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--accuracy", type=int, default=200,
                    help="synthetic reports per layout for the cells right/NA/inferred/wrong table "
                         "(0: skip)")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(json.loads(a.child))))
        return 0
    workdir = Path(a.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    jobs = a.jobs or len(os.sched_getaffinity(0))
    print(f"gxbg_kit benchmark: {jobs} worker process(es), {os.cpu_count()} cores", flush=True)
    print(f"  CPU check: {jobs} busy Python processes do {cpu_scaling(jobs):.2f}x the work of one "
          "(the ceiling of any parallel speed-up here)", flush=True)
    if a.accuracy:
        accuracy(a.accuracy)
    for n in (int(s) for s in a.sizes.split(",") if s):
        print(f"\n== {n:,} synthetic reports ==", flush=True)
        folder = ensure_corpus(workdir, n)
        if n <= 10_000:
            for group, layouts in GROUPS.items():
                r = measure({"folder": str(folder), "layouts": list(layouts), "jobs": jobs})
                print(f"  {group:9s} {r['n']:>7,} files  {r['reports_per_s']:8.0f} reports/s  "
                      f"{r['cpu_ms_per_report']:.2f} ms CPU/report  "
                      f"peak {r['peak_rss_mb']:.0f} MB (+ workers {r['peak_worker_rss_mb']:.0f} MB)",
                      flush=True)
            # the HTML pages again, laid out as text beforehand: the difference from
            # the html line above is the cost of the page layout (html_to_text)
            r = measure({"folder": str(html_laid_out(workdir, folder)), "plain": True, "jobs": jobs})
            print(f"  {'(as text)':9s} {r['n']:>7,} files  {r['reports_per_s']:8.0f} reports/s  "
                  f"{r['cpu_ms_per_report']:.2f} ms CPU/report  (the html pages, laid out as "
                  "text beforehand)", flush=True)
        r = measure({"folder": str(folder), "jobs": jobs, "sizes": True,
                     "out": str(workdir / f"tables_{n}")})
        print(f"  all       {r['n']:>7,} files  {r['reports_per_s']:8.0f} reports/s  "
              f"{r['cpu_ms_per_report']:.2f} ms CPU/report  "
              f"{r['seconds']:.1f} s  peak {r['peak_rss_mb']:.0f} MB "
              f"(+ workers {r['peak_worker_rss_mb']:.0f} MB)", flush=True)
        print(f"  frames: {r['memory_mb']:.0f} MB in memory, {r['parquet_mb']:.1f} MB as Parquet; "
              f"rows {r['rows']}", flush=True)
        print(f"  status: {r['status']}", flush=True)
        cache = str(workdir / f"cache_{n}")
        r = measure({"folder": str(folder), "jobs": jobs, "cache": cache,
                     "warm_cache": True})
        print(f"  cached re-run: {r['seconds']:.2f} s ({r['reports_per_s']:.0f} reports/s), "
              f"peak {r['peak_rss_mb']:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
