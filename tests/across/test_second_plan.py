"""A second, fictional municipality's plan (tests/plans/fictional_two_level.yaml): two levels
(分野 → 取組), codes as printed (「1-2-3」), a decreasing indicator. Started on an empty database
through KPI_PLAN_FILE, every page and every report works, shows its level names and codes, and
never mentions 草津市."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from kpi.cycle import council
from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor
from kpi.domain.statuses import indicator_statuses
from kpi.reports.content import Scope, scope_choices
from kpi.reports.schedule_sheet import schedule_pdf, schedule_xlsx
from kpi.reports.service import Inputs, load_inputs, report_bytes
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.bootstrap import ensure_ready
from kpi.store.db import make_engine, transaction
from kpi.store.reads import plan_data
from tests.conftest import ADMIN, ROOT, TODAY

PLAN = Path(__file__).parents[1] / "plans" / "fictional_two_level.yaml"
TOWN = "架空県みなと市"
FORBIDDEN = "草津"
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def plan_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('second_plan') / 'kpi.db'}"
    engine = make_engine(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KPI_PLAN_FILE", str(PLAN))
        ensure_ready(engine, ADMIN)  # what the app's first start does
    rows = [
        ActualInput("minato-e-application-rate", "2026-04", "62", note=""),
        ActualInput("minato-e-application-rate", "2026-10", "61", note="システム更新で停止"),
        ActualInput("minato-paper-sheets", "2026-04", "118,000"),
        ActualInput("minato-paper-sheets", "2026-10", "１２５０００", note="年度末の資料が増加"),
        ActualInput("minato-digital-staff-rate", "2026-09", "82"),
        ActualInput("minato-staff-survey", "2026-07", "65"),
    ]
    with transaction(engine) as s:
        record_actuals(s, rows, ADMIN, TODAY)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def inputs(plan_url: str) -> Inputs:
    engine = make_engine(plan_url)
    loaded = load_inputs(engine, 2026)
    engine.dispose()
    assert loaded is not None
    return loaded


def test_the_plan_is_stored_with_two_levels_codes_and_no_double_entry(plan_url: str) -> None:
    engine = make_engine(plan_url)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None and data.municipality == TOWN
    assert data.levels == ("分野", "取組") and data.two_levels
    assert list(data.policies["policy_code"]) == ["1", "2"]
    assert list(data.projects["project_code"]) == ["1-1-1", "1-2-3", "2-1-1"]
    # one hidden middle entry per 分野, named like it; the file never names them
    assert list(data.measures["hidden"]) == [True, True]
    assert list(data.measures["measure_name"]) == list(data.policies["policy_name"])
    assert data.words("重点施策別 / 基本方針 / 実施事業") == "分野別 / 分野 / 取組"
    statuses = indicator_statuses(data, Month(2026, 10)).set_index("id")
    assert statuses.loc["minato-paper-sheets", "status"] == "delayed"  # decreasing, and it rose
    # Multi-year: judged against this year's target (83), with the final one (100 in FY2028) kept.
    staff = statuses.loc["minato-digital-staff-rate"]
    assert staff["target"] == 83 and staff["final_target"] == 100 and staff["target_year"] == 2028
    # A yearly survey reported in July is not 「未報告」 in October.
    assert statuses.loc["minato-staff-survey", "status"] not in ("no_data", "delayed")
    assert not statuses.loc["minato-staff-survey", "unreported_months"]
    # 「新規」: progress from 0, never 基準値未設定.
    assert statuses.loc["minato-cashless-counters", "status"] != "no_baseline"


def _texts(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.sidebar.markdown]
    parts += [str(o) for box in at.selectbox for o in box.options]
    return "\n".join(parts)


@pytest.mark.parametrize("page", ["app.py", *PAGES])
def test_every_page_works_and_never_mentions_kusatsu(plan_url: str, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    monkeypatch.setenv("KPI_DATABASE_URL", plan_url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["kpi_user"] = Actor("boss", "admin")
    at.run()
    if page != "app.py":
        at.switch_page(f"pages/{page}").run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert FORBIDDEN not in text, page
    assert "nan" not in text.replace("nano", "").split() and "None" not in text.split()
    if page == "app.py":
        assert "分野 / 取組" in text and "1-2-3 窓口のキャッシュレス化" in text
        assert "重点施策" not in text and "基本方針" not in text
    if page == "2_projects.py":
        assert "R7までの実施内容" in text and "1-1-1 電子申請の拡充" in text
    if page in ("3_schedule.py", "6_evaluation.py"):  # the phone list; the project chooser and 総括
        assert "1-1-1 電子申請の拡充" in text and "01 電子申請の拡充" not in text


def test_the_inquiry_page_names_projects_by_their_printed_codes(plan_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """あなたの課の照会 of 市民窓口課: its project is 「1-1-1 …」, as the plan prints it, not 「01 …」."""
    monkeypatch.setenv("KPI_DATABASE_URL", plan_url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["kpi_user"] = Actor("madoguchi", "editor", ("市民窓口課",))
    at.run()
    at.switch_page("pages/9_inquiry.py").run()
    assert not at.exception, at.exception
    shown = [str(v) for frame in at.dataframe for v in frame.value.iloc[:, 0]]
    assert "1-1-1 電子申請の拡充" in shown and not any(v.startswith("01 ") for v in shown)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages) + str(dict(reader.metadata or {}))


def _xlsx_text(xlsx: bytes) -> str:
    wb = load_workbook(io.BytesIO(xlsx))
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("scope", ["all", "policy:1", "project:2"])
def test_every_report_carries_its_names_never_kusatsu(inputs: Inputs, scope: str) -> None:
    pdf = _pdf_text(report_bytes(inputs, Month(2026, 10), Scope.parse(scope), "pdf", TODAY))
    xlsx = _xlsx_text(report_bytes(inputs, Month(2026, 10), Scope.parse(scope), "xlsx", TODAY))
    png = report_bytes(inputs, Month(2026, 10), Scope.parse(scope), "png", TODAY)
    for text in (pdf, xlsx):
        assert TOWN in text and FORBIDDEN not in text
        assert "取組" in text and "実施事業" not in text and "重点施策" not in text
        assert "1-2-3" in text or scope != "all"
    assert zipfile.ZipFile(io.BytesIO(png)).namelist() or scope == "project:2"


def test_scope_choices_use_level_names_and_codes(inputs: Inputs) -> None:
    labels = [label for _, label in scope_choices(inputs.data)]
    assert labels == ["全体", "分野1 くらしの手続のデジタル化", "分野2 職員の働き方改革",
                      "取組1-1-1 電子申請の拡充", "取組1-2-3 窓口のキャッシュレス化", "取組2-1-1 紙の削減"]  # fmt: skip


def test_schedule_sheet_and_council_papers(inputs: Inputs, plan_url: str) -> None:
    xlsx = _xlsx_text(schedule_xlsx(inputs.data, [1, 2, 3]))
    pdf = _pdf_text(schedule_pdf(inputs.data, [1, 2, 3]))
    for text in (xlsx, pdf):
        assert TOWN in text and FORBIDDEN not in text
        assert "分野" in text and "取組" in text and "重点施策" not in text and "1-2-3" in text
        assert "R9以降の取組(予定)" in text
    engine = make_engine(plan_url)
    with transaction(engine) as s:
        papers: dict[str, Any] = {
            f: council.council_papers(s, 2026, Month(2026, 10), f, TODAY) for f in ("pdf", "xlsx")
        }
    engine.dispose()
    for text in (_pdf_text(papers["pdf"]), _xlsx_text(papers["xlsx"])):
        assert FORBIDDEN not in text and "取組" in text and "重点施策" not in text


def test_a_three_level_entry_in_a_two_level_plan_is_refused(tmp_path: Path) -> None:
    from kpi.store.planfile import PlanError
    from kpi.store.planfile_read import load_plan_file

    text = PLAN.read_text(encoding="utf-8").replace("    policy: 2\n", "    measure: 2\n", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match="2階層の計画では policy で上の階層を指定してください"):
        load_plan_file(path)
