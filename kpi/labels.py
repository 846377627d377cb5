"""One status vocabulary, one palette, one label catalog for charts, chips, reports and CLI.

Every status is colour plus text plus shape, so a grey printout still reads
(◎ 達成, ○ 順調, △ 注意, × 遅延 follow the marks Japanese evaluation sheets use).
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.status import Status

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"

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


STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.ACHIEVED: StatusStyle("達成", "Achieved", "◎", "#1565C0", "#FFFFFF", "star"),
    Status.ON_TRACK: StatusStyle("順調", "On track", "○", "#2E7D32", "#FFFFFF", "circle"),
    Status.CAUTION: StatusStyle("注意", "Caution", "△", "#F9A825", "#000000", "triangle-up"),
    Status.DELAYED: StatusStyle("遅延", "Delayed", "×", "#C62828", "#FFFFFF", "x"),
    Status.NO_DATA: StatusStyle("未入力", "No data", "―", "#757575", "#FFFFFF", "line-ew-open"),
    Status.NO_BASELINE: StatusStyle("基準値未設定", "No baseline", "？", "#6A1B9A", "#FFFFFF", "hourglass"),
    Status.REFERENCE: StatusStyle("参考", "Reference", "・", "#FFFFFF", "#424242", "circle-open"),
    Status.NOT_DUE: StatusStyle("予定", "Planned", "◇", "#B0BEC5", "#000000", "diamond-open"),
    Status.DONE: StatusStyle("完了", "Done", "◆", "#00695C", "#FFFFFF", "diamond"),
}

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


def status_label(status: Status | str | None, lang: str = DEFAULT_LANG) -> str:
    """「順調」 for on_track; '—' for no status."""
    if status is None or status == "":
        return "—"
    style = STATUS_STYLES[Status(status)]
    return style.en if lang == "en" else style.ja


def status_text(status: Status | str | None, lang: str = DEFAULT_LANG) -> str:
    """Shape plus label, e.g. '○ 順調': the form used in tables, CSV-free text and prints."""
    if status is None or status == "":
        return "—"
    return f"{STATUS_STYLES[Status(status)].symbol} {status_label(status, lang)}"


def unreported_text(months: int, lang: str = DEFAULT_LANG) -> str:
    if months <= 0:
        return ""
    return f"{months} months unreported" if lang == "en" else f"{months}か月未報告"


# UI text catalog: key → (Japanese, English). Pages take every label from here.
TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("草津市DXアクションプラン 進捗ダッシュボード", "Kusatsu City DX Action Plan dashboard"),
    "sample_banner": (
        "サンプルデータを表示しています。実際の実績値ではありません（python -m kpi demo --clear で削除）。",
        "Showing SAMPLE data, not real actuals (remove with: python -m kpi demo --clear).",
    ),
    "policy": ("基本方針", "Policy"),
    "measure": ("重点施策", "Measure"),
    "project": ("実施事業", "Project"),
    "indicator": ("指標", "Indicator"),
    "milestone": ("マイルストーン", "Milestone"),
    "status": ("状況", "Status"),
    "department": ("担当部署", "Department"),
    "related_departments": ("関係部署", "Related departments"),
    "baseline": ("基準値", "Baseline"),
    "target": ("目標値", "Target"),
    "expected": ("見込値", "Expected"),
    "actual": ("実績値", "Actual"),
    "ratio": ("進捗率", "Ratio"),
    "unit": ("単位", "Unit"),
    "month": ("月", "Month"),
    "as_of": ("基準月", "As of"),
    "fiscal_year": ("年度", "Fiscal year"),
    "language": ("言語", "Language"),
    "overview": ("全体概要", "Overview"),
    "no_plan": (
        "計画が読み込まれていません。python -m kpi init を実行してください。",
        "No plan loaded. Run: python -m kpi init",
    ),
}


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    ja, en = TEXT[key]
    return en if lang == "en" else ja
