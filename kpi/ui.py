"""Streamlit glue: the one module of ``kpi`` that imports streamlit.

Shared sidebar (page links, fiscal year, 基準月, language, login), cached reads, and small
drawing helpers (status chips, legend, sample banner) that every page uses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi import auth_ui, clock, fmt, incident
from kpi.auth import departments_by_user
from kpi.auth_ui import KEY_USER as KEY_USER  # pages and tests read the login state through ui
from kpi.auth_ui import current_actor as current_actor
from kpi.bootstrap import ensure_ready
from kpi.db import database_url, make_engine, transaction
from kpi.evaluate import HISTORY_KEYS, PreparedYear
from kpi.fiscal import Month, fiscal_months, fiscal_year_label, latest_ended_month
from kpi.labels import (
    DEFAULT_LANG,
    DEFAULT_LEVELS,
    LEGEND_ORDER,
    STATUS_STYLES,
    actor_label,
    app_title,
    level_words,
    plan_title,
    source_label,
    status_label,
    t,
)
from kpi.page_views import MeasureView, ProjectView
from kpi.permissions import Actor, cli_actor, public_author
from kpi.status import Status
from kpi.store import PlanData, data_version, fiscal_years, plan_data, previous_actuals

ROOT = Path(__file__).resolve().parent.parent
# A file, not ":material/...": Streamlit turns a material page icon into a favicon fetched
# from fonts.gstatic.com at every load, which offline city networks cannot reach.
PAGE_ICON = Path(__file__).resolve().parent / "static" / "page_icon.png"
CACHE_TTL_S = 60  # cached reads refresh at least this often; writes clear them at once
CACHE_ENTRIES = 8  # versions of a year's data kept (each write makes a new one)

# (file, Japanese label, English label, icon, admin only)
PAGES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("app.py", "全体概要", "Overview", ":material/dashboard:", False),
    ("pages/1_measures.py", "重点施策別", "By measure", ":material/flag:", False),
    ("pages/2_projects.py", "実施事業", "Projects", ":material/assignment:", False),
    ("pages/3_schedule.py", "工程表", "Schedule", ":material/calendar_month:", False),
    ("pages/4_entry.py", "実績入力", "Enter actuals", ":material/edit_note:", False),
    ("pages/5_reports.py", "レポート", "Reports", ":material/print:", False),
    ("pages/6_evaluation.py", "期末評価", "Year-end evaluation", ":material/grading:", False),
    ("pages/9_inquiry.py", "あなたの課の照会", "Your department's inquiry", ":material/inbox:", False),
    ("pages/7_history.py", "変更履歴", "Change log", ":material/history:", True),
    ("pages/8_admin.py", "計画管理", "Plan admin", ":material/settings:", True),
)


@dataclass(frozen=True)
class YearStatuses:
    indicators: pd.DataFrame  # kpi.evaluate.indicator_statuses
    projects: pd.DataFrame
    measures: pd.DataFrame
    policies: pd.DataFrame


KEY_YEAR = "kpi_fiscal_year"
KEY_AS_OF = "kpi_as_of"
KEY_LANG = "kpi_lang"


@st.cache_resource
def engine_for(url: str) -> Engine:
    """One Engine per database URL for the whole server; the schema is upgraded on first use."""
    engine = make_engine(url)
    ensure_ready(engine, cli_actor())
    return engine


def engine() -> Engine:
    return engine_for(database_url())


_VERSION_MEMO = "_kpi_data_version"  # attribute of the script run context: (run, url, version)


def current_version(url: str) -> int:
    """The database's data version (kpi.store.data_version), read once per rerun: the cached
    reads below are keyed by it, so that a write through another server (several app servers
    on one PostgreSQL) shows on this server's next rerun, not after the cache's ttl.

    The title, sidebar, plan data, statuses and level names all ask for it; one query per
    script run answers them all (``clear_caches`` after a write forgets it at once)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    # ctx.cursors is a new dict at the start of every script run: it marks the run.
    run = getattr(ctx, "cursors", None)
    memo = getattr(ctx, _VERSION_MEMO, None)
    if run is not None and memo is not None and memo[0] is run and memo[1] == url:
        return int(memo[2])
    with transaction(engine_for(url)) as session:
        version = data_version(session)
    if run is not None:
        setattr(ctx, _VERSION_MEMO, (run, url, version))
    return version


def _forget_version() -> None:
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None and hasattr(ctx, _VERSION_MEMO):
        setattr(ctx, _VERSION_MEMO, None)


# A resource, not cache_data: cache_data unpickles a copy on every rerun, which for a plan of
# 1,000 projects × 10 years costs more than the page. The frames are shared: read, never mutate
# them (PlanData.only_projects and pandas operations make new frames).
@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_plan_data(url: str, year: int, version: int) -> PlanData | None:
    """The year without the year before's actuals: statuses and tables never read them, and at
    3,000 indicators they are a third of the read (``cached_chart_data`` adds them)."""
    with transaction(engine_for(url)) as session:
        return plan_data(session, year, previous_year=False)


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_chart_data(url: str, year: int, version: int) -> PlanData | None:
    """``cached_plan_data`` with the year before's actuals, which a chart draws beside this
    year's: read only by the pages that chart (the same frames otherwise, shared, read only)."""
    data = cached_plan_data(url, year, version)
    if data is None:
        return None
    with transaction(engine_for(url)) as session:
        return replace(data, previous_actuals=previous_actuals(session, year))


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_prepared_year(url: str, year: int, version: int) -> PreparedYear | None:
    """The year's indicators prepared once (kpi.evaluate.PreparedYear) for the statuses and the
    history of every as-of month (shared, read only)."""
    from kpi.evaluate import prepare_year

    data = cached_plan_data(url, year, version)
    return None if data is None else prepare_year(data)


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_statuses(url: str, year: int, as_of: str, version: int) -> YearStatuses | None:
    from kpi.evaluate import indicator_statuses, measure_statuses, policy_statuses, project_statuses

    data = cached_plan_data(url, year, version)
    if data is None:
        return None
    month = Month.parse(as_of)
    indicators = indicator_statuses(data, month, prepared=cached_prepared_year(url, year, version))
    projects = project_statuses(data, month, indicators)
    return YearStatuses(
        indicators, projects, measure_statuses(data, month, projects), policy_statuses(data, month, projects)
    )


