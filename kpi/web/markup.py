"""HTML building: status chips, tables, sparklines and the 工程表 list as escaped HTML."""

from __future__ import annotations

import html
import re
from typing import Any

from kpi.domain.frames import is_missing
from kpi.domain.status import Status
from kpi.text import fmt, phrases
from kpi.text.catalog import t
from kpi.text.fmt import plain_markdown
from kpi.text.labels import paren, status_label, status_symbol, status_text
from kpi.text.palette import STATUS_STYLES
from kpi.web.prefs import lang
from kpi.web.words import _fiscal_month_name, tr


def chip_html(status: Status | str | None, suffix: str = "", ratio: float | None = None) -> str:
    """A status chip: colour plus shape plus text, so that it reads in a grey printout.
    ``ratio``: an indicator's r, for the plan's 「前倒し達成」 grade (kpi.domain.scale)."""
    if status is None or is_missing(status):
        return f'<span class="kpi-chip">{fmt.MISSING}</span>'
    style = STATUS_STYLES[Status(status)]
    extra = f" {html.escape(suffix)}" if suffix else ""
    return (
        f'<span class="kpi-chip" style="background:{style.color};color:{style.text_color}">'
        f"{html.escape(status_text(status, lang(), ratio))}{extra}</span>"
    )


def mini_chip_html(status: Status | str | None, language: str | None = None) -> str:
    """A one-symbol chip for dense tables (status by month); the label is its tooltip.
    ``language``: the page's, read once by a table of thousands of chips."""
    if status is None or is_missing(status):
        return f'<span class="kpi-chip kpi-mini">{fmt.MISSING}</span>'
    style = STATUS_STYLES[Status(status)]
    label = html.escape(status_label(status, language or lang()))
    return (
        f'<span class="kpi-chip kpi-mini" title="{label}" aria-label="{label}" '
        f'style="background:{style.color};color:{style.text_color}">{html.escape(status_symbol(status))}</span>'
    )


def why_html(why: Any) -> str:
    """Why as table-cell HTML: each cause or note on its own line, every line escaped."""
    lines = why.lines(lang()) if why is not None else []
    return "<br>".join(phrases.html(line) for line in lines) if lines else html.escape(tr("why_none"))


def table_html(
    header: list[str], rows: list[tuple[str, list[str]]], css: str = "", over: list[tuple[str, int]] | None = None
) -> str:
    """An HTML table of (row css class, cells); cells are HTML already (escape text first).
    ``css`` adds a class to the table (``kpi-history`` marks the status-by-month matrix);
    ``over`` is a header row above ``header`` of (text, columns spanned), e.g. the years over
    month columns. A table with the class ``kpi-cards`` names each cell's column in a
    ``data-label`` (phones show a row as a card of 「header: value」 lines)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    labels: list[str | None] = [None] * len(header)
    if "kpi-cards" in css.split():
        labels = [html.escape(re.sub(r"<[^>]+>", "", h), quote=True) for h in header]
    if over:
        spans = "".join(f'<th colspan="{n}" class="kpi-over">{html.escape(text)}</th>' for text, n in over)
        head = f"{spans}</tr><tr>{head}"
    body = "".join(
        f'<tr class="{cls}">'
        + "".join(_cell(c, labels[i] if i < len(labels) else None) for i, c in enumerate(cells))
        + "</tr>"
        for cls, cells in rows
    )
    classes = f"kpi-table {css}".strip()
    return inert(f'<table class="{classes}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def _cell(cell: str, label: str | None = None) -> str:
    # A cell may carry its own class as "class|html" (for indentation in the plan tree);
    # ``label`` (escaped) names its column for the phone's card layout.
    attrs = f' data-label="{label}"' if label else ""
    if cell.startswith("kpi-") and "|" in cell:
        cls, content = cell.split("|", 1)
        return f'<td class="{cls}"{attrs}>{content}</td>'
    return f"<td{attrs}>{cell}</td>"


def schedule_list_html(projects: list[Any], fiscal_year: int) -> str:
    """The 工程表 as a list (``kpi.charts.schedule_list``): for phones, where a Gantt chart is unreadable."""
    from kpi.charts.schedule_list import month_short

    def month(m: str) -> str:
        return html.escape(month_short(m, fiscal_year, lang()))

    parts = ['<div class="kpi-schedule-list">']
    for proj in projects:
        heading = f"{proj.symbol} {proj.code or format(proj.no, '02d')} {proj.name}"
        parts.append(f'<p class="kpi-sl-project"><b>{phrases.html(fmt.text(heading))}</b></p><ul>')
        for line in proj.lines:
            periods = "、".join(
                (month(a) if a == b else f"{month(a)}–{month(b)}") + (f" {phrases.html(text)}" if text else "")
                for a, b, text in line.periods
            )
            marks = "".join(
                f'<div class="kpi-sl-mark">{mini_chip_html(m.status)} {month(m.month)}'
                + (f" {phrases.html(m.text)}" if m.text else "")
                + "</div>"
                for m in line.marks
            )
            item = phrases.html(fmt.text(line.item)) if line.item else html.escape(tr("chart_no_item"))
            parts.append(
                f'<li><span class="kpi-sl-item">{item}</span> <div class="kpi-sl-period">{periods}</div>{marks}</li>'
            )
        parts.append("</ul>")
    parts.append("</div>")
    return inert("".join(parts))


def name_cell(text: str) -> str:
    """A table cell with a name of at most two lines; the whole name is its tooltip."""
    return f'kpi-name kpi-name2|<span class="kpi-clamp2" title="{esc(text)}">{phrases.html(fmt.text(text))}</span>'


def md_text(text: str) -> str:
    """Text from a plan file shown as literal Markdown (a 「*」 or 「_」 in a name stays as written)."""
    return plain_markdown(text, "")


# Characters Markdown reads as markup, written as HTML character references inside our HTML:
# were a blank line to end the HTML block, the text after it would still not render markup.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()!|~$:\n"})
_TAG = re.compile(r"<[^>]*>")
_QUOTED = re.compile(r'"[^"]*"')


def inert(fragment: str) -> str:
    """HTML (already escaped) with every Markdown character of its text and attribute values
    as a character reference, so that Streamlit's Markdown renderer reads none of it as markup
    (a plan name 「![x](http://…)」 in a table cell stays text, even after a blank line)."""
    out, pos = [], 0
    for tag in _TAG.finditer(fragment):
        out.append(fragment[pos : tag.start()].translate(_INERT))
        out.append(_QUOTED.sub(lambda q: '"' + q.group()[1:-1].translate(_INERT) + '"', tag.group()))
        pos = tag.end()
    out.append(fragment[pos:].translate(_INERT))
    return "".join(out)


def esc(value: Any) -> str:
    """Escaped text of a table cell; 「―」 for a missing value."""
    return html.escape(fmt.text(value))


def sparkline_html(name: str, unit: str, points: list[tuple[int, float]]) -> str:
    """The inline SVG sparkline of one indicator; its label reads every month's value."""
    from kpi.charts.data import format_value
    from kpi.charts.sparkline import sparkline_svg

    values = t("list_sep", lang()).join(f"{_fiscal_month_name(i)} {format_value(v, unit)}" for i, v in sorted(points))
    detail = f"{tr('spark_label')}: {values}" if values else tr("spark_none")
    label = paren(name, detail, lang())
    return sparkline_svg(points, label, fmt.MISSING)
