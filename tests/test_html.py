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
