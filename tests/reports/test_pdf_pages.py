"""Issue 22 item 6: no report page holds a short table (one row, or a few) that had room on
the page before: a section moves to a new page only when its heading and table do not fit
where the previous one ended. Checked on the text positions of the PDF of every scope."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from kpi.domain.fiscal import Month
from kpi.reports import pdf
from kpi.reports.content import Scope
from kpi.reports.service import Inputs, report_bytes
from tests.conftest import TODAY
from tests.reports.pdf_lines import Line, pdf_lines

AS_OF = Month(2026, 10)
BOTTOM = pdf.MARGIN + 4 * mm  # the frame's bottom edge (the footer is below it)
TABLE_SECTIONS = (pdf.SECTION_WHY, pdf.SECTION_HISTORY, pdf.SECTION_INDICATORS, pdf.SECTION_MILESTONES)
HEADING_ABOVE = 13 + 4 * mm  # from a heading's baseline to the top of its space before
ROW_BELOW = 6  # from a cell's last baseline to the table's bottom line


def _content(lines: list[Line], page: int) -> list[Line]:
    return [ln for ln in lines if ln.page == page and ln.y > BOTTOM]


def _moved_sections(report: bytes) -> list[str]:
    """Sections that start a page although heading and table fitted on the page before."""
    lines = pdf_lines(report)
    headings = {pdf.SECTION_WHY, pdf.SECTION_HISTORY, pdf.SECTION_INDICATORS, pdf.SECTION_CHARTS}
    headings |= {pdf.SECTION_MILESTONES, "指標の状況", "月別の状況（各月末時点）"}
    out = []
    for page in range(2, max(ln.page for ln in lines) + 1):
        here = sorted(_content(lines, page), key=lambda ln: -ln.y)
        if not here or here[0].text not in TABLE_SECTIONS:
            continue
        rest = here[1:]
        end = next((i for i, ln in enumerate(rest) if ln.text in headings), len(rest))
        block = rest[:end]
        if not block or (end == len(rest) and page < max(ln.page for ln in lines) and _continues(lines, page)):
            continue  # the section goes on to the next page: a long table, split with its header
        height = (here[0].y + HEADING_ABOVE) - (min(ln.y for ln in block) - ROW_BELOW)
        before = _content(lines, page - 1)
        free = min(ln.y for ln in before) - ROW_BELOW - BOTTOM
        if height < free - 2:
            out.append(f"page {page}: {here[0].text} ({height:.0f} pt) had {free:.0f} pt on page {page - 1}")
    return out


def _continues(lines: list[Line], page: int) -> bool:
    nxt = sorted(_content(lines, page + 1), key=lambda ln: -ln.y)
    return bool(nxt) and nxt[0].text not in TABLE_SECTIONS and nxt[0].text != pdf.SECTION_CHARTS


@pytest.mark.parametrize("scope", ["all", "policy:1", "measure:1", "measure:2", "project:5", "project:1"])
def test_no_section_moves_to_a_new_page_when_it_fitted_on_the_last(sample_inputs: Inputs, scope: str) -> None:
    report = report_bytes(sample_inputs, AS_OF, Scope.parse(scope), "pdf", TODAY)
    assert not _moved_sections(report)


def test_a_one_project_report_keeps_its_one_row_indicator_table_with_the_rest(sample_inputs: Inputs) -> None:
    # Was: page 2 held the one row of 指標の状況, the chart was on page 3.
    report = report_bytes(sample_inputs, AS_OF, Scope.parse("project:5"), "pdf", TODAY)
    lines = pdf_lines(report)
    heading = next(ln for ln in lines if ln.text == pdf.SECTION_INDICATORS)
    others = [ln for ln in _content(lines, heading.page) if ln.y > heading.y]
    assert others, f"{pdf.SECTION_INDICATORS} starts page {heading.page} alone"
    assert max(ln.page for ln in lines) <= 2


FRAME_H = pdf.PAGE[1] - pdf.MARGIN - BOTTOM  # the height the story flows in


def _lonely_sections(report: bytes) -> list[str]:
    """Pages that hold nothing but one short section (a heading and a few rows, or its note)."""
    lines = pdf_lines(report)
    headings = {pdf.SECTION_WHY, pdf.SECTION_HISTORY, pdf.SECTION_INDICATORS, pdf.SECTION_CHARTS}
    headings |= {pdf.SECTION_MILESTONES}
    out = []
    for page in range(2, max(ln.page for ln in lines) + 1):
        here = sorted(_content(lines, page), key=lambda ln: -ln.y)
        if not here or here[0].text not in headings or any(ln.text in headings for ln in here[1:]):
            continue
        height = (here[0].y + HEADING_ABOVE) - (min(ln.y for ln in here) - ROW_BELOW)
        if height < 0.4 * FRAME_H:
            out.append(f"page {page}: only {here[0].text}, {height:.0f} pt of {FRAME_H:.0f}")
    return out


@pytest.mark.parametrize("scope", ["all", "policy:1", "policy:2", "policy:3", "measure:1", "measure:7", "project:5"])
def test_no_page_holds_only_a_short_section(sample_inputs: Inputs, scope: str) -> None:
    # Was: the 基本方針3 report printed the one row of its ● table alone on page 4 after the charts.
    for as_of in (AS_OF, Month(2026, 11)):
        report = report_bytes(sample_inputs, as_of, Scope.parse(scope), "pdf", TODAY)
        assert not _lonely_sections(report), (str(as_of), _lonely_sections(report))
