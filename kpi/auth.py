"""Local accounts: argon2 password hashes, roles, departments and login throttling.

No Streamlit here: the sidebar form (kpi.auth_ui) and the ``python -m kpi user`` command
both call these functions. Write functions take the Session first and the acting user;
every change (and every failed or refused login) lands in the audit log.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kpi import cli
from kpi.db import make_engine, transaction, upgrade
from kpi.models import User
from kpi.permissions import ROLES, Actor, PermissionDenied, cli_actor, require_admin
from kpi.store import audit

MAX_FAILURES = 5  # consecutive wrong passwords before the account is locked
LOCK_MINUTES = 15  # how long a locked account refuses every login, even a correct one
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# Verified when the user name is unknown so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AuthError(Exception):
    """A login was refused; the message says why, in Japanese (never which part was wrong)."""


class AccountError(ValueError):
    """An account change was refused (duplicate name, unknown role, weak password …)."""


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    email: str | None
    role: str
    departments: tuple[str, ...]
    disabled: bool


def _aware(value: datetime | None) -> datetime | None:
    # SQLite returns timezone-naive datetimes even for DateTime(timezone=True); they are UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def actor_for(user: User | UserInfo) -> Actor:
    return Actor(user.username, user.role, tuple(user.departments or ()))


def _info(user: User) -> UserInfo:
    return UserInfo(
        user.username, user.display_name, user.email, user.role, tuple(user.departments or ()), user.disabled
    )


def _get(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"パスワードは{MIN_PASSWORD}文字以上にしてください")


def _check_role(role: str, departments: Iterable[str]) -> list[str]:
    if role not in ROLES:
        raise AccountError(f"役割は {' / '.join(ROLES)} のいずれかです: {role!r}")
    deps = [d.strip() for d in departments if d and d.strip()]
    if role == "editor" and not deps:
        raise AccountError("編集者（editor）には所属部署を1つ以上指定してください")
    return deps


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def add_user(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    departments: Iterable[str] = (),
    display_name: str = "",
    email: str | None = None,
) -> UserInfo:
    require_admin(actor, "利用者の追加")
    username = username.strip()
    if not username:
        raise AccountError("利用者名が空です")
    deps = _check_role(role, departments)
    _check_password(password)
    if _get(session, username) is not None:
        raise AccountError(f"利用者 {username} は既に存在します")
    if email and session.scalars(select(User).where(User.email == email)).first() is not None:
        raise AccountError(f"メールアドレス {email} は別の利用者が使っています")
    user = User(
        username=username,
        display_name=display_name or username,
        email=email or None,
        password_hash=_hasher.hash(password),
        role=role,
        departments=deps,
    )
    session.add(user)
    audit(session, actor, "user.add", username, role=role, departments=deps, email=email)
    session.flush()
    return _info(user)


def set_password(session: Session, actor: Actor, username: str, password: str) -> None:
    """An administrator sets anyone's password; a user sets their own."""
    if actor.username != username:
        require_admin(actor, "他の利用者のパスワード変更")
    user = _get(session, username)
    if user is None:
        raise AccountError(f"利用者 {username} は存在しません")
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    audit(session, actor, "user.passwd", username)


def disable_user(session: Session, actor: Actor, username: str, disabled: bool = True) -> None:
    require_admin(actor, "利用者の無効化")
    user = _get(session, username)
    if user is None:
        raise AccountError(f"利用者 {username} は存在しません")
    if disabled and username == actor.username:
        raise AccountError("自分自身は無効にできません")
    user.disabled = disabled
    audit(session, actor, "user.disable" if disabled else "user.enable", username)


def list_users(session: Session) -> pd.DataFrame:
    rows = session.scalars(select(User).order_by(User.username)).all()
    return pd.DataFrame(
        [
            {
                "username": u.username,
                "display_name": u.display_name,
                "email": u.email or "",
                "role": u.role,
                "departments": "・".join(u.departments or ()),
                "disabled": u.disabled,
                "locked_until": _aware(u.locked_until),
            }
            for u in rows
        ],
        columns=["username", "display_name", "email", "role", "departments", "disabled", "locked_until"],
    )


def user_info(session: Session, username: str) -> UserInfo | None:
    user = _get(session, username)
    return _info(user) if user else None


