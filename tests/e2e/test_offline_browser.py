"""Real browser, offline: with every request to a host other than the server blocked, every
page draws completely (heading, no exception), and no page even tries to reach outside.

City networks often have no route to the internet; a page icon or font fetched from a CDN
would fail there (Streamlit turns a ``:material/...`` page icon into a fonts.gstatic.com URL).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from kpi.services.demo import load_demo
from kpi.store import accounts as auth
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction

from ..conftest import ADMIN, TODAY
from .conftest import require_chromium, run_streamlit, screenshot, wait_for_app

pytestmark = pytest.mark.browser

BOSS, BOSS_PASSWORD = "boss", "boss-password-1"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# (URL path, heading) of every page; 変更履歴 and 計画管理 are checked logged in.
PAGES = [
    ("/", "全体概要"),
    ("/measures", None),  # a measure's own name
    ("/projects", None),  # a project's own name
    ("/schedule", "工程表"),
    ("/entry", "実績入力"),
    ("/reports", "進捗レポート"),
    ("/evaluation", "期末評価"),
    ("/inquiry", "あなたの課の照会"),
]


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` on the plan, the sample data and one administrator."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("e2e-offline")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, TODAY.year, ADMIN, TODAY)
        auth.add_user(s, ADMIN, BOSS, BOSS_PASSWORD, "admin")
    engine.dispose()
    with run_streamlit(url, tmp / "streamlit.log") as base_url:
        yield base_url


def _block_outside(page: Any) -> list[str]:
    """Abort every request to another host; return the list the blocked URLs are added to."""
    blocked: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.context.route("**/*", handle)
    return blocked


def _complete(page: Any, heading: str | None) -> None:
    wait_for_app(page)
    if heading is not None:
        page.get_by_role("heading", name=heading).first.wait_for()
    assert page.locator("h1").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    # A page whose script failed shows the incident message instead of its content.
    assert page.get_by_text("エラー番号").count() == 0


def test_every_page_draws_with_outside_requests_blocked(
    offline_server: str, browser_page: Any, artifacts_dir: Path
) -> None:
    page = browser_page
    blocked = _block_outside(page)
    for path, heading in PAGES:
        page.goto(offline_server + path)
        _complete(page, heading)
    # The favicon is the app's own file, not a font server's icon.
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href") or ""
    assert not icon.startswith("http") or urlparse(icon).hostname in LOCAL_HOSTS, icon

    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("利用者名").fill(BOSS)
    sidebar.get_by_label("パスワード").fill(BOSS_PASSWORD)
    sidebar.get_by_role("button", name="ログイン").click()
    sidebar.get_by_text("ログイン中").wait_for()
    for label in ("変更履歴", "計画管理"):
        sidebar.get_by_text(label, exact=True).first.click()
        page.get_by_role("heading", name=label).wait_for()
        _complete(page, label)
    screenshot(page, artifacts_dir / "offline-admin.png")
    assert blocked == [], f"pages asked for outside resources: {sorted(set(blocked))}"
