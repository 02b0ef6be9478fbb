"""Helpers shared by test_pdf.py and test_docx.py (expected rows from the fixture maker)."""
from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SEED_TEXTS = {p.name[:3]: p for p in (ROOT / "data" / "reports").glob("*.txt")}
HEADING = re.compile(r"^\s*([一二三四五六]、|[1-3]、|附[:：])")


@cache
def maker():
    """scripts/make_fixtures.py as a module (it imports only the standard library at load)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_name(short: str) -> str:
    return SEED_TEXTS[short].stem


def _squash(s: str) -> str:
    return re.sub(r"\s", "", s)


def expected_headings(short: str) -> list[str]:
    """The seed's section headings (short lines starting 一、 … 六、, 1、 … 3、, 附：)."""
    out = []
    for blk, val in maker().seed_blocks(seed_name(short)):
        if blk == "p" and HEADING.match(val) and len(val) < 40:
            out.append(_squash(val))
    return out


def expected_rows(short: str) -> list[list[str]]:
    """Every row of the fixture's three tables as the fixture maker laid them out."""
    m = maker()
    name = seed_name(short)
    m.seed_blocks(name)
    seed = m.SEEDS[name]
    rows = []
    for grid, _merges, _h in (m.active_grid(seed["active"]), m.apps_grid(seed), m.reviews_grid(seed)):
        rows += grid
    return [[_squash(c) for c in r] for r in rows]


def text_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def table_rows(text: str) -> list[list[str]]:
    return [[_squash(c) for c in ln.split("\t")] for ln in text.splitlines() if "\t" in ln]


def assert_headings(text: str, short: str) -> None:
    lines = {_squash(ln) for ln in text_lines(text)}
    missing = [h for h in expected_headings(short) if h not in lines]
    assert not missing, f"headings not found as lines: {missing}"


_NUM = re.compile(r"^[增减+-]?\d[\d,.]*(万元)?$")


def assert_rows(text: str, short: str, *, unruled: bool = False) -> None:
    """Each expected table row is one tab-separated line with its cells in the right columns.

    ``unruled``: a table without ruling lines has no column grid; then each row with
    numbers must be a line ending in its label and its numbers (blank cells dropped).
    """
    got = table_rows(text)
    if not unruled:
        missing = [r for r in expected_rows(short) if any(r) and r not in got]
    else:
        ends = set()
        for cells in got:
            cells = [c for c in cells if c]
            for k in range(len(cells)):
                ends.add(tuple(cells[k:]))
        missing = []
        for r in expected_rows(short):
            cells = [c for c in r if c]
            nums = [c for c in cells if _NUM.match(c)]
            if not nums:
                continue
            labels = [c for c in cells if not _NUM.match(c)]
            tail = tuple(labels[-1:] + nums)
            if tail not in ends:
                missing.append(tail)
    assert not missing, f"{len(missing)} table rows not found, e.g. {missing[:3]}"


def frames(rep) -> dict:
    """A report's applications, active and reviews frames without report_id and raw."""
    out = {}
    for name in ("applications", "active", "reviews"):
        df = getattr(rep, name)
        out[name] = df.drop(columns=[c for c in ("report_id", "raw") if c in df.columns]) \
            .reset_index(drop=True)
    return out


def prose(rep) -> dict:
    """The prose sections of a report (一 总体情况, 五 problems, 六 other), white space removed."""
    return {name: _squash(rep.section(name) or "") for name in ("overview", "problems", "other")}
