"""Issue 22 item 5: the 総括 table prints on A4 landscape — every column inside the page, no
sidebar, each project name at most two lines. Measured in Chromium under print emulation at
the width of an A4 landscape page (297 mm less 10 mm margins each side, 96 px per inch)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kpi.cycle.evaluations import save_evaluation
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from tests.conftest import ADMIN
from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USER, go, login, require_chromium, run_streamlit, wait_for_app

LONG_REASON = (
    "オンライン申請の対象手続きを計画どおり拡大し、条例に基づく手続きの実施状況の公開について関係課と"
    "調整を進めた。年度末までに83件の公開を達成した。"
)
LONG_ISSUE = "マイナンバーカードを活用した本人確認の導入に向けて、システム改修の費用と時期の検討が必要となった。"
PRINT_PORT = 8622  # this test's own server
A4_LANDSCAPE_PX = round((297 - 20) / 25.4 * 96)  # the printable width: 1047 px

MEASURE_JS = """() => {
  const t = document.querySelector('table.kpi-council');
  if (!t) return null;
  // Lines of a cell's text as drawn: the distinct tops of its text's line boxes.
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top))).size; };
  const heads = [...t.querySelectorAll('thead th, tr:first-child th')];
  const last = heads[heads.length - 1].getBoundingClientRect();
  // A name shows as many lines as its box is high (a clamped name ends in 「…」 after two).
  const shown = el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
  const names = [...t.querySelectorAll('tbody tr td:first-child')].map(td => {
    const box = td.querySelector('.kpi-clamp2') || td;
    return {text: td.innerText, lines: Math.min(lines(box), shown(box))};
  });
  const reasons = [...t.querySelectorAll('tbody tr td:nth-child(7)')].map(lines);
  const cut = [...t.querySelectorAll('td, th')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText);
  const short = heads.filter(th => th.innerText.trim().length <= 4).map(th => [th.innerText.trim(), lines(th)]);
  const side = document.querySelector('[data-testid="stSidebar"]');
  return {right: last.right, width: document.documentElement.clientWidth, names, reasons, cut, short,
          sidebar: side ? side.getBoundingClientRect().width : 0};
}"""


def test_the_summary_table_prints_on_a4_landscape(december_server: str, browser_page: Any, artifacts_dir: Path) -> None:
    page = browser_page
    page.goto(december_server)
    wait_for_app(page)
    login(page)
    go(page, "期末評価")
    page.get_by_role("tab", name="総括").click()
    page.locator("table.kpi-council").wait_for()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_LANDSCAPE_PX, "height": 740})
    page.wait_for_timeout(800)
    found = page.evaluate(MEASURE_JS)
    page.pdf(path=str(artifacts_dir / "print-summary.pdf"), format="A4", landscape=True, print_background=True)
    assert found is not None
    assert found["sidebar"] == 0  # no sidebar on paper
    assert found["right"] <= found["width"], f"the last column ends at {found['right']} of {found['width']} px"
    assert len(found["names"]) == 22
    tall = [n for n in found["names"] if n["lines"] > 2]
    assert not tall, tall
    assert not found["cut"], f"cut off in their cells: {found['cut']}"
    # The texts get the room: an 80-character reason reads in at most five lines (was eleven).
    assert max(found["reasons"]) <= 5, found["reasons"]
    broken = [h for h, n in found["short"] if n > 1]  # 「重点施 / 策」
    assert not broken, f"headers broken inside the word: {broken}"


@pytest.fixture(scope="module")
def december_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample data as loaded on 2 December (actuals to November), read on 24 November, with
    an administrator: the 全体概要 whose A4 print put 「未報告の指標」 alone at the foot of page 1."""
    require_chromium()
    from kpi.store import accounts as auth

    tmp = tmp_path_factory.mktemp("e2e-print")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, date(2026, 12, 2))
        auth.add_user(s, ADMIN, ADMIN_USER, ADMIN_PASSWORD, "admin")
    with transaction(engine) as s:  # evaluations with texts of the length departments write
        for no in range(1, 23):
            save_evaluation(s, ADMIN, 2026, no, "ABC"[no % 3], LONG_REASON if no % 2 else "延期", LONG_ISSUE)
    engine.dispose()
    with run_streamlit(url, tmp / "streamlit.log", PRINT_PORT) as base_url:
        yield base_url


def test_a_printed_heading_stays_with_its_table(december_server: str, browser_page: Any) -> None:
    import io
    import unicodedata

    from pypdf import PdfReader

    page = browser_page
    page.goto(december_server)
    wait_for_app(page)
    login(page)
    wait_for_app(page)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    # NFKC: Chromium's PDF text comes out in Kangxi radicals (⽉ for 月).
    texts = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]
    on = [i for i, t in enumerate(texts) if "未報告の指標" in t]
    assert on, "no 未報告の指標 heading printed"
    assert "最終報告月" in texts[on[0]], f"「未報告の指標」 printed without its table (page {on[0] + 1})"


def test_a_printed_table_never_leaves_one_row_alone(december_server: str, browser_page: Any) -> None:
    # The レポート page on A4 printed the last row of 月別の状況 (「22 アナログ規制点検・見直し」)
    # alone at the top of a page.
    import io
    import unicodedata

    from pypdf import PdfReader

    page = browser_page
    page.goto(december_server)
    wait_for_app(page)
    login(page)
    go(page, "レポート")
    page.locator("table.kpi-table").first.wait_for()
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    # Chromium's PDF text: Kangxi radicals (NFKC undoes them), 「‧」 for 「・」, spaces between runs.
    pages = [
        unicodedata.normalize("NFKC", p.extract_text() or "").replace("‧", "・").replace(" ", "")
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]
    last = [i for i, t in enumerate(pages) if "22アナログ規制点検・見直し" in t]
    assert last, "the 月別の状況 table's last row is not printed"
    for i in last:
        assert "21セキュリティポリシー" in pages[i], (
            f"page {i + 1}: 「22 アナログ規制点検・見直し」 without the row above it"
        )
