"""Real browser: 重点施策別 and 工程表 show their charts as pictures made on the server, with no
plotly chart (so no plotly.js drawing) until the reader asks for the interactive ones (issue 22
item 4). The pictures fit the screen: at 390 px they scale to the width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot, show_charts

pytestmark = pytest.mark.browser

PICTURES_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] img.kpi-chart-img')].map(i => ({
    alt: i.alt, loaded: i.complete && i.naturalWidth > 0, width: i.getBoundingClientRect().width}))"""


def _drawn(page: Any) -> None:
    """The page's title drawn and no script running (the sidebar is collapsed on phones)."""
    page.wait_for_selector("h1")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(500)


def _page(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_measure_page_shows_chart_pictures_and_no_plotly_until_asked(
    browser: Any, streamlit_server: str, artifacts_dir: Path, width: int
) -> None:
    page = _page(browser, width)
    page.goto(streamlit_server + "/measures?measure=2")
    _drawn(page)
    page.wait_for_selector("img.kpi-chart-img")
    page.locator("img.kpi-chart-img").last.scroll_into_view_if_needed()  # lazy: drawn in view
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.kpi-chart-img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    pictures = page.evaluate(PICTURES_JS)
    assert len(pictures) == 2 and all(p["loaded"] for p in pictures)
    assert pictures[0]["alt"].startswith("② マイナンバーカード保有率。実績 87.3%")
    assert all(0 < p["width"] <= width - 20 for p in pictures)  # scaled to the column, never wider
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    screenshot(page, artifacts_dir / f"static-measures-{width}.png")
    if width < 640:  # phones: the same switch (checked at 1280 px)
        page.context.close()
        return
    show_charts(page)
    assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 2
    assert page.locator("img.kpi-chart-img").count() == 0  # the interactive charts instead
    page.context.close()


def test_schedule_shows_the_gantt_picture_wide_and_the_list_on_phones(
    browser: Any, streamlit_server: str, artifacts_dir: Path
) -> None:
    wide = _page(browser, 1280)
    wide.goto(streamlit_server + "/schedule")
    _drawn(wide)
    gantt = wide.locator('[data-testid="stMain"] svg.kpi-gantt')
    gantt.wait_for()
    main_width = wide.locator('[data-testid="stMain"] [data-testid="stMainBlockContainer"]').bounding_box()["width"]
    assert 0 < gantt.bounding_box()["width"] <= main_width
    assert not wide.locator(".kpi-schedule-list").first.is_visible()
    assert wide.locator('[data-testid="stPlotlyChart"]').count() == 0
    wide.context.close()

    phone = _page(browser, 390)
    phone.goto(streamlit_server + "/schedule")
    _drawn(phone)
    phone.locator(".kpi-schedule-list").first.wait_for()
    assert phone.locator(".kpi-schedule-list").first.is_visible()
    assert not phone.locator("svg.kpi-gantt").first.is_visible()
    # The toggle for the interactive 工程表 is for wide screens only (phones read the list).
    assert not phone.get_by_text("工程表を拡大・操作する", exact=True).first.is_visible()
    screenshot(phone, artifacts_dir / "static-schedule-390.png")
    phone.context.close()
