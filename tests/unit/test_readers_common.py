"""The table scorer of the PDF/Word readers: what it expects of a table (numbers per
row, rows with numbers, the sums its cells obey) is the template's."""
from __future__ import annotations

import pytest

from gxbg_kit import template
from gxbg_kit.readers.common import is_perfect, score_table, table_kind
from gxbg_kit.schema import APPLICANTS, APPLICATION_REASONS, APPLICATION_ROWS, REASONS_BY_ROW

N_COLS = len(template.APPLICATION_COLUMNS)


def _cells(parts: list[int]) -> list[str]:
    """An applications row's seven cells: the six applicant columns and their total."""
    return [str(x) for x in parts] + [str(sum(parts))]


def _apps_rows(other_split: bool = True) -> list[list[str]]:
    """An applications table whose cells satisfy every sum of the template: 2021 form
    (（六）其他处理 split, a heading over its sub-rows) or 2019 form (one row); group
    labels merged into the first sub-row's label column, as Word and PDF tables print them."""
    rows = [["申请人情况", "", *APPLICANTS.values()]]
    leaves: list[tuple[str, str, list[int]]] = []
    k = 0

    def parts():
        nonlocal k
        k += 1
        return [k % 3, (k * 2) % 5, k % 2, 0, k % 4, 1]

    leaves.append((APPLICATION_ROWS["granted"], "", parts()))
    leaves.append((APPLICATION_ROWS["partly_granted"], "", parts()))
    groups = ["withheld", "unable", "not_processed"] + (["other"] if other_split else [])
    for group in groups:
        for i, reason in enumerate(REASONS_BY_ROW[group]):
            leaves.append((APPLICATION_ROWS[group] if i == 0 else "", APPLICATION_REASONS[reason], parts()))
    if not other_split:
        leaves.append((APPLICATION_ROWS["other"], "", parts()))
    processed = [sum(p[j] for *_, p in leaves) for j in range(N_COLS - 1)]
    carried_over = [1, 0, 2, 0, 0, 1]
    carried_forward = [2, 1, 0, 0, 1, 0]
    received = [p + f - o for p, f, o in zip(processed, carried_forward, carried_over)]
    rows.append([APPLICATION_ROWS["received"], "", *_cells(received)])
    rows.append([APPLICATION_ROWS["carried_over"], "", *_cells(carried_over)])
    rows.append(["三、本年度办理结果", "", *[""] * N_COLS])
    rows += [[a, b, *_cells(p)] for a, b, p in leaves]
    rows.append([APPLICATION_ROWS["processed_total"], "", *_cells(processed)])
    rows.append([APPLICATION_ROWS["carried_forward"], "", *_cells(carried_forward)])
    return rows


def _row(rows, label: str) -> list[str]:
    return next(r for r in rows if label in r[0] or label in r[1])


