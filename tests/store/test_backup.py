"""Backups (kpi.store.backup): every table into one archive and back, on SQLite and PostgreSQL,
consistent while writers save, never a complete-looking file from a killed backup, and not one
changed byte accepted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from kpi.domain.permissions import Actor
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store import backup, restore
from kpi.store.backup import BackupError
from kpi.store.db import current_revision, head_revision, make_engine, transaction
from kpi.store.models import Base
from kpi.store.writes import with_retry
from tests.conftest import ADMIN, ROOT, TODAY
from tests.full_database import fill_every_table, postgres_sibling, statuses, table_counts
from tests.old_schema import fill_old_schema


@pytest.fixture
def full_engine(engine: Engine, tmp_path: Path) -> Engine:
    """The db_url database (SQLite, PostgreSQL) with rows in every table."""
    fill_every_table(engine, tmp_path)
    return engine


def _without_restore_entry(rows: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    audit = rows["audit_log"]
    assert audit[-1][3] == "database.restore"  # id, at, actor, action, …
    return {**rows, "audit_log": audit[:-1]}


def _save_works(engine: Engine) -> None:
    """A new save after the restore: new ids past the restored ones (PostgreSQL's sequences)."""
    with transaction(engine, write=True) as s:
        result = record_actuals(
            s, [ActualInput("04-mynumber-card-rate", "2026-05", 85.6, "再修正", "追加の修正")], ADMIN, TODAY
        )
    assert [r[:3] for r in result.saved] == [("04-mynumber-card-rate", "2026-05", 3)]


def test_every_table_has_rows_in_the_full_database(full_engine: Engine) -> None:
    counts = table_counts(full_engine)
    assert counts.pop("alembic_version") == 1
    assert all(counts.values()), {k: v for k, v in counts.items() if not v}
    assert set(counts) == set(Base.metadata.tables)  # every table the models define, none left out


def test_backup_restores_every_table_into_empty_sqlite_and_postgresql(
    full_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source_url = full_engine.url.render_as_string(hide_password=False)
    before = backup.canonical_rows(full_engine)
    status_before = statuses(monkeypatch, capsys, source_url)
    info = backup.write_backup(full_engine, tmp_path / "kpi.zip")
    manifest = backup.verify_backup(info.path)
    assert manifest.revision == head_revision() and manifest.dialect == full_engine.dialect.name
    assert {n: i.rows for n, i in manifest.tables.items()} == {n: len(r) for n, r in before.items()}

    for url in (f"sqlite:///{tmp_path / 'restored.db'}", postgres_sibling()):
        target = make_engine(url)
        summary = restore.restore(target, info.path, ADMIN)
        assert summary.revision == head_revision() == current_revision(target)
        assert _without_restore_entry(backup.canonical_rows(target)) == before, url
        assert statuses(monkeypatch, capsys, url) == status_before
        _save_works(target)
        target.dispose()


def test_restore_refuses_a_database_holding_data_and_changes_nothing(full_engine: Engine, tmp_path: Path) -> None:
    info = backup.write_backup(full_engine, tmp_path / "kpi.zip")
    before = backup.canonical_rows(full_engine)
    with pytest.raises(BackupError, match="空ではありません"):
        restore.restore(full_engine, info.path, ADMIN)
    assert backup.canonical_rows(full_engine) == before


def test_restore_into_a_freshly_initialised_database_replaces_the_plan_it_loaded(
    full_engine: Engine, tmp_path: Path
) -> None:
    from kpi.store.bootstrap import ensure_ready

    info = backup.write_backup(full_engine, tmp_path / "kpi.zip")
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    ensure_ready(target, ADMIN)  # what the app's first start does: the bundled plan, nothing entered
    summary = restore.restore(target, info.path, ADMIN)
    assert summary.safety is not None and backup.verify_backup(summary.safety.path).tables["fiscal_years"].rows == 1
    assert _without_restore_entry(backup.canonical_rows(target)) == backup.canonical_rows(full_engine)
    target.dispose()


def test_an_archive_of_an_older_schema_is_upgraded_on_restore(db_url: str, tmp_path: Path) -> None:
    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    counts = fill_old_schema(old, "0003")
    info = backup.write_backup(old, tmp_path / "old.zip")
    assert info.manifest.revision == "0003"
    target = make_engine(db_url)
    restore.restore(target, info.path, ADMIN)
    assert current_revision(target) == head_revision()
    restored = table_counts(target)
    assert {k: restored[k] for k in counts if k != "audit_log"} == {k: v for k, v in counts.items() if k != "audit_log"}
    with target.connect() as conn:  # 0004 renamed the project texts: the values moved with them
        assert conn.execute(text("SELECT count(*) FROM projects WHERE previous_work <> ''")).scalar_one() > 0
    target.dispose()


def test_restore_is_all_or_nothing(full_engine: Engine, tmp_path: Path) -> None:
    info = backup.write_backup(full_engine, tmp_path / "kpi.zip")
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")

    def broken(*_args: Any) -> None:
        raise RuntimeError("the server went away in the middle")

    original = restore._reset_sequences
    restore._reset_sequences = broken  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError):
            restore.restore(target, info.path, ADMIN, safety=False)
    finally:
        restore._reset_sequences = original  # type: ignore[assignment]
    assert table_counts(target) == {}  # not one table, not one row
    target.dispose()


# ---------------------------------------------------------------- consistency while writing

WRITERS = 4


def test_a_backup_taken_while_four_writers_save_restores_consistent(full_engine: Engine, tmp_path: Path) -> None:
    """Each save writes an actual revision and its audit entry in one transaction: in a
    consistent snapshot both are there or neither (a table-by-table copy taken while writers
    save has audit entries without their revisions, or the other way round)."""
    stop = threading.Event()
    saved = [0] * WRITERS
    errors: list[BaseException] = []
    codes = ["01-online-procedures", "03-exemption-e-application-rate", "11-opendata-new-items", "15-new-dx-projects"]

    def save(session: Any, code: str, value: float) -> None:
        record_actuals(session, [ActualInput(code, "2026-10", value, "", "更新")], Actor("w", "admin"), TODAY)

    def writer(i: int) -> None:
        try:
            while not stop.is_set():
                with_retry(full_engine, save, codes[i], float(saved[i] % 50))
                saved[i] += 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for th in threads:
        th.start()
    try:
        while min(saved) < 3:
            time.sleep(0.05)
        during = sum(saved)
        info = backup.write_backup(full_engine, tmp_path / "busy.zip")
        while sum(saved) < during + 8:  # the writers kept saving around the backup
            time.sleep(0.05)
    finally:
        stop.set()
        for th in threads:
            th.join()
    assert not errors, errors
    target = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    restore.restore(target, info.path, ADMIN)
    with target.connect() as conn:
        revisions = set(
            conn.execute(
                text(
                    "SELECT i.code || ' ' || a.month, a.revision FROM actual_revisions a "
                    "JOIN indicators i ON i.id = a.indicator_id"
                )
            ).all()
        )
        audited = {(target_, detail) for target_, detail in conn.execute(
            text("SELECT target, detail FROM audit_log WHERE action = 'actual.save'")
        ).all()}  # fmt: skip
    import json

    logged = {(t, json.loads(d)["revision"]) for t, d in audited}
    assert logged == revisions
    assert len({r for r in revisions if r[0].endswith("2026-10")}) >= 3
    target.dispose()


# ---------------------------------------------------------------- a killed backup


def test_a_backup_killed_with_kill_9_leaves_no_archive_under_its_final_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'big.db'}"
    engine = make_engine(url)
    from kpi.store.db import upgrade

    upgrade(engine)
    with engine.begin() as conn:  # enough rows that the backup takes a while
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, target, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'x', 'y', :t, '{}')"
            ),
            [{"t": f"row {i} " + "あ" * 40} for i in range(200_000)],
        )
    engine.dispose()
    out = tmp_path / "out" / "kpi.zip"
    out.parent.mkdir()
    env = {**os.environ, "KPI_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "kpi", "backup", "--out", str(out)], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith("kpi.zip.partial-") for p in out.parent.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "the backup ended before it could be killed"
        time.sleep(0.01)
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir()] == [f"kpi.zip.partial-{proc.pid}"]
    done = subprocess.run([sys.executable, "-m", "kpi", "backup", "--out", str(out)], cwd=ROOT, env=env, check=False)
    assert done.returncode == 0 and backup.verify_backup(out).tables["audit_log"].rows == 200_000


