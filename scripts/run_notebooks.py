#!/usr/bin/env python3
"""Execute the notebooks of notebooks/ in place on data/reports, refreshing figures/.

    python scripts/run_notebooks.py [NOTEBOOK ...]                 # the build: in place
    python scripts/run_notebooks.py --data DIR --out DIR [--lang zh|en] [NOTEBOOK ...]

Without options this is the build (``python3 dev.py build``): each committed notebook is
re-executed where it is, with its own parameters, and written back only if every cell ran.
With --data/--out it is ``gxbg notebooks``: copies of the notebooks run on another folder
of reports into DIR (papermill), and nothing in notebooks/, figures/ or build/ is written.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from gxbg_kit import cli
from gxbg_kit.notebooks import execute_in_place, notebook_paths

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 0
    if any(a.startswith("-") for a in argv):  # a run on another folder
        return cli.main(["notebooks", *argv])
    try:
        paths = notebook_paths(ROOT / "notebooks", argv)
    except FileNotFoundError as exc:
        print(f"run_notebooks: error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"executing {os.path.relpath(path, ROOT)}", flush=True)
        execute_in_place(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
