#!/usr/bin/env python3
"""Set up and run gxbg_kit's two jobs with nothing but Python 3.11+ and pip.

    python3 dev.py build   # set up if needed, rebuild tidy tables, notebooks and figures from data/
    python3 dev.py test    # set up if needed, run the whole test suite (what CI runs)

Set-up makes a virtual environment in .venv and installs the package with its
development extras; it is redone only when pyproject.toml changes.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("GXBG_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"gxbg_kit needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    if not PY.exists():
        print(f"+ creating virtual environment {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def build() -> None:
    run(PY, "-m", "gxbg_kit", "build", "data/reports", "--out", "build/tables", "--quiet")
    notebooks = ROOT / "scripts" / "run_notebooks.py"
    if notebooks.exists():
        run(PY, notebooks)


def test(extra: list[str]) -> None:
    run(PY, "-m", "pytest", *extra)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("build", "test", "setup"):
        sys.exit(__doc__)
    setup()
    if argv[0] == "build":
        build()
    elif argv[0] == "test":
        test(argv[1:])


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
