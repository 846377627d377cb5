"""Issue 22 item 5: the 総括 table prints on A4 landscape — every column inside the page, no
sidebar, each project name at most two lines. Measured in Chromium under print emulation at
the width of an A4 landscape page (297 mm less 10 mm margins each side, 96 px per inch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import go, login, wait_for_app

A4_LANDSCAPE_PX = round((297 - 20) / 25.4 * 96)  # the printable width: 1047 px

MEASURE_JS = """() => {
  const t = document.querySelector('table.kpi-council');
  if (!t) return null;
  const heads = [...t.querySelectorAll('thead th, tr:first-child th')];
  const last = heads[heads.length - 1].getBoundingClientRect();
  const names = [...t.querySelectorAll('tbody tr td:first-child')].map(td => {
    const line = parseFloat(getComputedStyle(td).lineHeight) || 1.5 * parseFloat(getComputedStyle(td).fontSize);
    const pad = parseFloat(getComputedStyle(td).paddingTop) + parseFloat(getComputedStyle(td).paddingBottom);
    return {text: td.innerText, lines: Math.round((td.getBoundingClientRect().height - pad) / line)};
  });
  const side = document.querySelector('[data-testid="stSidebar"]');
  return {right: last.right, width: document.documentElement.clientWidth, names,
          sidebar: side ? side.getBoundingClientRect().width : 0};
}"""


def test_the_summary_table_prints_on_a4_landscape(accounts_server: str, browser_page: Any, artifacts_dir: Path) -> None:
    page = browser_page
    page.goto(accounts_server)
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
