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
    wait_for_app(browser_page, charts=True)
    assert browser_page.locator('[data-testid="stException"]').count() == 0
    body = browser_page.inner_text("body")
    for text in ("進捗レポート", "基準月 2026年10月", "実施事業の状況", "指標の推移", "マイルストーン（工程表の●）"):
        assert text in body, f"{text!r} not visible"
    assert browser_page.locator('[data-testid="stPlotlyChart"]').count() == 11
    main = browser_page.locator('[data-testid="stMain"]')
    assert main.locator("input, textarea, select").count() == 0  # the scope is chosen in the sidebar
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
