"""The text primitives (gxbg_kit/text.py): one definition of a number, nil markers,
Chinese numerals and heading numbers, which the readers, sections, cells, tokens,
checks and narrative share (issue 18)."""
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gxbg_kit import cells, checks, narrative, sections, synth, text, tokens
from gxbg_kit.readers import common as readers
from gxbg_kit.text import (
    NUMBER,
    NUMBER_IN_TEXT,
    NUMBER_SHAPE,
    SCORER_NUMBER,
    cn_number,
    is_value,
    parse_value,
)

REPORTS = Path(__file__).resolve().parents[2] / "data" / "reports"
# characters numbers, signs, units and their neighbours are made of
CELL = st.text(alphabet=st.sampled_from("0123456789０１２３,.增减+-−  万元件项条个篇次家笔①٣x"),
               max_size=10)


def test_every_module_uses_the_one_definition():
    # the callers take the primitives from text.py instead of keeping their own copies
    assert cells.parse_value is text.parse_value and cells.is_value is text.is_value
    assert cells._NUMBER is NUMBER and cells._NUMBER_SHAPE is NUMBER_SHAPE
    assert tokens._NUM is NUMBER_IN_TEXT and tokens.is_value is text.is_value
    assert readers._NUMBER is SCORER_NUMBER and readers.parse_value is text.parse_value
    assert narrative.cn_number is cn_number and sections.normalize_label is text.normalize_label
    assert all(text.PROSE_COUNT in p.pattern for _, p in checks.NARRATIVE_PATTERNS)


# the table scorer's rule as readers/__init__.py wrote it before text.py
_SCORER_BEFORE = re.compile(r"^(增|减|\+|-|−)?\s*\d[\d,]*(\.\d+)?\s*(万元|元|件|项|条|个)?$")


@settings(max_examples=2000, derandomize=True)
@given(CELL)
def test_scorer_number_is_the_scorers_old_rule(cell):
    assert bool(SCORER_NUMBER.match(cell)) == bool(_SCORER_BEFORE.match(cell))


@settings(max_examples=2000, derandomize=True)
@given(CELL)
def test_the_number_rules_nest(cell):
    # a number read is a number shape; a number shape of the scorer's units is the
    # scorer's number; a read number is a value, not a label
    s = cell.strip()
    if NUMBER.match(s):
        assert NUMBER_SHAPE.match(s)
    shape = NUMBER_SHAPE.match(s)
    if shape and shape["num"][:1] != "." and (shape["unit"] or "") in ("",) + text.SCORER_UNITS:
        assert SCORER_NUMBER.match(s)
    if parse_value(cell).number is not None:
        assert is_value(cell)


@settings(max_examples=1000, derandomize=True)
@given(st.integers(0, 10**9), st.sampled_from(("",) + text.UNITS), st.sampled_from(["", "增", "减"]))
def test_a_printed_number_reads_back_in_a_cell_and_in_text(n, unit, sign):
    printed = f"{sign}{n:,}{unit}"
    v = parse_value(printed)
    assert v.number == (-n if sign == "减" else n) and v.unit == (unit or None)
    assert NUMBER_IN_TEXT.fullmatch(printed)
    assert NUMBER_IN_TEXT.search(f"共{printed}，")[0] == printed


def test_every_number_cell_of_real_and_synthetic_reports_is_a_value():
    # the cells of the tab rows of the real text reports and of synthetic reports:
    # a cell the reading rule reads as a number is a value for html and tokens too
    texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))]
    texts += [synth.render(synth.generate_truth(seed), "tab", noise=seed % 2 == 1) for seed in range(8)]
    read = 0
    for report in texts:
        for line in report.split("\n"):
            for cell in cells.split_line(line) or []:
                if parse_value(cell).number is not None:
                    read += 1
                    assert is_value(cell) and NUMBER_SHAPE.match(text.fold(cell)), cell
    assert read > 1000


@pytest.mark.parametrize(("nil", "number"), [("无", 0.0), ("-", None), ("—", None), ("／", None),
                                             ("N/A", None), ("\\", None)])
def test_nil_markers(nil, number):
    assert nil in text.NIL_NONE | text.NIL_NA
    assert parse_value(nil).number == number and not parse_value(nil).unreadable and is_value(nil)


def test_chinese_numerals_and_heading_numbers():
    assert [cn_number(s) for s in ("一", "九", "十", "十一", "二十", "九十九", "一十", "十十", "百", "")] \
        == [1, 9, 10, 11, 20, 99, 10, None, None, None]
    heading = re.compile(rf"(?:{text.HEADING_NUMBER})$")
    assert all(heading.match(s) for s in ("一、", "十二.", "四．", "3、", "12 、", "第五部分"))
    # 1. numbers an item, ３、 and ٣、 are no heading numbers (the first-character test of
    # sections.heading_section has always let only ASCII digits through)
    assert not any(heading.match(s) for s in ("1.", "３、", "٣、", "一二三、", "第十一二部分"))
    assert set(text.CN_NUMERALS) <= text.NUMERAL_CELL <= set(text.CN_NUMBER_CHARS)


@pytest.mark.parametrize("cell, loose", [("1 234", True), ("增 5", True), ("12.5万元", True),
                                         ("1,0.0", True), ("一、", False), ("（一）", False),
                                         ("", False), ("共3页", False)])
def test_loose_number_tells_number_cells_from_labels_for_the_pdf_joiner(cell, loose):
    from gxbg_kit.readers.pdf import _is_number
    from gxbg_kit.text import LOOSE_NUMBER

    assert (LOOSE_NUMBER.fullmatch(cell) is not None) is loose
    assert _is_number(cell) is loose


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet=st.sampled_from(" 1,.增减+-万元x\t"), max_size=10))
def test_loose_number_is_the_pdf_readers_earlier_rule_made_linear(cell):
    earlier = re.compile(r"\s*[+\-增减]?\s*\d[\d,.\s]*(万元|元)?\s*")
    assert (text.LOOSE_NUMBER.fullmatch(cell) is None) == (earlier.fullmatch(cell) is None)
