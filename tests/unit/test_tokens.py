"""tokens: a table region as a stream of label, value, blank and prose tokens, whatever the
layout (tabs, pipes, space runs, one cell per line, cells run together on a flattened page)."""
from __future__ import annotations

import pytest

from gxbg_kit.tokens import fold_line, looks_like_value, plain_lines, text_tokens, tokenize


def kinds(tokens):
    return [(t.kind, t.text) for t in tokens]


def test_glued_row_becomes_label_then_digits():
    got = kinds(text_tokens("一、本年新收政府信息公开申请数量120301016二、上年结转政府信息公开申请数量0000000", 0))
    assert got == [("label", "一、本年新收政府信息公开申请数量"), ("value", "120301016"),
                   ("label", "二、上年结转政府信息公开申请数量"), ("value", "0000000")]


def test_ordinal_glued_to_the_digits_before_it_starts_the_next_label():
    """平潭 pages: ``00000002.其他法律…`` is seven zeros, then the label 2.其他法律…"""
    got = kinds(text_tokens("1.属于国家秘密00000002.其他法律行政法规禁止公开0000000", 0))
    assert got == [("label", "1.属于国家秘密"), ("value", "0000000"),
                   ("label", "2.其他法律行政法规禁止公开"), ("value", "0000000")]


def test_group_and_row_labels_run_together_are_two_pieces():
    got = kinds(text_tokens("三、本年度办理结果（一）予以公开0000000", 0))
    assert got[:2] == [("label", "三、本年度办理结果"), ("label", "(一)予以公开")]


def test_prose_after_a_comma_is_not_a_row_label():
    """Seed 001 style: 予以公开2件 in a sentence is narrative, not the table row."""
    got = tokenize(["本年度共收到申请3件，予以公开2件，部分公开3件。"])
    assert {t.kind for t in got} == {"prose"}
    got = kinds(text_tokens("本年共收到申请3件，予以公开2件", 0))
    assert ("label", "予以公开") not in got


def test_one_cell_per_line_joins_wrapped_labels():
    got = tokenize(["结果", "纠正", "", "0", "", "1", "", "(七)总计", "", "13", "", " ", "", "13"])
    assert kinds(got) == [("label", "结果纠正"), ("value", "0"), ("value", "1"), ("label", "(七)总计"),
                          ("value", "13"), ("blank", ""), ("value", "13")]


def test_pipe_row_starting_with_a_blank_cell_keeps_it():
    """Rows that end in a pipe but do not start with one (``a | b |``): a values row
    whose first cell is blank starts with a pipe, and the blank is a cell (a blank
    行政复议 结果维持 once shifted the 14 numbers after it one column left)."""
    got = tokenize(["结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", " | 2 | 1 | 1 | 4 |"])
    assert [(t.kind, t.text, t.col) for t in got if t.line == 1] == [
        ("blank", "", 0), ("value", "2", 1), ("value", "1", 2), ("value", "1", 3), ("value", "4", 4)]
    md = tokenize(["| 结果维持 | 结果纠正 | 总计 |", "|---|---|---|", "| 1 | 2 | 3 |"])
    assert [t.text for t in md if t.kind == "value"] == ["1", "2", "3"]


def test_space_runs_separate_cells_and_letter_spacing_joins_labels():
    got = kinds(tokenize(["（三）不 予 公 开   1.属于国家秘密     12    0    3"]))
    assert got == [("label", "(三)不予公开"), ("label", "1.属于国家秘密"), ("value", "12"),
                   ("value", "0"), ("value", "3")]


def test_page_furniture_is_dropped():
    assert tokenize(["- 3 -", "第 2 页 共 5 页", "\f"]) == []


@pytest.mark.parametrize("cell, value", [
    ("12", True), ("12件", True), ("增2", True), ("予以公开", False), ("", False),
])
def test_looks_like_value(cell, value):
    assert looks_like_value(cell) is value


def test_fold_line_makes_full_width_forms_and_brackets_plain():
    assert fold_line("（一）予以公开　１２") == "(一)予以公开 12"


def test_a_tab_row_gives_its_label_then_seven_values_in_their_columns():
    got = tokenize(["一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1"])
    assert kinds(got) == [("label", "一、本年新收政府信息公开申请数量")] + [
        ("value", v) for v in "1000001"]
    assert [t.col for t in got] == list(range(8)) and all(t.hard for t in got)


@pytest.mark.parametrize("lines", [
    ["一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1"],
    ["| 一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"],
    ["一、本年新收政府信息公开申请数量   1   0   0   0   0   0   1"],
])
def test_every_separator_gives_the_same_labels_and_values(lines):
    got = [(t.kind, t.text) for t in tokenize(lines) if t.kind != "blank"]
    assert got == [("label", "一、本年新收政府信息公开申请数量")] + [("value", v) for v in "1000001"]


def test_plain_lines_read_a_clean_row_without_tokens():
    (line,) = plain_lines(["一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1"])
    assert line.labels == ("一、本年新收政府信息公开申请数量",)
    assert line.values == tuple("1000001") and not line.blanks
