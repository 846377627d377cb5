"""Real browser: axe-core finds no serious or critical WCAG 2.1 AA violation on any page.

WCAG 2.1 AA is the basis of JIS X 8341-3, which the city's web accessibility policy follows.
Every page is checked as an administrator sees it (the admin pages included), in Japanese.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kpi.text.catalog import t
from kpi.web.nav import PAGES

from .conftest import go, login, screenshot, wait_for_app

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary']}"
        for v in result.response["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def test_every_page_has_no_serious_or_critical_axe_violation(
    accounts_server: str, browser_page: Any, artifacts_dir: Path
) -> None:
    page = browser_page
    page.goto(accounts_server + "/")
    wait_for_app(page)
    login(page)
    found: dict[str, list[str]] = {}
    for path, key, _icon, _admin in PAGES:
        label = t(key)
        go(page, label)
        page.get_by_role("heading").first.wait_for()
        page.wait_for_timeout(800)  # plotly draws its SVG after the script has finished
        problems = _violations(page)
        if problems:
            found[label] = problems
            screenshot(page, artifacts_dir / f"axe-{Path(path).stem}.png")
    assert not found, "\n".join(f"{label}:\n  " + "\n  ".join(p) for label, p in found.items())