def _reviews_rows(totals_right: bool = True) -> list[list[str]]:
    counts = []
    for p in range(3):
        parts = [p + 1, 0, 2, p]
        counts += [str(x) for x in parts] + [str(sum(parts) + (0 if totals_right or p else 1))]
    return [["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
            ["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
            ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
            counts]


def _active_rows() -> list[list[str]]:
    return [["第二十条第（一）项", "", "", ""],
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "3"],
            ["行政规范性文件", "2", "1", "14"],
            ["第二十条第（五）项", "", "", ""],
            ["信息内容", "本年处理决定数量", "", ""],
            ["行政许可", "120", "", ""],
            ["第二十条第（六）项", "", "", ""],
            ["行政处罚", "35", "", ""],
            ["行政强制", "2", "", ""],
            ["第二十条第（八）项", "", "", ""],
            ["信息内容", "本年收费金额（单位：万元）", "", ""],
            ["行政事业性收费", "0", "", ""]]


@pytest.fixture
def sums_without(monkeypatch):
    """Drop sums of ``arithmetic.csv`` by check name (the cached equations are rebuilt)."""
    original = template.sums()

    def clear():
        template._application_equations.cache_clear()
        template.review_equations.cache_clear()

    def drop(*checks):
        kept = tuple(s for s in original if s.check not in checks)
        monkeypatch.setattr(template, "sums", lambda: kept)
        clear()

    yield drop
    monkeypatch.undo()
    clear()


# ---------------------------------------------------------------------------
# applications
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("other_split", [True, False])
def test_perfect_applications_table(other_split):
    rows = _apps_rows(other_split)
    assert table_kind(rows) == "applications"
    assert score_table(rows) == 1.0
    assert is_perfect(rows)


def test_broken_row_sum_lowers_the_arithmetic_share():
    rows = _apps_rows()
    row = _row(rows, "不掌握")
    row[-1] = str(int(row[-1]) + 1)  # its 总计 column no longer sums its applicants
    score = score_table(rows)
    assert 0.7 < score < 1.0  # every number still alone in its cell: only arithmetic lost
    assert not is_perfect(rows)


def test_sums_between_rows_use_the_rows_the_classifier_names():
    # the row sums hold, but 新收 + 上年结转 ≠ （七）总计 + 结转下年度 in the 自然人 column
    rows = _apps_rows()
    row = _row(rows, "本年新收")
    row[2] = str(int(row[2]) + 1)
    row[-1] = str(int(row[-1]) + 1)
    assert score_table(rows) < 1.0 and not is_perfect(rows)
    # a bare 其他 under （六）其他处理 is its sub-row 3 (the classifier follows the group
    # as the recogniser does); a row whose label it does not know is no outcome row,
    # so （七）总计 = the outcome rows fails while its own row sum holds
    rows = _apps_rows()
    sub3 = _row(rows, "3.其他")
    sub3[1] = "其他"
    assert score_table(rows) == 1.0 and is_perfect(rows)
    sub3[1] = "备注"
    assert score_table(rows) < 1.0 and not is_perfect(rows)


def test_cell_holding_two_numbers_lowers_the_cell_share():
    rows = _apps_rows()
    a, b = rows[-2], rows.pop()  # （七）总计 and 四、结转下年度 merged into one row
    rows[-1] = [x + "\n" + y for x, y in zip(a, b)]
    score = score_table(rows)
    tokens = sum(1 for r in rows for c in r for x in c.split("\n") if x.strip().isdigit())
    assert score < 0.7 * (tokens - 2 * N_COLS) / tokens + 0.3 + 1e-4
    assert not is_perfect(rows)
    assert score < score_table(_apps_rows())


def test_row_count_follows_the_template():
    rows = _apps_rows()
    assert score_table(rows) == 1.0
    # both template versions' rows with numbers (23, 25) with the reader's slack
    few = [r for r in rows if not any(x in (r[0] + r[1]) for x in ("1.", "2.", "3.", "4."))]
    assert score_table(few) < 1.0 and not is_perfect(few)


# ---------------------------------------------------------------------------
# reviews and active tables
# ---------------------------------------------------------------------------
def test_reviews_table():
    rows = _reviews_rows()
    assert table_kind(rows) == "reviews"
    assert score_table(rows) == 1.0 and is_perfect(rows)
    broken = _reviews_rows(totals_right=False)
    assert score_table(broken) == pytest.approx(0.7 + 0.3 * 2 / 3, abs=1e-4)
    assert not is_perfect(broken)
    # the fifteen numbers split over two rows: more than a template row in neither,
    # but two rows with numbers where the template has one
    split = rows[:3] + [rows[3][:8], rows[3][8:]]
    assert score_table(split) < score_table(rows)


def test_active_table():
    rows = _active_rows()
    assert table_kind(rows) == "active"
    # no sums in the template for 第二十条 tables: the arithmetic share is 0.5
    assert score_table(rows) == pytest.approx(0.85)
    assert is_perfect(rows)
    # a row with more numbers than the longest measure list of the template
    longest = max(len(ms) for items in template.ACTIVE_SKELETON.values() for _, ms in items)
    wide = [r + [""] for r in rows]
    wide[3] = ["行政规范性文件"] + ["1"] * (longest + 1)
    assert score_table(wide) < score_table(rows)
    assert not is_perfect(wide)


# ---------------------------------------------------------------------------
# the template data drives the scorer
# ---------------------------------------------------------------------------
def test_dropping_a_sum_of_the_template_changes_the_score(sums_without):
    rows = _apps_rows()
    row = _row(rows, "本年新收")
    row[2] = str(int(row[2]) + 1)
    row[-1] = str(int(row[-1]) + 1)
    broken = score_table(rows)
    assert broken < 1.0
    sums_without("identity")
    assert score_table(rows) == 1.0 and is_perfect(rows)
    sums_without("identity", "applicant_sum", "outcome_sum", "other_sum")
    assert score_table(rows) == pytest.approx(0.85)  # nothing to check: arithmetic share 0.5


def test_dropping_the_review_sum(sums_without):
    broken = _reviews_rows(totals_right=False)
    assert score_table(broken) < 1.0
    sums_without("review_sum")
    assert score_table(broken) == pytest.approx(0.85)
