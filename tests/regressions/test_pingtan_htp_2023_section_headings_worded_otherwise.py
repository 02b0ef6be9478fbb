"""平潭综合实验区海坛片区管理局 2023 and 2025 (data/reports/pingtan_htp_2023.txt,
pingtan_htp_2025.txt; crawler dumps whose sections run together on one line): section 五
is headed 存在的主要问题及改进**措施** (not 情况) and 2025's section 六 其他**需报告**的事项
(not 需要报告). Both still start their sections, inline on a flattened page too."""
import pytest

from gxbg_kit.sections import find_sections, strip_chrome

PAD = "我局认真贯彻落实条例，持续推进政务公开。" * 20  # a long line, as a flattened page


def test_variant_headings_inline_on_a_flattened_page():
    text = (PAD + "五、存在的主要问题及改进措施2023年，信息公开渠道有待拓宽。"
            "六、其他需报告的事项本年度未产生信息处理费。")
    found = find_sections(["标题: 平潭某局2023年度政府信息公开工作年度报告", text])
    assert found["problems"].heading == "五、存在的主要问题及改进措施"
    assert found["problems"].text == "2023年，信息公开渠道有待拓宽。"
    assert found["other"].text == "本年度未产生信息处理费。"


@pytest.mark.parametrize("stem, other", [
    ("pingtan_htp_2023", "六、其他需要报告的事项"), ("pingtan_htp_2025", "六、其他需报告的事项"),
])
def test_the_real_pages_have_all_six_sections(reports, stem, other):
    lines = strip_chrome((reports / f"{stem}.txt").read_text(encoding="utf-8")).split("\n")
    found = find_sections(lines)
    assert list(found) == ["overview", "active", "applications", "reviews", "problems", "other"]
    assert found["problems"].heading == "五、存在的主要问题及改进措施"
    assert found["other"].heading == other
