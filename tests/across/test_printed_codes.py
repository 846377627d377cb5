"""Codes as printed everywhere (issue 21, item 2): the two-level plan's 取組 read 「1-1-1」,
「1-2-3」, 「2-1-1」 in chart titles and subtitles (screen, PDF, PNG all draw
``kpi.charts.data``), on every XLSX sheet and column, on the 工程表 sheets and in the CLI
table; never as a bare project number (「1」, 「01」)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from kpi.charts.data import indicator_chart_data
from kpi.cli.main import main
from kpi.domain.fiscal import Month
from kpi.domain.statuses import indicator_statuses
from kpi.reports.content import Scope
from kpi.reports.service import load_inputs, report_bytes, schedule_bytes
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import make_engine, transaction
from tests.conftest import ADMIN, TODAY

TWO_LEVEL = Path(__file__).parents[1] / "plans" / "fictional_two_level.yaml"
CODES = {1: "1-1-1", 2: "1-2-3", 3: "2-1-1"}
AS_OF = Month(2026, 10)
BARE = re.compile(r"^0?[1-3]$")  # a project number as the old exports wrote it


@pytest.fixture(scope="module")
def two_level(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('codes') / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, TWO_LEVEL, ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def engine(two_level: str) -> Engine:
    return make_engine(two_level)


def test_chart_titles_and_subtitles_name_the_printed_codes(engine: Engine) -> None:
    inputs = load_inputs(engine, 2026)
    assert inputs is not None
    data = inputs.data
    statuses = indicator_statuses(data, AS_OF).set_index("id")
    for ind in data.indicators.to_dict("records"):
        code = CODES[int(ind["project_no"])]
        row = statuses.loc[ind["code"]].to_dict()
        chart = indicator_chart_data(data, ind["code"], AS_OF, row)
        assert chart.title.startswith(f"{code} "), chart.title
        subtitle = " ".join(chart.subtitle_lines)
        assert code in subtitle, subtitle
        assert not re.search(rf"(^|\s)0{int(ind['project_no'])}\s", subtitle), subtitle


def test_every_xlsx_sheet_names_projects_by_their_codes(engine: Engine) -> None:
    inputs = load_inputs(engine, 2026)
    assert inputs is not None
    wb = load_workbook(io.BytesIO(report_bytes(inputs, AS_OF, Scope(), "xlsx", TODAY)))
    seen: dict[str, set[str]] = {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        header_at = next((i for i, r in enumerate(rows) if r and r[0] in ("No", "取組")), None)
        if header_at is None:  # 月次実績: one row per indicator and month, named by the indicator id
            assert ws.title == "月次実績" and rows[0][0] == "指標ID"
            continue
        assert "事業名" not in rows[header_at] and ("取組名" in rows[header_at]) == (
            ws.title not in ("概要", "理由", "月別の状況")
        )
        values = [r[0] for r in rows[header_at + 1 :] if r and r[0] is not None]
        for v in values:
            assert not isinstance(v, int), (ws.title, v)  # a number cell: the bare project number
            assert not BARE.match(str(v)), (ws.title, v)
            assert any(str(v) == c or str(v).startswith(f"{c} ") for c in CODES.values()), (ws.title, v)
        seen[ws.title] = {c for c in CODES.values() for v in values if str(v).startswith(c)}
    assert seen["概要"] == set(CODES.values()) == seen["期末評価"] == seen["月別の状況"]
    assert seen["指標"] == set(CODES.values())
    assert seen["マイルストーン"] == {"1-1-1"} and seen["理由"] == {"1-1-1"}


def test_schedule_sheets_are_named_by_code(engine: Engine) -> None:
    inputs = load_inputs(engine, 2026)
    assert inputs is not None
    wb = load_workbook(io.BytesIO(schedule_bytes(inputs, Scope(), "xlsx")))
    assert wb.sheetnames == [
        f"{CODES[n]} {name}" for n, name in ((1, "電子申請の拡充"), (2, "窓口のキャッシュレス化"), (3, "紙の削減"))
    ]


def test_the_cli_table_prints_codes_and_counts_in_the_plans_words(
    two_level: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KPI_DATABASE_URL", two_level)
    assert main(["status", "--as-of", "2026-10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[1].split()
    at = header.index("project")
    projects = {line.split()[at] for line in lines[2:] if line.startswith("indicator")}
    assert projects == set(CODES.values())
    assert main(["status", "--level", "project", "--as-of", "2026-10"]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    assert [r.split()[1] for r in rows] == list(CODES.values())
    assert main(["status", "--level", "project", "--format", "json", "--as-of", "2026-10"]) == 0
    assert '"id": 1,' in capsys.readouterr().out  # JSON keeps the numbers (an interface)
    out = tmp_path / "sheet.xlsx"
    assert main(["schedule-sheet", "--out", str(out)]) == 0
    assert "工程表 3取組を書き出しました" in capsys.readouterr().out
