"""Broken and hostile input never crashes a batch, loses a file or reaches the network."""
import socket
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gxbg_kit as gx
from gxbg_kit.schema import REASONS, STATUSES, TABLES

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
FUZZ = settings(max_examples=1500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FRAMES = settings(FUZZ, max_examples=40)


def codes(table, column):
    return set(TABLES[table].column(column).codes)


def assert_record_invariants(rep):
    """Cheap invariants on a report's records (run on thousands of examples)."""
    rec = rep.records
    assert len(rec["reports"]) == 1
    info = rec["reports"][0]
    assert info.status in STATUSES and info.status_reason in REASONS and info.message
    for a in rec["applications"]:
        assert a.row in codes("applications", "row") and a.applicant in codes("applications", "applicant")
        assert a.reason is None or a.reason in codes("applications", "reason")
        assert a.count is None or (isinstance(a.count, int) and a.count >= 0)
        if a.raw is None or not a.raw.strip():
            assert a.count is None  # nothing invented: no printed text, no number
    for r in rec["reviews"]:
        assert r.count is None or r.count >= 0
        if r.raw is None or not r.raw.strip():
            assert r.count is None
    if info.status != "failed":
        assert len(rec["reviews"]) == 15
    for c in rec["checks"]:
        assert c.check in codes("checks", "check") and c.ok in (True, False, None)


def assert_invariants(rep):
    info = rep.info
    assert len(info) == 1
    status, reason = info["status"].iloc[0], info["status_reason"].iloc[0]
    assert status in STATUSES and reason in REASONS
    assert isinstance(info["message"].iloc[0], str) and info["message"].iloc[0]
    for name in ("applications", "active", "reviews", "sections", "checks"):
        df = getattr(rep, name)
        TABLES[name].validate(df)
    apps = rep.applications
    assert (apps["count"].dropna() >= 0).all()
    if status != "failed":
        assert len(rep.reviews) == 15
    # nothing invented: a cell with no printed text has no count
    assert apps.loc[apps["raw"].isna() | (apps["raw"].str.strip() == ""), "count"].isna().all()


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes(data):
    assert_record_invariants(gx.read_report(data, name="random.txt"))


def mutate(text: str, ops: list, rnd: st.DataObject) -> str:
    lines = text.split("\n")
    for op in ops:
        if not lines:
            break
        i = rnd.draw(st.integers(0, len(lines) - 1))
        if op == "truncate":
            lines = lines[:i]
        elif op == "drop_line":
            del lines[i]
        elif op == "swap_cells":
            cells = lines[i].split("\t")
            if len(cells) > 2:
                j = rnd.draw(st.integers(0, len(cells) - 2))
                cells[j], cells[j + 1] = cells[j + 1], cells[j]
                lines[i] = "\t".join(cells)
        elif op == "garble":
            lines[i] = lines[i].replace("0", "?").replace("1", "(cid:17)")
        elif op == "inject_html":
            lines[i] = "<script>fetch('http://example.invalid/x')</script><b>" + lines[i] + "</b>"
        elif op == "blank_cells":
            lines[i] = "\t".join("" if c.strip().isdigit() else c for c in lines[i].split("\t"))
    return "\n".join(lines)


MUTATIONS = (st.sampled_from(range(len(SEEDS))),
             st.lists(st.sampled_from(["truncate", "drop_line", "swap_cells", "garble",
                                       "inject_html", "blank_cells"]), min_size=1, max_size=4),
             st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]),
             st.data())


@FUZZ
@given(*MUTATIONS)
def test_mutated_real_reports(seed, ops, encoding, rnd):
    text = mutate(SEEDS[seed], ops, rnd)
    assert_record_invariants(gx.read_report(text.encode(encoding), name="mutated.txt"))


@FRAMES
@given(st.sampled_from(range(len(SEEDS))),
       st.lists(st.sampled_from(["truncate", "drop_line", "swap_cells", "garble", "inject_html",
                                 "blank_cells"]), min_size=1, max_size=4),
       st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]),
       st.data())
def test_mutated_real_reports_frames_validate(seed, ops, encoding, rnd):
    text = mutate(SEEDS[seed], ops, rnd)
    assert_invariants(gx.read_report(text.encode(encoding), name="mutated.txt"))


def test_garbled_cells_are_na_with_a_check_naming_the_cell():
    text = SEEDS[3].replace("行政许可\t9", "行政许可\t(cid:12)")
    text = text.replace("一、本年新收政府信息公开申请数量\t\t0\t0", "一、本年新收政府信息公开申请数量\t\t???\t0")
    rep = gx.read_report(text.encode(), name="garbled.txt")
    a = rep.active.set_index(["item", "measure"])
    assert pd.isna(a.loc[("licensing", "decisions"), "value"])
    apps = rep.applications.set_index(["row", "applicant"])
    assert pd.isna(apps.loc[("received", "natural_person"), "count"])
    assert apps.loc[("received", "business"), "count"] == 0  # nothing shifted
    bad = rep.checks[rep.checks["check"] == "unreadable_cell"]
    assert set(bad["detail"]) == {"active licensing/decisions: cannot read '(cid:12)'",
                                  "applications received/-/natural_person: cannot read '???'"}


def test_parsing_never_opens_a_socket(monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("the parser tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    page = ("<html><head><link rel=stylesheet href='http://example.invalid/a.css'>"
            "<script src='http://example.invalid/a.js'></script></head><body>"
            "<img src='http://example.invalid/a.png'><iframe src='http://example.invalid/'></iframe>"
            "<p>一、总体情况</p><p>本年度共收到申请0件。</p></body></html>")
    rep = gx.read_report(page.encode(), name="page.html")
    assert rep.document.source_format == "html"
    assert_invariants(rep)


def test_batch_of_hostile_files_never_loses_one(tmp_path):
    files = {"empty.txt": b"", "nul.txt": b"\x00" * 100, "bom_only.txt": b"\xef\xbb\xbf",
             "bad_utf16.txt": b"\xff\xfe\x00\xd8", "page.html": b"<html><body></body></html>",
             "latin.txt": "café".encode("latin-1") * 10, "ok.txt": SEEDS[3].encode()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    c = gx.load_corpus(tmp_path, progress=False)
    assert sorted(c.reports["path"]) == sorted(files)
    assert c.reports.set_index("path").loc["ok.txt", "status"] == "ok"
    assert c.reports["status_reason"].notna().all() and c.reports["message"].notna().all()
