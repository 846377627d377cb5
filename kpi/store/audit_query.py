"""Reading the audit log for the 変更履歴 page: every write, filtered by who, what and when."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Text, cast, false, func, or_, select
from sqlalchemy.orm import Session

from kpi.domain.clock import LOCAL_TZ
from kpi.domain.permissions import Actor, require_admin
from kpi.store.audit import audit_frame
from kpi.store.models import AuditEntry
from kpi.text.control import CONTROL_RE
from kpi.text.labels import LOGIN_ACTIONS


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

    ``actions`` are codes (``actual.save``); on a frame of ``kpi.text.audit_text.readable_log`` they
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


# ---------------------------------------------------------------- filtered and paged in SQL

PAGE_SIZE = 100
CSV_BATCH = 5_000
AUDIT_COLUMNS = ["at", "actor", "action", "target", "detail"]


@dataclass(frozen=True)
class AuditFilter:
    """The 変更履歴 page's filters: user, actions, date range (local dates, inclusive), text."""

    actor: str | None = None
    actions: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    text: str = ""
    logins: bool = True  # False leaves out sign-in events (auth.*), as the page does by default


@dataclass(frozen=True)
class AuditPage:
    rows: pd.DataFrame  # AUDIT_COLUMNS, newest first; detail as JSON text
    total: int  # entries that match the filter
    next_before: int | None  # the cursor of the next (older) page; None on the last page


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


def _conditions(flt: AuditFilter) -> list[Any]:
    out: list[Any] = []
    if flt.actor:
        out.append(AuditEntry.actor == flt.actor)
    if flt.actions:
        out.append(AuditEntry.action.in_(list(flt.actions)))
    if not flt.logins:
        out.append(AuditEntry.action.not_in(list(LOGIN_ACTIONS)))
    if flt.start:
        out.append(AuditEntry.at >= _local_midnight_utc(flt.start))
    if flt.end:
        out.append(AuditEntry.at < _local_midnight_utc(flt.end + timedelta(days=1)))
    needle = flt.text.strip().lower()
    if CONTROL_RE.search(needle):  # no stored text holds one (kpi.text.control); PostgreSQL refuses NUL
        out.append(false())
    elif needle:
        # The detail is stored as JSON with non-ASCII characters escaped (\u30de…): the
        # needle is searched in that form too, so that Japanese words are found.
        escaped = json.dumps(needle)[1:-1]
        detail = func.lower(cast(AuditEntry.detail, Text))
        out.append(
            or_(
                func.lower(AuditEntry.target).contains(needle, autoescape=True),
                func.lower(AuditEntry.action).contains(needle, autoescape=True),
                detail.contains(needle, autoescape=True),
                detail.contains(escaped, autoescape=True),
            )
        )
    return out


def audit_choices(session: Session, actor: Actor) -> tuple[list[str], list[str]]:
    """The users and the actions that occur in the log (the filters' options), sorted."""
    require_admin(actor, "変更履歴の閲覧")
    actors = sorted(session.scalars(select(AuditEntry.actor).distinct()))
    actions = sorted(session.scalars(select(AuditEntry.action).distinct()))
    return actors, actions


def _detail_text(detail: Any) -> str:
    return json.dumps(detail or {}, ensure_ascii=False, default=str)


def audit_page(
    session: Session, actor: Actor, flt: AuditFilter, before: int | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    """One page of matching entries, newest first, older than entry id ``before``.

    Keyset pagination: the page is found through the primary key whatever its depth, and
    only ``size`` rows are read, never the whole log.
    """
    require_admin(actor, "変更履歴の閲覧")
    where = _conditions(flt)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    stmt = select(AuditEntry.id, *(getattr(AuditEntry, c) for c in AUDIT_COLUMNS)).where(*where)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    rows = session.execute(stmt.order_by(AuditEntry.id.desc()).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    frame = pd.DataFrame(
        [(r.at, r.actor, r.action, r.target, _detail_text(r.detail)) for r in rows], columns=AUDIT_COLUMNS
    )
    return AuditPage(frame, int(total), int(rows[-1].id) if more and rows else None)


def audit_csv(
    engine: Engine,
    actor: Actor,
    flt: AuditFilter,
    header: Sequence[str],
    lang: str = "ja",
    names: Mapping[str, str] | None = None,
) -> bytes:
    """Every matching entry as CSV for Excel (UTF-8 with BOM, times in JST, cells neutralised),
    in the page's words (operations, users, sentences), read from the database in batches of
    CSV_BATCH by keyset, never all at once."""
    from kpi.domain.clock import local_time_text
    from kpi.store.db import transaction
    from kpi.text.audit_text import readable_log
    from kpi.text.cellsafe import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(h) for h in header])
    before: int | None = None
    while True:
        with transaction(engine) as session:
            require_admin(actor, "変更履歴の閲覧")
            stmt = select(AuditEntry.id, *(getattr(AuditEntry, c) for c in AUDIT_COLUMNS)).where(*_conditions(flt))
            if before is not None:
                stmt = stmt.where(AuditEntry.id < before)
            rows = session.execute(stmt.order_by(AuditEntry.id.desc()).limit(CSV_BATCH)).all()
        batch = pd.DataFrame(
            [(r.at, r.actor, r.action, r.target, _detail_text(r.detail)) for r in rows], columns=AUDIT_COLUMNS
        )
        for r in readable_log(batch, lang, names).to_dict("records"):
            writer.writerow(
                [local_time_text(r["at"]), *(neutralise(r[c]) for c in ("actor", "action", "target", "detail"))]
            )
        if len(rows) < CSV_BATCH:
            break
        before = int(rows[-1].id)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
