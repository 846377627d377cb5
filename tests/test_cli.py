"""The command line as an operator runs it: ``python -m kpi`` in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import INDICATOR_IDS, ROOT

STATUS_CODES = {"achieved", "on_track", "caution", "delayed", "no_data", "no_baseline", "reference", "not_due", "done"}


def kpi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def env(sqlite_url: str) -> dict[str, str]:
    return {**os.environ, "KPI_DATABASE_URL": sqlite_url, "KPI_TODAY": "2026-11-24"}


def status_rows(env: dict[str, str], *extra: str) -> list[dict[str, str]]:
    out = kpi("status", "--format", "csv", *extra, env=env)
    assert out.returncode == 0, out.stderr
    return list(csv.DictReader(io.StringIO(out.stdout)))


def test_init_then_status_lists_every_indicator_and_milestone(env: dict[str, str]) -> None:
    first = kpi("init", env=env)
    assert first.returncode == 0, first.stderr
    second = kpi("init", env=env)
    assert second.returncode == 0 and "変更はありません" in second.stdout
    rows = status_rows(env, "--as-of", "2026-10")
    assert list(rows[0]) == [
        "kind",
        "id",
        "project",
        "measure",
        "name",
        "unit",
        "baseline",
        "target",
        "expected",
        "actual",
        "ratio",
        "status",
        "unreported_months",
    ]
    assert {r["id"] for r in rows if r["kind"] == "indicator"} == set(INDICATOR_IDS)
    milestones = {r["id"]: r["status"] for r in rows if r["kind"] == "milestone"}
    assert milestones == {
        "01-m1": "caution",
        "01-m2": "delayed",
        "03-m1": "delayed",
        "08-m1": "delayed",
        "08-m2": "not_due",
        "09-m1": "delayed",
        "15-m1": "delayed",
    }
    assert all(r["status"] in STATUS_CODES for r in rows)
    assert {r["status"] for r in rows if r["kind"] == "indicator"} == {"no_data"}


def test_default_as_of_is_the_latest_ended_month(env: dict[str, str]) -> None:
    kpi("init", env=env)
    rows = status_rows(env)
    assert next(r for r in rows if r["id"] == "04-mynumber-card-rate")["unreported_months"] == "7"


def test_cp932_file_with_one_bad_row_exits_nonzero_names_the_row_and_changes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    kpi("init", env=env)
    before = kpi("status", "--as-of", "2026-10", "--format", "csv", env=env).stdout
    path = tmp_path / "実績.csv"
    path.write_bytes(
        "indicator_id,month,value,note\r\n04-mynumber-card-rate,2026-10,86.2,窓口集計\r\n"
        "14-ai-rpa-hours-saved,2026-10,百,手入力\r\n".encode("cp932")
    )
    out = kpi("import-actuals", str(path), env=env)
    assert out.returncode == 1
    assert "3行目" in out.stderr and "数値ではありません" in out.stderr
    assert kpi("status", "--as-of", "2026-10", "--format", "csv", env=env).stdout == before


def test_good_import_changes_the_status(env: dict[str, str], tmp_path: Path) -> None:
    kpi("init", env=env)
    path = tmp_path / "ok.csv"
    path.write_bytes("indicator_id,month,value,note\n04-mynumber-card-rate,2026-10,87.2,\n".encode("cp932"))
    out = kpi("import-actuals", str(path), env=env)
    assert out.returncode == 0, out.stderr
    row = next(r for r in status_rows(env, "--as-of", "2026-10") if r["id"] == "04-mynumber-card-rate")
    assert (row["actual"], row["status"], row["unreported_months"]) == ("87.2", "on_track", "0")
    assert float(row["expected"]) == pytest.approx(85 + 4 * 7 / 12, abs=1e-4)


def test_levels_and_formats(env: dict[str, str]) -> None:
    kpi("init", env=env)
    assert kpi("demo", env=env).returncode == 0
    measures = json.loads(kpi("status", "--level", "measure", "--format", "json", env=env).stdout)
    assert [m["symbol"] for m in measures] == list("①②③④⑤⑥⑦⑧⑨⑩")
    policies = status_rows(env, "--level", "policy")
    assert [p["id"] for p in policies] == ["1", "2", "3"]
    projects = status_rows(env, "--level", "project")
    assert len(projects) == 22 and all(p["status"] in STATUS_CODES for p in projects)
    table = kpi("status", env=env)
    assert "令和8年度" in table.stdout and "サンプル" in table.stderr


def test_demo_clear_removes_sample_only(env: dict[str, str]) -> None:
    kpi("init", env=env)
    assert kpi("demo", env=env).returncode == 0
    assert any(r["status"] != "no_data" for r in status_rows(env) if r["kind"] == "indicator")
    cleared = kpi("demo", "--clear", env=env)
    assert cleared.returncode == 0
    assert {r["status"] for r in status_rows(env) if r["kind"] == "indicator"} == {"no_data"}


def test_a_broken_plan_file_exits_nonzero_and_loads_nothing(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (ROOT / "data" / "plan_r8.yaml")
        .read_text(encoding="utf-8")
        .replace("    direction: increase", "    direction: upward", 1),
        encoding="utf-8",
    )
    out = kpi("import-plan", str(bad), env=env)
    assert out.returncode == 1
    assert "indicators[id=01-online-procedures].direction" in out.stderr
    assert kpi("status", env=env).returncode == 1  # still no plan
