"""gxbg_kit.testing: hand-read truth against parsed frames, on the real truth files of
``tests/truth/`` and on deliberately perturbed copies of the parsed frames."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.testing import (RESULTS, assert_frames_match, compare_frames, read_truth,
                              summarise)

ROOT = Path(__file__).resolve().parents[2]
TRUTH = ROOT / "tests" / "truth"
#: czj 2019 has 7 truth NA cells (ambiguous splits); czj 2022 prints money in 万元 and 元
STEM, MONEY_STEM = "pingtan_czj_2019", "pingtan_czj_2022"


@cache
def _report(stem: str = STEM):
    return gx.read_report(ROOT / "data" / "reports" / f"{stem}.txt")


def _frames(stem: str = STEM, **changed) -> dict[str, pd.DataFrame]:
    rep = _report(stem)
    frames = {t: getattr(rep, t).copy() for t in ("applications", "active", "reviews")}
    frames.update(changed)
    return frames


def _truth(stem: str = STEM) -> pd.DataFrame:
    return pd.read_csv(TRUTH / f"{stem}.csv", dtype=str, keep_default_na=False)


def _where(frame: pd.DataFrame, **key) -> pd.Index:
    mask = pd.Series(True, index=frame.index)
    for col, code in key.items():
        mask &= frame[col].isna() if code is None else (frame[col] == code)
    assert mask.sum() == 1, key
    return frame.index[mask]


def test_real_report_matches_its_truth_and_counts_add_up():
    truth = _truth()
    comparison = assert_frames_match(TRUTH / f"{STEM}.csv", _report())
    s = summarise(comparison)
    known = int((truth["value"] != "NA").sum())
    assert len(comparison) == len(truth)
    assert (s["compared"], s["right"], s["na"], s["wrong"]) == (known, known, 0, 0)
    assert s["unknown"] == len(truth) - known > 0
    assert s["accuracy"] == 1.0


@pytest.mark.parametrize("stem", ["pingtan_htp_2023", "pingtan_czj_2025"])
def test_must_be_na_compares_the_truth_na_cells_too(stem):
    comparison = assert_frames_match(TRUTH / f"{stem}.csv", _report(stem), truth_na="must_be_na")
    assert summarise(comparison)["unknown"] == 0
    assert summarise(comparison)["compared"] == len(_truth(stem))


def test_a_changed_value_is_wrong_and_named_in_the_message():
    apps = _frames()["applications"]
    i = _where(apps, row="granted", reason=None, applicant="total")
    truth_value = float(apps.loc[i, "count"].iloc[0])
    apps.loc[i, "count"] = int(truth_value) + 3
    with pytest.raises(AssertionError) as err:
        assert_frames_match(TRUTH / f"{STEM}.csv", _frames(applications=apps), label="czj 2019")
    text = str(err.value)
    assert text.startswith("czj 2019: 1 of 191 compared cells differ (190 right, 0 NA, 1 wrong;"
                           " 7 truth NA not compared)")
    line = next(ln for ln in text.splitlines() if "granted/-/total" in ln).split()
    assert line[2:5] == [str(int(truth_value)), str(int(truth_value) + 3), "wrong"]


def test_money_is_compared_with_tolerance_and_a_lost_cell_is_na():
    active = _frames(MONEY_STEM)["active"]
    money = active[active["value"].notna() & (active["value"] % 1 != 0)]
    assert len(money) > 0  # fees in 万元 with decimals, an amount printed in 元
    i = money.index[:1]
    close, off, far = active.copy(), active.copy(), active.copy()
    close.loc[i, "value"] = close.loc[i, "value"] * (1 + 1e-12)
    off.loc[i, "value"] = off.loc[i, "value"] + 1e-4  # one digit of 元 off
    far.loc[i, "value"] = pd.NA
    truth = TRUTH / f"{MONEY_STEM}.csv"
    assert_frames_match(truth, _frames(MONEY_STEM, active=close))
    with pytest.raises(AssertionError, match="1 wrong"):
        assert_frames_match(truth, _frames(MONEY_STEM, active=off))
    comparison = compare_frames(truth, _frames(MONEY_STEM, active=far))
    bad = comparison[comparison["result"] != "right"]
    assert set(bad["result"].astype(str)) <= {"na", "unknown"}
    na = bad[bad["result"] == "na"]
    assert len(na) == 1 and na["got"].isna().all() and na["expected"].notna().all()
    assert na["key2"].iloc[0] == active.loc[i, "measure"].iloc[0]


def test_a_dropped_row_is_na_and_a_duplicated_key_is_wrong():
    reviews = _frames()["reviews"]
    i = _where(reviews, proceeding="review", result="total")
    dropped = reviews.drop(index=i)
    doubled = pd.concat([reviews, reviews.loc[i]], ignore_index=True)
    c1 = compare_frames(TRUTH / f"{STEM}.csv", _frames(reviews=dropped))
    row = c1[c1["key"] == "reviews review/total"].iloc[0]
    assert (row["result"], row["n_parsed"], row["detail"]) == ("na", 0, "not in parsed")
    c2 = compare_frames(TRUTH / f"{STEM}.csv", _frames(reviews=doubled))
    row = c2[c2["key"] == "reviews review/total"].iloc[0]
    assert (row["result"], row["n_parsed"]) == ("wrong", 2)
    assert row["detail"].startswith("2 parsed rows: ")


def test_truth_na_is_unknown_by_default_and_must_be_na_on_request():
    truth = _truth()
    na = truth[(truth["value"] == "NA") & (truth["table"] == "active")].iloc[0]
    active = _frames()["active"]
    i = _where(active, item=na["key1"], measure=na["key2"])
    assert active.loc[i, "value"].isna().all()
    active.loc[i, "value"] = 5  # a guessed number where the truth cannot tell
    guessed = _frames(active=active)
    comparison = assert_frames_match(truth, guessed)  # unknown: not compared
    assert summarise(comparison)["unknown"] == (truth["value"] == "NA").sum()
    with pytest.raises(AssertionError, match=r"1 wrong"):
        assert_frames_match(truth, guessed, truth_na="must_be_na")
    with pytest.raises(ValueError, match="truth_na"):
        compare_frames(truth, guessed, truth_na="zero")


def test_truth_as_a_tidy_frame_with_the_kits_columns():
    rep = _report()
    long = compare_frames(TRUTH / f"{STEM}.csv", rep)
    for table in ("applications", "active", "reviews"):
        tidy = getattr(rep, table).drop(columns=["report_id", "raw"])
        comparison = assert_frames_match(tidy, rep, truth_na="must_be_na")
        assert set(comparison["table"]) == {table}
        assert len(comparison) == len(tidy)
        # the same cells as in the long truth file get the same values
        mine = comparison.set_index("key")["expected"]
        theirs = long[long["table"] == table].set_index("key")["expected"].dropna()
        pd.testing.assert_series_equal(mine.reindex(theirs.index), theirs, check_names=False)


def test_truth_as_a_tidy_csv_typed_by_hand(tmp_path):
    # a user's file: the kit's column names, blank for a cell they could not read
    path = tmp_path / "truth.csv"
    path.write_text("proceeding,result,count\nreview,upheld,0\nreview,total,\n"
                    "suit_direct,corrected,7\n", encoding="utf-8")
    comparison = compare_frames(path, _report())
    assert list(comparison["key"]) == ["reviews review/upheld", "reviews review/total",
                                       "reviews suit_direct/corrected"]
    assert list(comparison["result"].astype(str)) == ["right", "unknown", "wrong"]
    assert comparison["got"].iloc[2] == 0 and comparison["expected"].iloc[2] == 7


def test_parsed_as_one_frame_and_several_reports_refused():
    rep = _report()
    truth = read_truth(TRUTH / f"{STEM}.csv")
    reviews_truth = truth[truth["table"] == "reviews"]
    assert len(assert_frames_match(reviews_truth, rep.reviews)) == 15
    other = _report("pingtan_htp_2019").reviews
    with pytest.raises(ValueError, match="2 reports"):
        compare_frames(reviews_truth, pd.concat([rep.reviews, other]))
    with pytest.raises(ValueError, match="cannot tell the table"):
        compare_frames(reviews_truth, rep.sections)


def test_bad_truth_is_refused():
    truth = _truth()
    with pytest.raises(ValueError, match="neither a number nor NA"):
        read_truth(truth.assign(value=truth["value"].where(truth.index != 3, "1O")))
    with pytest.raises(ValueError, match="more than once"):
        read_truth(pd.concat([truth, truth.iloc[:1]]))
    with pytest.raises(ValueError, match="does not compare"):
        read_truth(truth.assign(table="sections"))


def test_nothing_parsed_is_all_na():
    s = summarise(compare_frames(TRUTH / f"{STEM}.csv", {}))
    assert (s["right"], s["wrong"], s["na"]) == (0, 0, s["compared"])
    assert s["accuracy"] == 0.0
    assert set(compare_frames(TRUTH / f"{STEM}.csv", {})["result"].cat.categories) == set(RESULTS)


def test_gx_testing_is_reachable_from_the_package():
    assert gx.testing.assert_frames_match is assert_frames_match
