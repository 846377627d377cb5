"""レポート's drawing: the scope (sidebar), the files to make and download (top of the page) and the report.

Every file is keyed by the data version (the latest audit-log id), so a download made after a
write never serves the file made before it. The PDF and the PNG zip draw one chart per
indicator: they are made on a button press with a progress bar, then downloaded.
"""

from __future__ import annotations

import logging
from functools import partial
from html import escape
from typing import Any

import streamlit as st

from kpi.charts import figures as charts
from kpi.domain import clock
from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.reports import service  # called as service.x: a test replaces report_bytes there
from kpi.reports.content import Scope, scope_choices
from kpi.reports.service import MIME, report_filename, schedule_filename
from kpi.reports.tables import (
    header,
    history_months,
    indicator_rows,
    milestone_rows,
    status_counts,
    summary_rows,
    why_rows,
)
from kpi.store.db import database_url
from kpi.text import phrases
from kpi.text.fmt import plain_markdown
from kpi.text.labels import status_text
from kpi.web import cache, markup, nav, on_demand, static_charts, widgets
from kpi.web.prefs import lang
from kpi.web.words import tr

log = logging.getLogger(__name__)
KEY_KIND = "reports_scope_kind"
KEY_SCOPE = "reports_scope"
FILE_TTL_S = 300
LARGE_PLAN = 100  # projects: above this the page opens on one 重点施策
KINDS = ("all", "policy", "measure", "project")
KIND_KEYS = {"all": "rep_all", "policy": "policy", "measure": "measure", "project": "project"}


@st.cache_data(ttl=FILE_TTL_S, show_spinner=False, max_entries=20)
def report_file(url: str, version: int, year: int, as_of: str, scope: str, fmt: str) -> bytes:
    inputs = service.load_inputs(cache.engine_for(url), year)
    if inputs is None:
        return b""
    return service.report_bytes(inputs, Month.parse(as_of), Scope.parse(scope), fmt, clock.today())


@st.cache_data(ttl=FILE_TTL_S, show_spinner=False, max_entries=20)
def schedule_file(url: str, version: int, year: int, scope: str, fmt: str) -> bytes:
    inputs = service.load_inputs(cache.engine_for(url), year)
    return b"" if inputs is None else service.schedule_bytes(inputs, Scope.parse(scope), fmt)


@st.cache_resource(show_spinner=False)
def _made_files() -> dict[tuple[object, ...], bytes]:
    """PDFs and PNG zips made, shared by every session: keyed by the data version, so a file
    made by one manager is a download for the next until the data change."""
    return {}


MADE_FILES_MAX = 8  # a few scopes × formats: each PDF is at most a few MB


def made_file(key: tuple[object, ...]) -> bytes | None:
    return _made_files().get(key)


def chart_file(key: tuple[object, ...], year: int, as_of: Month, scope: Scope, fmt: str) -> bytes | None:
    """Make the PDF / PNG zip with a progress bar (one step per chart); None if it failed."""
    bar = st.progress(0.0, text=tr("rep_making").format(0, "…"))

    def step(done: int, total: int) -> None:
        bar.progress(done / total, text=tr("rep_making").format(done, total))

    try:
        inputs = service.load_inputs(cache.engine(), year)
        today = clock.today()
        payload = b"" if inputs is None else service.report_bytes(inputs, as_of, scope, fmt, today, progress=step)
    except Exception:  # a visitor gets a message, the server log the traceback
        log.exception("report %s %s %s failed", fmt, scope, as_of)
        st.error(tr("rep_failed"))
        return None
    finally:
        bar.empty()
    files = _made_files()
    while len(files) >= MADE_FILES_MAX:
        files.pop(next(iter(files)))
    files[key] = payload
    return payload


def html_table(head: list[str], rows: list[tuple[list[str], str | None]], status_col: int) -> str:
    ths = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = []
    for cells, code in rows:
        tds = [
            f"<td>{markup.chip_html(code)}</td>" if i == status_col else f"<td>{phrases.html(c)}</td>"
            for i, c in enumerate(cells)
        ]
        body.append("<tr>" + "".join(tds) + "</tr>")
    table = f'<table class="kpi-report"><thead><tr>{ths}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return markup.inert(table)


def scope_choice(data: PlanData) -> Scope:
    """The sidebar's scope: 全体, a 基本方針, a 重点施策 or a project."""
    choices = scope_choices(data, lang())
    labels = dict(choices)
    with st.sidebar:
        st.divider()
        # A large plan opens on its first 重点施策, not on everything at once.
        st.session_state.setdefault(KEY_KIND, "measure" if len(data.projects) > LARGE_PLAN else "all")
        kind = st.radio(
            tr("rep_scope_kind"), KINDS, key=KEY_KIND, format_func=lambda k: tr(KIND_KEYS[k]), horizontal=True
        )
        options = [s for s, _ in choices if s.split(":")[0] == kind]
        scope_text = options[0] if kind == "all" else st.selectbox(
            tr("rep_scope"), options, placeholder=tr("choose_option"), key=f"{KEY_SCOPE}_{kind}",
            format_func=lambda s: labels[s],
        )  # fmt: skip
    return Scope.parse(str(scope_text))


