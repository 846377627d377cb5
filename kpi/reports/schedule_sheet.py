"""The 工程表 as the city hands it out: one sheet (XLSX) or page (PDF) per 実施事業, in the
layout of the plan document — header block (担当部署, 基本方針 / 重点施策 / 実施事業), 事業概要,
期待効果, URL, R7 / R8 / R9 contents, the month grid R8 4月…3月 + R9 4…6月 with its bars
and ● marks, 目指す成果等, and the 期末評価 block filled from the evaluations.

Both formats draw the same grid (``sheet_layout``): column 0 holds the labels and the
実施項目, columns 1–15 the months.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from kpi.domain.fiscal import Month, fiscal_year_short
from kpi.domain.frames import opt
from kpi.domain.plan import PlanData
from kpi.reports import pdf_text
from kpi.reports.fonts import register_japanese_font
from kpi.text import fmt
from kpi.text.cellsafe import neutralise
from kpi.text.labels import WORK_FIELDS, work_headings
from kpi.text.rating import rating_text

SHEET_SUFFIX = "の取組に係る工程表"


def sheet_title(data: PlanData) -> str:
    """「○○市DXアクションプランの取組に係る工程表」, named after the loaded plan."""
    return f"{data.title}{SHEET_SUFFIX}"


N_MONTHS = 15  # R8 April … R9 June, as printed in the plan
LAST_COL = N_MONTHS  # columns 0 … 15
BAR_FILL = "DCE8F5"
LABEL_FILL = "EEF2F5"
MARK = "●"


@dataclass(frozen=True)
class Cell:
    c0: int
    c1: int
    text: str
    kind: str  # title | label | value | head | bar | mark | blank


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    lines: int = 1  # estimated text lines, for the row height


def grid_months(year: int) -> list[Month]:
    start = Month(year, 4)
    return [start.add(i) for i in range(N_MONTHS)]


CONTROL_OR_BREAK_RE = re.compile("[\x00-\x1f\x7f]")  # a sheet tab shows one line: no break, no control


def sheet_name(code: str, name: str) -> str:
    """Excel sheet names: the project's code as printed and its name, at most 31 characters,
    none of []:*?/\\ and no control character."""
    return re.sub(r"[\[\]:*?/\\]", "・", CONTROL_OR_BREAK_RE.sub("", f"{code} {name}"))[:31]


def _lines(text: str, width_chars: int) -> int:
    return max(1, sum(max(1, math.ceil(len(part) / width_chars)) for part in str(text).split("\n")))


def _text(v: Any) -> str:
    return fmt.text(v, "")


def sheet_layout(data: PlanData, project_no: int, evaluation: dict[str, Any] | None) -> list[Row]:
    p = data.projects[data.projects["project_no"] == project_no].iloc[0]
    m = data.measures[data.measures["measure_no"] == p["measure_no"]].iloc[0]
    pol = data.policies[data.policies["policy_no"] == m["policy_no"]].iloc[0]
    months = grid_months(data.year)
    index = {str(mm_): i + 1 for i, mm_ in enumerate(months)}
    r8, r9 = fiscal_year_short(data.year), fiscal_year_short(data.year + 1)
    related = "・".join(opt(p["related_departments"]) or [])
    rows = [
        Row((Cell(0, LAST_COL, f"{sheet_title(data)}　{data.label} 事業計画", "title"),)),
        Row(
            (
                Cell(0, 0, "担当部署", "label"),
                Cell(1, 7, _text(p["lead_department"]), "value"),
                Cell(8, 9, "関係部署", "label"),
                Cell(10, LAST_COL, related or fmt.MISSING, "value"),
            )
        ),
        Row(
            (
                Cell(0, 0, data.words("基本方針"), "label"),
                Cell(1, 1, _text(pol["policy_code"]), "value"),
                Cell(2, 7 if not data.two_levels else LAST_COL, _text(pol["policy_name"]), "value"),
                # A two-level plan has no middle level to print (its hidden entry mirrors the top).
                *(
                    ()
                    if data.two_levels
                    else (
                        Cell(8, 9, data.words("重点施策"), "label"),
                        Cell(10, 10, _text(m["symbol"]), "value"),
                        Cell(11, LAST_COL, _text(m["measure_name"]), "value"),
                    )
                ),
            )
        ),
        Row(
            (
                Cell(0, 0, data.words("実施事業"), "label"),
                Cell(1, 1, _text(p["project_code"]), "value"),
                Cell(2, LAST_COL, _text(p["project_name"]), "value"),
            )
        ),
    ]
    for label, key in (("事業概要", "summary"), ("期待効果", "expected_effect"), ("URL", "url")):
        text = _text(p[key]) or fmt.MISSING
        rows.append(Row((Cell(0, 0, label, "label"), Cell(1, LAST_COL, text, "value")), _lines(text, 60)))
    contents = [_text(p[field]) for field in WORK_FIELDS]
    headings = work_headings(data.year)
    rows.append(
        Row(
            (
                Cell(0, 0, headings["previous_work"], "head"),
                Cell(1, 7, headings["this_year"], "head"),
                Cell(8, LAST_COL, headings["next_years"], "head"),
            )
        )
    )
    rows.append(
        Row(
            (
                Cell(0, 0, contents[0], "value"),
                Cell(1, 7, contents[1], "value"),
                Cell(8, LAST_COL, contents[2], "value"),
            ),
            max(_lines(contents[0], 14), _lines(contents[1], 26), _lines(contents[2], 30)),
        )
    )
    rows.append(Row((Cell(0, 0, "実施項目等", "head"), Cell(1, 12, r8, "head"), Cell(13, LAST_COL, r9, "head"))))
    rows.append(
        Row((Cell(0, 0, "", "head"), *(Cell(i + 1, i + 1, str(mo.month), "head") for i, mo in enumerate(months))))
    )
    sched = data.schedule[data.schedule["project_no"] == project_no].sort_values("position")
    marks = data.milestones[data.milestones["project_no"] == project_no]
    for s in sched.to_dict("records"):
        cells = [Cell(0, 0, _text(s["item"]), "label")]
        taken: set[int] = set()
        for bar in opt(s["bars"]) or []:
            if bar["start"] not in index:
                continue
            c0 = index[bar["start"]]
            c1 = index.get(bar["end"], LAST_COL)
            cells.append(Cell(c0, c1, _text(bar.get("text")), "bar"))
            taken.update(range(c0, c1 + 1))
        for ms in marks[marks["row_position"] == s["position"]].to_dict("records"):
            col = index.get(ms["month"])
            if col is None:
                continue
            text = f"{MARK} {_text(ms['text'])}".strip()
            if col in taken:  # a ● inside a bar: written into the bar's text
                cells = [
                    Cell(c.c0, c.c1, f"{c.text} {text}".strip(), c.kind)
                    if c.kind == "bar" and c.c0 <= col <= c.c1
                    else c
                    for c in cells
                ]
            else:
                cells.append(Cell(col, col, text, "mark"))
                taken.add(col)
        bar_lines = max([_lines(c.text, 4 * (c.c1 - c.c0 + 1)) for c in cells[1:]] + [_lines(cells[0].text, 14)])
        rows.append(Row(tuple(sorted(cells, key=lambda c: c.c0)), bar_lines))
    outcome = _text(p["outcome"]) or fmt.MISSING
    rows.append(
        Row(
            (Cell(0, 0, f"{r8}の取組で目指す成果等", "label"), Cell(1, LAST_COL, outcome, "value")), _lines(outcome, 60)
        )
    )
    ev = evaluation or {}
    rating = rating_text(ev.get("rating")) if ev else ""
    reason, issues = _text(ev.get("reason")), _text(ev.get("new_issues"))
    rows.append(Row((Cell(0, LAST_COL, "期末評価", "title"),)))
    rows.append(Row((Cell(0, 0, "実績の検証評価", "head"), Cell(1, LAST_COL, "左記の状況・理由等", "head"))))
    rows.append(Row((Cell(0, 0, rating, "value"), Cell(1, LAST_COL, reason, "value")), max(2, _lines(reason, 60))))
    rows.append(Row((Cell(0, LAST_COL, "新たに生じた課題や特に留意すべき状況の変化等", "head"),)))
    rows.append(Row((Cell(0, LAST_COL, issues, "value"),), max(2, _lines(issues, 80))))
    return rows


def _evaluations_by_project(evaluations: pd.DataFrame | None) -> dict[int, dict[str, Any]]:
    if evaluations is None or evaluations.empty:
        return {}
    return {int(r["project_no"]): r for r in evaluations.to_dict("records")}


# ---------------------------------------------------------------- XLSX

THIN = Side(style="thin", color="607D8B")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LINE_PT = 14.5


def schedule_xlsx(data: PlanData, project_nos: list[int], evaluations: pd.DataFrame | None = None) -> bytes:
    """One printable sheet per project (A4 landscape, fit to one page wide)."""
    evs = _evaluations_by_project(evaluations)
    wb = Workbook()
    wb.remove(wb.active)
    for no in project_nos:
        row = data.projects.loc[data.projects["project_no"] == no].iloc[0]
        ws = wb.create_sheet(sheet_name(row["project_code"], row["project_name"]))
        ws.column_dimensions["A"].width = 30
        for c in range(2, LAST_COL + 2):
            ws.column_dimensions[get_column_letter(c)].width = 7.5
        for r, row in enumerate(sheet_layout(data, no, evs.get(no)), start=1):
            ws.row_dimensions[r].height = max(18.0, row.lines * LINE_PT + 4)
            for cell in row.cells:
                # Plan and evaluation text is never run as a formula (a cell starting with "=").
                first = ws.cell(r, cell.c0 + 1, neutralise(cell.text) or None)
                if cell.c1 > cell.c0:
                    ws.merge_cells(start_row=r, start_column=cell.c0 + 1, end_row=r, end_column=cell.c1 + 1)
                for c in range(cell.c0 + 1, cell.c1 + 2):
                    ws.cell(r, c).border = BORDER
                wrap = cell.kind in ("value", "label", "bar")
                first.alignment = Alignment(
                    wrap_text=wrap,
                    vertical="center",
                    horizontal="center" if cell.kind in ("head", "bar", "mark") else "left",
                )
                if cell.kind == "title":
                    first.font = Font(bold=True, size=13)
                elif cell.kind in ("label", "head"):
                    for c in range(cell.c0 + 1, cell.c1 + 2):
                        ws.cell(r, c).fill = PatternFill("solid", fgColor=LABEL_FILL)
                    first.font = Font(bold=True)
                elif cell.kind == "bar":
                    for c in range(cell.c0 + 1, cell.c1 + 2):
                        ws.cell(r, c).fill = PatternFill("solid", fgColor=BAR_FILL)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- PDF

PAGE = landscape(A4)
MARGIN = 10 * mm
LABEL_W = 52 * mm


CELL_PAD = 3  # points left and right in a cell of the PDF


def schedule_pdf(data: PlanData, project_nos: list[int], evaluations: pd.DataFrame | None = None) -> bytes:
    """One A4 landscape page per project (shrunk to fit when a sheet holds long text)."""
    evs = _evaluations_by_project(evaluations)
    layouts = [(no, sheet_layout(data, no, evs.get(no))) for no in project_nos]
    font = register_japanese_font()
    base = ParagraphStyle("v", fontName=font, fontSize=8.5, leading=11)
    styles = {
        "title": ParagraphStyle("t", parent=base, fontSize=12, leading=16),
        "label": base,
        "value": base,
        "head": ParagraphStyle("h", parent=base, alignment=TA_CENTER),
        "bar": ParagraphStyle("b", parent=base, alignment=TA_CENTER, fontSize=8, leading=10),
        "mark": ParagraphStyle("m", parent=base, alignment=TA_CENTER, fontSize=8, leading=10),
    }
    width = PAGE[0] - 2 * MARGIN
    month_w = (width - LABEL_W) / N_MONTHS
    col_widths = [LABEL_W] + [month_w] * N_MONTHS
    story: list[Any] = []
    for i, (_, rows) in enumerate(layouts):
        body: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#607D8B")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ]
        for r, row in enumerate(rows):
            line: list[Any] = [""] * (LAST_COL + 1)
            for cell in row.cells:
                if not cell.text and cell.kind == "value" and row.lines > 1:
                    # room to read as a field, like the printed form
                    line[cell.c0] = Paragraph("<br/>" * (row.lines + 1), styles[cell.kind])
                else:  # broken between phrases, never 「…公 / 開」; escaped by pdf_text.para
                    inner = sum(col_widths[cell.c0 : cell.c1 + 1]) - 2 * CELL_PAD
                    line[cell.c0] = pdf_text.para(cell.text, styles[cell.kind], inner)
                if cell.c1 > cell.c0:
                    commands.append(("SPAN", (cell.c0, r), (cell.c1, r)))
                if cell.kind in ("label", "head"):
                    commands.append(("BACKGROUND", (cell.c0, r), (cell.c1, r), colors.HexColor("#" + LABEL_FILL)))
                elif cell.kind == "bar":
                    commands.append(("BACKGROUND", (cell.c0, r), (cell.c1, r), colors.HexColor("#" + BAR_FILL)))
                elif cell.kind == "title":
                    commands.append(("LINEBELOW", (cell.c0, r), (cell.c1, r), 1, colors.HexColor("#263238")))
            body.append(line)
        table = Table(body, colWidths=col_widths)
        table.setStyle(TableStyle(commands))
        story.append(KeepInFrame(width, PAGE[1] - 2 * MARGIN - 2 * mm, [table], mode="shrink"))
        if i < len(layouts) - 1:
            story.append(PageBreak())
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{sheet_title(data)} {data.label}",
        author=data.municipality,
    )
    doc.build(story, canvasmaker=partial(Canvas, initialFontName=font))
    return buf.getvalue()