def authenticate(session: Session, username: str, password: str, now: datetime) -> Actor:
    """The Actor of a correct login; AuthError otherwise.

    Throttling: MAX_FAILURES consecutive failures lock the account for LOCK_MINUTES. The
    counters are written in the caller's transaction, which must commit even when this
    raises (``login`` does that).
    """
    now = _aware(now) or datetime.now(UTC)
    user = _get(session, username.strip())
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        audit(session, "anonymous", "auth.login_failed", username, reason="unknown user")
        raise AuthError("利用者名またはパスワードが違います")
    if user.disabled:
        audit(session, user.username, "auth.login_refused", user.username, reason="disabled")
        raise AuthError("このアカウントは無効にされています。管理者に連絡してください")
    locked_until = _aware(user.locked_until)
    if locked_until is not None and now < locked_until:
        audit(session, user.username, "auth.login_refused", user.username, reason="locked")
        raise AuthError(
            f"ログインの失敗が続いたため、{locked_until.astimezone().strftime('%H:%M')} まで"
            "このアカウントはロックされています"
        )
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_logins = (user.failed_logins or 0) + 1
        audit(session, user.username, "auth.login_failed", user.username, failures=user.failed_logins)
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0  # after the lock expires the user gets MAX_FAILURES tries again
            audit(session, user.username, "auth.locked", user.username, until=user.locked_until.isoformat())
            raise AuthError(f"ログインに{MAX_FAILURES}回続けて失敗したため、{LOCK_MINUTES}分間ロックしました") from None
        raise AuthError("利用者名またはパスワードが違います") from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    audit(session, user.username, "auth.login", user.username)
    return actor_for(user)


def login(engine: Engine, username: str, password: str, now: datetime | None = None) -> Actor:
    """``authenticate`` in its own transaction that keeps the failure counters on refusal."""
    error: AuthError | None = None
    with transaction(engine) as session:
        try:
            return authenticate(session, username, password, now or datetime.now(UTC))
        except AuthError as exc:
            error = exc  # commit the counters and the audit entry, then raise
    raise error


def actor_by_email(session: Session, email: str) -> Actor | None:
    """The local account of an OIDC login (st.login), matched by e-mail; None if unknown."""
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is None or user.disabled:
        return None
    return actor_for(user)


def refresh_actor(session: Session, actor: Actor) -> Actor:
    """The account's current role and departments (a change or disabling applies at once)."""
    user = _get(session, actor.username)
    if user is None:
        return actor  # the command line and test actors have no account
    if user.disabled:
        raise PermissionDenied("このアカウントは無効にされています")
    return actor_for(user)


# ---------------------------------------------------------------- command line


def _read_password(username: str) -> tuple[str, bool]:
    """(password, generated): prompted twice on a terminal, generated otherwise."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"{username} のパスワード: ")
        second = getpass.getpass("もう一度: ")
        if first != second:
            raise AccountError("2回入力したパスワードが一致しません")
        return first, False
    return generate_password(), True


def _engine() -> Engine:
    engine = make_engine()
    upgrade(engine)
    return engine


def cmd_user(args: argparse.Namespace) -> int:
    actor = cli_actor()
    try:
        if args.user_command == "list":
            with transaction(_engine()) as session:
                frame = list_users(session)
            print(frame.to_string(index=False) if not frame.empty else "利用者はいません")
            return 0
        if args.user_command == "add":
            password, generated = _read_password(args.name)
            with transaction(_engine()) as session:
                add_user(
                    session,
                    actor,
                    args.name,
                    password,
                    args.role,
                    args.department or [],
                    display_name=args.display_name or "",
                    email=args.email,
                )
            print(f"利用者 {args.name}（{args.role}）を追加しました")
        elif args.user_command == "passwd":
            password, generated = _read_password(args.name)
            with transaction(_engine()) as session:
                set_password(session, actor, args.name, password)
            print(f"{args.name} のパスワードを変更しました")
        else:
            with transaction(_engine()) as session:
                disable_user(session, actor, args.name)
            print(f"{args.name} を無効にしました")
            return 0
    except (AccountError, PermissionDenied) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if generated:
        print(f"初期パスワード（この一度だけ表示します）: {password}")
    return 0


def register_cli(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("user", help="利用者（アカウント）の管理")
    users = p.add_subparsers(dest="user_command", required=True)
    a = users.add_parser("add", help="利用者を追加する（パスワードは入力、または生成して一度だけ表示）")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--department", action="append", help="所属部署（複数可）。例: --department 市民課")
    a.add_argument("--display-name")
    a.add_argument("--email")
    users.add_parser("passwd", help="パスワードを変更する").add_argument("name")
    users.add_parser("disable", help="利用者を無効にする").add_argument("name")
    users.add_parser("list", help="利用者の一覧")
    p.set_defaults(func=cmd_user)


if register_cli not in cli.EXTRA_COMMANDS:
    cli.EXTRA_COMMANDS.append(register_cli)
