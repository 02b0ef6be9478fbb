#!/usr/bin/env python3
"""Write docs/dictionary.md from gxbg_kit.schema (the one definition of every table).

    python scripts/make_docs.py          # rewrite the file
    python scripts/make_docs.py --check  # exit 1 if the file is out of date
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "dictionary.md"


def render() -> str:
    from gxbg_kit.schema import CHECKS, REASONS, RENAMED, all_tables

    out = ["# Data dictionary", "",
           "Generated from `gxbg_kit/schema.py` by `scripts/make_docs.py`. Every field is defined "
           "once there (`FIELDS`); each table lists its fields by name (and may narrow a field's "
           "codes). The same definitions give the dtypes, the pandera schemas, the record type "
           "of each table and `gx.dictionary()` (`gx.dictionary(\"fields\")`: each field once, "
           "with the tables that use it).", ""]
    for t in all_tables().values():
        out += [f"## `{t.name}` — {t.zh}", "", t.meaning + ".", "",
                f"Key: {', '.join(f'`{k}`' for k in t.key) or '—'}.", "",
                "| column | 中文 | English | dtype | unit | meaning |", "|---|---|---|---|---|---|"]
        for c in t.columns:
            out.append(f"| `{c.name}` | {c.zh} | {c.en} | {c.dtype} | {c.unit or ''} | {c.meaning} |")
        for c in t.columns:
            if c.codes:
                out += ["", f"Codes of `{c.name}`:", ""]
                out += [f"- `{k}`: {v}" for k, v in c.codes.items()]
        out.append("")
    out += ["## Renamed fields", "",
            "The kit still takes the old name, with a FutureWarning, where it is given a frame "
            "(the CSV tables of a data package written by 0.1, read with `package.read_csv`) or a column name (`by=`).", "",
            "| table | old name | new name | since |", "|---|---|---|---|"]
    out += [f"| `{t}` | `{old}` | `{new}` | {since} |" for (t, old), (new, since) in RENAMED.items()]
    out += ["", "## Status reasons", ""] + [f"- `{k}`: {v}" for k, v in REASONS.items()]
    out += ["", "## Checks", ""] + [f"- `{k}`: {v}" for k, v in CHECKS.items()]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        ok = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
        print("docs/dictionary.md is up to date" if ok else "docs/dictionary.md is out of date: "
              "run python scripts/make_docs.py")
        return 0 if ok else 1
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
