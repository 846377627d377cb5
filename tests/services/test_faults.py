"""Faults tell the truth: a save on a full disk (a small tmpfs; SQLite, and PostgreSQL with its
database in a tablespace there), on a read-only database file
(chmod, as an unprivileged user: root ignores file modes) and while PostgreSQL is stopped (a
private server of this test, never the shared one) says so in Japanese, writes nothing, and
works again once the fault is gone."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from kpi.services.actuals_form import CellInput, submit_month
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.models import ActualRevision, AuditEntry
from kpi.store.writes import StorageFault
from kpi.text.catalog import t
from tests.conftest import ADMIN, TODAY

CODE = "15-new-dx-projects"
NOBODY = 65534


def _cells(value: str) -> list[CellInput]:
    return [CellInput(CODE, value, "月末の件数")]


def _save(engine: Engine, value: str, month: str = "2026-10") -> None:
    result = submit_month(engine, ADMIN, 2026, month, _cells(value), TODAY)
    assert [s[0] for s in result.saved] == [CODE]


def _rows(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as s:
        return (
            int(s.scalar(select(func.count()).select_from(ActualRevision)) or 0),
            int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0),
        )


def _refused(engine: Engine, value: str, key: str) -> None:
    with pytest.raises(StorageFault) as fault:
        submit_month(engine, ADMIN, 2026, "2026-10", _cells(value), TODAY)
    assert str(fault.value) == t(key)


# ---------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 3 MB tmpfs."""
    yield from _tmpfs("3m")


@pytest.fixture
def pg_disk() -> Iterator[Path]:
    """A 40 MB tmpfs: a new PostgreSQL database (a copy of template1) takes about 8 MB."""
    yield from _tmpfs("40m")


def _tmpfs(size: str) -> Iterator[Path]:
    """Mounting needs root (as in CI): if it is not permitted the test fails."""
    where = Path(tempfile.mkdtemp(prefix="kpi-full-disk-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs for the full-disk test (run as root): {done.stderr.decode()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


def fill_disk(where: Path) -> Path:
    filler = where / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:  # ENOSPC: not one block left
            pass
    assert shutil.disk_usage(where).free < 4096
    return filler


def test_a_save_on_a_full_disk_says_so_writes_nothing_and_works_once_space_is_freed(small_disk: Path) -> None:
    engine = make_engine(f"sqlite:///{small_disk / 'kpi.db'}")
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, "1", "2026-08")
    with engine.connect() as conn:  # the WAL starts empty: the next save needs new space
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _rows(engine)
    filler = fill_disk(small_disk)
    _refused(engine, "2", "backup_fault_disk_full")
    _refused(engine, "2", "backup_fault_disk_full")  # and again: no half-written state in between
    filler.unlink()
    assert _rows(engine) == before
    _save(engine, "2")
    assert _rows(engine) == (before[0] + 1, before[1] + 1)
    engine.dispose()


# ---------------------------------------------------------------- a read-only file


@pytest.fixture
def nobody_dir() -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="kpi-read-only-"))
    where.chmod(0o755)
    try:
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


def test_a_save_on_a_read_only_database_file_says_so_writes_nothing_and_works_once_writable(
    nobody_dir: Path,
) -> None:
    db = nobody_dir / "kpi.db"
    engine = make_engine(f"sqlite:///{db}")
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, "1", "2026-08")  # every module the save needs is imported while we are root
    engine.dispose()
    before = _rows(engine)
    engine.dispose()
    for p in nobody_dir.iterdir():
        os.chown(p, NOBODY, NOBODY)
    os.chown(nobody_dir, NOBODY, NOBODY)
    # The app's service account, not root (root writes whatever the mode says).
    os.seteuid(NOBODY)
    try:
        db.chmod(0o444)
        nobody_dir.chmod(0o555)
        engine = make_engine(f"sqlite:///{db}")
        _refused(engine, "2", "backup_fault_read_only")
        nobody_dir.chmod(0o755)
        db.chmod(0o644)
        _save(engine, "2")  # the same engine: the connection opened read-only was dropped
        after = _rows(engine)
        engine.dispose()
    finally:
        os.seteuid(0)
    assert after == (before[0] + 1, before[1] + 1)


# ---------------------------------------------------------------- PostgreSQL stopped

