"""The shareable dataset Corpus.write makes: Parquet and BOM'd CSV for every table,
datapackage.json (a Frictionless Data Package that validates) and provenance.json;
and environment.yml listing the same dependencies as pyproject.toml."""
import codecs
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.package import read_csv, validate
from gxbg_kit.schema import NARRATIVE_TABLES, TABLES, all_tables

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SEEDS = ("000_a6689a29e53ae8de.txt", "001_9d882d39005c5935.txt", "003_1e9d07bbaba7ae4f.txt")
NINE = ("reports", "applications", "active", "reviews", "sections", "checks",
        "problems", "problem_themes", "tokens")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Three seed reports (with the sample manifest) loaded and written."""
    folder = tmp_path_factory.mktemp("reports")
    for name in SEEDS:
        shutil.copy(DATA / "reports" / name, folder / name)
    shutil.copy(DATA / "manifest.csv", folder / "manifest.csv")
    corpus = gx.load_corpus(folder, jobs=1, progress=False)
    out = tmp_path_factory.mktemp("tables")
    paths = corpus.write(out)
    return corpus, folder, out, paths


def _frames(corpus):
    return {**corpus.tables(), **{n: getattr(corpus, n) for n in NARRATIVE_TABLES}}


def test_every_table_as_parquet_and_csv(written):
    corpus, _, out, paths = written
    names = {p.name for p in paths}
    assert {"datapackage.json", "provenance.json"} <= names
    csvs = {p.stem for p in out.glob("*.csv")}
    assert set(NINE) <= csvs and csvs == {p.stem for p in out.glob("*.parquet")}
    assert csvs == set(_frames(corpus)) and csvs <= set(all_tables())
    assert names == {f"{n}.{ext}" for n in csvs for ext in ("csv", "parquet")} | {
        "datapackage.json", "provenance.json"}
    for name, df in _frames(corpus).items():
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), df)
    assert len(corpus.tokens) and len(corpus.problems)  # the seeds have narrative items


def test_csv_has_a_bom_and_reads_back(written):
    corpus, _, out, _ = written
    raw = (out / "reports.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8 + b"report_id,path,")
    assert "陇西县财政局" in raw.decode("utf-8-sig")
    for name, df in _frames(corpus).items():
        back = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", keep_default_na=False,
                           na_values=[""])
        assert list(back.columns) == list(df.columns) and len(back) == len(df)
        # the same values once typed; an empty string is NA in CSV (Parquet keeps it)
        table = all_tables()[name]
        expected = df.astype(object).where(df.astype(object).ne(""), None)
        pd.testing.assert_frame_equal(read_csv(out / f"{name}.csv"), table.coerce(expected))
    r = read_csv(out / "reports.csv").set_index("path")
    assert r.loc["000_a6689a29e53ae8de.txt", "agency"] == "陇西县财政局"


def test_datapackage_validates_with_frictionless(written):
    pytest.importorskip("frictionless")
    _, _, out, _ = written
    report = validate(out)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(list(out.glob("*.csv")))


def test_frictionless_command_line_validates(written):
    pytest.importorskip("frictionless")
    _, _, out, _ = written
    exe = Path(sys.executable).with_name("frictionless")
    exe = str(exe) if exe.exists() else shutil.which("frictionless")
    if exe is None:
        pytest.skip("the frictionless command is not installed")
    run = subprocess.run([exe, "validate", str(out / "datapackage.json")], capture_output=True,
                         text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "INVALID" not in run.stdout and "VALID" in run.stdout


def test_datapackage_describes_each_table_from_the_dictionary(written):
    _, _, out, _ = written
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    assert "created" not in json.dumps(pkg)  # no timestamp: the same data give the same bytes
    resources = {r["name"]: r for r in pkg["resources"]}
    assert set(resources) == {p.stem for p in out.glob("*.csv")}
    d = gx.dictionary()
    for name, res in resources.items():
        table = all_tables()[name]
        assert res["path"] == f"{name}.csv" and table.zh in res["title"]
        schema = res["schema"]
        assert [f["name"] for f in schema["fields"]] == table.names
        assert schema["primaryKey"] == list(table.key)
        refs = {(tuple(k["fields"]), k["reference"]["resource"]) for k in schema.get("foreignKeys", [])}
        assert (name == "reports") != ((("report_id",), "reports") in refs)
        rows = d[d["table"] == name].set_index("column")
        for f in schema["fields"]:
            col = table.column(f["name"])
            assert f["title"] == rows.loc[f["name"], "zh"] and col.meaning.rstrip(".") in f["description"]
            assert f["type"] == {"string": "string", "category": "string", "Int64": "integer",
                                 "Float64": "number", "boolean": "boolean"}[col.dtype]
            if col.dtype == "category":
                assert f["constraints"]["enum"] == list(col.codes)
        assert res["hash"] == "sha256:" + hashlib.sha256((out / res["path"]).read_bytes()).hexdigest()
    assert (("report_id", "kind", "n"), "problems") in {
        (tuple(k["fields"]), k["reference"]["resource"]) for k in resources["tokens"]["schema"]["foreignKeys"]}


def test_write_is_deterministic(written, tmp_path):
    corpus, _, out, _ = written
    corpus.write(tmp_path)
    assert (tmp_path / "datapackage.json").read_bytes() == (out / "datapackage.json").read_bytes()
    for p in out.glob("*.csv"):
        assert (tmp_path / p.name).read_bytes() == p.read_bytes()


def test_a_broken_csv_does_not_validate(written, tmp_path):
    pytest.importorskip("frictionless")
    _, _, out, _ = written
    for p in out.iterdir():
        shutil.copy(p, tmp_path / p.name)
    reviews = (tmp_path / "reviews.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "reviews.csv").write_text(reviews.replace(",upheld,", ",bogus,", 1),
                                          encoding="utf-8-sig")
    report = validate(tmp_path)
    types = {e[0] for e in report.flatten(["type"])}
    assert not report.valid and "constraint-error" in types and "hash-count" in types


def test_provenance_lists_every_input_with_its_sha256(written):
    corpus, folder, out, paths = written
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert prov["kit"] == {"name": "gxbg_kit", "version": gx.__version__}
    assert prov["created_at"]
    params = prov["parameters"]
    assert params["source"] == str(folder) and params["jobs"] == 1 and params["timeout"] == 120.0
    assert params["manifest"] == str(folder / "manifest.csv")
    assert prov["manifest"]["sha256"] == hashlib.sha256((folder / "manifest.csv").read_bytes()).hexdigest()
    env = prov["environment"]
    assert env["python"] == ".".join(map(str, sys.version_info[:3])) and env["platform"]
    assert env["libraries"]["pandas"] == pd.__version__
    inputs = {i["path"]: i for i in prov["inputs"]}
    assert set(inputs) == set(SEEDS)
    for name in SEEDS:
        sha = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert inputs[name]["sha256"] == sha and inputs[name]["sha256_of"] == "bytes"
        assert inputs[name]["report_id"] == sha[:16]
        assert inputs[name]["size_bytes"] == (folder / name).stat().st_size
    outputs = {o["path"]: o for o in prov["outputs"]}
    assert set(outputs) == {p.name for p in paths} - {"provenance.json"}
    for name, o in outputs.items():
        assert o["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()


def test_provenance_of_a_file_not_read_says_its_path_was_hashed(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(DATA / "reports" / SEEDS[2], folder / "a.txt")
    shutil.copy(DATA / "reports" / SEEDS[0], folder / "big.txt")
    limit = (folder / "a.txt").stat().st_size + 1
    assert (folder / "big.txt").stat().st_size > limit
    corpus = gx.load_corpus(folder, jobs=1, progress=False, max_bytes=limit)
    corpus.write(tmp_path / "out", formats=("parquet",))
    assert not (tmp_path / "out" / "datapackage.json").exists()  # it describes CSV files
    prov = json.loads((tmp_path / "out" / "provenance.json").read_text(encoding="utf-8"))
    inputs = {i["path"]: i for i in prov["inputs"]}
    assert inputs["a.txt"]["sha256_of"] == "bytes" and inputs["big.txt"]["status_reason"] == "too_large"
    assert inputs["big.txt"]["sha256_of"] == "path"
    assert prov["parameters"]["max_bytes"] == limit


def test_dictionary_covers_every_column_of_every_written_table(written):
    _, _, out, _ = written
    d = gx.dictionary()
    for p in out.glob("*.parquet"):
        cols = list(pd.read_parquet(p).columns)
        assert d[d["table"] == p.stem]["column"].tolist() == cols, p.stem
        assert gx.dictionary(p.stem)["column"].tolist() == cols
    assert set(d["table"]) == set(all_tables()) and set(NINE) <= set(d["table"])


# --------------------------------------------------------------------------
# environment.yml and pyproject.toml
# --------------------------------------------------------------------------
def _name(requirement: str) -> tuple[str, list[str]]:
    """(normalized name, extras) of a requirement such as 'dask[distributed]>=2024.1'."""
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[([^\]]*)\])?", requirement)
    norm = lambda s: re.sub(r"[-_.]+", "-", s).lower()  # noqa: E731
    return norm(m.group(1)), [norm(e) for e in (m.group(2) or "").split(",") if e.strip()]


def _pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    names = set()
    for req in reqs:
        name, extras = _name(req)
        if name == _name(project["name"])[0]:
            continue  # gxbg_kit[notebooks]: the extra's own list is read anyway
        # a package's extra is a package of its own on conda-forge (dask[distributed])
        names |= {name, *extras}
    return names


def _environment_names() -> set[str]:
    names, in_deps = set(), False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if re.match(r"^dependencies:\s*$", line):
            in_deps = True
            continue
        if in_deps and re.match(r"^\S", line):
            break
        m = re.match(r"^  - ([^\s:#]+)\s*$", line)  # top-level conda packages, not pip: lists
        if in_deps and m:
            names.add(_name(m.group(1))[0])
    return names - {"python", "pip"}


def test_environment_yml_lists_the_dependencies_of_pyproject():
    env, py = _environment_names(), _pyproject_names()
    assert "frictionless" in py and "frictionless" in env
    assert env - py == set(), f"in environment.yml, not in pyproject.toml: {sorted(env - py)}"
    assert py - env == set(), f"in pyproject.toml, not in environment.yml: {sorted(py - env)}"


def test_a_reports_csv_written_by_0_1_reads_with_its_reason_renamed(tmp_path):
    from gxbg_kit.package import read_csv

    path = tmp_path / "reports.csv"
    pd.DataFrame({"report_id": ["a"], "path": ["a.txt"], "status": ["failed"],
                  "reason": ["empty_file"]}).to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.warns(FutureWarning, match="status_reason"):
        df = read_csv(path, "reports")
    assert df.loc[0, "status_reason"] == "empty_file" and "reason" not in df.columns
