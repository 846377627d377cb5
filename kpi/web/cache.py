"""Cached reads: the Engine (``st.cache_resource``) and every read keyed by the data version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi.domain import clock
from kpi.domain.fiscal import Month
from kpi.domain.permissions import cli_actor
from kpi.domain.plan import PlanData, plan_title
from kpi.domain.scale import PlanScale, use_scale
from kpi.domain.statuses import PreparedYear
from kpi.services.overview import OverviewView
from kpi.services.page_views import MeasureView, ProjectView
from kpi.store.accounts import departments_by_user, display_names
from kpi.store.audit import data_version
from kpi.store.bootstrap import ensure_ready
from kpi.store.db import database_url, make_engine, transaction
from kpi.store.reads import fiscal_years, plan_data, plan_scales, previous_actuals
from kpi.web.prefs import lang

if TYPE_CHECKING:
    from sqlalchemy import Engine

CACHE_TTL_S = 60  # cached reads refresh at least this often; writes clear them at once


CACHE_ENTRIES = 8  # versions of a year's data kept (each write makes a new one)


@dataclass(frozen=True)
class YearStatuses:
    indicators: pd.DataFrame  # kpi.domain.statuses.indicator_statuses
    projects: pd.DataFrame
    measures: pd.DataFrame
    policies: pd.DataFrame


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
    """The year's indicators prepared once (kpi.domain.statuses.PreparedYear) for the statuses and the
    history of every as-of month (shared, read only)."""
    from kpi.domain.statuses import prepare_year

    data = cached_plan_data(url, year, version)
    return None if data is None else prepare_year(data)


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_statuses(url: str, year: int, as_of: str, version: int) -> YearStatuses | None:
    from kpi.domain.statuses import indicator_statuses, measure_statuses, policy_statuses, project_statuses

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
def cached_plan_scales(url: str, version: int | None) -> dict[int, PlanScale]:
    """Fiscal year → the plan's own scale (issue 21: its words for statuses and ratings)."""
    with transaction(engine_for(url)) as session:
        return plan_scales(session)


def use_plan_scale(year: int | None) -> None:
    """Put the chosen year's scale in use for this run (the sidebar calls it on every page):
    every chip, table, chart and workbook the page draws then reads in the plan's words."""
    url = database_url()
    scales = cached_plan_scales(url, current_version(url))
    use_scale(scales.get(year) if year is not None else None)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def cached_plan_levels(url: str, version: int | None) -> dict[int, tuple[str, ...]]:
    """Fiscal year → the plan's level names (two or three, top first)."""
    with transaction(engine_for(url)) as session:
        return {fy.year: fy.levels for fy in fiscal_years(session)}


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_departments(url: str, version: int) -> dict[str, tuple[str, ...]]:
    with transaction(engine_for(url)) as session:
        return departments_by_user(session)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_display_names(url: str, version: int) -> dict[str, str]:
    with transaction(engine_for(url)) as session:
        return display_names(session)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES)
def cached_status_history(
    url: str, year: int, as_of: str, version: int, first: str | None = None, projects: tuple[int, ...] | None = None
) -> pd.DataFrame | None:
    """Each project's status per month (kpi.domain.statuses.status_history), computed once per as-of."""
    from kpi.domain.statuses import status_history

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


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=CACHE_ENTRIES * 2)
def cached_overview_view(url: str, year: int, as_of: str, version: int, lang: str) -> OverviewView | None:
    from kpi.services.overview import overview_view

    data = cached_plan_data(url, year, version)
    computed = cached_statuses(url, year, as_of, version)
    if data is None or computed is None:
        return None
    month = Month.parse(as_of)
    previous = month.add(-1)
    # The month before by the status history's rules, that month only: cheaper than a second
    # indicator_statuses of the whole plan, the same statuses (tests pin them).
    before = (
        cached_status_history(url, year, str(previous), version, str(previous))
        if previous.fiscal_year == year
        else None
    )
    c = computed
    return overview_view(data, month, c.indicators, c.projects, c.measures, c.policies, before, lang)


