"""The template as data: the cells of each version (applications rows, the
第二十条 tables, the review cells, one row per cell in ``gx.dictionary("cells")``),
``data/arithmetic.csv`` read back, the equations recognition uses and the sums the
checks apply, for a 2019 table (an unsplit (六)其他处理) and a 2021 table (a split
(六))."""
from __future__ import annotations

import csv
from importlib import resources

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit import schema as S
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


# ---------------------------------------------------------------- the cells of each version
def test_application_keys_by_version():
    r2019, r2021 = template.application_keys("2019"), template.application_keys("2021")
    assert len(r2019) == 23 and len(r2021) == 25  # 4 + 8 + 3 + 5 sub-rows + (六) + 2
    assert set(r2019) == set(ROWS_2019) - {(r, None) for r in ("withheld", "unable", "not_processed")}
    assert [k for k in r2019 if k[0] == "other"] == [("other", None)]
    assert [k for k in r2021 if k[0] == "other"] == [("other", s) for s in REASONS_BY_ROW["other"]]
    assert r2019[:4] == r2021[:4] and r2019[-2:] == r2021[-2:] == [("processed_total", None),
                                                                   ("carried_forward", None)]


def test_application_order_has_both_forms_of_other_and_the_group_rows():
    order = template.application_order()
    assert len(order) == len(set(order)) == 29  # 25 rows of 2021, (六) itself, 3 group rows
    assert set(template.application_keys("2019")) | set(template.application_keys("2021")) <= set(order)
    i = order.index(("other", None))
    assert order[i + 1:i + 4] == [("other", s) for s in REASONS_BY_ROW["other"]]
    assert order.index(("withheld", None)) + 1 == order.index(("withheld", "state_secret"))
    from gxbg_kit import recognize
    assert recognize.application_order is template.application_order


def test_report_keys_follow_the_printed_form_of_other():
    unsplit = {("received", None): [], ("other", None): []}
    split = {("other", "overdue_fee"): []}
    # an unsplit (六) gives the 2019 rows, whatever the template
    assert template.report_application_keys(unsplit, "2021") == template.application_keys("2019")
    # a split (六) gives the 2021 rows
    assert template.report_application_keys(split, "2019") == template.application_keys("2021")
    # nothing of (六) printed: the template decides; mixed / unknown reports get the 2019 row
    assert template.report_application_keys({}, "2021") == template.application_keys("2021")
    for t in ("2019", "mixed", "unknown"):
        assert template.report_application_keys({}, t) == template.application_keys("2019")
    # both forms: sub-rows, then (六) itself; extra printed keys at the end
    both = template.report_application_keys({**split, **unsplit, ("withheld", None): []}, "2019")
    i = both.index(("other", None))
    assert both[i - 3:i] == [("other", s) for s in REASONS_BY_ROW["other"]]
    assert both[-1] == ("withheld", None) and len(both) == 27


def test_active_tables_by_version():
    assert len(template.active_keys("2019")) == 22 and len(template.active_keys("2021")) == 10
    numbers = {v: [b.article_item for b in template.ACTIVE_BLOCKS[v]] for v in template.VERSIONS}
    assert numbers == {"2019": ["（一）", "（五）", "（六）", "（八）", "（九）"],
                       "2021": ["（一）", "（五）", "（六）", "（八）"]}
    assert dict(template.ACTIVE_SKELETON["2021"])["fees"] == ["fee_amount"]
    assert template.active_keys("2019")[-2:] == [("procurement", "procurement_items"),
                                                 ("procurement", "procurement_amount")]


def test_cells_count_per_table_and_version():
    d = template.cells()
    n = d.groupby(["version", "table"]).size().to_dict()
    assert n == {("2019", "active"): 22, ("2019", "applications"): 23 * 7, ("2019", "reviews"): 15,
                 ("2021", "active"): 10, ("2021", "applications"): 25 * 7, ("2021", "reviews"): 15}
    assert template.cells("2021").equals(d[d["version"] == "2021"].reset_index(drop=True))
    # positions count each table's cells in printed order; the form grid places them
    for (_, table), g in d.groupby(["version", "table"]):
        assert list(g["position"]) == list(range(1, len(g) + 1))
        assert not g[["form_row", "form_column"]].duplicated().any()
    apps = d[(d["table"] == "applications") & (d["version"] == "2019")]
    assert list(zip(apps["row"], apps["reason"].astype(object).where(apps["reason"].notna(), None))
                )[::7] == template.application_keys("2019")
    rev = d[d["table"] == "reviews"]
    assert list(zip(rev["row"], rev["column"]))[:15] == list(template.REVIEW_CELLS)


def test_cells_of_the_active_tables_carry_article_item_labels_and_unit():
    d = template.cells("2019").set_index(["table", "row", "column"])
    c = d.loc[("active", "procurement", "procurement_amount")]
    assert c["article_item"] == "（九）" and c["unit"] == "万元"
    assert c["printed_row"] == "政府集中采购" and c["row_zh"] == S.ACTIVE_ITEMS["procurement"]
    assert (c["form_row"], c["form_column"]) == (8, 2)
    assert d.loc[("active", "normative_documents", "new_made"), "printed_row"] == "规范性文件"
    assert template.cells("2021").set_index(["table", "row", "column"]).loc[
        ("active", "normative_documents", "issued"), "printed_row"] == "行政规范性文件"
    assert d.loc[("applications", "received", "total"), "unit"] is pd.NA
    with pytest.raises(ValueError):
        template.cells("mixed")


def test_dictionary_cells_has_every_code():
    d = gx.dictionary("cells")
    assert d.equals(template.cells())
    by_table = {t: g for t, g in d.groupby("table")}
    apps, active, reviews = by_table["applications"], by_table["active"], by_table["reviews"]
    assert set(apps["row"]) == set(S.APPLICATION_ROWS)
    assert set(apps["reason"].dropna()) == set(S.APPLICATION_REASONS)
    assert set(apps["column"]) == set(S.APPLICANTS)
    assert set(active["row"]) == set(S.ACTIVE_ITEMS)
    assert set(active["column"]) == set(S.ACTIVE_MEASURES)
    assert set(reviews["row"]) == set(S.PROCEEDINGS) and set(reviews["column"]) == set(S.REVIEW_RESULTS)
    # the Chinese names are schema's
    assert (apps["column_zh"] == apps["column"].map(S.APPLICANTS)).all()
    assert (active["row_zh"] == active["row"].map(S.ACTIVE_ITEMS)).all()
    assert (reviews["column_zh"] == reviews["column"].map(S.REVIEW_RESULTS)).all()
    assert (apps["reason_zh"].dropna() == apps["reason"].dropna().map(S.APPLICATION_REASONS)).all()


def test_synth_and_tidy_use_the_template():
    from gxbg_kit import synth, tidy

    assert synth.ACTIVE_BLOCKS is template.ACTIVE_BLOCKS
    for split, version in ((False, "2019"), (True, "2021")):
        assert synth.application_skeleton(split) == template.application_keys(version)
    for version in template.VERSIONS:
        assert synth.active_skeleton(version) == template.active_keys(version)
    assert synth.REVIEW_SKELETON == list(template.REVIEW_CELLS)
    t = synth.generate_truth(3, template="2019")
    assert list(t.active_cells) == template.active_keys("2019")

    class Table:
        cells = {("other", "overdue_fee"): [None] * 7}

    assert tidy.skeleton_keys(Table(), "2019") == template.application_keys("2021")
