import pytest

from gxbg_kit.cells import (Run, fit, is_value, leading_borders, normalize_label, parse_value, runs,
                            split_line)


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


def test_pipe_row_starting_with_a_blank_cell_keeps_it():
    """Rows that end in a pipe but do not start with one (``a | b |``): a values row
    whose first cell is blank starts with a pipe, and the blank is a cell (a
    blank 行政复议 结果维持 once shifted the 14 numbers after it one column left)."""
    lines = ["结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", " | 2 | 1 | 1 | 4 |"]
    values = [r for r in runs(lines) if not r.labels]
    assert [(r.values, r.value_cols) for r in values] == [(["", "2", "1", "1", "4"], [0, 1, 2, 3, 4])]
    md = ["| 结果维持 | 结果纠正 | 总计 |", "|---|---|---|", "| 1 | 2 | 3 |"]
    assert [r.values for r in runs(md) if not r.labels] == [["1", "2", "3"]]


def test_fit_drops_extra_blanks_without_shifting():
    assert fit(["", "0", "", "", "", "", "", "0"], 7)[0] == ["0", "", "", "", "", "", "0"]
    assert fit(["8", "0", "0", "0", "0", "0", "8", ""], 7)[0] == ["8", "0", "0", "0", "0", "0", "8"]
    # seed 004: a stray blank before the total
    assert fit(["0"] * 6 + [""] + ["1"], 7)[0] == ["0"] * 6 + ["1"]


def test_fit_cut_short_pads_tail_with_missing():
    cells, note = fit(["1", "2"], 4)
    assert cells == ["1", "2", None, None] and "2 of 4" in note


def test_runs_one_cell_per_line_joins_wrapped_labels():
    lines = ["结果", "纠正", "", "0", "", "1", "", "(七)总计", "", "13", "", " ", "", "13"]
    got = runs(lines)
    assert got[0] == Run(["结果纠正"], ["0", "1"])
    assert got[1] == Run(["(七)总计"], ["13", "", "13"])


def test_runs_tab_rows_drop_leading_label_padding():
    got = runs(["\t(三) 不 予 开 公\t1. 属于国家秘密\t0\t0", "未经复议直接起诉\t\t\t复议后起诉"])
    assert got[0] == Run(["(三) 不 予 开 公", "1. 属于国家秘密"], ["0", "0"])
    assert got[1] == Run(["未经复议直接起诉", "复议后起诉"], [])
