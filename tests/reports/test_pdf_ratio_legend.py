"""Issue 22a: the PDF legend says what 進捗率 measures (the catalog's one line), and the
workbook's self-assessment sheet names authors as people (コマンド操作（root）, not cli:root)."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader
from sqlalchemy import Engine

from kpi.domain.fiscal import Month
from kpi.domain.permissions import cli_actor
from kpi.reports.content import Scope
from kpi.reports.service import load_inputs, report_bytes
from kpi.services.demo import load_demo
from kpi.store.db import transaction
from kpi.text.catalog import t
from tests.conftest import TODAY


def test_the_pdf_legend_explains_the_ratio_and_the_workbook_reads_authors_as_people(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        load_demo(s, 2026, cli_actor(), TODAY)
    inputs = load_inputs(plan_engine, 2026)
    assert inputs is not None
    pdf = report_bytes(inputs, Month(2026, 10), Scope.parse("project:4"), "pdf", TODAY)
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    assert t("glance_ratio_help")[:20] in first
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(inputs, Month(2026, 10), Scope.parse("all"), "xlsx", TODAY)))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert not [c for c in cells if c.startswith("cli:")]
    assert any(c.startswith("コマンド操作（") for c in cells)
