"""Issue 8, Deliver 3–5: bounds, typed numbers, the form's rules and the bulk import's
rules (which are the form's), each pinned on a real database file."""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from kpi.domain.fiscal import Month
from kpi.domain.numbers import parse_number
from kpi.domain.permissions import Actor
from kpi.domain.status import Accumulation, Direction, IndicatorRule, evaluate_indicator
from kpi.services import bulk_import
from kpi.services.actuals import DELAYED_NEEDS_NOTE, ActualInput, ActualsRejected, record_actuals
from kpi.services.actuals_files import FileFormatError, read_actuals_bytes
from kpi.services.actuals_form import CellInput, entry_rows, submit_month
from kpi.store.db import transaction
from kpi.store.models import ActualRevision
from kpi.store.planfile import DEFAULT_MAX, default_range
from kpi.store.reads import actual_history, plan_data
from kpi.text.fmt import exact
from tests.conftest import ROOT

TODAY = date(2026, 11, 24)
OCT = Month(2026, 10)
CARD = "04-mynumber-card-rate"  # %, level, 市民課
CARD_NAME = "マイナンバーカード保有率"
HOURS = "14-ai-rpa-hours-saved"  # 時間, flow, 経営戦略課
HOURS_NAME = "AI・RPAによる年間想定削減時間"
ADMIN = Actor("adm", "admin")
SHIMIN = Actor("shimin", "editor", ("市民課",))


def _history(engine: Engine, code: str) -> list[tuple[str, float, str]]:
    with transaction(engine) as s:
        hist = actual_history(s, 2026, code)
    return [(str(m), float(v), str(r)) for m, v, r in hist[["month", "value", "reason"]].itertuples(index=False)]


def _save(engine: Engine, rows: list[ActualInput], **kw: object) -> None:
    with transaction(engine, write=True) as s:
        record_actuals(s, rows, ADMIN, TODAY, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- bounds


def test_every_unit_has_a_finite_range_so_no_year_sum_can_overflow() -> None:
    assert default_range("%") == (0.0, 100.0)
    for unit in ("件", "時間", "円", "人", "回", "項目"):
        low, high = default_range(unit)
        assert low == 0 and math.isfinite(high) and high * 12 < 1e300
    assert default_range("件")[1] == DEFAULT_MAX


def test_a_huge_count_is_rejected_naming_the_indicator_and_month(plan_engine: Engine) -> None:
    with pytest.raises(ActualsRejected) as err:
        _save(plan_engine, [ActualInput(HOURS, "2026-10", "1e308", note="x")])
    message = str(err.value.errors[0])
    assert HOURS_NAME in message and "2026年10月" in message and "範囲外" in message
    assert "行目" not in message  # not a file: the row is named, not numbered


def test_two_values_of_1e308_on_a_flow_indicator_do_not_overflow_the_status() -> None:
    """Defect: math.fsum raised OverflowError and 6 of 9 pages crashed for every visitor."""
    rule = IndicatorRule(Direction.INCREASE, Accumulation.FLOW, baseline=0, target=3100)
    ev = evaluate_indicator(rule, {Month(2026, 4): 1e308, Month(2026, 5): 1e308}, OCT, 2026)
    assert ev.actual is not None and math.isfinite(ev.actual)
    assert ev.status.value == "achieved"


@pytest.mark.parametrize("typed", ["75,5", "1,23", "12,34,567", "3,1000", ",100"])
def test_a_comma_not_in_groups_of_three_is_rejected_as_ambiguous(typed: str) -> None:
    """Defect: 75,5 was stored as 755."""
    with pytest.raises(ValueError, match="カンマの位置があいまい"):
        parse_number(typed)


def test_thousands_separators_in_groups_of_three_are_numbers() -> None:
    assert parse_number("3,100") == 3100
    assert parse_number("1,234,567") == 1234567
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("３，１００") == 3100
    with pytest.raises(ValueError):
        parse_number("1_000")


def test_a_percent_sign_is_accepted_only_for_percent_indicators(plan_engine: Engine) -> None:
    """Defect: 75% was accepted for a count in 件."""
    with pytest.raises(ActualsRejected) as err:
        _save(plan_engine, [ActualInput("01-online-procedures", "2026-10", "75%")])
    assert "「%」は単位が % の指標にだけ" in str(err.value) and "公開しているオンライン申請の手続き数" in str(err.value)
    _save(plan_engine, [ActualInput(CARD, "2026-10", "87.5%")])
    assert _history(plan_engine, CARD) == [("2026-10", 87.5, "")]


def test_form_rejections_name_the_indicator_in_japanese_not_a_row_number(plan_engine: Engine) -> None:
    with pytest.raises(ActualsRejected) as err:
        submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "75,5")], TODAY)
    (error,) = err.value.errors
    assert str(error).startswith(f"{CARD_NAME}（2026年10月）: ")
    assert "1行目" not in str(err.value)


