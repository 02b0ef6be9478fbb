"""The template's arithmetic as data: ``data/arithmetic.csv`` read back, the
equations recognition uses and the sums the checks apply, for a 2019 table (an
unsplit (六)其他处理) and a 2021 table (a split (六))."""
from __future__ import annotations

import csv
from importlib import resources

import gxbg_kit as gx
from gxbg_kit import template
from gxbg_kit.schema import APPLICANTS, APPLICATION_ROWS, REASONS_BY_ROW

COL = {a: j for j, a in enumerate(template.APPLICATION_COLUMNS)}
ROWS_2019 = ([(r, None) for r in APPLICATION_ROWS]
             + [(r, s) for r in ("withheld", "unable", "not_processed") for s in REASONS_BY_ROW[r]])
ROWS_2021 = ([(r, None) for r in APPLICATION_ROWS if r != "other"]
             + [(r, s) for r, ss in REASONS_BY_ROW.items() for s in ss])
LEAVES_2019 = ([("granted", None), ("partly_granted", None)]
               + [(r, s) for r in ("withheld", "unable", "not_processed") for s in REASONS_BY_ROW[r]]
               + [("other", None)])
LEAVES_2021 = LEAVES_2019[:-1] + [("other", s) for s in REASONS_BY_ROW["other"]]


def test_a_row_of_arithmetic_csv_is_read_back():
    with resources.files("gxbg_kit.data").joinpath("arithmetic.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_check = {s.check: s for s in template.sums()}
    assert [r["check"] for r in rows] == list(by_check)
    identity = by_check["identity"]
    assert identity.table == "applications" and identity.for_each == "applicant"
    assert identity.parts == ("processed_total", "carried_forward")
    assert identity.total == ("received", "carried_over")
    assert identity.total_label == "新收+上年结转 =" and identity.checked_when == "always"
    assert by_check["other_sum"].checked_when == "printed"
    assert by_check["applicant_sum"].parts == tuple(a for a in APPLICANTS if a != "total")


def test_dictionary_lists_the_arithmetic():
    d = gx.dictionary("arithmetic")
    assert list(d.columns[:6]) == ["check", "table", "parts", "total", "for_each", "meaning"]
    row = d.set_index("check").loc["review_sum"]
    assert row["table"] == "reviews" and row["parts"] == "upheld+corrected+other+pending"
    assert row["total"] == "total" and row["for_each"] == "proceeding"
    assert len(d) == len(template.sums())


def _by_total(equations):
    return {total: parts for parts, total in equations}


def test_equations_2019_unsplit_other():
    eqs = template.application_equations(ROWS_2019)
    j = COL["business"]
    by_total = _by_total(eqs)
    assert by_total[(("processed_total", None), j),] == tuple((k, j) for k in LEAVES_2019)
    ident = by_total[((("received", None), j), (("carried_over", None), j))]
    assert ident == ((("processed_total", None), j), (("carried_forward", None), j))
    # a row sum for every row; no (六) sum: its sub-rows are not printed
    assert by_total[((("other", None), COL["total"]),)] == tuple((("other", None), COL[a])
                                                                 for a in APPLICANTS if a != "total")
    assert not any(total == ((("other", None), j),) for _, total in eqs)
    assert len(eqs) == len(ROWS_2019) + 2 * len(APPLICANTS)


def test_equations_2021_split_other():
    eqs = template.application_equations(ROWS_2021)
    j = COL["total"]
    assert _by_total(eqs)[((("processed_total", None), j),)] == tuple((k, j) for k in LEAVES_2021)
    assert ("other", None) not in {k for parts, total in eqs for k, _ in parts + total}
    assert len(eqs) == len(ROWS_2021) + 2 * len(APPLICANTS)


def test_equations_with_both_forms_of_other_add_its_sum():
    rows = ROWS_2021 + [("other", None)]
    eqs = template.application_equations(rows)
    j = COL["research"]
    by_total = _by_total(eqs)
    assert by_total[((("other", None), j),)] == tuple((("other", s), j) for s in REASONS_BY_ROW["other"])
    # (七) counts the printed (六), not its sub-rows
    assert by_total[((("processed_total", None), j),)][-1] == (("other", None), j)


def test_review_equations():
    eqs = template.review_equations()
    assert len(eqs) == 3
    idx = {c: j for j, c in enumerate(template.REVIEW_CELLS)}
    parts, total = eqs[0]
    assert total == ((template.REVIEWS_ROW, idx[("review", "total")]),)
    assert parts == tuple((template.REVIEWS_ROW, idx[("review", r)])
                          for r in ("upheld", "corrected", "other", "pending"))


def test_sum_checks_of_applications_cells():
    cells = {(r, s, a): 0 for r, s in ROWS_2019 for a in APPLICANTS}
    got = template.application_sum_checks(cells)
    assert [c.check for c in got[:len(ROWS_2019)]] == ["applicant_sum"] * len(ROWS_2019)
    first = got[0]
    assert (first.row, first.reason, first.applicant, first.what) == ("received", None, "total", "received")
    assert first.total == (("received", None, "total"),)
    rest = got[len(ROWS_2019):]
    assert [(c.check, c.applicant) for c in rest[:3]] == [("identity", "natural_person"),
                                                          ("outcome_sum", "natural_person"),
                                                          ("identity", "business")]
    identity, outcome = rest[0], rest[1]
    assert identity.row is None and identity.total == (("received", None, "natural_person"),
                                                       ("carried_over", None, "natural_person"))
    assert outcome.row == "processed_total"
    assert outcome.parts == tuple((r, s, "natural_person") for r, s in LEAVES_2019)
    assert len(rest) == 2 * len(APPLICANTS)  # no other_sum


def test_sum_checks_of_review_counts_follow_the_proceedings_present():
    counts = {("suit_direct", r): 1 for r in ("upheld", "total")}
    (c,) = template.review_sum_checks(counts)
    assert (c.check, c.row, c.what) == ("review_sum", "suit_direct", "suit_direct")
    assert c.parts == tuple(("suit_direct", r) for r in ("upheld", "corrected", "other", "pending"))
    assert template.review_sum_checks({}) == []
