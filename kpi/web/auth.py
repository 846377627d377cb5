"""Streamlit glue for accounts: the sidebar login form, logout, and the login requirement.

``kpi.web.nav.sidebar()`` calls ``draw_login`` inside the sidebar and then ``require_login``;
this module imports no other module of kpi.web (the dependency goes one way). The logged-in user is a
``kpi.domain.permissions.Actor`` in ``st.session_state[KEY_USER]``; pages pass it to the write
functions of ``kpi``, which check permissions themselves.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import streamlit as st

from kpi.domain.permissions import ROLES, Actor, PermissionDenied
from kpi.services import oidc_login
from kpi.services.directory import sign_in
from kpi.store.accounts import AuthError, refresh_actor
from kpi.store.db import transaction
from kpi.text.catalog import t
from kpi.text.fmt import plain_markdown

if TYPE_CHECKING:
    from sqlalchemy import Engine

REQUIRE_LOGIN_ENV = "KPI_REQUIRE_LOGIN"
FORM_KEY = "kpi_login_form"
KEY_USER = "kpi_user"
KEY_OIDC_REFUSED = "kpi_oidc_refused"  # (e-mail, reason) of a refused provider sign-in: checked once
KEY_SUBMIT = "kpi_login_submit"  # the form's button: True in the run its press started
KEY_REFUSED = "kpi_login_refused"  # why the sign-in of this run was refused, shown under the form


def current_actor() -> Actor | None:
    """The logged-in user, or None."""
    user = st.session_state.get(KEY_USER)
    return user if isinstance(user, Actor) else None


def login_required() -> bool:
    return os.environ.get(REQUIRE_LOGIN_ENV, "") == "1"


def role_label(role: str, lang: str) -> str:
    return t(f"role_{role}", lang) if role in ROLES else role


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets and bool(st.secrets["auth"].get("client_id") or st.secrets["auth"])
    except Exception:  # no secrets.toml at all
        return False


def _logout() -> None:
    st.session_state.pop(KEY_USER, None)


def _refresh(engine: Engine, actor: Actor) -> Actor | None:
    """The account's current role and departments; None when it was disabled meanwhile."""
    try:
        with transaction(engine) as session:
            return refresh_actor(session, actor)
    except PermissionDenied:
        return None


def _oidc_claims() -> dict[str, Any] | None:
    """The provider's claims of the person signed in through st.login, or None."""
    user: Any = getattr(st, "user", None)
    if user is None or not getattr(user, "is_logged_in", False):
        return None
    return dict(user.to_dict())


def _oidc_user(engine: Engine, claims: dict[str, Any], lang: str) -> Actor | None:
    """The local account of the provider's person; else the refusal, with a way out of the
    provider's session (to sign in as someone else)."""
    refused = st.session_state.get(KEY_OIDC_REFUSED)
    if refused is None:
        result = oidc_login.sign_in(engine, claims)
        if result.actor is not None:
            st.session_state[KEY_USER] = result.actor
            return result.actor
        refused = (result.email or "", result.refusal)
        st.session_state[KEY_OIDC_REFUSED] = refused  # once per session: one audit entry, not one per rerun
    email, reason = refused
    st.error(t(f"oidc_{reason}", lang).format(email=email), icon=":material/block:")
    if st.button(t("oidc_switch", lang), key="kpi_oidc_logout", icon=":material/logout:"):
        st.session_state.pop(KEY_OIDC_REFUSED, None)
        st.logout()
    return None


def sign_in_submitted(engine: Engine) -> None:
    """Sign in with the login form's name and password when its button started this run,
    before anything of the page is drawn (called first by kpi.web.nav.sidebar): the page that
    follows the press is drawn signed in in the same run. A second run (st.rerun) after the
    sign-in made the first page after signing in take twice as long as a refused sign-in in
    Chromium (issue 22 item 4, the cold lines)."""
    if not st.session_state.get(KEY_SUBMIT) or current_actor() is not None:
        return
    username = str(st.session_state.get("kpi_login_username") or "")
    password = str(st.session_state.get("kpi_login_password") or "")
    try:
        st.session_state[KEY_USER] = sign_in(engine, username, password, datetime.now(UTC))
    except AuthError as exc:
        st.session_state[KEY_REFUSED] = str(exc)


def draw_login(engine: Engine, lang: str) -> None:
    """Login form or the logged-in user with a logout button (called inside the sidebar)."""
    st.divider()
    actor = current_actor()
    claims = _oidc_claims() if _oidc_configured() else None
    if actor is None and claims is not None:
        actor = _oidc_user(engine, claims, lang)
    if actor is not None:
        fresh = _refresh(engine, actor)
        if fresh is None:
            _logout()
            st.warning(t("auth_disabled", lang))
            actor = None
        elif fresh != actor:
            st.session_state[KEY_USER] = fresh
            actor = fresh
    if actor is not None:
        deps = "・".join(actor.departments)
        st.markdown(f"**{t('auth_logged_in_as', lang)}**")
        st.text(f"{actor.username}（{role_label(actor.role, lang)}）" + (f"\n{deps}" if deps else ""))
        if st.button(t("auth_logout", lang), key="kpi_logout", icon=":material/logout:"):
            _logout()
            if claims is not None:
                # Ends the provider's session too (its end_session_endpoint) and comes back
                # signed out. No st.rerun() after it: a rerun dropped the redirect, Streamlit's
                # identity cookie stayed, and the next visit was signed in again.
                st.logout()
                return
            st.rerun()
        return
    with st.form(FORM_KEY, clear_on_submit=False):
        st.markdown(f"**{t('auth_login', lang)}**")
        st.text_input(t("auth_username", lang), key="kpi_login_username")
        st.text_input(t("auth_password", lang), type="password", key="kpi_login_password")
        st.form_submit_button(t("auth_login", lang), icon=":material/login:", key=KEY_SUBMIT)
    refused = st.session_state.pop(KEY_REFUSED, None)  # the press was handled by sign_in_submitted
    if refused is not None:
        st.error(plain_markdown(str(refused)))
    if _oidc_configured() and claims is None and st.button(t("auth_oidc", lang), key="kpi_oidc_login"):
        st.login()


def require_login(lang: str) -> None:
    """With KPI_REQUIRE_LOGIN=1, stop the page (after the sidebar) until someone logs in."""
    if login_required() and current_actor() is None:
        st.info(t("auth_required", lang), icon=":material/lock:")
        st.stop()
