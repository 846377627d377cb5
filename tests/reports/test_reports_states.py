"""Reports in every data state and without a browser: a freshly initialised database, two
actuals, no Chromium on PATH; no text reads nan/None; Excel formats; no live formula."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from pypdf import PdfReader

from kpi.charts.data import expected_digits
from kpi.cli.main import main as cli_main
from kpi.cycle.evaluations import save_evaluation
from kpi.domain.fiscal import Month
from kpi.reports.content import Scope
from kpi.reports.service import data_version, load_inputs, report_bytes
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from tests.conftest import ADMIN, TODAY

AS_OF = Month(2026, 10)
NOT_A_VALUE = re.compile(r"\b(nan|NaN|None|inf|NaT)\b")


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _xlsx_values(xlsx: bytes) -> list[Any]:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    return [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def _make_everything(tmp_path: Path) -> dict[str, bytes]:
    """Every report format through the CLI, as a new city would run it."""
    out = {}
    for fmt, name in (("pdf", "r.pdf"), ("xlsx", "r.xlsx"), ("png", "r.zip")):
        assert cli_main(["report", "--format", fmt, "--out", str(tmp_path / name)]) == 0
        out[name] = (tmp_path / name).read_bytes()
    for fmt, name in (("xlsx", "s.xlsx"), ("pdf", "s.pdf")):
        assert cli_main(["schedule-sheet", "--format", fmt, "--out", str(tmp_path / name)]) == 0
        out[name] = (tmp_path / name).read_bytes()
    return out


def _assert_no_missing_markers(files: dict[str, bytes]) -> None:
    for name in ("r.pdf", "s.pdf"):
        text = _pdf_text(files[name])
        assert not NOT_A_VALUE.search(text), (name, NOT_A_VALUE.findall(text)[:5])
    for name in ("r.xlsx", "s.xlsx"):
        for v in _xlsx_values(files[name]):
            assert not (isinstance(v, float) and v != v), name  # no NaN numbers
            assert not NOT_A_VALUE.search(str(v)), (name, v)
    with zipfile.ZipFile(io.BytesIO(files["r.zip"])) as zf:
        assert len(zf.namelist()) == 11
        assert all(zf.read(n)[:4] == b"\x89PNG" for n in zf.namelist())


def test_every_report_of_a_freshly_initialised_database(app_env: str, tmp_path: Path) -> None:
    assert cli_main(["init"]) == 0
    files = _make_everything(tmp_path)
    _assert_no_missing_markers(files)
    text = _pdf_text(files["r.pdf"])
    assert "公開しているオンライン申請の手続き数" in text and "未入力" in text and "―" in text


def test_every_report_after_importing_just_two_actuals(app_env: str, tmp_path: Path) -> None:
    assert cli_main(["init"]) == 0
    csv = tmp_path / "two.csv"
    csv.write_text(
        # 120 hours by May is behind plan (遅延): like the form, the import needs a note for it.
        "indicator_id,month,value,note\n04-mynumber-card-rate,2026-04,85.3,\n"
        "14-ai-rpa-hours-saved,2026-05,120,導入準備のため5月は試行のみ\n"
    )
    assert cli_main(["import-actuals", str(csv)]) == 0
    files = _make_everything(tmp_path)
    _assert_no_missing_markers(files)
    text = _pdf_text(files["r.pdf"])
    assert "85.3%（4月）" in text.replace("\n", "")
    values = _xlsx_values(files["r.xlsx"])
    assert 85.3 in values and 120 in values


def test_cli_report_shows_a_progress_line(app_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["init"]) == 0
    assert cli_main(["report", "--format", "png", "--scope", "measure:2", "--out", str(tmp_path / "c.zip")]) == 0
    err = capsys.readouterr().err
    assert "グラフ 1/2" in err and err.rstrip().endswith("グラフ 2/2")


@pytest.fixture
def demo_inputs(demo_engine: Any) -> Any:
    loaded = load_inputs(demo_engine, 2026)
    assert loaded is not None
    return loaded


def test_pdf_without_chromium_or_any_subprocess_embeds_its_font_and_japanese_text(
    demo_inputs: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium, no fc-match, nothing
    monkeypatch.delitem(sys.modules, "kaleido", raising=False)

    def no_subprocess(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a report started an external program: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    pdf = report_bytes(demo_inputs, AS_OF, Scope.parse("measure:2"), "pdf", TODAY)
    assert "kaleido" not in sys.modules
    reader = PdfReader(io.BytesIO(pdf))
    embedded = []
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            if "IPAexGothic" in str(font["/BaseFont"]):
                embedded.append("/FontFile2" in font["/FontDescriptor"].get_object())
    assert embedded and all(embedded)
    text = _pdf_text(pdf)
    assert "マイナンバーカード保有率" in text and "目標値 89%" in text and "\x00" not in text


def test_excel_has_percent_rounded_numbers_frozen_headers_and_one_title(demo_inputs: Any) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(demo_inputs, AS_OF, Scope.parse("all"), "xlsx", TODAY)))
    summary = wb["概要"]
    assert summary["A1"].value == "草津市DXアクションプラン 進捗レポート"  # not 「草津市 草津市DX…」
    ind = wb["指標"]
    assert ind.freeze_panes == "A2" and summary.freeze_panes is not None
    header = [c.value for c in ind[1]]
    rows = {r[2].value: r for r in ind.iter_rows(min_row=2)}
    ratio = rows["01-online-procedures"][header.index("進捗率")]
    assert ratio.number_format == "0%" and 0 < ratio.value < 1
    fees = rows["06-collection-fees"][header.index("実績値")]
    assert fees.number_format == "#,##0" and float(fees.value).is_integer()
    rate = rows["04-mynumber-card-rate"][header.index("計画値")]
    # 計画値 E of a % indicator: one decimal, or two where one would round it (87.33%, issue 21)
    digits = expected_digits(rate.value, "%")
    assert rate.number_format == "#,##0." + "0" * digits and rate.value == round(rate.value, digits)
    assert digits in (1, 2)
    for ws in wb:
        assert all(ws.column_dimensions[c].width for c in "ABC")
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, float):
                    assert c.value == round(c.value, 4), (ws.title, c.coordinate, c.value)


def test_no_export_holds_a_live_formula(app_env: str, tmp_path: Path) -> None:
    plan = yaml.safe_load(Path(DEFAULT_PLAN).read_text(encoding="utf-8"))
    plan["projects"][0]["name"] = '=HYPERLINK("http://evil.example","x")'
    plan["projects"][0]["summary"] = "+1+1"
    plan["indicators"][0]["name"] = "=1+1"
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    engine = make_engine(app_env)
    import_plan(engine, path, ADMIN)
    with transaction(engine) as s:
        record_actuals(s, [ActualInput("01-online-procedures", "2026-04", "73")], ADMIN, TODAY)
        save_evaluation(s, ADMIN, 2026, 1, "B", "=cmd|' /C calc'!A0", "@SUM(A1)")
    engine.dispose()
    for args, name in (
        (["report", "--format", "xlsx"], "r.xlsx"),
        (["schedule-sheet", "--format", "xlsx"], "s.xlsx"),
    ):
        out = tmp_path / name
        assert cli_main([*args, "--out", str(out)]) == 0
        wb = openpyxl.load_workbook(out)
        texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(("=", "+", "@"))], name
        assert any(t.startswith("'=") for t in texts), name  # the text is kept, neutralised


def test_data_version_changes_after_every_write(demo_engine: Any) -> None:
    before = data_version(demo_engine)
    with transaction(demo_engine) as s:
        record_actuals(s, [ActualInput("04-mynumber-card-rate", "2026-11", "87.5")], ADMIN, TODAY)
    assert data_version(demo_engine) > before


def test_the_japanese_font_comes_from_the_pip_package() -> None:
    import matplotlib_fontja

    from kpi.reports.fonts import font_path

    path = font_path()
    assert path.is_relative_to(Path(matplotlib_fontja.__file__).parent)
    assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines: reportlab embeds them as they are


def test_reports_accept_none_for_missing_values_as_well_as_nan(plan_engine: Any) -> None:
    """The store is moving from NaN to None for missing values: reports take both."""
    import dataclasses

    import pandas as pd

    with transaction(plan_engine) as s:
        record_actuals(s, [ActualInput("04-mynumber-card-rate", "2026-04", "85.3")], ADMIN, TODAY)
    loaded = load_inputs(plan_engine, 2026)
    assert loaded is not None

    def as_none(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.astype(object).where(frame.notna(), None)

    frames = {f.name: as_none(getattr(loaded.data, f.name)) for f in dataclasses.fields(loaded.data)
              if isinstance(getattr(loaded.data, f.name), pd.DataFrame)}  # fmt: skip
    inputs = dataclasses.replace(loaded, data=dataclasses.replace(loaded.data, **frames))
    for fmt in ("pdf", "xlsx", "png"):
        payload = report_bytes(inputs, AS_OF, Scope.parse("all"), fmt, TODAY)
        assert payload
        if fmt == "pdf":
            assert not NOT_A_VALUE.search(_pdf_text(payload))
        if fmt == "xlsx":
            assert not [v for v in _xlsx_values(payload) if NOT_A_VALUE.search(str(v))]
    from kpi.reports.service import schedule_bytes

    for fmt in ("pdf", "xlsx"):
        assert schedule_bytes(inputs, Scope.parse("all"), fmt)
