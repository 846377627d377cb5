"""Report costs that must not grow with the plan: counted, not timed (issue 12)."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import openpyxl
import pytest

import kpi.reports.xlsx as xlsx
from kpi.domain.fiscal import Month
from kpi.domain.status import Status
from kpi.reports.content import Scope, build_report
from kpi.reports.service import Inputs, report_bytes
from kpi.text.labels import status_text
from kpi.text.palette import STATUS_STYLES
from tests.conftest import TODAY

AS_OF = Month(2026, 10)


@pytest.fixture(scope="module")
def inputs(sample_inputs: Inputs) -> Inputs:
    return sample_inputs


def _style_objects_made(inputs: Inputs, scope: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, Counter[str]]:
    made: Counter[str] = Counter()

    def counting(cls: Any) -> Any:
        class Counted(cls):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                made[cls.__name__] += 1
                super().__init__(*args, **kwargs)

        return Counted

    for name in ("PatternFill", "Font", "Alignment", "NamedStyle"):
        monkeypatch.setattr(xlsx, name, counting(getattr(xlsx, name)))
    data = report_bytes(inputs, AS_OF, Scope.parse(scope), "xlsx", TODAY)
    monkeypatch.undo()
    rows = sum(ws.max_row for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets)
    return rows, made


def test_xlsx_makes_its_styles_a_constant_number_of_times(inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    small_rows, small = _style_objects_made(inputs, "project:1", monkeypatch)
    big_rows, big = _style_objects_made(inputs, "all", monkeypatch)
    assert big_rows > 5 * small_rows  # the two sizes differ
    assert big == small  # ...yet the same style objects are made for both
    assert sum(big.values()) <= 3 * len(STATUS_STYLES) + 5


def test_xlsx_status_cells_keep_their_colour_shape_and_text(inputs: Inputs) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(inputs, AS_OF, Scope.parse("all"), "xlsx", TODAY)))
    seen = set()
    for row in wb["指標"].iter_rows(min_row=2):
        cell = row[11]  # 状況
        for status, style in STATUS_STYLES.items():
            if cell.value == status_text(status.value):
                assert cell.fill.fgColor.rgb.endswith(style.color.lstrip("#"))
                assert cell.font.color.rgb.endswith(style.text_color.lstrip("#"))
                assert cell.font.b and cell.alignment.horizontal == "center"
                seen.add(status)
    assert Status.ON_TRACK in seen
    missing = [c for row in wb["月次実績"].iter_rows(min_row=2) for c in row if c.value == "―"]
    assert missing and all(c.alignment.horizontal == "center" for c in missing)
    long_text = wb["指標"].cell(2, 4)
    assert long_text.alignment.wrap_text
    assert wb["指標"].freeze_panes == "A2"


def test_project_codes_are_looked_up_not_rebuilt_per_row(inputs: Inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    content = build_report(inputs.data, AS_OF, Scope.parse("all"), generated_on=TODAY)
    calls = Counter[str]()
    frame = type(content.projects)
    real = frame.__getitem__

    def counted(self: Any, key: Any) -> Any:
        if self is content.projects and key == "code":
            calls["code"] += 1
        return real(self, key)

    monkeypatch.setattr(frame, "__getitem__", counted)
    codes = [content.project_code(n) for n in content.projects["id"]]
    assert len(codes) == 22 and codes[0] == "01"
    assert calls["code"] <= 1


def test_report_charts_reuse_one_figure_and_draw_as_a_fresh_one(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi.reports import print_charts
    from kpi.reports.images import report_charts

    content = build_report(inputs.data, AS_OF, Scope.parse("all"), generated_on=TODAY)
    charts = [c.chart for c in report_charts(inputs.data, content)]
    assert len(charts) > 10
    made = Counter[str]()
    real = print_charts._new_figure

    def counted(chart: Any) -> Any:
        made["figure"] += 1
        return real(chart)

    monkeypatch.setattr(print_charts, "_new_figure", counted)
    print_charts._reused.clear()
    few = [print_charts.chart_png(c, dpi=40) for c in charts[:2]]
    assert made["figure"] == 1
    many = [print_charts.chart_png(c, dpi=40) for c in charts]
    vector = [print_charts.chart_recording(c) for c in charts[:3]]
    assert made["figure"] == 1 and len(vector) == 3  # PNG and PDF share it too
    # Whatever was drawn before, each chart comes out as it does on a figure of its own.
    for chart, png in [(charts[1], few[1]), *zip(charts[::-1][:6], many[::-1][:6], strict=True)]:
        print_charts._reused.clear()
        assert print_charts.chart_png(chart, dpi=40) == png


def test_xlsx_headings_take_the_plan_level_names_and_texts_stay(inputs: Inputs) -> None:
    from dataclasses import replace

    from kpi.reports.xlsx import SHEETS, report_xlsx

    content = build_report(inputs.data, AS_OF, Scope.parse("all"), generated_on=TODAY)
    renamed = replace(content, levels=("分野", "施策", "取組"))
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(renamed)))
    assert wb.sheetnames == list(SHEETS)
    headers = [c.value for c in wb["指標"][1]]
    assert headers[:2] == ["取組", "取組名"] and "実施事業" not in headers
    assert wb["月別の状況"].cell(1, 1).value == "取組"
    summary = wb["概要"]
    assert summary["A1"].font.b and summary["A1"].font.sz == 14
    header_row = next(r for r in range(1, 8) if summary.cell(r, 1).fill.fill_type == "solid")
    assert summary.freeze_panes == f"A{header_row + 1}" and summary.print_title_rows == f"${header_row}:${header_row}"
    assert summary.auto_filter.ref == f"A{header_row}:G{header_row + len(content.projects)}"
    assert summary.column_dimensions["C"].width == 50
