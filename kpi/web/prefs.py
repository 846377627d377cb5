"""Session state and query parameters: the sidebar's choices and a page's ``?param=N``."""

from __future__ import annotations

from typing import Any

import streamlit as st

from kpi.text.catalog import DEFAULT_LANG

KEY_YEAR = "kpi_fiscal_year"


KEY_AS_OF = "kpi_as_of"


KEY_LANG = "kpi_lang"


def lang() -> str:
    return str(st.session_state.get(KEY_LANG, DEFAULT_LANG))


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


def set_query_choice(key: str, param: str, value: int) -> None:
    st.query_params[param] = str(value)
    st.session_state[f"{key}_from_query"] = str(value)
