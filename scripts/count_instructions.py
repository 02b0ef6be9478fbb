#!/usr/bin/env python3
"""Instructions per report, by layout: a steady measure of parsing cost where timings are noisy.

    python scripts/count_instructions.py                     # text, Markdown and HTML
    python scripts/count_instructions.py --layouts html --n 100
    python scripts/count_instructions.py --against 234bd9a   # and the ratio to that commit

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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import GROUPS, ensure_corpus, files_of


def child(files: list[str], warm: int, n: int) -> None:
    from gxbg_kit.parallel import parse_chunk

    tasks = [(f, f, None) for f in files]
    parse_chunk(tasks[:warm], None, None)
    if n:
        parse_chunk(tasks[warm:warm + n], None, None)


def collected(files: list[str], warm: int, n: int, code: str | None = None) -> int:
    """Instructions of a child parsing ``warm`` + ``n`` files; ``code``: a checkout whose
    gxbg_kit the child imports instead of this one."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(files))
    try:
        env = dict(os.environ, PYTHONHASHSEED="0")
        if code:
            env["PYTHONPATH"] = code
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
    ap.add_argument("--against", metavar="REV",
                    help="also count a git revision's code (a temporary worktree) and print the ratio")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    folder = ensure_corpus(Path(args.workdir), 10_000)
    groups = dict(GROUPS, **{layout: (layout,) for group in GROUPS.values() for layout in group})
    with tempfile.TemporaryDirectory() as tmp:
        old = None
        if args.against:
            old = str(Path(tmp) / "old")
            subprocess.run(["git", "worktree", "add", "--detach", old, args.against],
                           cwd=ROOT, check=True, capture_output=True)
        try:
            for group in args.layouts.split(","):
                files = [str(f) for f in files_of(folder, groups[group])[:args.warm + args.n]]
                per = per_report(files, args.warm, args.n)
                line = f"  {group:9s} {per / 1e6:6.2f} M instructions/report"
                if old:
                    before = per_report(files, args.warm, args.n, old)
                    line += f", {args.against}: {before / 1e6:.2f} M, ratio {per / before:.2f}x"
                print(line + f" ({args.n} reports after {args.warm} warm-up)", flush=True)
        finally:
            if old:
                subprocess.run(["git", "worktree", "remove", "--force", old], cwd=ROOT, check=False,
                               capture_output=True)


def per_report(files: list[str], warm: int, n: int, code: str | None = None) -> float:
    return (collected(files, warm, n, code) - collected(files, warm, 0, code)) / n


if __name__ == "__main__":
    main()
