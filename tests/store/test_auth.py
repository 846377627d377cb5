"""Local accounts: argon2 hashes, roles, login throttling with a fake clock, the CLI."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from kpi.cli import main as cli
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.store import accounts as auth
from kpi.store.db import make_engine, transaction, upgrade
from kpi.store.models import User

ADMIN = Actor("adm", "admin")
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def db(sqlite_engine: Engine) -> Engine:
    upgrade(sqlite_engine)
    with transaction(sqlite_engine) as s:
        auth.add_user(s, ADMIN, "shimin", PASSWORD, "editor", ["市民課"], email="shimin@example.jp")
    return sqlite_engine


def _actions(engine: Engine) -> list[str]:
    from kpi.store.audit import audit_frame

    with transaction(engine) as s:
        return list(audit_frame(s)["action"])[::-1]


def test_password_is_stored_as_argon2_hash_and_login_returns_the_actor(db: Engine) -> None:
    with transaction(db) as s:
        stored = s.scalars(select(User.password_hash).where(User.username == "shimin")).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    actor = auth.login(db, "shimin", PASSWORD, T0)
    assert actor == Actor("shimin", "editor", ("市民課",))
    assert _actions(db)[-1] == "auth.login"


def test_wrong_password_and_unknown_user_give_the_same_message(db: Engine) -> None:
    with pytest.raises(auth.AuthError) as wrong:
        auth.login(db, "shimin", "nope-nope-nope", T0)
    with pytest.raises(auth.AuthError) as unknown:
        auth.login(db, "ghost", "nope-nope-nope", T0)
    assert str(wrong.value) == str(unknown.value)
    assert _actions(db)[-2:] == ["auth.login_failed", "auth.login_failed"]


def test_five_failures_lock_for_fifteen_minutes_even_with_the_right_password(db: Engine) -> None:
    for i in range(5):
        with pytest.raises(auth.AuthError, match="違います"):
            auth.login(db, "shimin", f"wrong-{i}-xxxx", T0 + timedelta(seconds=i))
    with pytest.raises(auth.AuthError, match="違います"):
        auth.login(db, "shimin", PASSWORD, T0 + timedelta(minutes=14, seconds=59))
    assert auth.login(db, "shimin", PASSWORD, T0 + timedelta(minutes=15, seconds=6)).username == "shimin"
    actions = _actions(db)
    assert actions.count("auth.login_failed") == 5
    assert "auth.locked" in actions and "auth.login_refused" in actions


def test_a_success_resets_the_failure_count(db: Engine) -> None:
    for i in range(4):
        with pytest.raises(auth.AuthError):
            auth.login(db, "shimin", f"wrong-{i}-xxxx", T0)
    auth.login(db, "shimin", PASSWORD, T0)
    for i in range(4):
        with pytest.raises(auth.AuthError):
            auth.login(db, "shimin", f"wrong-{i}-xxxx", T0)
    assert auth.login(db, "shimin", PASSWORD, T0).username == "shimin"  # four failures do not lock


def test_disabled_user_is_refused(db: Engine) -> None:
    with transaction(db) as s:
        auth.disable_user(s, ADMIN, "shimin")
    with pytest.raises(auth.AuthError, match="違います"):
        auth.login(db, "shimin", PASSWORD, T0)
    with transaction(db) as s, pytest.raises(PermissionDenied):
        auth.refresh_actor(s, Actor("shimin", "editor", ("市民課",)))
    assert "user.disable" in _actions(db)


def test_only_admins_manage_users_and_a_user_may_change_their_own_password(db: Engine) -> None:
    editor = Actor("shimin", "editor", ("市民課",))
    with transaction(db) as s:
        with pytest.raises(PermissionDenied):
            auth.add_user(s, editor, "x", PASSWORD, "viewer")
        with pytest.raises(PermissionDenied):
            auth.disable_user(s, editor, "shimin")
        with pytest.raises(PermissionDenied):
            auth.set_password(s, Actor("other", "editor", ("市民課",)), "shimin", "another-password")
        auth.set_password(s, editor, "shimin", "another-password")
    assert auth.login(db, "shimin", "another-password", T0).role == "editor"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "shimin"}, "既に存在"),
        ({"role": "boss"}, "役割"),
        ({"role": "editor", "departments": []}, "所属部署"),
        ({"password": "short"}, "12文字"),
        ({"email": "shimin@example.jp"}, "メールアドレス"),
    ],
)
def test_add_user_refuses_bad_accounts(db: Engine, kwargs: dict, message: str) -> None:
    args = {"username": "new", "password": PASSWORD, "role": "viewer", "departments": [], **kwargs}
    with transaction(db) as s, pytest.raises(auth.AccountError, match=message):
        auth.add_user(s, ADMIN, **args)


def test_actor_by_email_maps_an_oidc_login_to_the_local_account(db: Engine) -> None:
    with transaction(db) as s:
        assert auth.actor_by_email(s, "shimin@example.jp") == Actor("shimin", "editor", ("市民課",))
        assert auth.actor_by_email(s, "nobody@example.jp") is None


def test_cli_user_add_generates_a_password_once_then_list_passwd_disable(
    db: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KPI_DATABASE_URL", sqlite_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: the password is generated
    assert (
        cli.main(["user", "add", "tanaka", "--role", "editor", "--department", "市民課", "--department", "税務課"]) == 0
    )
    out = capsys.readouterr().out
    password = out.strip().splitlines()[-1].split(": ", 1)[1]
    assert auth.login(make_engine(sqlite_url), "tanaka", password, T0).departments == ("市民課", "税務課")
    assert cli.main(["user", "list"]) == 0
    assert "tanaka" in capsys.readouterr().out
    assert cli.main(["user", "passwd", "tanaka"]) == 0
    new_password = capsys.readouterr().out.strip().splitlines()[-1].split(": ", 1)[1]
    assert new_password != password
    assert auth.login(make_engine(sqlite_url), "tanaka", new_password, T0).username == "tanaka"
    assert cli.main(["user", "disable", "tanaka"]) == 0
    with pytest.raises(auth.AuthError):
        auth.login(make_engine(sqlite_url), "tanaka", new_password, T0)
    assert cli.main(["user", "add", "x", "--role", "editor"]) == 1
    assert "所属部署" in capsys.readouterr().err


def test_cli_prompts_twice_on_a_terminal(
    db: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KPI_DATABASE_URL", sqlite_url)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty(""))
    answers = iter(["typed-password-1", "typed-password-1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["user", "add", "sato", "--role", "viewer"]) == 0
    assert "初期パスワード" not in capsys.readouterr().out  # a typed password is never printed
    assert auth.login(make_engine(sqlite_url), "sato", "typed-password-1", T0).role == "viewer"
    answers = iter(["aaaaaaaa1", "bbbbbbbb2"])
    assert cli.main(["user", "passwd", "sato"]) == 1
    assert "一致しません" in capsys.readouterr().err
