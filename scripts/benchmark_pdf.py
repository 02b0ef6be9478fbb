#!/usr/bin/env python
"""Per-page time and peak memory of the PDF path, beside camelot's lattice flavour alone.

    .venv/bin/python scripts/benchmark_pdf.py [PDF ...] [--repeat N]

Default files: tests/fixtures/pdf/0*.pdf.  Each (file, method) runs in its own
process: it is read once to warm up (imports, font caches), then ``--repeat``
times; the median wall time per page is printed (and the first, cold call's),
with the peak Python allocation of one more run under tracemalloc and the
process's peak resident memory (ru_maxrss, which includes native memory such as
OpenCV's and pdfium's).

Methods
  report      gx.read_report(path) and all its frames: reading + table recognition +
              frames + checks
  read_pdf    gxbg_kit.readers.read_pdf: playa characters, pdfplumber tables, camelot only
              where pdfplumber's reading is not perfect
  pdfminer    read_pdf(backend="pdfminer"): pdfplumber's own (pdfminer) pages instead of playa
  compare     read_pdf(always_compare=True): camelot lattice on every table page too
  plumber     read_pdf(engines=("pdfplumber",)): no camelot
  lattice     camelot.read_pdf(pages="all", flavor="lattice") (its default engine)
  lattice-vec camelot.read_pdf(pages="all", flavor="lattice", engine="vector")

The goal: at most 150 ms per page end to end (``report``) on a 2-core machine.
This is a script, not a timed test.

Scanned reports (OCR)
    .venv/bin/python scripts/benchmark_pdf.py --scan N [--seed S]

reads N synthetic scans (``synth`` layout ``scan``: 150 dpi, skew within ±0.6°, blur,
noise; templates 2019/2021 alternating, every other pair with the label variants of
real reports, scales county/city/province in turn) each in its own
process on one core (ONNX runtime and OpenCV limited to one thread) and prints per
report the template cells right / inferred / NA / wrong against the truth, CPU and wall
seconds per page (the OCR models loaded beforehand) and peak resident memory.
Targets: >= 98 % of cells right (inferred counted right), <= 0.2 % wrong, <= 3 s per
page on one core.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
METHODS = ["report", "read_pdf", "pdfminer", "compare", "plumber", "lattice", "lattice-vec"]


def _run(method: str, path: Path, repeat: int) -> dict:
    import resource
    import tracemalloc
    import warnings

    sys.path.insert(0, str(ROOT))
    warnings.simplefilter("ignore")
    data = path.read_bytes()
    if method in ("lattice", "lattice-vec"):
        import io

        import camelot

        kw = {"engine": "vector"} if method == "lattice-vec" else {}

        def once():
            return len(camelot.read_pdf(io.BytesIO(data), pages="all", flavor="lattice",
                                        suppress_stdout=True, **kw))
    elif method == "report":
        import gxbg_kit as gx

        def once():  # Report parses lazily: touch every frame
            rep = gx.read_report(path)
            return rep.status, len(rep.applications), len(rep.active), len(rep.reviews), len(rep.checks)
    else:
        from gxbg_kit.readers import read_pdf

        kw = {"compare": {"always_compare": True}, "plumber": {"engines": ("pdfplumber",)},
              "pdfminer": {"backend": "pdfminer"}, "read_pdf": {}}[method]

        def once():
            return len(read_pdf(data, **kw).tables)

    from gxbg_kit.readers import read_pdf as _rp

    pages = _rp(data, engines=("pdfplumber",)).pages
    t0 = time.perf_counter()
    once()
    cold = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()  # one more run for the Python peak (tracemalloc slows it down)
    once()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"pages": pages, "cold_ms": cold * 1000, "median_ms": statistics.median(times) * 1000,
            "py_peak_mb": peak / 2**20, "rss_mb": rss / 1024}


def _scan_child(seed: int, template: str) -> dict:
    """One synthetic scan read end to end in this process, on one core."""
    import os
    import resource

    os.environ["OMP_NUM_THREADS"] = "1"
    sys.path.insert(0, str(ROOT))
    import cv2

    cv2.setNumThreads(1)
    import gxbg_kit as gx
    from gxbg_kit import synth
    from gxbg_kit.readers import ocr

    truth = synth.generate_truth(seed, template=template,
                                 scale=("county", "city", "province")[seed % 3])
    noise = (seed // 2) % 2 == 1  # every other pair: the label variants of real reports
    data = synth.render_bytes(truth, "scan", noise=noise)
    ocr._engine(ocr.SETTINGS.threads, ocr.SETTINGS.det_box_thresh)  # models loaded beforehand
    t0, c0 = time.perf_counter(), time.process_time()
    rep = gx.read_report(data, name=f"scan_{seed}.pdf", timeout=None)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    counts = synth.cell_outcomes(truth, rep)["outcome"].value_counts().to_dict()
    return {"seed": seed, "template": template + ("+noise" if noise else ""), "pages": int(rep.info.iloc[0]["pages"]),
            "status": rep.status, "cells": {k: int(v) for k, v in counts.items()},
            "cpu_s": cpu, "wall_s": wall, "confidence": float(rep.info.iloc[0]["ocr_confidence"]),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def scan_benchmark(n: int, seed: int) -> None:
    print(f"{'report':<24} {'pages':>5} {'status':<8} {'right':>6} {'infer':>6} {'NA':>4} "
          f"{'wrong':>5} {'cpu s/p':>7} {'wall s/p':>8} {'conf':>5} {'RSS MB':>7}")
    tot = {"right": 0, "inferred": 0, "na": 0, "wrong": 0}
    cpu = wall = pages = 0.0
    rss = 0.0
    for i in range(n):
        args = [sys.executable, __file__, "--scan-child", str(seed + i), ("2019", "2021")[i % 2]]
        out = subprocess.run(args, capture_output=True, text=True)
        if out.returncode != 0:
            print(f"scan {seed + i}: failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        c = r["cells"]
        for k in tot:
            tot[k] += c.get(k, 0)
        cpu, wall, pages = cpu + r["cpu_s"], wall + r["wall_s"], pages + r["pages"]
        rss = max(rss, r["rss_mb"])
        print(f"{'scan_%d (%s)' % (r['seed'], r['template']):<24} {r['pages']:>5} {r['status']:<8} "
              f"{c.get('right', 0):>6} {c.get('inferred', 0):>6} {c.get('na', 0):>4} "
              f"{c.get('wrong', 0):>5} {r['cpu_s'] / r['pages']:>7.2f} "
              f"{r['wall_s'] / r['pages']:>8.2f} {r['confidence']:>5.3f} {r['rss_mb']:>7.0f}")
    cells = sum(tot.values()) or 1
    print(f"\nall: {cells} cells, right {100 * (tot['right'] + tot['inferred']) / cells:.2f} % "
          f"(inferred {100 * tot['inferred'] / cells:.2f} %), NA {100 * tot['na'] / cells:.2f} %, "
          f"wrong {100 * tot['wrong'] / cells:.2f} %; {cpu / max(pages, 1):.2f} CPU s and "
          f"{wall / max(pages, 1):.2f} wall s per page on one core; peak RSS {rss:.0f} MB "
          "(targets: >= 98 % right, <= 0.2 % wrong, <= 3 s per page)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--scan", type=int, default=0, metavar="N",
                    help="read N synthetic scanned reports by OCR instead")
    ap.add_argument("--seed", type=int, default=1, help="first seed of --scan")
    ap.add_argument("--scan-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scan_child:
        print(json.dumps(_scan_child(int(args.scan_child[0]), args.scan_child[1])))
        return
    if args.scan:
        scan_benchmark(args.scan, args.seed)
        return
    if args.child:
        print(json.dumps(_run(args.child[0], Path(args.child[1]), args.repeat)))
        return
    pdfs = args.pdfs or sorted((ROOT / "tests" / "fixtures" / "pdf").glob("0*.pdf"))
    methods = args.methods.split(",")
    print(f"{'file':<12} {'method':<12} {'pages':>5} {'ms/page':>8} {'cold ms/p':>9} "
          f"{'py peak MB':>10} {'RSS MB':>7}")
    totals: dict[str, list[float]] = {m: [] for m in methods}
    for pdf in pdfs:
        for m in methods:
            out = subprocess.run([sys.executable, __file__, "--repeat", str(args.repeat),
                                  "--child", m, str(pdf)], capture_output=True, text=True)
            if out.returncode != 0:
                print(f"{pdf.name:<12} {m:<12} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            per_page = r["median_ms"] / r["pages"]
            totals[m].append(per_page)
            print(f"{pdf.name:<12} {m:<12} {r['pages']:>5} {per_page:>8.0f} "
                  f"{r['cold_ms'] / r['pages']:>9.0f} {r['py_peak_mb']:>10.1f} {r['rss_mb']:>7.0f}")
    print()
    for m, v in totals.items():
        if v:
            print(f"{m:<12} mean {statistics.mean(v):6.0f} ms/page   max {max(v):6.0f} ms/page "
                  f"over {len(v)} files (goal for 'report': <= 150)")


if __name__ == "__main__":
    main()
