"""A Japanese font that reportlab can EMBED, made from Debian's Noto Sans CJK.

reportlab embeds only TrueType (glyf) outlines; Noto Sans CJK ships CFF (PostScript)
outlines in a .ttc. So the text of a document is subset out of the collection with
fontTools and its outlines converted to quadratic (TrueType) curves — a few hundred glyphs
take well under a second. The fallback (reportlab's built-in CID font HeiseiKakuGo-W5) is
used only when no CJK font file exists; CID fonts are not embedded and depend on the
reader's fonts, so a warning is logged.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics

log = logging.getLogger(__name__)
_serial = itertools.count(1)

# Searched in order; KPI_CJK_FONT may point at another .ttc/.otf/.ttf with Japanese glyphs.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
)
JP_FACE = "Noto Sans CJK JP"  # the face of the collection to use: Japanese glyph shapes
FALLBACK_CID = "HeiseiKakuGo-W5"
# Always in the subset: ASCII, so numbers and codes never fall out of a document.
BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "　、。・「」（）〜…―—◎○△×◆◇●？％"


def font_file() -> Path | None:
    env = os.environ.get("KPI_CJK_FONT")
    if env and Path(env).exists():
        return Path(env)
    return next((p for p in FONT_CANDIDATES if p.exists()), None)


def _open_face(path: Path) -> Any:
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(path), lazy=True)
        for face in collection.fonts:
            if face["name"].getDebugName(4) == JP_FACE:
                return face
        return collection.fonts[0]
    return TTFont(str(path), lazy=True)


@lru_cache(maxsize=32)
def _truetype_subset(path: str, chars: str) -> bytes:
    """A TrueType (glyf) font holding just ``chars``, as file bytes."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    font = _open_face(Path(path))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE"]
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    if "CFF " in font:
        order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyphs[name] = pen.glyph()
        font["loca"] = newTable("loca")
        glyf = font["glyf"] = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = glyphs
        del font["CFF "]
        glyf.compile(font)
        hmtx = font["hmtx"]
        for name, glyph in glyphs.items():
            if hasattr(glyph, "xMin"):
                hmtx[name] = (hmtx[name][0], glyph.xMin)
        maxp = font["maxp"] = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for attr in (
            "maxZones",
            "maxTwilightPoints",
            "maxStorage",
            "maxFunctionDefs",
            "maxInstructionDefs",
            "maxStackElements",
            "maxSizeOfInstructions",
            "maxComponentElements",
        ):
            setattr(maxp, attr, 1 if attr == "maxZones" else 0)
        maxp.compile(font)
        post = font["post"]
        post.formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
        font.sfntVersion = "\x00\x01\x00\x00"
    # reportlab registers faces by their PostScript name: each subset needs its own, or a
    # later document would draw with an earlier subset's glyphs.
    face_name = "KpiJP-" + hashlib.sha1(chars.encode()).hexdigest()[:12]
    for record in font["name"].names:
        if record.nameID in (4, 6):
            record.string = face_name
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def register_japanese_font(text: str) -> str:
    """Register a font covering ``text`` with reportlab; return its name.

    Call once per document; the subset holds exactly the glyphs of ``text``.
    """
    from reportlab.pdfbase.ttfonts import TTFont

    path = font_file()
    if path is None:
        log.warning("No CJK font file found; using the non-embedded CID font %s", FALLBACK_CID)
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if FALLBACK_CID not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
        return FALLBACK_CID
    chars = "".join(sorted(set(BASE_CHARS) | {c for c in text if c >= " " and c not in "\x7f"}))
    # A fresh font object per document: reportlab keeps per-document subset state on the
    # font, and reusing it across documents left some characters without a text mapping.
    name = f"KpiJP-{hashlib.sha1(chars.encode()).hexdigest()[:12]}-{next(_serial)}"
    pdfmetrics.registerFont(TTFont(name, io.BytesIO(_truetype_subset(str(path), chars))))
    return name