# ---------------------------------------------------------------- one changed byte


def _flip(path: Path, offset: int) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    changed = path.with_name(f"changed-{offset}.zip")
    changed.write_bytes(bytes(data))
    return changed


def _data_offset(path: Path, member: str) -> tuple[int, int]:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    raw = path.read_bytes()
    start = info.header_offset
    name_len = int.from_bytes(raw[start + 26 : start + 28], "little")
    extra_len = int.from_bytes(raw[start + 28 : start + 30], "little")
    return start + 30 + name_len + extra_len, info.compress_size


def test_one_changed_byte_anywhere_is_refused(plan_engine: Engine, tmp_path: Path) -> None:
    good = backup.write_backup(plan_engine, tmp_path / "good.zip").path
    size = good.stat().st_size
    start, length = _data_offset(good, "tables/indicators.jsonl")
    manifest_start, _ = _data_offset(good, "manifest.json")
    places = {
        "a table": start + length // 2,
        "the manifest": manifest_start + 5,
        "a zip header": 10,  # the first entry's modification time: no content checksum covers it
        "the central directory": size - 100,
        "the seal": size - 3,
    }
    for where, offset in places.items():
        with pytest.raises(BackupError) as refused:
            backup.verify_backup(_flip(good, offset))
        if where == "a table":
            assert "indicators" in str(refused.value)
    assert backup.verify_backup(good).tables["indicators"].rows > 0


def test_restore_of_a_changed_archive_is_refused_and_the_target_unchanged(full_engine: Engine, tmp_path: Path) -> None:
    good = backup.write_backup(full_engine, tmp_path / "good.zip").path
    start, length = _data_offset(good, "tables/actual_revisions.jsonl")
    changed = _flip(good, start + length // 2)
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(BackupError, match="actual_revisions"):
        restore.restore(target, changed, ADMIN)
    assert table_counts(target) == {}
    target.dispose()


def test_a_backup_never_overwrites_a_file(plan_engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "kpi.zip"
    out.write_bytes(b"someone else's file")
    with pytest.raises(BackupError, match="すでにあります"):
        backup.write_backup(plan_engine, out)
    assert out.read_bytes() == b"someone else's file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kpi.zip")] == ["kpi.zip"]


def test_values_of_every_kind_survive_the_archive() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    for kind, value, aware in (
        ("datetime", datetime(2026, 4, 1, 9, 30, 0, 123456, tzinfo=UTC), True),
        ("date", date(2027, 3, 31), False),
        ("decimal", Decimal("1234567.891"), False),
        ("bytes", b"\x00\xffkey", False),
        ("float", 0.1 + 0.2, False),
        ("json", '{"b": 1, "a": [null, "日本"]}', False),
    ):
        assert backup._decode(kind, backup._encode(kind, value), aware) == value, kind
