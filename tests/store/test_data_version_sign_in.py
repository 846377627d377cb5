"""The data version (kpi.store.audit.data_version) that keys every cached read: a sign-in is no
new data (at the month-end rush thirty sign-ins made every session recompute the shared plan
data and statuses); a data write still is."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from sqlalchemy import Engine

from kpi.domain.permissions import Actor
from kpi.services import oidc_login
from kpi.store import accounts
from kpi.store.audit import audit, data_version
from kpi.store.db import transaction, upgrade

ADMIN = Actor("adm", "admin")
PASSWORD = "correct-horse-battery"


def _version(engine: Engine) -> int:
    with transaction(engine) as s:
        return data_version(s)


def test_sign_ins_and_refusals_keep_the_data_version_and_a_write_changes_it(engine: Engine) -> None:
    upgrade(engine)
    with transaction(engine) as s:
        accounts.add_user(s, ADMIN, "shimin", PASSWORD, "editor", ["市民課"], email="shimin@city.example")
    before = _version(engine)
    now = datetime(2026, 11, 24, 9, tzinfo=UTC)
    accounts.login(engine, "shimin", PASSWORD, now)
    with contextlib.suppress(accounts.AuthError):
        accounts.login(engine, "shimin", "wrong-password-123", now)
    oidc_login.sign_in(engine, {"email": "shimin@city.example"})
    oidc_login.sign_in(engine, {"email": "nobody@city.example"})
    with transaction(engine) as s:
        audit(s, "shimin", "auth.login", "shimin")
    assert _version(engine) == before
    with transaction(engine) as s:
        audit(s, ADMIN, "actual.save", "x")
    assert _version(engine) > before
