"""Words of issue 22b: speed (charts on demand) and print (downloads, paper layout).
Entries shaped as those of ``kpi.text.catalog.TEXT`` (key → (Japanese, English))."""

from __future__ import annotations

PRINT_TEXT: dict[str, tuple[str, str]] = {
    "speed_show_charts": ("グラフを表示（{n}件）", "Show the charts ({n})"),
    "speed_charts_hint": (
        "表の右端は今年度の推移です。グラフは必要なときに表示します。",
        "The table's last column is this year's trend; the charts are drawn when you ask for them.",
    ),
    "speed_show_schedule": ("工程表をグラフで表示", "Show the schedule as a chart"),
    "print_downloads_hint": (
        "PDF とグラフ画像は「作成」を押すと作られます（同じデータなら次からすぐ）。",
        "The PDF and the chart images are made when you press Make (at once next time, while the data stay the same).",
    ),
}
