from pathlib import Path

import pandas as pd
import pytest

from gxbg_kit.cli import main

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"
N_FILES = sum(1 for p in DATA.iterdir() if p.is_file() and not p.name.startswith("."))


def test_build_writes_every_table(tmp_path, capsys):
    assert main(["build", str(DATA), "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"{N_FILES} reports: ok " in out and ", failed 0" in out
    for name in ("reports", "applications", "active", "reviews", "sections", "checks"):
        assert (tmp_path / f"{name}.parquet").exists() and (tmp_path / f"{name}.csv").exists()
    assert len(pd.read_parquet(tmp_path / "reports.parquet")) == N_FILES


def test_dictionary_command(capsys):
    assert main(["dictionary", "reviews"]) == 0
    assert "proceeding" in capsys.readouterr().out


def test_build_with_cache_and_partitioned_dataset(tmp_path, capsys):
    args = ["build", str(DATA), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "1",
            "--cache", str(tmp_path / "cache"), "--partitioned"]
    assert main(args) == 0 and main(args) == 0  # second run from the cache
    assert (tmp_path / "cache" / "index.json").exists()
    assert (tmp_path / "out" / "dataset" / "applications" / "year=2022").is_dir()
    out = capsys.readouterr().out
    summary = [line for line in out.splitlines() if line.startswith(f"{N_FILES} reports: ok ")]
    assert len(summary) == 2 and summary[0] == summary[1] and ", failed 0" in summary[0]


def test_notebooks_command_refuses_wrong_folders(tmp_path, capsys):
    assert main(["notebooks", "--data", str(DATA.parent / "reportz"), "--out", str(tmp_path)]) == 1
    assert "no such data folder" in capsys.readouterr().err
    notebooks = DATA.parents[1] / "notebooks"
    assert main(["notebooks", "--data", str(DATA), "--out", str(notebooks / "run")]) == 1
    assert "is inside" in capsys.readouterr().err and not (notebooks / "run").exists()
    assert main(["notebooks", "--data", str(DATA), "--out", str(tmp_path), "99"]) == 1
    assert "no notebook '99'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["notebooks", "--data", str(DATA)])
    assert exc.value.code == 2 and "--out" in capsys.readouterr().err
