"""Backups: one portable archive of everything the database holds, verified without a database,
restored all or nothing, and the move from one database (SQLite) to another (PostgreSQL).

The archive is a zip file, the same for SQLite and PostgreSQL:

- ``tables/<name>.jsonl``: one JSON array per row, in primary-key order, values in the
  manifest's column order; typed values are encoded reversibly (datetimes as UTC ISO text,
  dates ISO, decimals as text, bytes as base64, JSON columns as they are).
- ``manifest.json``: format, product version, Alembic revision, source dialect, time, and per
  table its columns (name and kind), row count and the SHA-256 of its ``.jsonl`` bytes.
- the zip comment: the SHA-256 of every byte before it, so that one changed byte anywhere
  (a table, the manifest, a zip header) is refused.

Restoring and copying to another database: kpi.store.restore.

A backup reads every table in one read transaction (SQLite: one deferred transaction, which
WAL keeps on one snapshot while others write; PostgreSQL: REPEATABLE READ, read only), reading
the tables the database has (reflected), so a database at an older revision backs up as it is.
It is written to ``FILE.partial-<pid>``, fsynced, then linked to its final name, which is never
overwritten: a killed backup leaves no file under the final name.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
import tomllib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Text,
    cast,
    select,
    text,
)

from kpi import PROJECT_ROOT
from kpi.store.db import DATA_DIR
from kpi.text.catalog import t

FORMAT = "kpi-backup/1"
MANIFEST = "manifest.json"
TABLE_DIR = "tables/"
VERSION_TABLE = "alembic_version"  # the schema revision: in the manifest, set by the migrations
DIGEST_LEN = 64  # hex SHA-256 of the file before it, as the zip comment
INSERT_BATCH = 1000

BACKUP_DIR_ENV = "KPI_BACKUP_DIR"
DEFAULT_BACKUP_DIR = DATA_DIR / "backups"
SAFETY_KEEP = 10  # automatic copies kept (the newest)
AUTO_PREFIX = "auto-"  # automatic safety copies: auto-<time>-<reason>.zip
SCHEDULED_PREFIX = "kpi-backup-"  # backup --dir: kpi-backup-<time>.zip
SUFFIX = ".zip"
_STAMP = "%Y%m%d-%H%M%S"


class BackupError(Exception):
    """A backup, verification or restore refused or failed; the message is Japanese and names
    the file or table. Nothing was written."""


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, kind)
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format: str
    product_version: str
    revision: str | None
    dialect: str
    created_at: str
    tables: dict[str, TableInfo] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(info.rows for info in self.tables.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "product_version": self.product_version,
            "revision": self.revision,
            "dialect": self.dialect,
            "created_at": self.created_at,
            "tables": {
                name: {"columns": [list(c) for c in info.columns], "rows": info.rows, "sha256": info.sha256}
                for name, info in sorted(self.tables.items())
            },
        }


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    manifest: Manifest


# ---------------------------------------------------------------- values


def _kind(column_type: Any) -> str:
    """How a column's values are written to the archive (the reflected type decides)."""
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, DateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, JSON):
        return "json"
    if isinstance(column_type, Integer):
        return "int"
    if isinstance(column_type, Float):
        return "float"
    if isinstance(column_type, Numeric):
        return "decimal"
    if isinstance(column_type, LargeBinary):
        return "bytes"
    return "str"


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        # Stored UTC: SQLite keeps the wall time without the offset, PostgreSQL the instant.
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return str(value.isoformat(timespec="microseconds"))
    if kind == "date":
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return value


def _decode(kind: str, value: Any, aware: bool) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if aware else parsed
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return value


def _line(values: list[Any]) -> bytes:
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


