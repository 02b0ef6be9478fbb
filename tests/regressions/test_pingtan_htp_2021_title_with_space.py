"""平潭综合实验区海坛片区管理局 2021 (data/reports/pingtan_htp_2021.txt, crawler dump with a
``标题:`` header): the title prints a space and 关于 between the agency and the year
(``平潭综合实验区海坛片区管理局 关于2021年度…``). Agency and year still come from it."""
import gxbg_kit as gx


def test_title_with_space_and_guanyu(reports):
    path = reports / "pingtan_htp_2021.txt"
    assert "海坛片区管理局 关于2021年度" in path.read_text(encoding="utf-8").splitlines()[0]
    rep = gx.read_report(path)
    assert rep.meta.agency == "平潭综合实验区海坛片区管理局"
    assert rep.year == 2021
