"""The progress report as PDF: A4 landscape, Japanese font embedded (kpi.reports.fonts),
charts as vector drawings (kpi.reports.print_charts).

Page 1: title, as-of month, scope, status legend (colour + shape + text), projects per
status and the summary table. Then the indicator table, one chart per indicator (two per
row) and the ● milestone table. Every page has a footer with the page number.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kpi.domain.fiscal import date_ja
from kpi.domain.status import Status
from kpi.reports.content import ReportContent
from kpi.reports.fonts import register_japanese_font
from kpi.reports.images import Progress, ReportChart
from kpi.reports.pdf_charts import ChartFlowable
from kpi.reports.pdf_text import MIN_ROWS, cell, kept_table
from kpi.reports.print_charts import chart_recording
from kpi.reports.tables import (
    INDICATOR_HEADER,
    MILESTONE_HEADER,
    SUMMARY_HEADER,
    WHY_HEADER,
    history_header,
    history_months,
    history_rows,
    indicator_rows,
    milestone_rows,
    status_counts,
    summary_rows,
    why_rows,
)
from kpi.text.catalog import t as catalog_text
from kpi.text.fmt import pdf_text as fmt_pdf_text
from kpi.text.labels import status_text
from kpi.text.palette import LEGEND_ORDER, STATUS_STYLES

PAGE = landscape(A4)
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN
HEADER_FILL = colors.HexColor("#ECEFF1")
GRID = colors.HexColor("#90A4AE")
SAMPLE_NOTE = "サンプルデータを含みます。実際の実績値ではありません。"


class Styles:
    def __init__(self, font: str):
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, spaceAfter=2 * mm)
        self.sub = ParagraphStyle("sub", fontName=font, fontSize=11, leading=15, textColor=colors.HexColor("#37474F"))
        # keepWithNext: a heading is never the last line of a page (it moves with its table).
        self.h2 = ParagraphStyle(
            "h2", fontName=font, fontSize=13, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm, keepWithNext=1
        )
        # CJK wrapping: a long Japanese name breaks where the line ends, not at its one space
        # (「18」 alone on a line and the name below it).
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
        self.head = ParagraphStyle("head", fontName=font, fontSize=8.5, leading=11, alignment=TA_CENTER)
        self.small = ParagraphStyle(
            "small", fontName=font, fontSize=8, leading=10, textColor=colors.HexColor("#455A64")
        )
        self.warn = ParagraphStyle(
            "warn",
            fontName=font,
            fontSize=10,
            leading=14,
            textColor=colors.HexColor("#7A4F01"),
            backColor=colors.HexColor("#FFF3CD"),
            borderPadding=(2 * mm, 2 * mm, 2 * mm, 2 * mm),
            spaceAfter=3 * mm,
        )


def _esc(text: str) -> str:
    return fmt_pdf_text(text)


def status_fill(code: str | None) -> tuple[colors.Color, colors.Color]:
    if not code:
        return colors.white, colors.black
    style = STATUS_STYLES[Status(code)]
    return colors.HexColor(style.color), colors.HexColor(style.text_color)


def data_table(
    st: Styles,
    header: Sequence[str],
    rows: Sequence[tuple[list[str], str | None]],
    widths_mm: Sequence[float],
    status_col: int,
) -> Table:
    """A table with a repeated header row; the status column filled with its colour."""
    widths = [w * mm for w in widths_mm]
    body = [[cell(h, st.head, w) for h, w in zip(header, widths, strict=True)]]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), st.font),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, (cells, code) in enumerate(rows, start=1):
        fill, ink = status_fill(code)
        row = []
        for j, (text, w) in enumerate(zip(cells, widths, strict=True)):
            style = ParagraphStyle("s", parent=st.head, textColor=ink) if j == status_col else st.cell
            row.append(cell(text, style, w))
        body.append(row)
        commands.append(("BACKGROUND", (status_col, i), (status_col, i), fill))
    table = kept_table(body, widths)
    table.setStyle(TableStyle(commands))
    return table


def history_table(st: Styles, header: Sequence[str], rows: Sequence[tuple[list[str], list[str | None]]]) -> Table:
    """Projects × months: each month's status as its shape on its colour."""
    months = len(header) - 1
    widths = [90 * mm] + [min(14.0, 180 / max(months, 1)) * mm] * months
    body = [[cell(h, st.head, w) for h, w in zip(header, widths, strict=True)]]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), st.font),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    for i, (cells, codes) in enumerate(rows, start=1):
        row = []
        for j, (text, code, w) in enumerate(zip(cells, codes, widths, strict=True)):
            fill, ink = status_fill(code)
            style = ParagraphStyle("h", parent=st.head, textColor=ink) if j else st.cell
            row.append(cell(text, style, w))
            if j:
                commands.append(("BACKGROUND", (j, i), (j, i), fill))
        body.append(row)
    table = kept_table(body, widths)
    table.setStyle(TableStyle(commands))
    return table


