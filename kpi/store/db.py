"""Database engine, connection settings and schema migrations.

SQLite by default (a file under ``data/``); ``KPI_DATABASE_URL`` selects another database,
e.g. ``postgresql+psycopg://kpi:kpi@localhost/kpi``. The schema is managed by Alembic:
``upgrade`` brings any existing database to the latest revision without dropping data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kpi import PROJECT_ROOT
from kpi.store import text_guard  # noqa: F401  (every session refuses control characters in text)

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported by the functions that migrate: importing it is a third of the start-up
# of a read-only command such as `status` on a database that is already up to date.

DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_PLAN = DATA_DIR / "plan_r8.yaml"
DEFAULT_DB = DATA_DIR / "kpi.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Concurrent writers wait this long for the lock before failing. 30 s: in `benchmark --load 30`
# on a loaded 2-core machine 5 of 30 simultaneous sign-ins waited past 10 s and were refused.
SQLITE_BUSY_MS = 30_000


PLAN_FILE_ENV = "KPI_PLAN_FILE"


def plan_file() -> Path:
    """The plan loaded into an empty database: ``KPI_PLAN_FILE``, else the bundled R8 plan."""
    return Path(os.environ.get(PLAN_FILE_ENV) or DEFAULT_PLAN)


def database_url() -> str:
    return os.environ.get("KPI_DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.close()


def is_database_busy(exc: BaseException) -> bool:
    """True when ``exc`` says the database stayed locked by another writer past the busy
    timeout (SQLite: SQLITE_BUSY_MS), so the same save may simply be tried again later."""
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig)


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
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``; existing data is kept."""
    if revision == "head" and _stored_revision(engine) == _head_of_files() is not None:
        return  # already up to date: nothing for alembic to do
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Back to an older schema (tests build old databases holding data this way). Migrations
    down drop columns, so an automatic backup of the database is written first
    (kpi.store.backup.safety_copy, in KPI_BACKUP_DIR): a downgrade is never one call from loss."""
    from alembic import command

    from kpi.store.backup import safety_copy

    safety_copy(engine, "downgrade")

    command.downgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.*?)\s*(?:#.*)?$", re.MULTILINE)
_REVISION_ID = re.compile(r"""^(?:None|(["'])(\w+)\1)$""")


def _head_of_files() -> str | None:
    """The newest migration read from the migration files' revision lines (what alembic's
    head is, without importing alembic); None when they are not a plain chain of one head,
    and alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        ids = {key: _REVISION_ID.match(value) for key, value in found.items()}
        own, parent = ids.get("revision"), ids.get("down_revision")
        if own is None or not own.group(2) or parent is None:
            return None  # a merge (a tuple of parents) or anything unusual
        revisions.add(own.group(2))
        if parent.group(2):
            parents.add(parent.group(2))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _stored_revision(engine: Engine) -> str | None:
    """The database's single schema revision (alembic's version table), else None."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        stored = [str(v) for v in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()]
    return stored[0] if len(stored) == 1 else None


@contextmanager
def transaction(engine: Engine, write: bool = False) -> Iterator[Session]:
    """One Session per user action: commit on success, roll back on any error.

    ``write=True`` makes the check-then-write of a save atomic against other writers: on
    SQLite the transaction takes the database's write lock at its start (BEGIN IMMEDIATE),
    so a month lock cannot be committed between a save's lock check and its insert; on
    PostgreSQL the write functions lock the fiscal year's row (``kpi.store.locks.hold_year``).
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if write and engine.dialect.name == "sqlite":
            session.execute(text("BEGIN IMMEDIATE"))
        yield session
