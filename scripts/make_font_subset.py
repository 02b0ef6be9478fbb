#!/usr/bin/env python
"""Build the CJK font shipped in ``gxbg_kit/fonts/``.

The charts must show Chinese on machines without any Chinese system font, so
the package ships a subset of Noto Sans CJK SC Regular (SIL Open Font
License 1.1) covering:

* printable ASCII and Latin-1,
* general punctuation, letter-like symbols, arrows, maths operators used in
  labels (such as the minus sign U+2212), box and shape symbols,
* CJK symbols and punctuation, full-width forms,
* every character of the GB2312 character set (6,763 hanzi plus symbols).

The source is Debian's ``fonts-noto-cjk`` package (installed with apt-get when
missing and ``--install`` is given).  The CFF outlines are converted to
TrueType (quadratic) outlines: matplotlib embeds a CFF-flavoured OpenType
font in a PDF with ``pdf.fonttype`` 42 as a "CID TrueType" font holding CFF
data, which poppler reports as "Mismatch between font type and embedded font
file"; with TrueType outlines the PDF, PostScript and SVG output is clean.
Only the ``kern`` and ``palt`` layout features are kept (no vertical forms or
locale variants), which keeps the file at about 2.3 MB.  The family is renamed ("GxbgKit Sans SC") so that it never clashes
with a system-installed Noto Sans CJK SC; as the OFL asks, the copyright and
licence notices are kept and ``OFL.txt`` is shipped next to the font.

The output is deterministic (fixed timestamps), so re-running the script
gives byte-identical files.  The package does not need fonts-noto-cjk at
run time.

Usage::

    python scripts/make_font_subset.py [--install] [--otf] [--out gxbg_kit/fonts]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "GxbgKit Sans SC"
POSTSCRIPT = "GxbgKitSansSC-Regular"
FILENAME = "GxbgKitSansSC-Regular.ttf"
#: fixed head.created / head.modified (seconds since 1904-01-01): 2022-01-27,
#: the date of the Debian source package, so that the output is reproducible
FIXED_TIME = 3726172800

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2010, 0x205E),  # general punctuation
    (0x2100, 0x214F),  # letter-like symbols (℃, №, ℉)
    (0x2150, 0x218F),  # number forms (Roman numerals)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (− U+2212, ≤, ≥, ×)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①…)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (■, ●, △)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK letters (㈠…)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]


def gb2312_characters() -> set[int]:
    """Every character the GB2312 codec can decode (rows 0xA1-0xF7)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def unicodes() -> set[int]:
    cps = gb2312_characters()
    for lo, hi in RANGES:
        cps.update(range(lo, hi + 1))
    return cps


def ensure_source(install: bool) -> Path:
    if SOURCE.exists():
        return SOURCE
    if not install:
        sys.exit(f"{SOURCE} not found: install Debian's fonts-noto-cjk or pass --install")
    apt = shutil.which("apt-get")
    if apt is None:
        sys.exit("apt-get not found: install fonts-noto-cjk by other means")
    subprocess.run([apt, "update"], check=True)
    subprocess.run([apt, "install", "-y", "fonts-noto-cjk"], check=True)
    return SOURCE


def load_sc(path: Path) -> TTFont:
    collection = TTCollection(str(path))
    for font in collection.fonts:
        if font["name"].getDebugName(1) == SOURCE_FAMILY:
            return font
    sys.exit(f"{SOURCE_FAMILY} not found in {path}")


def subset_font(font: TTFont, cps: set[int]) -> TTFont:
    options = subset.Options()
    options.layout_features = ["kern", "palt"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "DSIG"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(cps))
    subsetter.subset(font)
    return font


def cff_to_truetype(font: TTFont, max_err: float = 1.0) -> TTFont:
    """Replace the CFF table by glyf/loca with quadratic outlines (cu2qu)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    return font


def rename(font: TTFont) -> None:
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=rec.nameID)
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName("Regular", 2, 3, 1, 0x409)
    name.setName(f"{FAMILY} Regular (gxbg_kit subset)", 3, 3, 1, 0x409)
    name.setName(FAMILY, 4, 3, 1, 0x409)
    name.setName(POSTSCRIPT, 6, 3, 1, 0x409)
    name.setName("Subset of Noto Sans CJK SC Regular (GB2312, ASCII, CJK punctuation), "
                 "made for gxbg_kit by scripts/make_font_subset.py", 10, 3, 1, 0x409)
    for rec in list(name.names):  # drop non-Windows duplicates of removed ids
        if rec.platformID != 3:
            name.names.remove(rec)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [POSTSCRIPT]


LICENCE_HEADER = """\
GxbgKitSansSC-Regular.ttf is a modified version (subset, TrueType outlines,
renamed family) of Noto Sans CJK SC Regular, made by scripts/make_font_subset.py
from Debian's fonts-noto-cjk package (upstream: the noto-cjk project of Google
and Adobe). It is distributed under the SIL Open Font License, Version 1.1,
below; the rest of gxbg_kit is under its own licence.

Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.
Noto is a trademark of Google Inc.

This Font Software is licensed under the SIL Open Font License, Version 1.1.
This license is copied below, and is also available with a FAQ at:
https://openfontlicense.org
"""
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")


def write_licence(out: Path) -> Path:
    """Write OFL.txt: the font's copyright notice and the full OFL 1.1 text."""
    src = DEBIAN_COPYRIGHT.read_text(encoding="utf-8")
    body = src.split("\nLicense: SIL-1.1\n", 2)[-1].split("\nLicense: GPL-3+")[0]
    lines = ["" if line.strip() == "." else line[1:] for line in body.splitlines()]
    path = out / "OFL.txt"
    path.write_text(LICENCE_HEADER + "\n" + "\n".join(lines).strip("\n") + "\n",
                    encoding="utf-8")
    return path


def build(out: Path, install: bool, truetype: bool) -> Path:
    font = load_sc(ensure_source(install))
    font = subset_font(font, unicodes())
    if truetype:
        font = cff_to_truetype(font)
        filename = FILENAME
    else:
        filename = FILENAME.replace(".ttf", ".otf")
    rename(font)
    font["head"].created = FIXED_TIME
    font["head"].modified = FIXED_TIME
    font.recalcTimestamp = False
    out.mkdir(parents=True, exist_ok=True)
    path = out / filename
    font.save(str(path))
    write_licence(out)
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "gxbg_kit" / "fonts")
    parser.add_argument("--install", action="store_true",
                        help="apt-get install fonts-noto-cjk when the source font is missing")
    parser.add_argument("--otf", action="store_true",
                        help="keep CFF outlines (.otf) instead of converting to TrueType")
    args = parser.parse_args(argv)
    path = build(args.out, args.install, truetype=not args.otf)
    font = TTFont(str(path))
    print(f"{path}: {path.stat().st_size:,} bytes, {len(font.getBestCmap()):,} characters, "
          f"{len(font.getGlyphOrder()):,} glyphs")


if __name__ == "__main__":
    main()
