"""Robustness of the text path: regex backtracking, HTML span bombs and swallowed
pages, stray bytes, Word altChunk bodies and the number rules.

Time bounds are CPU time (``time.process_time``) and generous: a linear pattern takes
milliseconds on these lines, a quadratic or cubic one seconds to hours.
"""
import base64
import codecs
import io
import re
import time
import zipfile
from pathlib import Path

import pytest

import gxbg_kit as gx
from gxbg_kit import cells, checks, decode, html, metadata, narrative, read, sections, text, tokens
from gxbg_kit.cells import Value, is_value, parse_value, split_line
from gxbg_kit.errors import ReadError
from gxbg_kit.schema import CHECKS

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"
SEED = (DATA / "000_a6689a29e53ae8de.txt").read_text(encoding="utf-8")


def cpu(fn, *args):
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


# --------------------------------------------------------------------------
# 2. Backtracking: every regex that runs on report text is linear
# --------------------------------------------------------------------------
N = 10_000
PATHOLOGICAL = {
    "spaces": " " * N, "tabs": "\t" * N, "ideographic spaces": "\u3000" * N, "nbsp": "\xa0" * N,
    "一、 repeated": "一、" * (N // 2), "digits": "1" * N, "digit commas": "1," * (N // 2),
    "digit dots": "1." * (N // 2), "附 repeated": "附" * N, "附 then spaces": "附" + " " * N,
    "附 spaces 件 spaces": "附" + " " * N + "件" + " " * N, "第1页 then spaces": "第1页" + " " * N,
    "【 then spaces": "【" + " " * N, "pipes and dashes": "|--" * (N // 3), "dashes": "-" * N,
    "新收 repeated": "新收" * (N // 2), "year then spaces": "2020" + " " * N,
    "sentence ends and spaces": "。 " * (N // 2), "numbered heads": "（一）" * (N // 3),
    "存在问题 padded": " " * N + "存在的主要问题及改进情况" + " " * N, "date padded": "2020" + " 年" * N,
}
# the pathological lines as they are, and with a character that makes every match fail at
# their end (the case that backtracks)
LINES = {f"{k}{tail}": v + tail for k, v in PATHOLOGICAL.items() for tail in ("", "x")}


def _module_patterns():
    """Every compiled regex at module level (and in module-level lists and dicts) of the
    modules whose regexes run on report text, plus the ones built at run time."""
    out = {}
    for mod in (sections, metadata, checks, cells, tokens, html, read, decode, narrative, text):
        for name, v in vars(mod).items():
            items = ([(name, v)] if isinstance(v, re.Pattern)
                     else [(f"{name}[{k}]", x) for k, x in (v.items() if isinstance(v, dict)
                                                            else enumerate(v))]
                     if isinstance(v, (list, tuple, dict)) else [])
            for label, x in items:
                x = x[1] if isinstance(x, tuple) and len(x) == 2 else x
                if isinstance(x, re.Pattern):
                    out[f"{mod.__name__.rsplit('.', 1)[-1]}.{label}"] = x
    out["sections.chrome_pattern()"] = sections.chrome_pattern()
    for k, p in enumerate(sections._chrome_probes()):
        out[f"sections._chrome_probes()[{k}]"] = p
    for k, p in enumerate(sections._inline_patterns()):
        out[f"sections._inline_patterns()[{k}]"] = p
    for name, p in sections.section_patterns():
        out[f"sections.section_patterns()[{name}]"] = p
    return out


PATTERNS = _module_patterns()
# patterns run only on short strings: (where the guard is, the longest string they see)
GUARDED = {
    "sections._HEADING": ("heading_section: lines of at most 60 characters", 60),
    "sections._UNNUMBERED": ("heading_section: lines of at most 60 characters", 60),
    "metadata._AGENCY_TAIL": ("read_meta: a title line of at most 60 characters", 60),
    "cells._MD_SEPARATOR": ("split_line: fullmatch only (tested below)", 0),
}
# quadratic on a run of spaces at an item start (adjacent [ \t]* of _START and
# _ENUM_PREFIX); narrative.py is outside this change: reported to its owner with the fix
# (possessive [ \t]*+ in _START, _ENUM_PREFIX and the ^[ \t]* leads)
#: patterns once quadratic on a run of spaces where an item starts (split_problems took
#: 3.7 s on 10^4 spaces), now with possessive white space: also tested on 3,000 spaces
OPEN = {"narrative._STRONG_RE", "narrative._WEAK_RE", "narrative._PROBLEM_SUBHEAD",
        "narrative._PROBLEM_SUBHEAD_INLINE", "narrative._MEASURE_SUBHEAD"}


def _run(pat: re.Pattern, s: str) -> None:
    if isinstance(pat.pattern, bytes):
        s = s.encode("utf-8")
    pat.match(s)
    pat.search(s)
    for _ in pat.finditer(s):
        pass


def test_the_audit_found_the_patterns():
    assert len(PATTERNS) > 60
    assert {"sections._APPENDIX", "tokens._PAGE_FURNITURE", "cells._NUMBER", "html._CJK_GAP",
            "checks.NARRATIVE_PATTERNS[0]", "metadata._YEAR", "decode._CONTROL"} <= set(PATTERNS)
    assert set(GUARDED) | OPEN <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(set(PATTERNS) - set(GUARDED) - OPEN))
def test_every_text_regex_is_linear_on_pathological_lines(name):
    pat = PATTERNS[name]
    slow = {k: t for k, s in LINES.items() if (t := cpu(_run, pat, s)) > 0.5}
    assert not slow, f"{name} ({pat.pattern[:80]!r}) backtracks: {slow}"


@pytest.mark.parametrize("name", sorted(OPEN))
def test_narrative_item_regexes_are_linear(name):
    # 3,000 spaces: a linear pattern takes well under a millisecond, these took ~0.3 s
    assert cpu(_run, PATTERNS[name], " " * 3000 + "x") < 0.03


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_guarded_regexes_see_only_short_strings_and_are_fast_there(name):
    pat, (_, longest) = PATTERNS[name], GUARDED[name]
    for s in LINES.values():
        assert cpu(_run, pat, s[:longest]) < 0.05


def test_appendix_heading_of_附_and_4000_spaces_is_linear():
    # was 95 s: adjacent \s* around 附 backtracked in cubic time
    for line in ("附" + " " * 4000, " " * 4000 + "附" + " " * 4000 + "件" + " " * 4000 + "1" + " " * 4000):
        assert cpu(sections._APPENDIX.match, line) < 0.05
        assert cpu(sections.find_sections, ["标题", line, "尾"]) < 0.5
    assert sections._APPENDIX.match("附件1：")
    assert sections._APPENDIX.match("  附 表 2 、")
    assert sections._APPENDIX.match("附：政府信息公开工作年度报告表")
    assert not sections._APPENDIX.match("附近的居民")


def test_page_number_line_then_spaces_is_linear():
    line = "第1页" + "\u3000" * N + "x"
    assert cpu(tokens._PAGE_FURNITURE.match, line) < 0.05
    assert tokens._PAGE_FURNITURE.match("第 2 页 / 共 10 页") and tokens._PAGE_FURNITURE.match("- 3 -")


def test_chrome_line_of_a_mark_and_spaces_is_linear():
    assert cpu(sections.chrome_pattern().match, " " * N + "【" + " " * N + "x") < 0.05
    assert sections.strip_chrome("正文\n  【 打印本页 】\n尾") == "正文\n尾"


@pytest.mark.parametrize("key", sorted(LINES))
def test_entry_points_are_fast_on_pathological_lines(key):
    s = LINES[key]
    lines = ["标题", s, "一、总体情况", s, "五、存在的主要问题及改进情况", s, "尾"]
    t = time.process_time()
    sections.strip_chrome("\n".join(lines))
    sections.find_sections(lines)
    sections.heading_section(s)
    metadata.read_meta(lines, 2)
    tokens.tokenize(lines)
    checks.narrative_figures(s)
    is_value(s), parse_value(s), split_line(s), tokens.looks_like_value(s)
    html.html_to_text(f"<html><body><p>{s}</p><table><tr><td>{s}</td><td>1</td></tr></table></body></html>")
    decode.decode(s.encode("utf-8"))
    read.sniff_format(s.encode("utf-8"))
    assert time.process_time() - t < 3.0


def test_a_report_with_pathological_lines_reads_fast():
    bad = "\n".join(PATHOLOGICAL.values())
    t = time.process_time()
    rep = gx.read_report((SEED + "\n" + bad + "\n").encode("utf-8"), name="x.txt")
    rep.applications
    assert time.process_time() - t < 10.0


# --------------------------------------------------------------------------
# 3. HTML span bomb
# --------------------------------------------------------------------------
def test_html_span_bomb_fails_fast_as_corrupt():
    cell = '<td rowspan="65534" colspan="1000">x</td>'
    page = "<html><body><table>" + ("<tr>" + cell * 10 + "</tr>") * 70 + "</table></body></html>"
    assert 25_000 < len(page) < 35_000
    t = time.process_time()
    with pytest.raises(ReadError) as err:
        html.html_to_text(page)
    assert time.process_time() - t < 2.0
    assert err.value.reason == "corrupt" and "span bomb" in str(err.value)
    rep = gx.read_report(page.encode(), name="bomb.html")
    assert rep.status_reason[:2] == ("failed", "corrupt")


def test_html_wide_colspan_row_over_many_rows_is_capped():
    # one row of 600 cells of colspan 1000, then 600 one-cell rows: 3.6e8 places padded
    page = ("<html><body><table><tr>" + '<td colspan="1000">a</td>' * 600 + "</tr>"
            + "<tr><td>b</td></tr>" * 600 + "</table></body></html>")
    t = time.process_time()
    with pytest.raises(ReadError, match="span bomb"):
        html.html_to_text(page)
    assert time.process_time() - t < 2.0


def test_html_normal_spans_are_laid_out_as_before():
    page = ("<html><body><table><tr><td rowspan=\"3\">三、本年度办理结果</td><td colspan=\"7\">标题</td></tr>"
            "<tr><td>(一)予以公开</td><td>1</td></tr><tr><td>(二)部分公开</td><td>2</td></tr>"
            "</table></body></html>")
    assert html.html_to_text(page).splitlines() == [
        "三、本年度办理结果\t标题\t标题\t标题\t标题\t标题\t标题\t标题",
        "三、本年度办理结果\t(一)予以公开\t1\t\t\t\t\t",
        "三、本年度办理结果\t(二)部分公开\t2\t\t\t\t\t"]


# --------------------------------------------------------------------------
# 7. A few stray bytes
# --------------------------------------------------------------------------
def _with_gbk_phrase(text: str) -> tuple[bytes, int, int]:
    """UTF-8 bytes of ``text`` with a GBK-encoded phrase (6 bad bytes) in a prose line;
    the phrase's byte offset and line."""
    at = text.index("根据《中华人民共和国政府信息公开条例》")
    head = text[:at].encode("utf-8")
    return head + "政府信息".encode("gbk") + text[at:].encode("utf-8"), len(head), text[:at].count("\n") + 1


def test_utf8_report_with_a_gbk_phrase_is_kept_with_replacement():
    data, offset, line = _with_gbk_phrase(SEED)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read.to_document(data, "x.txt")
    assert doc.encoding == "utf-8"
    assert doc.replaced and doc.replaced[0].offset == offset and doc.replaced[0].line == line
    assert sum(r.length for r in doc.replaced) <= 8
    assert "\ufffd" in doc.text
    rep = gx.read_report(data, name="x.txt")
    clean = gx.read_report(SEED.encode("utf-8"), name="x.txt")
    assert rep.status_reason[0] != "failed"
    assert rep.applications.drop(columns="report_id").equals(clean.applications.drop(columns="report_id"))
    # the check the report gets (wired in report.py's _check_records)
    recs = checks.check_encoding_replaced("r", rep.document.replaced, rep.document.encoding)
    assert len(recs) == 1
    rec = dict(zip(checks.COLUMNS, recs[0]))
    assert rec["check"] == "encoding_replaced" and rec["ok"] is False and rec["actual"] == sum(
        r.length for r in doc.replaced)
    assert f"line {line}" in rec["detail"] and "utf-8" in rec["detail"]
    assert "encoding_replaced" in CHECKS
    assert checks.check_encoding_replaced("r", (), "utf-8") == []


def test_utf8_with_bom_and_a_gbk_phrase_is_kept():
    data, offset, _ = _with_gbk_phrase(SEED)
    text, enc, replaced = decode.decode_replacing(codecs.BOM_UTF8 + data)
    assert enc == "utf-8-sig" and replaced[0].offset == offset + 3


def test_html_page_with_stray_bytes_is_kept():
    page = ("<html><body><p>一、总体情况</p><p>" + "本年度认真贯彻落实条例。" * 50 + "</p></body></html>").encode()
    data = page.replace("条例".encode(), "条例".encode("gbk"), 1)
    doc = read.to_document(data, "x.html")
    assert doc.source_format == "html" and doc.replaced and "一、总体情况" in doc.text


def test_mostly_bad_bytes_stay_undecodable_and_gbk_stays_gbk():
    import random

    rnd = random.Random(7)
    noise = bytes(rnd.randrange(256) for _ in range(5000))
    with pytest.raises(ReadError) as err:
        decode.decode(noise)
    assert err.value.reason == "undecodable"
    # a GBK page of mostly ASCII markup is GBK, not "nearly UTF-8"
    page = ("<html><body>" + "<div class='x'>abc</div>" * 2000 + "<p>政府信息公开</p></body></html>")
    text, enc = decode.decode(page.encode("gbk"))
    assert enc == "gb18030" and "政府信息公开" in text
    # a UTF-8 file whose bad bytes are more than a few is not read with replacement
    many = ("政府信息公开" * 100).encode() + "政府信息公开".encode("gbk") * 40
    assert decode._decode_replacing(many, "utf-8") is None


# --------------------------------------------------------------------------
# 8. Unclosed <embed>, <noscript>, <template>
# --------------------------------------------------------------------------
BODY = "<p>一、总体情况</p><table><tr><td>自然人</td><td>3</td></tr></table><p>二、主动公开政府信息情况</p>"


@pytest.mark.parametrize("opener", ['<embed src="a.swf">', "<embed src=a.swf width=1 height=1>",
                                    "<noscript>请启用JavaScript", "<template><p>模板</p>", "<object data=x>"])
def test_unclosed_skipped_element_does_not_swallow_the_page(opener):
    page = f"<html><body><p>前言</p>{opener}{BODY}</body></html>"
    lines = html.html_to_text(page).splitlines()
    assert "一、总体情况" in lines and "自然人\t3" in lines and "二、主动公开政府信息情况" in lines


def test_closed_skipped_elements_are_still_skipped():
    page = ("<html><body><noscript>请启用JavaScript</noscript><template><p>模板</p></template>"
            f"<embed src=a.swf></embed><object><p>插件</p></object>{BODY}</body></html>")
    text = html.html_to_text(page)
    assert "自然人\t3" in text
    assert not any(w in text for w in ("请启用", "模板", "插件"))


def test_unclosed_embed_page_is_a_report():
    page = ("<html><body><embed src=\"flash.swf\">" + BODY
            + "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
              "<p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p></body></html>")
    rep = gx.read_report(page.encode(), name="x.html")
    assert rep.status_reason[1] != "not_a_report"
    assert "overview" in set(rep.sections["section"])


# --------------------------------------------------------------------------
# 13. A .docx whose body is an altChunk
# --------------------------------------------------------------------------
def altchunk_docx(chunk: bytes, name: str = "afchunk.htm") -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{w}" '
           f'xmlns:r="{r}"><w:body><w:altChunk r:id="htmlChunk"/><w:sectPr/></w:body></w:document>')
    rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
            f'Id="htmlChunk" Type="{r}/aFChunk" Target="{name}"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", doc)
        z.writestr("word/_rels/document.xml.rels", rels)
        z.writestr(f"word/{name}", chunk)
    return buf.getvalue()


def _seed_html() -> bytes:
    import html as std_html

    paras = "".join(f"<p>{std_html.escape(ln)}</p>" if "\t" not in ln else
                    "<table><tr>" + "".join(f"<td>{std_html.escape(c)}</td>" for c in ln.split("\t"))
                    + "</tr></table>" for ln in SEED.splitlines())
    return f"<html><head><meta charset=\"utf-8\"></head><body>{paras}</body></html>".encode()


def test_docx_whose_body_is_an_html_altchunk_is_read():
    rep = gx.read_report(altchunk_docx(_seed_html()), name="x.docx")
    assert rep.status_reason[0] != "failed", rep.status_reason
    assert {"overview", "applications"} <= set(rep.sections["section"])
    html_rep = gx.read_report(_seed_html(), name="x.html")
    assert rep.applications["count"].notna().sum() > 50
    assert rep.applications["count"].equals(html_rep.applications["count"])


def test_docx_mht_altchunk_is_read():
    mht = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n--B\r\n'
           b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
           + base64.encodebytes(_seed_html()) + b"\r\n--B--\r\n")
    text = gx.read_report(altchunk_docx(mht, "afchunk.mht"), name="x.docx").document.text
    assert "一、总体情况" in text


def test_docx_with_an_unreadable_altchunk_says_why():
    rep = gx.read_report(altchunk_docx(b"{\\rtf1 hello}", "afchunk.rtf"), name="x.docx")
    status, reason, message = rep.status_reason
    assert (status, reason) == ("failed", "unsupported_format") and "altChunk" in message


# --------------------------------------------------------------------------
# 14. Number rules
# --------------------------------------------------------------------------
@pytest.mark.parametrize("cell,number,unreadable", [
    ("13,290", 13290, False), ("1,234,567", 1234567, False), ("1,234.5", 1234.5, False),
    ("１２", 12, False), ("0", 0, False), ("0000", 0, False),
    ("1,2,3", None, True), ("12,34", None, True), ("123,4567", None, True), ("0,123", None, True),
    ("①", None, True), ("⑴", None, True), ("²", None, True), ("٣", None, True), ("१२", None, True),
    ("+5", 5, False), ("-3", -3, False), ("增2", 2, False), ("12.5", 12.5, False),
])
def test_number_rules(cell, number, unreadable):
    v = parse_value(cell)
    assert (v.number, v.unreadable) == (number, unreadable)
    # number-shaped: stands where a value stands (⑴ folds to (1): a value by its look)
    assert is_value(cell) or tokens.looks_like_value(cells.fold(cell))


def test_a_printed_sign_is_marked():
    assert parse_value("+5") == Value(5.0, None, False, True)
    assert parse_value("减 3").signed and parse_value("-3").signed and not parse_value("5").signed


def test_count_table_cells_that_are_no_counts_are_na_and_unreadable():
    from gxbg_kit.tidy import _count

    assert _count("-3") == (None, True)  # a count is ≥ 0
    assert _count("12.5") == (None, True)  # a count is whole
    assert _count("1,2,3") == (None, True)
    assert _count("①") == (None, True)
    assert _count("13,290") == (13290, False)


def test_ambiguous_cells_in_a_report_are_na_with_unreadable_cell():
    table_line = next(ln for ln in SEED.splitlines() if "本年新收政府信息公开申请数量" in ln)
    cells_ = table_line.split("\t")  # 一、 | label | 自然人 | 商业企业 | …
    bad = "\t".join(cells_[:2] + ["1,2,3", "①"] + cells_[4:])
    rep = gx.read_report(SEED.replace(table_line, bad, 1).encode(), name="x.txt")
    apps = rep.applications
    got = apps[(apps["row"] == "received")].set_index("applicant")["count"]
    assert got.isna().iloc[:2].all()
    unread = rep.checks[rep.checks["check"] == "unreadable_cell"]
    assert {"1,2,3", "①"} <= {d.split("cannot read ")[1].strip("'") for d in unread["detail"]}


def test_report_with_stray_gbk_bytes_has_an_encoding_replaced_check():
    """The check reaches the report's checks table (report.py wiring)."""
    import gxbg_kit as gx

    text = (Path(__file__).resolve().parents[2] / "data" / "reports"
            / "003_1e9d07bbaba7ae4f.txt").read_bytes()
    data = text.replace("总体情况".encode(), "总体情况".encode("gbk"), 1)
    rep = gx.read_report(data, name="x.txt")
    assert rep.status != "failed"
    got = rep.checks[rep.checks["check"] == "encoding_replaced"]
    assert len(got) == 1 and got["ok"].eq(False).all()


def test_signed_count_is_na_and_unreadable():
    """+5 in a count table: a count is printed without a sign (增/减 belong to 第二十条)."""
    from gxbg_kit.tidy import _count

    assert _count("+5") == (None, True) and _count("-3") == (None, True)
    assert _count("5") == (5, False)
