"""One status vocabulary in colour and shape: the palette of charts, chips, reports and prints.

Every status is colour plus text plus shape, so a grey printout still reads
(◎ 達成, ○ 順調, △ 注意, × 遅延 follow the marks Japanese evaluation sheets use). The
status words themselves are in ``kpi.text.labels`` (``status_label``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.domain.status import Status

# Japanese fonts first so that charts and PDFs render the plan's text; the generic
# families are fallbacks for machines without Noto CJK.
FONT_STACK = '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif'


@dataclass(frozen=True)
class StatusStyle:
    ja: str
    en: str
    symbol: str  # printable shape that survives a grey printout
    color: str  # fill colour
    text_color: str  # readable text on the fill
    marker: str  # plotly marker symbol for charts


# Colours chosen for a grey printout as much as for the screen: the four project statuses
# sit on four clearly different lightness levels (CIELAB L* about 25 / 43 / 69 / 92), each
# status differs from its neighbour in the legend, and every label keeps WCAG AA contrast
# (4.5:1) on its fill. tests/text/test_palette.py holds these steps.
STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.ACHIEVED: StatusStyle("達成", "Achieved", "◎", "#1565C0", "#FFFFFF", "star"),
    Status.ON_TRACK: StatusStyle("順調", "On track", "○", "#66BB6A", "#000000", "circle"),
    Status.CAUTION: StatusStyle("注意", "Caution", "△", "#FFEB3B", "#000000", "triangle-up"),
    Status.DELAYED: StatusStyle("遅延", "Delayed", "×", "#7F0000", "#FFFFFF", "x"),
    Status.NO_DATA: StatusStyle("未入力", "No data", "―", "#E0E0E0", "#000000", "line-ew-open"),
    Status.NO_BASELINE: StatusStyle("基準値未設定", "No baseline", "？", "#6A1B9A", "#FFFFFF", "hourglass"),
    Status.REFERENCE: StatusStyle("参考", "Reference", "・", "#FFFFFF", "#424242", "circle-open"),
    Status.NOT_DUE: StatusStyle("予定", "Planned", "◇", "#CFD8DC", "#000000", "diamond-open"),
    Status.DONE: StatusStyle("完了", "Done", "◆", "#00796B", "#FFFFFF", "diamond"),
}


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of ``#RRGGBB`` (0 black … 1 white)."""

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def lightness(color: str) -> float:
    """CIELAB L* (0 … 100): how light a colour prints in grey, in steps the eye sees evenly."""
    y = relative_luminance(color)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 … 21); AA asks 4.5 for normal text."""
    low, high = sorted((relative_luminance(a), relative_luminance(b)))
    return (high + 0.05) / (low + 0.05)


# The order statuses are listed in legends and count tables: good to bad, then the rest.
LEGEND_ORDER: tuple[Status, ...] = (
    Status.ACHIEVED,
    Status.ON_TRACK,
    Status.CAUTION,
    Status.DELAYED,
    Status.NO_DATA,
    Status.NO_BASELINE,
    Status.NOT_DUE,
    Status.DONE,
    Status.REFERENCE,
)
