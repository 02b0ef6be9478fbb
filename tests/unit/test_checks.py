"""The arithmetic checks on small hand-made cells (they derive from
``data/arithmetic.csv`` through ``template``)."""
from __future__ import annotations

from gxbg_kit import checks
from gxbg_kit.schema import APPLICANT_PARTS, APPLICANTS, REASONS_BY_ROW

ROWS = ["received", "carried_over", "granted", "partly_granted", "withheld", "unable",
        "not_processed", "other", "processed_total", "carried_forward"]


def table(values: dict[str, int], subrows: dict | None = None) -> dict:
    """Cells where only natural_person has requests: ``values`` row -> count."""
    cells = {}
    for row in ROWS:
        for a in APPLICANTS:
            cells[(row, None, a)] = values.get(row, 0) if a in ("natural_person", "total") else 0
    for (row, reason), n in (subrows or {}).items():
        for a in APPLICANTS:
            cells[(row, reason, a)] = n if a in ("natural_person", "total") else 0
    return cells


CONSISTENT = {"received": 5, "carried_over": 1, "granted": 3, "unable": 2, "processed_total": 5,
              "carried_forward": 1}


def by(records, check, applicant=None):
    return [r for r in records if r[1] == check and (applicant is None or r[5] == applicant)]


def test_consistent_table_passes_in_template_order():
    recs = checks.check_applications("r", table(CONSISTENT))
    assert all(r[8] is True for r in recs)
    assert [r[1] for r in recs] == ["applicant_sum"] * len(ROWS) + ["identity", "outcome_sum"] * len(APPLICANTS)
    assert recs[0] == ("r", "applicant_sum", "applications", "received", None, "total", 5, 5, True,
                       "received: 总计 5, sum of applicant columns 5")


def test_broken_identity_fails_with_expected_and_actual():
    recs = checks.check_applications("r", table(dict(CONSISTENT, received=7)))
    (rec,) = [r for r in by(recs, "identity") if r[8] is False and r[5] == "natural_person"]
    assert rec == ("r", "identity", "applications", None, None, "natural_person", 8, 6, False,
                   "natural_person: 新收+上年结转 = 8, 总计+结转下年度 = 6")
    assert by(recs, "identity", "business")[0][8] is True


def test_a_blank_part_gives_ok_na():
    cells = table(CONSISTENT)
    cells[("granted", None, "natural_person")] = None
    (rec,) = by(checks.check_applications("r", cells), "outcome_sum", "natural_person")
    assert rec[3] == "processed_total" and rec[6] == 5 and rec[7] is None and rec[8] is None
    assert rec[9] == "natural_person: (七)总计 5, sum of outcome rows NA"
    (row_sum,) = [r for r in by(checks.check_applications("r", cells), "applicant_sum") if r[3] == "granted"]
    assert row_sum[7] is None and row_sum[8] is None


def test_other_sum_only_when_both_forms_of_other_are_printed():
    split = {("other", r): 0 for r in REASONS_BY_ROW["other"]}
    split[("other", "overdue_fee")] = 1
    values = dict(CONSISTENT, granted=2, other=1)
    unsplit = checks.check_applications("r", table(values))
    assert not by(unsplit, "other_sum")
    both = checks.check_applications("r", table(values, split))
    recs = by(both, "other_sum")
    assert len(recs) == len(APPLICANTS) and all(r[8] is True for r in recs)
    assert recs[0][3:6] == ("other", None, "natural_person")
    # order: per applicant column identity, outcome_sum, other_sum
    assert [r[1] for r in both if r[5] == "business"] == ["identity", "outcome_sum",
                                                                 "other_sum"]
    # the outcome sum counts the printed (六), not its sub-rows too
    assert all(r[8] is True for r in by(both, "outcome_sum"))
    only_split = {k: v for k, v in table(values, split).items() if k[:2] != ("other", None)}
    assert not by(checks.check_applications("r", only_split), "other_sum")
    assert all(r[8] is True for r in by(checks.check_applications("r", only_split), "outcome_sum"))


def test_no_cells_no_records():
    assert checks.check_applications("r", {}) == []
    assert checks.check_reviews("r", {}) == []


def test_check_reviews():
    counts = {("review", "upheld"): 1, ("review", "corrected"): 1, ("review", "other"): 0,
              ("review", "pending"): 0, ("review", "total"): 3,
              ("suit_direct", "upheld"): None, ("suit_direct", "total"): 0}
    recs = checks.check_reviews("r", counts)
    assert recs == [
        ("r", "review_sum", "reviews", "review", None, None, 3, 2, False,
         "review: 总计 3, 维持+纠正+其他+尚未审结 2"),
        ("r", "review_sum", "reviews", "suit_direct", None, None, 0, None, None,
         "suit_direct: 总计 0, 维持+纠正+其他+尚未审结 NA"),
    ]


def test_applicant_parts_are_the_csv_parts():
    # the row sum's parts are the six applicant columns, in template order
    cells = {("received", None, a): i for i, a in enumerate(APPLICANTS)}
    (rec,) = checks.check_applications("r", cells)[:1]
    assert rec[7] == sum(range(len(APPLICANT_PARTS)))
