"""The pages' words that were inline language branches or tables in app.py and pages/:
entries shaped as those of ``kpi.text.catalog.TEXT`` (key → (Japanese, English)), which
registers them."""

from __future__ import annotations

PAGE_TEXT: dict[str, tuple[str, str]] = {
    "entry_assessment_of": ("自己評価（{month}）", "Self-assessment ({month})"),
    # あなたの課の照会
    # レポート
    "rep_make": ("{}を作成", "Make {}"),
    "rep_failed": (
        "レポートを作成できませんでした。時間をおいてもう一度お試しください。",
        "The report could not be made. Please try again later.",
    ),
    "rep_making": ("作成中… グラフ {}/{}", "Making… chart {}/{}"),
}
