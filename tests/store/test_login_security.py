"""Login hardening: throttling under parallel attempts, one face for every refusal,
username and password rules, authors shown as departments to anonymous visitors."""

from __future__ import annotations

import contextlib
import multiprocessing
import subprocess
import sys
import time
import types
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from kpi.domain.permissions import Actor
from kpi.store import accounts as auth
from kpi.store.db import make_engine, transaction, upgrade
from tests.conftest import ROOT

ADMIN = Actor("adm", "admin")
PASSWORD = "correct-horse-battery"
PROCESSES = 8
ATTEMPTS = 5


class _CountingHasher(PasswordHasher):
    """Counts verifications against real account hashes (the dummy hash is not a guess)."""

    def __init__(self, counter: Any) -> None:
        super().__init__()
        self.counter = counter

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        if hash != auth.dummy_hash():
            with self.counter.get_lock():
                self.counter.value += 1
        return super().verify(hash, password)


def _attacker(url: str, start: Any, counter: Any, index: int) -> None:
    """One attacking process: waits for the others, then tries ATTEMPTS wrong passwords."""
    auth._hasher = _CountingHasher(counter)
    engine = make_engine(url)
    start.wait()
    for i in range(ATTEMPTS):
        with contextlib.suppress(auth.AuthError):
            auth.login(engine, "shimin", f"guess-{index}-{i}-xxxxxx")
    engine.dispose()


@pytest.mark.postgres
def test_parallel_wrong_passwords_check_at_most_five_guesses(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # AppTest runs app.py as ``__main__`` in this same process; a spawned child would re-run it
    # (multiprocessing re-imports the parent's main script), racing to migrate the default
    # database. The children need only this module, so they get a bare ``__main__``.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    engine = make_engine(db_url)
    upgrade(engine)
    with transaction(engine) as s:
        auth.add_user(s, ADMIN, "shimin", PASSWORD, "editor", ["市民課"])
    engine.dispose()
    # forkserver: clean children (no inherited threads or connections) without re-importing
    # pandas and SQLAlchemy in each of them.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["kpi.store.accounts", "tests.store.test_login_security"])
    start = ctx.Event()
    counter = ctx.Value("i", 0)
    procs = [ctx.Process(target=_attacker, args=(db_url, start, counter, n)) for n in range(PROCESSES)]
    for p in procs:
        p.start()
    time.sleep(0.5)
    start.set()
    for p in procs:
        p.join(timeout=120)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    assert 1 <= counter.value <= auth.MAX_FAILURES
    # The account is locked now: even the right password is refused.
    with pytest.raises(auth.AuthError):
        auth.login(make_engine(db_url), "shimin", PASSWORD)


T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(sqlite_engine: Engine) -> Engine:
    upgrade(sqlite_engine)
    with transaction(sqlite_engine) as s:
        auth.add_user(s, ADMIN, "shimin", PASSWORD, "editor", ["市民課"])
        auth.add_user(s, ADMIN, "gone", PASSWORD, "viewer")
        auth.add_user(s, ADMIN, "locked", PASSWORD, "viewer")
        auth.disable_user(s, ADMIN, "gone")
    for i in range(auth.MAX_FAILURES):
        with pytest.raises(auth.AuthError):
            auth.login(sqlite_engine, "locked", f"wrong-{i}-xxxxxx", T0)
    return sqlite_engine


REFUSALS = {
    "wrong password": ("shimin", "not-the-password"),
    "unknown user": ("ghost", "not-the-password"),
    "disabled": ("gone", PASSWORD),
    "locked": ("locked", PASSWORD),
}


def test_every_refused_login_gives_the_same_message(db: Engine) -> None:
    messages = set()
    for username, password in REFUSALS.values():
        with pytest.raises(auth.AuthError) as refused:
            auth.login(db, username, password, T0 + timedelta(minutes=1))
        messages.add(str(refused.value))
    assert messages == {auth.LOGIN_REFUSED}
    assert "ghost" not in auth.LOGIN_REFUSED and "無効" not in auth.LOGIN_REFUSED


def test_every_refused_login_costs_one_argon2_verification(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | bytes] = []

    class Recording(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append(hash)
            return super().verify(hash, password)

    monkeypatch.setattr(auth, "_hasher", Recording())
    for case, (username, password) in REFUSALS.items():
        calls.clear()
        with pytest.raises(auth.AuthError):
            auth.login(db, username, password, T0 + timedelta(minutes=1))
        assert len(calls) == 1, case
    # Time: each refusal costs about what a wrong password costs (best of three, so that a
    # busy machine does not decide the test).
    timings = {}
    for case, (username, password) in REFUSALS.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with pytest.raises(auth.AuthError):
                auth.login(db, username, password, T0 + timedelta(minutes=1))
            best = min(best, time.perf_counter() - start)
        timings[case] = best
    reference = timings["wrong password"]
    for case, seconds in timings.items():
        assert 0.5 * reference <= seconds <= 2 * reference, (case, timings)


def test_the_dummy_hash_has_the_hashers_parameters_and_nothing_is_hashed_at_import() -> None:
    assert not auth._hasher.check_needs_rehash(auth.dummy_hash())
    probe = "import argon2; argon2.PasswordHasher.hash = None; import kpi.store.accounts; print('ok')"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("ｓｈｉｍｉｎ２", "shimin2"),
        ("  tanaka  ", "tanaka"),
        ("佐藤", "佐藤"),
        ("ﾀﾅｶ", "タナカ"),
        ("x" * 64, "x" * 64),
    ],
)
def test_usernames_are_nfkc_normalised(raw: str, stored: str) -> None:
    assert auth.normalize_username(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "空"),
        ("x" * 65, "64文字"),
        ("shi\u200bmin", "ゼロ幅"),
        ("shi\u200dmin", "ゼロ幅"),
        ("\ufeffshimin", "ゼロ幅"),
        ("shi\u202emin", "ゼロ幅"),
        ("shi\nmin", "制御文字"),
        ("shi\tmin", "制御文字"),
    ],
)
def test_bad_usernames_are_refused(raw: str, message: str) -> None:
    with pytest.raises(auth.AccountError, match=message):
        auth.normalize_username(raw)


