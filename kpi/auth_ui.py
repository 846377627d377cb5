"""Streamlit glue for accounts: the sidebar login form, logout, and the login requirement.

kpi.ui.sidebar() calls ``draw_login`` inside the sidebar and then ``require_login``. The
logged-in user is a ``kpi.permissions.Actor`` in ``st.session_state[kpi.ui.KEY_USER]``;
pages pass it to the write functions of ``kpi``, which check permissions themselves.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from kpi import ui
from kpi.auth import AuthError, actor_by_email, login, refresh_actor
from kpi.db import transaction
from kpi.permissions import Actor, PermissionDenied

REQUIRE_LOGIN_ENV = "KPI_REQUIRE_LOGIN"
FORM_KEY = "kpi_login_form"


def login_required() -> bool:
    return os.environ.get(REQUIRE_LOGIN_ENV, "") == "1"


def role_label(role: str) -> str:
    return ui.tr(f"role_{role}") if role in ("admin", "editor", "viewer") else role


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets and bool(st.secrets["auth"].get("client_id") or st.secrets["auth"])
    except Exception:  # no secrets.toml at all
        return False


def _logout() -> None:
    st.session_state.pop(ui.KEY_USER, None)


def _refresh(engine: Engine, actor: Actor) -> Actor | None:
    """The account's current role and departments; None when it was disabled meanwhile."""
    try:
        with transaction(engine) as session:
            return refresh_actor(session, actor)
    except PermissionDenied:
        return None


def _oidc_user(engine: Engine) -> Actor | None:
    user: Any = getattr(st, "user", None)
    if user is None or not getattr(user, "is_logged_in", False):
        return None
    email = user.get("email") if hasattr(user, "get") else None
    if not email:
        return None
    with transaction(engine) as session:
        return actor_by_email(session, str(email))


def draw_login(engine: Engine) -> None:
    """Login form or the logged-in user with a logout button (called inside the sidebar)."""
    st.divider()
    actor = ui.current_actor()
    if actor is None and _oidc_configured():
        actor = _oidc_user(engine)
        if actor is not None:
            st.session_state[ui.KEY_USER] = actor
    if actor is not None:
        fresh = _refresh(engine, actor)
        if fresh is None:
            _logout()
            st.warning(ui.tr("auth_disabled"))
            actor = None
        elif fresh != actor:
            st.session_state[ui.KEY_USER] = fresh
            actor = fresh
    if actor is not None:
        deps = "・".join(actor.departments)
        st.markdown(f"**{ui.tr('auth_logged_in_as')}**")
        st.text(f"{actor.username}（{role_label(actor.role)}）" + (f"\n{deps}" if deps else ""))
        if st.button(ui.tr("auth_logout"), key="kpi_logout", icon=":material/logout:"):
            _logout()
            if _oidc_configured() and getattr(st, "user", None) is not None and st.user.is_logged_in:
                st.logout()
            st.rerun()
        return
    with st.form(FORM_KEY, clear_on_submit=False):
        st.markdown(f"**{ui.tr('auth_login')}**")
        username = st.text_input(ui.tr("auth_username"), key="kpi_login_username")
        password = st.text_input(ui.tr("auth_password"), type="password", key="kpi_login_password")
        submitted = st.form_submit_button(ui.tr("auth_login"), icon=":material/login:")
    if submitted:
        try:
            st.session_state[ui.KEY_USER] = login(engine, username, password, datetime.now(UTC))
        except AuthError as exc:
            st.error(str(exc))
        else:
            st.rerun()
    if _oidc_configured() and st.button(ui.tr("auth_oidc"), key="kpi_oidc_login"):
        st.login()


def require_login() -> None:
    """With KPI_REQUIRE_LOGIN=1, stop the page (after the sidebar) until someone logs in."""
    if login_required() and ui.current_actor() is None:
        st.info(ui.tr("auth_required"), icon=":material/lock:")
        st.stop()
