#!/usr/bin/env python3
"""Instructions per report, by layout: a steady measure of parsing cost where timings are noisy.

    python scripts/count_instructions.py                     # text, Markdown and HTML
    python scripts/count_instructions.py --layouts html --n 100

Needs valgrind (``apt-get install valgrind``). For each layout group it runs,
under callgrind, a child that parses ``warm`` files of the synthetic 10k corpus
(seed 2024, made by ``scripts/benchmark.py``'s generator under ``--workdir``) and
then ``n`` more, and a child that parses only the warm-up files; the difference
over ``n`` is the instructions of one report (reading, parsing, checks and the
Arrow batch, as in a worker). The hash seed is fixed, so runs differ by about 1 %.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import GROUPS, ensure_corpus, files_of


def child(files: list[str], warm: int, n: int) -> None:
    from gxbg_kit.parallel import parse_chunk

    tasks = [(f, f, None) for f in files]
    parse_chunk(tasks[:warm], None, None)
    if n:
        parse_chunk(tasks[warm:warm + n], None, None)


def collected(files: list[str], warm: int, n: int) -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(files))
    try:
        env = dict(os.environ, PYTHONHASHSEED="0")
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
             __file__, "--child", fh.name, str(warm), str(n)],
            env=env, capture_output=True, text=True, check=True)
    finally:
        os.unlink(fh.name)
    m = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if not m:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(m.group(1))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        files = Path(sys.argv[2]).read_text().splitlines()
        child(files, int(sys.argv[3]), int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--layouts", default="text,markdown,html",
                    help="layout groups: " + ", ".join(GROUPS))
    ap.add_argument("--n", type=int, default=200, help="reports counted per group")
    ap.add_argument("--warm", type=int, default=50, help="reports parsed first (caches)")
    ap.add_argument("--workdir", default="build/benchmark")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    folder = ensure_corpus(Path(args.workdir), 10_000)
    for group in args.layouts.split(","):
        files = files_of(folder, GROUPS[group])[:args.warm + args.n]
        base = collected(files, args.warm, 0)
        total = collected(files, args.warm, args.n)
        print(f"  {group:9s} {(total - base) / args.n / 1e6:6.2f} M instructions/report "
              f"({args.n} reports after {args.warm} warm-up)", flush=True)


if __name__ == "__main__":
    main()
