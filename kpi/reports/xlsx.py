"""The progress report as an Excel workbook (openpyxl).

Sheets: 概要 (projects), 指標 (status per indicator), 月次実績 (per indicator and month: value,
cumulative, expected, status), マイルストーン, 自己評価, 期末評価. Statuses are written as text
with their shape (e.g. '○ 順調') and filled with their colour, so the sheet reads in grey.
Numbers stay numbers, rounded to their indicator's precision and shown with separators;
ratios are percentages; a missing value reads 「―」. Every text cell goes through
``kpi.text.cellsafe.neutralise`` so that no cell is ever run as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi.charts.data import expected_digits, unit_digits
from kpi.domain.frames import opt, opt_float
from kpi.domain.status import Status
from kpi.reports.content import ReportContent
from kpi.reports.tables import SUMMARY_HEADER, WHY_HEADER, breakdown, history_header, history_rows, month_text, why_rows
from kpi.text import fmt
from kpi.text.catalog import t
from kpi.text.cellsafe import neutralise
from kpi.text.labels import actor_label, status_text
from kpi.text.palette import STATUS_STYLES
from kpi.text.rating import rating_text

HEADER_FILL = PatternFill("solid", fgColor="ECEFF1")
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center")
WRAP = Alignment(wrap_text=True, vertical="top")
SHEETS = ("概要", "指標", "月次実績", "マイルストーン", "自己評価", "期末評価", "理由", "月別の状況")
SAMPLE_NOTE = "サンプルデータを含みます。実際の実績値ではありません。"
# Cell styles every row uses, registered once per workbook as named styles: setting a cell's
# font/fill/alignment one by one hashes and compares each style object against the workbook's
# list per cell, which cost more than writing the cells.
HEADER_STYLE = "表の見出し"
CENTER_STYLE = "中央"
WRAP_STYLE = "折り返し"


def _status_style_name(status: Status) -> str:
    return f"状況 {STATUS_STYLES[status].ja}"


def _named_styles() -> list[NamedStyle]:
    out = [
        NamedStyle(HEADER_STYLE, fill=HEADER_FILL, font=BOLD, alignment=CENTER),
        NamedStyle(CENTER_STYLE, alignment=CENTER),
        NamedStyle(WRAP_STYLE, alignment=WRAP),
    ]
    for status, style in STATUS_STYLES.items():
        out.append(
            NamedStyle(
                _status_style_name(status),
                fill=PatternFill("solid", fgColor=style.color.lstrip("#")),
                font=Font(color=style.text_color.lstrip("#"), bold=True),
                alignment=CENTER,
            )
        )
    return out


def _add_styles(wb: Workbook) -> None:
    for style in _named_styles():
        wb.add_named_style(style)


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    kind: str = "text"  # text | int | value | ratio | status | long


def _number_format(digits: int) -> str:
    return "#,##0" if digits == 0 else "#,##0." + "0" * digits


def _cell(value: Any, kind: str, unit: str, ratio: Any = None) -> tuple[Any, str | None]:
    """(cell value, number format) of one value; missing → 「―」."""
    if kind == "value" and isinstance(value, str):  # a word where a number would stand: 「新規」
        return neutralise(value), None
    if kind in ("value", "ratio", "int", "expected"):
        v = opt_float(value)
        if v is None:
            return fmt.MISSING, None
        if kind == "expected":  # 計画値: one more decimal where the unit's would round it
            digits = expected_digits(v, unit)
            return round(v, digits), _number_format(digits)
        if kind == "ratio":
            return round(v, 4), "0%"
        if kind == "int":
            return int(v), "#,##0"
        digits = unit_digits(unit)
        return round(v, digits), _number_format(digits)
    if kind == "status":
        return status_text(value, ratio=opt_float(ratio)) if opt(value) is not None else fmt.MISSING, None
    return neutralise(fmt.text(value)), None


Words = Callable[[str], str]


def _styled(ws: Any, value: Any, style: str | None = None, number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    if style is not None:
        cell.style = style
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _begin(ws: Any, cols: Sequence[Col], header_row: int, rows: int) -> None:
    """What a write-only sheet writes before its first row: column widths, the frozen header,
    the print setup (landscape A4, one page wide, the header on every page, a filter)."""
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(cols))}{header_row + rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


def _header(ws: Any, cols: Sequence[Col], words: Words) -> None:
    """Column headings in the plan's own level names (「実施事業」→「取組」)."""
    ws.append([_styled(ws, neutralise(words(c.header)), HEADER_STYLE) for c in cols])


