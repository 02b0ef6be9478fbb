"""平潭综合实验区财政金融局 2021 (data/reports/pingtan_czj_2021.txt, a crawler dump whose
tables were flattened into one line, cells separated by single spaces): a row prints
``0 0 0 0 0 00``, seven cells with the total glued to the last column. Every cell of the
applications table is read, all 0."""
import gxbg_kit as gx


def test_pingtan_czj_2021_space_separated_rows_with_glued_total(reports):
    apps = gx.read_report(reports / "pingtan_czj_2021.txt").applications
    assert len(apps) > 0
    assert apps["count"].notna().all() and (apps["count"] == 0).all()
