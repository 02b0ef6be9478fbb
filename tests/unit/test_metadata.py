"""Report metadata: title, agency and year."""
from pathlib import Path

import pytest

from gxbg_kit.metadata import read_meta
from gxbg_kit.sections import find_sections, strip_chrome

REPORTS = Path(__file__).resolve().parents[2] / "data" / "reports"
HEADER = ("标题: 平潭综合实验区财政金融局2019年度政府信息公开工作年度报告\n发布时间: 2020-01-06 20:04\n文号: \n"
          "发布机构: 1\n栏目: 政府信息公开年报\n原文链接: https://www.pingtan.gov.cn/x/t20200106_80560.htm\n"
          "本地目录: zwgk/x/80560_平潭综合实验区财政金融局2019年度政府信息公开工作年度报告\n"
          "页面链接与图片详见 links.tsv(同目录)\n==================== 正文 ====================\n")
BODY = ("根据《中华人民共和国政府信息公开条例》要求，现编制完成了本报告。本报告所列数据的统计期限自2019年1月1日起至"
        "2019年12月31日止。" * 3 + "一、总体情况2019年，我局认真贯彻条例。" * 5
        + "二、主动公开政府信息情况规章000 平潭综合实验区财政金融局 2020年1月2日")


def _meta(text):
    lines = strip_chrome(text).split("\n")
    first = min((s.start for s in find_sections(lines).values()), default=None)
    return read_meta(lines, first)


def test_crawler_header_title_gives_agency_and_year_not_the_publishing_date():
    meta = _meta(HEADER + BODY)
    assert meta.title == "平潭综合实验区财政金融局2019年度政府信息公开工作年度报告"
    assert meta.agency == "平潭综合实验区财政金融局"
    assert meta.year == 2019


def test_body_that_starts_with_the_title_without_a_header():
    meta = _meta("平潭综合实验区财政金融局2019年度政府信息公开工作年度报告 " + BODY)
    assert meta.title == "平潭综合实验区财政金融局2019年度政府信息公开工作年度报告"
    assert meta.agency == "平潭综合实验区财政金融局"
    assert meta.year == 2019


def test_line_by_line_reports_keep_their_metadata():
    lines = ["西工区财政局2023年政府信息公开工作年度报告", "", "一、总体情况", "正文"]
    meta = read_meta(lines, 2)
    assert (meta.agency, meta.year) == ("西工区财政局", 2023)


PINGTAN = sorted(REPORTS.glob("pingtan_*_*.txt"))
AGENCY = {"czj": "平潭综合实验区财政金融局", "htp": "平潭综合实验区海坛片区管理局"}


@pytest.mark.skipif(not PINGTAN, reason="data/reports/pingtan_*.txt not copied into the repo yet")
@pytest.mark.parametrize("path", PINGTAN or [None], ids=lambda p: p.stem if p else "none")
def test_pingtan_pages_agency_and_year_from_the_title(path):
    meta = _meta(path.read_text(encoding="utf-8"))
    _, unit, year = path.stem.split("_")
    assert meta.agency == AGENCY[unit]
    assert meta.year == int(year)
