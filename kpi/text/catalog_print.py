"""Words of issue 22b: speed (charts on demand) and print (downloads, paper layout).
Entries shaped as those of ``kpi.text.catalog.TEXT`` (key → (Japanese, English))."""

from __future__ import annotations

PRINT_TEXT: dict[str, tuple[str, str]] = {
    "print_downloads_hint": (
        "PDF とグラフ画像は「作成」を押すと作られます（同じデータなら次からすぐ）。",
        "The PDF and the chart images are made when you press Make (at once next time, while the data stay the same).",
    ),
}
