#!/usr/bin/env python
"""Make the PDF and Word fixtures of ``tests/fixtures/`` from the seed reports.

Run from the repository root with the project venv::

    .venv/bin/python scripts/make_fixtures.py            # installs Debian packages if missing

What it makes
-------------
* ``tests/fixtures/docx/<seed>.docx`` for the five seeds of ``data/reports/``:
  the seed's own paragraphs and headings, in order, with its three tables
  (主动公开, 依申请公开, 复议诉讼) set as ruled Word tables with the national
  template's merged header cells and the numbers the seed prints (blank where the
  seed has no number).  Each seed uses a different CJK font; some have page
  headers and page-number footers, one repeats its header rows on every page.
* ``tests/fixtures/pdf/<seed>_lo.pdf``: the same .docx rendered by LibreOffice
  headless (the 依申请公开 table breaks across a page in most of them).
* ``tests/fixtures/pdf/<seed>_rl.pdf`` for seeds 000 and 003, drawn with
  reportlab (WenQuanYi Zen Hei / AR PL UMing TrueType fonts, running header and
  ``- N -`` footer, a table split across pages), and ``002_rl_unruled.pdf``: the
  same with no ruling lines at all (read by the stream/text strategies).
* ``pdf/rotated_003.pdf``: 003_lo.pdf with every page turned by ``/Rotate 90``;
  ``pdf/restricted_003.pdf``: 003_lo.pdf encrypted with an owner password only
  (opens without a password, copying not permitted), as many agencies publish.
* Failure fixtures: ``pdf/scanned.pdf`` (page images, no text layer),
  ``pdf/scanned_pagenum.pdf`` (page images with only page numbers as text),
  ``pdf/encrypted.pdf`` (user password), ``pdf/cid.pdf`` (ToUnicode maps
  removed: text extracts as ``(cid:NN)``), ``pdf/corrupt.pdf`` (truncated),
  ``docx/bomb.docx`` (declares a 3 GB member), ``docx/xxe.docx`` (an external-entity
  DTD), ``docx/corrupt.docx`` (truncated), and ``docx/003.doc`` (legacy Word,
  converted by LibreOffice).

Debian packages it needs (installed with apt-get when missing and running as
root): libreoffice-writer, fonts-noto-cjk, fonts-wqy-zenhei, fonts-arphic-uming.
Python packages: python-docx, reportlab, pypdf, pypdfium2 (``pip install -e .[pdf]``
plus ``pip install reportlab pypdf``).  The test suite needs none of this.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "data" / "reports"
OUT_PDF = ROOT / "tests" / "fixtures" / "pdf"
OUT_DOCX = ROOT / "tests" / "fixtures" / "docx"

DEBIAN = ["libreoffice-writer", "fonts-noto-cjk", "fonts-wqy-zenhei", "fonts-arphic-uming"]
FONT_FILES = {
    "WenQuanYi Zen Hei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "AR PL UMing CN": "/usr/share/fonts/truetype/arphic/uming.ttc",
}


def ensure_debian_packages() -> None:
    missing = [p for p in DEBIAN
               if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"missing Debian packages {missing}: apt-get install -y {' '.join(missing)}")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
                   check=True)


# ---------------------------------------------------------------------------
# The seeds: paragraphs + the numbers of their tables
# ---------------------------------------------------------------------------
Z7 = ["0"] * 7

#: per seed: CJK font, template quirks and the numbers printed in its tables
#: (read off data/reports/<seed>.txt; rows not listed print seven zeros).
SEEDS = {
    "000_a6689a29e53ae8de": dict(
        font="Noto Sans CJK SC", header="陇西县财政局", footer=True, repeat_header=False,
        other_rows="only3",
        labels={"withheld": "(三) 不 予 开 公", "unable": "(四) 无 法 提 供",
                "not_processed": "(五) 不 予 处 理", "result": "三、本 年度 办 理 结 果"},
        apps={("received", None): ["0", "0", "1", "0", "0", "0", "1"],
              ("carried_forward", None): ["0", "", "", "", "", "", "0"]},
        reviews=["0"] * 15,
    ),
    "001_9d882d39005c5935": dict(
        font="WenQuanYi Zen Hei", header=None, footer=True, repeat_header=False,
        other_rows="unsplit", labels={},
        apps={("received", None): ["0", "1", "0", "0", "0", "0", "1"],
              ("carried_over", None): ["2", "0", "0", "0", "0", "0", "2"],
              ("granted", None): ["2", "1", "0", "0", "0", "0", "3"],
              ("processed_total", None): ["2", "1", "0", "0", "0", "0", "3"]},
        reviews=["0"] * 15,
    ),
    "002_323c267c87cacc94": dict(
        font="AR PL UMing CN", header=None, footer=False, repeat_header=True,
        other_rows="unsplit", labels={},
        apps={("received", None): ["8", "0", "0", "0", "0", "0", "8"],
              ("granted", None): ["7", "0", "0", "0", "0", "0", "7"],
              ("withheld", "third_party_rights"): ["1", "0", "0", "0", "0", "0", "1"],
              ("processed_total", None): ["8", "0", "0", "0", "0", "0", "8"]},
        reviews=["0"] * 15,
    ),
    "003_1e9d07bbaba7ae4f": dict(
        font="Noto Serif CJK SC", header="西工区财政局", footer=True, repeat_header=False,
        other_rows="split", labels={}, apps={}, reviews=["0"] * 15,
    ),
    "004_c88faac3643766a2": dict(
        font="Noto Sans CJK SC", header=None, footer=True, repeat_header=False,
        other_rows="split", labels={},
        apps={("received", None): ["13", "0", "0", "0", "0", "0", "13"],
              ("granted", None): ["13", "0", "0", "0", "0", "0", "13"],
              ("processed_total", None): ["13", "0", "0", "0", "0", "0", "13"]},
        reviews=["0", "1", "0", "0", "1", "0", "0", "0", "0"] + [""] * 6,
        active=[
            ["第二十条第(一)项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "0"], ["行政规范性文件", "2", "1", "4"],
            ["第二十条第(五)项"], ["信息内容", "本年处理决定数量"], ["行政许可", "23622"],
            ["第二十条第(六)项"], ["信息内容", "本年处理决定数量"], ["行政处罚", "1721"],
            ["行政强制", "131"],
            ["第二十条第(八)项"], ["信息内容", "本年收费金额(单位:万元)"], ["行政事业性收费", "1270"],
        ],
    ),
}

APPS_HEAD = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"
APPLICANT_HEAD = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
SUBROWS = {
    "withheld": ("(三) 不予公开", [
        ("state_secret", "1.属于国家秘密"), ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
        ("three_safeties_one_stability", "3.危及“三安全一稳定”"),
        ("third_party_rights", "4.保护第三方合法权益"), ("internal_affairs", "5.属于三类内部事务信息"),
        ("process_info", "6.属于四类过程性信息"), ("enforcement_file", "7.属于行政执法案卷"),
        ("query_item", "8.属于行政查询事项")]),
    "unable": ("(四) 无法提供", [
        ("not_held", "1.本机关不掌握相关政府信息"), ("needs_creation", "2.没有现成信息需要另行制作"),
        ("unclear_after_correction", "3.补正后申请内容仍不明确")]),
    "not_processed": ("(五) 不予处理", [
        ("complaint_petition", "1.信访举报投诉类申请"), ("repeated", "2.重复申请"),
        ("publication", "3.要求提供公开出版物"), ("mass_repeated", "4.无正当理由大量反复申请"),
        ("confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息")]),
    "other": ("(六) 其他处理", [
        ("overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3.其他")]),
}


def apps_grid(seed: dict) -> tuple[list[list[str]], list[tuple[int, int, int, int]], int]:
    """The 依申请公开 table as a 10-column grid, its merges (r0, c0, r1, c1), header rows."""
    vals = seed["apps"]
    lab = seed["labels"]

    def v(row, reason=None):
        return list(vals.get((row, reason), Z7))

    grid: list[list[str]] = []
    merges: list[tuple[int, int, int, int]] = []
    # header: 3 rows
    grid.append([APPS_HEAD, "", "", "申请人情况", "", "", "", "", "", ""])
    grid.append(["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"])
    grid.append(["", "", "", "", *APPLICANT_HEAD, ""])
    merges += [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]

    def full(label, row):
        r = len(grid)
        grid.append([label, "", "", *v(row)])
        merges.append((r, 0, r, 2))

    full("一、本年新收政府信息公开申请数量", "received")
    full("二、上年结转政府信息公开申请数量", "carried_over")
    first = len(grid)

    def mid(label, row):
        r = len(grid)
        grid.append(["", label, "", *v(row)])
        merges.append((r, 1, r, 2))

    def sub(row, which=None):
        label, subs = SUBROWS[row]
        label = lab.get(row, label)
        if which is not None:
            subs = [s for s in subs if s[0] in which]
        r0 = len(grid)
        for i, (code, text) in enumerate(subs):
            grid.append(["", label if i == 0 else "", text, *v(row, code)])
        if len(subs) > 1:
            merges.append((r0, 1, len(grid) - 1, 1))

    mid("(一) 予以公开", "granted")
    mid("(二) 部分公开（区分处理的，只计这一情形，不计其他情形）", "partly_granted")
    sub("withheld")
    sub("unable")
    sub("not_processed")
    if seed["other_rows"] == "split":
        sub("other")
    elif seed["other_rows"] == "only3":
        sub("other", which={"other"})
    else:
        mid("(六) 其他处理", "other")
    mid("(七) 总计", "processed_total")
    grid[first][0] = lab.get("result", "三、本年度办理结果")
    merges.append((first, 0, len(grid) - 1, 0))
    full("四、结转下年度继续办理", "carried_forward")
    return grid, merges, 3


def reviews_grid(seed: dict):
    res = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    grid = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*res, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *res, *res],
        list(seed["reviews"]),
    ]
    merges = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)]
    merges += [(1, c, 2, c) for c in range(5)]
    return grid, merges, 3


def active_grid(rows: list[list[str]]):
    grid, merges = [], []
    for r, cells in enumerate(rows):
        cells = [c for c in cells]
        if len(cells) < 4:
            merges.append((r, len(cells) - 1, r, 3))
            cells = cells + [""] * (4 - len(cells))
        grid.append(cells)
    return grid, merges, 0


HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|[1-9]、|附[:：])")


def split_cells(line: str) -> list[str]:
    sep = "\t" if "\t" in line else "|"
    cells = [c.strip() for c in line.split(sep)]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def seed_blocks(name: str) -> list[tuple[str, object]]:
    """The seed as a list of ("p", text) paragraphs and ("table", kind) placeholders."""
    seed = SEEDS[name]
    lines = (SEEDS_DIR / f"{name}.txt").read_text("utf-8").splitlines()
    out: list[tuple[str, object]] = []
    i = 0
    active_rows: list[list[str]] = []
    while i < len(lines):
        s = lines[i].strip()
        if not s:
            i += 1
            continue
        if s.startswith("第二十条"):  # active block: up to the next heading
            j = i
            while j < len(lines) and not re.match(r"^\s*(三、|2、)", lines[j]):
                if lines[j].strip():
                    active_rows.append(split_cells(lines[j]))
                j += 1
            out.append(("table", "active"))
            i = j
            continue
        if "勾稽关系" in s:
            j = i
            while j < len(lines) and not re.match(r"^\s*(四、(?!结转)|3、)", lines[j]):
                j += 1
            out.append(("table", "apps"))
            i = j
            continue
        if s.startswith("行政复议") and any(k == "reviews" for _, k in out) is False:
            j = i
            while j < len(lines) and not re.match(r"^\s*五、", lines[j]):
                j += 1
            out.append(("table", "reviews"))
            i = j
            continue
        out.append(("p", s))
        i += 1
    seed.setdefault("active", active_rows)
    return out


# ---------------------------------------------------------------------------
# .docx with python-docx
# ---------------------------------------------------------------------------
def build_docx(name: str, path: Path) -> None:
    import docx
    from docx.enum.section import WD_SECTION  # noqa: F401
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    seed = SEEDS[name]
    font = seed["font"]
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(1.8)
    sec.top_margin = sec.bottom_margin = Cm(2.2)
    if seed["header"]:
        sec.header.paragraphs[0].text = seed["header"] + "政府信息公开工作年度报告"
    if seed["footer"]:
        p = sec.footer.paragraphs[0]
        p.alignment = 1
        p.add_run("第 ")
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), "PAGE")
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        r.append(t)
        fld.append(r)
        p._p.append(fld)
        p.add_run(" 页")

    def add_table(grid, merges, header_rows, widths, size):
        nrows, ncols = len(grid), len(grid[0])
        t = d.add_table(rows=nrows, cols=ncols)
        t.style = "Table Grid"
        t.autofit = False
        for c, w in enumerate(widths):
            t.columns[c].width = Cm(w)
        covered = set()
        for r0, c0, r1, c1 in merges:
            t.cell(r0, c0).merge(t.cell(r1, c1))
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        for r in range(nrows):
            for c in range(ncols):
                cell = t.cell(r, c)
                cell.width = Cm(widths[c])
                if (r, c) in covered:
                    continue
                para = cell.paragraphs[0]
                para.alignment = 1
                run = para.add_run(grid[r][c])
                run.font.size = Pt(size)
        if seed["repeat_header"] and header_rows:
            for r in range(header_rows):
                trPr = t.rows[r]._tr.get_or_add_trPr()
                el = OxmlElement("w:tblHeader")
                el.set(qn("w:val"), "true")
                trPr.append(el)
        d.add_paragraph()

    for kind, val in seed_blocks(name):
        if kind == "p":
            p = d.add_paragraph()
            run = p.add_run(val)
            if HEADING.match(val) and len(val) < 40:
                run.bold = True
            else:
                p.paragraph_format.first_line_indent = Pt(21)
            continue
        if val == "active":
            grid, merges, h = active_grid(seed["active"])
            add_table(grid, merges, h, [5.4, 3.8, 3.8, 3.8], 10)
        elif val == "apps":
            grid, merges, h = apps_grid(seed)
            add_table(grid, merges, h, [1.1, 2.2, 4.8] + [1.25] * 7, 9)
        else:
            grid, merges, h = reviews_grid(seed)
            add_table(grid, merges, h, [1.13] * 15, 8)
    d.save(path)


# ---------------------------------------------------------------------------
# PDF with reportlab
# ---------------------------------------------------------------------------
def build_reportlab(name: str, path: Path, font_name: str, ruled: bool = True) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    seed = SEEDS[name]
    pdfmetrics.registerFont(TTFont("CJK", FONT_FILES[font_name], subfontIndex=0))
    body = ParagraphStyle("body", fontName="CJK", fontSize=10.5, leading=16,
                          firstLineIndent=21, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, firstLineIndent=0, fontSize=12, leading=20)
    cellst = ParagraphStyle("cell", fontName="CJK", fontSize=8.5, leading=10.5,
                            alignment=1, wordWrap="CJK")
    header_text = (seed["header"] or "") + "政府信息公开工作年度报告"

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("CJK", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 1.2 * cm, header_text)
        canvas.line(2 * cm, A4[1] - 1.35 * cm, A4[0] - 2 * cm, A4[1] - 1.35 * cm)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"- {doc.page} -")
        canvas.restoreState()

    def table(grid, merges, header_rows, widths):
        data = [[Paragraph(c, cellst) if c else "" for c in row] for row in grid]
        style = [("FONTNAME", (0, 0), (-1, -1), "CJK"), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if ruled:
            style.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in merges]
        return Table(data, colWidths=[w * cm for w in widths], style=TableStyle(style),
                     splitByRow=1)

    story = []
    for kind, val in seed_blocks(name):
        if kind == "p":
            story.append(Paragraph(val, head if HEADING.match(val) and len(val) < 40 else body))
            continue
        if val == "active":
            grid, merges, h = active_grid(seed["active"])
            story.append(table(grid, merges, h, [5.0, 3.6, 3.6, 3.6]))
        elif val == "apps":
            grid, merges, h = apps_grid(seed)
            story.append(table(grid, merges, h, [1.0, 2.0, 4.6] + [1.2] * 7))
        else:
            grid, merges, h = reviews_grid(seed)
            story.append(table(grid, merges, h, [1.1] * 15))
        story.append(Spacer(1, 8))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=2.2 * cm, bottomMargin=2.2 * cm,
                            title=name, author="gxbg_kit fixtures")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


# ---------------------------------------------------------------------------
# LibreOffice and failure fixtures
# ---------------------------------------------------------------------------
def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                       check=True, capture_output=True, timeout=180)
    ext = fmt.split(":")[0]
    return outdir / (src.stem + "." + ext)


def strip_tounicode(src: Path, dst: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    w = PdfWriter(clone_from=PdfReader(src))
    for page in w.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            f = ref.get_object()
            if NameObject("/ToUnicode") in f:
                del f[NameObject("/ToUnicode")]
    with open(dst, "wb") as fh:
        w.write(fh)


def encrypt(src: Path, dst: Path, user_password: str = "gxbg-secret", permissions: int = -1) -> None:
    """Encrypted with AES-128; with ``user_password=""`` it opens without a password but
    the owner password restricts it (``permissions``: -3904 = print only, no copying)."""
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(src))
    w.encrypt(user_password=user_password, owner_password="gxbg-owner", algorithm="AES-128",
              permissions_flag=permissions)
    with open(dst, "wb") as fh:
        w.write(fh)


def scanned(src: Path, dst: Path, pages: int = 2) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    images = []
    for i in range(min(pages, len(pdf))):
        img = pdf[i].render(scale=70 / 72, grayscale=True).to_pil().convert("L")
        images.append(img)
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=70)
    dst.write_bytes(buf.getvalue())


def scanned_with_page_numbers(src: Path, dst: Path, pages: int = 2) -> None:
    """Page images plus a tiny text layer (a page number per page), as scanners' PDFs often have."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = pdfium.PdfDocument(str(src))
    c = canvas.Canvas(str(dst), pagesize=A4)
    for i in range(min(pages, len(pdf))):
        img = pdf[i].render(scale=60 / 72, grayscale=True).to_pil().convert("L")
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=60)
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
        c.setFont("Helvetica", 9)
        c.drawCentredString(A4[0] / 2, 20, f"- {i + 1} -")
        c.showPage()
    c.save()


