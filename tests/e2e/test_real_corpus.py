"""The real corpus against values read off it by hand.

``data/reports/`` holds 17 real annual reports taken from a shared corpus (see the
``origin`` column of ``data/manifest.csv``): 9 web pages of 平潭综合实验区财政金融局
(``pingtan_czj_<year>.txt``, 2017-2025), 7 of 平潭综合实验区海坛片区管理局
(``pingtan_htp_<year>.txt``, 2019-2025) and the PDF of 淮安市洪泽区人民政府 for 2023
(``huaian_hongze_2023.pdf``). The web pages are crawler dumps whose tables were
flattened into one line, so cell boundaries are often lost (``数量120301016``).

For every report with statutory tables (templates 2019 and 2021) a project engineer
read every table value by hand into ``tests/truth/<file stem>.csv``: columns
``table,key1,key2,key3,value,note`` where

* table ``applications``: key1 row code, key2 reason code (empty for rows without
  sub-reasons), key3 applicant code;
* table ``active``: key1 item code, key2 measure code (money in 万元);
* table ``reviews``: key1 proceeding code, key2 result code.

``value`` is the number, or ``NA`` where the printed text admits more than one reading
(the candidates are in ``note``). Where the published table itself breaks an identity
of the template, the values are kept as printed and ``note`` says so. See
``tests/truth/README.md``.

Each truth cell must match the parsed report: a known value must be parsed to that
value, and a truth ``NA`` must be NA in the parsed frame too, since a guessed number
is worse than a missing one. Cells that are not in the truth file (rows the report
does not print) are not checked. The two pre-2019 reports (czj 2017, 2018) have no
statutory tables, so no template number may be produced for them. Every report's year
must equal the manifest's.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.testing import assert_frames_match

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "data" / "reports"
MANIFEST = ROOT / "data" / "manifest.csv"
TRUTH = ROOT / "tests" / "truth"

#: truth files of the tables (long form); other truth files (the narrative's) are not
TRUTH_STEMS = sorted(p.stem for p in TRUTH.glob("*.csv")
                     if p.read_text(encoding="utf-8").startswith("table,key1,key2,key3,value"))
#: The pre-2019 reports: narrative and a short 附表 only, no statutory tables.
OLDER_STEMS = ["pingtan_czj_2017", "pingtan_czj_2018"]
ALL_STEMS = sorted(TRUTH_STEMS + OLDER_STEMS)

#: table -> (key columns of the parsed frame, its value column)
FRAMES = {
    "applications": (("row", "reason", "applicant"), "count"),
    "active": (("item", "measure"), "value"),
    "reviews": (("proceeding", "result"), "count"),
}


@cache
def _manifest() -> pd.DataFrame:
    return pd.read_csv(MANIFEST, dtype=str, keep_default_na=False)


def _path(stem: str) -> Path:
    matches = sorted(REPORTS.glob(f"{stem}.*"))
    assert len(matches) == 1, f"expected one report file named {stem}.* in {REPORTS}, found {matches}"
    return matches[0]


def _manifest_row(stem: str) -> dict:
    man = _manifest()
    rows = man[man["file"] == _path(stem).name]
    assert len(rows) == 1, f"{_path(stem).name}: expected one row in {MANIFEST.name}, found {len(rows)}"
    return rows.iloc[0].to_dict()


@cache
def _report(stem: str):
    return gx.read_report(_path(stem), manifest=_manifest_row(stem))


def _key_part(v) -> str:
    return "" if v is None or pd.isna(v) else str(v)


def _fmt(v) -> str:
    return "NA" if pd.isna(v) else str(int(v)) if float(v).is_integer() else repr(float(v))


@pytest.mark.parametrize("stem", TRUTH_STEMS, ids=TRUTH_STEMS)
def test_report_matches_hand_read_truth(stem):
    # every known truth cell parsed to its value, every truth NA parsed as NA, no key
    # parsed twice; cells the truth file does not list are not compared
    assert_frames_match(TRUTH / f"{stem}.csv", _report(stem), truth_na="must_be_na",
                        label=f"{stem} (status {_report(stem).status})")


@pytest.mark.parametrize("stem", OLDER_STEMS, ids=OLDER_STEMS)
def test_older_report_yields_no_template_number(stem):
    rep = _report(stem)
    found = []
    for table, (keys, value) in FRAMES.items():
        frame = getattr(rep, table)
        if frame is None or len(frame) == 0:
            continue
        hits = frame[frame[value].notna()]
        found += [f"{table} {'/'.join(_key_part(r[k]) or '-' for k in keys)} = {_fmt(r[value])}"
                  for _, r in hits.iterrows()]
    if found:
        pytest.fail(f"{stem} has no statutory tables, yet {len(found)} template numbers were "
                    f"produced:\n  " + "\n  ".join(found), pytrace=False)


@pytest.mark.parametrize("stem", ALL_STEMS, ids=ALL_STEMS)
def test_report_year_equals_manifest(stem):
    want = int(_manifest_row(stem)["year"])
    assert _report(stem).year == want, f"{stem}: year {_report(stem).year}, manifest says {want}"