def test_file_rejections_keep_the_line_and_name_the_indicator(plan_engine: Engine) -> None:
    rows = read_actuals_bytes(f"indicator_id,month,value\n{CARD},2026-10,120\n".encode(), "a.csv")
    with pytest.raises(ActualsRejected) as err:
        _save(plan_engine, rows)
    assert str(err.value.errors[0]).startswith(f"2行目 {CARD_NAME}（2026年10月）: ")


# ---------------------------------------------------------------- the form


def test_a_blank_field_next_to_a_filled_one_stays_blank_and_saves(plan_engine: Engine) -> None:
    """Defect: the blank field showed `nan` and saving was refused (NaN や無限大は使えません)."""
    submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "87.5")], TODAY)
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    rows = {r.code: r for r in entry_rows(data, SHIMIN, OCT)}
    blank = rows["05-konbini-issuance-share"]
    assert blank.current is None and exact(blank.current) == ""
    cells = [
        CellInput(r.code, exact(r.current), r.note, loaded_revision=r.revision, loaded_value=r.current)
        for r in rows.values()
    ]
    result = submit_month(plan_engine, SHIMIN, 2026, OCT, cells, TODAY)
    assert result.saved == [] and result.conflicts == []


def test_a_stored_1234567_is_shown_exactly_and_an_untouched_submit_changes_nothing(plan_engine: Engine) -> None:
    """Defect: 1234567 showed as 1.23457e+06; the untouched submit was refused or stored 1234570."""
    _save(plan_engine, [ActualInput(HOURS, "2026-10", 1234567)])
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    row = next(r for r in entry_rows(data, ADMIN, OCT) if r.code == HOURS)
    assert exact(row.current) == "1234567"
    cell = CellInput(HOURS, exact(row.current), row.note, loaded_revision=row.revision, loaded_value=row.current)
    result = submit_month(plan_engine, ADMIN, 2026, OCT, [cell], TODAY)
    assert result.saved == []
    assert _history(plan_engine, HOURS) == [("2026-10", 1234567.0, "")]


def test_a_value_equal_within_float_tolerance_is_untouched_not_a_correction(plan_engine: Engine) -> None:
    _save(plan_engine, [ActualInput(CARD, "2026-10", 0.1 + 0.2 + 87)])
    stored = _history(plan_engine, CARD)[0][1]
    retyped = CellInput(CARD, "87.3", loaded_revision=1, loaded_value=stored)
    assert submit_month(plan_engine, SHIMIN, 2026, OCT, [retyped], TODAY).saved == []
    note_only = CellInput(CARD, "87.30", "窓口集計", loaded_revision=1, loaded_value=stored)
    result = submit_month(plan_engine, SHIMIN, 2026, OCT, [note_only], TODAY)
    assert result.saved == [(CARD, "2026-10", 2)]  # a note, no correction reason asked
    assert _history(plan_engine, CARD)[0] == ("2026-10", stored, "")  # the stored float kept exactly


def test_a_delayed_value_error_names_the_indicator(plan_engine: Engine) -> None:
    with pytest.raises(ActualsRejected) as err:
        submit_month(plan_engine, SHIMIN, 2026, OCT, [CellInput(CARD, "85.1")], TODAY)
    assert str(err.value.errors[0]) == f"{CARD_NAME}（2026年10月）: {DELAYED_NEEDS_NOTE}"