def _rows(ws: Any, cols: Sequence[Col], rows: Sequence[tuple[list[Any], str]]) -> None:
    """Append rows (values, unit); style per column kind. A plain cell is passed as its value
    (the write-only sheet writes it without making a cell object)."""
    ratio_at = next((i for i, c in enumerate(cols) if c.kind == "ratio"), None)  # a row's r: 「前倒し達成」
    for values, unit in rows:
        out = []
        ratio = values[ratio_at] if ratio_at is not None else None
        for v, col in zip(values, cols, strict=True):
            value, number_format = _cell(v, col.kind, unit, ratio)
            code = opt(v) if col.kind == "status" else None
            if code is not None:
                style: str | None = _status_style_name(Status(code))
            elif value == fmt.MISSING:
                style = CENTER_STYLE
            elif col.kind == "long":
                style = WRAP_STYLE
            else:
                style = None
            out.append(value if style is None and number_format is None else _styled(ws, value, style, number_format))
        ws.append(out)


def _sheet(wb: Workbook, title: str, cols: Sequence[Col], rows: Sequence[tuple[list[Any], str]], words: Words) -> None:
    ws = wb.create_sheet(title)
    _begin(ws, cols, 1, len(rows))
    _header(ws, cols, words)
    _rows(ws, cols, rows)


SUMMARY_COLS = [
    Col(h, w, k)
    for h, w, k in zip(
        SUMMARY_HEADER,
        [9, 10, 50, 24, 14, 24, 16],
        ["text", "text", "text", "text", "status", "text", "status"],
        strict=True,
    )
]
# A project is named by its code as printed (「04」, 「2-6-1」), as the PDF names it.
INDICATOR_COLS = [
    Col("実施事業", 9), Col("実施事業名", 30), Col("指標ID", 28), Col("指標", 40, "long"), Col("単位", 6),
    Col("基準値", 12, "value"), Col("目標値", 12, "value"), Col("計画値", 12, "expected"), Col("実績値", 12, "value"),
    Col("実績の月", 11), Col("進捗率", 9, "ratio"), Col("状況", 14, "status"), Col("未報告月数", 11, "int"),
]  # fmt: skip
MONTHLY_COLS = [
    Col("指標ID", 28), Col("指標", 40), Col("単位", 6), Col("月", 11), Col("実績値", 12, "value"),
    Col("累計", 12, "value"), Col("計画値", 12, "value"), Col("その月の状況", 14, "status"),
]  # fmt: skip
MILESTONE_COLS = [
    Col("実施事業", 9), Col("実施事業名", 30), Col("ID", 10), Col("項目（●）", 50, "long"),
    Col("予定月", 12), Col("完了日", 12), Col("状況", 14, "status"),
]  # fmt: skip
ASSESSMENT_COLS = [
    Col("実施事業", 9), Col("実施事業名", 30), Col("月", 12), Col("自己評価", 14, "status"),
    Col("コメント", 50, "long"), Col("入力者", 16),
]  # fmt: skip
WHY_COLS = [Col("実施事業", 36), Col("担当部署", 16), Col("状況", 14, "status"), Col(WHY_HEADER[3], 90, "long")]
EVALUATION_COLS = [
    Col("実施事業", 9), Col("実施事業名", 30), Col("実績の検証評価", 16), Col("左記の状況・理由等", 50, "long"),
    Col("新たに生じた課題や特に留意すべき状況の変化等", 50, "long"), Col("入力者", 16), Col("版", 6, "int"),
]  # fmt: skip


