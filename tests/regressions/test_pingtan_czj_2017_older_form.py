"""平潭综合实验区财政金融局 2017 (data/reports/pingtan_czj_2017.txt, a crawler dump of a
report on the form before the 2019 template): it numbers its problems section 四 (四、政府
信息公开工作存在的主要问题及改进情况), has no 复议/诉讼 section, no 五 nor 六, and ends with
七、附表, which must not run into section 四."""
from gxbg_kit.sections import find_sections, strip_chrome


def test_pingtan_czj_2017_older_form_numbers_problems_as_four(reports):
    lines = strip_chrome((reports / "pingtan_czj_2017.txt").read_text(encoding="utf-8")).split("\n")
    found = find_sections(lines)
    assert list(found) == ["overview", "active", "applications", "problems"]
    assert found["problems"].heading == "四、政府信息公开工作存在的主要问题及改进情况"
    assert "附表" not in found["problems"].text  # 七、附表 ends it
