"""The app's CSS is one file (kpi/web/static/app.css), read once, its uploader words Japanese only."""

from __future__ import annotations

from kpi.web import frame


def test_the_css_file_is_read_once_into_every_page_and_japanese_page_blocks() -> None:
    frame._css.cache_clear()
    common, japanese = frame._css()
    assert frame._css() is frame._css()  # read once
    assert frame._css.cache_info().misses == 1
    text = frame.CSS_FILE.read_text(encoding="utf-8")
    assert common.startswith("<style>") and common.rstrip().endswith("</style>")
    assert ".kpi-chip" in common and "table.kpi-report" in common and "print-color-adjust" in common
    # The uploader's Japanese words only on Japanese pages, and every rule of the file in one block or the other.
    assert "ファイルを選ぶ" in japanese and "1ファイル200MBまで" in japanese and "ファイルを選ぶ" not in common
    assert ".kpi-chip" not in japanese
    body = common.removeprefix("<style>\n").removesuffix("</style>\n")
    ja_body = japanese.removeprefix("<style>\n").removesuffix("</style>\n")
    assert body + ja_body == text