# ---------------------------------------------------------------- bulk import = the form's rules


def _upload(rows: str) -> bytes:
    return ("indicator_id,month,value,note,reason\n" + rows).encode("utf-8")


def test_bulk_upload_changing_263_to_270_is_marked_and_needs_a_reason(plan_engine: Engine) -> None:
    """Defect: the upload changed 263 → 270 with no reason and no mark in the preview."""
    _save(plan_engine, [ActualInput(HOURS, "2026-10", 263, note="月次集計")])
    data = _upload(f"{HOURS},2026-10,270,月次集計,\n")
    with transaction(plan_engine) as s:
        preview = bulk_import.preview_import(s, ADMIN, data, "a.csv", TODAY)
    row = preview.rows.iloc[0]
    assert row["change"] == "変更 263時間 → 270時間" and preview.corrections == 1
    assert "修正理由が必要" in row["error"] and not preview.ok
    with pytest.raises(ActualsRejected, match="修正理由"):
        bulk_import.submit_import(plan_engine, ADMIN, data, "a.csv", TODAY)
    assert _history(plan_engine, HOURS) == [("2026-10", 263.0, "")]

    with transaction(plan_engine) as s:
        assert bulk_import.preview_import(s, ADMIN, data, "a.csv", TODAY, reason="再集計").ok
    bulk_import.submit_import(plan_engine, ADMIN, data, "a.csv", TODAY, reason="再集計")
    assert _history(plan_engine, HOURS)[0] == ("2026-10", 270.0, "再集計")


def test_a_reason_column_gives_each_correction_its_reason(plan_engine: Engine) -> None:
    _save(plan_engine, [ActualInput(HOURS, "2026-10", 263, note="集計")])
    bulk_import.submit_import(plan_engine, ADMIN, _upload(f"{HOURS},2026-10,270,集計,誤記の訂正\n"), "a.csv", TODAY)
    assert _history(plan_engine, HOURS)[0] == ("2026-10", 270.0, "誤記の訂正")


