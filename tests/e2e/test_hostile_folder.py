"""One folder holding every hostile case of the robustness issue beside good reports.

It loads with one row per entry, the good reports' numbers unchanged, within the
per-file timeout and a bounded peak memory (measured in a child process, not raced
against a clock). Each case also has its own regression test (tests/e2e/test_robust_*.py,
tests/unit/test_recognize.py); this test is the issue's "done when" in one place.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from test_robust_pdf import HUGE, ruled_page
from test_robust_text import altchunk_docx

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"
SEEDS = sorted(DATA.glob("0*.txt"))
SEED_003 = DATA / "003_1e9d07bbaba7ae4f.txt"

pytestmark = pytest.mark.slow


def hostile_folder(root: Path) -> tuple[Path, dict[str, str]]:
    """The folder, and the reason expected for each hostile entry (None: read)."""
    folder = root / "reports"
    folder.mkdir()
    for p in SEEDS:
        (folder / p.name).write_bytes(p.read_bytes())
    text = SEED_003.read_text(encoding="utf-8")
    expect: dict[str, str | None] = {}

    def put(name: str, data: bytes, reason: str | None) -> None:
        (folder / name).write_bytes(data)
        expect[name] = reason

    put("appendix_spaces.txt", (text + "\n附" + " " * 4000 + "\n").encode(), None)
    put("tabs.txt", ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量"
                     + "\t" * 1_000_000 + "1\n").encode(), None)
    put("non_number_cell.txt", text.replace("\t0\t", "\t约100\t", 1).encode(), None)
    put("stray_gbk.txt", text.encode().replace("总体情况".encode(), "总体情况".encode("gbk"), 1),
        None)
    cell = '<td rowspan="65534" colspan="1000">x</td>'
    put("span_bomb.html", ("<html><body><table>" + ("<tr>" + cell * 10 + "</tr>") * 70
                           + "</table></body></html>").encode(), "corrupt")
    body = "".join(f"<p>{ln}</p>" for ln in text.splitlines())
    put("unclosed_embed.html", f"<html><body><embed src='x.swf'>{body}</body></html>".encode(), None)
    html = ("<html><head><meta charset='utf-8'></head><body>"
            + "".join(f"<p>{ln}</p>" for ln in text.splitlines()) + "</body></html>").encode()
    put("altchunk.docx", altchunk_docx(html), None)
    put("huge_page.pdf", ruled_page(HUGE), "not_a_report")  # read fast; it holds no report
    (folder / ("bad\udcff.txt" if os.name != "nt" else "bad.txt")).write_bytes(
        text.encode() + b"\n")  # a file name that is not valid UTF-8 (surrogate escape)
    expect["bad\\xff.txt"] = None
    os.mkfifo(folder / "pipe.txt")
    expect["pipe.txt"] = "read_error"
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    expect["dangling.txt"] = "read_error"
    os.symlink(folder / "loop_b.txt", folder / "loop_a.txt")
    os.symlink(folder / "loop_a.txt", folder / "loop_b.txt")
    expect["loop_a.txt"] = expect["loop_b.txt"] = "read_error"
    outside = root / "outside.txt"
    outside.write_bytes(SEED_003.read_bytes())
    os.symlink(outside, folder / "outside_link.txt")
    expect["outside_link.txt"] = "link_not_followed"
    return folder, expect


CHILD = textwrap.dedent("""
    import json, resource, sys
    import gxbg_kit as gx
    c = gx.load_corpus(sys.argv[1], jobs=2, timeout=60, progress=False)
    r = c.reports
    out = {"rows": r[["path", "status", "status_reason"]].astype(str).values.tolist(),
           "apps": c.applications.merge(r[["report_id", "path"]], on="report_id")[
               ["path", "row", "reason", "applicant", "count"]].astype(str).values.tolist(),
           "peak_mb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024}
    print(json.dumps(out))
""")


@pytest.mark.skipif(os.name == "nt", reason="FIFOs and symbolic links")
def test_hostile_folder_loads_every_entry_bounded(tmp_path):
    folder, expect = hostile_folder(tmp_path)
    entries = len(os.listdir(os.fsencode(folder)))
    run = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    rows = pd.DataFrame(got["rows"], columns=["path", "status", "status_reason"]).set_index("path")
    assert len(rows) == entries, rows.to_string()
    for name, reason in expect.items():
        assert name in rows.index, (name, rows.index.tolist())
        if reason is None:
            assert rows.loc[name, "status"] != "failed", (name, rows.loc[name].tolist())
        else:
            assert rows.loc[name, "status_reason"] == reason, (name, rows.loc[name].tolist())
    assert got["peak_mb"] < 2048, got["peak_mb"]
    # the good reports read exactly as they do alone
    import gxbg_kit as gx

    apps = pd.DataFrame(got["apps"], columns=["path", "row", "reason", "applicant", "count"])
    for p in SEEDS:
        alone = gx.read_report(p).applications[["row", "reason", "applicant", "count"]].astype(str)
        mine = apps[apps["path"] == p.name].drop(columns="path")
        assert sorted(map(tuple, mine.values.tolist())) == sorted(map(tuple, alone.values.tolist())), p.name