def test_login_normalises_the_username_the_same_way(db: Engine) -> None:
    with transaction(db) as s:
        stored = auth.add_user(s, ADMIN, "ｔａｎａｋａ", PASSWORD, "viewer")
    assert stored.username == "tanaka"
    assert auth.login(db, " ｔａｎａｋａ", PASSWORD, T0).username == "tanaka"
    assert auth.login(db, "tanaka", PASSWORD, T0).username == "tanaka"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "12文字"),
        ("password1234", "推測されやすい"),
        ("Password1234", "推測されやすい"),
        ("123456789012", "推測されやすい"),
        ("aaaaaaaaaaaaaaa", "推測されやすい"),
        ("abababababab", "推測されやすい"),
    ],
)
def test_weak_passwords_are_refused_on_add_and_change(db: Engine, password: str, message: str) -> None:
    with transaction(db) as s, pytest.raises(auth.AccountError, match=message):
        auth.add_user(s, ADMIN, "newbie", password, "viewer")
    with transaction(db) as s, pytest.raises(auth.AccountError, match=message):
        auth.set_password(s, ADMIN, "shimin", password)
    assert auth.login(db, "shimin", PASSWORD, T0).username == "shimin"  # unchanged


def test_anonymous_visitors_see_the_authors_department_not_the_user_name(db: Engine) -> None:
    from kpi.domain.permissions import public_author

    with transaction(db) as s:
        departments = auth.departments_by_user(s)
    assert departments["shimin"] == ("市民課",)
    assert public_author("shimin", None, departments) == "市民課"
    assert public_author("cli:root", None, departments) == "職員"  # no account: no department
    assert public_author("gone", None, departments, staff="Staff") == "Staff"
    logged_in = Actor("boss", "viewer")
    assert public_author("shimin", logged_in, departments) == "shimin"


def test_accounts_do_not_import_the_command_line_and_ui_does_not_import_back() -> None:
    probe = (
        "import sys, kpi.store.accounts\n"
        "print(sorted(m for m in ('kpi.cli', 'kpi.cli.main', 'kpi.cli.reports') if m in sys.modules))\n"
        "import kpi.web.auth\n"
        "print('kpi.web.nav' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["[]", "False"], out.stdout + out.stderr


def test_lock_times_are_shown_in_jst(db: Engine) -> None:
    from kpi.store.audit import audit_frame

    # "locked" failed five times at 09:00 UTC: locked until 09:15 UTC = 18:15 JST.
    with transaction(db) as s:
        users = auth.list_users(s).set_index("username")
        log = audit_frame(s)
    assert users.loc["locked", "locked_until"] == "2026-11-24 18:15"
    assert users.loc["shimin", "locked_until"] == ""
    locked = log[log["action"] == "auth.locked"].iloc[0]
    assert locked["detail"]["until"] == "2026-11-24 18:15 JST"


def test_cli_user_add_refuses_a_bad_name_before_asking_for_a_password(
    db: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kpi.cli import main as cli

    monkeypatch.setenv("KPI_DATABASE_URL", sqlite_url)

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError("asked for a password")

    monkeypatch.setattr("getpass.getpass", no_prompt)
    assert cli.main(["user", "add", "shi\u200bmin", "--role", "viewer"]) == 1
    assert "ゼロ幅" in capsys.readouterr().err
    assert cli.main(["user", "add", "x" * 65, "--role", "viewer"]) == 1
    assert "64文字" in capsys.readouterr().err