def statuses(year: int, as_of: Month) -> YearStatuses | None:
    """Every status of the year as of a month (shared, read only), computed once per data version."""
    url = database_url()
    return cached_statuses(url, year, str(as_of), current_version(url))


def year_end_indicator_statuses(year: int, as_of: Month) -> pd.DataFrame | None:
    """The shared indicator statuses as the year-end reads use them: as of ``as_of``, or of
    March once the fiscal year has ended (期末評価, あなたの課の照会)."""
    shared = statuses(year, min(as_of, Month(year + 1, 3)))
    return None if shared is None else shared.indicators


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_fiscal_years(url: str, version: int) -> list[tuple[int, str]]:
    with transaction(engine_for(url)) as session:
        return [(fy.year, fy.label) for fy in fiscal_years(session)]


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_plan_titles(url: str, version: int) -> dict[int, str]:
    """Fiscal year → 「○○市DXアクションプラン」, from each year's plan file."""
    with transaction(engine_for(url)) as session:
        return {fy.year: plan_title(fy.municipality, fy.plan_name) for fy in fiscal_years(session)}


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def cached_plan_levels(url: str, version: int | None) -> dict[int, tuple[str, ...]]:
    """Fiscal year → the plan's level names (two or three, top first)."""
    with transaction(engine_for(url)) as session:
        return {fy.year: fy.levels for fy in fiscal_years(session)}


def level_names() -> tuple[str, ...]:
    """The chosen year's level names (else the latest year's); English keeps its generic words."""
    if lang() == "en":
        return (t("policy", "en"), t("measure", "en"), t("project", "en"))
    url = database_url()
    levels = cached_plan_levels(url, current_version(url))
    chosen = st.session_state.get(KEY_YEAR)
    if chosen in levels:
        return levels[chosen]
    return levels[max(levels)] if levels else DEFAULT_LEVELS


def current_app_title() -> str:
    """The app's name for the tab and sidebar: the chosen year's plan (else the latest)."""
    url = database_url()
    titles = cached_plan_titles(url, current_version(url))
    chosen = st.session_state.get(KEY_YEAR)
    plan = titles.get(chosen) if chosen in titles else (titles[max(titles)] if titles else None)
    return app_title(plan, lang())


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_departments(url: str, version: int) -> dict[str, tuple[str, ...]]:
    with transaction(engine_for(url)) as session:
        return departments_by_user(session)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_status_history(
    url: str, year: int, as_of: str, version: int, first: str | None = None, projects: tuple[int, ...] | None = None
) -> pd.DataFrame | None:
    """Each project's status per month (kpi.evaluate.status_history), computed once per as-of."""
    from kpi.evaluate import status_history

    data = cached_plan_data(url, year, version)
    if data is None:
        return None
    if projects is not None:
        data = data.only_projects(projects)
    prepared = cached_prepared_year(url, year, version)
    return status_history(data, Month.parse(as_of), Month.parse(first) if first else None, prepared)


def status_history(
    year: int, as_of: Month, first: Month | None = None, projects: Sequence[int] | None = None
) -> pd.DataFrame | None:
    """Every project's (or only ``projects``') status per month of the year from April (or
    ``first``) to ``as_of`` (cached per data version)."""
    url = database_url()
    shown = None if projects is None else tuple(int(n) for n in projects)
    return cached_status_history(url, year, str(as_of), current_version(url), str(first) if first else None, shown)


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def cached_measure_view(url: str, year: int, as_of: str, version: int, no: int, lang: str) -> MeasureView | None:
    from kpi.page_views import measure_view

    data = cached_chart_data(url, year, version)
    return None if data is None else measure_view(data, no, Month.parse(as_of), lang)


def measure_page_view(year: int, as_of: Month, no: int) -> MeasureView | None:
    """One 重点施策's statuses, reasons, history and sparklines (shared, read only), computed
    once per data version, as-of month and language."""
    url = database_url()
    return cached_measure_view(url, year, str(as_of), current_version(url), int(no), lang())


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def cached_project_view(url: str, year: int, as_of: str, version: int, no: int, lang: str) -> ProjectView | None:
    from kpi.page_views import project_view

    data = cached_chart_data(url, year, version)
    return None if data is None else project_view(data, no, Month.parse(as_of), lang)


