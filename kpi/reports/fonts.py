"""The Japanese font of every PDF and print chart: IPAex Gothic from the pip package
``matplotlib-fontja``.

It has TrueType (glyf) outlines, which reportlab embeds as a subset and matplotlib draws
directly, so no system font and no outline conversion is needed (Windows PCs included).
"""

from __future__ import annotations

import threading
from pathlib import Path

FONT_NAME = "IPAexGothic"  # the family name inside ipaexg.ttf (matplotlib finds it by this)
_lock = threading.Lock()


def font_path() -> Path:
    from matplotlib_fontja import get_font_ttf_path

    return Path(get_font_ttf_path())


def register_japanese_font(text: str = "") -> str:
    """Register the Japanese font with reportlab (once per process); return its name.

    reportlab embeds the glyphs a document uses (a subset per document), so ``text`` is not
    needed; the parameter stays for callers that pass it. The print charts' text is drawn in
    it by name (kpi.reports.pdf_charts).
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))
            except Exception as e:  # reportlab raises TTFError or OSError, both unexpected here
                raise RuntimeError(f"日本語フォントを登録できません: {font_path()}") from e
    return FONT_NAME