def section(st: Styles, heading: str, body: Any) -> list[Any]:
    """A heading and its table (or note), on a new page only when they do not fit: the
    heading with the table's header and first MIN_ROWS rows (a short table: all of it, as it
    is never split). Neither a lone heading nor a short table on a page of its own."""
    title = Paragraph(_esc(heading), st.h2)
    _, h = title.wrap(WIDTH, PAGE[1])
    need = h + st.h2.spaceBefore + st.h2.spaceAfter
    _, total = body.wrap(WIDTH, PAGE[1])
    heights = getattr(body, "_rowHeights", None)
    if heights and len(heights) - 1 >= 2 * MIN_ROWS:
        need += sum(heights[: 1 + MIN_ROWS])
    else:
        need += total
    return [CondPageBreak(need + 2), title, body]


SHORT_END = 0.4  # a closing section shorter than this share of the page goes with what is before it
FRAME_H = PAGE[1] - 2 * MARGIN - 4 * mm


def _height(flowables: Sequence[Any]) -> float:
    total = 0.0
    for f in flowables:
        _, h = f.wrap(WIDTH, PAGE[1])
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def legend(st: Styles) -> Table:
    cells = []
    commands: list[tuple[Any, ...]] = [("FONTNAME", (0, 0), (-1, -1), st.font), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for i, s in enumerate(LEGEND_ORDER):
        fill, ink = status_fill(s.value)
        cells.append(Paragraph(_esc(status_text(s)), ParagraphStyle("l", parent=st.head, textColor=ink)))
        commands += [("BACKGROUND", (i, 0), (i, 0), fill), ("BOX", (i, 0), (i, 0), 0.8, colors.HexColor("#424242"))]
    table = Table([cells], colWidths=[26 * mm] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def chart_drawing(chart: ReportChart, width: float) -> ChartFlowable:
    """The chart as vector drawing (matplotlib, recorded for this canvas), scaled to ``width``."""
    w, h, ops = chart_recording(chart.chart)
    return ChartFlowable((w, h), ops, width)


def chart_grid(st: Styles, charts: Sequence[ReportChart], progress: Progress | None = None) -> list[Table]:
    """Charts two per row; each row kept whole on a page."""
    w = (WIDTH - 6 * mm) / 2
    drawings = []
    for i, c in enumerate(charts, start=1):
        drawings.append(chart_drawing(c, w))
        if progress:
            progress(i, len(charts))
    rows = []
    for i in range(0, len(drawings), 2):
        pair: list[Any] = list(drawings[i : i + 2])
        h = max(d.height for d in pair)
        if len(pair) == 1:
            pair.append(Spacer(w, h))
        t = Table([pair], colWidths=[w + 3 * mm, w + 3 * mm])
        t.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (0, 0), 0.5, GRID),
                    ("BOX", (1, 0), (1, 0), 0.5 if len(drawings[i : i + 2]) == 2 else 0, GRID),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        rows.append(t)
    return rows


SECTION_SUMMARY = "実施事業の状況"
SECTION_INDICATORS = "指標の状況"
SECTION_CHARTS = "指標の推移"
SECTION_MILESTONES = "マイルストーン（工程表の●）"
SECTION_WHY = "注意・遅延の理由"
SECTION_HISTORY = "月別の状況（各月末時点）"
LEGEND_TITLE = "凡例"
NO_CHARTS = "この範囲には数値指標がありません。"
NO_MILESTONES = "この範囲にはマイルストーンがありません。"


def report_pdf(content: ReportContent, charts: Sequence[ReportChart], progress: Progress | None = None) -> bytes:
    """The report as PDF bytes."""
    generated = content.generated_on or date.today()
    footer_left = f"{content.title}・{content.subtitle}"
    font = register_japanese_font()
    st = Styles(font)
    w = content.words  # headings in the plan's own level names
    story: list = []
    story.append(Paragraph(_esc(content.title), st.title))
    story.append(Paragraph(_esc(content.subtitle), st.sub))
    story.append(Spacer(1, 3 * mm))
    if content.has_sample:
        story.append(Paragraph(_esc(SAMPLE_NOTE), st.warn))
    story.append(Paragraph(LEGEND_TITLE, st.small))
    story.append(legend(st))
    story.append(Paragraph(_esc(catalog_text("glance_ratio_help")), st.small))  # what 進捗率 measures, in one line
    counts = status_counts(content)
    line = "・".join(f"{status_text(s)} {n}件" for s, n in counts)
    story.append(Paragraph(_esc(f"{w(SECTION_SUMMARY)}（{len(content.projects)}件）"), st.h2))
    story.append(Paragraph(_esc(line), st.sub))
    story.append(Spacer(1, 2 * mm))
    story.append(data_table(st, [w(h) for h in SUMMARY_HEADER], summary_rows(content), [10, 18, 92, 46, 26, 52, 29], 4))
    why = why_rows(content)
    if why:
        story += section(st, w(SECTION_WHY), data_table(st, [w(h) for h in WHY_HEADER], why, [70, 32, 26, 145], 2))
    if history_months(content):
        history = history_table(st, history_header(content), history_rows(content))
        story += section(st, w(SECTION_HISTORY), history)

    if len(content.indicators):
        widths = [46, 60, 22, 22, 26, 36, 15, 25, 21]
        indicators = data_table(st, [w(h) for h in INDICATOR_HEADER], indicator_rows(content), widths, 7)
        story += section(st, w(SECTION_INDICATORS), indicators)
    else:
        story += section(st, w(SECTION_INDICATORS), Paragraph(_esc(w(NO_CHARTS)), st.cell))

    if len(content.milestones):
        milestones = data_table(st, [w(h) for h in MILESTONE_HEADER], milestone_rows(content), [80, 110, 28, 28, 27], 4)
        last = section(st, w(SECTION_MILESTONES), milestones)
    else:
        last = section(st, w(SECTION_MILESTONES), Paragraph(_esc(w(NO_MILESTONES)), st.cell))
    if charts:
        grid = chart_grid(st, charts, progress)
        rows: list[Any] = [[Paragraph(_esc(SECTION_CHARTS), st.h2), grid[0]], *([t] for t in grid[1:])]
        # A short ● section goes with the last row of charts: never a few rows alone on the last page.
        if _height(last[1:]) < SHORT_END * FRAME_H:
            rows[-1] = [*rows[-1], Spacer(1, 3 * mm), *last[1:]]
            last = []
        for row in rows:  # each kept whole: the heading with the first row of charts
            story += [KeepTogether(row), Spacer(1, 3 * mm)]
    story += last

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#546E7A"))
        canvas.drawString(MARGIN, 7 * mm, footer_left)
        canvas.drawRightString(PAGE[0] - MARGIN, 7 * mm, f"作成日 {date_ja(generated)}・{doc.page}ページ")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{content.title} {content.subtitle}",
        author=content.municipality,
    )
    # The canvas's initial font would otherwise be Helvetica: listed, never embedded.
    maker = partial(Canvas, initialFontName=font)
    doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=maker)
    return buf.getvalue()
