"""Jupyter feedback: the progress bar of load_corpus (where it shows, and that it leaves
nothing behind) and the reprs of failed reports."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import gxbg_kit as gx
from gxbg_kit import progress

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "reports" / "003_1e9d07bbaba7ae4f.txt"


class FakeKernel:
    def __init__(self, allow_stdin):
        self._allow_stdin = allow_stdin


@pytest.fixture
def kernel(monkeypatch):
    """Pretend to run in an IPython kernel whose cell was sent with allow_stdin."""
    def use(allow_stdin):
        monkeypatch.setattr(progress, "_kernel", lambda: FakeKernel(allow_stdin))
    monkeypatch.delenv(progress.ENV, raising=False)
    return use


@pytest.mark.parametrize("allow_stdin, total, env, want", [
    (True, 40, None, True),       # a JupyterLab cell, a real corpus
    (False, 40, None, False),     # nbval / papermill / nbconvert
    (False, 40, "1", False),      # forcing on never reaches a runner's outputs
    (True, 3, None, False),       # tiny corpus
    (True, 3, "1", True),
    (True, 40, "0", False),
    (True, 40, "off", False),
])
def test_bar_shows_in_watched_cells_only(kernel, monkeypatch, allow_stdin, total, env, want):
    kernel(allow_stdin)
    if env is not None:
        monkeypatch.setenv(progress.ENV, env)
    assert progress.shown(total, None) is want
    assert isinstance(progress.progress_bar(total, False), progress.NoBar)


def test_terminal_and_scripts(monkeypatch):
    monkeypatch.setattr(progress, "_kernel", lambda: None)
    monkeypatch.delenv(progress.ENV, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress.shown(100, None)   # a script, a pipe, CI
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress.shown(100, None) and not progress.shown(2, None)


def test_widget_bar_is_removed_when_done(kernel, capsys):
    pytest.importorskip("ipywidgets")
    kernel(True)
    bar = progress.progress_bar(12, None)
    from tqdm.notebook import tqdm as notebook_tqdm

    assert isinstance(bar, notebook_tqdm) and bar.leave is False
    bar.update(12)
    bar.close()
    assert bar.container.layout.visibility == "hidden"
    assert capsys.readouterr().err == ""


def test_plain_line_without_widgets_updates_in_place_and_empties(kernel, monkeypatch):
    kernel(True)
    monkeypatch.setattr(progress, "_has_widgets", lambda: False)
    shown = []

    class Handle:
        def update(self, bundle, raw):
            shown.append(bundle["text/plain"])

    import IPython.display

    monkeypatch.setattr(IPython.display, "display",
                        lambda bundle, raw, display_id: shown.append(bundle["text/plain"])
                        or Handle())
    bar = progress.progress_bar(10, None)
    assert isinstance(bar, progress.LineBar)
    for _ in range(10):
        bar.update(1)
    bar.close()
    assert shown[0] == "reports: 0/10 files"
    assert "reports: 10/10 files" in shown and all("\n" not in s for s in shown)
    assert shown[-1] == ""  # nothing left behind


def _run_in_kernel(code: str, allow_stdin: bool) -> list[dict]:
    """Run ``code`` in a fresh IPython kernel as a front end (allow_stdin=True) or as
    nbval and papermill do (False); return its output messages."""
    jupyter_client = pytest.importorskip("jupyter_client")
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        outputs = []
        msg_id = kc.execute(code, allow_stdin=allow_stdin)
        while True:
            msg = kc.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return outputs
            if msg["msg_type"] in ("stream", "display_data", "update_display_data", "error",
                                   "execute_result"):
                outputs.append(msg)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("twelve")
    for i in range(12):
        (d / f"r{i:02d}.txt").write_bytes(SEED.read_bytes() + f"\n{i}\n".encode())  # distinct bytes
    return d


@pytest.mark.slow
@pytest.mark.parametrize("allow_stdin", [False, True], ids=["nbval", "jupyterlab"])
def test_load_corpus_in_a_real_kernel(folder, allow_stdin):
    code = ("import os; os.environ.pop('GXBG_PROGRESS', None)\n"
            f"import gxbg_kit as gx; c = gx.load_corpus({str(folder)!r}, jobs=1)\n"
            "print(len(c.reports))")
    out = _run_in_kernel(code, allow_stdin)
    assert not [m for m in out if m["msg_type"] == "error"], out
    assert not [m for m in out if m["msg_type"] == "stream"
                and m["content"]["name"] == "stderr"], out  # no pink box
    printed = [m["content"]["text"] for m in out if m["msg_type"] == "stream"]
    assert printed == ["12\n"]
    displays = [m for m in out if m["msg_type"] == "display_data"]
    if not allow_stdin:
        assert displays == []  # an executed notebook holds no bar
    else:
        assert displays, "a front end's cell shows the bar"


def test_failed_report_repr_says_what_to_do(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not a zip")
    shutil.copy(SEED, tmp_path / "good.txt")
    rep = gx.read_report(tmp_path / "bad.docx")
    status, reason, message = rep.status_reason
    assert status == "failed" and message
    assert message in repr(rep) and reason in repr(rep)
    assert message in rep._repr_html_()
    c = gx.load_corpus(tmp_path, jobs=1, progress=False)
    assert f"failed: bad.docx; {reason}: {message}" not in repr(c)
    assert f"failed: bad.docx: {reason}: {message}" in repr(c)
    assert message in c._repr_html_()


def test_corpus_repr_lists_a_few_failures_then_says_where_the_rest_are(tmp_path):
    shutil.copy(SEED, tmp_path / "good.txt")
    for i in range(7):
        (tmp_path / f"bad{i}.docx").write_bytes(b"PK\x03\x04 not a zip" + bytes([i]))
    text = repr(gx.load_corpus(tmp_path, jobs=1, progress=False))
    assert text.count("corrupt_archive:") == 5
    assert "2 more: corpus.reports[corpus.reports.status == 'failed']" in text
