"""Directory sign-in (kpi.services.directory) against a real OpenLDAP (tests/ldap_server.py):
search as the service account, bind as the person, groups → role, department attribute →
the plan's 部署, the throttle and the one refusal message, and an unreachable directory."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from kpi.domain.permissions import Actor
from kpi.services import directory
from kpi.store import accounts
from kpi.store.db import transaction, upgrade
from kpi.store.models import AuditEntry, User

from ..conftest import ADMIN
from ..ldap_server import GROUPS, PASSWORDS, LdapServer, city_directory

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TARO = "uid=taro,ou=people,dc=city,dc=local"
BREAK_GLASS, BREAK_GLASS_PW = "kpi-admin", "break-glass-password-1"


@pytest.fixture
def engine(engine: Engine) -> Engine:
    upgrade(engine)
    return engine


@pytest.fixture
def sqlite_engine(sqlite_engine: Engine) -> Engine:
    upgrade(sqlite_engine)
    return sqlite_engine


@pytest.fixture
def ldap(tmp_path: Path) -> Iterator[LdapServer]:
    with city_directory(tmp_path / "ldap") as server:
        yield server


def _config(ldap: LdapServer, **overrides: str) -> directory.DirectoryConfig:
    config = directory.load_config(ldap.env(**overrides), secrets_file=Path("/nonexistent"))
    assert config is not None
    return config


def _sign_in(engine: Engine, ldap: LdapServer, name: str, password: str) -> Actor:
    return directory.sign_in(engine, name, password, NOW, config=_config(ldap))


def test_a_directory_editor_signs_in_with_the_directory_password_and_role_and_department(
    engine: Engine, ldap: LdapServer
) -> None:
    actor = _sign_in(engine, ldap, "hanako", PASSWORDS["hanako"])
    assert actor == Actor("hanako", "editor", ("市民課",))
    with transaction(engine) as s:
        row = s.scalars(select(User).where(User.username == "hanako")).one()
        assert row.password_hash == accounts.DIRECTORY_MANAGED  # no local password
        assert row.display_name == "市民 花子"
        actions = [(a.actor, a.action, a.detail) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("directory", "user.add") in [(a, b) for a, b, _ in actions]  # the mirror row is audited
    assert actions[-1][:2] == ("hanako", "auth.login") and actions[-1][2]["via"] == "directory"


def test_departments_are_mapped_and_the_highest_role_of_the_groups_wins(
    sqlite_engine: Engine, ldap: LdapServer
) -> None:
    assert _sign_in(sqlite_engine, ldap, "taro", PASSWORDS["taro"]) == Actor("taro", "editor", ("経営戦略課",))
    assert _sign_in(sqlite_engine, ldap, "jiro", PASSWORDS["jiro"]).role == "admin"  # admins and viewers
    assert _sign_in(sqlite_engine, ldap, "saburo", PASSWORDS["saburo"]) == Actor("saburo", "viewer", ())


def test_wrong_password_unknown_name_and_no_group_get_the_same_message(sqlite_engine: Engine, ldap: LdapServer) -> None:
    messages = set()
    for name, password in [
        ("hanako", "not-her-password"),
        ("nobody-here", "whatever-password"),
        ("outsider", PASSWORDS["outsider"]),  # right password, but in no KPI group
        ("hanako", ""),  # an empty password would be an anonymous bind
    ]:
        with pytest.raises(accounts.AuthError) as refused:
            _sign_in(sqlite_engine, ldap, name, password)
        assert not isinstance(refused.value, directory.DirectoryUnavailable)
        messages.add(str(refused.value))
    assert messages == {accounts.LOGIN_REFUSED}


@pytest.mark.parametrize("typed", ["*)(uid=*", "*", "hanako)(uid=*", "*)(|(uid=*"])
def test_an_injected_filter_finds_nobody(sqlite_engine: Engine, ldap: LdapServer, typed: str) -> None:
    assert directory.find_user(_config(ldap), typed) is None
    with pytest.raises(accounts.AuthError):
        _sign_in(sqlite_engine, ldap, typed, PASSWORDS["hanako"])


def test_removed_from_the_group_or_the_directory_cannot_sign_in_next_time(
    sqlite_engine: Engine, ldap: LdapServer
) -> None:
    assert _sign_in(sqlite_engine, ldap, "hanako", PASSWORDS["hanako"]).role == "editor"
    assert _sign_in(sqlite_engine, ldap, "taro", PASSWORDS["taro"]).role == "editor"
    ldap.modify(
        f"dn: cn=kpi-editors,{GROUPS}\nchangetype: modify\ndelete: member\n"
        "member: uid=hanako,ou=people,dc=city,dc=local\n"
    )
    ldap.modify("dn: uid=taro,ou=people,dc=city,dc=local\nchangetype: delete\n")
    for name in ("hanako", "taro"):
        with pytest.raises(accounts.AuthError, match="利用者名またはパスワードが違います"):
            _sign_in(sqlite_engine, ldap, name, PASSWORDS[name])


def test_a_role_change_in_the_directory_applies_at_the_next_sign_in(sqlite_engine: Engine, ldap: LdapServer) -> None:
    assert _sign_in(sqlite_engine, ldap, "taro", PASSWORDS["taro"]).role == "editor"
    ldap.modify(
        f"dn: cn=kpi-editors,{GROUPS}\nchangetype: modify\ndelete: member\nmember: {TARO}\n"
        f"\ndn: cn=kpi-viewers,{GROUPS}\nchangetype: modify\nadd: member\nmember: {TARO}\n"
    )
    assert _sign_in(sqlite_engine, ldap, "taro", PASSWORDS["taro"]) == Actor("taro", "viewer", ("経営戦略課",))
    with transaction(sqlite_engine) as s:
        assert s.scalars(select(User.role).where(User.username == "taro")).one() == "viewer"
        assert "user.directory" in s.scalars(select(AuditEntry.action)).all()


def test_five_wrong_passwords_lock_a_directory_user_like_a_local_one(engine: Engine, ldap: LdapServer) -> None:
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(accounts.AuthError):
            _sign_in(engine, ldap, "hanako", "wrong-password-x")
    with pytest.raises(accounts.AuthError, match="5回続けて失敗すると15分間"):
        _sign_in(engine, ldap, "hanako", PASSWORDS["hanako"])  # right, but locked
    with transaction(engine) as s:
        actions = s.scalars(select(AuditEntry.action)).all()
    assert "auth.locked" in actions and "auth.login" not in actions


def test_a_directory_account_has_no_local_password(sqlite_engine: Engine, ldap: LdapServer) -> None:
    _sign_in(sqlite_engine, ldap, "hanako", PASSWORDS["hanako"])
    with pytest.raises(accounts.AuthError):
        accounts.login(sqlite_engine, "hanako", PASSWORDS["hanako"], NOW)
    with transaction(sqlite_engine) as s, pytest.raises(accounts.AccountError, match="ディレクトリ"):
        accounts.set_password(s, ADMIN, "hanako", "a-new-local-password-1")


def _silent_listener() -> tuple[socket.socket, int]:
    """A host that accepts connections and never answers (a hung directory server)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(sock.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return sock, int(sock.getsockname()[1])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("where", ["closed port", "silent server", "silent ldaps", "silent starttls"])
def test_an_unreachable_directory_says_so_within_5_s_and_the_break_glass_admin_still_signs_in(
    sqlite_engine: Engine, ldap: LdapServer, where: str
) -> None:
    with transaction(sqlite_engine) as s:
        accounts.add_user(s, ADMIN, BREAK_GLASS, BREAK_GLASS_PW, "admin")
    silent, port = _silent_listener()
    try:
        url = {
            "closed port": f"ldap://127.0.0.1:{_closed_port()}",
            "silent server": f"ldap://127.0.0.1:{port}",
            "silent ldaps": f"ldaps://127.0.0.1:{port}",
            "silent starttls": f"ldap://127.0.0.1:{port}",
        }[where]
        extra = {"KPI_LDAP_STARTTLS": "1"} if where == "silent starttls" else {}
        config = _config(ldap, KPI_LDAP_URL=url, **extra)
        start = time.monotonic()
        with pytest.raises(directory.DirectoryUnavailable) as down:
            directory.sign_in(sqlite_engine, "hanako", PASSWORDS["hanako"], NOW, config=config)
        assert time.monotonic() - start < 5
        assert "ディレクトリ（Active Directory）に接続できない" in str(down.value)
        start = time.monotonic()
        actor = directory.sign_in(sqlite_engine, BREAK_GLASS, BREAK_GLASS_PW, NOW, config=config)
        assert actor == Actor(BREAK_GLASS, "admin", ()) and time.monotonic() - start < 5
    finally:
        silent.close()


def test_the_settings_read_from_secrets_toml_and_the_environment_wins(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'KPI_LDAP_URL = "ldaps://dc.city.local"\nKPI_LDAP_BASE_DN = "DC=city,DC=local"\n'
        'KPI_LDAP_ROLE_GROUPS = "admin=CN=KPI-Admins,OU=Groups,DC=city,DC=local"\n'
        '[auth]\nclient_id = "not ours"\n',
        encoding="utf-8",
    )
    config = directory.load_config({}, secrets_file=secrets)
    assert config is not None
    assert (config.url, config.user_filter, config.department_attribute) == (
        "ldaps://dc.city.local",
        "(sAMAccountName={username})",
        "department",
    )
    assert config.role_groups == (("CN=KPI-Admins,OU=Groups,DC=city,DC=local", "admin"),)
    over = directory.load_config({"KPI_LDAP_URL": "ldap://other:389"}, secrets_file=secrets)
    assert over is not None and over.url == "ldap://other:389"
    assert directory.load_config({}, secrets_file=tmp_path / "none.toml") is None


@pytest.mark.parametrize(
    "groups",
    ["CN=KPI,DC=city,DC=local", "boss=CN=KPI,DC=city,DC=local", "admin=", ""],
)
def test_role_groups_that_cannot_be_read_are_refused_with_the_setting_named(groups: str) -> None:
    with pytest.raises(directory.DirectoryConfigError, match="KPI_LDAP_ROLE_GROUPS"):
        directory.parse_role_groups(groups)


def test_role_groups_and_department_map_formats() -> None:
    assert directory.parse_role_groups(" admin=CN=A,DC=x ; editor=CN=E,DC=x;editor=CN=E2,DC=x;") == (
        ("CN=A,DC=x", "admin"),
        ("CN=E,DC=x", "editor"),
        ("CN=E2,DC=x", "editor"),
    )
    assert directory.parse_department_map("市民部 市民課=市民課;keiei=経営戦略課") == (
        ("市民部 市民課", "市民課"),
        ("keiei", "経営戦略課"),
    )


def test_ldap_check_shows_what_the_directory_returns_without_a_password(
    ldap: LdapServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kpi.cli.main import main

    for key, value in ldap.env().items():
        monkeypatch.setenv(key, value)
    assert main(["ldap-check", "hanako"]) == 0
    out = capsys.readouterr().out
    for expected in (
        "ディレクトリ: 見つかりました",
        "DN: uid=hanako,ou=people,dc=city,dc=local",
        f"KPIのグループ: cn=kpi-editors,{GROUPS}",
        "役割: editor（編集者）",
        "部署: 市民課",
    ):
        assert expected in out, out
    assert main(["ldap-check", "taro"]) == 0
    assert "部署: 経営戦略課" in capsys.readouterr().out
    assert main(["ldap-check", "outsider"]) == 1
    assert "役割: なし" in capsys.readouterr().out
    assert main(["ldap-check", "*)(uid=*"]) == 1
    assert "ディレクトリ: 見つかりません" in capsys.readouterr().out
    monkeypatch.setenv("KPI_LDAP_URL", f"ldap://127.0.0.1:{_closed_port()}")
    assert main(["ldap-check", "hanako"]) == 1
    assert "接続できない" in capsys.readouterr().err


def test_an_editor_without_a_department_signs_in_as_a_viewer(sqlite_engine: Engine, ldap: LdapServer) -> None:
    ldap.modify(
        f"dn: cn=kpi-editors,{GROUPS}\nchangetype: modify\nadd: member\nmember: uid=saburo,ou=people,dc=city,dc=local\n"
    )
    person = directory.find_user(_config(ldap), "saburo")
    assert person is not None and person.editor_without_department and person.role == "viewer"
    assert _sign_in(sqlite_engine, ldap, "saburo", PASSWORDS["saburo"]) == Actor("saburo", "viewer", ())
