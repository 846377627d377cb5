"""Issue 22's screenshot pass in a real Chromium: what a person reads on the pages, checked
where only a browser shows it (Streamlit's own widgets draw text of their own)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import login, screenshot, wait_for_app

pytestmark = pytest.mark.browser

# The visible texts inside the uploader's file list (Streamlit prints a size such as 「176.0B」 there).
CHIP_TEXTS_JS = """() => [...document.querySelectorAll('[data-testid="stFileChip"] *')]
  .filter(e => e.children.length === 0 && e.offsetParent !== null && e.getBoundingClientRect().width > 0)
  .map(e => e.textContent.trim()).filter(t => t)"""
RAW_SIZE = re.compile(r"^\d+(\.\d+)?\s?(B|KB|MB|GB)$")


def test_bulk_upload_shows_the_file_size_the_catalogs_way_only(
    browser: Any, accounts_server: str, artifacts_dir: Path, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(accounts_server + "/entry")
    wait_for_app(page)
    login(page)
    wait_for_app(page)
    upload = tmp_path / "actuals.csv"
    # over 1 KB, so that the catalog's size reads in KB
    upload.write_text("indicator_id,month,value,note\n04-mynumber-card-rate,2026-10,87.5," + "メモ" * 300 + "\n")
    size = upload.stat().st_size
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(upload))
    main = page.locator('[data-testid="stMain"]')
    ours = main.get_by_text(f"ファイル: actuals.csv（{size / 1024:.1f} KB）")
    ours.wait_for()
    wait_for_app(page)
    texts = page.evaluate(CHIP_TEXTS_JS)
    assert "actuals.csv" in texts  # the file list is still drawn
    assert not [t for t in texts if RAW_SIZE.match(t)], f"Streamlit's own size is visible: {texts}"
    assert ours.is_visible()
    screenshot(page, artifacts_dir / "screens-bulk-upload-1280.png")
    context.close()


# Tables wider than the column they sit in (they run under the column beside them).
OVERFLOW_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] table.kpi-review')]
  .filter(t => t.offsetParent !== null)
  .map(t => { const col = t.closest('[data-testid="stColumn"]') || t.parentElement;
    return [t.getBoundingClientRect().right - col.getBoundingClientRect().right, t.innerText.slice(0, 30)]; })
  .filter(([over]) => over > 1)"""
# Cells whose short value (a status, a month, a number) breaks over lines.
BROKEN_SHORT_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] table.kpi-review td.kpi-nowrap')]
  .filter(td => { const r = document.createRange(); r.selectNodeContents(td);
    // glyphs of two fonts (digits, kanji, ×) sit a few px apart on one line: a new line is lower
    const tops = [...r.getClientRects()].filter(b => b.width > 0).map(b => b.top);
    return Math.max(...tops) - Math.min(...tops) > 8; })
  .map(td => td.innerText)"""


def test_year_review_tables_fit_their_column_at_1280(browser: Any, streamlit_server: str, artifacts_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(streamlit_server + "/evaluation")
    wait_for_app(page)
    page.locator("table.kpi-review").first.wait_for()
    assert page.locator("table.kpi-review").count() >= 2  # indicators and milestones of project 01
    screenshot(page, artifacts_dir / "screens-evaluation-1280.png")
    assert not page.evaluate(OVERFLOW_JS)
    assert not page.evaluate(BROKEN_SHORT_JS)
    headers = page.locator("table.kpi-review th").all_inner_texts()
    assert "目標値" in headers and any("理由" in h for h in headers)  # 目標値 and the reasons in view
    context.close()


def test_history_day_choosers_show_their_whole_placeholder_at_1280(browser: Any, accounts_server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(accounts_server + "/history")
    wait_for_app(page)
    login(page)
    wait_for_app(page)
    fields = page.locator('[data-testid="stMain"] [data-testid="stDateInputFieldsScroller"]')
    assert fields.count() == 2  # 開始日, 終了日
    for field in fields.all():
        # 「yyyy/mm/dd」 (the empty day's segments) was cut to 「yyyy/mm」 in a column too narrow for it
        drawn, room = field.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert drawn <= room + 1, f"the day's segments need {drawn} px in {room} px"
    context.close()


def test_indicator_table_fits_a_phone(browser: Any, streamlit_server: str, artifacts_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(streamlit_server + "/measures?measure=1")
    page.locator("table.kpi-indicator-table").wait_for()
    page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')""")
    over = page.evaluate(
        """() => document.querySelector('table.kpi-indicator-table').getBoundingClientRect().right
                 - document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect().right"""
    )
    screenshot(page, artifacts_dir / "screens-measures-390.png")
    assert over <= 1, f"the table is {over:.0f} px wider than the page"
    context.close()


def test_summary_table_shows_every_column_at_1280(browser: Any, accounts_server: str, artifacts_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(accounts_server + "/evaluation")
    wait_for_app(page)
    login(page)
    wait_for_app(page)
    page.locator('[data-testid="stMain"] [role="tab"]').get_by_text("総括").click()
    page.locator("table.kpi-council").wait_for()
    wait_for_app(page)
    screenshot(page, artifacts_dir / "screens-summary-1280.png")
    right = page.evaluate(
        """() => [document.querySelector('table.kpi-council').getBoundingClientRect().right,
                  document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect().right]"""
    )
    assert right[0] <= right[1] + 1, f"the table ends at {right[0]:.0f} px, the page at {right[1]:.0f} px"
    last = page.locator("table.kpi-council th").last
    assert "新たに生じた課題" in last.inner_text()  # the last column, in view
    # names at most two lines (their cells clamp; the row is no taller than the tallest short cell)
    lines = page.evaluate(
        """() => [...document.querySelectorAll('table.kpi-council td.kpi-name2 .kpi-clamp2')].map(e =>
             Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)))"""
    )
    assert lines and max(lines) <= 2, lines
    context.close()


def test_change_log_shows_every_column_and_wraps_its_text_at_1280(
    browser: Any, accounts_server: str, artifacts_dir: Path
) -> None:
    """変更履歴 cut its 内容 column at the table's right edge at 1280 px (one line per row, the
    sentence an administrator reads out of view). The five columns fit the main area and rows
    are three lines high, so that Streamlit wraps their text."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(accounts_server + "/")
    wait_for_app(page)
    login(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("変更履歴", exact=True).first.click()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    wait_for_app(page)
    scroller = grid.locator(".dvn-scroller").first
    widths = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"the table scrolls sideways: {widths}"
    box = grid.bounding_box()
    main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert box is not None and main is not None and box["x"] + box["width"] <= main["x"] + main["width"] + 1
    screenshot(page, artifacts_dir / "screens-history-1280.png")
    context.close()
