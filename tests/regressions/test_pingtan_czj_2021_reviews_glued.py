"""平潭综合实验区财政金融局 2021 (data/reports/pingtan_czj_2021.txt, crawler dump, the
复议/诉讼 table flattened to one line): the 15 review numbers are printed as 11
space-separated tokens (``00 0 00 0 0 0 00 0 0 0 00``). The proceedings' sums cut them:
15 zeros, marked inferred."""
import gxbg_kit as gx
from gxbg_kit.recognize import recognise_reviews


def test_reviews_glued_are_cut_by_the_proceeding_sums():
    table = recognise_reviews(["行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计 00 0 00 0 0 0 00 0 0 0 00"])
    assert table.cells == ["0"] * 15


def test_the_real_page_reads_fifteen_inferred_zeros(reports):
    path = reports / "pingtan_czj_2021.txt"
    assert "总计 00 0 00 0 0 0 00 0 0 0 00" in path.read_text(encoding="utf-8")
    reviews = gx.read_report(path).reviews
    assert reviews["count"].tolist() == [0] * 15
    assert reviews["inferred"].all()
