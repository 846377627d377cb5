"""A municipality's own scale (issue 21, item 4): the plan file names the words (and symbols)
of the status codes, an extra 「前倒し達成」 grade and its own 期末評価 ratings. Every screen,
report and workbook reads them; ``status --format json`` and the database keep the codes; a
plan without a scale reads as before. Tried on the fictional two-level plan and on the
22-project R8 plan."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from kpi.charts.data import indicator_chart_data
from kpi.cli.main import main
from kpi.cycle.council import council_papers
from kpi.cycle.evaluations import save_evaluation
from kpi.cycle.inquiry_sheet import inquiry_workbook
from kpi.domain.fiscal import Month
from kpi.domain.rating import EvaluationRejected, rating_scale
from kpi.domain.scale import PRODUCT_SCALE, PlanScale, active_scale, use_scale
from kpi.domain.statuses import indicator_statuses
from kpi.reports.content import Scope
from kpi.reports.service import load_inputs, report_bytes, schedule_bytes
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.planfile import PlanError
from kpi.store.planfile_read import load_plan_file, read_plan_yaml
from kpi.store.reads import plan_data
from kpi.text.labels import status_label, status_text
from kpi.text.rating import rating_text
from tests.conftest import ADMIN, ROOT, TODAY

TWO_LEVEL = Path(__file__).parents[1] / "plans" / "fictional_two_level.yaml"
AS_OF = Month(2026, 10)
SCALE: dict[str, Any] = {
    "statuses": {
        "achieved": {"label": "A 達成", "symbol": "◎"},
        "on_track": {"label": "B 概ね順調"},
        "caution": {"label": "C やや遅れ"},
        "delayed": {"label": "D 遅れ", "symbol": "●"},
    },
    "ahead": {"label": "S 前倒し達成", "symbol": "☆", "ratio": 1.2},
    "ratings": [
        {"code": "S", "label": "目標を大きく上回る"},
        {"code": "A", "label": "目標どおり"},
        {"code": "B", "label": "やや下回る"},
        {"code": "C", "label": "下回る"},
    ],
}
OWN = {"achieved": "◎ A 達成", "on_track": "○ B 概ね順調", "caution": "△ C やや遅れ", "delayed": "● D 遅れ"}
PRODUCT = {"achieved": "◎ 達成", "on_track": "○ 順調", "caution": "△ 注意", "delayed": "× 遅延"}


def _scaled(plan: Path, tmp: Path) -> Path:
    raw, _ = read_plan_yaml(plan.read_text(encoding="utf-8"), str(plan))
    raw["scale"] = SCALE
    out = tmp / f"scaled_{plan.name}"
    out.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


@pytest.fixture(scope="module", params=["two_level", "r8"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp(f"scale_{request.param}")
    plan = TWO_LEVEL if request.param == "two_level" else DEFAULT_PLAN
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, _scaled(plan, tmp), ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    engine.dispose()
    return url


@pytest.fixture
def engine(url: str) -> Engine:
    e = make_engine(url)
    yield e  # type: ignore[misc]
    e.dispose()
    use_scale(None)


@pytest.fixture(autouse=True)
def _product_scale_after() -> Any:
    yield
    use_scale(None)  # never leak a plan's words into another test of this thread


def _statuses(engine: Engine) -> list[str]:
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    return list(indicator_statuses(data, AS_OF)["status"])


def _no_product_words(text: str, codes: list[str]) -> None:
    for code in set(codes) & set(OWN):
        assert PRODUCT[code] not in text, code
    assert any(OWN[c] in text for c in set(codes) & set(OWN)), text[:500]


def test_the_scale_is_stored_and_read_back(engine: Engine) -> None:
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    assert data.scale.to_json() == SCALE
    assert active_scale() == data.scale  # reading the plan put its words in use


def test_json_keeps_the_codes_while_the_table_reads_the_plans_words(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    assert main(["status", "--as-of", "2026-10", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    codes = [r["status"] for r in rows]
    assert set(codes) <= {"achieved", "on_track", "caution", "delayed", "no_data", "no_baseline", "not_due", "done",
                          "reference"}  # fmt: skip
    assert main(["status", "--as-of", "2026-10"]) == 0
    _no_product_words(capsys.readouterr().out, codes)
    assert main(["status", "--as-of", "2026-10", "--format", "csv"]) == 0
    csv = capsys.readouterr().out
    assert "B 概ね順調" not in csv and ("on_track" in csv or "delayed" in csv)


def test_the_xlsx_and_pdf_reports_read_the_plans_words(engine: Engine) -> None:
    codes = _statuses(engine)
    inputs = load_inputs(engine, 2026)
    assert inputs is not None
    wb = load_workbook(io.BytesIO(report_bytes(inputs, AS_OF, Scope(), "xlsx", TODAY)))
    cells = "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    _no_product_words(cells, codes)
    pdf = PdfReader(io.BytesIO(report_bytes(inputs, AS_OF, Scope(), "pdf", TODAY)))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert any(OWN[c].split(" ", 1)[1] in text for c in set(codes) & set(OWN))
    assert "○ 順調" not in text and "× 遅延" not in text


def test_the_chart_subtitle_and_mark_read_the_plans_words(engine: Engine) -> None:
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    table = indicator_statuses(data, AS_OF)
    row = table[table["status"].isin(list(OWN))].iloc[0].to_dict()
    chart = indicator_chart_data(data, row["id"], AS_OF, row)
    expected = status_text(row["status"], ratio=row["ratio"])
    assert expected.split(" ", 1)[1] in {g["label"] for g in SCALE["statuses"].values()} | {"S 前倒し達成"}
    assert expected in " ".join(chart.subtitle_lines)
    assert chart.status is not None and chart.status.name == expected


def test_an_indicator_far_ahead_reads_as_the_extra_grade() -> None:
    use_scale(PlanScale.from_json(SCALE))
    assert status_text("on_track", ratio=1.2) == "☆ S 前倒し達成"  # at the threshold
    assert status_text("on_track", ratio=1.19) == "○ B 概ね順調"
    assert status_text("achieved", ratio=2.0) == "☆ S 前倒し達成"
    assert status_text("caution", ratio=1.5) == "△ C やや遅れ"  # only 達成 and 順調 are graded ahead
    assert status_label("on_track", "en") == "On track"  # English keeps the product's words


def test_ratings_are_the_plans_own_list_in_the_form_the_workbook_and_the_reports(engine: Engine) -> None:
    with transaction(engine) as s:
        data = plan_data(s, 2026)
        assert data is not None
        no = int(data.projects["project_no"].iloc[0])
        use_scale(None)  # the save finds the plan's list itself
        save_evaluation(s, ADMIN, 2026, no, "S", "大きく上回った", "")
        with pytest.raises(EvaluationRejected, match="S / A / B / C"):
            save_evaluation(s, ADMIN, 2026, no, "D", "", "")
        dept = str(data.projects["lead_department"].iloc[0])
        workbook = load_workbook(io.BytesIO(inquiry_workbook(s, 2026, dept)))
    assert [r.code for r in rating_scale()] == ["S", "A", "B", "C"]
    assert rating_text("S") == "S 目標を大きく上回る"
    formulas = [dv.formula1 for ws in workbook.worksheets for dv in ws.data_validations.dataValidation]
    assert formulas and all("S 目標を大きく上回る" in f and "評価不能" not in f for f in formulas)
    inputs = load_inputs(engine, 2026)
    assert inputs is not None
    wb = load_workbook(io.BytesIO(report_bytes(inputs, AS_OF, Scope(), "xlsx", TODAY)))
    assert "S 目標を大きく上回る" in [r[2] for r in wb["期末評価"].iter_rows(min_row=2, values_only=True)]
    sheets = load_workbook(io.BytesIO(schedule_bytes(inputs, Scope(), "xlsx")))
    text = "\n".join(str(c) for ws in sheets.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "S 目標を大きく上回る" in text
    with transaction(engine) as s:
        use_scale(None)
        papers = load_workbook(io.BytesIO(council_papers(s, 2026, AS_OF, "xlsx", TODAY)))  # 懇話会
    text = "\n".join(str(c) for ws in papers.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "S 目標を大きく上回る" in text and "評価不能" not in text


def test_the_public_pages_read_the_plans_words(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # 全体概要, not logged in
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert "B 概ね順調" in html or "D 遅れ" in html
    assert "○ 順調" not in html and "× 遅延" not in html
    at.switch_page("pages/5_reports.py").run()
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert all(label in html for label in ("A 達成", "B 概ね順調", "C やや遅れ", "D 遅れ"))  # the legend


def test_a_plan_without_a_scale_reads_the_products_words(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None and data.scale == PRODUCT_SCALE
    assert [status_text(c) for c in PRODUCT] == list(PRODUCT.values())
    assert [r.text for r in rating_scale()] == ["A 達成", "B 概ね達成", "C 未達成", "D 評価不能"]


def test_two_threads_showing_two_plans_keep_their_own_words() -> None:
    seen: dict[str, str] = {}

    def show(name: str, scale: PlanScale) -> None:
        use_scale(scale)
        seen[name] = status_text("on_track")

    threads = [
        threading.Thread(target=show, args=("own", PlanScale.from_json(SCALE))),
        threading.Thread(target=show, args=("product", PRODUCT_SCALE)),
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert seen == {"own": "○ B 概ね順調", "product": "○ 順調"}
    assert status_text("on_track") == "○ 順調"  # this thread never chose a scale


@pytest.mark.parametrize(
    ("scale", "message"),
    [
        (
            {"statuses": {"late": {"label": "遅い"}}},
            "scale.statuses.late: 「late」という項目は書けません。次のどれかで書いてください: 'achieved'",
        ),
        ({"statuses": {"on_track": {}}}, "label か symbol"),
        ({"ahead": {"label": "S", "ratio": 0.9}}, "進捗率は1.0より大きく"),
        ({"ratings": [{"code": "A", "label": "x"}, {"code": "A", "label": "y"}]}, "code が重複"),
    ],
)
def test_a_wrong_scale_is_refused_with_a_message(tmp_path: Path, scale: dict[str, Any], message: str) -> None:
    raw, _ = read_plan_yaml(TWO_LEVEL.read_text(encoding="utf-8"), "x")
    raw["scale"] = scale
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan_file(path)
    assert message in str(caught.value)


def test_the_readme_scale_example_is_this_tests_scale() -> None:
    from kpi.store.planfile import ScaleIn

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml\nscale:\n") + len("```yaml\n")
    block = yaml.safe_load(readme[start : readme.index("```\n", start)])
    assert ScaleIn.model_validate(block["scale"]).to_json() == SCALE