def overview_page_view(year: int, as_of: Month) -> OverviewView | None:
    """全体概要's changes, missing reports and plan tree (shared, read only), computed once per
    data version, as-of month and language, not once per session and rerun."""
    url = database_url()
    return cached_overview_view(url, year, str(as_of), current_version(url), lang())


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def cached_measure_view(url: str, year: int, as_of: str, version: int, no: int, lang: str) -> MeasureView | None:
    from kpi.services.page_views import measure_view

    data = cached_chart_data(url, year, version)
    return None if data is None else measure_view(data, no, Month.parse(as_of), lang)


def measure_page_view(year: int, as_of: Month, no: int) -> MeasureView | None:
    """One 重点施策's statuses, reasons, history and sparklines (shared, read only), computed
    once per data version, as-of month and language."""
    url = database_url()
    return cached_measure_view(url, year, str(as_of), current_version(url), int(no), lang())


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def cached_project_view(url: str, year: int, as_of: str, version: int, no: int, lang: str) -> ProjectView | None:
    from kpi.services.page_views import project_view

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
    from kpi.charts.gantt_data import gantt_data
    from kpi.charts.schedule_list import schedule_list
    from kpi.domain.statuses import indicator_statuses

    data = cached_plan_data(url, year, version)
    if data is None:
        return None
    nos = list(projects)
    part = data.only_projects(nos)  # only the projects drawn are evaluated
    statuses = indicator_statuses(part, Month.parse(as_of))
    return gantt_data(part, statuses, Month.parse(as_of), nos, lang, title), schedule_list(part, statuses, nos)


def schedule_of(year: int, as_of: Month, projects: list[int], title: str | None = None) -> tuple[Any, list[Any]]:
    """The 工程表 of ``projects``: its rows, bars and ● (kpi.charts.gantt_data, drawn by the
    static SVG and by plotly) and its list form for phones (kpi.charts.schedule_list), built
    once per data version (shared, read only)."""
    url = database_url()
    key = tuple(int(n) for n in projects)
    made = cached_schedule(url, year, str(as_of), current_version(url), key, lang(), title)
    assert made is not None  # callers show a year whose plan data loaded
    return made


@st.cache_resource(ttl=CACHE_TTL_S, show_spinner=False, max_entries=64)
def cached_schedule_figure(
    url: str, year: int, as_of: str, version: int, projects: tuple[int, ...], lang: str, title: str | None
) -> Any:
    from kpi.charts.figures import gantt_figure

    made = cached_schedule(url, year, as_of, version, projects, lang, title)
    assert made is not None  # callers show a year whose plan data loaded
    return gantt_figure(made[0], lang)


def schedule_figure(year: int, as_of: Month, projects: list[int], title: str | None = None) -> Any:
    """The plotly Gantt of ``projects`` (drawn on demand), built once per data version."""
    url = database_url()
    key = tuple(int(n) for n in projects)
    return cached_schedule_figure(url, year, str(as_of), current_version(url), key, lang(), title)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False, max_entries=256)
def cached_actual_history(url: str, year: int, code: str, version: int, lang: str) -> pd.DataFrame:
    from kpi.store.reads import actual_history
    from kpi.web.widgets import display_table  # widgets read through this module: import at call

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
    from kpi.charts import figures as charts

    return charts.indicator_chart(_data, code, Month.parse(as_of), _row, lang, height=height)


def indicator_figure(data: PlanData, row: dict[str, Any], as_of: Month, height: int = 400) -> Any:
    """The plotly figure of one indicator (kpi.charts.indicator_chart), built once per data
    version; ``row`` is its status row as of ``as_of``."""
    url = database_url()
    code = str(row["id"])
    return cached_indicator_figure(url, data.year, current_version(url), code, str(as_of), lang(), height, data, row)


def clear_caches() -> None:
    """Call after every write so that every page shows the new values."""
    _forget_version()
    cached_overview_view.clear()
    cached_measure_view.clear()
    cached_project_view.clear()
    cached_schedule.clear()
    cached_schedule_figure.clear()
    cached_actual_history.clear()
    cached_report_content.clear()
    cached_indicator_figure.clear()
    from kpi.web import static_charts  # it reads through this module: import at call

    static_charts.clear()
    cached_plan_data.clear()
    cached_chart_data.clear()
    cached_statuses.clear()
    cached_prepared_year.clear()
    cached_fiscal_years.clear()
    cached_plan_titles.clear()
    cached_plan_levels.clear()
    cached_plan_scales.clear()
    cached_departments.clear()
    cached_display_names.clear()
    cached_status_history.clear()
