"""Running the notebooks: copies on another folder (papermill) never write the checkout;
the in-place build gives the same bytes twice."""
import hashlib
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from gxbg_kit.cli import main
from gxbg_kit.notebooks import check_folders, execute_in_place, notebook_paths, run_copies
from gxbg_kit.synth import write_corpus

ROOT = Path(__file__).resolve().parents[2]

# the shape of the curated notebooks' parameters cell
PARAMETERS_CELL = '''import os
DATA = "../data/reports"
LANG = "zh"
FIGURES = os.environ.get("GXBG_FIGURES", "../figures")
TABLES = os.environ.get("GXBG_TABLES", "../build/tables")'''

BODY = '''import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import gxbg_kit as gx
gx.set_language(LANG)
corpus = gx.load_corpus(DATA, progress=False, jobs=1)
print(len(corpus.reports), "reports, labels", LANG)
fig, ax = plt.subplots()
ax.bar(range(len(corpus.reports)), 1)
gx.save_figure(fig, "n_reports", notebook="00_tiny", data=corpus.reports, outdir=FIGURES,
               formats=("png",))
plt.close(fig)
written = corpus.write(TABLES)'''


def _notebook(path: Path, *cells: str, parameters: bool = True) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(PARAMETERS_CELL, metadata={"tags": ["parameters"]}
                                          if parameters else {})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _reports(folder: Path, n: int = 2) -> Path:
    write_corpus(folder, n, seed=3, defect_share=0.0, truth_folder=folder.parent / f"{folder.name}_truth")
    return folder


def _hashes(*folders: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def _printed(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


# what the build's determinism depends on is the runner, not the kit: a light body
WRITES = '''from pathlib import Path
Path(FIGURES).mkdir(parents=True, exist_ok=True)
Path(FIGURES, "out.txt").write_text(DATA)
print("labels", LANG)'''


def test_copies_run_on_another_folder_and_leave_the_checkout_untouched(tmp_path, monkeypatch, capsys):
    checkout = tmp_path / "checkout"
    _notebook(checkout / "notebooks" / "00_tiny.ipynb", BODY)
    _notebook(checkout / "notebooks" / "01_fails.ipynb", 'raise RuntimeError("boom")')
    _reports(checkout / "data" / "reports", 1)
    data = _reports(tmp_path / "mine", 2)
    monkeypatch.setenv("GXBG_FIGURES", str(tmp_path / "stray"))  # the injected FIGURES wins
    before = _hashes(checkout)
    out = tmp_path / "out"
    status = main(["notebooks", "--data", str(data), "--out", str(out), "--lang", "en",
                   "--notebooks", str(checkout / "notebooks")])
    captured = capsys.readouterr()
    assert status == 1 and "1 of 2 notebooks ran" in captured.out
    assert re.search(r"01_fails.ipynb: cell \[\d+\] raised RuntimeError: boom", captured.err)
    assert _hashes(checkout) == before and not (tmp_path / "stray").exists()
    executed = nbformat.read(out / "00_tiny.ipynb", as_version=4)
    assert "2 reports, labels en" in _printed(executed)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and f'DATA = "{data}"' in injected[0].source
    assert (out / "figures" / "n_reports.png").exists()
    assert len(pd.read_parquet(out / "tables" / "reports.parquet")) == 2
    assert (out / "01_fails.ipynb").exists()  # the failed copy, with its traceback


def test_in_place_build_is_byte_stable_and_ignores_output_variables(tmp_path, monkeypatch):
    path = _notebook(tmp_path / "checkout" / "notebooks" / "00_tiny.ipynb", WRITES)
    monkeypatch.setenv("GXBG_FIGURES", str(tmp_path / "stray"))
    execute_in_place(path)
    first = path.read_bytes()
    execute_in_place(path)
    assert path.read_bytes() == first
    nb = nbformat.read(path, as_version=4)
    assert "labels zh" in _printed(nb)
    assert not any("execution" in c.metadata or "papermill" in c.metadata for c in nb.cells)
    assert "papermill" not in nb.metadata
    # the kernel ran in the notebook's folder, without the nbval output variable
    assert (tmp_path / "checkout" / "figures" / "out.txt").read_text() == "../data/reports"
    assert not (tmp_path / "stray").exists()


def test_wrong_folders_are_refused_before_anything_runs(tmp_path):
    data = _reports(tmp_path / "reports", 1)
    source = ROOT / "notebooks"
    with pytest.raises(FileNotFoundError, match="no such data folder.*did you mean reports"):
        check_folders(tmp_path / "reportz", tmp_path / "out")
    with pytest.raises(ValueError, match="not a file"):
        check_folders(next(data.glob("*.txt")), tmp_path / "out")
    for out in (source / "run", ROOT, ROOT / "figures" / "mine", ROOT / "build" / "x"):
        with pytest.raises(ValueError, match="committed notebooks"):
            check_folders(data, out, source)
    with pytest.raises(ValueError, match="inside the data folder"):
        check_folders(data, data / "out", source)
    assert check_folders(data, tmp_path / "out", source) == (data.resolve(), (tmp_path / "out").resolve())


def test_a_notebook_without_a_parameters_cell_is_not_run(tmp_path):
    source = tmp_path / "notebooks"
    _notebook(source / "00_tiny.ipynb", BODY, parameters=False)
    with pytest.raises(ValueError, match="no cell tagged 'parameters' assigning DATA, LANG"):
        run_copies(_reports(tmp_path / "reports", 1), tmp_path / "out", source=source)
    assert not (tmp_path / "out").exists()


def test_notebooks_are_chosen_by_number_or_name(tmp_path):
    for name in ("01_a", "02_b"):
        _notebook(tmp_path / f"{name}.ipynb", "1")
    assert [p.stem for p in notebook_paths(tmp_path)] == ["01_a", "02_b"]
    assert [p.stem for p in notebook_paths(tmp_path, ["02", "01_a.ipynb", "01_a"])] == ["02_b", "01_a", "01_a"]
    with pytest.raises(FileNotFoundError, match="there are 01_a, 02_b"):
        notebook_paths(tmp_path, ["03"])


def test_the_committed_notebooks_take_every_parameter():
    from gxbg_kit.notebooks import missing_parameters

    paths = notebook_paths()
    assert paths and all(missing_parameters(p) == [] for p in paths)


@pytest.mark.slow
def test_a_real_notebook_on_another_folder_leaves_the_repository_untouched(tmp_path):
    data = _reports(tmp_path / "reports", 2)
    before = _hashes(ROOT / "notebooks", ROOT / "figures")
    out = tmp_path / "out"
    assert main(["notebooks", "--data", str(data), "--out", str(out), "01"]) == 0
    assert _hashes(ROOT / "notebooks", ROOT / "figures") == before
    executed = nbformat.read(out / "01_quickstart.ipynb", as_version=4)
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")
    assert len(pd.read_parquet(out / "tables" / "reports.parquet")) == 2
