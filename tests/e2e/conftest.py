"""Real-browser fixtures: one ``streamlit run app.py`` server per session and a Chromium page.

Other browser tests reuse them: ``streamlit_server`` yields the base URL of a server on a
database prepared with the real plan and the sample data (today = 2026-11-24);
``browser_page`` gives a fresh Playwright page in Debian's Chromium. Without
/usr/bin/chromium the tests skip, except in CI (env CI set), where they fail. Chromium's
launch and the server come from kpi.bench.browser, shared with ``benchmark --browser``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kpi.bench import browser as bench_browser
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction

from ..conftest import ADMIN, ROOT, TODAY

CHROMIUM = bench_browser.CHROMIUM
ARTIFACTS = ROOT / "test-artifacts"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing in CI: browser tests must run (install Debian's chromium)")
    pytest.skip(f"{CHROMIUM} not installed: real-browser tests skipped on this machine (apt-get install chromium)")


def _free_port() -> int:
    return bench_browser.free_port()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@contextmanager
def run_streamlit(db_url: str, log: Path, port: int | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on ``db_url`` (today = 2026-11-24); yields its base URL."""
    env = {"KPI_DATABASE_URL": db_url, "KPI_TODAY": TODAY.isoformat()}
    with bench_browser.streamlit_server(env, log, port or _free_port()) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of ``streamlit run app.py`` on the plan plus sample data."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, TODAY.year, ADMIN, TODAY)
    engine.dispose()
    with run_streamlit(url, tmp / "streamlit.log") as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = bench_browser.launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh page (1440×900, Japanese locale) per test."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(45_000)
    yield page
    context.close()


def screenshot(page: Any, path: Path) -> None:
    """Whole-page screenshot: Streamlit scrolls inside its main block, so grow the viewport first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], section.main, body')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": page.viewport_size["width"], "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(800)  # plotly redraws on resize
    page.screenshot(path=str(path), full_page=True)


def wait_for_app(page: Any, charts: bool = False) -> None:
    """Wait until the script has drawn: the title, no running indicator, charts when expected."""
    page.wait_for_selector('[data-testid="stSidebar"]')
    page.wait_for_selector("h1")
    if charts:
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(500)  # let plotly finish its transitions before a screenshot


def show_charts(page: Any) -> None:
    """Switch on the page's chart toggles (重点施策別, 実施事業, 工程表 show static pictures first
    and draw their plotly charts on demand)."""
    toggles = page.locator('[data-testid="stMain"] [data-testid="stCheckbox"]').filter(
        has_text=re.compile("を拡大・操作する|Zoom and explore")
    )
    toggles.first.wait_for()  # drawn with the page's content, which may follow its title
    for toggle in toggles.all():
        toggle.click()
        page.wait_for_timeout(500)  # one fragment run at a time: the next click after it ends
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    wait_for_app(page, charts=True)


ADMIN_USER, ADMIN_PASSWORD = "boss", "boss-password-1"


@pytest.fixture(scope="session")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a server on the plan, the sample data and an administrator account
    (``ADMIN_USER``): for tests that must log in and see every page."""
    require_chromium()
    from kpi.store import accounts as auth

    tmp = tmp_path_factory.mktemp("e2e-accounts")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, TODAY.year, ADMIN, TODAY)
        auth.add_user(s, ADMIN, ADMIN_USER, ADMIN_PASSWORD, "admin")
    engine.dispose()
    with run_streamlit(url, tmp / "streamlit.log") as base_url:
        yield base_url


def login(page: Any, username: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> None:
    """Log in through the sidebar form and wait until the sidebar says so."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("利用者名").fill(username)
    sidebar.get_by_label("パスワード").fill(password)
    sidebar.get_by_role("button", name="ログイン").click()
    sidebar.get_by_text("ログイン中").wait_for()


def go(page: Any, label: str) -> None:
    """Open a page through the sidebar (its links keep the session); wait until it is drawn."""
    page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).first.click()
    page.wait_for_timeout(300)
    wait_for_app(page)
