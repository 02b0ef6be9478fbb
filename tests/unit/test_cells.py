import pytest

from gxbg_kit.cells import is_value, leading_borders, normalize_label, parse_value, split_line


@pytest.mark.parametrize("cell, number, unit", [
    ("0", 0, None), ("12", 12, None), ("１２３", 123, None), ("13,290", 13290, None),
    ("1447.3263", 1447.3263, None), ("增2", 2, None), ("减 3", -3, None), ("-5", -5, None),
    ("41.13万元", 41.13, "万元"), ("32445 万元", 32445, "万元"), ("251000元", 251000, "元"),
    ("5件", 5, None if False else "件"), ("无", 0, None), (" 0", 0, None), ("0 ", 0, None),
])
def test_number_forms(cell, number, unit):
    v = parse_value(cell)
    assert v.number == pytest.approx(number) and v.unit == unit and not v.unreadable


@pytest.mark.parametrize("cell", ["", "  ", "\xa0", "-", "—", "/", None])
def test_blank_and_not_applicable_are_na_not_zero(cell):
    v = parse_value(cell)
    assert v.number is None and not v.unreadable


@pytest.mark.parametrize("cell", ["???", "(cid:12)", "(cid:3)(cid:4)", "\ufffd\ufffd"])
def test_garbled_cells_are_na_and_flagged(cell):
    v = parse_value(cell)
    assert v.number is None and v.unreadable and is_value(cell)


def test_labels_are_not_values():
    for label in ["1. 属于国家秘密", "3.其他", "一、", "(七)总计", "2."]:
        assert not is_value(label)


def test_normalize_label_removes_spaces_garbles_and_folds_width():
    assert normalize_label("(三) 不 予 开 公") == "(三)不予开公"
    assert normalize_label("3.危及???三安全一稳定???") == "3.危及三安全一稳定"
    assert normalize_label("（一）予以公开") == "(一)予以公开"


def test_split_line_tab_pipe_markdown():
    assert split_line("a\tb\t\tc") == ["a", "b", "", "c"]
    assert split_line("| a | b |") == ["a", "b"]
    assert split_line("规章 | 0 | 0 | 0 |") == ["规章", "0", "0", "0"]
    assert split_line("|---|:--:|") == []
    assert split_line("一行文字") is None


def test_split_line_without_leading_border_keeps_a_blank_first_cell():
    assert split_line(" | 2 | 1 |", leading_border=False) == ["", "2", "1"]
    assert split_line(" | 2 | 1 |") == ["2", "1"]


def test_leading_borders_by_majority_of_pipe_rows():
    assert leading_borders(["| a | b |", "|---|---|", "| 1 | 2 |", "正文"])
    assert not leading_borders(["行政复议 | 行政诉讼 |", "结果维持 | 结果纠正 |", " | 2 |"])
    assert leading_borders(["a\tb", "| 1 | 2 |"])  # tab rows do not count


GROUPED = ["一、本年新收政府信息公开申请数量 |  |  | 267 | 52 | 1 |  | 8 | 13 | 341 |",
           "三、本年度办理结果 | （一）予以公开 |  | 120 | 20 | 0 | 0 | 3 | 6 |  |",
           " | （二）部分公开 |  | 32 | 6 | 0 | 0 | 1 | 1 | 40 |",
           " | （三）不予公开 | 1.属于国家秘密 | 23 | 3 | 0 | 0 | 0 | 1 | 27 |",
           " |  | 2.其他法律行政法规禁止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
           " |  | 3.危及“三安全一稳定” | 13 | 5 | 0 | 0 | 0 | 0 | 18 |"]


def test_rows_starting_with_a_pipe_in_a_table_without_borders_start_with_a_blank_cell():
    """Pipe text whose grouped rows leave their first cell blank: most rows start with a
    pipe, yet it is a blank cell, since read so they have as many cells as the rows that
    start with a cell. Read as a border, the 予以公开 row (its 总计 blank) would shift."""
    from gxbg_kit.cells import leading_borders
    from gxbg_kit.recognize import recognise_applications

    assert leading_borders(GROUPED) is False
    assert leading_borders(["| a | 1 | 2 |", "| b | 3 | 4 |", "|  | 5 | 6 |"]) is True  # Markdown
    cells = recognise_applications(GROUPED).cells
    assert cells[("granted", None)] == ["120", "20", "0", "0", "3", "6", ""]
    assert cells[("withheld", "state_secret")] == ["23", "3", "0", "0", "0", "1", "27"]
