"""Word reports: ``.docx`` read directly from its XML, legacy ``.doc`` through LibreOffice.

The body of ``word/document.xml`` is walked in document order: paragraphs
become lines, tables become tab-separated rows on a grid (``w:gridSpan`` and
``w:gridBefore`` give the columns a cell covers, ``w:vMerge`` the rows; a merged
cell's text is in its top-left position and the positions it covers are blank).
Page headers and footers live in other parts of the package and are never read.
A table used as a frame (a single cell, or cells holding tables) is read as
the paragraphs and tables inside it.  Automatic list numbers (``numbering.xml``, directly or through a paragraph
style) are rendered as Word prints them, so an auto-numbered heading reads
"一、总体情况".

Safety: the archive's declared uncompressed size is checked against
``max_uncompressed`` before anything is extracted (and reads are capped at the
declared size), and the XML is parsed by lxml with ``resolve_entities=False``,
``no_network=True`` and no DTD loading; a document that carries a DTD at all (Word
never writes one: it is a sign of an XXE attempt) is refused.

python-docx, which uses lxml the same way (its parser sets
``resolve_entities=False``), is not needed here: walking the XML directly keeps
merged cells and the body order exact.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib

from ..decode import decode, sniff_format
from ..errors import ReadError
from ..html import html_to_text
from .common import Extracted, fold_radicals, rows_to_text, score_table, table_kind

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: text under these is not printed: tracked deletions, and the VML fallback that
#: repeats a DrawingML text box for old readers
_SKIP_ANCESTORS = {W + "del", MC + "Fallback"}
#: grid columns narrower than this (twentieths of a point; 60 = 1 mm) are merged away
SLIVER_TWIPS = 60
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True)


def _xml(data: bytes, name: str):
    """Parse one XML part safely; refuse any DTD."""
    from lxml import etree

    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        raise ReadError("corrupt_archive", f"{name} is not well-formed XML ({e})") from e
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ReadError("corrupt_archive", f"{name} carries a DTD (<!DOCTYPE …>), which Word never "
                                           "writes; refusing it (possible external-entity attack)")
    return root


def _read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise ReadError("corrupt_archive", f"{name} declares {info.file_size} bytes uncompressed, "
                                           f"more than the limit of {limit}")
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ReadError("corrupt_archive", f"{name} inflates beyond {limit} bytes")
    return data


def _main_part(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "word/document.xml" in names:
        return "word/document.xml"
    for n in names:  # a renamed main part: find it through the package relationships
        if n.endswith("document.xml") and n.startswith("word/"):
            return n
    raise ReadError("unsupported_format",
                    "a zip archive without word/document.xml: not a Word .docx document")


#: the widest grid a table row may span (a damaged gridSpan must not allocate millions of cells)
MAX_COLUMNS = 64
_CN_DIGITS = "零一二三四五六七八九"


def _int(value, default: int = 0, hi: int = 10**6) -> int:
    """An attribute as an int; ``default`` when missing or not a number; capped at ``hi``."""
    try:
        return max(0, min(int(value), hi))
    except (TypeError, ValueError):
        return default
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _chinese(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + r, n - v
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
               "japaneseCounting", "chineseLegalSimplified", "ideographDigital"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        s = _roman(n)
        return s if fmt == "upperRoman" else s.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Word's automatic list numbers (numbering.xml), so that an auto-numbered heading
    reads "一、总体情况" as printed, not "总体情况"."""

    def __init__(self, numbering=None, styles=None):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, str] = {}
        self.starts: dict[tuple[str, int], int] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            for a in numbering.iterfind(W + "abstractNum"):
                lv = {}
                for lvl in a.iterfind(W + "lvl"):
                    ilvl = _int(lvl.get(W + "ilvl"), 0, 9)
                    lv[ilvl] = (_val(lvl, W + "numFmt", "decimal") or "decimal",
                                _val(lvl, W + "lvlText", "") or "",
                                _int(_val(lvl, W + "start"), 1))
                self.levels[a.get(W + "abstractNumId", "")] = lv
            for n in numbering.iterfind(W + "num"):
                nid = n.get(W + "numId", "")
                self.nums[nid] = _val(n, W + "abstractNumId", "") or ""
                for o in n.iterfind(W + "lvlOverride"):
                    st = _val(o, W + "startOverride")
                    if st is not None:
                        self.starts[(nid, _int(o.get(W + "ilvl"), 0, 9))] = _int(st, 1)
        if styles is not None:
            for st in styles.iterfind(W + "style"):
                numpr = st.find(f"{W}pPr/{W}numPr")
                if numpr is not None:
                    self.style_num[st.get(W + "styleId", "")] = (
                        _val(numpr, W + "numId", "") or "", _int(_val(numpr, W + "ilvl"), 0, 9))

    def label(self, p) -> str:
        if not self.nums:
            return ""
        ppr = p.find(W + "pPr")
        if ppr is None:
            return ""
        numpr = ppr.find(W + "numPr")
        style = _val(ppr, W + "pStyle")
        if numpr is not None:
            nid = _val(numpr, W + "numId", "") or ""
            ilvl = _int(_val(numpr, W + "ilvl"), 0, 9)
            if not nid and style in self.style_num:
                nid = self.style_num[style][0]
        elif style in self.style_num:
            nid, ilvl = self.style_num[style]
        else:
            return ""
        aid = self.nums.get(nid)
        if aid is None or nid == "0":
            return ""
        levels = self.levels.get(aid, {})
        if ilvl not in levels:
            return ""
        counts = self.counters.setdefault(aid, {})
        fmt, text, start = levels[ilvl]
        start = self.starts.get((nid, ilvl), start)
        counts[ilvl] = counts.get(ilvl, start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if fmt in ("bullet", "none") and "%" not in text:
            return "" if fmt == "bullet" else text

        def sub(m):
            k = int(m.group(1)) - 1
            f, _, st = levels.get(k, ("decimal", "", 1))
            return _format_number(counts.get(k, st), f)

        return re.sub(r"%([1-9])", sub, text)


def _para_text(p, num: _Numbering | None = None) -> str:
    parts = [num.label(p)] if num is not None else []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "del", W + "noBreakHyphen"):
        tag = el.tag
        if tag == W + "t":
            if any(a.tag in _SKIP_ANCESTORS for a in el.iterancestors()):
                continue  # deleted text; the fallback copy of a text box
            parts.append(el.text or "")
        elif tag == W + "tab":
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _cell_text(tc, num: _Numbering | None = None) -> str:
    lines = []
    for p in tc.iter(W + "p"):
        t = _para_text(p, num).strip()
        if t:
            lines.append(t)
    return "\n".join(lines)


