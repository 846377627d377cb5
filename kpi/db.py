"""Database engine, connection settings and schema migrations.

SQLite by default (a file under ``data/``); ``KPI_DATABASE_URL`` selects another database,
e.g. ``postgresql+psycopg://kpi:kpi@localhost/kpi``. The schema is managed by Alembic:
``upgrade`` brings any existing database to the latest revision without dropping data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_PLAN = DATA_DIR / "plan_r8.yaml"
DEFAULT_DB = DATA_DIR / "kpi.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 10_000  # concurrent writers wait this long for the lock before failing


def database_url() -> str:
    return os.environ.get("KPI_DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``; existing data is kept."""
    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Back to an older schema (tests build old databases holding data this way)."""
    command.downgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


@contextmanager
def transaction(engine: Engine, write: bool = False) -> Iterator[Session]:
    """One Session per user action: commit on success, roll back on any error.

    ``write=True`` makes the check-then-write of a save atomic against other writers: on
    SQLite the transaction takes the database's write lock at its start (BEGIN IMMEDIATE),
    so a month lock cannot be committed between a save's lock check and its insert; on
    PostgreSQL the write functions lock the fiscal year's row (``kpi.locks.hold_year``).
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if write and engine.dialect.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE"))
        yield session
