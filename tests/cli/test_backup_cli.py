"""``python -m kpi backup | verify-backup | restore | copy-database`` and the safety copies that
import-plan --replace and demo --clear write first."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from kpi.cli.main import main
from kpi.store import backup
from kpi.store.db import DEFAULT_PLAN, make_engine
from kpi.store.writes import with_retry
from tests.conftest import ADMIN, TODAY
from tests.full_database import fill_every_table, postgres_sibling, statuses, table_counts


@pytest.fixture
def full_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite file with rows in every table, as KPI_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    engine = make_engine(url)
    fill_every_table(engine, tmp_path)
    engine.dispose()
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    return url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_copy_database_moves_sqlite_to_postgresql_and_prints_both_counts(
    full_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], backups_elsewhere: Path
) -> None:
    target_url = postgres_sibling()
    source = make_engine(full_url)
    before_rows = backup.canonical_rows(source)
    before = statuses(monkeypatch, capsys, full_url)
    code, out, err = _run(capsys, "copy-database", "--to", target_url)
    assert code == 0, err
    lines = dict(line.split("\t", 1) for line in out.splitlines() if line.count("\t") == 2)
    counts = table_counts(source)
    for name, n in counts.items():
        if name != "alembic_version":
            assert lines[name] == f"{n}\t{n + (name == 'audit_log')}", name
    target = make_engine(target_url)
    after_rows = backup.canonical_rows(target)
    assert after_rows["audit_log"][-1][3] == "database.restore"
    assert {**after_rows, "audit_log": after_rows["audit_log"][:-1]} == before_rows
    assert statuses(monkeypatch, capsys, target_url) == before
    assert backup.canonical_rows(source) == before_rows  # the source is as it was
    assert any(p.name.endswith("-copy-database.zip") for p in backups_elsewhere.iterdir())

    from kpi.services.actuals import ActualInput, record_actuals

    def save(session: object) -> object:
        return record_actuals(session, [ActualInput("15-new-dx-projects", "2026-10", 3, "")], ADMIN, TODAY)  # type: ignore[arg-type]

    assert with_retry(target, save).saved
    # A second copy into the now filled database is refused, and changes nothing there.
    monkeypatch.setenv("KPI_DATABASE_URL", full_url)
    code, _out, err = _run(capsys, "copy-database", "--to", target_url)
    assert code == 1 and "空ではありません" in err
    source.dispose()
    target.dispose()


def test_backup_verify_and_restore_on_the_command_line(
    full_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "kpi.zip"
    code, out, err = _run(capsys, "backup", "--out", str(archive))
    assert code == 0 and "バックアップを書き出しました" in out, err
    code, out, _ = _run(capsys, "backup", "--out", str(archive))
    assert code == 1
    code, out, err = _run(capsys, "verify-backup", str(archive))
    assert code == 0 and "正常です" in out and "audit_log" in out

    data = bytearray(archive.read_bytes())
    with __import__("zipfile").ZipFile(archive) as zf:
        info = zf.getinfo("tables/users.jsonl")
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2] ^= 0x20
    changed = tmp_path / "changed.zip"
    changed.write_bytes(bytes(data))
    code, _out, err = _run(capsys, "verify-backup", str(changed))
    assert code == 1 and "users" in err

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    monkeypatch.setenv("KPI_DATABASE_URL", target)
    code, _out, err = _run(capsys, "restore", str(changed))
    assert code == 1 and "users" in err
    assert table_counts(make_engine(target)) == {}
    code, out, err = _run(capsys, "restore", str(archive))
    assert code == 0 and "復元しました" in out, err
    code, _out, err = _run(capsys, "restore", str(archive))
    assert code == 1 and "空ではありません" in err


def test_backup_dir_names_by_time_and_keeps_the_newest(
    full_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = tmp_path / "scheduled"
    made = []
    for _ in range(3):
        code, out, err = _run(capsys, "backup", "--dir", str(where), "--keep", "2")
        assert code == 0, err
        made.append(out.split(":")[0])
    kept = sorted(p.name for p in where.iterdir())
    assert len(kept) == 2 and all(n.startswith("kpi-backup-") and n.endswith(".zip") for n in kept)
    assert Path(made[0]).name not in kept and Path(made[2]).name in kept
    assert "削除しました" in out
    code, _out, err = _run(capsys, "backup", "--out", str(tmp_path / "x.zip"), "--keep", "2")
    assert code == 1 and "--keep" in err


def test_demo_clear_and_import_plan_replace_write_a_safety_copy_first(
    app_env: str, capsys: pytest.CaptureFixture[str], backups_elsewhere: Path
) -> None:
    assert main(["init"]) == 0
    code, out, err = _run(capsys, "import-plan", str(DEFAULT_PLAN), "--replace")
    assert code == 0, err
    replaced = list(backups_elsewhere.glob("auto-*-replace-plan.zip"))
    assert len(replaced) == 1 and str(replaced[0]) in out
    assert backup.verify_backup(replaced[0]).tables["fiscal_years"].rows == 1  # the plan before the replace

    assert main(["demo"]) == 0
    code, out, err = _run(capsys, "demo", "--clear")
    assert code == 0, err
    copies = list(backups_elsewhere.glob("auto-*-demo-clear.zip"))
    assert len(copies) == 1 and str(copies[0]) in out
    assert backup.verify_backup(copies[0]).tables["actual_revisions"].rows > 0  # the sample rows, before


def test_safety_copies_keep_the_newest_ten(plan_engine: Engine, backups_elsewhere: Path) -> None:
    for _ in range(12):
        backup.safety_copy(plan_engine, "test")
    assert len(list(backups_elsewhere.glob("auto-*.zip"))) == backup.SAFETY_KEEP


def test_a_downgrade_writes_a_safety_copy_first(plan_engine: Engine, backups_elsewhere: Path) -> None:
    from kpi.store.db import downgrade, head_revision

    downgrade(plan_engine, "0005_indicator_targets")
    (copy,) = backups_elsewhere.glob("auto-*-downgrade.zip")
    manifest = backup.verify_backup(copy)  # the database before the columns were dropped
    assert manifest.revision == head_revision() and manifest.tables["indicators"].rows == 11


def test_import_plan_that_removes_an_indicator_writes_a_safety_copy_and_one_that_does_not_writes_none(
    app_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], backups_elsewhere: Path
) -> None:
    import yaml

    assert main(["init"]) == 0
    code, out, _ = _run(capsys, "import-plan", str(DEFAULT_PLAN))
    assert code == 0 and not list(backups_elsewhere.iterdir())  # nothing removed: no copy
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["indicators"] = [i for i in raw["indicators"] if i["id"] != "21-security-incidents"]
    edited = tmp_path / "plan.yaml"
    edited.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    code, out, err = _run(capsys, "import-plan", str(edited))
    assert code == 0 and "削除 1" in out, err
    (copy,) = backups_elsewhere.glob("auto-*-import-plan.zip")
    assert str(copy) in out
    assert backup.verify_backup(copy).tables["indicators"].rows == len(raw["indicators"]) + 1


def test_backup_dir_removes_the_partial_files_of_killed_backups_after_a_day(
    full_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import time

    where = tmp_path / "scheduled"
    where.mkdir()
    old, recent = where / "kpi-backup-20261101-021500.zip.partial-4242", where / "kpi-backup-x.zip.partial-4343"
    for p in (old, recent):
        p.write_bytes(b"half")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    code, _out, err = _run(capsys, "backup", "--dir", str(where), "--keep", "3")
    assert code == 0, err
    assert not old.exists() and recent.exists()  # a backup running right now keeps its file


def test_import_actuals_on_a_locked_database_still_says_busy_and_exits_1(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """with_retry turns a locked database into a StorageFault: the command keeps its own message."""
    import sqlite3

    from kpi.store import db

    assert main(["init"]) == 0
    monkeypatch.setattr(db, "SQLITE_BUSY_MS", 100)
    csv = tmp_path / "actuals.csv"
    csv.write_text("indicator_id,month,value,note,reason\n15-new-dx-projects,2026-10,3,月末,\n", encoding="utf-8")
    holder = sqlite3.connect(app_env.split("///", 1)[1])
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        code, _out, err = _run(capsys, "import-actuals", str(csv))
    finally:
        holder.rollback()
        holder.close()
    assert code == 1 and "他の保存が続いているため取り込めませんでした" in err
    code, out, err = _run(capsys, "import-actuals", str(csv))
    assert code == 0 and "1件を保存しました" in out, err
