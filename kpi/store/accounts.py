"""Local accounts: argon2 password hashes, roles, departments and login throttling.

No Streamlit and no command line here: the sidebar form (kpi.web.auth), the admin page and
``python -m kpi user`` (kpi.cli) all call these functions. Write functions take the Session
first and the acting user; every change (and every failed or refused login) lands in the
audit log.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Engine, case, func, or_, select, update
from sqlalchemy.orm import Session

from kpi.domain.clock import local_time_text
from kpi.domain.permissions import ROLES, Actor, PermissionDenied, require_admin
from kpi.store.audit import audit
from kpi.store.db import transaction
from kpi.store.models import User
from kpi.text.control import CONTROL_RE, refuse_control

MAX_FAILURES = 5  # consecutive wrong passwords before the account is locked
LOCK_MINUTES = 15  # how long a locked account refuses every login, even a correct one
MIN_PASSWORD = 12
MAX_USERNAME = 64
# The stored "hash" of an account that mirrors a directory user: not an argon2 hash, so no
# local password ever matches it (the directory checks the password).
DIRECTORY_MANAGED = "!directory"
DIRECTORY_ACTOR = "directory"  # the audit log's actor of the changes taken from the directory

# One answer for every refused login (unknown name, disabled, locked, wrong password), so
# that the answer does not tell an attacker which names exist or which one is locked.
LOGIN_REFUSED = (
    "利用者名またはパスワードが違います"
    f"（{MAX_FAILURES}回続けて失敗すると{LOCK_MINUTES}分間ログインできません。"
    "続くときは管理者に連絡してください）"
)

# Passwords people pick first; the length rule already refuses the shorter classics.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456123456",
        "111111111111",
        "000000000000",
        "abcdefghijkl",
        "abcd1234abcd",
        "qwertyuiop12",
        "qwertyuiopasdf",
        "1qaz2wsx3edc",
        "password1234",
        "password123!",
        "passwordpassword",
        "p@ssw0rd1234",
        "p@ssword1234",
        "passw0rd1234",
        "administrator",
        "administrator1",
        "changeme1234",
        "welcome12345",
        "letmein12345",
        "iloveyou1234",
        "kusatsu12345",
        "kusatsushi123",
        "kusatsu-city",
        "shiga1234567",
    }
)

_hasher = PasswordHasher()
# Verified instead of a real hash when the name is unknown, disabled or locked, so that every
# refusal costs one argon2 verification like a wrong password. A fixed string (made with the
# hasher's default parameters, checked by a test) so that importing this module hashes nothing.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$XtAfi8H1oOl5tNXJWsDI8A$9Hx4Zq5c7VcQsFCScwnbzvPqEsWiQrF3NrysbXKa4jI"


class AuthError(Exception):
    """A login was refused; the message is always LOGIN_REFUSED."""


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


def dummy_hash() -> str:
    return _DUMMY_HASH


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
    if CONTROL_RE.search(username):  # no stored name holds one, and PostgreSQL refuses NUL in a query
        return None
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def _canonical(username: str) -> str:
    # NFKC folds full-width letters and compatibility forms, so that ｓｈｉｍｉｎ is shimin.
    return unicodedata.normalize("NFKC", username).strip()


def normalize_username(username: str) -> str:
    """The stored form of a user name; AccountError if it cannot be one.

    At most MAX_USERNAME printable characters after NFKC normalisation: no control or
    format characters (zero-width space and joiners, BOM, bidi controls), no line breaks.
    """
    refuse_control([("利用者名", username)], AccountError)
    name = _canonical(username)
    if not name:
        raise AccountError("利用者名が空です")
    if len(name) > MAX_USERNAME:
        raise AccountError(f"利用者名は{MAX_USERNAME}文字以内にしてください")
    if not name.isprintable():
        raise AccountError("利用者名に制御文字・ゼロ幅文字は使えません")
    return name


def check_password(password: str) -> None:
    """AccountError unless the password is long enough and not a well-known one."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"パスワードは{MIN_PASSWORD}文字以上にしてください")
    folded = password.casefold()
    # Few distinct characters (aaaaaaaaaaaa, 121212121212) are guessed as fast as a common word.
    if folded in COMMON_PASSWORDS or len(set(folded)) < 4:
        raise AccountError("よく使われる推測されやすいパスワードです。別のパスワードにしてください")


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
    username = normalize_username(username)
    departments = list(departments)
    refuse_control(
        [("表示名", display_name), ("メールアドレス", email), *(("所属部署", d) for d in departments)], AccountError
    )
    deps = _check_role(role, departments)
    check_password(password)
    if _get(session, username) is not None:
        raise AccountError(f"利用者 {username} は既に存在します")
    if email and session.scalars(select(User).where(_email_is(email))).first() is not None:
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
    username = normalize_username(username)  # what cannot be stored names nobody
    if actor.username != username:
        require_admin(actor, "他の利用者のパスワード変更")
    user = _get(session, username)
    if user is None:
        raise AccountError(f"利用者 {username} は存在しません")
    if user.password_hash == DIRECTORY_MANAGED:
        raise AccountError(f"利用者 {username} のパスワードはディレクトリ（Active Directory など）で管理されています")
    check_password(password)
    user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    audit(session, actor, "user.passwd", username)


