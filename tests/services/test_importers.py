"""Importing actuals files: three encodings, XLSX, and every rejection (all rows or none)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from kpi.domain.numbers import parse_number
from kpi.domain.permissions import Actor
from kpi.services.actuals import ActualsRejected, record_actuals
from kpi.services.actuals_files import FileFormatError, read_actuals_bytes, read_actuals_file, template_csv
from kpi.store.db import transaction
from kpi.store.models import ActualRevision

ADMIN = Actor("test-admin", "admin")
TODAY = date(2026, 11, 24)
GOOD = (
    "indicator_id,month,value,note\n04-mynumber-card-rate,2026-10,86.5,窓口で集計\n14-ai-rpa-hours-saved,2026-10,250,\n"
)


def _import(engine: Engine, data: bytes, name: str = "actuals.csv") -> None:
    rows = read_actuals_bytes(data, name)
    with transaction(engine) as s:
        record_actuals(s, rows, ADMIN, TODAY, source="import")


def _revisions(engine: Engine) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(ActualRevision)) or 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_in_each_encoding_keeps_japanese_notes(plan_engine: Engine, encoding: str) -> None:
    rows = read_actuals_bytes(GOOD.encode(encoding), "a.csv")
    assert [r.indicator_id for r in rows] == ["04-mynumber-card-rate", "14-ai-rpa-hours-saved"]
    assert rows[0].note == "窓口で集計"
    assert [r.line for r in rows] == [2, 3]
    _import(plan_engine, GOOD.encode(encoding))
    assert _revisions(plan_engine) == 2


def test_xlsx_with_months_that_excel_turned_into_dates(plan_engine: Engine, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["indicator_id", "month", "value", "note"])
    ws.append(["04-mynumber-card-rate", datetime(2026, 10, 1), 86.5, "Excelから"])
    ws.append(["14-ai-rpa-hours-saved", "2026-09", 240, None])
    path = tmp_path / "actuals.xlsx"
    wb.save(path)
    rows = read_actuals_file(path)
    assert [(r.month, r.value) for r in rows] == [("2026-10", 86.5), ("2026-09", 240)]
    with transaction(plan_engine) as s:
        result = record_actuals(s, rows, ADMIN, TODAY)
    assert len(result.saved) == 2


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("04-mynumber-card-rate,2026-10,,", "値が空です"),
        ("04-mynumber-card-rate,2026-10,abc,", "数値ではありません"),
        ("04-mynumber-card-rate,2026-10,NaN,", "NaN"),
        ("04-mynumber-card-rate,2026-10,inf,", "NaN や無限大"),
        ("04-mynumber-card-rate,2026-10,100.1,", "範囲外"),
        ("04-mynumber-card-rate,2026-10,-0.5,", "負の値"),
        ("14-ai-rpa-hours-saved,2026-10,-3,", "負の値"),
        ("99-unknown,2026-10,1,", "不明な指標ID"),
        ("04-mynumber-card-rate,2026-13,1,", "YYYY-MM"),
        ("04-mynumber-card-rate,2026-03,86,", "2026年3月 は指標の年度（令和8年度: 2026年4月〜2027年3月）の範囲外"),
        ("04-mynumber-card-rate,2027-04,86,", "年度"),
        ("04-mynumber-card-rate,2026-12,86,", "2026年12月 はまだ来ていない月です（今月は 2026年11月）"),
        ("04-mynumber-card-rate,2026-09,86,", "重複"),
    ],
)
def test_each_bad_row_rejects_the_whole_file_naming_row_and_reason(plan_engine: Engine, row: str, reason: str) -> None:
    data = ("indicator_id,month,value,note\n04-mynumber-card-rate,2026-09,86,\n" + row + "\n").encode("cp932")
    with pytest.raises(ActualsRejected) as err:
        _import(plan_engine, data)
    assert len(err.value.errors) == 1
    assert err.value.errors[0].line == 3
    assert "3行目" in str(err.value.errors[0])
    assert reason in err.value.errors[0].reason
    assert _revisions(plan_engine) == 0


def test_every_bad_row_is_reported_at_once(plan_engine: Engine) -> None:
    data = (
        b"indicator_id,month,value\nx,2026-10,1\n04-mynumber-card-rate,2026-10,86\n04-mynumber-card-rate,2026-10,200\n"
    )
    with pytest.raises(ActualsRejected) as err:
        _import(plan_engine, data)
    assert [e.line for e in err.value.errors] == [2, 4]


def test_missing_columns_and_undecodable_files(plan_engine: Engine) -> None:
    with pytest.raises(FileFormatError, match="value"):
        read_actuals_bytes(b"indicator_id,month\nx,2026-10\n", "a.csv")
    with pytest.raises(FileFormatError, match="文字コード"):
        read_actuals_bytes(b"indicator_id,month,value\n\xff\xfe\xfa,2026-10,1\n", "a.csv")
    with pytest.raises(FileFormatError):
        read_actuals_bytes(b"not a zip", "a.xlsx")


def test_numbers_as_people_type_them() -> None:
    assert parse_number("３，１００") == 3100
    assert parse_number(" 86.5% ") == 86.5
    assert parse_number(7) == 7.0
    for bad in ["", " ", None, "1.2.3", True, float("nan")]:
        with pytest.raises(ValueError):
            parse_number(bad)


def test_template_has_the_columns_and_a_bom_for_excel() -> None:
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip() == "indicator_id,month,value,note,reason"


def test_editor_cannot_import_other_departments_indicators(plan_engine: Engine) -> None:
    editor = Actor("shimin", "editor", ("市民課",))
    rows = read_actuals_bytes(b"indicator_id,month,value\n14-ai-rpa-hours-saved,2026-10,1\n", "a.csv")
    with pytest.raises(ActualsRejected, match="権限"), transaction(plan_engine) as s:
        record_actuals(s, rows, editor, TODAY)
    ok = read_actuals_bytes(b"indicator_id,month,value\n04-mynumber-card-rate,2026-10,86\n", "a.csv")
    with transaction(plan_engine) as s:
        assert len(record_actuals(s, ok, editor, TODAY).saved) == 1
