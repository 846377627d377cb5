"""Words of issue 22 item 4 (fast where managers look): the static charts shown first and the
interactive ones on demand. Entries shaped as ``kpi.text.catalog.TEXT`` (key → (Japanese,
English)), which registers them."""

from __future__ import annotations

SPEED22_TEXT: dict[str, tuple[str, str]] = {
    "speed22_interactive": ("グラフを拡大・操作する（{n}件）", "Zoom and explore the charts ({n})"),
    "speed22_interactive_schedule": ("工程表を拡大・操作する", "Zoom and explore the schedule"),
    "speed22_charts_hint": (
        "グラフは画像で表示しています。拡大や画像（PNG）の保存は「グラフを拡大・操作する」から。",
        "The charts are shown as pictures; to zoom or save one as PNG, use “Zoom and explore the charts”.",
    ),
    "speed22_schedule_hint": (
        "拡大や画像（PNG）の保存は「工程表を拡大・操作する」から。",
        "To zoom or save it as PNG, use “Zoom and explore the schedule”.",
    ),
    # A chart picture's text alternative: its title and latest figures.
    "speed22_chart_alt": (
        "{title}。実績 {actual}（{month}）、目標 {target}、状況 {status}",
        "{title}. Actual {actual} ({month}), target {target}, status {status}",
    ),
    # A ● of the 工程表 picture: its text and its status in words.
    "speed22_mark_label": ("{text}（{status}）", "{text} ({status})"),
}
