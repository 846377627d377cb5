"""Real browser: the year-end cycle. The admin opens the inquiry → a 市民課 editor fills in and
submits project 04 → the admin returns it with a comment → the editor corrects and resubmits
→ the admin confirms → 総括 shows 確定 and the 懇話会 PDF holds the evaluation.

Runs its own server (port 8640, this branch's range) on the plan, the sample data and two
accounts.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kpi.domain.inquiry import State
from kpi.services.demo import load_demo
from kpi.store import accounts as auth
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.evaluations import current_evaluations
from kpi.store.inquiry import evaluation_states

from ..conftest import ADMIN, TODAY
from . import conftest as e2e
from .conftest import require_chromium, run_streamlit, wait_for_app

pytestmark = pytest.mark.browser

PORT = 8640
EDITOR, EDITOR_PASSWORD = "shimin", "shimin-password-1"
BOSS, BOSS_PASSWORD = "boss", "boss-password-1"
PROJECT = "04 マイナンバーカードの普及・啓発"


@pytest.fixture(scope="module")
def cycle_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("e2e-inquiry")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, TODAY.year, ADMIN, TODAY)
        auth.add_user(s, ADMIN, EDITOR, EDITOR_PASSWORD, "editor", ["市民課"])
        auth.add_user(s, ADMIN, BOSS, BOSS_PASSWORD, "admin")
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(e2e, "_free_port", lambda: PORT)
        with run_streamlit(url, tmp / "streamlit.log") as base_url:
            yield base_url, url


def _sidebar(page: Any) -> Any:
    return page.locator('[data-testid="stSidebar"]')


def _login(page: Any, username: str, password: str) -> None:
    if _sidebar(page).get_by_role("button", name="ログアウト").count():
        _sidebar(page).get_by_role("button", name="ログアウト").click()
    _sidebar(page).get_by_label("利用者名").fill(username)
    _sidebar(page).get_by_label("パスワード").fill(password)
    _sidebar(page).get_by_role("button", name="ログイン").click()
    _sidebar(page).get_by_text("ログイン中").wait_for()
    wait_for_app(page)


def _go(page: Any, label: str, heading: str | None = None) -> None:
    _sidebar(page).get_by_text(label, exact=True).first.click()
    page.get_by_role("heading", name=heading or label).wait_for()
    wait_for_app(page)


def _choose_project(page: Any) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="実施事業").first
    shown = box.inner_text() + " ".join(box.locator("input").evaluate_all("els => els.map(e => e.value)"))
    if PROJECT not in shown:
        box.click()
        page.get_by_role("option", name=PROJECT).click()
    page.get_by_text("年度末の値と目標").wait_for()
    wait_for_app(page)


def _click(page: Any, name: str, then: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    try:
        page.get_by_text(then).first.wait_for(timeout=20_000)
    except Exception:
        e2e.ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(e2e.ARTIFACTS / "inquiry-failed.png"), full_page=True)
        raise
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def _state(db_url: str) -> State:
    engine = make_engine(db_url)
    with transaction(engine) as s:
        state = evaluation_states(s, 2026)[4].state
    engine.dispose()
    return state


def test_year_end_cycle_in_the_browser(cycle_server: tuple[str, str], browser_page: Any, artifacts_dir: Path) -> None:
    base_url, db_url = cycle_server
    page = browser_page
    page.goto(base_url + "/")
    wait_for_app(page)

    _login(page, BOSS, BOSS_PASSWORD)
    _go(page, "あなたの課の照会")
    _click(page, "照会を開始する", "各課照会を開始しました。")

    _login(page, EDITOR, EDITOR_PASSWORD)
    _go(page, "あなたの課の照会")
    page.get_by_text(f"{PROJECT}: 期末評価（未着手）").click()  # the link opens the project's form
    page.get_by_text("年度末の値と目標").wait_for()
    wait_for_app(page)
    page.locator('[data-testid="stRadio"]').get_by_text("B 概ね達成").click()
    page.get_by_label("左記の状況・理由等").fill("保有率は目標に届かない見込み")
    _click(page, "保存", "保存しました（第1版）")
    _click(page, "提出する", "提出しました")
    assert _state(db_url) is State.SUBMITTED

    _login(page, BOSS, BOSS_PASSWORD)
    _go(page, "期末評価")
    _choose_project(page)
    page.get_by_label("差戻しの理由（コメント）").fill("年度末の保有率を数字で書いてください")
    _click(page, "差し戻す", "差し戻しました")
    assert _state(db_url) is State.RETURNED

    _login(page, EDITOR, EDITOR_PASSWORD)
    _go(page, "期末評価")
    _choose_project(page)
    assert "年度末の保有率を数字で書いてください" in page.inner_text("body")
    page.get_by_label("左記の状況・理由等").fill("年度末の保有率は88.2%（目標89%）")
    _click(page, "保存", "保存しました（第2版）")
    _click(page, "提出する", "提出しました")

    _login(page, BOSS, BOSS_PASSWORD)
    _go(page, "期末評価")
    _choose_project(page)
    _click(page, "確定する", "確定しました")
    assert _state(db_url) is State.CONFIRMED
    page.get_by_role("tab", name="総括").click()
    row = page.locator("table.kpi-table tr", has_text=PROJECT).first.inner_text()
    assert "確定" in row and "B 概ね達成" in row and "88.2%" in row
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="懇話会資料 PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
    assert "年度末の保有率は88.2%" in text
    e2e.screenshot(page, artifacts_dir / "inquiry-summary.png")
    engine = make_engine(db_url)
    with transaction(engine) as s:
        assert current_evaluations(s, 2026).set_index("project_no").loc[4, "author"] == EDITOR
    engine.dispose()


def test_editor_downloads_fills_and_uploads_the_inquiry_workbook(
    cycle_server: tuple[str, str], browser_page: Any, tmp_path: Path
) -> None:
    base_url, _ = cycle_server
    page = browser_page
    page.goto(base_url + "/")
    wait_for_app(page)
    _login(page, EDITOR, EDITOR_PASSWORD)
    _go(page, "あなたの課の照会")
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="照会シートをダウンロード").click()
    assert download.value.suggested_filename == "各課照会_2026_市民課.xlsx"
    wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    ws = wb["05 コンビニ交付サービス"]
    rating_row = next(c.row for c in ws["A"] if c.value == "実績の検証評価") + 1
    ws[f"A{rating_row}"] = "C 未達成"
    ws[f"B{rating_row}"] = "　設置店舗の減少により交付率が伸びなかった　"
    filled = tmp_path / "市民課.xlsx"
    wb.save(filled)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(filled))
    page.get_by_role("button", name="取り込む").wait_for(timeout=60_000)
    _click(page, "取り込む", "1件の期末評価を取り込みました。")
    _go(page, "期末評価")
    page.get_by_role("tab", name="総括").click()
    row = page.locator("table.kpi-table tr", has_text="05 コンビニ交付サービス").first.inner_text()
    assert "C 未達成" in row and "設置店舗の減少により交付率が伸びなかった" in row and "入力中" in row