def report_xlsx(content: ReportContent) -> bytes:
    # Write-only: rows stream to the file as they are appended, with no cell object kept per
    # value; widths, frozen panes and print setup are therefore set before the first row.
    wb = Workbook(write_only=True)
    _add_styles(wb)
    words = content.words
    ws = wb.create_sheet(SHEETS[0])
    lines = [content.title, content.subtitle] + ([SAMPLE_NOTE] if content.has_sample else [])
    header_row = len(lines) + 2  # one blank row between the title block and the table
    summary = [
        (
            [
                content.project_code(r["id"]),
                r["measure"],
                r["name"],
                r["lead_department"],
                r["status"],
                breakdown(r),
                r.get("assessment"),
            ],
            "",
        )
        for r in content.projects.to_dict("records")
    ]
    _begin(ws, SUMMARY_COLS, header_row, len(summary))
    title = _styled(ws, neutralise(words(lines[0])))  # the title names the city already
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for line in lines[1:]:
        ws.append([neutralise(line)])
    ws.append([])
    _header(ws, SUMMARY_COLS, words)
    _rows(ws, SUMMARY_COLS, summary)

    _sheet(
        wb,
        SHEETS[1],
        INDICATOR_COLS,
        [
            (
                [
                    content.project_code(r["project"]),
                    r["project_name"],
                    r["id"],
                    r["name"],
                    fmt.text(r["unit"], ""),
                    t("chart_baseline_new") if r.get("baseline_new") is True else r["baseline"],
                    r["target"],
                    r["expected"],
                    r["actual"],
                    month_text(r["month"]),
                    r["ratio"],
                    r["status"],
                    r["unreported_months"],
                ],
                fmt.text(r["unit"], ""),
            )
            for r in content.indicators.to_dict("records")
        ],
        words,
    )
    _sheet(
        wb,
        SHEETS[2],
        MONTHLY_COLS,
        [
            (
                [
                    r["code"],
                    r["name"],
                    fmt.text(r["unit"], ""),
                    month_text(r["month"]),
                    r["value"],
                    r["cumulative"],
                    r["expected"],
                    r["status"],
                ],
                fmt.text(r["unit"], ""),
            )
            for r in content.monthly.to_dict("records")
        ],
        words,
    )
    _sheet(
        wb,
        SHEETS[3],
        MILESTONE_COLS,
        [
            (
                [
                    content.project_code(r["project"]),
                    r["project_name"],
                    r["id"],
                    r["name"],
                    month_text(r["target"]),
                    fmt.text(r["actual"]),
                    r["status"],
                ],
                "",
            )
            for r in content.milestones.to_dict("records")
        ],
        words,
    )
    names = content.projects.set_index("id")["name"]
    _sheet(
        wb,
        SHEETS[4],
        ASSESSMENT_COLS,
        [
            (
                [
                    content.project_code(r["project"]),
                    names.get(r["project"]),
                    month_text(r["month"]),
                    r["status"],
                    r["comment"],
                    actor_label(r["author"], content.lang),
                ],
                "",
            )
            for r in content.assessments.to_dict("records")
        ],
        words,
    )
    ev = content.evaluations
    by_project = {int(r["project_no"]): r for r in ev.to_dict("records")} if not ev.empty else {}
    ev_rows = []
    for r in content.projects.to_dict("records"):
        e = by_project.get(int(r["id"]), {})
        ev_rows.append(
            (
                [
                    content.project_code(r["id"]),
                    r["name"],
                    rating_text(opt(e.get("rating"))),
                    e.get("reason"),
                    e.get("new_issues"),
                    actor_label(opt(e.get("author")), content.lang) if opt(e.get("author")) else None,
                    e.get("revision"),
                ],
                "",
            )
        )
    _sheet(wb, SHEETS[5], EVALUATION_COLS, ev_rows, words)
    _sheet(wb, SHEETS[6], WHY_COLS, [([c[0], c[1], code, c[3]], "") for c, code in why_rows(content)], words)
    months = history_header(content)[1:]
    history_cols = [Col("実施事業", 40), *[Col(m, 8, "status") for m in months]]
    _sheet(
        wb,
        SHEETS[7],
        history_cols,
        [([cells[0], *codes[1:]], "") for cells, codes in history_rows(content)],
        words,
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
