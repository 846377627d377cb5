"""Reports: the PDF (pages, Japanese text, embedded font), the XLSX round trip, PNG charts,
and the 工程表 export (one sheet / page per project, bars and ● in their month columns)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from kpi.cli.main import main as cli_main
from kpi.cycle.evaluations import save_evaluation
from kpi.domain.fiscal import Month
from kpi.domain.status import Status
from kpi.domain.statuses import indicator_statuses
from kpi.reports.content import Scope, ScopeError, build_report, scope_projects
from kpi.reports.schedule_sheet import grid_months, schedule_pdf, schedule_xlsx, sheet_name
from kpi.reports.service import Inputs, load_inputs, report_bytes
from kpi.reports.tables import month_text
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.text.labels import status_text
from kpi.text.palette import STATUS_STYLES
from tests.conftest import ADMIN, TODAY

AS_OF = Month(2026, 10)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
        save_evaluation(s, ADMIN, 2026, 4, "B", "保有率は目標に近づいている", "更新手続の増加")
    loaded = load_inputs(engine, 2026)
    engine.dispose()
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def pdf_all(inputs: Inputs) -> bytes:
    return report_bytes(inputs, AS_OF, Scope.parse("all"), "pdf", TODAY)


def _pdf_fonts(reader: PdfReader) -> list[dict[str, Any]]:
    fonts = []
    for page in reader.pages:
        res = page["/Resources"].get_object()
        for ref in res.get("/Font", {}).values():
            fonts.append(ref.get_object())
    return fonts


def test_scope_parse_and_projects(inputs: Inputs) -> None:
    assert Scope.parse("measure:2") == Scope("measure", 2)
    assert scope_projects(inputs.data, Scope.parse("measure:2")) == [4, 5]
    assert len(scope_projects(inputs.data, Scope.parse("all"))) == 22
    assert scope_projects(inputs.data, Scope.parse("policy:1")) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ScopeError):
        Scope.parse("dept:1")
    with pytest.raises(ScopeError):
        scope_projects(inputs.data, Scope.parse("project:99"))


def test_pdf_holds_japanese_titles_statuses_and_matches_dashboard(inputs: Inputs, pdf_all: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf_all))
    assert 3 <= len(reader.pages) <= 12
    text = "\n".join(p.extract_text() for p in reader.pages)
    for words in (
        "草津市DXアクションプラン 進捗レポート",
        "基準月 2026年10月",
        "実施事業の状況",
        "指標の推移",
        "マイルストーン",
    ):
        assert words in text
    assert "サンプルデータを含みます" in text
    statuses = indicator_statuses(inputs.data, AS_OF)
    for row in statuses[statuses["kind"] == "indicator"].to_dict("records"):
        assert row["name"][:8] in text.replace("\n", "")
    assert "\x00" not in text  # every glyph maps back to its character
    assert status_text("delayed") in text and status_text("on_track") in text


def _assert_japanese_font_embedded(reader: PdfReader) -> None:
    fonts = _pdf_fonts(reader)
    cjk = [f for f in fonts if "IPAexGothic" in str(f["/BaseFont"])]
    assert cjk, "the Japanese font is used"
    for f in cjk:
        assert "/FontFile2" in f["/FontDescriptor"].get_object(), f"{f['/BaseFont']} is not embedded"
    # Any other font is reportlab's reserved standard font, never used for text.
    assert {str(f["/BaseFont"]) for f in fonts if f not in cjk} <= {"/Helvetica"}


def test_pdf_embeds_its_japanese_font_and_draws_every_chart_as_vector(inputs: Inputs, pdf_all: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf_all))
    _assert_japanese_font_embedded(reader)
    assert sum(len(p.images) for p in reader.pages) == 0  # charts are drawings, not pictures
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    # The charts' own text is real text in the embedded font: titles, labels, ticks, legends.
    for words in ("② マイナンバーカード保有率", "目標値 89%", "基準値 85%", "年度末予測", "計画上の推移", "4月", "3月"):
        assert words in text, words
    assert text.count("基準月 2026年10月") >= 11 + 1  # every chart's as-of label, and the subtitle


def test_pdf_of_one_project_without_indicators(inputs: Inputs) -> None:
    pdf = report_bytes(inputs, AS_OF, Scope.parse("project:2"), "pdf", TODAY)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "実施事業2 貸館予約システム" in text
    assert "この範囲には数値指標がありません" in text


def test_xlsx_round_trips_actuals_and_statuses(inputs: Inputs) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(inputs, AS_OF, Scope.parse("all"), "xlsx", TODAY)))
    assert wb.sheetnames == ["概要", "指標", "月次実績", "マイルストーン", "自己評価", "期末評価", "理由", "月別の状況"]
    content = build_report(inputs.data, AS_OF, Scope.parse("all"), inputs.evaluations)
    ind = wb["指標"]
    rows = {r[2]: r for r in ind.iter_rows(min_row=2, values_only=True)}
    for r in content.indicators.to_dict("records"):
        got = rows[r["id"]]
        assert got[11] == status_text(r["status"])
        if r["actual"] is not None:
            assert got[8] == pytest.approx(r["actual"], abs=0.05)
    monthly = list(wb["月次実績"].iter_rows(min_row=2, values_only=True))
    actuals = {
        (c, month_text(m)): v for c, m, v in inputs.data.actuals[["code", "month", "value"]].itertuples(index=False)
    }
    assert len(monthly) == 11 * 7  # every indicator, April … October
    for code, _name, _unit, month, value, *_ in monthly:
        if (code, month) in actuals:
            assert value == pytest.approx(actuals[(code, month)], abs=0.05)
        else:
            assert value == "―"
    # Status cells carry their colour fill.
    cell = next(c for c in ind["L"][1:] if c.value == status_text("delayed"))
    assert cell.fill.fgColor.rgb.endswith(STATUS_STYLES[Status.DELAYED].color.lstrip("#"))
    ev = {r[0]: r for r in wb["期末評価"].iter_rows(min_row=2, values_only=True)}
    assert ev["04"][2] == "B 概ね達成" and ev["04"][3] == "保有率は目標に近づいている"
    assert ev["01"][2] == "未記入"


def test_png_zip_has_one_chart_per_indicator(inputs: Inputs) -> None:
    data = report_bytes(inputs, AS_OF, Scope.parse("measure:2"), "png", TODAY)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = sorted(zf.namelist())
        assert names == ["R8_04_04-mynumber-card-rate_2026-10.png", "R8_05_05-konbini-issuance-share_2026-10.png"]
        png = zf.read(names[0])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.info["dpi"][0] == pytest.approx(200, abs=1)  # print quality
    assert image.width >= 1200


def test_schedule_xlsx_has_22_sheets_with_bars_and_marks_in_month_columns(inputs: Inputs) -> None:
    data = inputs.data
    wb = openpyxl.load_workbook(io.BytesIO(schedule_xlsx(data, list(data.projects["project_no"]), inputs.evaluations)))
    assert len(wb.sheetnames) == 22
    assert wb.sheetnames[0] == sheet_name("01", "行政手続のオンライン化の推進") == "01 行政手続のオンライン化の推進"
    col = {str(m): i + 2 for i, m in enumerate(grid_months(2026))}  # column A holds the items
    ws = wb.worksheets[0]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    item_row = {v: r for (r, c), v in cells.items() if c == 1}
    # Row 条例に基づく手続きの実施状況の公開: ● in 2026-10; row 取扱い歳入の拡大: ● in 2026-04.
    assert cells[(item_row["条例に基づく手続きの実施状況の公開"], col["2026-10"])] == "●"
    assert cells[(item_row["取扱い歳入の拡大"], col["2026-04"])] == "●"
    # The bar 適宜啓発・導入支援 spans 2026-04..2027-03; 各課照会 / 総括 / 懇話会 sit in R9 4, 5, 6.
    r = item_row["オンライン申請の対象手続きの拡大"]
    assert cells[(r, col["2026-04"])] == "適宜啓発・導入支援"
    merged = [str(m) for m in ws.merged_cells.ranges]
    assert f"B{r}:M{r}" in merged
    assert [cells[(r, col[m])] for m in ("2027-04", "2027-05", "2027-06")] == ["各課照会", "総括", "懇話会"]
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    # The 期末評価 block is filled from the evaluation of project 4.
    ws4 = wb.worksheets[3]
    values = [c.value for row in ws4.iter_rows() for c in row if c.value]
    assert "B 概ね達成" in values and "保有率は目標に近づいている" in values and "更新手続の増加" in values
    # Sheet 15: "● 通知" in April, then the bar 伴走支援 from May.
    ws15 = wb.worksheets[14]
    c15 = {(c.row, c.column): c.value for row in ws15.iter_rows() for c in row if c.value is not None}
    r15 = next(r for (r, c), v in c15.items() if c == 1 and v == "伴走支援等によるDXの取組の推進")
    assert c15[(r15, col["2026-04"])] == "● 通知" and c15[(r15, col["2026-05"])] == "伴走支援"


def test_schedule_pdf_has_one_page_per_project(inputs: Inputs) -> None:
    data = inputs.data
    pdf = PdfReader(io.BytesIO(schedule_pdf(data, [1, 4, 15], inputs.evaluations)))
    assert len(pdf.pages) == 3
    second = pdf.pages[1].extract_text()
    assert "マイナンバーカードの普及・啓発" in second and "期末評価" in second and "B 概ね達成" in second


def test_cli_report_and_schedule_sheet(app_env: str, tmp_path: Path) -> None:
    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    engine.dispose()
    out = tmp_path / "r.xlsx"
    assert cli_main(["report", "--format", "xlsx", "--scope", "measure:2", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert "基準月 2026年10月" in wb["概要"]["A2"].value  # default as-of: the latest ended month
    sheet = tmp_path / "s.xlsx"
    assert cli_main(["schedule-sheet", "--out", str(sheet)]) == 0
    assert len(openpyxl.load_workbook(sheet).sheetnames) == 22
    assert cli_main(["report", "--scope", "project:99", "--out", str(tmp_path / "x.pdf")]) == 2


def test_a_long_japanese_name_in_a_pdf_table_wraps_at_the_line_end_not_after_its_number() -> None:
    # Seen in the 月別の状況 table (name column 90 mm): 「18」 alone on a line, the name below it.
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    from kpi.reports.fonts import register_japanese_font
    from kpi.reports.pdf import Styles

    name = "18 職員のICT知識およびツールの利活用能力の向上に向けた研修"
    cell = Paragraph(name, Styles(register_japanese_font()).cell)
    cell.wrap(90 * mm - 12, 1000)
    first_line = "".join(cell.blPara.lines[0][1])
    assert first_line.startswith("18 職員のICT")
