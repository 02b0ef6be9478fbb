"""Finding the template's sections (step 2 of the pipeline)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from gxbg_kit.sections import _APPENDIX, find_sections, heading_section

LEADS = st.text(alphabet=st.sampled_from(" \t\u3000\xa0\u2003#*"), max_size=3)
NUMBERS = st.sampled_from(["一、", "二、", "三.", "四．", "五、", "六、", "3、", "第五部分", "附：", "附件1：",
                           "附表", "（一）", "1.", ""])
TITLES = st.sampled_from(["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                          "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况",
                          "其他需要报告的事项", "本年度新收申请3件。", "自然人\t3"])


@settings(max_examples=400, derandomize=True)
@given(LEADS, NUMBERS, TITLES)
def test_quick_first_character_test_never_skips_a_heading_or_appendix(lead, number, title):
    # find_sections looks closely only at lines whose first character may open a
    # heading; a line it skips must be neither a heading nor an appendix mark
    line = lead + number + title
    expected = heading_section(line) or ("appendix" if _APPENDIX.match(line) else None)
    found = find_sections(["前言", line, "正文"])
    if expected not in (None, "appendix"):
        assert expected in found and found[expected].heading == line.strip()
    else:
        assert not found