def product_version() -> str:
    """The version in pyproject.toml (the checkout's own), else "unknown"."""
    try:
        data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        return str(data["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# ---------------------------------------------------------------- reading a snapshot


def _begin_snapshot(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")  # deferred: the first read fixes the WAL snapshot
    else:
        conn.execute(text("SELECT 1"))  # begins the REPEATABLE READ transaction


def _snapshot_connection(engine: Engine) -> Connection:
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    _begin_snapshot(conn)
    return conn


def _reflect(conn: Connection) -> MetaData:
    meta = MetaData()
    meta.reflect(conn)
    return meta


def _revision(conn: Connection, meta: MetaData) -> str | None:
    if VERSION_TABLE not in meta.tables:
        return None
    versions = [str(v) for v in conn.execute(select(meta.tables[VERSION_TABLE].c.version_num)).scalars()]
    return versions[0] if len(versions) == 1 else None


def _ordered(table: Table) -> Any:
    """Every row in primary-key order; JSON columns as their stored text (JSON null and SQL
    NULL stay apart, and the key order is kept)."""
    keys = list(table.primary_key.columns) or list(table.columns)
    columns = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.columns]
    return select(*columns).order_by(*keys)


def _data_tables(meta: MetaData) -> list[Table]:
    return sorted((tb for name, tb in meta.tables.items() if name != VERSION_TABLE), key=lambda tb: tb.name)


def _write_archive(conn: Connection, fh: IO[bytes]) -> Manifest:
    meta = _reflect(conn)
    tables: dict[str, TableInfo] = {}
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for table in _data_tables(meta):
            columns = tuple((c.name, _kind(c.type)) for c in table.columns)
            digest, rows = hashlib.sha256(), 0
            with zf.open(f"{TABLE_DIR}{table.name}.jsonl", "w", force_zip64=True) as out:
                result = conn.execution_options(yield_per=2000).execute(_ordered(table))
                for row in result:
                    line = _line([_encode(kind, value) for (_name, kind), value in zip(columns, row, strict=True)])
                    digest.update(line)
                    out.write(line)
                    rows += 1
            tables[table.name] = TableInfo(table.name, columns, rows, digest.hexdigest())
        manifest = Manifest(
            FORMAT,
            product_version(),
            _revision(conn, meta),
            conn.dialect.name,
            datetime.now(UTC).isoformat(timespec="seconds"),
            tables,
        )
        zf.writestr(MANIFEST, json.dumps(manifest.to_json(), ensure_ascii=False, indent=1))
        zf.comment = b"0" * DIGEST_LEN  # replaced by the digest of every byte before it
    return manifest


def canonical_rows(engine: Engine) -> dict[str, list[list[Any]]]:
    """Every table's rows as the archive writes them (one snapshot): two databases of either
    kind hold the same content exactly when these are equal."""
    conn = _snapshot_connection(engine)
    try:
        out = {}
        for table in _data_tables(_reflect(conn)):
            kinds = [_kind(c.type) for c in table.columns]
            out[table.name] = [
                [_encode(k, v) for k, v in zip(kinds, row, strict=True)] for row in conn.execute(_ordered(table))
            ]
        return out
    finally:
        conn.rollback()
        conn.close()


def _seal(path: Path) -> None:
    """Write the SHA-256 of the file's bytes before the zip comment into the comment."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    with path.open("r+b") as fh:
        remaining = size - DIGEST_LEN
        while remaining > 0:
            chunk = fh.read(min(1 << 20, remaining))
            digest.update(chunk)
            remaining -= len(chunk)
        fh.seek(size - DIGEST_LEN)
        fh.write(digest.hexdigest().encode("ascii"))
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(partial: Path, out: Path) -> None:
    """Give the finished file its final name; never replaces a file (FileExistsError)."""
    try:
        os.link(partial, out)  # fails if ``out`` exists: no race with another writer
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: rename after the check
        if out.exists():
            raise FileExistsError(out) from None
        os.rename(partial, out)
    else:
        partial.unlink()
    _fsync_dir(out.parent)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def write_backup(engine: Engine, out: str | Path) -> BackupInfo:
    """Write a backup of the database to ``out`` (refused when it exists)."""
    out = Path(out)
    if out.exists():
        raise BackupError(t("backup_exists").format(path=out))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f"{out.name}.partial-{os.getpid()}")
    try:
        with partial.open("xb") as fh:
            conn = _snapshot_connection(engine)
            try:
                manifest = _write_archive(conn, fh)
            finally:
                conn.rollback()
                conn.close()
            fh.flush()
            os.fsync(fh.fileno())
        _seal(partial)
        _publish(partial, out)
    except FileExistsError:
        partial.unlink(missing_ok=True)
        raise BackupError(t("backup_exists").format(path=out)) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(t("backup_write_failed").format(path=out, reason=_os_reason(exc))) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(out, out.stat().st_size, manifest)


# ---------------------------------------------------------------- directories of backups


def backup_dir() -> Path:
    """Where automatic safety copies go (and the app looks for backups): ``KPI_BACKUP_DIR``."""
    return Path(os.environ.get(BACKUP_DIR_ENV) or DEFAULT_BACKUP_DIR)


def _stamped(directory: Path, prefix: str, tail: str = "") -> Path:
    stamp = datetime.now().strftime(_STAMP)
    path = directory / f"{prefix}{stamp}{tail}{SUFFIX}"
    n = 2
    while path.exists():  # two in the same second: never overwrite
        path = directory / f"{prefix}{stamp}{tail}-{n}{SUFFIX}"
        n += 1
    return path


def archives(directory: Path, prefix: str) -> list[Path]:
    """The finished archives of one kind in ``directory``, newest first (by name: the time)."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.glob(f"{prefix}*{SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


PARTIAL_MAX_AGE_S = 86_400  # a partial file this old belongs to a backup that was killed


def prune(directory: Path, prefix: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives of one kind, and the partial files that
    killed backups left (older than a day); the deleted archives."""
    old = archives(directory, prefix)[max(keep, 0) :]
    for path in old:
        path.unlink(missing_ok=True)
    cutoff = datetime.now().timestamp() - PARTIAL_MAX_AGE_S
    for partial in directory.glob(f"{prefix}*{SUFFIX}.partial-*"):
        if partial.stat().st_mtime < cutoff:
            partial.unlink(missing_ok=True)
    return old


def backup_to_dir(engine: Engine, directory: str | Path, keep: int | None = None) -> tuple[BackupInfo, list[Path]]:
    """``backup --dir DIR --keep N``: a new archive named by date and time, then the newest N kept."""
    directory = Path(directory)
    info = write_backup(engine, _stamped(directory, SCHEDULED_PREFIX))
    removed = prune(directory, SCHEDULED_PREFIX, keep) if keep is not None else []
    return info, removed


def safety_copy(engine: Engine, reason: str) -> BackupInfo:
    """The automatic backup before anything that deletes rows, in ``KPI_BACKUP_DIR`` (newest 10 kept)."""
    directory = backup_dir()
    tail = "-" + re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") if reason else ""
    info = write_backup(engine, _stamped(directory, AUTO_PREFIX, tail))
    prune(directory, AUTO_PREFIX, SAFETY_KEEP)
    return info


# ---------------------------------------------------------------- verifying


def _check_seal(path: Path) -> None:
    size = path.stat().st_size
    if size <= DIGEST_LEN:
        raise BackupError(t("backup_not_archive").format(path=path, reason="too short"))
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        remaining = size - DIGEST_LEN
        while remaining > 0:
            chunk = fh.read(min(1 << 20, remaining))
            digest.update(chunk)
            remaining -= len(chunk)
        sealed = fh.read(DIGEST_LEN)
    if sealed != digest.hexdigest().encode("ascii"):
        raise BackupError(t("backup_file_changed").format(path=path))


def _manifest_of(path: Path, raw: dict[str, Any]) -> Manifest:
    try:
        if raw["format"] != FORMAT:
            raise ValueError(f"format {raw['format']!r}")
        tables = {
            name: TableInfo(
                name, tuple((str(c), str(k)) for c, k in info["columns"]), int(info["rows"]), str(info["sha256"])
            )
            for name, info in raw["tables"].items()
        }
        return Manifest(
            FORMAT,
            str(raw["product_version"]),
            raw["revision"],
            str(raw["dialect"]),
            str(raw["created_at"]),
            tables,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(t("backup_bad_manifest").format(path=path, reason=exc)) from exc


def _table_lines(zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    with zf.open(f"{TABLE_DIR}{name}.jsonl") as fh:
        yield from fh


def verify_backup(path: str | Path) -> Manifest:
    """Check the manifest and every table's row count and checksum, then the whole file's
    checksum; no database needed. Raises BackupError naming the table that differs."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(t("backup_not_archive").format(path=path, reason=exc)) from exc
    with zf:
        try:
            raw = json.loads(zf.read(MANIFEST).decode("utf-8"))
        except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, OSError) as exc:
            raise BackupError(t("backup_bad_manifest").format(path=path, reason=exc)) from exc
        if not isinstance(raw, dict):
            raise BackupError(t("backup_bad_manifest").format(path=path, reason="not an object"))
        manifest = _manifest_of(path, raw)
        entries = {n[len(TABLE_DIR) : -len(".jsonl")] for n in zf.namelist() if n.startswith(TABLE_DIR)}
        for extra in sorted(entries - manifest.tables.keys()):
            raise BackupError(t("backup_table_damaged").format(path=path, table=extra, reason="not in the manifest"))
        for name, info in sorted(manifest.tables.items()):
            if name not in entries:
                raise BackupError(t("backup_table_damaged").format(path=path, table=name, reason="missing"))
            digest, rows = hashlib.sha256(), 0
            try:
                for line in _table_lines(zf, name):
                    digest.update(line)
                    rows += 1
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                raise BackupError(t("backup_table_damaged").format(path=path, table=name, reason=exc)) from exc
            if rows != info.rows:
                reason = f"{rows} rows, manifest {info.rows}"
                raise BackupError(t("backup_table_damaged").format(path=path, table=name, reason=reason))
            if digest.hexdigest() != info.sha256:
                raise BackupError(t("backup_table_damaged").format(path=path, table=name, reason="SHA-256"))
    _check_seal(path)
    return manifest


def archive_bytes(engine: Engine) -> bytes:
    """A backup as bytes (the app's download): written, verified and read from a temporary file."""
    with tempfile.TemporaryDirectory(prefix="kpi-backup-") as tmp:
        info = write_backup(engine, Path(tmp) / "backup.zip")
        verify_backup(info.path)
        return info.path.read_bytes()
