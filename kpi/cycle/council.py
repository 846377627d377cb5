"""The 懇話会 papers: the 総括 table (every project's state, rating, reason and new issues,
with counts), then one page per project in the 工程表 layout with its 期末評価 filled — the
existing 工程表 export (kpi.reports.schedule_sheet) with the summary put in front.

XLSX: a 総括 sheet first, then the 工程表 sheets. PDF: the summary pages, then the 工程表
pages (the two PDFs are joined with pypdf). Every text cell goes through
``kpi.text.cellsafe.neutralise``.
"""

from __future__ import annotations

import io
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle

from kpi.cycle.evaluations import rating_counts, state_counts
from kpi.domain.plan import PlanData
from kpi.reports import pdf_text
from kpi.reports.fonts import register_japanese_font
from kpi.reports.schedule_sheet import schedule_pdf, schedule_xlsx
from kpi.text.cellsafe import neutralise
from kpi.text.fmt import pdf_text as fmt_pdf_text
from kpi.text.labels import state_label
from kpi.text.rating import UNFILLED, rating_text

TITLE = "期末評価 総括（懇話会資料）"
HEADER = [
    "No", "重点施策", "実施事業", "担当部署", "状態", "実績の検証評価", "左記の状況・理由等", "新たに生じた課題等",
]  # fmt: skip
# 重点施策 at 18 mm: the header word fits one line at 8 pt (at 14 mm it broke 「重点施 / 策」).
WIDTHS_MM = [10, 18, 50, 24, 16, 24, 67, 67]
XLSX_WIDTHS = [5, 8, 34, 14, 9, 14, 60, 60]
SUMMARY_SHEET = "総括"


def _rows(data: PlanData, summary: pd.DataFrame) -> list[list[str]]:
    codes = dict(zip(data.projects["project_no"], data.projects["project_code"], strict=True))
    return [
        [
            str(codes.get(int(r.project_no), f"{int(r.project_no):02d}")),
            str(r.measure),
            str(r.project_name),
            str(r.lead_department),
            state_label(str(r.state)) + ("（期限超過）" if r.overdue else ""),
            str(r.rating_text),
            str(r.reason or ""),
            str(r.new_issues or ""),
        ]
        for r in summary.itertuples()
    ]


def _counts_line(summary: pd.DataFrame) -> str:
    ratings = "　".join(f"{rating_text(None if c == UNFILLED else c)} {n}件" for c, n in rating_counts(summary).items())
    states = "　".join(f"{state_label(s)} {n}件" for s, n in state_counts(summary).items())
    return f"評価: {ratings}\n状態: {states}"


def council_xlsx(
    data: PlanData, summary: pd.DataFrame, evaluations: pd.DataFrame, deadline: date | None = None
) -> bytes:
    """総括 sheet, then one 工程表 sheet per project with its 期末評価."""
    nos = [int(n) for n in summary["project_no"]]
    wb = load_workbook(io.BytesIO(schedule_xlsx(data, nos, evaluations)))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                # schedule_xlsx writes evaluation text as given: text that starts like a
                # formula would be stored as one; here it becomes text again.
                if isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    ws.append([neutralise(f"{data.title} {TITLE}　{data.label}")])
    ws["A1"].font = Font(bold=True, size=13)
    for line in _counts_line(summary).split("\n"):
        ws.append([neutralise(line)])
    if deadline is not None:
        ws.append([f"提出期限: {deadline.isoformat()}"])
    ws.append([])
    ws.append([data.words(h) for h in HEADER])
    head_row = ws.max_row
    thin = Side(style="thin", color="607D8B")
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F5")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for n, values in enumerate(_rows(data, summary), start=1):
        ws.append([neutralise(v) for v in values])
        for cell in ws[head_row + n]:  # counted, not ws.max_row (which scans the sheet: quadratic)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, width in enumerate(XLSX_WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{head_row}:{head_row}"
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _esc(text: str) -> str:
    return fmt_pdf_text(text)


def _summary_pdf(data: PlanData, summary: pd.DataFrame, deadline: date | None) -> bytes:
    rows = _rows(data, summary)
    counts = _counts_line(summary)
    text = data.title + TITLE + data.label + counts + "".join(HEADER) + "".join("".join(r) for r in rows)
    text += "提出期限期限超過"
    font = register_japanese_font(text + "0123456789")
    base = ParagraphStyle("c", fontName=font, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("h", parent=base, fontSize=8)
    title = ParagraphStyle("t", parent=base, fontSize=13, leading=17)
    widths = [w * mm for w in WIDTHS_MM]
    body: list[list[Any]] = [[pdf_text.cell(data.words(h), head, w) for h, w in zip(HEADER, widths, strict=True)]]
    body += [[pdf_text.cell(v, base, w) for v, w in zip(r, widths, strict=True)] for r in rows]
    table = pdf_text.kept_table(body, widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#607D8B")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story: list[Any] = [Paragraph(_esc(f"{data.title} {TITLE}　{data.label}"), title), Spacer(1, 2 * mm)]
    story.append(Paragraph(_esc(counts), base))
    if deadline is not None:
        story.append(Paragraph(_esc(f"提出期限: {deadline.isoformat()}"), base))
    story += [Spacer(1, 3 * mm), table]
    buf = io.BytesIO()
    margin = 10 * mm
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"{data.title} {TITLE} {data.label}",
        author=data.municipality,
    )
    doc.build(story, canvasmaker=partial(Canvas, initialFontName=font))
    return buf.getvalue()


def council_pdf(
    data: PlanData, summary: pd.DataFrame, evaluations: pd.DataFrame, deadline: date | None = None
) -> bytes:
    """The summary pages, then one A4 landscape 工程表 page per project with its 期末評価."""
    nos = [int(n) for n in summary["project_no"]]
    writer = PdfWriter()
    for part in (_summary_pdf(data, summary, deadline), schedule_pdf(data, nos, evaluations)):
        writer.append(PdfReader(io.BytesIO(part)))
    writer.add_metadata({"/Title": f"{data.title} {TITLE} {data.label}", "/Author": data.municipality})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def council_filename(year: int, fmt: str) -> str:
    return f"懇話会資料_{year}.{fmt}"


def council_papers(session: Any, year: int, as_of: Any, fmt: str, today: date) -> bytes:
    """The papers from the database: every project, its state and its current evaluation."""
    from kpi.cycle.evaluations import summary_table
    from kpi.store.evaluations import current_evaluations
    from kpi.store.inquiry import InquiryRejected, evaluation_states, inquiry_info
    from kpi.store.reads import plan_data

    data = plan_data(session, year)
    if data is None:
        raise InquiryRejected(f"{year}年度の計画がありません")
    evaluations = current_evaluations(session, year)
    info = inquiry_info(session, year)
    deadline = info.deadline if info is not None else None
    states = {n: s.state for n, s in evaluation_states(session, year).items()}
    summary = summary_table(data, evaluations, as_of, states=states, deadline=deadline, today=today)
    if fmt == "pdf":
        return council_pdf(data, summary, evaluations, deadline)
    if fmt == "xlsx":
        return council_xlsx(data, summary, evaluations, deadline)
    raise ValueError(f"形式は pdf または xlsx です: {fmt}")
