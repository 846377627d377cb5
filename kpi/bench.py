"""``python -m kpi benchmark``: how long the work behind each page and command takes.

Builds a throwaway SQLite database (or uses ``--url``), loads the real plan and a large
history (every indicator, every month, many corrections), then times the operations a
user waits for. Prints a table of median and worst times; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kpi.actuals import ActualInput, record_actuals
from kpi.bootstrap import import_plan
from kpi.db import DEFAULT_PLAN, make_engine, transaction
from kpi.evaluate import indicator_statuses, measure_statuses, policy_statuses, project_statuses
from kpi.fiscal import Month, fiscal_months
from kpi.importers import read_actuals_bytes
from kpi.permissions import cli_actor
from kpi.store import plan_data

TODAY = date(2027, 4, 15)  # the whole fiscal year has ended: the largest status computation


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def run(url: str | None, revisions: int, repeat: int) -> list[tuple[str, float, float]]:
    tmp = tempfile.TemporaryDirectory()
    engine = make_engine(url or f"sqlite:///{Path(tmp.name) / 'bench.db'}")
    actor = cli_actor()
    results: list[tuple[str, float, float]] = []

    start = time.perf_counter()
    import_plan(engine, DEFAULT_PLAN, actor)
    results.append(("init（スキーマ作成＋計画読込）", time.perf_counter() - start, time.perf_counter() - start))
    results.append(("init 2回目（変更なし）", *_time(lambda: import_plan(engine, DEFAULT_PLAN, actor), repeat)))

    with transaction(engine) as s:
        codes = list(plan_data(s, 2026).indicators["code"])  # type: ignore[union-attr]
    months = fiscal_months(2026)
    lines = ["indicator_id,month,value,note"]
    for code in codes:
        for i, m in enumerate(months, start=1):
            lines.append(f"{code},{m},{i},bench")
    csv_bytes = ("\n".join(lines) + "\n").encode("cp932")

    def import_file() -> None:
        rows = read_actuals_bytes(csv_bytes, "bench.csv")
        with transaction(engine) as s:
            record_actuals(s, rows, actor, TODAY, source="bench")

    results.append((f"import-actuals（{len(lines) - 1}行 CP932）", *_time(import_file, 1)))

    # Many corrections: each cell gets `revisions` revisions in batches of one file each.
    start = time.perf_counter()
    for r in range(2, revisions + 1):
        rows = [
            ActualInput(code, str(m), r + i, "", reason="bench")
            for code in codes
            for i, m in enumerate(months, start=1)
        ]
        with transaction(engine) as s:
            record_actuals(s, rows, actor, TODAY, source="bench")
    total = len(codes) * len(months) * revisions
    results.append((f"履歴の作成（計 {total:,} 版）", time.perf_counter() - start, time.perf_counter() - start))

    def read() -> object:
        with transaction(engine) as s:
            return plan_data(s, 2026)

    results.append(("計画＋現在値の読込（plan_data）", *_time(read, repeat)))
    data = read()
    as_of = Month(2027, 3)

    def statuses() -> None:
        ind = indicator_statuses(data, as_of)  # type: ignore[arg-type]
        proj = project_statuses(data, as_of, ind)  # type: ignore[arg-type]
        measure_statuses(data, as_of, proj)  # type: ignore[arg-type]
        policy_statuses(data, as_of, proj)  # type: ignore[arg-type]

    results.append(("全状況の計算（指標→事業→施策→方針）", *_time(statuses, repeat)))

    def page() -> None:
        read()
        statuses()

    results.append(("1画面分（読込＋計算、キャッシュなし）", *_time(page, repeat)))
    engine.dispose()
    tmp.cleanup()
    return results


def run_reports(repeat: int) -> list[tuple[str, float, float]]:
    """The report files a user waits for, on the sample data (``python -m kpi demo``), as of
    October 2026: the whole-plan PDF, the PNG zip and the 工程表 PDF. Goal: 3 s median each."""
    from kpi.demo import load_demo
    from kpi.reports.content import Scope
    from kpi.reports.service import load_inputs, report_bytes, schedule_bytes

    today = date(2026, 11, 24)
    as_of = Month(2026, 10)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'reports.db'}")
        actor = cli_actor()
        import_plan(engine, DEFAULT_PLAN, actor)
        with transaction(engine) as s:
            load_demo(s, 2026, actor, today)
        inputs = load_inputs(engine, 2026)
        engine.dispose()
    assert inputs is not None
    scope = Scope.parse("all")
    return [
        ("レポート PDF（全体・グラフ付き）", *_time(lambda: report_bytes(inputs, as_of, scope, "pdf", today), repeat)),
        ("グラフ画像 PNG zip（全体）", *_time(lambda: report_bytes(inputs, as_of, scope, "png", today), repeat)),
        ("工程表 PDF（22事業）", *_time(lambda: schedule_bytes(inputs, scope, "pdf"), repeat)),
    ]


def _pad(text: str, width: int) -> str:
    """Pad to a display width: full-width Japanese characters take two columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def cmd_benchmark(args: argparse.Namespace) -> int:
    print(f"benchmark: revisions per cell {args.revisions}, repeat {args.repeat}")
    width = 44
    print(f"{_pad('操作', width)} {'median ms':>10} {'max ms':>10}")
    for name, median, worst in run(args.url, args.revisions, args.repeat):
        print(f"{_pad(name, width)} {median * 1000:>10.1f} {worst * 1000:>10.1f}")
    # Report files take seconds each: fewer repeats, the first one included (a cold start).
    for name, median, worst in run_reports(max(1, min(args.repeat, args.report_repeat))):
        print(f"{_pad(name, width)} {median * 1000:>10.1f} {worst * 1000:>10.1f}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("benchmark", help="処理時間を測る（使い捨てのデータベースで）")
    p.add_argument("--url", help="測定に使うデータベース URL（既定: 一時 SQLite ファイル）")
    p.add_argument("--revisions", type=int, default=20, help="各指標・月の版数（既定 20）")
    p.add_argument("--repeat", type=int, default=15, help="各操作の繰り返し回数（既定 15）")
    p.add_argument("--report-repeat", type=int, default=5, help="レポート作成の繰り返し回数（既定 5）")
    p.set_defaults(func=cmd_benchmark)
