"""Visitors never see a traceback or SQL: a friendly message with an incident id, and the
traceback in the server log under the same id."""

from __future__ import annotations

import logging
import re
import tomllib
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kpi.web import nav
from tests.conftest import ROOT

PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
SECRET_SQL = "SELECT password_hash FROM users WHERE username = 'boss'"


def _visible_text(at: AppTest) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def test_streamlit_shows_no_error_details() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("page", PAGES)
def test_an_error_in_a_page_shows_an_incident_id_and_logs_the_traceback(
    page: str, app_env: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(url: str, version: int) -> list[tuple[int, str]]:
        raise RuntimeError(f"(psycopg.errors.UndefinedTable) {SECRET_SQL}")

    monkeypatch.setattr(nav, "cached_fiscal_years", broken)
    caplog.set_level(logging.ERROR, logger="kpi.services.incident")
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()

    assert not at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and "問題が発生しました" in messages[0], messages
    found = re.search(r"エラー番号 ([0-9a-f]{8})", messages[0])
    assert found is not None
    text = _visible_text(at)
    assert "Traceback" not in text and SECRET_SQL not in text and "RuntimeError" not in text
    logged = [r for r in caplog.records if r.name == "kpi.services.incident"]
    assert any(found.group(1) in r.getMessage() and r.exc_info for r in logged)
