"""A new municipality can start either way: KPI_PLAN_FILE on an empty database, or
``import-plan FILE --replace`` over a database holding only the untouched bundled plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from kpi.cli.main import main
from kpi.domain.permissions import Actor
from kpi.services.demo import load_demo
from kpi.store.accounts import add_user
from kpi.store.bootstrap import ensure_ready, import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.models import AuditEntry, FiscalYear
from kpi.store.planfile import PlanError
from kpi.store.reads import fiscal_years
from tests.store.test_plan_format import _readme_example

ADMIN = Actor("test-admin", "admin")
TODAY = date(2026, 11, 24)


def other_plan(tmp_path: Path) -> Path:
    """Another municipality's plan (fictional): the README example under another name."""
    text = _readme_example().replace("草津市", "架空市（テスト用・実在しません）", 2)
    path = tmp_path / "other.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _municipalities(engine: Engine) -> list[str]:
    with transaction(engine) as s:
        return [fy.municipality for fy in fiscal_years(s)]


def test_empty_database_loads_the_plan_named_by_kpi_plan_file(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPI_PLAN_FILE", str(other_plan(tmp_path)))
    ensure_ready(engine, ADMIN)
    assert _municipalities(engine) == ["架空市（テスト用・実在しません）"]
    ensure_ready(engine, ADMIN)  # a second start loads nothing more
    assert _municipalities(engine) == ["架空市（テスト用・実在しません）"]


def test_without_kpi_plan_file_the_bundled_plan_is_loaded(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KPI_PLAN_FILE", raising=False)
    ensure_ready(sqlite_engine, ADMIN)
    assert _municipalities(sqlite_engine) == ["草津市"]


def test_replace_an_untouched_bundled_plan(engine: Engine, tmp_path: Path) -> None:
    ensure_ready(engine, ADMIN, DEFAULT_PLAN)
    other = other_plan(tmp_path)
    with pytest.raises(PlanError, match="--replace"):  # without --replace: refused, with the way out
        import_plan(engine, other, ADMIN)
    import_plan(engine, other, ADMIN, replace=True)
    assert _municipalities(engine) == ["架空市（テスト用・実在しません）"]
    with transaction(engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "plan.replace")).one()
        assert entry.actor == "test-admin" and entry.detail["replaced"] == ["草津市 令和8年度"]
        assert entry.detail["municipality"] == "架空市（テスト用・実在しません）"
        assert len(s.scalars(select(FiscalYear)).all()) == 1


def _with_actuals(engine: Engine) -> None:
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)


def _with_account(engine: Engine) -> None:
    with transaction(engine) as s:
        add_user(s, ADMIN, "shimin", "correct-horse-battery", "editor", ["市民課"])


def _with_edit(engine: Engine) -> None:
    ensure_ready(engine, ADMIN, DEFAULT_PLAN)
    path = Path(DEFAULT_PLAN).read_text(encoding="utf-8").replace("target: 89", "target: 90", 1)
    edited = Path(str(engine.url.database)).with_name("edited.yaml") if engine.url.database else None
    assert edited is not None
    edited.write_text(path, encoding="utf-8")
    import_plan(engine, edited, ADMIN)


@pytest.mark.parametrize(
    ("add", "word"), [(_with_actuals, "実績"), (_with_account, "アカウント"), (_with_edit, "計画の再読み込み")]
)
def test_replace_is_refused_when_the_database_holds_data(sqlite_engine: Engine, tmp_path: Path, add, word) -> None:
    ensure_ready(sqlite_engine, ADMIN, DEFAULT_PLAN)
    add(sqlite_engine)
    with pytest.raises(PlanError) as exc:
        import_plan(sqlite_engine, other_plan(tmp_path), ADMIN, replace=True)
    assert word in str(exc.value) and "置き換えられません" in str(exc.value)
    assert _municipalities(sqlite_engine) == ["草津市"]


def test_cli_import_plan_replace(app_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    assert main(["import-plan", str(other_plan(tmp_path))]) == 1
    assert main(["import-plan", str(other_plan(tmp_path)), "--replace"]) == 0
    engine = make_engine(app_env)
    assert _municipalities(engine) == ["架空市（テスト用・実在しません）"]
    _with_account(engine)
    engine.dispose()
    capsys.readouterr()
    assert main(["import-plan", str(DEFAULT_PLAN), "--replace"]) == 1
    err = capsys.readouterr().err
    assert "計画を置き換えられません" in err and "アカウント 1件" in err
