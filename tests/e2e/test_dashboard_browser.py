"""The dashboard pages in a real headless Chromium: they draw, in Japanese, without errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot, show_charts, wait_for_app

pytestmark = pytest.mark.browser

PAGES = [
    # (URL path, expected visible text, charts expected, screenshot name)
    ("/", ["全体概要", "施策体系と状況", "基本方針1 市民サービスの利便性の向上", "サンプルデータ"], False, "overview"),
    ("/measures?measure=2", ["② マイナンバーカードの普及促進・利用の促進", "指標の進捗"], True, "measures"),
    ("/projects?project=4", ["04 マイナンバーカードの普及・啓発", "事業概要", "工程表"], True, "projects"),
    ("/schedule", ["工程表", "22事業を表示"], True, "schedule"),
]


def _check(page: Any, texts: list[str]) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    body = page.inner_text("body")
    for text in texts:
        assert text in body, f"{text!r} not visible"


def _chart_says(page: Any, text: str) -> None:
    """The first plotly chart draws ``text`` (waited for: plotly draws its annotations after
    the chart's frame, later under load; reading it at once was flaky)."""
    page.wait_for_function(
        "t => { const c = document.querySelector('[data-testid=\"stPlotlyChart\"]');"
        " return !!c && (c.textContent || '').includes(t); }",
        arg=text,
        timeout=30000,
    )
    assert text in (page.locator('[data-testid="stPlotlyChart"]').first.text_content() or "")


@pytest.mark.parametrize(("path", "texts", "charts", "name"), PAGES)
def test_page_draws_in_japanese_without_errors(
    streamlit_server: str, browser_page: Any, artifacts_dir: Path, path: str, texts: list[str], charts: bool, name: str
) -> None:
    browser_page.goto(streamlit_server + path)
    wait_for_app(browser_page)
    if charts:
        show_charts(browser_page)  # pictures first, the plotly charts on demand
    _check(browser_page, texts)
    if charts:
        _chart_says(browser_page, "基準月 2026年10月")
    screenshot(browser_page, artifacts_dir / f"dashboard-{name}.png")


def test_sidebar_links_open_the_pages(streamlit_server: str, browser_page: Any, artifacts_dir: Path) -> None:
    browser_page.goto(streamlit_server + "/")
    wait_for_app(browser_page)
    sidebar = browser_page.locator('[data-testid="stSidebar"]')
    for label in ("全体概要", "重点施策別", "実施事業", "工程表"):
        assert sidebar.get_by_text(label, exact=True).count() >= 1
    sidebar.get_by_text("工程表", exact=True).first.click()
    browser_page.wait_for_url("**/schedule")
    wait_for_app(browser_page)
    browser_page.wait_for_selector('[data-testid="stMain"] svg.kpi-gantt')  # the 工程表 picture
    _check(browser_page, ["22事業を表示"])


def test_english_link_shows_english_labels(streamlit_server: str, browser_page: Any, artifacts_dir: Path) -> None:
    browser_page.goto(streamlit_server + "/measures?measure=7&lang=en&as_of=2026-09")
    wait_for_app(browser_page)
    show_charts(browser_page)
    _check(browser_page, ["Indicator progress", "Milestones"])
    _chart_says(browser_page, "As of 2026-09")
    screenshot(browser_page, artifacts_dir / "dashboard-measures-en.png")
