"""Signing in with the city's directory (Active Directory or OpenLDAP), through ldap3.

Like Grafana's LDAP sign-in: search for the person as the service account
(``KPI_LDAP_BIND_DN``), then bind as the person with the password they typed; their role
comes from the groups in ``KPI_LDAP_ROLE_GROUPS`` and their departments from
``KPI_LDAP_DEPARTMENT_ATTRIBUTE``, read again at every sign-in. A local account row mirrors
each directory user (kpi.store.accounts.sync_directory_user) so that the audit log names
them; the 5-try throttle and the one refusal message are kpi.store.accounts' own.

``sign_in`` is what the login form calls: a local account of the typed name (the
break-glass administrator) signs in locally without asking the directory, so it works
while the directory is down; everyone else asks the directory. Without ``KPI_LDAP_URL``
it is the local login. The settings come from the environment or from top-level keys of
``.streamlit/secrets.toml`` (the environment wins); README "Running it in the city office".

Only this module imports ldap3 (import-linter checks it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ldap3 import BASE, NONE, SIMPLE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from kpi import PROJECT_ROOT
from kpi.domain.permissions import ROLES, Actor
from kpi.store import accounts
from kpi.store.db import transaction
from kpi.text.catalog import t

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("kpi.directory")

SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_USER_FILTER = "(sAMAccountName={username})"  # Active Directory's logon name
DEFAULT_DEPARTMENT_ATTRIBUTE = "department"  # Active Directory's 部署 field
# Each network step waits at most this long, so that an unreachable directory is reported
# within 5 s: a closed port or a silent host fails at connect (2 s), a host that accepts and
# never answers fails at its first reply (2 + 2 s).
CONNECT_TIMEOUT_S = 2
RECEIVE_TIMEOUT_S = 2
INVALID_CREDENTIALS = 49  # LDAP result code of a wrong password (AD also for disabled/expired)
SETTINGS = (
    "KPI_LDAP_URL",
    "KPI_LDAP_STARTTLS",
    "KPI_LDAP_CA_FILE",
    "KPI_LDAP_BIND_DN",
    "KPI_LDAP_BIND_PASSWORD",
    "KPI_LDAP_BASE_DN",
    "KPI_LDAP_USER_FILTER",
    "KPI_LDAP_ROLE_GROUPS",
    "KPI_LDAP_DEPARTMENT_ATTRIBUTE",
    "KPI_LDAP_DEPARTMENT_MAP",
)
_NAME_IN_FILTER = re.compile(r"\(\s*([A-Za-z][\w-]*)\s*=\s*\{username\}\s*\)")


class DirectoryConfigError(ValueError):
    """A KPI_LDAP_* setting cannot be read (the message names it)."""


class DirectoryUnavailable(accounts.AuthError):
    """The directory did not answer (or refused the search account): nobody can be checked."""

    def __init__(self, detail: str) -> None:
        super().__init__(t("ldap_unreachable", "ja"))
        self.detail = detail  # for the server log, never for the visitor


@dataclass(frozen=True)
class DirectoryConfig:
    url: str
    base_dn: str
    role_groups: tuple[tuple[str, str], ...]  # (group DN, role), in the order written
    starttls: bool = False
    ca_file: str | None = None
    bind_dn: str | None = None
    bind_password: str | None = field(default=None, repr=False)
    user_filter: str = DEFAULT_USER_FILTER
    department_attribute: str = DEFAULT_DEPARTMENT_ATTRIBUTE
    department_map: tuple[tuple[str, str], ...] = ()  # (directory's name, the plan's 部署)


@dataclass(frozen=True)
class DirectoryUser:
    """What the directory says about one person (``python -m kpi ldap-check`` prints it)."""

    username: str
    dn: str
    display_name: str
    groups: tuple[str, ...]  # the KPI_LDAP_ROLE_GROUPS groups the person is in
    role: str | None  # None: in none of them (cannot sign in)
    departments: tuple[str, ...]  # the plan's names, after KPI_LDAP_DEPARTMENT_MAP
    raw_departments: tuple[str, ...]  # as the directory has them
    editor_without_department: bool = False  # in the editors' group but no department: a viewer


# ---------------------------------------------------------------- settings


def parse_role_groups(text: str) -> tuple[tuple[str, str], ...]:
    """``admin=CN=KPI-Admins,OU=Groups,DC=city,DC=local;editor=…;viewer=…`` → ((DN, role), …).

    The role comes first because a DN is full of ``=``; ``;`` separates the entries (a DN
    has none); a role may be given several groups.
    """
    pairs = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        role, eq, dn = part.partition("=")
        role, dn = role.strip().lower(), dn.strip()
        if not eq or role not in ROLES or not dn:
            raise DirectoryConfigError(
                f"KPI_LDAP_ROLE_GROUPS: 「{part}」は「役割=グループのDN」ではありません（役割は {' / '.join(ROLES)}）"
            )
        pairs.append((dn, role))
    if not pairs:
        raise DirectoryConfigError("KPI_LDAP_ROLE_GROUPS が空です（どのグループの人がログインできるかを指定します）")
    return tuple(pairs)


def parse_department_map(text: str) -> tuple[tuple[str, str], ...]:
    """``市民部市民課=市民課;keiei=経営戦略課`` → ((directory's name, plan's 部署), …)."""
    pairs = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        source, eq, target = part.rpartition("=")
        if not eq or not source.strip() or not target.strip():
            raise DirectoryConfigError(
                f"KPI_LDAP_DEPARTMENT_MAP: 「{part}」は「ディレクトリの部署名=計画の部署名」ではありません"
            )
        pairs.append((source.strip(), target.strip()))
    return tuple(pairs)


def _secrets(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DirectoryConfigError(f"{path}: {exc}") from exc
    return {k: v for k, v in data.items() if k in SETTINGS}


def load_config(environ: Mapping[str, str] | None = None, secrets_file: Path | None = None) -> DirectoryConfig | None:
    """The directory settings, or None when ``KPI_LDAP_URL`` is not set (local accounts only)."""
    values: dict[str, Any] = _secrets(secrets_file or SECRETS_FILE)
    env = os.environ if environ is None else environ
    values.update({k: env[k] for k in SETTINGS if env.get(k)})

    def get(key: str, default: str = "") -> str:
        value = values.get(key)
        return default if value is None or value == "" else str(value)

    url = get("KPI_LDAP_URL")
    if not url:
        return None
    if not url.lower().startswith(("ldap://", "ldaps://")):
        raise DirectoryConfigError(f"KPI_LDAP_URL: {url} は ldaps://… または ldap://… ではありません")
    base_dn = get("KPI_LDAP_BASE_DN")
    if not base_dn:
        raise DirectoryConfigError("KPI_LDAP_BASE_DN が未設定です（利用者を探す起点。例: DC=city,DC=local）")
    user_filter = get("KPI_LDAP_USER_FILTER", DEFAULT_USER_FILTER)
    if "{username}" not in user_filter:
        raise DirectoryConfigError("KPI_LDAP_USER_FILTER に {username} がありません")
    return DirectoryConfig(
        url=url,
        base_dn=base_dn,
        role_groups=parse_role_groups(get("KPI_LDAP_ROLE_GROUPS")),
        starttls=get("KPI_LDAP_STARTTLS") in ("1", "true", "True"),
        ca_file=get("KPI_LDAP_CA_FILE") or None,
        bind_dn=get("KPI_LDAP_BIND_DN") or None,
        bind_password=get("KPI_LDAP_BIND_PASSWORD") or None,
        user_filter=user_filter,
        department_attribute=get("KPI_LDAP_DEPARTMENT_ATTRIBUTE", DEFAULT_DEPARTMENT_ATTRIBUTE),
        department_map=parse_department_map(get("KPI_LDAP_DEPARTMENT_MAP")),
    )


# ---------------------------------------------------------------- the directory's answers


def _server(config: DirectoryConfig) -> Server:
    secure = config.url.lower().startswith("ldaps://") or config.starttls
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=config.ca_file) if secure else None
    return Server(
        config.url,
        use_ssl=config.url.lower().startswith("ldaps://"),
        tls=tls,
        get_info=NONE,
        connect_timeout=CONNECT_TIMEOUT_S,
    )


def _close(conn: Connection) -> None:
    """Unbind and close, whatever state the connection is in: after a failed TLS handshake the
    socket is already gone and ldap3's unbind raised LDAPSocketSendError, which escaped the
    sign-in as an internal error instead of "directory unreachable"."""
    with contextlib.suppress(LDAPException):
        conn.unbind()


def _connection(config: DirectoryConfig, user: str | None, password: str | None) -> Connection:
    """An open (and, with KPI_LDAP_STARTTLS, encrypted) connection, not yet bound;
    DirectoryUnavailable if the directory cannot be reached."""
    conn = Connection(
        _server(config),
        user=user,
        password=password,
        authentication=SIMPLE if user else None,
        receive_timeout=RECEIVE_TIMEOUT_S,
        auto_referrals=False,
        read_only=True,
        raise_exceptions=False,
    )
    try:
        conn.open()
        if config.starttls and not conn.start_tls():
            raise DirectoryUnavailable(f"StartTLS refused: {conn.result}")
    except LDAPException as exc:
        _close(conn)
        raise DirectoryUnavailable(f"{config.url}: {exc}") from exc
    return conn


def _service_connection(config: DirectoryConfig) -> Connection:
    conn = _connection(config, config.bind_dn, config.bind_password)
    try:
        bound = conn.bind()
    except LDAPException as exc:
        _close(conn)
        raise DirectoryUnavailable(f"{config.url}: {exc}") from exc
    if not bound:
        _close(conn)
        raise DirectoryUnavailable(f"the search account {config.bind_dn!r} cannot bind: {conn.result}")
    return conn


def _values(attributes: Mapping[str, Any], name: str) -> list[str]:
    value = next((v for k, v in attributes.items() if k.lower() == name.lower()), None)
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in items if str(v).strip()]


def _search(conn: Connection, base: str, search_filter: str, scope: str, attributes: list[str]) -> list[dict[str, Any]]:
    try:
        conn.search(base, search_filter, search_scope=scope, attributes=attributes, size_limit=2)
    except LDAPException as exc:
        raise DirectoryUnavailable(f"search {base}: {exc}") from exc
    # Active Directory adds referrals (searchResRef) to other partitions: only entries count.
    return [r for r in (conn.response or []) if r.get("type") == "searchResEntry"]


def _member_of(conn: Connection, group_dn: str, user_dn: str) -> bool:
    dn = escape_filter_chars(user_dn)
    found = _search(conn, group_dn, f"(|(member={dn})(uniqueMember={dn}))", BASE, [])
    if not found and conn.result.get("result") == 32:  # noSuchObject: a mistyped group DN
        log.warning("KPI_LDAP_ROLE_GROUPS: group %s does not exist in the directory", group_dn)
    return bool(found)


def _role(groups: tuple[str, ...], config: DirectoryConfig) -> str | None:
    roles = {role for dn, role in config.role_groups if dn in groups}
    return next((r for r in ROLES if r in roles), None)  # ROLES is ordered: admin first


def _departments(raw: list[str], config: DirectoryConfig) -> tuple[str, ...]:
    mapping = dict(config.department_map)
    return tuple(dict.fromkeys(mapping.get(d, d) for d in raw))


def find_user(config: DirectoryConfig, username: str) -> DirectoryUser | None:
    """The person the filter finds for ``username`` (escaped: RFC 4515), with their KPI groups,
    role and departments; None when the directory finds nobody or more than one entry."""
    name_attribute = (m.group(1) if (m := _NAME_IN_FILTER.search(config.user_filter)) else None) or ""
    search_filter = config.user_filter.replace("{username}", escape_filter_chars(username))
    attributes = [a for a in (config.department_attribute, "displayName", "cn", name_attribute) if a]
    conn = _service_connection(config)
    try:
        entries = _search(conn, config.base_dn, search_filter, SUBTREE, attributes)
        if len(entries) != 1:
            return None
        entry = entries[0]
        dn, attrs = str(entry["dn"]), entry.get("attributes") or {}
        groups = tuple(g for g, _role_name in config.role_groups if _member_of(conn, g, dn))
    finally:
        _close(conn)
    # The directory's spelling of the name (AD's logon names ignore case: Hanako is hanako).
    stored = _values(attrs, name_attribute) if name_attribute else []
    canonical = stored[0] if stored else username
    raw = _values(attrs, config.department_attribute)
    departments = _departments(raw, config)
    role = _role(groups, config)
    without = role == "editor" and not departments
    display = (_values(attrs, "displayName") or _values(attrs, "cn") or [canonical])[0]
    return DirectoryUser(
        username=canonical,
        dn=dn,
        display_name=display,
        groups=groups,
        role="viewer" if without else role,
        departments=departments,
        raw_departments=tuple(raw),
        editor_without_department=without,
    )


def password_ok(config: DirectoryConfig, dn: str, password: str) -> bool:
    """Whether the directory accepts ``password`` for ``dn`` (a bind as the person)."""
    if not password:  # an empty password is an anonymous bind, which "succeeds": never a sign-in
        return False
    conn = _connection(config, dn, password)
    try:
        return bool(conn.bind())
    except LDAPException as exc:
        raise DirectoryUnavailable(f"bind {dn}: {exc}") from exc
    finally:
        _close(conn)


# ---------------------------------------------------------------- signing in


def sign_in(
    engine: Engine,
    username: str,
    password: str,
    now: datetime | None = None,
    config: DirectoryConfig | None = None,
    environ: Mapping[str, str] | None = None,
) -> Actor:
    """The Actor of a correct sign-in; AuthError (LOGIN_REFUSED) or DirectoryUnavailable."""
    config = config or load_config(environ)
    if config is None:
        return accounts.login(engine, username, password, now)
    with transaction(engine) as session:
        kind = accounts.account_kind(session, username)
    if kind == "local":  # the break-glass administrator and other local accounts
        return accounts.login(engine, username, password, now)
    try:
        name = accounts.normalize_username(username)
    except accounts.AccountError:
        accounts.refuse_unknown(engine, username)
    try:
        person = find_user(config, name)
    except DirectoryUnavailable as exc:
        log.warning("directory sign-in of %r: the directory is unavailable: %s", name, exc.detail)
        raise
    if person is None or person.role is None:
        accounts.refuse_unknown(engine, name, reason="directory")
    with transaction(engine) as session:
        accounts.sync_directory_user(session, person.username, person.role, person.departments, person.display_name)
    try:
        return accounts.throttled_login(
            engine, person.username, lambda _stored: password_ok(config, person.dn, password), now, via="directory"
        )
    except DirectoryUnavailable as exc:
        log.warning("directory sign-in of %r: the directory is unavailable: %s", name, exc.detail)
        raise
