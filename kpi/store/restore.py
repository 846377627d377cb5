"""Restoring a backup (kpi.store.backup's archive) into an empty or freshly initialised
database, all or nothing, and copying one database into another (SQLite → PostgreSQL).

One transaction holds everything: the check that the target is empty, the Alembic migrations
to the archive's revision (kpi/store/migrations/env.py runs them on the given connection),
the rows, the migrations on to the newest revision, PostgreSQL's sequences and the audit entry.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    MetaData,
    Text,
    TypeDecorator,
    cast,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session

from kpi.domain.permissions import Actor
from kpi.store.backup import (
    AUTO_PREFIX,
    INSERT_BATCH,
    SAFETY_KEEP,
    VERSION_TABLE,
    BackupError,
    BackupInfo,
    Manifest,
    _data_tables,
    _decode,
    _reflect,
    _revision,
    _stamped,
    _table_lines,
    backup_dir,
    prune,
    safety_copy,
    verify_backup,
    write_backup,
)
from kpi.store.db import MIGRATIONS
from kpi.text.catalog import t


def _known_revisions() -> list[str]:
    """Every migration, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return [s.revision for s in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def _migrate(conn: Connection, revision: str, down: bool = False) -> None:
    """Alembic inside the caller's transaction (kpi/store/migrations/env.py takes the connection)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    (command.downgrade if down else command.upgrade)(cfg, revision)


def _counts(conn: Connection, meta: MetaData) -> dict[str, int]:
    return {tb.name: int(conn.execute(select(func.count()).select_from(tb)).scalar_one()) for tb in _data_tables(meta)}


def _prepare_target(conn: Connection, revisions: list[str]) -> None:
    """Refuse a target that holds data; empty a freshly initialised one (only the plans that
    ``init`` or the app's start loaded, nothing entered)."""
    from kpi.store.bootstrap import data_held

    meta = _reflect(conn)
    counts = _counts(conn, meta)
    held_tables = {name: n for name, n in counts.items() if n}
    if not held_tables:
        return
    current = _revision(conn, meta)
    with Session(bind=conn) as session:
        held = (
            data_held(session)
            if revisions and current == revisions[-1]
            else [f"{k} {v}" for k, v in held_tables.items()]
        )
    if held:
        raise BackupError(t("backup_target_not_empty").format(held="、".join(held)))
    for table in reversed(meta.sorted_tables):
        if table.name != VERSION_TABLE:
            conn.execute(delete(table))


def _schema_to(conn: Connection, revision: str | None, revisions: list[str]) -> None:
    """Bring the (empty) target to the archive's revision."""
    current = _revision(conn, _reflect(conn))
    if revision is None or current == revision:
        return
    if current is None or revisions.index(current) < revisions.index(revision):
        _migrate(conn, revision)
    else:  # a target initialised by a newer version: its tables are empty, nothing is lost
        _migrate(conn, revision, down=True)


def _load(conn: Connection, zf: zipfile.ZipFile, manifest: Manifest, path: Path) -> None:
    meta = _reflect(conn)
    present = {tb.name for tb in _data_tables(meta)}
    for name in sorted(present ^ manifest.tables.keys()):
        raise BackupError(t("backup_schema_mismatch").format(path=path, table=name, revision=manifest.revision))
    for table in meta.sorted_tables:
        if table.name == VERSION_TABLE:
            continue
        info = manifest.tables[table.name]
        if {c for c, _k in info.columns} != {c.name for c in table.columns}:
            raise BackupError(
                t("backup_schema_mismatch").format(path=path, table=table.name, revision=manifest.revision)
            )
        for column in table.columns:
            if isinstance(column.type, JSON):  # the archive holds the JSON text exactly as stored
                column.type = _PGJSONText() if conn.dialect.name == "postgresql" else Text()
        sqlite = conn.dialect.name == "sqlite"
        aware = {c.name: sqlite or bool(getattr(c.type, "timezone", False)) for c in table.columns}
        batch: list[dict[str, Any]] = []
        for line in _table_lines(zf, table.name):
            values = json.loads(line)
            batch.append({c: _decode(k, v, aware[c]) for (c, k), v in zip(info.columns, values, strict=True)})
            if len(batch) >= INSERT_BATCH:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)


class _PGJSONText(TypeDecorator[str]):
    """JSON text bound as text and cast to json by PostgreSQL (stored as it was written)."""

    impl = Text
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return cast(bindvalue, JSON)


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: every serial column's sequence past the restored ids (the next save works)."""
    if conn.dialect.name != "postgresql":
        return
    insp = inspect(conn)
    for name in insp.get_table_names():
        for column in insp.get_pk_constraint(name).get("constrained_columns", []):
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column}).scalar()
            if seq:
                conn.execute(
                    text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column}") FROM "{name}"), 0) + 1, false)'),
                    {"s": seq},
                )


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    manifest: Manifest
    revision: str | None  # the target's revision afterwards (the newest)
    counts: dict[str, int]  # rows per table in the target afterwards
    safety: BackupInfo | None


def restore(engine: Engine, path: str | Path, actor: Actor, safety: bool = True) -> RestoreSummary:
    """Restore ``path`` into the (empty or freshly initialised) database of ``engine``, in one
    transaction: verify, prepare the schema at the archive's revision, load every table,
    upgrade to the newest revision, move PostgreSQL's sequences on, and audit the restore."""
    from kpi.store.audit import audit

    path = Path(path)
    manifest = verify_backup(path)
    revisions = _known_revisions()
    if manifest.revision is not None and manifest.revision not in revisions:
        raise BackupError(t("backup_newer_schema").format(path=path, revision=manifest.revision))
    copy = None
    with engine.connect() as conn:
        has_tables = bool(inspect(conn).get_table_names())
        conn.rollback()
    if safety and has_tables:
        copy = safety_copy(engine, "restore")
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # DDL too inside the one transaction
        try:
            _prepare_target(conn, revisions)
            _schema_to(conn, manifest.revision, revisions)
            with zipfile.ZipFile(path) as zf:
                _load(conn, zf, manifest, path)
            if manifest.revision != revisions[-1]:
                _migrate(conn, revisions[-1])
            _reset_sequences(conn)
            with Session(bind=conn) as session:
                audit(
                    session,
                    actor,
                    "database.restore",
                    path.name,
                    revision=manifest.revision,
                    created_at=manifest.created_at,
                    rows=manifest.rows,
                    source_dialect=manifest.dialect,
                )
                session.flush()
            counts = _counts(conn, _reflect(conn))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    return RestoreSummary(path, manifest, revisions[-1], counts, copy)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table (alembic's version table left out)."""
    with engine.connect() as conn:
        counts = _counts(conn, _reflect(conn))
        conn.rollback()
    return counts


def same_database(a: Engine, b: Engine) -> bool:
    return a.url.render_as_string(hide_password=True) == b.url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class CopySummary:
    archive: BackupInfo
    restored: RestoreSummary


def copy_database(source: Engine, target: Engine, actor: Actor) -> CopySummary:
    """Everything of ``source`` into the empty ``target``: a backup (kept as an automatic copy in
    ``KPI_BACKUP_DIR``), verified, then restored with the same checks as ``restore``."""
    if same_database(source, target):
        raise BackupError(t("backup_same_database"))
    directory = backup_dir()
    archive = write_backup(source, _stamped(directory, AUTO_PREFIX, "-copy-database"))
    prune(directory, AUTO_PREFIX, SAFETY_KEEP + 1)  # this one counts beside the ten
    restored = restore(target, archive.path, actor)
    return CopySummary(archive, restored)