def _val(el, path: str, default=None):
    found = el.find(path)
    if found is None:
        return default
    return found.get(W + "val", "")


def _table_rows(tbl, num: _Numbering | None = None) -> list[list[str]]:
    grid: list[list[str]] = []
    for tr in tbl.findall(W + "tr"):
        row: list[str] = []
        trpr = tr.find(W + "trPr")
        before = _int(_val(trpr, W + "gridBefore"), 0, MAX_COLUMNS) if trpr is not None else 0
        row += [""] * before
        for tc in tr.findall(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                span = max(1, _int(_val(tcpr, W + "gridSpan"), 1, MAX_COLUMNS))
                vmerge = _val(tcpr, W + "vMerge")
            text = "" if vmerge not in (None, "restart") else _cell_text(tc, num)
            row += [text] + [""] * (span - 1)
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    # drop sliver grid columns (a few twips wide: an artefact of cell borders that almost
    # line up); text that starts in one moves to the next column
    widths = [_int(g.get(W + "w")) for g in tbl.iterfind(W + "tblGrid/" + W + "gridCol")]
    if len(widths) == width and widths and max(widths) > 0:
        for s in reversed(range(width)):
            if widths[s] >= SLIVER_TWIPS:
                continue
            nxt = s + 1 if s + 1 < len(grid[0]) else s - 1
            if nxt < 0:
                continue
            for r in grid:
                if r[s] and not r[nxt]:
                    r[nxt] = r[s]
                elif r[s]:
                    r[nxt] = r[s] + "\n" + r[nxt] if nxt > s else r[nxt] + "\n" + r[s]
                del r[s]
    return grid


def _is_layout_table(tbl) -> bool:
    """A table used as a frame: one cell, or cells that hold tables themselves."""
    cells = [tc for tr in tbl.findall(W + "tr") for tc in tr.findall(W + "tc")]
    return len(cells) == 1 or any(tc.find(".//" + W + "tbl") is not None for tc in cells)


class _Chunks:
    """The ``w:altChunk`` parts of a package (a Word "import" of another document: the
    body may be nothing but an HTML page holding the report), read as text where they
    stand. HTML and MHT (web archive) chunks go through the HTML reader, plain text is
    read as it is, a nested .docx through :func:`read_docx`; other kinds (RTF …) are
    listed in ``unread`` so that an empty body can say why."""

    def __init__(self, zf: zipfile.ZipFile, main: str, limit: int, depth: int):
        self.zf, self.limit, self.depth = zf, limit, depth
        self.targets: dict[str, str] = {}
        self.unread: list[str] = []
        base = main.rsplit("/", 1)[0] if "/" in main else ""
        rels = f"{base}/_rels/{main.rsplit('/', 1)[-1]}.rels" if base else f"_rels/{main}.rels"
        if rels not in zf.namelist():
            return
        for rel in _xml(_read_member(zf, rels, limit), rels).iterfind(PKG_REL + "Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue  # nothing is fetched
            path = target.lstrip("/") if target.startswith("/") else _join(base, target)
            self.targets[rel.get("Id", "")] = path

    def text(self, el) -> str:
        path = self.targets.get(el.get(R + "id", ""))
        if path is None or path not in self.zf.namelist():
            self.unread.append("an altChunk whose part is missing")
            return ""
        data = _read_member(self.zf, path, self.limit)
        kind = _chunk_kind(path, data)
        if kind == "html":
            return html_to_text(decode(data)[0])
        if kind == "mht":
            html = _mht_html(data)
            if html is not None:
                return html_to_text(html)
        elif kind == "text":
            return decode(data)[0]
        elif kind == "docx" and self.depth < 2:
            return read_docx(data, max_uncompressed=self.limit, _depth=self.depth + 1).text
        self.unread.append(f"{path} ({kind})")
        return ""


def _join(base: str, target: str) -> str:
    parts = (base.split("/") if base else []) + target.split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out)


def _chunk_kind(path: str, data: bytes) -> str:
    """html, mht, text, docx, rtf or unknown: by the part's first bytes, then its name."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    name = path.lower()
    if head.startswith(b"pk\x03\x04"):
        return "docx"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if name.endswith((".mht", ".mhtml")) or head.startswith((b"mime-version", b"content-type")):
        return "mht"
    if name.endswith((".htm", ".html", ".xhtml")) or re.search(rb"<(?:!doctype html|html|body)[\s>]", head):
        return "html"
    if name.endswith(".txt"):
        return "text"
    return "html" if sniff_format(data[:2048]) == "html" else "unknown"


def _mht_html(data: bytes) -> str | None:
    """The first text/html part of an MHT (MIME web archive), decoded."""
    import email
    from email import policy

    msg = email.message_from_bytes(data, policy=policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            try:
                return part.get_content()
            except (LookupError, UnicodeError, ValueError):
                payload = part.get_payload(decode=True) or b""
                return decode(payload)[0]
    return None


def _blocks(parent, out: list, tables: list, num: _Numbering, chunks: _Chunks | None = None) -> None:
    for el in parent:
        tag = el.tag
        if tag == W + "p":
            text = _para_text(el, num).strip()
            if text:
                out.append(text)
        elif tag == W + "tbl":
            if _is_layout_table(el):  # a frame around the text: read what is inside, in order
                for tc in el.iter(W + "tc"):
                    if tc.getparent().getparent() is el:
                        _blocks(tc, out, tables, num, chunks)
                continue
            rows = _table_rows(el, num)
            if not rows:
                continue
            kind = table_kind(rows)
            tables.append({"engine": "docx", "pages": [], "n_rows": len(rows),
                           "n_cols": len(rows[0]) if rows else 0,
                           "score": score_table(rows, kind), "kind": kind,
                           "candidates": {}})
            out.append(rows_to_text(rows))
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"):
            _blocks(el, out, tables, num, chunks)
        elif tag == W + "altChunk" and chunks is not None:
            text = chunks.text(el).strip()
            if text:
                out.append(text)


def read_docx(data: bytes, *, max_uncompressed: int = 200 * 2**20, _depth: int = 0) -> Extracted:
    """Read a ``.docx`` report into text with its tables as tab-separated rows.

    Raises :class:`~gxbg_kit.errors.ReadError`: ``corrupt_archive`` for a damaged
    zip, a zip bomb (more than ``max_uncompressed`` bytes declared) or XML with a
    DTD; ``encrypted`` for a password-protected Word file; a legacy ``.doc``
    given as ``.docx`` is handed to :func:`read_doc`.
    """
    if not data or not data.strip():
        raise ReadError("empty_file", "the file has no bytes")
    if data[:8] == _OLE_MAGIC:
        return read_doc(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError,
            EOFError) as e:
        raise ReadError("corrupt_archive", f"the .docx is not a readable zip archive ({e})") from e
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise ReadError("corrupt_archive",
                        f"the .docx declares {total} bytes uncompressed, more than the limit of "
                        f"{max_uncompressed} (a zip bomb?)")
    try:
        name = _main_part(zf)
        xml = _read_member(zf, name, max_uncompressed)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, zlib.error,
            NotImplementedError) as e:
        raise ReadError("corrupt_archive", f"the .docx archive is damaged ({e})") from e
    except RuntimeError as e:  # encrypted zip member
        raise ReadError("encrypted", f"the .docx archive is encrypted ({e})") from e
    root = _xml(xml, name)
    body = root.find(W + "body")
    if body is None:
        raise ReadError("corrupt_archive", f"{name} has no w:body")
    parts = {}
    for part in ("word/numbering.xml", "word/styles.xml"):
        if part in zf.namelist():
            try:
                parts[part] = _xml(_read_member(zf, part, max_uncompressed), part)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error,
                    NotImplementedError) as e:
                raise ReadError("corrupt_archive", f"the .docx archive is damaged ({e})") from e
    num = _Numbering(parts.get("word/numbering.xml"), parts.get("word/styles.xml"))
    out: list[str] = []
    tables: list[dict] = []
    try:
        chunks = _Chunks(zf, name, max_uncompressed, _depth) if body.find(".//" + W + "altChunk") \
            is not None else None
        _blocks(body, out, tables, num, chunks)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, zlib.error,
            NotImplementedError) as e:
        raise ReadError("corrupt_archive", f"the .docx archive is damaged ({e})") from e
    if chunks is not None and chunks.unread and not any(s.strip() for s in out):
        raise ReadError("unsupported_format", "the .docx body is only embedded parts (altChunk) the "
                        f"kit cannot read: {', '.join(chunks.unread)}; save the file as .docx or PDF "
                        "from Word to read it")
    return Extracted(fold_radicals("\n".join(out) + "\n"), tables, None)


def read_doc(data: bytes, *, timeout: float = 120.0) -> Extracted:
    """Read a legacy Word ``.doc`` by converting it to ``.docx`` with LibreOffice.

    Needs ``soffice`` (or ``libreoffice``) on PATH; without it raises
    ``unsupported_format`` saying what to install.
    """
    if not data or not data.strip():
        raise ReadError("empty_file", "the file has no bytes")
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise ReadError("unsupported_format",
                        "a legacy Word .doc file: converting it needs LibreOffice, which is not "
                        "installed; install LibreOffice (Debian: apt-get install libreoffice-writer) "
                        "to read .doc files, or save the file as .docx or PDF")
    if data[:8] == _OLE_MAGIC and "EncryptionInfo".encode("utf-16-le") in data:
        raise ReadError("encrypted", "the Word file is password-protected")
    with tempfile.TemporaryDirectory(prefix="gxbg_doc_") as tmp:
        src = os.path.join(tmp, "report.doc")
        with open(src, "wb") as fh:
            fh.write(data)
        profile = os.path.join(tmp, "profile")
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", tmp, src]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            raise ReadError("timed_out", f"LibreOffice took more than {timeout:.0f} s to "
                                         "convert the .doc file") from e
        out = os.path.join(tmp, "report.docx")
        if not os.path.exists(out):
            raise ReadError("corrupt", "LibreOffice could not convert the .doc file "
                                       "(damaged or not a Word document)")
        with open(out, "rb") as fh:
            converted = fh.read()
    return read_docx(converted)
