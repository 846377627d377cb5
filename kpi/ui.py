"""Streamlit glue: the one module of ``kpi`` that imports streamlit.

Shared sidebar (page links, fiscal year, 基準月, language, login), cached reads, and small
drawing helpers (status chips, legend, sample banner) that every page uses.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from kpi import clock
from kpi.bootstrap import ensure_ready
from kpi.db import database_url, make_engine, transaction
from kpi.fiscal import Month, fiscal_months, fiscal_year_label, latest_ended_month
from kpi.labels import DEFAULT_LANG, LEGEND_ORDER, STATUS_STYLES, status_label, t
from kpi.permissions import Actor, cli_actor
from kpi.status import Status
from kpi.store import PlanData, fiscal_years, plan_data

ROOT = Path(__file__).resolve().parent.parent
CACHE_TTL_S = 60  # cached reads refresh at least this often; writes clear them at once

# (file, Japanese label, English label, icon, admin only)
PAGES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("app.py", "全体概要", "Overview", ":material/dashboard:", False),
    ("pages/1_measures.py", "重点施策別", "By measure", ":material/flag:", False),
    ("pages/2_projects.py", "実施事業", "Projects", ":material/assignment:", False),
    ("pages/3_schedule.py", "工程表", "Schedule", ":material/calendar_month:", False),
    ("pages/4_entry.py", "実績入力", "Enter actuals", ":material/edit_note:", False),
    ("pages/5_reports.py", "レポート", "Reports", ":material/print:", False),
    ("pages/6_evaluation.py", "期末評価", "Year-end evaluation", ":material/grading:", False),
    ("pages/7_history.py", "変更履歴", "Change log", ":material/history:", True),
    ("pages/8_admin.py", "計画管理", "Plan admin", ":material/settings:", True),
)

KEY_YEAR = "kpi_fiscal_year"
KEY_AS_OF = "kpi_as_of"
KEY_LANG = "kpi_lang"
KEY_USER = "kpi_user"


@st.cache_resource
def engine_for(url: str) -> Engine:
    """One Engine per database URL for the whole server; the schema is upgraded on first use."""
    engine = make_engine(url)
    ensure_ready(engine, cli_actor())
    return engine


def engine() -> Engine:
    return engine_for(database_url())


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def cached_plan_data(url: str, year: int) -> PlanData | None:
    with transaction(engine_for(url)) as session:
        return plan_data(session, year)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def cached_fiscal_years(url: str) -> list[tuple[int, str]]:
    with transaction(engine_for(url)) as session:
        return [(fy.year, fy.label) for fy in fiscal_years(session)]


def clear_caches() -> None:
    """Call after every write so that every page shows the new values."""
    cached_plan_data.clear()
    cached_fiscal_years.clear()


def lang() -> str:
    return str(st.session_state.get(KEY_LANG, DEFAULT_LANG))


def tr(key: str) -> str:
    return t(key, lang())


def current_actor() -> Actor | None:
    """The logged-in user, or None."""
    user = st.session_state.get(KEY_USER)
    return user if isinstance(user, Actor) else None


def _persist(key: str) -> None:
    # Streamlit drops widget state of a page that is not drawn; copying the value into a
    # plain key keeps the sidebar's choices across pages.
    st.session_state[key] = st.session_state[f"_w{key}"]


def _restore(key: str, default: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = default
    st.session_state[f"_w{key}"] = st.session_state[key]


def page_setup(title_key: str | None = None) -> None:
    """First call of every page: page config, hidden default menu styling, print CSS."""
    st.set_page_config(page_title=t("app_title", lang()), page_icon=":material/monitoring:", layout="wide")
    st.markdown(PRINT_CSS, unsafe_allow_html=True)


PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
  .block-container { padding-top: 0 !important; }
}
.kpi-chip { display:inline-block; padding:0.05rem 0.5rem; border-radius:0.8rem; font-size:0.85rem;
            border:1.5px solid #424242; white-space:nowrap; line-height:1.5; }
.kpi-legend span { margin-right: 0.4rem; }
</style>
"""