def disable_user(session: Session, actor: Actor, username: str, disabled: bool = True) -> None:
    require_admin(actor, "利用者の無効化")
    username = normalize_username(username)  # what cannot be stored names nobody
    user = _get(session, username)
    if user is None:
        raise AccountError(f"利用者 {username} は存在しません")
    if disabled and username == actor.username:
        raise AccountError("自分自身は無効にできません")
    user.disabled = disabled
    audit(session, actor, "user.disable" if disabled else "user.enable", username)


def display_names(session: Session) -> dict[str, str]:
    """Account name → the person's display name, where one was given (it defaults to the
    account name): how staff read an author (kpi.text.labels.actor_label). Internal: never
    in the public edition."""
    rows = session.execute(select(User.username, User.display_name)).all()
    return {str(u): str(d).strip() for u, d in rows if d and str(d).strip() and str(d).strip() != u}


def list_users(session: Session) -> pd.DataFrame:
    """Every account; ``locked_until`` is text in JST (empty when not locked)."""
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
                "locked_until": local_time_text(u.locked_until),
            }
            for u in rows
        ],
        columns=["username", "display_name", "email", "role", "departments", "disabled", "locked_until"],
    )


def departments_by_user(session: Session) -> dict[str, tuple[str, ...]]:
    """Each account's departments (for showing authors to anonymous visitors)."""
    return {name: tuple(deps or ()) for name, deps in session.execute(select(User.username, User.departments))}


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


def login(engine: Engine, username: str, password: str, now: datetime | None = None) -> Actor:
    """The Actor of a correct login; AuthError (always LOGIN_REFUSED) otherwise.

    A directory-managed account (DIRECTORY_MANAGED) has no local password: its stored
    "hash" is not an argon2 hash, so every local try fails and counts.
    """
    return throttled_login(engine, username, lambda stored: _verify(stored, password), now, rehash_with=password)


def throttled_login(
    engine: Engine,
    username: str,
    check: Callable[[str], bool],
    now: datetime | None = None,
    rehash_with: str | None = None,
    via: str | None = None,
) -> Actor:
    """One login try of ``username``; ``check(stored_hash)`` says whether the password is right
    (an argon2 verification for local accounts, a bind for directory accounts).

    Throttling holds under parallel attempts: each attempt first takes one of the
    MAX_FAILURES tries in a single UPDATE (the row lock or SQLite's write lock makes the
    check and the count one step) and commits it before the password is checked; the try
    that uses up the last one sets the lock at once. Only a correct password gives the tries
    back. So however many processes guess at once, at most MAX_FAILURES guesses are checked
    per LOCK_MINUTES. The check runs outside any transaction.
    """
    now = (_aware(now) or datetime.now(UTC)).astimezone(UTC)
    # No account has a control character in its name (normalize_username): such a name is an
    # unknown user, and never reaches a query (PostgreSQL refuses NUL in any text).
    name = CONTROL_RE.sub("", _canonical(username)) if CONTROL_RE.search(username) else _canonical(username)
    unknown = name != _canonical(username)
    lock_end = now + timedelta(minutes=LOCK_MINUTES)
    # A lock that has run out starts a new series of tries.
    tries = case((User.locked_until.is_not(None), 1), else_=func.coalesce(User.failed_logins, 0) + 1)
    take_try = (
        update(User)
        .where(
            User.username == name,
            User.disabled.is_(False),
            or_(User.locked_until.is_(None), User.locked_until <= now),
        )
        .values(failed_logins=tries, locked_until=case((tries >= MAX_FAILURES, lock_end), else_=None))
        .returning(User.id, User.username, User.password_hash, User.failed_logins, User.role, User.departments)
        .execution_options(synchronize_session=False)
    )
    with transaction(engine) as session:
        taken = None if unknown else session.execute(take_try).one_or_none()

    if taken is None:
        refuse_unknown(engine, name, "unknown user" if unknown else None)

    user_id, name, password_hash, failures, role, departments = taken
    if not check(password_hash):
        with transaction(engine) as session:
            audit(session, name, "auth.login_failed", name, failures=failures)
            if failures >= MAX_FAILURES:
                audit(session, name, "auth.locked", name, until=local_time_text(lock_end) + " JST")
        raise AuthError(LOGIN_REFUSED)

    with transaction(engine) as session:
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if rehash_with is not None and _hasher.check_needs_rehash(password_hash):
            values["password_hash"] = _hasher.hash(rehash_with)
        session.execute(
            update(User).where(User.id == user_id).values(**values).execution_options(synchronize_session=False)
        )
        if via:
            audit(session, name, "auth.login", name, via=via)
        else:
            audit(session, name, "auth.login", name)
    return Actor(name, role, tuple(departments or ()))


