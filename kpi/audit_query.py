"""Reading the audit log for the 変更履歴 page: every write, filtered by who, what and when."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from kpi.labels import LOGIN_ACTIONS
from kpi.permissions import Actor, require_admin
from kpi.store import audit_frame


def audit_log(session: Session, actor: Actor) -> pd.DataFrame:
    """Every audit entry, newest first, with the detail as JSON text (admins only)."""
    require_admin(actor, "変更履歴の閲覧")
    frame = audit_frame(session)
    frame["detail"] = [json.dumps(d or {}, ensure_ascii=False, default=str) for d in frame["detail"]]
    return frame


def filter_audit(
    frame: pd.DataFrame,
    actor: str | None = None,
    actions: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    text: str = "",
    logins: bool = True,
) -> pd.DataFrame:
    """Entries by user, action, date range (inclusive, local dates of ``at``) and free text.

    ``actions`` are codes (``actual.save``); on a frame of ``kpi.audit_text.readable_log`` they
    match its ``code`` column. ``logins=False`` leaves out sign-in events (``auth.*``).
    """
    out = frame
    codes = out["code"] if "code" in out.columns else out["action"]
    if actor:
        out = out.loc[out["actor"] == actor]
    if actions:
        out = out.loc[codes.loc[out.index].isin(list(actions))]
    if not logins:
        out = out.loc[~codes.loc[out.index].isin(LOGIN_ACTIONS)]
    if start or end:
        days = pd.to_datetime(out["at"], utc=True).dt.tz_convert("Asia/Tokyo").dt.date
        if start:
            out = out.loc[days >= start]
            days = days.loc[out.index]
        if end:
            out = out.loc[days <= end]
    if text.strip():
        needle = text.strip().lower()
        hay = (
            out["target"].astype(str) + " " + out["detail"].astype(str) + " " + out["action"].astype(str)
        ).str.lower()
        out = out.loc[hay.str.contains(needle, regex=False)]
    return out.reset_index(drop=True)
