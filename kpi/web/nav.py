"""Navigation: the sidebar (page links, 年度, 基準月, 言語, login), in-session row links, paging."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from kpi import PROJECT_ROOT
from kpi.domain import clock
from kpi.domain.fiscal import Month, fiscal_months, latest_ended_month
from kpi.domain.plan import PlanData
from kpi.store.db import database_url
from kpi.text.catalog import DEFAULT_LANG
from kpi.text.fmt import plain_markdown
from kpi.text.labels import language_name, month_label, year_label
from kpi.web import auth as auth_ui
from kpi.web import reconnect, warm_up
from kpi.web.auth import current_actor
from kpi.web.cache import (
    cached_chart_data,
    cached_fiscal_years,
    cached_plan_data,
    current_version,
    engine,
    engine_for,
    use_plan_scale,
)
from kpi.web.markup import md_text
from kpi.web.prefs import KEY_AS_OF, KEY_LANG, KEY_YEAR, _persist, _restore, _seed_from_query, lang
from kpi.web.words import current_app_title, tr

ROOT = PROJECT_ROOT  # page files are named from here


# (file, catalog key of its name, icon, admin only)
PAGES: tuple[tuple[str, str, str, bool], ...] = (
    ("app.py", "page_overview", ":material/dashboard:", False),
    ("pages/1_measures.py", "page_measures", ":material/flag:", False),
    ("pages/2_projects.py", "page_projects", ":material/assignment:", False),
    ("pages/3_schedule.py", "page_schedule", ":material/calendar_month:", False),
    ("pages/4_entry.py", "page_entry", ":material/edit_note:", False),
    ("pages/5_reports.py", "page_reports", ":material/print:", False),
    ("pages/6_evaluation.py", "page_evaluation", ":material/grading:", False),
    ("pages/9_inquiry.py", "page_inquiry", ":material/inbox:", False),
    ("pages/7_history.py", "page_history", ":material/history:", True),
    ("pages/8_admin.py", "page_admin", ":material/settings:", True),
)


def page_start(n: int, size: int, key: str, label_key: str) -> int:
    """The first row (0-based) of the page of ``size`` rows of ``n`` chosen in a selectbox,
    drawn only when there is more than one page."""
    if n <= size:
        return 0
    starts = list(range(0, n, size))
    return int(
        st.selectbox(tr(label_key).format(n=n), starts, format_func=lambda i: f"{i + 1}〜{min(i + size, n)}", key=key)
    )


# Charts per page of 重点施策別 and the レポート page, projects per page of the 工程表.
CHARTS_PER_PAGE = 12
SCHEDULE_PER_PAGE = 50


def page_of(frame: pd.DataFrame, size: int, key: str, label_key: str) -> pd.DataFrame:
    """The rows of ``frame`` on the page chosen in a selectbox (drawn only when there is more
    than one page): a large plan draws ``size`` charts or projects at a time, not all of them."""
    start = page_start(len(frame), size, key, label_key)
    return frame.iloc[start : start + size]


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
        st.page_link(
            page, label=tr("nav_open"), icon=":material/arrow_forward:", query_params=params, help=plain_markdown(label)
        )


def sidebar() -> tuple[int | None, Month]:
    """Draw the shared sidebar; return (fiscal year, as-of month)."""
    url = database_url()
    auth_ui.sign_in_submitted(engine_for(url))  # before the links: an admin's show at once
    years = cached_fiscal_years(url, current_version(url))
    today = clock.today()
    default_as_of = latest_ended_month(today)
    _seed_from_query(KEY_LANG, "lang", ["ja", "en"])  # pages that skip page_setup (tests)
    with st.sidebar:
        st.markdown(f"**{md_text(current_app_title())}**")
        admin = bool(current_actor() and current_actor().is_admin)  # type: ignore[union-attr]
        for path, key, icon, admin_only in PAGES:
            if (ROOT / path).exists() and (admin or not admin_only):
                st.page_link(path, label=tr(key), icon=icon)
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
                format_func=partial(year_label, lang=lang()),
            )
            use_plan_scale(year)  # the chosen plan's own words for statuses and ratings
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
                format_func=partial(month_label, lang=lang()),
            )
        _seed_from_query(KEY_LANG, "lang", ["ja", "en"])
        _restore(KEY_LANG, DEFAULT_LANG)
        st.radio(
            tr("language"),
            ["ja", "en"],
            key=f"_w{KEY_LANG}",
            on_change=_persist,
            args=(KEY_LANG,),
            format_func=language_name,
            horizontal=True,
        )
        login_box()
    as_of = Month.parse(st.session_state[KEY_AS_OF]) if years else default_as_of
    if year is not None and auth_ui.login_required() and current_actor() is None:
        warm_up.while_signing_in(url, year, as_of)  # the plan is read while the person types
    require_login()
    return year, as_of


def login_box() -> None:
    """Login / logout in the sidebar (accounts: see kpi.store.accounts)."""
    reconnect.notice(lang(), signed_in=auth_ui.current_actor() is not None)
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
        actor = current_actor()
        # The command that removes it is for administrators; everyone else reads what it is.
        extra = " " + tr("glance_sample_admin") if actor is not None and actor.is_admin else ""
        st.warning(tr("sample_banner") + extra, icon=":material/science:")
    return data
