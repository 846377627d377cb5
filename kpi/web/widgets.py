"""Drawing helpers every page uses: chips, legend, tables, indicator panels, history tables."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from kpi.domain.fiscal import Month
from kpi.domain.frames import opt_float
from kpi.domain.permissions import Actor
from kpi.domain.plan import PlanData
from kpi.domain.status import Status
from kpi.domain.statuses import HISTORY_KEYS
from kpi.services.page_views import MeasureView
from kpi.text import fmt, phrases
from kpi.text.catalog import t
from kpi.text.labels import month_short, month_text, month_years, source_label
from kpi.text.palette import LEGEND_ORDER
from kpi.web import auth as auth_ui
from kpi.web.cache import clear_caches, engine, indicator_figure, status_history
from kpi.web.markup import chip_html, mini_chip_html, name_cell, sparkline_html, table_html
from kpi.web.nav import page_of, page_start
from kpi.web.prefs import lang
from kpi.web.words import people, person, tr


def why_caption(why: Any) -> None:
    """Why a status is 注意/遅延: the latest note and self-assessment, as plain text."""
    lines = why.lines(lang()) if why is not None else []
    if lines:
        st.caption("  \n".join(fmt.plain_markdown(line) for line in lines))
    else:
        st.caption(tr("why_none"))


def cannot_judge_caption() -> None:
    """Under a 基準値未設定 status: not progress, so say why it cannot be judged and who fixes it
    (「判定できません」 for visitors and staff, the to-do for administrators)."""
    actor = auth_ui.current_actor()
    admin = actor is not None and actor.is_admin
    st.caption(tr("glance_no_baseline_admin" if admin else "glance_cannot_judge"))


HISTORY_PER_PAGE = 50
# An st.dataframe row of three lines: its text cells wrap (Streamlit wraps text in rows this
# tall; at 64 px it still cut them).
WRAPPED_ROW_PX = 80


def wrapped_table_height(rows: int, shown: int = 10) -> int:
    """The height of an st.dataframe of WRAPPED_ROW_PX rows that shows ``shown`` of them."""
    return (max(1, min(rows, shown)) * WRAPPED_ROW_PX) + 40  # the header and the border


def plan_history_table(year: int, as_of: Month, projects: Sequence[int]) -> None:
    """The whole plan's month-by-month table, 50 projects a page: only the page shown is
    evaluated month by month (a thousand projects × twelve months was most of the 全体概要's
    first draw), in the order of ``projects``."""
    if as_of < Month(year, 4):  # before the year's first month: nothing to show yet
        st.caption(tr("dash_history_none"))
        return
    start = page_start(len(projects), HISTORY_PER_PAGE, "history_page", "dash_history_page")
    history = status_history(year, as_of, projects=projects[start : start + HISTORY_PER_PAGE])
    if history is not None:
        status_history_table(history)


def status_history_table(history: pd.DataFrame, projects: list[int] | None = None) -> None:
    """Projects × months with a chip per month: when each status changed."""
    months = [c for c in history.columns if c not in HISTORY_KEYS]
    if not months:
        st.caption(tr("dash_history_none"))
        return
    shown = history if projects is None else history[history["id"].isin(projects)]
    # A thousand projects × twelve chips are 1.5 MB of HTML for the browser to parse: a page at a time.
    shown = page_of(shown, HISTORY_PER_PAGE, "history_page", "dash_history_page")
    language = lang()
    header = [tr("project"), *[month_short(m, language) for m in months]]
    over = [("", 1), *month_years(months, language)]  # 「10月」 under its year
    rows = [
        (
            "",
            [
                "kpi-name|" + phrases.html(f"{r.get('code') or format(int(r['id']), '02d')} {r['name']}"),
                *[mini_chip_html(r[m], language) for m in months],
            ],
        )
        for r in shown.to_dict("records")
    ]
    table(header, rows, "kpi-history", over)


def chip(status: Status | str | None, suffix: str = "") -> None:
    st.markdown(chip_html(status, suffix), unsafe_allow_html=True)


def legend() -> None:
    parts = [chip_html(s) for s in LEGEND_ORDER]
    st.markdown('<div class="kpi-legend">' + " ".join(parts) + "</div>", unsafe_allow_html=True)
    st.caption(tr("glance_ratio_help"))  # the chips print 進捗率: say what it measures


def wide_only(key: str) -> Any:
    """A container shown on screens wider than a phone and in print (e.g. a Gantt chart)."""
    return st.container(key=f"kpi_wide_{key}")


def narrow_only(key: str) -> Any:
    """A container shown only on phones (≤ 640 px), e.g. the list form of a chart."""
    return st.container(key=f"kpi_narrow_{key}")


def table(
    header: list[str], rows: list[tuple[str, list[str]]], css: str = "", over: list[tuple[str, int]] | None = None
) -> None:
    st.markdown(table_html(header, rows, css, over), unsafe_allow_html=True)


def indicator_panel(
    data: PlanData, row: dict[str, Any], as_of: Month, why: Any = None, chart: bool = True, picture: str = ""
) -> None:
    """One indicator: its progress chart, and beside it the status chip, the numbers and,
    for 注意/遅延, why (the latest note and self-assessment). ``picture``: the chart as a
    static picture (HTML, kpi.web.static_charts) instead of plotly. Without ``chart``: its name
    and the numbers only."""
    from kpi.charts import figures as charts
    from kpi.charts.data import format_expected, format_value

    code = str(row["id"])
    if chart and picture:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(picture, unsafe_allow_html=True)
    elif chart:
        left, right = st.columns([3, 1], vertical_alignment="center")
        with left:
            fig = indicator_figure(data, row, as_of)
            name = charts.chart_filename(data.year, code, as_of)
            # theme=None: the figure's own fonts and colours, so that screen and print agree.
            st.plotly_chart(fig, config=charts.chart_config(name), key=f"chart_{code}", theme=None)
    else:
        right = st.container(border=True)
        right.markdown(f"**{fmt.plain_markdown(str(row['name']))}**")  # a plan name is text, never Markdown
    with right:
        unit = str(row.get("unit") or "")
        ratio = row.get("ratio")
        suffix = fmt.percent(ratio, missing="")
        chip(row["status"], suffix)
        facts = [
            (tr("actual"), format_value(row.get("actual"), unit)),
            (tr("expected"), format_expected(row.get("expected"), unit)),
            (tr("target"), format_value(row.get("target"), unit)),
            (tr("baseline"), format_value(row.get("baseline"), unit)),
            (tr("dash_last_reported"), _month_or_missing(row.get("month"))),
        ]
        months = int(row.get("unreported_months") or 0)
        if months:
            from kpi.text.labels import unreported_text

            facts.append((tr("dash_unreported"), unreported_text(months, lang())))
        lines = "".join(f"<div><b>{html.escape(k)}</b>: {html.escape(v)}</div>" for k, v in facts)
        st.markdown(f'<div class="kpi-fact">{lines}</div>', unsafe_allow_html=True)
        if row["status"] in ("caution", "delayed"):
            why_caption(why)
        if row["status"] == "no_baseline":
            cannot_judge_caption()


def _month_or_missing(value: Any) -> str:
    """「2026年10月」 (one month format in Japanese text), 「―」 when nothing was reported."""
    from kpi.text.labels import month_label

    text = fmt.text(value)
    return month_label(text, lang()) if text != fmt.MISSING else text


def indicator_table(view: MeasureView) -> None:
    """A compact table of a 重点施策's indicators, drawn before the full charts: status chip,
    name, latest value, target, 進捗率 and this year's sparkline (HTML, prints, no JS)."""
    from kpi.charts.data import format_value

    rows = []
    for r in view.indicators[view.indicators["kind"] == "indicator"].to_dict("records"):
        unit = fmt.text(r.get("unit"), "")
        rows.append(
            (
                "",
                [
                    chip_html(r["status"], ratio=opt_float(r.get("ratio"))),
                    name_cell(str(r["name"])),
                    "kpi-num|" + html.escape(format_value(r.get("actual"), unit)),
                    "kpi-num|" + html.escape(format_value(r.get("target"), unit)),
                    "kpi-num|" + html.escape(fmt.percent(r.get("ratio"))),
                    "kpi-spark-cell|" + sparkline_html(str(r["name"]), unit, view.series.get(str(r["id"]), [])),
                ],
            )
        )
    table(
        [tr("status"), tr("indicator"), tr("dash_latest"), tr("target"), tr("ratio"), tr("dash_trend")],
        rows,
        "kpi-indicator-table",
    )
    st.caption(tr("glance_ratio_help"))


