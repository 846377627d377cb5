"""``python -m kpi benchmark``: a smoke run of the S data set (no timing is asserted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from kpi import bench, bench_data
from kpi.bootstrap import import_plan
from kpi.cli_main import main
from kpi.db import make_engine, upgrade
from kpi.models import ActualRevision, Indicator


def test_benchmark_s_prints_every_line_with_its_floor_and_ratio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["benchmark", "--scale", "S", "--repeat", "1", "--report-repeat", "1", "--cache-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    names = [f"{name} {kind}" for _path, name in bench.PAGES for kind in ("cold", "warm")]
    names += ["保存（実績入力 1件）", "status（起動を含む）", "--help", "import-plan（変更なし）"]
    names += [
        "レポート PDF（全体）",
        "グラフ PNG zip（全体）",
        "レポート XLSX（全体）",
        "工程表 PDF（全体）",
        "工程表 XLSX（全体）",
    ]
    number = r"\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d$"
    for name in names:
        assert re.search(re.escape(name) + number, out, re.MULTILINE), f"missing line: {name}\n{out}"
    # The second run reuses the cached database file instead of building it again.
    main(["benchmark", "--scale", "S", "--repeat", "1", "--report-repeat", "1", "--cache-dir", str(tmp_path)])
    assert "キャッシュを使用" in capsys.readouterr().out


def test_generated_plan_loads_in_bulk_exactly_as_import_plan_would(tmp_path: Path) -> None:
    """The bulk loader stores what load_plan stores: importing the file afterwards changes nothing."""
    engine = make_engine(f"sqlite:///{tmp_path / 'g.db'}")
    plan_file = tmp_path / "plan.yaml"
    raw = bench_data.generated_plan_raw(2026)
    raw["measures"] = raw["measures"][:2]
    raw["projects"] = [p for p in raw["projects"] if p["measure"] <= 2]
    raw["indicators"] = [i for i in raw["indicators"] if i["project"] <= len(raw["projects"])]
    plan_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    plan = bench_data.parse_plan(raw, "g")
    upgrade(engine)
    with engine.begin() as conn:
        bench_data.bulk_load_plan(conn, plan, str(plan_file))
        written = bench_data.bulk_actuals(conn, plan, revisions=2)
    assert written == len(raw["indicators"]) * 12 * 2
    assert not import_plan(engine, plan_file, bench_data.ADMIN).changed
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ActualRevision)).scalar_one() == written
        assert conn.execute(select(func.count()).select_from(Indicator)).scalar_one() == len(raw["indicators"])
    engine.dispose()


def test_benchmark_only_times_the_lines_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--only`` measures one line while working on it, not the whole list."""
    argv = ["benchmark", "--scale", "S", "--repeat", "1", "--report-repeat", "1", "--cache-dir", str(tmp_path)]
    assert main([*argv, "--only", "変更履歴,XLSX"]) == 0
    out = capsys.readouterr().out
    timed = [line.split()[0] for line in out.splitlines() if re.search(r"\d+\.\d\s+\d+\.\d\s+\d+\.\d$", line)]
    assert timed == ["変更履歴", "変更履歴", "レポート", "工程表"], out
    assert "全体概要" not in out and "status" not in out
