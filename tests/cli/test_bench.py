"""``python -m kpi benchmark``: a smoke run of the S data set (no timing is asserted)."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from kpi.bench import browser as bench_browser
from kpi.bench import data as bench_data
from kpi.bench import run as bench
from kpi.cli.main import main
from kpi.store.bootstrap import import_plan
from kpi.store.db import make_engine, upgrade
from kpi.store.models import ActualRevision, Indicator

PORT = 8740  # this test's range: 8740-8749


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


@pytest.mark.browser
def test_benchmark_browser_times_the_overview_in_chromium_and_stops_its_server(tmp_path: Path) -> None:
    """``--browser`` adds the real-browser lines of the pages asked for, then leaves no server running.

    Run as the command it is, in its own process: Playwright's sync API refuses to start in a
    process where another test's Playwright still runs its event loop (the e2e tests' browser)."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.e2e.conftest import require_chromium

    require_chromium()
    argv = ["benchmark", "--scale", "S", "--repeat", "1", "--cache-dir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "kpi", *argv, "--browser", "--port", str(PORT), "--only", "全体概要"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "KPI_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    number = r"\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d$"
    for name in ("全体概要 cold", "全体概要 warm", "全体概要 browser cold", "全体概要 browser warm"):
        assert re.search(re.escape(name) + number, out, re.MULTILINE), f"missing line: {name}\n{out}"
    assert "工程表" not in out and "重点施策別" not in out
    for port in range(PORT, PORT + 10):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)


def test_benchmark_without_browser_prints_no_browser_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["benchmark", "--scale", "S", "--repeat", "1", "--cache-dir", str(tmp_path), "--only", "全体概要"]
    assert main(argv) == 0
    assert "browser" not in capsys.readouterr().out.split("操作", 1)[1]


class _FakePage:
    """Enough of a Playwright page to deliver websocket frames to ScriptRuns."""

    def __init__(self) -> None:
        self.frames: list[Any] = []

    def on(self, event: str, handler: Any) -> None:
        assert event == "websocket"
        socket = _FakeSocket()
        handler(socket)
        self.frames = socket.handlers

    def receive(self, msg: ForwardMsg) -> None:
        for handler in self.frames:
            handler(msg.SerializeToString())


class _FakeSocket:
    def __init__(self) -> None:
        self.handlers: list[Any] = []

    def on(self, event: str, handler: Any) -> None:
        assert event == "framereceived"
        self.handlers.append(handler)


def _msg(kind: str, status: int = 0) -> ForwardMsg:
    msg = ForwardMsg()
    if kind == "new_session":
        msg.new_session.page_script_hash = "page"
    else:
        msg.script_finished = status  # type: ignore[assignment]
    return msg


def test_a_run_cut_short_by_st_rerun_does_not_count_as_the_page_being_ready() -> None:
    """Signing in ends its run with st.rerun(): only the run after it draws the page."""
    page = _FakePage()
    runs = bench_browser.ScriptRuns(page)
    page.receive(_msg("new_session"))
    assert runs.running and runs.finished == 0
    page.receive(_msg("script_finished", ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    assert runs.running and runs.finished == 0
    page.receive(_msg("new_session"))
    page.receive(_msg("script_finished", ForwardMsg.FINISHED_SUCCESSFULLY))
    assert not runs.running and runs.finished == 1
    for handler in page.frames:
        handler("a text frame")  # ignored, as are frames that are not Streamlit's messages
        handler(b"\xff\xfe not protobuf")
    assert not runs.running and runs.finished == 1


def test_benchmark_output_has_no_streamlit_warnings(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """AppTest outside a server warns on every run; the benchmark's output stays its table."""
    argv = ["benchmark", "--scale", "S", "--repeat", "1", "--cache-dir", str(tmp_path), "--only", "全体概要"]
    assert main(argv) == 0
    err = capfd.readouterr().err
    assert "ScriptRunContext" not in err and "No runtime found" not in err, err
