"""計画管理's backups: the archive an administrator downloads (the same as ``python -m kpi
backup``), and the newest automatic and scheduled backups found in ``KPI_BACKUP_DIR``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.domain.permissions import Actor, require_admin
from kpi.store import backup
from kpi.store.audit import audit
from kpi.store.db import transaction

if TYPE_CHECKING:
    from sqlalchemy import Engine

STALE_AFTER = timedelta(days=7)  # the panel warns when no backup is newer than this


@dataclass(frozen=True)
class BackupFile:
    name: str
    at: datetime  # the file's modification time (UTC)
    size: int


@dataclass(frozen=True)
class BackupOverview:
    directory: Path
    automatic: BackupFile | None  # the newest safety copy (auto-…)
    scheduled: BackupFile | None  # the newest ``backup --dir`` archive (kpi-backup-…)
    stale: bool  # none of them newer than STALE_AFTER


def _newest(directory: Path, prefix: str) -> BackupFile | None:
    found = backup.archives(directory, prefix)
    if not found:
        return None
    stat = found[0].stat()
    return BackupFile(found[0].name, datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size)


def overview(now: datetime | None = None) -> BackupOverview:
    directory = backup.backup_dir()
    auto, scheduled = _newest(directory, backup.AUTO_PREFIX), _newest(directory, backup.SCHEDULED_PREFIX)
    now = now or datetime.now(UTC)
    fresh = [f for f in (auto, scheduled) if f is not None and now - f.at <= STALE_AFTER]
    return BackupOverview(directory, auto, scheduled, stale=not fresh)


def download(engine: Engine, actor: Actor) -> bytes:
    """The whole database as one verified archive, for an administrator; the download is audited
    (the archive holds the accounts' password hashes)."""
    require_admin(actor, "バックアップのダウンロード")
    data = backup.archive_bytes(engine)
    with transaction(engine, write=True) as session:
        audit(session, actor, "backup.download", size=len(data))
    return data


def download_name(now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{backup.SCHEDULED_PREFIX}{stamp}{backup.SUFFIX}"
