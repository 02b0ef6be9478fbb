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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
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
