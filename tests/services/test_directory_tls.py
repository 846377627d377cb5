"""Directory sign-in over TLS against a real slapd serving ldaps:// and StartTLS with a test
CA's certificate (tests/ldap_server.py, ``tls=True``): the certificate is checked, never
skipped. With the city's CA (KPI_LDAP_CA_FILE) the person signs in; without it, with a
certificate for another name, or with StartTLS asked of a directory that offers no TLS, the
sign-in is refused as "directory unreachable" within 5 s and the password never leaves."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kpi.domain.permissions import Actor
from kpi.services import directory
from kpi.store.db import upgrade

from ..ldap_server import PASSWORDS, LdapServer, city_directory

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HANAKO = Actor("hanako", "editor", ("市民課",))


@pytest.fixture
def sqlite_engine(sqlite_engine: Engine) -> Engine:
    upgrade(sqlite_engine)
    return sqlite_engine


@pytest.fixture(scope="module")
def tls_ldap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LdapServer]:
    with city_directory(tmp_path_factory.mktemp("ldap-tls"), tls=True) as server:
        yield server


def _sign_in(engine: Engine, ldap: LdapServer, **settings: str) -> Actor:
    config = directory.load_config(ldap.env(**settings), secrets_file=Path("/nonexistent"))
    assert config is not None
    return directory.sign_in(engine, "hanako", PASSWORDS["hanako"], NOW, config=config)


def _refused(engine: Engine, ldap: LdapServer, **settings: str) -> str:
    start = time.monotonic()
    with pytest.raises(directory.DirectoryUnavailable) as down:
        _sign_in(engine, ldap, **settings)
    assert time.monotonic() - start < 5
    assert "ディレクトリ（Active Directory）に接続できない" in str(down.value)
    return down.value.detail


def test_ldaps_with_the_citys_ca_signs_in(sqlite_engine: Engine, tls_ldap: LdapServer) -> None:
    settings = {"KPI_LDAP_URL": tls_ldap.ldaps_url, "KPI_LDAP_CA_FILE": tls_ldap.ca_file}
    assert _sign_in(sqlite_engine, tls_ldap, **settings) == HANAKO


def test_starttls_with_the_citys_ca_signs_in(sqlite_engine: Engine, tls_ldap: LdapServer) -> None:
    settings = {"KPI_LDAP_STARTTLS": "1", "KPI_LDAP_CA_FILE": tls_ldap.ca_file}
    assert _sign_in(sqlite_engine, tls_ldap, **settings) == HANAKO


@pytest.mark.parametrize("how", ["ldaps", "starttls"])
def test_a_certificate_from_an_unknown_ca_is_refused(sqlite_engine: Engine, tls_ldap: LdapServer, how: str) -> None:
    """No KPI_LDAP_CA_FILE: the system's CAs do not know the test CA, so the certificate fails."""
    settings = {"KPI_LDAP_URL": tls_ldap.ldaps_url} if how == "ldaps" else {"KPI_LDAP_STARTTLS": "1"}
    detail = _refused(sqlite_engine, tls_ldap, **settings)
    assert "CERTIFICATE_VERIFY_FAILED" in detail or "certificate" in detail.lower(), detail


def test_a_certificate_for_another_name_is_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Signed by the city's CA but made for dc01.city.local: connecting to 127.0.0.1 fails."""
    with city_directory(tmp_path / "ldap", tls=True, names="DNS:dc01.city.local") as other:
        detail = _refused(sqlite_engine, other, KPI_LDAP_URL=other.ldaps_url, KPI_LDAP_CA_FILE=other.ca_file)
    assert "127.0.0.1" in detail or "hostname" in detail.lower() or "match" in detail.lower(), detail


def test_starttls_asked_of_a_directory_without_tls_is_refused_not_sent_in_the_clear(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    with city_directory(tmp_path / "plain") as plain:
        _refused(sqlite_engine, plain, KPI_LDAP_STARTTLS="1")
        assert _sign_in(sqlite_engine, plain) == HANAKO  # the same directory without StartTLS answers
