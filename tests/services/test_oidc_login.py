"""Which local account an OpenID Connect sign-in is (kpi.services.oidc_login), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from kpi.domain.permissions import Actor
from kpi.services import oidc_login
from kpi.store import accounts as auth
from kpi.store.audit import audit_frame
from kpi.store.db import transaction, upgrade

ADMIN = Actor("adm", "admin")
PASSWORD = "correct-horse-battery"


@pytest.fixture
def db(engine: Engine) -> Engine:
    upgrade(engine)
    with transaction(engine) as s:
        auth.add_user(s, ADMIN, "shimin", PASSWORD, "editor", ["市民課"], email="Taro.Shimin@City.example")
        auth.add_user(s, ADMIN, "gone", PASSWORD, "viewer", email="gone@city.example")
        auth.disable_user(s, ADMIN, "gone")
    return engine


def _last(engine: Engine) -> tuple[str, str, dict[str, object]]:
    with transaction(engine) as s:
        row = audit_frame(s, 1).iloc[0]
    return str(row["actor"]), str(row["action"]), dict(row["detail"])


def test_an_email_in_another_case_signs_in_as_the_account_with_its_role_and_departments(db: Engine) -> None:
    result = oidc_login.sign_in(db, {"email": "taro.shimin@city.EXAMPLE", "sub": "x"})
    assert result == oidc_login.OidcSignIn(Actor("shimin", "editor", ("市民課",)), "taro.shimin@city.EXAMPLE", None)
    assert _last(db) == ("shimin", "auth.login", {"via": "oidc", "email": "taro.shimin@city.EXAMPLE"})


def test_entra_ids_preferred_username_is_the_address_when_no_email_claim_is_sent(db: Engine) -> None:
    result = oidc_login.sign_in(db, {"preferred_username": "Taro.Shimin@City.example", "name": "市民 太郎"})
    assert result.actor is not None and result.actor.username == "shimin"


@pytest.mark.parametrize(
    ("claims", "refusal"),
    [
        ({"email": "stranger@city.example"}, "unknown"),
        ({"email": "gone@city.example"}, "disabled"),
        ({"email": "taro.shimin@city.example", "email_verified": False}, "unverified"),
        ({"sub": "1234", "name": "名前だけ"}, "no_email"),
        ({"preferred_username": "shimin"}, "no_email"),  # a sign-in name that is no address
    ],
)
def test_a_sign_in_without_a_usable_account_is_refused_with_its_reason(
    db: Engine, claims: dict[str, object], refusal: str
) -> None:
    result = oidc_login.sign_in(db, claims)
    assert result.actor is None and result.refusal == refusal
    if refusal != "no_email":
        actor, action, detail = _last(db)
        assert (actor, action, detail["reason"]) == (claims["email"], "auth.login_refused", f"oidc_{refusal}")


def test_two_accounts_cannot_share_an_address_in_different_case(db: Engine) -> None:
    with transaction(db) as s, pytest.raises(auth.AccountError, match="別の利用者"):
        auth.add_user(s, ADMIN, "twin", PASSWORD, "viewer", email="taro.shimin@city.example")