def project_page_view(year: int, as_of: Month, no: int) -> ProjectView | None:
    """One project's status, reasons and status changes (shared, read only), computed once
    per data version, as-of month and language."""
    url = database_url()
    return cached_project_view(url, year, str(as_of), current_version(url), int(no), lang())


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def cached_schedule(
    url: str, year: int, as_of: str, version: int, projects: tuple[int, ...], lang: str, title: str | None
) -> tuple[Any, list[Any]] | None:
    from kpi import charts
    from kpi.evaluate import indicator_statuses
    from kpi.schedule_list import schedule_list

    data = cached_plan_data(url, year, version)
    if data is None:
        return None
    nos = list(projects)
    part = data.only_projects(nos)  # only the projects drawn are evaluated
    statuses = indicator_statuses(part, Month.parse(as_of))
    figure = charts.gantt_chart(part, statuses, Month.parse(as_of), nos, lang, title=title)
    return figure, schedule_list(part, statuses, nos)


def schedule_of(year: int, as_of: Month, projects: list[int], title: str | None = None) -> tuple[Any, list[Any]]:
    """The 工程表 of ``projects``: the Gantt figure (kpi.charts.gantt_chart) and its list form
    for phones (kpi.schedule_list), built once per data version (shared, read only)."""
    url = database_url()
    key = tuple(int(n) for n in projects)
    made = cached_schedule(url, year, str(as_of), current_version(url), key, lang(), title)
    assert made is not None  # callers show a year whose plan data loaded
    return made


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=256)
def cached_actual_history(url: str, year: int, code: str, version: int, lang: str) -> pd.DataFrame:
    from kpi.store import actual_history

    with transaction(engine_for(url)) as session:
        return display_table(actual_history(session, year, code))


def actual_history_table(year: int, code: str) -> pd.DataFrame:
    """Every revision of one indicator's actuals this year, as people read it (display_table),
    read once per data version."""
    url = database_url()
    return cached_actual_history(url, year, code, current_version(url), lang())


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=16)
def cached_report_content(url: str, year: int, as_of: str, scope: str, version: int, lang: str, today: str) -> Any:
    from datetime import date

    from kpi.reports.content import Scope, build_report

    data = cached_chart_data(url, year, version)
    if data is None:
        return None
    return build_report(data, Month.parse(as_of), Scope.parse(scope), generated_on=date.fromisoformat(today), lang=lang)


def report_content(year: int, as_of: Month, scope: Any) -> Any:
    """The レポート page's content (kpi.reports.content.build_report), built once per data
    version, scope, as-of month and language (shared, read only)."""
    url = database_url()
    return cached_report_content(
        url, year, str(as_of), str(scope), current_version(url), lang(), clock.today().isoformat()
    )


# Building a plotly figure validates every property (about 0.2 s a chart): a rerun that
# changed nothing draws the figure it built before. Shared: st.plotly_chart only reads it.
@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=256)
def cached_indicator_figure(
    url: str,
    year: int,
    version: int,
    code: str,
    as_of: str,
    lang: str,
    height: int,
    _data: PlanData,
    _row: dict[str, Any],
) -> Any:
    from kpi import charts

    return charts.indicator_chart(_data, code, Month.parse(as_of), _row, lang, height=height)


def indicator_figure(data: PlanData, row: dict[str, Any], as_of: Month, height: int = 400) -> Any:
    """The plotly figure of one indicator (kpi.charts.indicator_chart), built once per data
    version; ``row`` is its status row as of ``as_of``."""
    url = database_url()
    code = str(row["id"])
    return cached_indicator_figure(url, data.year, current_version(url), code, str(as_of), lang(), height, data, row)


def page_start(n: int, size: int, key: str, label_key: str) -> int:
    """The first row (0-based) of the page of ``size`` rows of ``n`` chosen in a selectbox,
    drawn only when there is more than one page."""
    if n <= size:
        return 0
    starts = list(range(0, n, size))
    return int(
        st.selectbox(tr(label_key).format(n=n), starts, format_func=lambda i: f"{i + 1}〜{min(i + size, n)}", key=key)
    )


def page_of(frame: pd.DataFrame, size: int, key: str, label_key: str) -> pd.DataFrame:
    """The rows of ``frame`` on the page chosen in a selectbox (drawn only when there is more
    than one page): a large plan draws ``size`` charts or projects at a time, not all of them."""
    start = page_start(len(frame), size, key, label_key)
    return frame.iloc[start : start + size]


def clear_caches() -> None:
    """Call after every write so that every page shows the new values."""
    _forget_version()
    cached_measure_view.clear()
    cached_project_view.clear()
    cached_schedule.clear()
    cached_actual_history.clear()
    cached_report_content.clear()
    cached_indicator_figure.clear()
    cached_plan_data.clear()
    cached_chart_data.clear()
    cached_statuses.clear()
    cached_prepared_year.clear()
    cached_fiscal_years.clear()
    cached_plan_titles.clear()
    cached_plan_levels.clear()
    cached_departments.clear()
    cached_status_history.clear()


def lang() -> str:
    return str(st.session_state.get(KEY_LANG, DEFAULT_LANG))


def tr(key: str) -> str:
    """A label of the catalog, with the plan's own level names (「重点施策別」→「分野別」)."""
    text = t(key, lang())
    # Only a label naming a level reads the plan: the error message of a page whose database
    # failed must not need the database.
    if lang() == "en" or not any(word in text for word in DEFAULT_LEVELS):
        return text
    return level_words(text, level_names())


def all_option(value: Any) -> str:
    """format_func for a selectbox whose empty first option means 「すべて」 (no filter)."""
    return tr("all_option") if value in ("", None) else str(value)


