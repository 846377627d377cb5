"""The progress report as an Excel workbook (openpyxl).

Sheets: 概要 (projects), 指標 (status per indicator), 月次実績 (per indicator and month: value,
cumulative, expected, status), マイルストーン, 自己評価, 期末評価. Statuses are written as text
with their shape (e.g. '○ 順調') and filled with their colour, so the sheet reads in grey.
"""

from __future__ import annotations

import io
import math
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi.evaluation import rating_text
from kpi.labels import STATUS_STYLES, status_text
from kpi.reports.content import ReportContent
from kpi.reports.tables import breakdown
from kpi.status import Status

HEADER_FILL = PatternFill("solid", fgColor="ECEFF1")
BOLD = Font(bold=True)
SHEETS = ("概要", "指標", "月次実績", "マイルストーン", "自己評価", "期末評価")


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _fill_status(cell: Any, code: str | None) -> None:
    if not code:
        return
    style = STATUS_STYLES[Status(code)]
    cell.fill = PatternFill("solid", fgColor=style.color.lstrip("#"))
    cell.font = Font(color=style.text_color.lstrip("#"), bold=True)
    cell.alignment = Alignment(horizontal="center")


def _sheet(
    ws: Worksheet, header: list[str], rows: list[list[Any]], widths: list[int], status_cols: tuple[int, ...]
) -> None:
    ws.append(header)
    for c in ws[1]:
        c.fill, c.font = HEADER_FILL, BOLD
    for row in rows:
        codes = {i: row[i] for i in status_cols}
        ws.append([status_text(v) if i in status_cols and v else _value(v) for i, v in enumerate(row)])
        for i, code in codes.items():
            _fill_status(ws.cell(ws.max_row, i + 1), code)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def report_xlsx(content: ReportContent) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS[0]
    ws.append([f"{content.municipality} {content.title}"])
    ws.append([content.subtitle])
    if content.has_sample:
        ws.append(["サンプルデータを含みます。実際の実績値ではありません。"])
    ws["A1"].font = Font(bold=True, size=14)
    start = ws.max_row + 2
    ws.append([])
    header = ["No", "重点施策", "実施事業", "担当部署", "状況", "指標・●の内訳", "自己評価"]
    ws.append(header)
    for c in ws[start]:
        c.fill, c.font = HEADER_FILL, BOLD
    for r in content.projects.to_dict("records"):
        assess = r.get("assessment")
        assess = assess if isinstance(assess, str) and assess else None
        ws.append([int(r["id"]), r["measure"], r["name"], r["lead_department"], status_text(r["status"]), breakdown(r),
                   status_text(assess) if assess else "—"])  # fmt: skip
        _fill_status(ws.cell(ws.max_row, 5), r["status"])
        _fill_status(ws.cell(ws.max_row, 7), assess)
    for i, w in enumerate([6, 10, 50, 24, 14, 24, 14], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0

    ind = content.indicators
    _sheet(
        wb.create_sheet(SHEETS[1]),
        [
            "実施事業",
            "事業名",
            "指標ID",
            "指標",
            "単位",
            "基準値",
            "目標値",
            "見込値",
            "実績値",
            "実績の月",
            "進捗率",
            "状況",
            "未報告月数",
        ],
        [
            [
                int(r["project"]),
                r["project_name"],
                r["id"],
                r["name"],
                r["unit"],
                r["baseline"],
                r["target"],
                r["expected"],
                r["actual"],
                r["month"],
                r["ratio"],
                r["status"],
                int(r["unreported_months"]),
            ]
            for r in ind.to_dict("records")
        ],
        [8, 30, 28, 40, 6, 10, 10, 10, 12, 10, 8, 14, 10],
        (11,),
    )
    _sheet(
        wb.create_sheet(SHEETS[2]),
        ["指標ID", "指標", "単位", "月", "実績値", "累計", "見込値", "その月の状況"],
        [
            [r["code"], r["name"], r["unit"], r["month"], r["value"], r["cumulative"], r["expected"], r["status"]]
            for r in content.monthly.to_dict("records")
        ],
        [28, 40, 6, 10, 12, 12, 12, 14],
        (7,),
    )
    _sheet(
        wb.create_sheet(SHEETS[3]),
        ["実施事業", "事業名", "ID", "項目（●）", "予定月", "完了日", "状況"],
        [
            [int(r["project"]), r["project_name"], r["id"], r["name"], r["target"], r["actual"], r["status"]]
            for r in content.milestones.to_dict("records")
        ],
        [8, 30, 10, 50, 10, 12, 14],
        (6,),
    )
    names = content.projects.set_index("id")["name"]
    _sheet(
        wb.create_sheet(SHEETS[4]),
        ["実施事業", "事業名", "月", "自己評価", "コメント", "入力者"],
        [
            [int(r["project"]), names.get(r["project"], ""), r["month"], r["status"], r["comment"], r["author"]]
            for r in content.assessments.to_dict("records")
        ],
        [8, 30, 10, 14, 50, 16],
        (3,),
    )
    ev = content.evaluations
    ev_rows = []
    for r in content.projects.to_dict("records"):
        own = ev[ev["project_no"] == r["id"]] if not ev.empty else ev
        e = own.iloc[0] if len(own) else None
        ev_rows.append(
            [
                int(r["id"]),
                r["name"],
                rating_text(e["rating"] if e is not None else None),
                e["reason"] if e is not None else "",
                e["new_issues"] if e is not None else "",
                e["author"] if e is not None else "",
                int(e["revision"]) if e is not None else None,
            ]
        )
    _sheet(
        wb.create_sheet(SHEETS[5]),
        [
            "実施事業",
            "事業名",
            "実績の検証評価",
            "左記の状況・理由等",
            "新たに生じた課題や特に留意すべき状況の変化等",
            "入力者",
            "版",
        ],
        ev_rows,
        [8, 30, 14, 50, 50, 16, 6],
        (),
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