def refuse_unknown(engine: Engine, username: str, reason: str | None = None) -> NoReturn:
    """Refuse a login that took no try (unknown, disabled or locked name; a directory that
    does not know the person): the same message and the same cost (one argon2 verification)."""
    _verify(_DUMMY_HASH, "")
    name = CONTROL_RE.sub("", _canonical(username))  # never a control character in a query (PostgreSQL refuses NUL)
    if name != _canonical(username):
        reason = reason or "unknown user"
    with transaction(engine) as session:
        user = _get(session, name)
        if user is None or reason:
            why = reason or "unknown user"
            audit(session, "anonymous", "auth.login_failed", name[:MAX_USERNAME], reason=why)
        else:
            why = "disabled" if user.disabled else "locked"
            audit(session, user.username, "auth.login_refused", user.username, reason=why)
    raise AuthError(LOGIN_REFUSED)


def account_kind(session: Session, username: str) -> str | None:
    """The kind: "local" (own password), "directory" (mirrors a directory user) or None (no account)."""
    user = _get(session, _canonical(username))
    if user is None:
        return None
    return "directory" if user.password_hash == DIRECTORY_MANAGED else "local"


def sync_directory_user(
    session: Session, username: str, role: str, departments: Iterable[str], display_name: str = ""
) -> None:
    """Create or update the account that mirrors a directory user, with the directory's role
    and departments (taken at each login), so that the audit log and the entry history name
    them. It has no local password (DIRECTORY_MANAGED). A local account of the same name is
    never taken over (AccountError); a disabled mirror stays disabled (an administrator's
    decision outlives the directory's).
    """
    name = normalize_username(username)
    deps = [d.strip() for d in departments if d and d.strip()]
    if role not in ROLES:
        raise AccountError(f"役割は {' / '.join(ROLES)} のいずれかです: {role!r}")
    user = _get(session, name)
    if user is None:
        session.add(
            User(
                username=name,
                display_name=display_name or name,
                email=None,
                password_hash=DIRECTORY_MANAGED,
                role=role,
                departments=deps,
            )
        )
        audit(session, DIRECTORY_ACTOR, "user.add", name, role=role, departments=deps, source="directory")
        session.flush()
        return
    if user.password_hash != DIRECTORY_MANAGED:
        raise AccountError(f"利用者 {name} はこのシステムのアカウント（ローカル）です")
    wanted: dict[str, object] = {"role": role, "departments": deps, "display_name": display_name or user.display_name}
    current = {"role": user.role, "departments": list(user.departments or ()), "display_name": user.display_name}
    changed = {k: v for k, v in wanted.items() if current[k] != v}
    if changed:
        for key, value in changed.items():
            setattr(user, key, value)
        audit(session, DIRECTORY_ACTOR, "user.directory", name, **changed)


def _email_is(email: str) -> ColumnElement[bool]:
    # E-mail addresses are compared without case: Entra ID returns the address as it was typed
    # in the directory (Taro.Shimin@…), the account may have been added as taro.shimin@….
    return func.lower(User.email) == email.strip().lower()


def actor_by_email(session: Session, email: str) -> Actor | None:
    """The local account of an OIDC login (st.login), matched by e-mail (any case); None if
    unknown. A disabled account raises PermissionDenied, as in ``refresh_actor``."""
    user = session.scalars(select(User).where(_email_is(email))).first()
    if user is None:
        return None
    if user.disabled:
        raise PermissionDenied("このアカウントは無効にされています")
    return actor_for(user)


def refresh_actor(session: Session, actor: Actor) -> Actor:
    """The account's current role and departments (a change or disabling applies at once)."""
    user = _get(session, actor.username)
    if user is None:
        return actor  # the command line and test actors have no account
    if user.disabled:
        raise PermissionDenied("このアカウントは無効にされています")
    return actor_for(user)
