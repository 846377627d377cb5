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
    # Dashboard pages and charts (kpi/charts.py, app.py, pages/1-3).
    "chart_actual_cumulative": ("実績値（累計）", "Actual (cumulative)"),
    "chart_trajectory": ("計画上の推移", "Expected trajectory"),
    "chart_projection": ("年度末予測（直近の傾向）", "Year-end projection (recent trend)"),
    "chart_projection_short": ("年度末予測", "Projected"),
    "chart_start": ("期首", "Start"),
    "chart_no_target": ("目標値は基準値の設定後に決まります", "Target is set once the baseline is known"),
    "chart_no_item": ("（項目名なし）", "(no item name)"),
    "chart_schedule_bar": ("工程", "Scheduled work"),
    "schedule_title": ("工程表", "Schedule"),
    "dash_project_status": ("実施事業の状況", "Project status"),
    "dash_indicator_status": ("指標・マイルストーンの状況", "Indicators and milestones"),
    "dash_count_total": ("全{n}事業", "{n} projects"),
    "dash_count_items": ("全{n}件", "{n} items"),
    "dash_hierarchy": ("施策体系と状況", "Plan structure and status"),
    "dash_changes": ("前月からの変化", "Changes since last month"),
    "dash_changes_caption": ("{prev} → {now} で状況が変わった実施事業", "Projects whose status changed {prev} → {now}"),
    "dash_worse": ("悪化", "Worse"),
    "dash_better": ("改善", "Better"),
    "dash_no_changes": ("前月から状況の変わった実施事業はありません。", "No project changed status since last month."),
    "dash_missing": ("未報告の指標", "Missing reports"),
    "dash_missing_caption": ("基準月までの実績が入力されていない指標", "Indicators without actuals up to the as-of month"),
    "dash_none_missing": ("未報告の指標はありません。", "All indicators are reported."),
    "dash_last_reported": ("最終報告月", "Last reported"),
    "dash_unreported": ("未報告", "Unreported"),
    "dash_open": ("詳細", "Details"),
    "dash_previous": ("前月", "Last month"),
    "dash_now": ("今月", "Now"),
    "dash_choose_measure": ("重点施策を選択", "Choose a measure"),
    "dash_choose_project": ("実施事業を選択", "Choose a project"),
    "dash_indicators": ("指標の進捗", "Indicator progress"),
    "dash_no_indicators": (
        "この実施事業には数値指標がありません。状況は工程表のマイルストーンと自己評価で判断します。",
        "This project has no numeric indicator; its status comes from milestones and self-assessment.",
    ),
    "dash_milestones": ("マイルストーン（工程表の●）", "Milestones (● in the schedule)"),
    "dash_no_milestones": ("マイルストーンはありません。", "No milestones."),
    "dash_projects": ("実施事業", "Projects"),
    "dash_assessment": ("自己評価", "Self-assessment"),
    "dash_assessment_none": ("自己評価はまだありません。", "No self-assessment yet."),
    "dash_plan_text": ("計画の内容", "Plan"),
    "dash_summary": ("事業概要", "Summary"),
    "dash_effect": ("期待効果", "Expected effect"),
    "dash_url": ("関連URL", "Link"),
    "dash_until_r7": ("R7までの取組", "Until R7"),
    "dash_r8_plan": ("R8の取組", "R8 (this year)"),
    "dash_r9_onward": ("R9以降の取組", "R9 onward"),
    "dash_outcome": ("目指す成果等", "Intended outcome"),
    "dash_schedule_of": ("工程表", "Schedule"),
    "dash_filter_policy": ("基本方針で絞り込み", "Filter by policy"),
    "dash_filter_measure": ("重点施策で絞り込み", "Filter by measure"),
    "dash_filter_department": ("部署で絞り込み（担当・関係）", "Filter by department (lead or related)"),
    "dash_no_match": ("条件に合う実施事業はありません。", "No project matches the filters."),
    "dash_shown_projects": ("{n}事業を表示", "{n} projects shown"),
    "dash_value": ("値", "Value"),
    "dash_due": ("予定月", "Due"),
    "dash_completed": ("完了日", "Completed"),
    "dash_none": ("なし", "none"),
}


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    ja, en = TEXT[key]
    return en if lang == "en" else ja
