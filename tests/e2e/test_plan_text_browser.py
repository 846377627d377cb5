"""Real browser: a plan whose every name holds a Markdown image, an HTML image and Markdown
bold (issue 21, item 8). Every page, for a visitor and then for a signed-in administrator,
shows the names as typed; no image from the plan is drawn, nothing is bolded by it, and the
browser never asks for the plan's remote images (every request is recorded)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kpi.services.demo import load_demo
from kpi.store import accounts as auth
from kpi.store.bootstrap import import_plan
from kpi.store.db import make_engine, transaction
from tests.across.test_plan_text_escaped import HTML_IMAGE, IMAGE, hostile_plan

from ..conftest import ADMIN, TODAY
from .conftest import go, login, require_chromium, run_streamlit, screenshot, wait_for_app

pytestmark = pytest.mark.browser

BOSS, BOSS_PASSWORD = "boss", "boss-password-1"
# Sidebar labels (its links keep the session, and so the login); the first five show plan names.
PAGES = ["全体概要", "重点施策別", "実施事業", "工程表", "レポート", "実績入力", "期末評価", "あなたの課の照会"]
ADMIN_PAGES = [*PAGES, "変更履歴", "計画管理"]
NAMED = PAGES[:5]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("e2e-hostile")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, hostile_plan(tmp), ADMIN)
    with transaction(engine) as s:
        load_demo(s, TODAY.year, ADMIN, TODAY)
        auth.add_user(s, ADMIN, BOSS, BOSS_PASSWORD, "admin")
    engine.dispose()
    with run_streamlit(url, tmp / "streamlit.log") as base_url:
        yield base_url


def _check(page: Any, path: str, requests: list[str]) -> None:
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    assert page.locator('[data-testid="stException"]').count() == 0, path
    assert page.locator('img[src*="127.0.0.1:9"]').count() == 0, path
    # 「**bold**」 stays as typed: no element made bold from it (a name may be bold as a whole).
    assert main.locator("strong", has_text=re.compile(r"^\s*bold\s*$")).count() == 0, path
    text = main.inner_text() + page.locator('[data-testid="stSidebar"]').inner_text()
    if path in NAMED:
        assert IMAGE in text and HTML_IMAGE in text and "**bold**" in text, path
    assert [r for r in requests if ":9/" in r] == [], path


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_plan_names_are_text_and_fetch_nothing_in_a_real_browser(
    hostile_server: str, browser: Any, who: str, artifacts_dir: Path
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(60_000)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(hostile_server + "/")
        wait_for_app(page)
        if who == "admin":
            login(page, BOSS, BOSS_PASSWORD)
        for label in ADMIN_PAGES if who == "admin" else PAGES:
            go(page, label)
            _check(page, label, requests)
        screenshot(page, artifacts_dir / f"plan-text-{who}.png")
    finally:
        context.close()
    assert requests, "the requests were recorded"
    assert [r for r in requests if ":9/" in r] == []
