"""Words of issue 21 (items 1–5): the 起点 of a target-only indicator, a plan's own scale,
新規 in exports, and plan-file messages. Entries shaped as ``kpi.text.catalog.TEXT``
(key → (Japanese, English)), which registers them."""

from __future__ import annotations

SCALE_TEXT: dict[str, tuple[str, str]] = {
    # A target-only indicator's trajectory starts at its first report of the year.
    "scale_chart_first_report": ("起点", "First report"),
}
