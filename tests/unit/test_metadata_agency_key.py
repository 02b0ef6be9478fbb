"""agency_key: one key for one organ across years, on the real panel and on generated variants."""
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.metadata import agency_key, normalise_agency

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "data" / "reports"
PINGTAN = sorted(REPORTS.glob("pingtan_*_*.txt"))


@pytest.fixture(scope="module")
def sample():
    return gx.load_corpus(REPORTS, jobs=1, progress=False)


@pytest.mark.skipif(not PINGTAN, reason="the real corpus is not in data/reports")
def test_one_key_per_organ_across_the_real_panel(sample):
    r = sample.reports
    unit = r["path"].str.extract(r"^pingtan_(czj|htp)_\d{4}\.txt$")[0]
    keys = r.assign(unit=unit).dropna(subset=["unit"]).groupby("unit")["agency_key"]
    assert keys.nunique().to_dict() == {"czj": 1, "htp": 1}
    assert keys.size().to_dict() == {"czj": 9, "htp": 7}
    assert r.loc[unit.notna(), "agency_key"].notna().all()
    # two organs, two keys; and no other report shares them
    czj, htp = keys.first()["czj"], keys.first()["htp"]
    assert czj != htp
    assert set(r.loc[unit.isna(), "agency_key"].dropna()).isdisjoint({czj, htp})
    years = r.assign(unit=unit).dropna(subset=["unit"]).groupby("unit")["year"]
    assert years.apply(lambda y: sorted(y.astype(int))).to_dict() == {
        "czj": list(range(2017, 2026)), "htp": list(range(2019, 2026))}


def test_report_without_an_agency_has_no_key(sample):
    r = sample.reports.set_index("path")
    assert pd.isna(r.loc["001_9d882d39005c5935.txt", "agency"])
    assert pd.isna(r.loc["001_9d882d39005c5935.txt", "agency_key"])


def test_text_and_manifest_spellings_of_one_organ_share_a_key(sample):
    # the PDF's title says 洪泽区人民政府, the manifest 淮安市洪泽区人民政府
    row = sample.reports.set_index("path").loc["huaian_hongze_2023.pdf"]
    assert row["agency_text"] != row["agency_manifest"]
    kw = {"province": row["province"], "city": row["city"], "level": row["level"]}
    assert agency_key(row["agency_text"], **kw) == agency_key(row["agency_manifest"], **kw) \
        == row["agency_key"]


# generated variants of the two real organs' names, as other years or sites print them
CZJ = ["平潭综合实验区财政金融局", "平潭综合实验区 财政金融局", "平潭综合实验区财政金融局（金融办）",
       "平潭综合实验区财政金融局2019年度政府信息公开工作年度报告",
       "平潭综合实验区财政金融局 关于2021年度政府信息公开工作年度报告",
       "平潭综合实验区财政金融局政府信息公开工作年度报告", "福建省平潭综合实验区财政金融局",
       "平潭综合实验区财政金融局：", "平潭综合实验区财政金融局的"]
HTP = ["平潭综合实验区海坛片区管理局", "海坛片区管理局", "海坛片区", "海坛片区管委会",
       "平潭综合实验区海坛片区管理委员会", "平潭综合实验区　海坛片区管理局",
       "平潭综合实验区海坛片区管理局 2022年度", "【平潭】海坛片区管理局"]
PLACE = {"province": "福建省", "city": "平潭综合实验区"}


@pytest.mark.parametrize("names, level", [(CZJ, "city"), (HTP, "township")], ids=["czj", "htp"])
def test_variants_of_one_name_give_one_key(names, level):
    keys = {agency_key(n, **PLACE, level=level) for n in names}
    assert len(keys) == 1, keys


def test_the_two_organs_keys_differ_and_are_readable():
    czj = agency_key(CZJ[0], **PLACE, level="city")
    htp = agency_key(HTP[0], **PLACE, level="township")
    assert czj == "平潭综合实验区财政金融局" and htp == "平潭综合实验区海坛片区"


@pytest.mark.parametrize("a, b", [
    ("洪泽区政府", "淮安市洪泽区人民政府"),
    ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("淮安洪泽区人民政府", "洪泽区人民政府"),
    ("ＸＸ经济开发区管理委员会", "XX经济开发区管委会"),
    ("洪泽区 人民政府", "洪泽区人民政府（区政府办公室代）"),
    ("老子山镇", "老子山镇人民政府"),
])
def test_generated_spellings_of_one_organ(a, b):
    kw = {"province": "江苏省", "city": "淮安市", "level": "county"}
    assert agency_key(a, **kw) == agency_key(b, **kw)


@pytest.mark.parametrize("a, b, kw_b", [
    ("西湖区人民政府", "西湖区人民政府", {"city": "南昌市"}),   # two cities' 西湖区
    ("平潭综合实验区财政金融局", "平潭综合实验区财政局", {"city": "平潭综合实验区"}),  # another organ
    ("海坛片区管理局", "金井片区管理局", {"city": "平潭综合实验区"}),
    ("滨海新区", "滨海新区人民政府", {"city": "天津市"}),   # a 新区 is not a government
])
def test_different_organs_keep_different_keys(a, b, kw_b):
    kw_a = {"city": "杭州市"} if a == "西湖区人民政府" else kw_b
    assert agency_key(a, level="county", **kw_a) != agency_key(b, level="county", **kw_b)


def test_township_is_written_under_its_county():
    kw = {"city": "定西市", "county": "通渭县", "level": "township"}
    assert agency_key("通渭县平襄镇", **kw) == agency_key("平襄镇人民政府", **kw) \
        == "定西市通渭县平襄镇人民政府"


@pytest.mark.parametrize("name", [None, pd.NA, "", "   ", "2019年度政府信息公开工作年度报告"])
def test_no_name_no_key(name):
    assert normalise_agency(name) is None
    assert agency_key(name, city="淮安市", level="county") is None


def test_manifest_column_sets_the_key(tmp_path):
    text = (REPORTS / "003_1e9d07bbaba7ae4f.txt").read_bytes()
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes(text.replace("西工区财政局".encode(), name[0].encode()))
    (tmp_path / "manifest.csv").write_text(
        "file,agency_key,city,level\na.txt,洛阳市西工区财政局,洛阳市,county\n"
        "b.txt,,洛阳市,county\nc.txt,,,\n",
        encoding="utf-8")
    r = gx.load_corpus(tmp_path, jobs=1, progress=False).reports.set_index("path")
    assert r.loc["a.txt", "agency_key"] == "洛阳市西工区财政局"  # the manifest's
    assert r.loc["b.txt", "agency_key"] == "洛阳市b"  # normalised from the text
    assert r.loc["c.txt", "agency_key"] == "c"
    assert r["agency_key"].dtype == "string"