TIME_COLUMNS = ("created_at", "at", "locked_at", "completed_at")


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A stored table as people read it: localized column names, times in JST, flags as text.

    Column ``x`` is renamed from the catalog key ``col_x`` when there is one.
    """
    from kpi.domain.clock import local_time_text
    from kpi.text.catalog import TEXT

    shown = frame.copy()
    for col in TIME_COLUMNS:
        if col in shown.columns:
            shown[col] = [local_time_text(v) for v in shown[col]]
    if "month" in shown.columns:  # one month format: 「2026年10月」
        shown["month"] = [month_text(v, lang()) for v in frame["month"]]
    if "is_sample" in shown.columns:
        mark = t("sample_mark", lang())
        shown["is_sample"] = [mark if bool(v) else "" for v in frame["is_sample"]]
    if "source" in shown.columns:
        shown["source"] = [source_label(v, lang()) for v in frame["source"]]
    names = people() if {"author", "locked_by", "completed_by"} & set(shown.columns) else {}
    for col in ("author", "locked_by", "completed_by"):
        if col in shown.columns:
            shown[col] = [person(v, names) for v in shown[col]]
    if "role" in shown.columns:
        shown["role"] = [auth_ui.role_label(str(v), lang()) for v in frame["role"]]
    if "disabled" in shown.columns:
        shown["disabled"] = [tr("col_disabled_yes") if bool(v) else "" for v in frame["disabled"]]
    return shown.rename(columns={c: tr(f"col_{c}") for c in shown.columns if f"col_{c}" in TEXT})


def department_emails_section(actor: Actor, departments: list[str]) -> None:
    """部署の連絡先: the reminder address of each department, listed and set (admins).

    Drawn on 計画管理 and on 「あなたの課の照会」's admin part; the write checks the role itself.
    """
    from kpi.domain.permissions import PermissionDenied
    from kpi.store.inquiry import InquiryRejected, department_emails, set_department_email
    from kpi.store.writes import read, with_retry

    emails = read(engine(), department_emails)
    all_departments = sorted(set(departments) | set(emails))
    st.dataframe(
        pd.DataFrame(
            {tr("inq_department"): all_departments, tr("inq_email"): [emails.get(d, "") for d in all_departments]}
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("department_email_form"):
        dept = st.selectbox(
            tr("inq_department"), all_departments, placeholder=tr("choose_option"), key="department_email_department"
        )
        email = st.text_input(tr("inq_email"), key="department_email_address")
        if st.form_submit_button(tr("inq_email_save")):
            try:
                with_retry(engine(), set_department_email, actor, dept or "", email)
            except (InquiryRejected, PermissionDenied) as exc:
                st.error(fmt.plain_markdown(str(exc)))
            else:
                clear_caches()
                st.success(tr("inq_email_saved"), icon=":material/check_circle:")
