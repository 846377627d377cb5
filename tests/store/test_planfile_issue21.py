"""What the plan file can say (issue 21, item 5): ``baseline_year``, a 累計's ``start_total``,
no yearly target before its baseline, messages in the plan's own level names, a plan with
too many levels, 「新規」 as 新規 (XLSX) and null + baseline_kind (JSON), expected values with
the precision they need. Old plan files keep loading."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import Engine

from kpi.charts.data import format_expected
from kpi.cli.main import main
from kpi.domain.fiscal import Month
from kpi.domain.statuses import indicator_statuses
from kpi.reports.content import Scope
from kpi.reports.service import load_inputs, report_bytes
from kpi.store.bootstrap import import_plan
from kpi.store.db import make_engine, transaction
from kpi.store.planfile import PlanError
from kpi.store.planfile_read import load_plan_file, read_plan_yaml
from kpi.store.reads import plan_data
from tests.conftest import ADMIN, TODAY

PLANS = Path(__file__).parents[1]
TWO_LEVEL = PLANS / "plans" / "fictional_two_level.yaml"
MULTIYEAR = PLANS / "data" / "plan_multiyear_fictional.yaml"
V1 = PLANS / "plans" / "plan_r8_v1.yaml"


def _raw(path: Path) -> dict[str, Any]:
    raw, _ = read_plan_yaml(path.read_text(encoding="utf-8"), str(path))
    return raw  # type: ignore[no-any-return]


def _write(tmp_path: Path, raw: dict[str, Any]) -> Path:
    out = tmp_path / "plan.yaml"
    out.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _indicator(raw: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in raw["indicators"] if i["id"] == code)


def _refused(tmp_path: Path, raw: dict[str, Any]) -> str:
    with pytest.raises(PlanError) as caught:
        load_plan_file(_write(tmp_path, raw))
    return str(caught.value)


@pytest.mark.parametrize(
    ("year", "month"),
    [(2022, "2023-03"), ("2022年度", "2023-03"), ("２０２２年度", "2023-03"), ("2022年", "2022-12")],
)
def test_baseline_year_is_read_as_its_month(tmp_path: Path, year: Any, month: str) -> None:
    raw = _raw(MULTIYEAR)
    ind = _indicator(raw, "01-online-rate")
    del ind["baseline_month"]
    ind["baseline_year"] = year
    plan = load_plan_file(_write(tmp_path, raw))
    assert next(i for i in plan.indicators if i.id == "01-online-rate").baseline_month == month


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"baseline_year": 2022}, "baseline_year と baseline_month はどちらか一方だけ"),
        ({"baseline_year": "R4"}, 'baseline_year は年度（2022 または "2022年度"）か暦年（"2022年"）'),
    ],
)
def test_a_wrong_baseline_year_is_refused(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    raw = _raw(MULTIYEAR)
    ind = _indicator(raw, "01-online-rate")
    if change["baseline_year"] == "R4":
        del ind["baseline_month"]
    ind.update(change)
    assert message in _refused(tmp_path, raw)


def test_a_yearly_target_before_its_baseline_is_refused(tmp_path: Path) -> None:
    raw = _raw(MULTIYEAR)
    staff = _indicator(raw, "02-digital-staff-rate")
    staff["baseline_month"] = "2025-09"  # FY2024's target (March 2025) lies before it
    staff["yearly_targets"] = {2024: 75, 2025: 79, 2026: 83, 2027: 93}
    text = _refused(tmp_path, raw)
    assert "indicators[id=02-digital-staff-rate].yearly_targets（年度別目標値）" in text
    assert "基準値（2025-09）より前の年度の目標値があります: [2024]" in text


def test_start_total_needs_its_month_and_a_cumulative_indicator(tmp_path: Path) -> None:
    raw = _raw(MULTIYEAR)
    _indicator(raw, "06-digital-facilities")["start_total"] = 400
    assert "start_total と start_total_month は両方を指定してください" in _refused(tmp_path, raw)
    raw = _raw(MULTIYEAR)
    _indicator(raw, "07-online-consultations").update(start_total=10, start_total_month="2026-03")
    assert "累計の指標（flow_scope: since_baseline）にだけ" in _refused(tmp_path, raw)
    raw = _raw(MULTIYEAR)
    _indicator(raw, "06-digital-facilities").update(start_total=400, start_total_month="2021-03")
    assert "累計の月 2021-03 が基準値の月 2022-03 より前です" in _refused(tmp_path, raw)


def test_a_start_total_lets_a_cumulative_count_start_without_the_years_before(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """Adopted in 2022, loaded first for FY2026: 400 facilities by March 2026, then 30 + 20."""
    from kpi.services.actuals import ActualInput, record_actuals

    raw = _raw(MULTIYEAR)
    _indicator(raw, "06-digital-facilities").update(start_total="400", start_total_month="2026-03")
    import_plan(sqlite_engine, _write(tmp_path, raw), ADMIN)
    with transaction(sqlite_engine) as s:
        rows = [ActualInput("06-digital-facilities", m, v) for m, v in (("2026-04", "30"), ("2026-10", "20"))]
        record_actuals(s, rows, ADMIN, TODAY)
        data = plan_data(s, 2026)
    assert data is not None
    row = indicator_statuses(data, Month(2026, 10)).set_index("id").loc["06-digital-facilities"]
    assert row["actual"] == 450  # 400 + 30 + 20, not 100 + 50
    assert row["status"] != "no_baseline"


def test_messages_name_the_plans_own_levels(tmp_path: Path) -> None:
    raw = _raw(TWO_LEVEL)
    raw["projects"][0]["policy"] = "一"
    text = _refused(tmp_path, raw)
    assert "projects[no=1].policy（分野の番号）: 分野の番号は整数で書いてください" in text
    raw = _raw(TWO_LEVEL)
    raw["indicators"][0]["project"] = 99
    text += _refused(tmp_path, raw)
    assert "取組 99 がありません" in text
    assert "実施事業" not in text and "基本方針" not in text and "[key]" not in text


def test_a_plan_with_more_levels_than_supported_says_how_many(tmp_path: Path) -> None:
    raw = _raw(TWO_LEVEL)
    raw["levels"] = ["分野", "施策", "取組", "事業"]
    assert "levels（階層の名前）: 階層の名前は2つか3つで書いてください（対応している階層は3つまでです）" in _refused(
        tmp_path, raw
    )


def test_old_plan_files_keep_loading() -> None:
    for path in (V1, TWO_LEVEL, MULTIYEAR):
        plan = load_plan_file(path)
        assert plan.scale is None and all(i.start_total is None for i in plan.indicators)


@pytest.fixture
def two_level_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, TWO_LEVEL, ADMIN)
    engine.dispose()
    return url


def test_a_new_baseline_reads_new_in_the_xlsx_and_null_with_its_kind_in_json(
    two_level_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = "minato-cashless-counters"  # baseline: 新規
    engine = make_engine(two_level_url)
    inputs = load_inputs(engine, 2026)
    engine.dispose()
    assert inputs is not None
    wb = load_workbook(io.BytesIO(report_bytes(inputs, Month(2026, 10), Scope(), "xlsx", TODAY)))
    rows = list(wb["指標"].iter_rows(values_only=True))
    at = rows[0].index("基準値")
    row = next(r for r in rows if r[2] == code)
    assert row[at] == "新規"
    monkeypatch.setenv("KPI_DATABASE_URL", two_level_url)
    assert main(["status", "--as-of", "2026-10", "--format", "json"]) == 0
    by_id = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert (by_id[code]["baseline"], by_id[code]["baseline_kind"]) == (None, "new")
    assert (by_id["minato-e-application-rate"]["baseline"], by_id["minato-e-application-rate"]["baseline_kind"]) == (
        60,
        "measured",
    )
    assert "baseline_kind" not in by_id["m-1"]  # a milestone has no baseline


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(8.75, "件", "8.8 件"), (9.0, "件", "9 件"), (87.3333, "%", "87.33%"), (3100.0, "時間", "3,100 時間")],
)
def test_expected_values_keep_the_precision_they_need(value: float, unit: str, text: str) -> None:
    assert format_expected(value, unit) == text


def test_a_billion_laughs_plan_file_is_refused_at_once_naming_the_line(tmp_path: Path) -> None:
    """Nine lines of nested aliases expand to 387 million values: reading it ran for minutes
    (killed after 60 s) before any check. Now the second use of a list is refused at its line."""
    import time

    rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    rows += [f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    started = time.process_time()
    with pytest.raises(PlanError) as err:
        load_plan_file(path)
    assert time.process_time() - started < 2
    assert f"{path}:2行目" in str(err.value) and "エイリアス" in str(err.value)


def test_a_plan_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from kpi.store.planfile_read import MAX_PLAN_BYTES

    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(MAX_PLAN_BYTES + 1)  # sparse: no 20 MB written
    with pytest.raises(PlanError, match=r"ファイルが大きすぎます（20\.0 MB、上限 20 MB）"):
        load_plan_file(path)

