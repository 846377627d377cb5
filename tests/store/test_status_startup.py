"""`python -m kpi status` starts without what it does not use (issue 12: at most 2 s at L,
start-up included): no write path, no chart or report library, and no alembic when the
database is already at the newest migration. The schema is still upgraded when it is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kpi.store.db
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, current_revision, downgrade, head_revision, make_engine, upgrade
from tests.conftest import ADMIN, ROOT


def test_the_newest_migration_read_from_the_files_is_alembics_head() -> None:
    assert kpi.store.db._head_of_files() == head_revision() is not None


def test_upgrade_at_head_leaves_alembic_alone_and_an_older_schema_is_still_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alembic.command

    engine = make_engine(f"sqlite:///{tmp_path / 'kpi.db'}")
    upgrade(engine)  # an empty database: created by alembic
    assert current_revision(engine) == head_revision()

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("alembic ran on a database already at head")

    with monkeypatch.context() as m:
        m.setattr(alembic.command, "upgrade", refused)
        upgrade(engine)
    downgrade(engine, "0005_indicator_targets")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_merge_or_an_unusual_migration_file_lets_alembic_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text('revision: str = "a"\ndown_revision: str | None = None\n', encoding="utf-8")
    (versions / "b.py").write_text('revision = "b"\ndown_revision = "a"  # after a\n', encoding="utf-8")
    monkeypatch.setattr(kpi.store.db, "MIGRATIONS", tmp_path)
    assert kpi.store.db._head_of_files() == "b"
    (versions / "c.py").write_text('revision = "c"\ndown_revision = "a"\n', encoding="utf-8")
    assert kpi.store.db._head_of_files() is None  # two heads
    (versions / "c.py").write_text('revision = "c"\ndown_revision = ("a", "b")\n', encoding="utf-8")
    assert kpi.store.db._head_of_files() is None  # a merge


def test_status_imports_no_write_path_chart_report_or_migration_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    engine.dispose()
    probe = (
        "import os, sys, runpy\n"
        f"os.environ['KPI_DATABASE_URL'] = {url!r}\n"
        "sys.argv = ['python -m kpi', 'status', '--fiscal-year', '2026', '--as-of', '2026-10']\n"
        "try:\n"
        "    runpy.run_module('kpi', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = ('alembic', 'plotly', 'openpyxl', 'reportlab', 'streamlit', 'kpi.services.actuals',\n"
        "         'kpi.store.bootstrap', 'kpi.services.demo', 'kpi.services.actuals_files', 'kpi.store.writes',\n"
        "         'kpi.store.locks', 'kpi.store.planfile', 'kpi.store.planfile_read', 'pydantic', 'yaml',\n"
        "         'kpi.cli.plan', 'kpi.cli.actuals', 'kpi.cli.demo', 'kpi.cli.users')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout[-2000:] + out.stderr
    assert "オンライン" in out.stdout  # the table was printed
