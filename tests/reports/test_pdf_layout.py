"""PDF layout (issue 22): no page holds only a heading or one table row, cell text breaks
between phrases, the 懇話会 header never breaks a word. Checked on the text positions."""

from __future__ import annotations

import re
from datetime import date

import pytest
from reportlab.lib.units import mm
from sqlalchemy import Engine

from kpi.cycle.council import council_papers
from kpi.domain.fiscal import Month
from kpi.reports import pdf, pdf_text
from kpi.reports.fonts import register_japanese_font
from kpi.reports.service import Inputs, report_bytes
from kpi.text import phrases
from tests.conftest import TODAY
from tests.reports.pdf_lines import pdf_lines

AS_OF = Month(2026, 10)
FOOTER_Y = 30  # points from the bottom: the footer line


@pytest.fixture(scope="module")
def report(sample_inputs: Inputs) -> bytes:
    from kpi.reports.content import Scope

    return report_bytes(sample_inputs, AS_OF, Scope.parse("all"), "pdf", TODAY)


def test_a_split_table_keeps_at_least_two_rows_on_each_page() -> None:
    st = pdf.Styles(register_japanese_font())
    rows = [([f"{i:02d}", "行政手続のオンライン化の推進"], None) for i in range(1, 8)]
    table = pdf.data_table(st, ["No", "実施事業"], rows, [20, 120], 0)
    _, height = table.wrap(200 * mm, 1000 * mm)
    body_rows = len(rows)
    for avail in range(20, int(height) + 20, 3):
        parts = table.split(200 * mm, avail)
        if len(parts) < 2:
            continue
        sizes = [len(p._cellvalues) - 1 for p in parts]  # minus the repeated header
        assert sum(sizes) == body_rows
        assert min(sizes) >= pdf_text.MIN_ROWS, (avail, sizes)


def test_a_short_table_is_never_split() -> None:
    st = pdf.Styles(register_japanese_font())
    rows = [([f"{i:02d}", "貸館予約システム"], None) for i in range(1, 4)]
    table = pdf.data_table(st, ["No", "実施事業"], rows, [20, 120], 0)
    _, height = table.wrap(200 * mm, 1000 * mm)
    for avail in range(20, int(height), 3):
        assert len(table.split(200 * mm, avail)) != 2


def test_no_report_page_holds_a_single_summary_row(report: bytes) -> None:
    lines = pdf_lines(report)
    summary_pages = {ln.page for ln in lines if ln.text == "指標・●の内訳"}  # its repeated header
    numbers: dict[int, int] = {}
    for line in lines:
        if line.page in summary_pages and re.fullmatch(r"\d\d", line.text) and line.x < 45:  # its No column
            numbers[line.page] = numbers.get(line.page, 0) + 1
    assert numbers and all(n >= pdf_text.MIN_ROWS for n in numbers.values()), numbers


def test_no_report_page_ends_with_a_section_heading(report: bytes) -> None:
    lines = pdf_lines(report)
    headings = {
        pdf.SECTION_WHY, pdf.SECTION_HISTORY, pdf.SECTION_INDICATORS, pdf.SECTION_CHARTS, pdf.SECTION_MILESTONES
    }  # fmt: skip
    found = [ln for ln in lines if ln.text in headings]
    assert len(found) >= 4
    for h in found:
        below = [ln for ln in lines if ln.page == h.page and FOOTER_Y < ln.y < h.y - 1]
        assert len(below) >= 3, f"{h.text} alone at the foot of page {h.page}"


def test_cell_text_breaks_between_phrases() -> None:
    st = pdf.Styles(register_japanese_font())
    text = "コンビニ交付可能な証明書発行件数に占めるコンビニ交付の割合"
    lines = pdf_text.lines(text, st.cell, 16 * 8.5)
    assert len(lines) > 1 and "".join(lines) == text
    assert all(not a.endswith("件") for a in lines)
    ends, at = set(), 0
    for p in phrases.phrases(text):
        at += len(p)
        ends.add(at)
    at = 0
    for line in lines:
        at += len(line)
        assert at in ends


def test_council_header_never_breaks_a_word(demo_engine: Engine) -> None:
    from kpi.store.db import transaction

    with transaction(demo_engine) as s:
        content = council_papers(s, 2026, AS_OF, "pdf", date(2026, 11, 24))
    first = [ln.text for ln in pdf_lines(content) if ln.page == 1]
    assert "重点施策" in first
    assert "策" not in first and "重点施" not in first
    assert "経営戦略課" in first  # a department name stays whole


def test_schedule_sheet_cells_break_between_phrases(sample_inputs: Inputs) -> None:
    from kpi.reports.schedule_sheet import schedule_pdf

    lines = [ln.text for ln in pdf_lines(schedule_pdf(sample_inputs.data, [1])) if ln.page == 1]
    assert "開" not in lines and not any(t.endswith("実施状況の公") for t in lines)  # was 「…公 / 開」
    assert any(t.endswith("実施状況の") for t in lines) or "条例に基づく手続きの実施状況の公開" in lines
