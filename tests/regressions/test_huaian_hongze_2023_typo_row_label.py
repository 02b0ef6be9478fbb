"""淮安市洪泽区人民政府 2023 (data/reports/huaian_hongze_2023.pdf, a WPS export whose tables
break over pages): the applications table prints ``2.其他法律行政止公开`` (法规禁 missing).
The label is still the 不予公开 sub-row prohibited_by_law, and the report reads it."""
import gxbg_kit as gx
from gxbg_kit.recognize import classify_application_label


def test_huaian_hongze_2023_typo_row_label():
    lab = classify_application_label("2.其他法律行政止公开", "withheld")
    assert (lab.parent, lab.code) == ("withheld", "prohibited_by_law")


def test_huaian_hongze_2023_reads_the_typo_row(reports):
    rep = gx.read_report(reports / "huaian_hongze_2023.pdf")
    assert any("2.其他法律行政止公开" in line for line in rep.lines)  # the quirk is in the file
    row = rep.applications.query("reason == 'prohibited_by_law'")
    assert row["count"].tolist() == [0] * 7  # as tests/truth/huaian_hongze_2023.csv
