"""Reading the plan while the login form is shown (kpi.web.warm_up): the work fills the very
cache entries the pages read, runs once per data version, year and month, and never under
AppTest (whose tests count the page's own evaluations)."""

from __future__ import annotations

import sys

import pytest
from streamlit.testing.v1 import AppTest

from kpi.domain.fiscal import Month
from kpi.web import cache, warm_up
from tests.conftest import ROOT

AS_OF = Month(2026, 10)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    cache.clear_caches()
    cache.cached_plan_data.clear()
    cache.cached_chart_data.clear()
    cache.cached_prepared_year.clear()
    cache.cached_statuses.clear()
    warm_up._started.clear()


def test_read_ahead_fills_the_entries_the_pages_read(demo_app: str) -> None:
    version = cache.current_version(demo_app)
    for name in warm_up.DRAWING_MODULES:
        sys.modules.pop(name, None)
    warm_up.read_ahead(demo_app, 2026, AS_OF, version)
    assert all(name in sys.modules for name in warm_up.DRAWING_MODULES)
    calls: list[str] = []
    real = cache.plan_data
    try:
        cache.plan_data = lambda *a, **k: calls.append("read") or real(*a, **k)  # type: ignore[assignment]
        statuses = cache.cached_statuses(demo_app, 2026, str(AS_OF), version)
        chart = cache.cached_chart_data(demo_app, 2026, version)
    finally:
        cache.plan_data = real  # type: ignore[assignment]
    assert calls == []  # both were cached by the read ahead: the page reads nothing again
    assert statuses is not None and len(statuses.projects) == 22 and chart is not None


def test_it_starts_once_per_version_year_and_month_and_only_under_a_real_server(
    demo_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm_up.Runtime, "exists", staticmethod(lambda: False))
    assert warm_up.while_signing_in(demo_app, 2026, AS_OF) is None  # no runtime: the CLI
    monkeypatch.setattr(warm_up.Runtime, "exists", staticmethod(lambda: True))
    assert warm_up.while_signing_in(demo_app, 2026, AS_OF) is None  # a process running AppTest
    monkeypatch.setattr(warm_up, "APPTEST", "no.such.module")  # as in `streamlit run`
    first = warm_up.while_signing_in(demo_app, 2026, AS_OF)
    assert first is not None and first.name == "kpi-read-ahead"
    first.join(60)
    assert warm_up.while_signing_in(demo_app, 2026, AS_OF) is None  # the same key: not again
    other = warm_up.while_signing_in(demo_app, 2026, Month(2026, 9))
    assert other is not None
    other.join(60)


def test_a_page_behind_the_login_form_reads_nothing_ahead_under_apptest(
    demo_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The login form is drawn and the page stops: the sidebar asks for the read ahead, which
    starts nothing under AppTest."""
    monkeypatch.setenv("KPI_REQUIRE_LOGIN", "1")
    asked: list[object] = []
    real = warm_up.while_signing_in
    monkeypatch.setattr(warm_up, "while_signing_in", lambda *a: asked.append(real(*a)))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and any(f for f in at.get("form"))
    assert asked == [None]
