"""Shared fixtures: real database files (and PostgreSQL when configured), the real plan."""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, text

from kpi.domain.permissions import Actor
from kpi.reports.service import Inputs, load_inputs
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)  # the product's "now" in tests: October 2026 is the latest ended month
ADMIN = Actor("test-admin", "admin")
POSTGRES_ENV = "KPI_TEST_POSTGRES_URL"


# The layers of the suite, given to every test by what it uses (README "Development"): ``unit``
# touches no database and no Streamlit (``python -m pytest -m unit`` runs in seconds), ``store``
# a real database or the command line, ``apptest`` Streamlit's AppTest, ``browser`` Chromium.
LAYER_MARKERS = ("unit", "store", "apptest", "browser")
_STORE_WORDS = (
    "make_engine",
    "transaction(",
    "subprocess",
    "_engine",
    "db_url",
    "sqlite_url",
    "demo_app",
    "app_env",
    "main(",
)


def _sources(item: pytest.Item) -> str:
    """The test's own source and that of every fixture it uses (fixtures of fixtures too)."""
    parts: list[str] = []
    seen: set[Any] = set()

    def add(func: Any, depth: int = 0) -> None:
        # The function, and the module-level helpers it calls (``_start()`` that builds an AppTest).
        if func in seen or depth > 3:
            return
        seen.add(func)
        try:
            parts.append(inspect.getsource(func))
        except (OSError, TypeError):  # pytest's own fixtures (tmp_path, monkeypatch, …)
            return
        inner = getattr(getattr(func, "hypothesis", None), "inner_test", None) or inspect.unwrap(func)
        code, scope = getattr(inner, "__code__", None), getattr(inner, "__globals__", {})
        for name in code.co_names if code is not None else ():
            helper = scope.get(name)
            if inspect.isfunction(helper) and helper.__module__ == func.__module__:
                add(helper, depth + 1)

    func = getattr(item, "function", None)
    if func is not None:
        add(func)
    info = getattr(item, "_fixtureinfo", None)
    for defs in info.name2fixturedefs.values() if info is not None else ():
        for fixturedef in defs:
            add(fixturedef.func)
    return "\n".join(parts)


def layer_of(item: pytest.Item) -> str:
    if "e2e" in Path(str(item.path)).parts:
        return "browser"
    source = _sources(item)
    if "AppTest" in source:
        return "apptest"
    if any(word in source for word in _STORE_WORDS) or "postgres" in item.keywords:
        return "store"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not {m.name for m in item.iter_markers()} & set(LAYER_MARKERS):
            item.add_marker(layer_of(item))


@pytest.fixture(autouse=True)
def backups_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Automatic safety copies (import-plan --replace, demo --clear, restore, downgrade) go to a
    directory of the test (KPI_BACKUP_DIR), never into the checkout's data/backups."""
    directory = tmp_path_factory.mktemp("backups")
    monkeypatch.setenv("KPI_BACKUP_DIR", str(directory))
    return directory


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def admin() -> Actor:
    return ADMIN


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kpi.db'}"


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """A fresh, empty database: a SQLite file, and PostgreSQL when KPI_TEST_POSTGRES_URL is set.

    In CI (CI=true) PostgreSQL is required: a missing URL fails instead of skipping.
    """
    if request.param == "sqlite":
        return sqlite_url
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set in CI: PostgreSQL store tests must run")
        pytest.skip(f"{POSTGRES_ENV} not set: PostgreSQL store tests skipped on this machine")
    _reset_postgres(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    eng = make_engine(sqlite_url)
    yield eng
    eng.dispose()


@pytest.fixture
def plan_engine(sqlite_engine: Engine) -> Engine:
    """A SQLite database file with the real R8 plan loaded."""
    import_plan(sqlite_engine, DEFAULT_PLAN, ADMIN)
    return sqlite_engine


@pytest.fixture
def demo_engine(plan_engine: Engine) -> Engine:
    """The real plan plus the labelled sample actuals up to October 2026."""
    with transaction(plan_engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    return plan_engine


def import_with_year_before(engine: Engine, plan: Path, tmp: Path) -> dict[str, Any]:
    """Import ``plan`` (fiscal 2026) after the same plan as fiscal 2025, without its 工程表, so
    that a 累計 indicator has an earlier year's reports to add up. The plan file as a dict."""
    raw: dict[str, Any] = yaml.safe_load(plan.read_text(encoding="utf-8"))
    raw.update(fiscal_year=2025, label="令和7年度")
    for p in raw["projects"]:
        p.pop("schedule", None)
    earlier = tmp / "plan_2025.yaml"
    earlier.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    import_plan(engine, earlier, ADMIN)
    import_plan(engine, plan, ADMIN)
    return raw


@pytest.fixture(scope="session")
def sample_inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    """The real plan with the labelled sample actuals, read once for the report tests (read only)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('sample-inputs') / 'kpi.db'}")
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    loaded = load_inputs(engine, 2026)
    engine.dispose()
    assert loaded is not None
    return loaded


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> str:
    """Environment for AppTest/CLI runs: a database file of this test and a fixed today."""
    monkeypatch.setenv("KPI_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    return sqlite_url


@pytest.fixture
def demo_app(app_env: str) -> str:
    """``app_env`` with the real plan and the labelled sample data loaded (for AppTest)."""
    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    engine.dispose()
    return app_env


# The indicator ids fixed by the foundation issue: other checks rely on them.
INDICATOR_IDS = (
    "01-online-procedures", "03-exemption-e-application-rate", "04-mynumber-card-rate",
    "05-konbini-issuance-share", "06-collection-fees", "09-maternal-app-registration", "11-opendata-new-items",
    "14-ai-rpa-hours-saved", "14-welfare-overtime", "15-new-dx-projects", "21-security-incidents",
)  # fmt: skip
