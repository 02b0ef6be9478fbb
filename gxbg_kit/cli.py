"""Command line: gxbg build data/reports --out build/tables; gxbg notebooks --data DIR --out DIR."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DESCRIPTION = """\
Read Chinese government information-disclosure annual reports (政府信息公开工作年度报告)
into tidy, checked tables.

examples:
  gxbg build data/reports --out build/tables    parse a folder, write Parquet and CSV
  gxbg build data/reports --strict              exit 3 if any file could not be read
  gxbg dictionary applications                  the columns of one table, as CSV
  gxbg notebooks --data mine/ --out run/        run the notebooks on another folder
"""

BUILD_EPILOG = """\
exit status: 0 tables written; 1 nothing written (no such folder, or no file
could be read); 2 wrong arguments; 3 with --strict, tables written but some
files failed. Every file that is not ok (and every manifest row without a file)
is listed in <out>/failures.csv.
"""

NOTEBOOKS_EPILOG = """\
Each notebook is copied to <out> with its parameters cell set (DATA, LANG, FIGURES,
TABLES) and executed there with papermill; figures go to <out>/figures and tables to
<out>/tables. The committed notebooks, figures/ and build/ are never written.
exit status: 0 every notebook ran; 1 a folder is wrong or some notebook failed (its
copy in <out> shows the traceback); 2 wrong arguments.
"""


#: exit status of ``gxbg build --strict`` when some file failed (tables are written)
EXIT_STRICT = 3


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``gxbg: error: …`` (exit 2), no usage dump."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from .data_dictionary import EXTRAS
    from .schema import all_tables

    parser = _Parser(prog="gxbg", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)
    b = sub.add_parser("build", help="parse every report of a folder into tidy Parquet and CSV tables",
                       description="Parse every report of a folder into tidy Parquet and CSV "
                       "tables, and list the files that could not be read.",
                       epilog=BUILD_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("source", help="folder of reports (or a single file)")
    b.add_argument("--out", default="build/tables", help="output folder (default: build/tables)")
    b.add_argument("--manifest", default=None, help="manifest CSV (default: manifest.csv in the "
                   "folder or its parent)")
    b.add_argument("--format", default="parquet,csv", help="comma-separated: parquet,csv")
    b.add_argument("--max-bytes", type=int, default=None, help="report larger files as too_large")
    b.add_argument("--timeout", type=float, default=120.0, help="seconds one file may take (default 120)")
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    b.add_argument("--cache", default=None, help="cache folder: re-runs skip unchanged files")
    b.add_argument("--partitioned", action="store_true",
                   help="also write Hive-partitioned Parquet by year to <out>/dataset")
    b.add_argument("--strict", action="store_true",
                   help=f"exit with status {EXIT_STRICT} if any file failed (tables are still written)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    names = tuple(dict.fromkeys((*all_tables(), *EXTRAS)))
    d = sub.add_parser("dictionary", help="print the data dictionary as CSV",
                       description="Print the data dictionary (every table and column) as CSV, "
                       "or that of one table, or a list of codes.")
    d.add_argument("table", nargs="?", default=None, choices=names, metavar="TABLE",
                   help="one of: " + ", ".join(names) + " (default: every table)")
    _notebooks_parser(sub)
    return parser


def _notebooks_parser(sub) -> None:
    from .notebooks import TIMEOUT

    n = sub.add_parser("notebooks", help="run the notebooks on another folder of reports",
                       description="Execute copies of the curated notebooks on another folder "
                       "of reports, writing them with their figures and tables into an output "
                       "folder.", epilog=NOTEBOOKS_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    n.add_argument("names", nargs="*", metavar="NOTEBOOK",
                   help="notebooks to run: 03, 03_outcome_mixes or a path (default: all)")
    n.add_argument("--data", required=True, help="folder of reports to read")
    n.add_argument("--out", required=True, help="output folder: executed notebooks, "
                   "figures/ and tables/")
    n.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="chart labels (default: the notebook's, zh)")
    n.add_argument("--notebooks", default=None, dest="source", metavar="DIR",
                   help="folder of notebooks to copy (default: notebooks/ of this checkout)")
    n.add_argument("--timeout", type=float, default=TIMEOUT,
                   help=f"seconds one cell may run (default {TIMEOUT:g})")


def main(argv: list[str] | None = None) -> int:
    try:
        status = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        # the reader went away (gxbg dictionary | head -1): stop quietly. Output still
        # buffered would raise again when Python flushes at exit: send it to devnull.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "dictionary":
        from .data_dictionary import dictionary

        dictionary(args.table).to_csv(sys.stdout, index=False)
        return 0
    if args.command == "notebooks":
        return _notebooks(args)
    return _build(args)


def _fail(message: str) -> int:
    print(f"gxbg: error: {message}", file=sys.stderr)
    return 1


def _notebooks(args) -> int:
    from .notebooks import run_copies

    try:
        results = run_copies(args.data, args.out, lang=args.lang, names=args.names,
                             source=args.source, timeout=args.timeout,
                             echo=lambda line: print(line, flush=True))
    except (FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    failed = {name: error for name, error in results.items() if error}
    for name, error in failed.items():
        print(f"gxbg: error: {name}: {error}", file=sys.stderr)
    out = Path(args.out)
    print(f"{len(results) - len(failed)} of {len(results)} notebooks ran; notebooks in {out}, "
          f"figures in {out / 'figures'}, tables in {out / 'tables'}")
    return 1 if failed else 0


def _build(args) -> int:
    from .corpus import load_corpus, nothing_read
    from .read import DEFAULT_MAX_BYTES

    out = Path(args.out)
    try:
        corpus = load_corpus(args.source, manifest=args.manifest,
                             max_bytes=args.max_bytes or DEFAULT_MAX_BYTES, timeout=args.timeout,
                             jobs=args.jobs, cache=args.cache,
                             progress=False if args.quiet else None, allow_empty=True)
    except FileNotFoundError as exc:
        return _fail(str(exc))
    except ValueError as exc:  # a bad manifest
        return _fail(str(exc))
    why = nothing_read(corpus, corpus.root if corpus.root is not None else args.source)
    if why:  # nothing to write but the list of failures
        if len(corpus.reports):
            return _fail(f"{why}; no tables written, each file's message is in "
                         f"{write_failures(corpus, out)}")
        return _fail(why)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    written = corpus.write(out, formats)
    if args.partitioned:
        corpus.write_partitioned(out / "dataset")
    failures = write_failures(corpus, out)
    for line in summary(corpus):
        print(line)
    print(f"{len(corpus.failed_checks())} failed checks; tables written to {out}: "
          + ", ".join(sorted({p.stem for p in written})))
    print(f"every file that is not ok: {failures}")
    n_failed = int((corpus.reports["status"] == "failed").sum())
    if args.strict and n_failed:
        print(f"gxbg: error: --strict: {n_failed} of {len(corpus.reports)} reports failed",
              file=sys.stderr)
        return EXIT_STRICT
    return 0


def summary(corpus) -> list[str]:
    """The lines ``gxbg build`` prints: counts by status, the reasons of the files
    that are not ok (grouped, with counts), duplicates and manifest rows without a file."""
    r = corpus.reports
    lines = [f"{len(r)} reports: " + ", ".join(f"{s} {int((r['status'] == s).sum())}"
                                               for s in ("ok", "partial", "failed"))]
    for status in ("failed", "partial"):
        counts = r.loc[r["status"] == status, "status_reason"].astype(str).value_counts()
        if len(counts):
            lines.append(f"  {status} by reason: "
                         + ", ".join(f"{reason} {n}" for reason, n in counts.items()))
    n_dup = len(corpus.duplicates)
    if n_dup:
        lines.append(f"  {n_dup} duplicate file{'s' if n_dup > 1 else ''} (the same bytes as a "
                     "report; listed in the duplicates table, not in reports)")
    missing = corpus.missing_from_folder
    if missing:
        shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
        lines.append(f"  {len(missing)} manifest row{'s' if len(missing) > 1 else ''} without a "
                     f"file: {shown}")
    return lines


def failures_frame(corpus):
    """Every file that is not ok (path, status, status_reason, message; a copy of a failed
    file too, though it is a row of ``duplicates``, not of ``reports``), then every
    manifest row without a file (status ``missing``, status_reason ``not_in_folder``)."""
    import pandas as pd

    r = corpus._reports_all
    bad = r.loc[r["status"] != "ok", ["path", "status", "status_reason", "message"]].astype("string")
    missing = pd.DataFrame({"path": corpus.missing_from_folder, "status": "missing",
                            "status_reason": "not_in_folder",
                            "message": "listed in the manifest, but no such file in the folder"},
                           columns=["path", "status", "status_reason", "message"]).astype("string")
    return pd.concat([bad, missing], ignore_index=True)


def write_failures(corpus, out: Path) -> Path:
    """``<out>/failures.csv`` (UTF-8 with a byte-order mark, for Excel): :func:`failures_frame`."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "failures.csv"
    failures_frame(corpus).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
