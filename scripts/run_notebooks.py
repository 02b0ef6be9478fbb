#!/usr/bin/env python3
"""Execute every notebook in notebooks/ in place, refreshing figures/.

    python scripts/run_notebooks.py [--data DIR] [--lang zh|en] [--figures DIR] [NOTEBOOK ...]

The options become the GXBG_* environment variables the notebooks' parameter
cells read, so the same notebooks run on another corpus.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:  # keep committed notebooks free of run-specific metadata
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--data", help="folder of reports (default ../data/reports)")
    ap.add_argument("--lang", choices=["zh", "en"], help="chart labels")
    ap.add_argument("--figures", help="output folder for figures (default ../figures)")
    ap.add_argument("--tables", help="output folder for tidy tables (default ../build/tables)")
    args = ap.parse_args(argv)
    for opt, var in (("data", "GXBG_DATA"), ("lang", "GXBG_LANG"), ("figures", "GXBG_FIGURES"),
                     ("tables", "GXBG_TABLES")):
        value = getattr(args, opt)
        if value:
            os.environ[var] = str(Path(value).resolve()) if opt != "lang" else value
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for path in paths:
        print(f"executing {path.relative_to(ROOT) if path.is_absolute() else path}", flush=True)
        run(path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
