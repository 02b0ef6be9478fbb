"""splits: run-together digits cut by the template's sums. A cut is kept only when it is
the only one every sum allows; otherwise the cells stay NA with the candidates listed."""
from __future__ import annotations

from gxbg_kit import splits
from gxbg_kit.splits import Piece, Unknown, balanced, decide, piece


def number(text):
    return None if text is None else int(text)


def test_cuts_respect_leading_zeros_and_digit_budget():
    got = splits.cuts((splits.Piece("1077", True),), 3)
    assert sorted(got) == [("1", "0", "77"), ("10", "7", "7")]
    assert splits.cuts((splits.Piece("0000000", True),), 7) == [("0",) * 7]
    assert splits.cuts((splits.Piece("9" * 50, True),), 7) == []


def test_search_limit_is_ambiguous_not_a_guess():
    pieces = (splits.Piece("1" * 40, True),)
    assert splits.cuts(pieces, 15, budget=1000) is None


def test_only_soft_plain_digits_are_splittable_and_sign_and_unit_stay_outside():
    assert piece("增12", True) == Piece("12", True, "", "增")
    assert piece("2832995元", True) == Piece("2832995", True, "元", "")
    assert piece("12", False) == Piece("12", False)   # a cell the layout bounded
    assert piece("1 2", True) == Piece("1 2", False)  # not plain digits


def test_a_bounded_piece_is_one_cell():
    assert splits.cuts((Piece("12", False), Piece("34", True)), 3) == [("12", "3", "4")]
    assert splits.cuts((Piece("12", False),), 2) == []


def test_balanced_is_true_when_a_number_is_missing():
    assert balanced([1, 2], [3]) and not balanced([1, 2], [4])
    assert balanced([1, None], [5])  # an unknown cell neither confirms nor breaks a sum


ROW_SUM = [((("a", 0), ("a", 1)), (("a", 2),))]  # a0 + a1 = a2


def test_decide_keeps_the_one_cut_the_sums_allow():
    got = decide([Unknown("a", [("1", "2", "3"), ("12", "0", "13")])], {}, ROW_SUM, number)
    assert got.cells == {"a": ("1", "2", "3")} and not got.ambiguous


def test_decide_leaves_two_cuts_that_both_hold_ambiguous():
    cands = [("1", "1", "2"), ("2", "0", "2")]
    got = decide([Unknown("a", cands)], {}, ROW_SUM, number)
    assert got.cells == {} and got.ambiguous == {"a": cands}


def test_a_sum_across_rows_decides_with_a_known_cell_and_is_unused_without_it():
    cands = [("1", "1", "2"), ("2", "0", "2")]
    across = ROW_SUM + [((("a", 0),), (("b", 0),))]  # a0 = b0
    assert decide([Unknown("a", cands)], {("b", 0): 2}, across, number).cells == {"a": ("2", "0", "2")}
    # b0 is not a cell of the report: the sum cannot be used
    assert decide([Unknown("a", cands)], {}, across, number).ambiguous == {"a": cands}