def rotated(src: Path, dst: Path) -> None:
    """Every page with /Rotate 90 (content unchanged): shown landscape, laid out portrait."""
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(src))
    for page in w.pages:
        page.rotate(90)
    with open(dst, "wb") as fh:
        w.write(fh)


def bomb_docx(src: Path, dst: Path, declared: int = 3 * 2**30) -> None:
    """A copy of ``src`` whose central directory declares document.xml as ``declared`` bytes."""
    data = bytearray(src.read_bytes())
    # central directory file headers: signature PK\x01\x02; uncompressed size at +24,
    # file name length at +28, name at +46
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        nlen = struct.unpack_from("<H", data, pos + 28)[0]
        fname = bytes(data[pos + 46: pos + 46 + nlen])
        if fname == b"word/document.xml":
            struct.pack_into("<I", data, pos + 24, declared)
        pos += 4
    dst.write_bytes(bytes(data))


def xxe_docx(src: Path, dst: Path) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                decl_end = text.index("?>") + 2
                text = (text[:decl_end]
                        + '\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                        + text[decl_end:])
                text = text.replace("一、总体情况", "一、总体情况&xxe;", 1)
                data = text.encode("utf-8")
            zout.writestr(item, data)


def main() -> None:
    ensure_debian_packages()
    OUT_PDF.mkdir(parents=True, exist_ok=True)
    OUT_DOCX.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in SEEDS:
            short = name[:3]
            dpath = OUT_DOCX / f"{short}.docx"
            build_docx(name, dpath)
            pdf = soffice_convert(dpath, "pdf", tmp)
            shutil.copy(pdf, OUT_PDF / f"{short}_lo.pdf")
            print("made", dpath.name, f"{short}_lo.pdf")
        build_reportlab("000_a6689a29e53ae8de", OUT_PDF / "000_rl.pdf", "WenQuanYi Zen Hei")
        build_reportlab("003_1e9d07bbaba7ae4f", OUT_PDF / "003_rl.pdf", "AR PL UMing CN")
        build_reportlab("002_323c267c87cacc94", OUT_PDF / "002_rl_unruled.pdf", "WenQuanYi Zen Hei",
                        ruled=False)
        print("made 000_rl.pdf 003_rl.pdf 002_rl_unruled.pdf")
        doc = soffice_convert(OUT_DOCX / "003.docx", "doc:MS Word 97", tmp)
        shutil.copy(doc, OUT_DOCX / "003.doc")
    src = OUT_PDF / "003_lo.pdf"
    strip_tounicode(src, OUT_PDF / "cid.pdf")
    encrypt(src, OUT_PDF / "encrypted.pdf")
    encrypt(src, OUT_PDF / "restricted_003.pdf", user_password="", permissions=-3904)
    rotated(src, OUT_PDF / "rotated_003.pdf")
    scanned(src, OUT_PDF / "scanned.pdf")
    scanned_with_page_numbers(src, OUT_PDF / "scanned_pagenum.pdf")
    (OUT_PDF / "corrupt.pdf").write_bytes(src.read_bytes()[:1500])
    bomb_docx(OUT_DOCX / "003.docx", OUT_DOCX / "bomb.docx")
    xxe_docx(OUT_DOCX / "003.docx", OUT_DOCX / "xxe.docx")
    (OUT_DOCX / "corrupt.docx").write_bytes((OUT_DOCX / "003.docx").read_bytes()[:3000])
    total = sum(p.stat().st_size for p in [*OUT_PDF.iterdir(), *OUT_DOCX.iterdir()])
    print(f"fixtures: {total / 2**20:.2f} MB")


if __name__ == "__main__":
    main()
