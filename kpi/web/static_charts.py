"""Charts drawn on the server and shown without plotly.js: what 重点施策別, 実施事業 and 工程表
show first (issue 22 item 4: the first plotly chart after a server start pays for loading
plotly.js in the browser, seconds on a slow PC).

- an indicator chart is ``kpi.reports.public_svg.chart_svg`` of the same ``IndicatorChartData``
  that plotly and the PDF draw, shown as <img loading="lazy"> (drawn as it scrolls into view)
  with its title and latest figures as alt text;
- the 工程表 is ``kpi.reports.gantt_svg`` of the same ``GanttData`` as the plotly Gantt,
  inline (its bars and ● have hover titles).

Both are made inert (``kpi.web.markup.inert``): a plan name's Markdown stays text.

The interactive plotly charts (zoom, PNG download) stay on demand (kpi.web.on_demand).
"""

from __future__ import annotations

import base64
import html
from typing import Any

import streamlit as st

from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.web.cache import CACHE_TTL_S, cached_schedule, current_version, database_url
from kpi.web.markup import inert
from kpi.web.prefs import lang


def _esc(text: str) -> str:
    """Escaped, on one line: the HTML sits in Markdown, where a blank line would end it."""
    return html.escape(" ".join(text.splitlines()))


def chart_alt(title: str, row: dict[str, Any], language: str) -> str:
    """An indicator picture's text alternative: its title and its latest figures."""
    from kpi.charts.data import format_value
    from kpi.text import fmt
    from kpi.text.catalog import t
    from kpi.text.labels import month_label, status_text

    unit = str(row.get("unit") or "")
    month = fmt.text(row.get("month"))
    return t("speed22_chart_alt", language).format(
        title=title,
        actual=format_value(row.get("actual"), unit),
        month=month_label(month, language) if month != fmt.MISSING else month,
        target=format_value(row.get("target"), unit),
        status=status_text(row["status"], language),
    )


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=256)
def _cached_picture(
    url: str,
    year: int,
    version: int,
    code: str,
    as_of: str,
    language: str,
    _data: PlanData,
    _row: dict[str, Any],
    loading: str = "lazy",
) -> str:
    from kpi.charts.data import indicator_chart_data
    from kpi.reports.public_svg import chart_svg
    from kpi.text.palette import FONT_STACK

    chart = indicator_chart_data(_data, code, Month.parse(as_of), _row, language)
    title = chart.title
    alt = chart_alt(title, _row, language)
    svg = chart_svg(chart, f"c-{code}", alt, font=FONT_STACK)
    src = base64.b64encode(svg.encode()).decode()
    # The title as text above the picture (broken between phrases, as plotly's and the PDF's).
    head = "<br>".join(_esc(line) for line in chart.title_lines)
    sub = "<br>".join(_esc(line) for line in chart.subtitle_lines)
    return inert(
        f'<div class="kpi-chart"><div class="kpi-chart-title"><b>{head}</b>'
        + (f'<br><span class="kpi-chart-sub">{sub}</span>' if sub else "")
        + f'</div><img class="kpi-chart-img" loading="{loading}" decoding="async" alt="{_esc(alt)}" '
        f'title="{_esc(title)}" src="data:image/svg+xml;base64,{src}"></div>'
    )


def indicator_picture(data: PlanData, row: dict[str, Any], as_of: Month, *, for_print: bool = False) -> str:
    """One indicator's chart as an <img> (HTML), made once per data version. ``for_print``:
    loaded at once, not as it scrolls into view, so that a printed page holds every chart
    (the レポート page: plotly charts below the window printed as empty boxes)."""
    url = database_url()
    return picture_for(url, current_version(url), data, row, as_of, lang(), "eager" if for_print else "lazy")


def picture_for(
    url: str, version: int, data: PlanData, row: dict[str, Any], as_of: Month, language: str, loading: str = "lazy"
) -> str:
    """``indicator_picture`` for a given database, data version and language (kpi.web.warm_up)."""
    return _cached_picture(url, data.year, version, str(row["id"]), str(as_of), language, data, row, loading)


def schedule_picture(year: int, as_of: Month, projects: list[int], title: str | None = None) -> str:
    """The 工程表 of ``projects`` as inline SVG (HTML), made once per data version."""
    url = database_url()
    return schedule_picture_for(url, year, as_of, current_version(url), tuple(projects), lang(), title)


def schedule_picture_for(
    url: str, year: int, as_of: Month, version: int, projects: tuple[int, ...], language: str, title: str | None = None
) -> str:
    """``schedule_picture`` for a given database, data version and language (kpi.web.warm_up)."""
    key = tuple(int(n) for n in projects)
    return _cached_schedule(url, year, str(as_of), version, key, language, title)


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def _cached_schedule(
    url: str, year: int, as_of: str, version: int, projects: tuple[int, ...], language: str, title: str | None
) -> str:
    from kpi.reports.gantt_svg import gantt_svg

    made = cached_schedule(url, year, as_of, version, projects, language, title)
    assert made is not None  # callers show a year whose plan data loaded
    return inert(f'<div class="kpi-gantt-wrap">{gantt_svg(made[0], language)}</div>')


def clear() -> None:
    _cached_picture.clear()
    _cached_schedule.clear()