def sidebar() -> tuple[int | None, Month]:
    """Draw the shared sidebar; return (fiscal year, as-of month)."""
    url = database_url()
    engine_for(url)
    years = cached_fiscal_years(url)
    today = clock.today()
    default_as_of = latest_ended_month(today)
    with st.sidebar:
        st.markdown(f"**{tr('app_title')}**")
        admin = bool(current_actor() and current_actor().is_admin)  # type: ignore[union-attr]
        for path, ja, en, icon, admin_only in PAGES:
            if (ROOT / path).exists() and (admin or not admin_only):
                st.page_link(path, label=en if lang() == "en" else ja, icon=icon)
        st.divider()
        year: int | None = None
        if years:
            year_values = [y for y, _ in years]
            default_year = default_as_of.fiscal_year if default_as_of.fiscal_year in year_values else year_values[-1]
            _restore(KEY_YEAR, default_year)
            year = st.selectbox(
                tr("fiscal_year"),
                year_values,
                key=f"_w{KEY_YEAR}",
                on_change=_persist,
                args=(KEY_YEAR,),
                format_func=lambda y: fiscal_year_label(y) if lang() == "ja" else f"FY{y}",
            )
            months = [str(m) for m in fiscal_months(year) if m <= max(default_as_of, Month(year, 4))]
            wanted = str(min(default_as_of, Month(year + 1, 3)))
            if st.session_state.get(KEY_AS_OF) not in months:
                st.session_state[KEY_AS_OF] = wanted if wanted in months else months[-1]
            _restore(KEY_AS_OF, wanted)
            st.selectbox(
                tr("as_of"),
                months,
                key=f"_w{KEY_AS_OF}",
                on_change=_persist,
                args=(KEY_AS_OF,),
                format_func=lambda m: Month.parse(m).label_ja() if lang() == "ja" else m,
            )
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
    as_of = Month.parse(st.session_state[KEY_AS_OF]) if years else default_as_of
    return year, as_of


def login_box() -> None:
    """Login / logout in the sidebar (accounts: see kpi.auth)."""
    import importlib

    try:
        auth_ui = importlib.import_module("kpi.auth_ui")
    except ImportError:  # accounts are not installed in this build
        return
    auth_ui.draw_login(engine())


def load(year: int | None) -> PlanData | None:
    """Cached plan data of the chosen fiscal year; shows the sample banner when needed."""
    if year is None:
        st.warning(tr("no_plan"))
        return None
    data = cached_plan_data(database_url(), year)
    if data is None:
        st.warning(tr("no_plan"))
        return None
    if data.has_sample:
        st.warning(tr("sample_banner"), icon=":material/science:")
    return data


def chip_html(status: Status | str | None, suffix: str = "") -> str:
    """A status chip: colour plus shape plus text, so that it reads in a grey printout."""
    if status is None or status == "":
        return '<span class="kpi-chip">—</span>'
    style = STATUS_STYLES[Status(status)]
    extra = f" {html.escape(suffix)}" if suffix else ""
    return (
        f'<span class="kpi-chip" style="background:{style.color};color:{style.text_color}">'
        f"{style.symbol} {html.escape(status_label(status, lang()))}{extra}</span>"
    )


def chip(status: Status | str | None, suffix: str = "") -> None:
    st.markdown(chip_html(status, suffix), unsafe_allow_html=True)


def legend() -> None:
    parts = [chip_html(s) for s in LEGEND_ORDER]
    st.markdown('<div class="kpi-legend">' + " ".join(parts) + "</div>", unsafe_allow_html=True)


def status_column(frame: pd.DataFrame, column: str = "status") -> pd.Series:
    """Status codes as '○ 順調' text for st.dataframe."""
    from kpi.labels import status_text

    return frame[column].map(lambda s: status_text(s, lang()))