PG_PORT = 8711  # engineer 18's range


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PrivateServer:
    """A throwaway PostgreSQL cluster in a temporary directory, run as the postgres user."""

    def __init__(self, port: int) -> None:
        bindir = _pg_bin()
        if bindir is None:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL binaries (initdb, pg_ctl) are missing in CI")
            pytest.skip("PostgreSQL binaries not installed")
        self.bin = bindir
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="kpi-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        shutil.chown(self.root, "postgres", "postgres")
        self._as_postgres(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        )
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _as_postgres(self, argv: list[str]) -> None:
        subprocess.run(argv, user="postgres", cwd=self.root, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start"]
        )
        deadline = time.monotonic() + 60  # pg_ctl -w watches the socket file; wait for TCP too
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            assert time.monotonic() < deadline, (self.root / "log").read_text(errors="replace")
            time.sleep(0.1)

    def stop(self) -> None:
        self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def remove(self) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            user="postgres", cwd=self.root, capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", PG_PORT)) != 0, f"port {PG_PORT} is taken"
    server = PrivateServer(PG_PORT)
    try:
        server.start()
        yield server
    finally:
        server.remove()


def test_a_save_while_postgresql_is_stopped_says_so_writes_nothing_and_works_once_it_is_back(
    private_postgres: PrivateServer,
) -> None:
    engine = make_engine(private_postgres.url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, "1", "2026-08")
    before = _rows(engine)
    private_postgres.stop()
    _refused(engine, "2", "backup_fault_unreachable")
    private_postgres.start()
    assert _rows(engine) == before
    _save(engine, "2")
    assert _rows(engine) == (before[0] + 1, before[1] + 1)
    with engine.connect() as conn:  # the server really was another one than the shared cluster
        assert conn.execute(text("SHOW port")).scalar() == str(PG_PORT)
    engine.dispose()


# ---------------------------------------------------------------- PostgreSQL on a full disk


def _again(n: int) -> CellInput:
    """October's value saved again with a new note: a correction, so with a reason."""
    return CellInput(CODE, "2", f"メモ {n}", reason="再集計のため", loaded_revision=None)


def test_a_save_when_postgresqls_disk_is_full_says_so_writes_nothing_and_works_once_space_is_freed(
    private_postgres: PrivateServer, pg_disk: Path
) -> None:
    """The database lives in a tablespace on the 3 MB tmpfs. Once the disk is full, PostgreSQL
    still takes rows that fit in pages it already has; the first save that needs a new page is
    refused with 「ディスクがいっぱい」, has written nothing (counted before and after), and the same
    save works once the space is freed. No save ever reaches the user as an internal error."""
    shutil.chown(pg_disk, "postgres", "postgres")
    admin = make_engine(private_postgres.url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE TABLESPACE small LOCATION '{pg_disk}'"))
        conn.execute(text("CREATE DATABASE kpi_small TABLESPACE small"))
    admin.dispose()
    engine = make_engine(private_postgres.url.rsplit("/", 1)[0] + "/kpi_small")
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    _save(engine, "1", "2026-08")
    filler = fill_disk(pg_disk)
    refused_at = None
    for attempt in range(2, 400):  # a new page is needed after some dozens of rows at most
        before = _rows(engine)
        try:  # the same value with another note: a new revision each time (no far-value question)
            done = submit_month(engine, ADMIN, 2026, "2026-10", [_again(attempt)], TODAY)
            assert [saved[0] for saved in done.saved] == [CODE]
        except StorageFault as fault:
            assert str(fault) == t("backup_fault_disk_full")
            assert _rows(engine) == before  # nothing of the refused save was written
            refused_at = attempt
            break
    assert refused_at is not None, "the full disk never refused a save"
    with pytest.raises(StorageFault, match=t("backup_fault_disk_full")):  # and again: nothing half-written
        submit_month(engine, ADMIN, 2026, "2026-10", [_again(refused_at)], TODAY)
    filler.unlink()
    before = _rows(engine)
    done = submit_month(engine, ADMIN, 2026, "2026-10", [_again(refused_at)], TODAY)
    assert [saved[0] for saved in done.saved] == [CODE]
    assert _rows(engine) == (before[0] + 1, before[1] + 1)
    engine.dispose()
