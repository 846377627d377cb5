"""The app's CSS is one file (kpi/web/static/app.css), read once; the uploader's words follow the language."""

from __future__ import annotations

from kpi.text.catalog import t
from kpi.web import frame


def test_the_css_file_is_read_once_and_holds_every_rule_of_the_page() -> None:
    frame._css.cache_clear()
    frame.css("ja")
    frame.css("en")
    assert frame._css.cache_info().misses == 1  # read once, whatever the language
    japanese = frame.css("ja")
    assert japanese.startswith("<style>") and japanese.rstrip().endswith("</style>")
    assert ".kpi-chip" in japanese and "table.kpi-report" in japanese and "print-color-adjust" in japanese
    assert frame.CSS_FILE.read_text(encoding="utf-8").count("{") == japanese.count("{")


def test_the_uploader_reads_in_the_visitors_language() -> None:
    japanese, english = frame.css("ja"), frame.css("en")
    assert "ファイルを選ぶ" in japanese and t("uploader_limit", "ja") in japanese
    assert "ファイルを選ぶ" not in english and t("uploader_choose", "en") in english
    assert "$choose" not in japanese + english and "$limit" not in japanese + english