def test_a_delayed_value_in_an_upload_needs_a_note(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        preview = bulk_import.preview_import(s, ADMIN, _upload(f"{CARD},2026-10,85.1,,\n"), "a.csv", TODAY)
    assert "遅延" in preview.rows.iloc[0]["error"] and preview.rows.iloc[0]["change"] == "新規"
    # Earlier rows of the same upload count: April–September on plan make October on track.
    rows = "".join(f"{CARD},{Month(2026, 4).add(i)},{85 + 0.4 * (i + 1):.1f},,\n" for i in range(7))
    with transaction(plan_engine) as s:
        assert bulk_import.preview_import(s, ADMIN, _upload(rows), "b.csv", TODAY).ok


def test_notes_are_at_most_2000_characters(plan_engine: Engine) -> None:
    with pytest.raises(ActualsRejected, match="2,000文字以内"):
        _save(plan_engine, [ActualInput(CARD, "2026-10", 87.5, note="あ" * 2001)])
    _save(plan_engine, [ActualInput(CARD, "2026-10", 87.5, note="あ" * 2000)])


def test_csv_cells_of_any_size_give_a_japanese_error_not_a_traceback(plan_engine: Engine) -> None:
    huge = "9" * 200_000
    with pytest.raises(FileFormatError, match="セルが大きすぎる"):
        read_actuals_bytes(_upload(f"{CARD},2026-10,{huge},,\n"), "a.csv")
    # the same when another library has raised the process-wide csv limit (frictionless does)
    before = csv.field_size_limit(sys.maxsize)
    try:
        with pytest.raises(FileFormatError, match="セルが大きすぎる"):
            read_actuals_bytes(_upload(f"{CARD},2026-10,{huge},,\n"), "a.csv")
    finally:
        csv.field_size_limit(before)
    with pytest.raises(ActualsRejected) as err:
        _save(plan_engine, read_actuals_bytes(_upload(f"{CARD},2026-10,{'9' * 100_000},,\n"), "a.csv"))
    assert "長すぎます" in str(err.value) and len(str(err.value)) < 500
    with pytest.raises(ActualsRejected) as err:
        _save(plan_engine, read_actuals_bytes(_upload(f"{'x' * 100_000},2026-10,1,,\n"), "a.csv"))
    assert "不明な指標ID" in str(err.value) and len(str(err.value)) < 500
    with pytest.raises(FileFormatError, match="大きすぎます"):
        read_actuals_bytes(b"x" * 6_000_000, "a.csv")


def test_cli_import_needs_a_reason_to_change_a_value(sqlite_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "KPI_DATABASE_URL": sqlite_url, "KPI_TODAY": "2026-11-24"}

    def kpi(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    assert kpi("init").returncode == 0
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(f"indicator_id,month,value,note\n{HOURS},2026-10,263,集計\n", encoding="utf-8")
    second.write_text(f"indicator_id,month,value,note\n{HOURS},2026-10,270,集計\n", encoding="utf-8")
    assert kpi("import-actuals", str(first)).returncode == 0
    refused = kpi("import-actuals", str(second))
    assert refused.returncode == 1 and "修正理由" in refused.stderr and HOURS_NAME in refused.stderr
    assert "Traceback" not in refused.stderr
    ok = kpi("import-actuals", str(second), "--reason", "再集計")
    assert ok.returncode == 0, ok.stderr
    from kpi.store.db import make_engine

    engine = make_engine(sqlite_url)
    with transaction(engine) as s:
        reasons = list(s.scalars(select(ActualRevision.reason).order_by(ActualRevision.id)))
    engine.dispose()
    assert reasons == ["", "再集計"]


def test_concurrent_cli_imports_keep_every_revision_and_never_show_a_traceback(sqlite_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "KPI_DATABASE_URL": sqlite_url, "KPI_TODAY": "2026-11-24"}
    command = [sys.executable, "-m", "kpi"]
    assert subprocess.run([*command, "init"], cwd=ROOT, env=env, capture_output=True, timeout=120).returncode == 0
    files = []
    for i in range(4):
        path = tmp_path / f"{i}.csv"
        path.write_text(f"indicator_id,month,value,note\n{HOURS},2026-10,{300 + i},集計\n", encoding="utf-8")
        files.append(path)
    procs = [
        subprocess.Popen(
            [*command, "import-actuals", str(f), "--reason", "再集計"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outcomes = [(p.wait(120), p.communicate()[1]) for p in procs]
    assert all(code in (0, 1) and "Traceback" not in err for code, err in outcomes), outcomes
    from kpi.store.db import make_engine

    engine = make_engine(sqlite_url)
    with transaction(engine) as s:
        revisions = list(s.scalars(select(ActualRevision.revision).order_by(ActualRevision.revision)))
    engine.dispose()
    assert revisions == list(range(1, len(revisions) + 1))
    assert len(revisions) == sum(1 for code, _ in outcomes if code == 0) >= 1


def test_a_plan_file_maximum_beyond_the_largest_bound_is_refused(tmp_path: Path) -> None:
    import yaml

    from kpi.store.db import DEFAULT_PLAN
    from kpi.store.planfile import PlanError
    from kpi.store.planfile_read import load_plan_file

    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["indicators"][0]["max_value"] = 1e308
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError, match="01-online-procedures"):
        load_plan_file(path)


def test_history_csv_never_holds_a_live_formula() -> None:
    # The 変更履歴 export: a note typed as a formula stays text; numbers stay numbers.
    import csv
    import io

    import pandas as pd

    from kpi.text.cellsafe import safe_csv

    frame = pd.DataFrame(
        {"対象": ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tx", "普通"], "値": [1, 2, 3, 4, 5, -6]}
    )
    data = safe_csv(frame)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["対象", "値"]
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://evil")', "'+1+1", "'-2", "'@SUM(A1)", "'\tx", "普通"]
    assert [r[1] for r in rows[1:]] == ["1", "2", "3", "4", "5", "-6"]
