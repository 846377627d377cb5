"""Real browser: the public site opened from disk (file:// URLs) with every other request
blocked renders every page, and axe-core finds no serious or critical WCAG 2.1 AA violation
on any page of either language. Screenshots of the index and a project page at 1280 and
390 px go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kpi.domain.fiscal import Month
from kpi.reports.publication import publish, write_files
from kpi.services.demo import load_demo
from kpi.store import publications
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction

from ..conftest import ADMIN, TODAY
from .test_accessibility_browser import _violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("public-browser")
    engine = make_engine(f"sqlite:///{tmp / 'kpi.db'}")
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
        cid = publications.submit_comment(s, ADMIN, 2026, 4, "申請サポートを休日にも行っています。")
        publications.review_comment(s, ADMIN, cid, approve=True)
    result = publish(engine, ADMIN, 2026, Month(2026, 10), TODAY, ("ja", "en"))
    engine.dispose()
    assert result is not None
    write_files(result.files, tmp / "site")
    yield tmp / "site"


def _blocking(page: Any) -> list[str]:
    blocked: list[str] = []

    def handle(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return blocked


def test_every_page_renders_from_disk_with_outside_requests_blocked_and_passes_axe(
    site: Path, browser_page: Any, artifacts_dir: Path
) -> None:
    page = browser_page
    blocked = _blocking(page)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 2 * 30  # 22 projects, 10 measures and 4 more pages per language
    found: dict[str, list[str]] = {}
    for path in pages:
        page.goto(path.as_uri())
        heading = page.locator("main h1")
        assert heading.count() == 1 and heading.inner_text().strip(), path
        assert page.locator("main").inner_text().strip().count("\n") > 2, path
        css_ok = page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display !== 'inline'")
        assert css_ok, f"{path}: style.css not applied"
        if path.name.startswith("project-"):
            charts = page.locator("main svg[role=img]")
            for i in range(charts.count()):
                assert charts.nth(i).bounding_box()["width"] > 200, path  # drawn, not collapsed
        problems = _violations(page)
        if problems:
            found[str(path.relative_to(site))] = problems
    assert not blocked, blocked
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in found.items())


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_index_and_a_project_page(site: Path, browser: Any, artifacts_dir: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    blocked = _blocking(page)
    for name in ("index.html", "project-4.html"):
        page.goto((site / name).as_uri())
        # nothing wider than the window: no sideways scrolling on a phone
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=str(artifacts_dir / f"public-{Path(name).stem}-{width}.png"), full_page=True)
    assert not blocked
    context.close()
