"""Real browser: the pages at 390 px (phone), 1280 px, 1920 px and in A4-landscape print.

Screenshots and PDFs go to test-artifacts/ to be looked at; the tests assert what can be
measured: no page wider than a phone, the tree as a list, the 工程表 as a list on phones,
names of at most two lines, no overlapping blocks in print, no stretching on wide screens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kpi.text.catalog import t
from kpi.web.nav import PAGES

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

PHONE, DESKTOP, WIDE = 390, 1280, 1920
PHONE_PAGES = ("全体概要", "重点施策別", "実績入力", "工程表")
# Pairs of drawn blocks (element containers with text, not nested) whose boxes intersect.
OVERLAPS_JS = """() => {
  const nested = '[data-testid="stElementContainer"] [data-testid="stElementContainer"]';
  const blocks = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')]
    .filter(e => e.offsetParent !== null && !e.closest(nested) && e.innerText.trim() !== '')
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.height > 0 && r.width > 0);
  const out = [];
  for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) {
    const [a, r] = blocks[i], [b, s] = blocks[j];
    if (a.contains(b) || b.contains(a)) continue;
    const x = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    if (x > 2 && y > 2) out.push(a.innerText.slice(0, 30) + ' / ' + b.innerText.slice(0, 30));
  }
  return out;
}"""


def _wait(page: Any) -> None:
    # The sidebar is collapsed on phones: wait for the page's own title instead.
    page.wait_for_selector("h1")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(1000)


def _sidebar(page: Any) -> Any:
    sidebar = page.locator('[data-testid="stSidebar"]')
    if sidebar.get_attribute("data-collapsed") == "true":
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
        page.wait_for_timeout(500)
    return sidebar


def _go(page: Any, label: str) -> None:
    _sidebar(page).get_by_text(label, exact=True).first.click()
    page.wait_for_timeout(500)
    _wait(page)
    if page.viewport_size["width"] < 640:  # the sidebar covers the page on phones
        page.locator('[data-testid="stSidebarCollapseButton"]').first.click(force=True)
        page.wait_for_timeout(500)


@pytest.fixture
def admin_page(browser: Any, accounts_server: str, request: pytest.FixtureRequest) -> Any:
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.goto(accounts_server + "/")
    _wait(page)
    _sidebar(page)
    login(page)
    yield page
    context.close()


@pytest.mark.parametrize("admin_page", [PHONE], indirect=True)
def test_phone_pages_fit_the_screen_with_the_tree_and_schedule_as_lists(admin_page: Any, artifacts_dir: Path) -> None:
    page = admin_page
    for label in PHONE_PAGES:
        _go(page, label)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE + 1, f"{label} is {width} px wide at {PHONE} px"
        screenshot(page, artifacts_dir / f"layout-{PHONE}-{label}.png")
        page.set_viewport_size({"width": PHONE, "height": 900})
        if label == "全体概要":
            display = page.evaluate("() => getComputedStyle(document.querySelector('table.kpi-list tbody tr')).display")
            assert display == "flex", "the plan tree reads as a list on a phone"
            assert page.locator("table.kpi-list thead").first.is_hidden()
        if label == "工程表":
            assert page.locator(".kpi-schedule-list").is_visible()
            assert page.locator("svg.kpi-gantt").first.is_hidden()  # the wide screens' picture
            assert page.locator(".kpi-sl-project").count() == 22


@pytest.mark.parametrize("admin_page", [DESKTOP], indirect=True)
def test_names_in_changes_and_missing_tables_take_at_most_two_lines(admin_page: Any) -> None:
    page = admin_page
    heights = page.evaluate(
        """() => [...document.querySelectorAll('td.kpi-name2 .kpi-clamp2')].map(e => {
             const line = parseFloat(getComputedStyle(e).lineHeight);
             return [e.getBoundingClientRect().height, line, e.title]; })"""
    )
    assert heights, "the changes and missing-reports tables have names"
    for height, line, name in heights:
        assert height <= 2 * line + 1, f"{name} takes {height / line:.1f} lines"
    # The longest name is shortened, not lost: it is the cell's tooltip.
    assert any(name.startswith("10 市ホームページおよびSNS") for _, _, name in heights)


@pytest.mark.parametrize("admin_page", [WIDE], indirect=True)
def test_wide_screen_caps_the_content_width(admin_page: Any, artifacts_dir: Path) -> None:
    page = admin_page
    width = page.evaluate("() => document.querySelector('.block-container').getBoundingClientRect().width")
    assert width <= 1500
    tree = page.evaluate("() => [...document.querySelectorAll('table.kpi-list')].pop().getBoundingClientRect().width")
    assert tree < width, "the plan tree is as wide as its content, not the screen"
    screenshot(page, artifacts_dir / f"layout-{WIDE}-overview.png")


@pytest.mark.parametrize("admin_page", [DESKTOP], indirect=True)
def test_a4_landscape_print_of_every_page_has_no_overlapping_blocks(admin_page: Any, artifacts_dir: Path) -> None:
    page = admin_page
    overlaps: dict[str, list[str]] = {}
    for path, key, _icon, _admin in PAGES:
        label = t(key)
        _go(page, label)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
        page.wait_for_timeout(800)
        found = page.evaluate(OVERLAPS_JS)
        if found:
            overlaps[label] = found
        page.pdf(path=str(artifacts_dir / f"print-{Path(path).stem}.pdf"), format="A4", landscape=True)
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": DESKTOP, "height": 900})
    assert not overlaps, overlaps
