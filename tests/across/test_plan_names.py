"""Names come from the plan file: a fictional municipality's plan never reads 「草津」.

The plan is the bundled R8 plan with its municipality and plan name changed (and every
「草津」 of its texts replaced), imported into a database of its own.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import streamlit
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from kpi.cycle import council
from kpi.cycle.reminders import reminder_body
from kpi.domain.fiscal import Month
from kpi.domain.plan import plan_title
from kpi.reports.content import Scope
from kpi.reports.schedule_sheet import schedule_pdf, schedule_xlsx
from kpi.reports.service import Inputs, load_inputs, report_bytes
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import plan_data
from kpi.text.labels import app_title
from kpi.web import words
from tests.conftest import ADMIN, ROOT, TODAY

TOWN = "テスト県"  # fictional: no such prefecture
PLAN_NAME = "テスト県DX推進計画"
FORBIDDEN = "草津"


def _fictional_plan(path: Path) -> Path:
    text = DEFAULT_PLAN.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^municipality: .*$", f"municipality: {TOWN}", text)
    text = re.sub(r"(?m)^plan_name: .*$", f"plan_name: {PLAN_NAME}", text)
    # The plan's own texts name places in the city (南草津, 草津市…計画); they are data, not
    # the code's doing, so the fictional copy renames them too.
    text = text.replace("草津市", TOWN).replace(FORBIDDEN, "テスト")
    assert FORBIDDEN not in text
    out = path / "plan_test_pref.yaml"
    out.write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def plan_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("plan_names")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, _fictional_plan(tmp), ADMIN)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def inputs(plan_url: str) -> Inputs:
    engine = make_engine(plan_url)
    loaded = load_inputs(engine, 2026)
    engine.dispose()
    assert loaded is not None
    return loaded


def _pdf_text(pdf: bytes) -> tuple[str, dict[str, Any]]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages), dict(reader.metadata or {})


def _xlsx_text(xlsx: bytes) -> str:
    wb = load_workbook(io.BytesIO(xlsx))
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def test_plan_title_puts_the_municipality_in_front_only_when_missing() -> None:
    assert plan_title("草津市", "草津市DXアクションプラン") == "草津市DXアクションプラン"
    assert plan_title(TOWN, "DX推進計画") == "テスト県 DX推進計画"
    assert plan_title("", "DX推進計画") == "DX推進計画"
    assert plan_title(None, None) == "DXアクションプラン"
    assert app_title(None) == "DXアクションプラン 進捗ダッシュボード"
    assert app_title(None, "en") == "DX Action Plan dashboard"
    assert app_title(PLAN_NAME) == "テスト県DX推進計画 進捗ダッシュボード"


def test_plan_data_carries_the_plan_name(plan_url: str) -> None:
    engine = make_engine(plan_url)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    assert (data.municipality, data.plan_name, data.title) == (TOWN, PLAN_NAME, PLAN_NAME)


def test_overview_tab_and_sidebar_name_the_plan(plan_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_DATABASE_URL", plan_url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    titles: list[str] = []
    real = streamlit.set_page_config

    def record(*args: Any, **kwargs: Any) -> None:
        titles.append(str(kwargs.get("page_title")))
        real(*args, **kwargs)

    # AppTest runs the page in this process; ui.page_setup looks the function up on the module.
    monkeypatch.setattr(streamlit, "set_page_config", record)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert titles and titles[-1] == "テスト県DX推進計画 進捗ダッシュボード"
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert "テスト県DX推進計画 進捗ダッシュボード" in sidebar
    page = "\n".join(m.value for m in at.markdown) + "\n".join(t.value for t in at.title)
    assert FORBIDDEN not in page + sidebar + titles[-1]


def test_overview_without_a_plan_has_a_neutral_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setenv("KPI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setattr(words, "cached_plan_titles", lambda url, version: {})
    assert words.current_app_title() == "DXアクションプラン 進捗ダッシュボード"


def test_report_pdf_names_the_plan_in_title_footer_and_metadata(inputs: Inputs) -> None:
    pdf = report_bytes(inputs, Month(2026, 10), Scope.parse("project:4"), "pdf", TODAY)
    text, meta = _pdf_text(pdf)
    assert "テスト県DX推進計画 進捗レポート" in text
    assert text.count("テスト県DX推進計画 進捗レポート・") >= 1  # the footer of every page
    assert str(meta["/Title"]).startswith("テスト県DX推進計画 進捗レポート")
    assert meta["/Author"] == TOWN
    assert FORBIDDEN not in text and FORBIDDEN not in str(meta)


def test_report_xlsx_summary_sheet_names_the_plan(inputs: Inputs) -> None:
    xlsx = report_bytes(inputs, Month(2026, 10), Scope.parse("project:4"), "xlsx", TODAY)
    wb = load_workbook(io.BytesIO(xlsx))
    assert wb["概要"]["A1"].value == "テスト県DX推進計画 進捗レポート"
    assert FORBIDDEN not in _xlsx_text(xlsx)


def test_schedule_sheet_and_pdf_name_the_plan(inputs: Inputs) -> None:
    xlsx = schedule_xlsx(inputs.data, [4, 5])
    wb = load_workbook(io.BytesIO(xlsx))
    assert str(wb.worksheets[0]["A1"].value).startswith("テスト県DX推進計画の取組に係る工程表")
    assert FORBIDDEN not in _xlsx_text(xlsx)
    text, meta = _pdf_text(schedule_pdf(inputs.data, [4, 5]))
    assert "テスト県DX推進計画の取組に係る工程表" in text
    assert str(meta["/Title"]).startswith("テスト県DX推進計画の取組に係る工程表")
    assert meta["/Author"] == TOWN
    assert FORBIDDEN not in text and FORBIDDEN not in str(meta)


def test_council_papers_name_the_plan(plan_url: str) -> None:
    engine = make_engine(plan_url)
    with transaction(engine) as s:
        pdf = council.council_papers(s, 2026, Month(2026, 10), "pdf", TODAY)
        xlsx = council.council_papers(s, 2026, Month(2026, 10), "xlsx", TODAY)
    engine.dispose()
    text, meta = _pdf_text(pdf)
    assert "テスト県DX推進計画 期末評価 総括" in text
    assert str(meta["/Title"]).startswith("テスト県DX推進計画 期末評価 総括")
    assert FORBIDDEN not in text and FORBIDDEN not in str(meta)
    wb = load_workbook(io.BytesIO(xlsx))
    assert str(wb[council.SUMMARY_SHEET]["A1"].value).startswith("テスト県DX推進計画 期末評価 総括")
    assert FORBIDDEN not in _xlsx_text(xlsx)


def test_reminder_mail_names_the_plan() -> None:
    body = reminder_body("情報政策課", [], Month(2026, 10), "令和8年度", None, "http://x", PLAN_NAME)
    assert "テスト県DX推進計画（令和8年度）について" in body
    neutral = reminder_body("情報政策課", [], Month(2026, 10), "令和8年度", None, "http://x")
    assert FORBIDDEN not in neutral


def test_no_municipality_is_hard_coded_in_the_code() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "kpi").rglob("*.py")), *sorted((ROOT / "pages").rglob("*.py"))]
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORBIDDEN in line
    ]
    assert found == []


def test_department_reminders_name_the_plan_from_the_database(plan_url: str) -> None:
    from kpi.cycle.reminders import department_reminders

    engine = make_engine(plan_url)
    with transaction(engine) as s:
        reminders = department_reminders(s, 2026, Month(2026, 10), "http://x")
    engine.dispose()
    assert reminders  # nothing reported yet: every department owes its figures
    for r in reminders:
        assert f"{PLAN_NAME}（令和8年度）について" in r.body
        assert FORBIDDEN not in r.subject + r.body
