"""計画管理's backups: the download is the same verified archive as ``python -m kpi backup`` (and
audited), the newest automatic and scheduled backups are listed, a warning after 7 days."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kpi.domain.permissions import Actor, PermissionDenied
from kpi.services import backup as backups
from kpi.store import backup
from kpi.store.audit import audit_frame
from kpi.store.db import transaction
from tests.conftest import ADMIN
from tests.web.test_pages_entry import ADMIN_PAGE, _page

BOSS = Actor("boss", "admin")


def test_the_download_is_a_verified_archive_and_is_audited(plan_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        backups.download(plan_engine, Actor("shimin", "editor", ("市民課",)))
    data = backups.download(plan_engine, ADMIN)
    archive = tmp_path / "download.zip"
    archive.write_bytes(data)
    manifest = backup.verify_backup(archive)
    assert manifest.tables["indicators"].rows == 11
    with transaction(plan_engine) as s:
        log = audit_frame(s)
    assert log.iloc[0]["action"] == "backup.download" and log.iloc[0]["actor"] == ADMIN.username


def test_overview_finds_the_newest_of_each_kind_and_is_stale_after_seven_days(
    plan_engine: Engine, backups_elsewhere: Path
) -> None:
    assert backups.overview().stale and backups.overview().automatic is None
    backup.backup_to_dir(plan_engine, backups_elsewhere, keep=30)
    copy = backup.safety_copy(plan_engine, "demo-clear")
    seen = backups.overview()
    assert not seen.stale and seen.automatic is not None and seen.automatic.name == copy.path.name
    assert seen.scheduled is not None and seen.scheduled.name.startswith("kpi-backup-")
    assert backups.overview(datetime.now(UTC) + timedelta(days=8)).stale
    old = time.time() - 8 * 86400
    for p in backups_elsewhere.iterdir():
        os.utime(p, (old, old))
    assert backups.overview().stale


def test_the_admin_page_shows_the_download_the_backups_and_the_warning(app_env: str, backups_elsewhere: Path) -> None:
    from kpi.store.bootstrap import import_plan
    from kpi.store.db import DEFAULT_PLAN, make_engine

    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    at = _page(ADMIN_PAGE, BOSS)
    assert not at.exception
    assert any("7日以内のバックアップ" in w.value for w in at.warning)
    assert any(b.label == "バックアップをダウンロード" for b in at.get("download_button"))
    backup.backup_to_dir(engine, backups_elsewhere, keep=30)
    at = _page(ADMIN_PAGE, BOSS)
    assert not any("7日以内のバックアップ" in w.value for w in at.warning)
    frames = [df.value for df in at.dataframe]
    assert any(f["ファイル"].str.startswith("kpi-backup-").any() for f in frames if "ファイル" in f)
    engine.dispose()
