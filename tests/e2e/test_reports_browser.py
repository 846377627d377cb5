"""The レポート page in a real headless Chromium at 1280 px (A4 landscape width): it draws in
Japanese with its charts, and its screenshot goes to test-artifacts/ for a human to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_report_page_at_a4_landscape_width(streamlit_server: str, browser_page: Any, artifacts_dir: Path) -> None:
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    browser_page.goto(streamlit_server + "/reports")
    wait_for_app(browser_page)
    browser_page.locator("img.kpi-chart-img").first.wait_for()
    assert browser_page.locator('[data-testid="stException"]').count() == 0
    body = browser_page.inner_text("body")
    for text in ("進捗レポート", "基準月 2026年10月", "実施事業の状況", "指標の推移", "マイルストーン（工程表の●）"):
        assert text in body, f"{text!r} not visible"
    # Pictures made on the server, loaded at once so that a printed page holds every chart.
    pictures = browser_page.locator("img.kpi-chart-img")
    assert pictures.count() == 11
    assert browser_page.locator('img.kpi-chart-img[loading="eager"]').count() == 11
    assert browser_page.locator('[data-testid="stPlotlyChart"]').count() == 0
    main = browser_page.locator('[data-testid="stMain"]')
    # The scope is chosen in the sidebar; the main area holds only the charts' zoom switch.
    assert main.locator("textarea, select").count() == 0
    inputs = main.locator("input")
    assert inputs.count() == 1 and inputs.first.get_attribute("type") == "checkbox"
    # The downloads at the top of the page: Excel and the two 工程表 files at once, PDF and PNG
    # zip made on a button press (issue 22: they sat below the sidebar's login form).
    downloads = main.locator('[data-testid="stDownloadButton"]')
    for label in ("Excel", "工程表 Excel（1事業1シート）", "工程表 PDF（1事業1ページ）"):
        assert downloads.get_by_role("button", name=label, exact=True).count() == 1, label
    # Made on a press (or already made for these data by another session: then its download).
    make = main.get_by_role("button", name="PDF（A4横）を作成")
    if not make.count():
        make = downloads.get_by_role("button", name="PDF（A4横）", exact=True)
    assert make.count() == 1
    title = main.locator("h1").first.bounding_box()
    assert make.bounding_box()["y"] < title["y"]  # above the report
    screenshot(browser_page, artifacts_dir / "reports-1280.png")


def test_printing_the_report_page_prints_every_chart(streamlit_server: str, browser_page: Any) -> None:
    """Printed from the browser, the レポート page showed its plotly charts below the window as
    empty boxes (plotly draws a chart when it comes into view). Its pictures load at once: in
    print media every one is loaded, none splits over two pages, and the zoom switch is gone."""
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    browser_page.goto(streamlit_server + "/reports")
    wait_for_app(browser_page)
    browser_page.locator("img.kpi-chart-img").first.wait_for()
    browser_page.emulate_media(media="print")
    try:
        browser_page.wait_for_function(
            "() => [...document.querySelectorAll('img.kpi-chart-img')].every(i => i.complete && i.naturalWidth > 0)"
        )
        pictures = browser_page.locator("img.kpi-chart-img")
        assert pictures.count() == 11
        for i in range(pictures.count()):  # each has been decoded, also far below the window
            assert pictures.nth(i).evaluate("i => i.complete && i.naturalWidth > 0")
        chart = browser_page.locator(".kpi-chart").first
        assert chart.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        switch = browser_page.locator('[data-testid="stCheckbox"]').filter(has_text="グラフを拡大・操作する")
        assert switch.count() == 1 and not switch.first.is_visible()
        assert browser_page.pdf(format="A4", landscape=True)[:4] == b"%PDF"
    finally:
        browser_page.emulate_media(media="screen")