@st.fragment
def downloads(year: int, as_of: Month, scope: Scope) -> None:
    """The files, at the top of the page (printed without them): PDF and PNG zip made on a
    press, Excel and the 工程表 on download. A fragment: pressing 作成 reruns only this box,
    not the report below with its charts (that rerun made the PDF take 30 s in the browser)."""
    url = database_url()
    version = cache.current_version(url)
    with st.container(border=True, key="kpi_nav_downloads"):
        st.markdown(f"**{tr('rep_downloads')}**")
        st.caption(tr("print_downloads_hint"))
        top = st.columns(3)
        for col, (fmt, key, ext, icon) in zip(
            top,
            (("pdf", "rep_pdf", "pdf", ":material/picture_as_pdf:"), ("png", "rep_png", "zip", ":material/image:")),
            strict=False,
        ):
            file_key = (url, version, year, str(as_of), str(scope), fmt)
            payload = made_file(file_key)
            with col:
                slot = st.empty()  # the make button, replaced by the download once made
                make = tr("rep_make").format(tr(key))
                if payload is None and slot.button(make, icon=icon, key=f"reports_make_{fmt}", width="stretch"):
                    payload = chart_file(file_key, year, as_of, scope, fmt)
                if payload is not None:
                    slot.download_button(
                        tr(key), data=payload, file_name=report_filename(year, as_of, scope, ext), mime=MIME[ext],
                        icon=":material/download:", key=f"reports_dl_{fmt}", width="stretch", type="primary",
                    )  # fmt: skip
        top[2].download_button(
            tr("rep_xlsx"),
            data=partial(report_file, url, version, year, str(as_of), str(scope), "xlsx"),
            file_name=report_filename(year, as_of, scope, "xlsx"),
            mime=MIME["xlsx"],
            icon=":material/download:",
            key="reports_dl_xlsx",
            width="stretch",
        )
        schedules = (("xlsx", "rep_schedule_xlsx"), ("pdf", "rep_schedule_pdf"))
        for col, (fmt, key) in zip(st.columns(3), schedules, strict=False):
            col.download_button(
                tr(key),
                data=partial(schedule_file, url, version, year, str(scope), fmt),
                file_name=schedule_filename(year, scope, fmt),
                mime=MIME[fmt],
                icon=":material/table_view:",
                key=f"reports_sched_{fmt}",
                width="stretch",
            )


def summary(content: Any) -> None:
    """The title block, legend, counts, the summary and why tables, the status history."""
    # The plan's name above a short title: at 1280 px the whole name as a title broke mid-word.
    st.markdown(f"##### {plain_markdown(content.title.split()[0])}")
    st.title(tr("rep_title"))
    st.markdown(f"#### {plain_markdown(content.subtitle)}")
    st.caption(tr("rep_print_hint"))
    st.markdown(f"**{tr('rep_legend')}**")
    widgets.legend()
    st.subheader(tr("rep_summary_count").format(n=len(content.projects)))
    # The PDF's order (kpi.reports.tables.status_counts: the legend's), not pandas' by count.
    st.markdown("・".join(f"{status_text(s, lang())} {n}" for s, n in status_counts(content)))
    st.markdown(html_table(header("SUMMARY", lang()), summary_rows(content), 4), unsafe_allow_html=True)
    why = why_rows(content)
    if why:
        st.subheader(tr("rep_why"))
        st.markdown(html_table(header("WHY", lang()), why, 2), unsafe_allow_html=True)
    if history_months(content):
        st.subheader(tr("dash_history"))
        st.caption(tr("dash_history_caption"))
        widgets.status_history_table(content.history)


def indicators(content: Any, data: PlanData, as_of: Month) -> None:
    """The indicator table and their charts, two a row, a page at a time."""
    st.subheader(tr("rep_indicators"))
    if not len(content.indicators):
        st.markdown(tr("rep_none"))
        return
    st.markdown(html_table(header("INDICATOR", lang()), indicator_rows(content), 7), unsafe_allow_html=True)
    st.subheader(tr("rep_charts"))
    # A plan of thousands of indicators draws its charts a page at a time (the PDF has all).
    # Pictures made on the server first, loaded at once (printing the page showed the plotly
    # charts below the window as empty boxes); the interactive charts on demand.
    st.caption(tr("speed22_charts_hint"))

    def draw(interactive: bool) -> None:
        rows = nav.page_of(content.indicators, nav.CHARTS_PER_PAGE, "reports_chart_page", "dash_chart_page")
        records = rows.to_dict("records")
        for i in range(0, len(records), 2):
            cols = st.columns(2)
            for col, row in zip(cols, records[i : i + 2], strict=False):
                if not interactive:
                    picture = static_charts.indicator_picture(data, row, as_of, for_print=True)
                    col.markdown(picture, unsafe_allow_html=True)
                    continue
                fig = cache.indicator_figure(data, row, as_of, height=380)
                name = charts.chart_filename(data.year, row["id"], as_of)
                col.plotly_chart(fig, width="stretch", config=charts.chart_config(name), key=f"rep_{row['id']}")

    label = tr("speed22_interactive").format(n=len(content.indicators))
    on_demand.pictures_or_charts("reports_show_charts", label, draw)


def milestones(content: Any) -> None:
    st.subheader(tr("rep_milestones"))
    if len(content.milestones):
        st.markdown(html_table(header("MILESTONE", lang()), milestone_rows(content), 4), unsafe_allow_html=True)
    else:
        st.markdown(tr("rep_none"))
