from pathlib import Path

import pandas as pd

from gxbg_kit.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "reports"


def test_build_writes_every_table(tmp_path, capsys):
    assert main(["build", str(DATA), "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 reports: ok 3, partial 2, failed 0" in out
    for name in ("reports", "applications", "active", "reviews", "sections", "checks"):
        assert (tmp_path / f"{name}.parquet").exists() and (tmp_path / f"{name}.csv").exists()
    assert len(pd.read_parquet(tmp_path / "reports.parquet")) == 5


def test_dictionary_command(capsys):
    assert main(["dictionary", "reviews"]) == 0
    assert "proceeding" in capsys.readouterr().out


def test_build_with_cache_and_partitioned_dataset(tmp_path, capsys):
    args = ["build", str(DATA), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "1",
            "--cache", str(tmp_path / "cache"), "--partitioned"]
    assert main(args) == 0 and main(args) == 0  # second run from the cache
    assert (tmp_path / "cache" / "index.json").exists()
    assert (tmp_path / "out" / "dataset" / "applications" / "year=2022").is_dir()
    assert capsys.readouterr().out.count("5 reports: ok 3, partial 2, failed 0") == 2
