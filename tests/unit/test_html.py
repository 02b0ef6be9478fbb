from pathlib import Path

import pytest

from gxbg_kit.errors import ReadError
from gxbg_kit.html import html_to_text

PAGE = """<!DOCTYPE html><html><head><title>t</title><style>td{color:red}</style>
<script>document.write('二、主动公开')</script></head><body>
<div class="nav">当前位置：首页</div>
<p>一、总体情况</p><p>本年度    共收到申请<b>2</b>件。</p>
<table>
<tr><td colspan="2">项目</td><td colspan="2">申请人情况</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td>(一)予以公开</td><td>1</td><td>&nbsp;</td></tr>
<tr><td>(二)部分公开</td><td colspan="2">5</td></tr>
</table>
<!-- 四、行政复议 -->
</body></html>"""


def test_tables_become_tab_rows_with_expanded_spans():
    text = html_to_text(PAGE)
    lines = text.splitlines()
    assert "项目\t项目\t申请人情况\t申请人情况" in lines  # merged labels repeat
    assert "三、本年度办理结果\t(一)予以公开\t1\t" in lines  # &nbsp; is a blank cell
    # rowspan label repeats; a merged value stands once (never duplicated)
    assert "三、本年度办理结果\t(二)部分公开\t5\t" in lines


def test_scripts_styles_and_comments_ignored_and_whitespace_collapsed():
    text = html_to_text(PAGE)
    assert "document.write" not in text and "color:red" not in text
    assert "四、行政复议" not in text and "二、主动公开" not in text
    assert "本年度 共收到申请 2 件。" in text or "本年度 共收到申请2件。" in text


def test_external_entities_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    page = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
            "<html><body><p>&x;</p><p>一、总体情况</p></body></html>")
    text = html_to_text(page)
    assert "TOPSECRET" not in text and "一、总体情况" in text


def test_marker_characters_in_a_page_do_not_break_tables():
    # the stylesheet marks tables with Unicode noncharacters; a page that
    # contains them (never in real text) must still lay out its table
    page = ("<html><body><p>一、总体情况\ufdd3\ufdd0</p><table>"
            "<tr><td>自然\ufdd2人</td><td>3\ufdd4</td></tr></table></body></html>")
    lines = html_to_text(page).splitlines()
    assert "一、总体情况" in lines and "自然人\t3" in lines


def test_br_breaks_lines_outside_tables_and_joins_inside_cells():
    page = ("<html><body><p>一、总体情况<br>二、主动公开</p>"
            "<table><tr><td>本年<br>新收</td><td>5</td></tr></table></body></html>")
    lines = html_to_text(page).splitlines()
    assert lines[:2] == ["一、总体情况", "二、主动公开"]
    assert "本年新收\t5" in lines


def test_nested_table_in_a_cell_is_read_inline():
    page = ("<html><body><table><tr><td>申请人<table><tr><td>自然人</td></tr></table></td>"
            "<td>7</td></tr></table></body></html>")
    assert "申请人自然人\t7" in html_to_text(page).splitlines()


def test_overlapping_spans_fill_the_grid_labels_repeated_values_once():
    page = """<html><body><table>
    <tr><td rowspan="2">A</td><td colspan="2">B</td></tr>
    <tr><td>5</td><td rowspan="2" colspan="2">7</td></tr>
    <tr><td>C</td><td>1</td></tr>
    <tr></tr><tr><td rowspan="3">D</td></tr>
    </table></body></html>"""
    assert html_to_text(page).splitlines() == [
        "A\tB\tB\t", "A\t5\t7\t", "C\t1\t\t",  # the merged value 7 stands once
        "\t\t\t",  # an empty row stays a row
        "D\t\t\t", "D\t\t\t", "D\t\t\t",  # a rowspan past the last <tr> still fills its rows
    ]


def _nested_page(depth):
    return ("<html><body><p>前言</p>" + "<div>" * depth + "<p>一、总体情况</p><table><tr><td>自然人</td>"
            "<td>3</td></tr></table>" + "</div>" * depth + "<p>二、主动公开政府信息情况</p></body></html>")


@pytest.mark.parametrize("depth", [255, 300, 2000])
def test_page_nested_deeper_than_libxml2_default_limit_is_read_whole(depth):
    # libxml2 stops at 256 levels and drops the rest of the page: such a page read
    # as not_a_report. It is parsed again with the limit raised (to 2,048 levels)
    lines = html_to_text(_nested_page(depth)).splitlines()
    assert {"前言", "一、总体情况", "自然人\t3", "二、主动公开政府信息情况"} <= set(lines)


def test_page_nested_beyond_every_limit_is_corrupt_with_the_reason():
    with pytest.raises(ReadError, match="resource limit.*[Dd]epth") as exc:
        html_to_text(_nested_page(2100))
    assert exc.value.reason == "corrupt"


def test_aspnet_page_whose_body_is_one_form_is_read():
    """ASP.NET pages wrap the whole body in <form id="form1">: the form was skipped
    with its controls and the page read as not_a_report."""
    import gxbg_kit as gx

    text = (Path(__file__).resolve().parents[2] / "data" / "reports"
            / "003_1e9d07bbaba7ae4f.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{ln}</p>" if "\t" not in ln else
                   "<table><tr>" + "".join(f"<td>{c}</td>" for c in ln.split("\t")) + "</tr></table>"
                   for ln in text.splitlines())
    page = ("<html><head><meta charset='utf-8'></head><body><form id='form1' method='post'>"
            f"<input type='hidden' name='__VIEWSTATE' value='dDwxNTc='>{body}</form></body></html>")
    rep = gx.read_report(page.encode(), name="x.html")
    assert rep.status == "ok"
    assert "__VIEWSTATE" not in rep.section("overview") and "dDwxNTc" not in rep.section("overview")
