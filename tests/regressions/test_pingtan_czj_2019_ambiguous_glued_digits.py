"""平潭综合实验区财政金融局 2019 (data/reports/pingtan_czj_2019.txt, a crawler dump whose
第二十条 table was flattened into one line, cell boundaries lost): 规范性文件1077 under three
columns is 10/7/7 or 1/0/77, and no sum of the form decides between them. The cells are NA
with an ``ambiguous_split`` check listing the candidates, never a guess."""
import gxbg_kit as gx
from gxbg_kit.recognize import recognise_active


def test_ambiguous_active_row_is_na_with_candidates():
    table = recognise_active(["第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
                              "规章000规范性文件1077"])
    assert [table.cells[("normative_documents", m)] for m in
            ("new_made", "new_published", "published_total")] == [None, None, None]
    assert [table.cells[("regulations", m)] for m in
            ("new_made", "new_published", "published_total")] == ["0", "0", "0"]
    assert any(p[0] == "ambiguous_split" and "10/7/7" in p[2] for p in table.problems)


def test_the_real_page_leaves_the_row_na_and_says_why(reports):
    path = reports / "pingtan_czj_2019.txt"
    assert "规范性文件1077" in path.read_text(encoding="utf-8")
    rep = gx.read_report(path)
    docs = rep.active[rep.active["item"] == "normative_documents"]
    assert len(docs) == 3 and docs["value"].isna().all() and docs["raw"].isna().all()
    amb = rep.checks[rep.checks["check"] == "ambiguous_split"]
    assert amb["detail"].str.contains("normative_documents").any()
