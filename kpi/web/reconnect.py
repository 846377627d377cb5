"""The notice after an app server stopped under an open page (kpi.web.nav.login_box calls it).

Behind the office's proxy (deploy/nginx.conf) each browser stays on one app server; when
that server stops or restarts, Streamlit's page reconnects through the proxy to another
one, which does not have the old session: the sign-in (``st.session_state``) is gone. The
browser says so itself: its websocket handshake names the session it had (the third entry
of ``Sec-WebSocket-Protocol``, Streamlit's reconnect protocol). A named session that is
not this one means the page was opened again after a lost connection, and the visitor is
asked to sign in again. A fresh page load names none; a reconnect to the same server keeps
the session (and its id), so neither shows the notice.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi.text.catalog import t

KEY_DONE = "kpi_reconnect_done"  # shown until the visitor signs in again, then never in this session


def previous_session_id() -> str | None:
    """The session id the browser had before this connection, or None (a new page)."""
    try:
        raw = st.context.headers.get("Sec-Websocket-Protocol") or ""
    except Exception:  # no websocket (AppTest, bare mode)
        return None
    parts = [p.strip() for p in raw.split(",")]  # "streamlit", the XSRF token, the old session id
    return (parts[2] or None) if len(parts) > 2 else None


def reconnected() -> bool:
    ctx = get_script_run_ctx()
    previous = previous_session_id()
    return ctx is not None and previous is not None and previous != ctx.session_id


def notice(lang: str, signed_in: bool) -> None:
    """「接続が切れたため…もう一度ログインしてください」 while not signed in again."""
    if signed_in:
        st.session_state[KEY_DONE] = True
        return
    if not st.session_state.get(KEY_DONE) and reconnected():
        st.warning(t("office_reconnected", lang), icon=":material/sync_problem:")
