"""Seed 004 (data/reports/004_c88faac3643766a2.txt, one cell per line): a row of the
applications table prints an empty line between its sixth and seventh value. Seven cells
with one stray blank among them: the blank is dropped, not read as a cell that shifts the
total (recognize._fit_tokens)."""
import gxbg_kit as gx
from gxbg_kit.recognize import _fit_tokens
from gxbg_kit.tokens import Token


def test_fit_stray_interior_blank_seed_004():
    row = [Token("blank" if x == "" else "value", x, i, None, True, False)
           for i, x in enumerate(["0"] * 6 + [""] + ["1"])]
    assert _fit_tokens(row, 7, None)[0] == ["0"] * 6 + ["1"]


def test_seed_004_applications_read_whole_despite_stray_blanks(reports):
    """Hand-read: 本年新收, 予以公开 and 总计 are 13 for 自然人 and in total, every other
    cell 0; a stray blank read as a cell would shift a row (a wrong or NA total)."""
    apps = gx.read_report(reports / "004_c88faac3643766a2.txt").applications
    assert apps["count"].notna().all()
    thirteen = apps["row"].isin(["received", "granted", "processed_total"]) \
        & apps["applicant"].isin(["natural_person", "total"])
    assert (apps.loc[thirteen, "count"] == 13).all() and thirteen.sum() == 6
    assert (apps.loc[~thirteen, "count"] == 0).all()
