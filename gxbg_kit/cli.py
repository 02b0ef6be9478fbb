"""Command line: ``gxbg build data/reports --out build/tables``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gxbg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="parse every report of a folder into tidy Parquet and CSV tables")
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
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    d = sub.add_parser("dictionary", help="print the data dictionary as CSV")
    d.add_argument("table", nargs="?", default=None)
    args = parser.parse_args(argv)

    if args.command == "dictionary":
        from .schema import dictionary

        dictionary(args.table).to_csv(sys.stdout, index=False)
        return 0

    from .corpus import load_corpus
    from .read import DEFAULT_MAX_BYTES

    corpus = load_corpus(args.source, manifest=args.manifest,
                         max_bytes=args.max_bytes or DEFAULT_MAX_BYTES, timeout=args.timeout,
                         jobs=args.jobs, cache=args.cache, progress=False if args.quiet else None)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    written = corpus.write(args.out, formats)
    if args.partitioned:
        corpus.write_partitioned(Path(args.out) / "dataset")
    r = corpus.reports
    print(f"{len(r)} reports: " + ", ".join(f"{s} {int((r['status'] == s).sum())}"
                                            for s in ("ok", "partial", "failed")))
    for row in r[r["status"] != "ok"].itertuples():
        print(f"  {row.path}: {row.status} ({row.reason}) {row.message}")
    print(f"{len(corpus.failed_checks())} failed checks; tables written to {Path(args.out)}: "
          + ", ".join(sorted({p.stem for p in written})))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
