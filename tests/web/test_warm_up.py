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


def test_read_ahead_makes_what_each_big_page_shows_first(demo_app: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first page after signing in was 1.7–2.0× a refused sign-in in Chromium: its own view
    and chart pictures were made after the press. The read ahead makes 全体概要's view, the first
    重点施策's view and its first chart pictures, the first project's view and the first 工程表
    page: the page then computes none of them."""
    from kpi.services import overview, page_views
    from kpi.web import static_charts

    static_charts.clear()
    cache.cached_overview_view.clear()
    cache.cached_measure_view.clear()
    cache.cached_project_view.clear()
    version = cache.current_version(demo_app)
    warm_up.read_ahead(demo_app, 2026, AS_OF, version)
    made: list[str] = []
    for module, name in ((page_views, "measure_view"), (page_views, "project_view"), (overview, "overview_view")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _n=name, _r=real, **k: made.append(_n) or _r(*a, **k))
    data = cache.cached_chart_data(demo_app, 2026, version)
    assert data is not None
    first_measure = int(data.measures["measure_no"].iloc[0])
    view = cache.cached_measure_view(demo_app, 2026, str(AS_OF), version, first_measure, "ja")
    cache.cached_project_view(demo_app, 2026, str(AS_OF), version, int(data.projects["project_no"].iloc[0]), "ja")
    cache.cached_overview_view(demo_app, 2026, str(AS_OF), version, "ja")
    assert made == []
    assert view is not None
    charts = view.indicators[
        (view.indicators["measure_no"] == first_measure) & (view.indicators["kind"] == "indicator")
    ]
    assert len(charts) >= 1
    drawn: list[str] = []
    import kpi.reports.public_svg as public_svg

    real_svg = public_svg.chart_svg
    monkeypatch.setattr(public_svg, "chart_svg", lambda *a, **k: drawn.append("svg") or real_svg(*a, **k))
    for row in charts.to_dict("records"):
        static_charts.picture_for(demo_app, version, view.data, row, AS_OF, "ja")
    assert drawn == []  # every picture of the first page of charts was made ahead
    # A later choice is made when it is made (the second 重点施策 was not read ahead).
    cache.cached_measure_view(demo_app, 2026, str(AS_OF), version, int(data.measures["measure_no"].iloc[1]), "ja")
    assert made == ["measure_view"]