def author_text(author: Any) -> str:
    """An author as the visitor may see it: the user name when logged in, otherwise the
    author's department (anonymous visitors do not learn account names)."""
    if author is None or (not isinstance(author, str) and pd.isna(author)) or author == "":
        return ""
    viewer = current_actor()
    url = database_url()
    departments = {} if viewer is not None else cached_departments(url, current_version(url))
    return actor_label(public_author(str(author), viewer, departments, tr("author_staff")), lang())


def public_authors(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame`` with ``column`` shown through ``author_text``."""
    shown = frame.copy()
    shown[column] = [author_text(v) for v in frame[column]]
    return shown


def _persist(key: str) -> None:
    # Streamlit drops widget state of a page that is not drawn; copying the value into a
    # plain key keeps the sidebar's choices across pages.
    st.session_state[key] = st.session_state[f"_w{key}"]


def _restore(key: str, default: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = default
    st.session_state[f"_w{key}"] = st.session_state[key]


def _seed_from_query(key: str, param: str, allowed: list[Any]) -> None:
    # A shared link (?as_of=2026-09&lang=en) opens a new session: it sets the sidebar's
    # choices once; after that the sidebar owns them.
    raw = st.query_params.get(param)
    if key in st.session_state or raw is None:
        return
    for value in allowed:
        if str(value) == raw:
            st.session_state[key] = value
            return


def query_choice(key: str, param: str, allowed: list[int], default: int) -> None:
    """Let ``?param=N`` choose a page's selectbox (key ``key``) when the link is opened.

    The parameter is applied once per value, so that choosing another entry afterwards
    is not undone by the parameter still in the URL; the page then writes its choice back.
    """
    raw = st.query_params.get(param)
    applied = f"{key}_from_query"
    # On entering the page (the selectbox's state was dropped when the user left it) the
    # parameter wins even if it was applied before: an in-session link may repeat it.
    entering = key not in st.session_state
    if raw is not None and (entering or raw != st.session_state.get(applied)):
        st.session_state[applied] = raw
        if raw.isdigit() and int(raw) in allowed:
            st.session_state[key] = int(raw)
    if st.session_state.get(key) not in allowed:
        st.session_state[key] = default


# (page file, label, query parameters): one row of a table that a person may open.
NavTarget = tuple[str, str, dict[str, str]]


def open_row(key: str, targets: list[NavTarget]) -> None:
    """Below an HTML table: choose one of its rows and open it in this session.

    Links inside ``st.markdown`` HTML reload the page, which starts a new session and logs the
    user out; ``st.page_link`` navigates inside the session. One chooser and one link per
    table keep the table itself compact (a link widget per row does not fit in its cells).
    """
    if not targets:
        return
    with st.container(horizontal=True, vertical_alignment="bottom", key=f"kpi_nav_{key}"):
        index = st.selectbox(
            tr("nav_open_row"),
            range(len(targets)),
            key=key,
            format_func=lambda i: targets[i][1],
            placeholder=tr("nav_open_row"),
            width=420,
        )
        # A choice kept from a longer list (another 基準月) falls back to the first row.
        page, label, params = targets[index if index is not None and index < len(targets) else 0]
        st.page_link(page, label=tr("nav_open"), icon=":material/arrow_forward:", query_params=params, help=label)


def set_query_choice(key: str, param: str, value: int) -> None:
    st.query_params[param] = str(value)
    st.session_state[f"{key}_from_query"] = str(value)


def page_setup(title_key: str | None = None) -> None:
    """First call of every page: the error guard, page config, print CSS."""
    guard()
    # ?lang=en must count before the first word is drawn (the tab title comes first).
    _seed_from_query(KEY_LANG, "lang", ["ja", "en"])
    st.set_page_config(page_title=current_app_title(), page_icon=str(PAGE_ICON), layout="wide")
    st.markdown(PRINT_CSS + LAYOUT_CSS + (UPLOADER_CSS_JA if lang() == "ja" else ""), unsafe_allow_html=True)


def _show_incident(exc: Exception) -> bool:
    """An uncaught error of a page: logged with its traceback under an incident id, shown to
    the visitor as a friendly message with that id (never the traceback, type or SQL)."""
    incident_id = incident.record(exc, "page")
    st.error(tr("error_incident").format(id=incident_id), icon=":material/error:")
    return True  # handled: Streamlit shows nothing more


def guard() -> None:
    """Route the current run's uncaught exceptions to ``_show_incident``.

    Streamlit 1.67 calls the run context's ``on_script_error`` with every uncaught exception
    of the script (and of fragments) and shows nothing more when it returns True. Setting it
    at the top of each run keeps pages free of try/except and of an extra indentation
    level. If a later Streamlit drops the hook, ``client.showErrorDetails = "none"`` in
    .streamlit/config.toml still hides the details (tests/test_error_guard.py notices).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and hasattr(ctx, "on_script_error"):
        ctx.on_script_error = _show_incident


PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
  .block-container { padding-top: 0 !important; }
}
.kpi-chip { display:inline-block; padding:0.05rem 0.5rem; border-radius:0.8rem; font-size:0.85rem;
            border:1.5px solid #424242; white-space:nowrap; line-height:1.5;
            /* Browsers drop backgrounds in print by default: the fill is half of the status. */
            -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.kpi-legend span { margin-right: 0.4rem; }
.kpi-table { border-collapse: collapse; width: 100%; font-size: 0.92rem; margin-bottom: 0.8rem; }
.kpi-table th { text-align: left; border-bottom: 2px solid #90A4AE; padding: 0.3rem 0.5rem; white-space: nowrap; }
.kpi-table td { border-bottom: 1px solid #E0E0E0; padding: 0.3rem 0.5rem; vertical-align: middle; }
.kpi-table td .kpi-chip, .kpi-counts .kpi-chip { min-width: 7em; text-align: center; }
.kpi-table tr.kpi-policy td { background: #ECEFF1; font-weight: 700; }
.kpi-table tr.kpi-measure td { background: #F7F9FA; font-weight: 600; }
.kpi-table td.kpi-nowrap { white-space: nowrap; }
.kpi-table td.kpi-num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
.kpi-table td.kpi-spark-cell { width: 100px; line-height: 0; }
.kpi-spark { display: block; }
.kpi-table td.kpi-indent1 { padding-left: 1.6rem; }
.kpi-table td.kpi-indent2 { padding-left: 3.2rem; }
.kpi-counts { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0.2rem 0 0.8rem; }
.kpi-counts .kpi-total { font-weight: 700; margin-right: 0.6rem; }
.kpi-fact { font-size: 0.9rem; line-height: 1.7; }
@media (max-width: 640px) {
  /* Phones: a wide table scrolls sideways instead of cutting columns; chips shrink to fit. */
  .kpi-table { display: block; overflow-x: auto; font-size: 0.85rem; }
  .kpi-table td .kpi-chip, .kpi-counts .kpi-chip { min-width: 0 !important; }
  .kpi-table td.kpi-indent1 { padding-left: 0.6rem; }
  .kpi-table td.kpi-indent2 { padding-left: 1.2rem; }
  .kpi-table td.kpi-name { min-width: 10em; }
  .kpi-table td.kpi-why { min-width: 12em; }
  /* A measure's indicator table fits a 390 px phone: names wrap, the sparkline shrinks. */
  .kpi-indicator-table th, .kpi-indicator-table td { padding: 0.25rem 0.3rem; }
  .kpi-table.kpi-indicator-table td.kpi-name { min-width: 6.5em; }
  .kpi-indicator-table th, .kpi-indicator-table td.kpi-num { white-space: normal; }
  /* The ratio tells how far from the target; the target itself is in the chart below. */
  .kpi-indicator-table th:nth-child(4), .kpi-indicator-table td:nth-child(4) { display: none; }
  .kpi-indicator-table .kpi-spark { width: 60px; height: 16px; }
  .kpi-table td.kpi-spark-cell { width: 62px; }
}
@media print {
  .kpi-table { page-break-inside: auto; }
  .kpi-table tr { page-break-inside: avoid; }
}
.kpi-table .kpi-mini { min-width: 1.6em !important; padding: 0 0.2rem; text-align: center; }
.kpi-table td.kpi-name { min-width: 14em; max-width: 26em; }
.kpi-table td.kpi-why { min-width: 16em; font-size: 0.85rem; color: #37474F; }
</style>
"""


# Streamlit's file uploader has English words of its own ("Upload", "200MB per file") and no
# parameter for them: on Japanese pages they are replaced by Japanese ones.
UPLOADER_CSS_JA = """
<style>
[data-testid="stFileUploaderDropzone"] button p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button p::after { content: "ファイルを選ぶ"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "1ファイル200MBまで"; font-size: 0.875rem; }
</style>
"""


# Accessibility and layout rules of our own (390 px phones, 1920 px screens, A4 print).
LAYOUT_CSS = """
<style>
/* Streamlit's captions are faded (opacity 0.6) to 3.9:1 on white; WCAG 2.1 AA (1.4.3) needs
   4.5:1. A solid grey keeps them quieter than body text at 7:1. */
[data-testid="stCaptionContainer"] { color: #595959 !important; opacity: 1 !important; }
/* wide_only / narrow_only: a chart for screens and paper, its list form for phones. */
@media screen and (max-width: 640px) { [class*="st-key-kpi_wide_"] { display: none !important; } }
@media screen and (min-width: 641px), print { [class*="st-key-kpi_narrow_"] { display: none !important; } }
/* Phones: twelve month labels (「10月11月12月」) need more room than a 390 px chart has;
   smaller tick text keeps every month readable and apart (plotly sets the size inline). */
@media screen and (max-width: 640px) {
  .js-plotly-plot .xtick text { font-size: 8px !important; }
  .js-plotly-plot .ytick text { font-size: 9px !important; }
}
/* Paper cannot follow a link: the choosers under the tables are left out of print. */
@media print { [class*="st-key-kpi_nav_"] { display: none !important; } }
.kpi-schedule-list ul { margin: 0 0 0.6rem 0; padding-left: 1.1rem; }
.kpi-schedule-list li { margin: 0.2rem 0; font-size: 0.9rem; line-height: 1.5; }
.kpi-schedule-list .kpi-sl-period { color: #424242; font-size: 0.85rem; }
.kpi-schedule-list .kpi-sl-mark { font-size: 0.85rem; }
.kpi-schedule-list .kpi-sl-project { margin: 0.7rem 0 0.2rem; }
/* Names in the changes and missing-reports tables: at most two lines (full name on hover). */
.kpi-table td.kpi-name2 { min-width: 22em; }
.kpi-clamp2 { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
/* Wide screens: tables and text stop at a readable width instead of stretching. */
@media screen and (min-width: 1600px) {
  .block-container { max-width: 1500px; }
  /* A table as wide as its content: the department no longer sits 1000 px from its project. */
  .kpi-table { width: auto; min-width: 60%; max-width: 100%; }
}
@media screen and (max-width: 640px) {
  /* A long project name as the title took three lines of 2.75rem on a phone. */
  [data-testid="stMain"] h1 { font-size: 1.75rem !important; }
  /* Phones: the plan tree and the short status tables become lists (one block per row). */
  .kpi-table.kpi-list { display: block; overflow: visible; }
  .kpi-table.kpi-list thead { display: none; }
  .kpi-table.kpi-list tbody { display: block; }
  .kpi-table.kpi-list tr { display: flex; flex-wrap: wrap; align-items: center; gap: 0.15rem 0.4rem;
                           border-bottom: 1px solid #E0E0E0; padding: 0.3rem 0.2rem; }
  .kpi-table.kpi-list td { display: block; border: none; padding: 0.05rem 0.2rem; min-width: 0 !important; }
  .kpi-table.kpi-list td:empty { display: none; }
  .kpi-table.kpi-list td.kpi-name, .kpi-table.kpi-list td.kpi-why { flex: 1 1 100%; max-width: none; }
  .kpi-table.kpi-list td.kpi-indent1, .kpi-table.kpi-list td.kpi-indent2 { flex: 1 1 55%; padding-left: 0.2rem; }
  .kpi-table.kpi-list tr:has(td.kpi-indent1) { padding-left: 0.8rem; }
  .kpi-table.kpi-list tr:has(td.kpi-indent2) { padding-left: 1.6rem; }
  .kpi-table.kpi-list td.kpi-dept { font-size: 0.8rem; color: #424242; }
  .kpi-table.kpi-list td.kpi-now::before { content: "→ "; }
  /* The status-by-month matrix still scrolls sideways: its project names stay in view. */
  .kpi-history td:first-child, .kpi-history th:first-child { position: sticky; left: 0; background: #fff; z-index: 1; }
}
</style>
"""


def _year_label(year: int, ja: bool) -> str:
    return fiscal_year_label(year) if ja else f"FY{year}"


def month_label(month: Month) -> str:
    """「2026年10月」 in Japanese, 2026-10 in English."""
    return month.label_ja() if lang() == "ja" else str(month)


def _month_label(month: str, ja: bool) -> str:
    return Month.parse(month).label_ja() if ja else month


def sidebar() -> tuple[int | None, Month]:
    """Draw the shared sidebar; return (fiscal year, as-of month)."""
    url = database_url()
    engine_for(url)
    years = cached_fiscal_years(url, current_version(url))
    today = clock.today()
    default_as_of = latest_ended_month(today)
    _seed_from_query(KEY_LANG, "lang", ["ja", "en"])  # pages that skip page_setup (tests)
    with st.sidebar:
        st.markdown(f"**{md_text(current_app_title())}**")
        admin = bool(current_actor() and current_actor().is_admin)  # type: ignore[union-attr]
        for path, ja, en, icon, admin_only in PAGES:
            if (ROOT / path).exists() and (admin or not admin_only):
                st.page_link(path, label=en if lang() == "en" else level_words(ja, level_names()), icon=icon)
        st.divider()
        year: int | None = None
        if years:
            year_values = [y for y, _ in years]
            default_year = default_as_of.fiscal_year if default_as_of.fiscal_year in year_values else year_values[-1]
            _seed_from_query(KEY_YEAR, "year", year_values)
            _restore(KEY_YEAR, default_year)
            year = st.selectbox(
                tr("fiscal_year"),
                year_values,
                placeholder=tr("choose_option"),
                key=f"_w{KEY_YEAR}",
                on_change=_persist,
                args=(KEY_YEAR,),
                # The language is bound now, not read when called: AppTest formats values later.
                format_func=partial(_year_label, ja=lang() == "ja"),
            )
            months = [str(m) for m in fiscal_months(year) if m <= max(default_as_of, Month(year, 4))]
            wanted = str(min(default_as_of, Month(year + 1, 3)))
            _seed_from_query(KEY_AS_OF, "as_of", months)
            if st.session_state.get(KEY_AS_OF) not in months:
                st.session_state[KEY_AS_OF] = wanted if wanted in months else months[-1]
            _restore(KEY_AS_OF, wanted)
            st.selectbox(
                tr("as_of"),
                months,
                placeholder=tr("choose_option"),
                key=f"_w{KEY_AS_OF}",
                on_change=_persist,
                args=(KEY_AS_OF,),
                format_func=partial(_month_label, ja=lang() == "ja"),
            )
        _seed_from_query(KEY_LANG, "lang", ["ja", "en"])
        _restore(KEY_LANG, DEFAULT_LANG)
        st.radio(
            tr("language"),
            ["ja", "en"],
            key=f"_w{KEY_LANG}",
            on_change=_persist,
            args=(KEY_LANG,),
            format_func=lambda v: "日本語" if v == "ja" else "English",
            horizontal=True,
        )
        login_box()
    require_login()
    as_of = Month.parse(st.session_state[KEY_AS_OF]) if years else default_as_of
    return year, as_of


def login_box() -> None:
    """Login / logout in the sidebar (accounts: see kpi.auth)."""
    auth_ui.draw_login(engine(), lang())


def require_login() -> None:
    """With KPI_REQUIRE_LOGIN=1, stop the page (after the sidebar) until someone logs in."""
    auth_ui.require_login(lang())


def load(year: int | None, charts: bool = False) -> PlanData | None:
    """Cached plan data of the chosen fiscal year; shows the sample banner when needed.
    ``charts``: with the year before's actuals, for a page that draws indicator charts."""
    if year is None:
        st.warning(tr("no_plan"))
        return None
    url = database_url()
    data = (cached_chart_data if charts else cached_plan_data)(url, year, current_version(url))
    if data is None:
        st.warning(tr("no_plan"))
        return None
    if data.has_sample:
        st.warning(tr("sample_banner"), icon=":material/science:")
    return data


def chip_html(status: Status | str | None, suffix: str = "") -> str:
    """A status chip: colour plus shape plus text, so that it reads in a grey printout."""
    if status is None or fmt.is_missing(status):
        return f'<span class="kpi-chip">{fmt.MISSING}</span>'
    style = STATUS_STYLES[Status(status)]
    extra = f" {html.escape(suffix)}" if suffix else ""
    return (
        f'<span class="kpi-chip" style="background:{style.color};color:{style.text_color}">'
        f"{style.symbol} {html.escape(status_label(status, lang()))}{extra}</span>"
    )


def mini_chip_html(status: Status | str | None, language: str | None = None) -> str:
    """A one-symbol chip for dense tables (status by month); the label is its tooltip.
    ``language``: the page's, read once by a table of thousands of chips."""
    if status is None or fmt.is_missing(status):
        return f'<span class="kpi-chip kpi-mini">{fmt.MISSING}</span>'
    style = STATUS_STYLES[Status(status)]
    label = html.escape(status_label(status, language or lang()))
    return (
        f'<span class="kpi-chip kpi-mini" title="{label}" aria-label="{label}" '
        f'style="background:{style.color};color:{style.text_color}">{style.symbol}</span>'
    )


def why_caption(why: Any) -> None:
    """Why a status is 注意/遅延: the latest note and self-assessment, as plain text."""
    lines = why.lines(lang()) if why is not None else []
    if lines:
        st.caption("  \n".join(fmt.plain_markdown(line) for line in lines))
    else:
        st.caption(tr("why_none"))


def why_html(why: Any) -> str:
    """Why as table-cell HTML: each cause or note on its own line, every line escaped."""
    lines = why.lines(lang()) if why is not None else []
    return "<br>".join(html.escape(line) for line in lines) if lines else html.escape(tr("why_none"))


HISTORY_PER_PAGE = 50


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
    header = [tr("project"), *[str(int(m[5:])) + ("月" if language == "ja" else "") for m in months]]
    rows = [
        (
            "",
            [
                "kpi-name|" + esc(f"{r.get('code') or format(int(r['id']), '02d')} {r['name']}"),
                *[mini_chip_html(r[m], language) for m in months],
            ],
        )
        for r in shown.to_dict("records")
    ]
    table(header, rows, "kpi-history")


def chip(status: Status | str | None, suffix: str = "") -> None:
    st.markdown(chip_html(status, suffix), unsafe_allow_html=True)


def legend() -> None:
    parts = [chip_html(s) for s in LEGEND_ORDER]
    st.markdown('<div class="kpi-legend">' + " ".join(parts) + "</div>", unsafe_allow_html=True)


def table_html(header: list[str], rows: list[tuple[str, list[str]]], css: str = "") -> str:
    """An HTML table of (row css class, cells); cells are HTML already (escape text first).
    ``css`` adds a class to the table (``kpi-history`` marks the status-by-month matrix)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(f'<tr class="{cls}">' + "".join(_cell(c) for c in cells) + "</tr>" for cls, cells in rows)
    classes = f"kpi-table {css}".strip()
    return f'<table class="{classes}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(cell: str) -> str:
    # A cell may carry its own class as "class|html" (for indentation in the plan tree).
    if cell.startswith("kpi-") and "|" in cell:
        cls, content = cell.split("|", 1)
        return f'<td class="{cls}">{content}</td>'
    return f"<td>{cell}</td>"


def schedule_list_html(projects: list[Any], fiscal_year: int) -> str:
    """The 工程表 as a list (``kpi.schedule_list``): for phones, where a Gantt chart is unreadable."""
    from kpi.schedule_list import month_short

    def month(m: str) -> str:
        return html.escape(month_short(m, fiscal_year, lang()))

    parts = ['<div class="kpi-schedule-list">']
    for proj in projects:
        heading = f"{proj.symbol} {proj.code or format(proj.no, '02d')} {proj.name}"
        parts.append(f'<p class="kpi-sl-project"><b>{esc(heading)}</b></p><ul>')
        for line in proj.lines:
            periods = "、".join(
                (month(a) if a == b else f"{month(a)}–{month(b)}") + (f" {html.escape(text)}" if text else "")
                for a, b, text in line.periods
            )
            marks = "".join(
                f'<div class="kpi-sl-mark">{mini_chip_html(m.status)} {month(m.month)}'
                + (f" {html.escape(m.text)}" if m.text else "")
                + "</div>"
                for m in line.marks
            )
            item = esc(line.item) if line.item else html.escape(tr("chart_no_item"))
            parts.append(
                f'<li><span class="kpi-sl-item">{item}</span> <div class="kpi-sl-period">{periods}</div>{marks}</li>'
            )
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def wide_only(key: str) -> Any:
    """A container shown on screens wider than a phone and in print (e.g. a Gantt chart)."""
    return st.container(key=f"kpi_wide_{key}")


def narrow_only(key: str) -> Any:
    """A container shown only on phones (≤ 640 px), e.g. the list form of a chart."""
    return st.container(key=f"kpi_narrow_{key}")


def name_cell(text: str) -> str:
    """A table cell with a name of at most two lines; the whole name is its tooltip."""
    return f'kpi-name kpi-name2|<span class="kpi-clamp2" title="{esc(text)}">{esc(text)}</span>'


def md_text(text: str) -> str:
    """Text from a plan file shown as literal Markdown (a 「*」 or 「_」 in a name stays as written)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)


def esc(value: Any) -> str:
    """Escaped text of a table cell; 「―」 for a missing value."""
    return html.escape(fmt.text(value))


def table(header: list[str], rows: list[tuple[str, list[str]]], css: str = "") -> None:
    st.markdown(table_html(header, rows, css), unsafe_allow_html=True)


def indicator_panel(data: PlanData, row: dict[str, Any], as_of: Month, why: Any = None) -> None:
    """One indicator: its progress chart, and beside it the status chip, the numbers and,
    for 注意/遅延, why (the latest note and self-assessment)."""
    from kpi import charts

    code = str(row["id"])
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        fig = indicator_figure(data, row, as_of)
        name = charts.chart_filename(data.year, code, as_of)
        # theme=None: the figure's own fonts and colours, so that screen and print agree.
        st.plotly_chart(fig, config=charts.chart_config(name), key=f"chart_{code}", theme=None)
    with right:
        unit = str(row.get("unit") or "")
        ratio = row.get("ratio")
        suffix = fmt.percent(ratio, missing="")
        chip(row["status"], suffix)
        facts = [
            (tr("actual"), charts.format_value(row.get("actual"), unit)),
            (tr("expected"), charts.format_value(row.get("expected"), unit)),
            (tr("target"), charts.format_value(row.get("target"), unit)),
            (tr("baseline"), charts.format_value(row.get("baseline"), unit)),
            (tr("dash_last_reported"), html.unescape(esc(row.get("month")))),
        ]
        months = int(row.get("unreported_months") or 0)
        if months:
            from kpi.labels import unreported_text

            facts.append((tr("dash_unreported"), unreported_text(months, lang())))
        lines = "".join(f"<div><b>{html.escape(k)}</b>: {html.escape(v)}</div>" for k, v in facts)
        st.markdown(f'<div class="kpi-fact">{lines}</div>', unsafe_allow_html=True)
        if row["status"] in ("caution", "delayed"):
            why_caption(why)


def _fiscal_month_name(index: int) -> str:
    from kpi.chart_data import EN_MONTHS

    month = (index + 2) % 12 + 1  # fiscal month 1 is April
    return f"{month}月" if lang() == "ja" else EN_MONTHS[month - 1]


def sparkline_html(name: str, unit: str, points: list[tuple[int, float]]) -> str:
    """The inline SVG sparkline of one indicator; its label reads every month's value."""
    from kpi.chart_data import format_value
    from kpi.sparkline import sparkline_svg

    values = ("、" if lang() == "ja" else ", ").join(
        f"{_fiscal_month_name(i)} {format_value(v, unit)}" for i, v in sorted(points)
    )
    detail = f"{tr('spark_label')}: {values}" if values else tr("spark_none")
    label = f"{name}（{detail}）" if lang() == "ja" else f"{name} ({detail})"
    return sparkline_svg(points, label, fmt.MISSING)


def indicator_table(view: MeasureView) -> None:
    """A compact table of a 重点施策's indicators, drawn before the full charts: status chip,
    name, latest value, target, 進捗率 and this year's sparkline (HTML, prints, no JS)."""
    from kpi.chart_data import format_value

    rows = []
    for r in view.indicators[view.indicators["kind"] == "indicator"].to_dict("records"):
        unit = fmt.text(r.get("unit"), "")
        rows.append(
            (
                "",
                [
                    chip_html(r["status"]),
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


TIME_COLUMNS = ("created_at", "at", "locked_at", "completed_at")


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A stored table as people read it: localized column names, times in JST, flags as text.

    Column ``x`` is renamed from the catalog key ``col_x`` when there is one.
    """
    from kpi.clock import local_time_text
    from kpi.labels import TEXT

    shown = frame.copy()
    for col in TIME_COLUMNS:
        if col in shown.columns:
            shown[col] = [local_time_text(v) for v in shown[col]]
    if "is_sample" in shown.columns:
        mark = "サンプル" if lang() == "ja" else "sample"
        shown["is_sample"] = [mark if bool(v) else "" for v in frame["is_sample"]]
    if "source" in shown.columns:
        shown["source"] = [source_label(v, lang()) for v in frame["source"]]
    for col in ("author", "locked_by", "completed_by"):
        if col in shown.columns:
            shown[col] = [actor_label(v, lang()) if isinstance(v, str) else fmt.text(v) for v in shown[col]]
    if "role" in shown.columns:
        shown["role"] = [auth_ui.role_label(str(v), lang()) for v in frame["role"]]
    if "disabled" in shown.columns:
        shown["disabled"] = [tr("col_disabled_yes") if bool(v) else "" for v in frame["disabled"]]
    return shown.rename(columns={c: tr(f"col_{c}") for c in shown.columns if f"col_{c}" in TEXT})


def department_emails_section(actor: Actor, departments: list[str]) -> None:
    """部署の連絡先: the reminder address of each department, listed and set (admins).

    Drawn on 計画管理 and on 「あなたの課の照会」's admin part; the write checks the role itself.
    """
    from kpi.inquiry_store import InquiryRejected, department_emails, set_department_email
    from kpi.permissions import PermissionDenied
    from kpi.writes import read, with_retry

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
