"""The 懇話会 papers: the 総括 table first, then one 工程表 page per project with its 期末評価
filled; PDF and XLSX, from the command line too."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine

from kpi.cli.main import main
from kpi.cycle.council import SUMMARY_SHEET, council_papers
from kpi.cycle.evaluations import save_evaluation
from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor
from kpi.store.db import transaction
from kpi.store.inquiry import apply_action, open_inquiry
from tests.conftest import ADMIN

CITIZENS = Actor("shimin", "editor", ("市民課",))
REASON = "年度末の保有率は88.2%（目標89%）"


@pytest.fixture
def confirmed(demo_engine: Engine) -> Engine:
    with transaction(demo_engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        save_evaluation(s, CITIZENS, 2026, 4, "B", REASON, "=窓口の混雑")
        apply_action(s, CITIZENS, 2026, 4, "submit")
        apply_action(s, ADMIN, 2026, 4, "confirm")
    return demo_engine


def test_xlsx_has_the_summary_first_then_each_projects_sheet_and_no_formulas(confirmed: Engine) -> None:
    with transaction(confirmed) as s:
        content = council_papers(s, 2026, Month(2026, 10), "xlsx", date(2026, 11, 24))
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == SUMMARY_SHEET and len(wb.sheetnames) == 23
    summary = [list(r) for r in wb[SUMMARY_SHEET].iter_rows(values_only=True)]
    assert "B 概ね達成 1件" in summary[1][0] and "確定 1件" in summary[2][0]
    row = next(r for r in summary if r[0] == "04")
    assert row[4:8] == ["確定", "B 概ね達成", REASON, "'=窓口の混雑"]
    sheet = wb["04 マイナンバーカードの普及・啓発"]
    values = [c.value for r in sheet.iter_rows() for c in r if c.value]
    assert "B 概ね達成" in values and REASON in values
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)


def test_pdf_has_the_summary_then_one_page_per_project_holding_the_evaluation(confirmed: Engine) -> None:
    with transaction(confirmed) as s:
        content = council_papers(s, 2026, Month(2026, 10), "pdf", date(2026, 11, 24))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(content)).pages]
    summary_pages = [t for t in pages if "期末評価 総括（懇話会資料）" in t]
    assert summary_pages and len(pages) == len(summary_pages) + 22
    assert "確定" in summary_pages[0] and "88.2%" in summary_pages[0]
    page_04 = next(t for t in pages if "マイナンバーカードの普及・啓発" in t and "工程表" in t)
    assert "B 概ね達成" in page_04 and "88.2%" in page_04


def test_council_command(demo_app: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["council", "--format", "xlsx", "--out", str(tmp_path / "c.xlsx")]) == 0
    assert load_workbook(tmp_path / "c.xlsx").sheetnames[0] == SUMMARY_SHEET
