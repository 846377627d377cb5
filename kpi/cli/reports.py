"""``python -m kpi report`` and ``python -m kpi schedule-sheet`` (kpi.cli.main registers them
with ``register`` when one of them runs).

report: --as-of YYYY-MM (default: the latest ended month) --scope all|policy:N|measure:N|
project:N --format pdf|xlsx|png --out FILE. For png, FILE ending in .zip gets a zip;
otherwise FILE is a directory that receives one PNG per indicator chart.
schedule-sheet: the 工程表 of the scope as the city hands it out, --format xlsx|pdf.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

from kpi.cli.main import as_of_arg, err
from kpi.cli.status import resolve_year
from kpi.domain import clock
from kpi.domain.fiscal import Month, latest_ended_month
from kpi.domain.plan import DEFAULT_LEVELS
from kpi.reports.content import Scope, ScopeError, scope_projects
from kpi.reports.service import FORMATS, SCHEDULE_FORMATS, Inputs, load_inputs, report_bytes, schedule_bytes
from kpi.store.db import make_engine, upgrade
from kpi.store.reads import fiscal_years


def _progress_line(done: int, total: int) -> None:
    """「グラフ 3/11」 on one stderr line, rewritten per chart; a newline when all are drawn."""
    end = "\n" if done >= total else ""
    print(f"\rグラフ {done}/{total}", end=end, file=sys.stderr, flush=True)


def _inputs(args: argparse.Namespace, as_of: Month) -> Inputs | None:
    from kpi.store.db import transaction

    engine = make_engine()
    upgrade(engine)
    with transaction(engine) as session:
        years = [fy.year for fy in fiscal_years(session)]
    year = resolve_year(years, args.fiscal_year, as_of)
    return load_inputs(engine, year) if year is not None else None


def cmd_report(args: argparse.Namespace) -> int:
    try:
        as_of = as_of_arg(args.as_of)
        scope = Scope.parse(args.scope)
    except ValueError as exc:
        err(str(exc))
        return 2
    inputs = _inputs(args, as_of)
    if inputs is None:
        err("計画が読み込まれていません。python -m kpi init を実行してください。")
        return 1
    try:
        scope_projects(inputs.data, scope)
    except ScopeError as exc:
        err(str(exc))
        return 2
    if inputs.data.has_sample:
        err("注意: サンプルデータを含みます（python -m kpi demo --clear で削除）")
    out = Path(args.out)
    payload = report_bytes(inputs, as_of, scope, args.format, clock.today(), progress=_progress_line)
    if args.format == "png" and out.suffix.lower() != ".zip":
        out.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            zf.extractall(out)
            n = len(zf.namelist())
        print(f"{out}: グラフ {n}枚を書き出しました")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(payload)
    print(f"{out}: {inputs.data.label} 基準月 {as_of} のレポートを書き出しました（{args.format}）")
    return 0


def cmd_schedule_sheet(args: argparse.Namespace) -> int:
    try:
        scope = Scope.parse(args.scope)
    except ValueError as exc:
        err(str(exc))
        return 2
    inputs = _inputs(args, latest_ended_month(clock.today()))
    if inputs is None:
        err("計画が読み込まれていません。python -m kpi init を実行してください。")
        return 1
    try:
        n = len(scope_projects(inputs.data, scope))
    except ScopeError as exc:
        err(str(exc))
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(schedule_bytes(inputs, scope, args.format))
    # Counted in the plan's own lowest level (「3取組」); the default plan's 実施事業 read 「8事業」.
    levels = inputs.data.levels
    unit = "事業" if tuple(levels) == DEFAULT_LEVELS else levels[-1]
    print(f"{out}: 工程表 {n}{unit}を書き出しました（{args.format}）")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="進捗レポートを PDF / XLSX / PNG で書き出す")
    p.add_argument("--as-of", help="基準月 YYYY-MM（既定: 終了した最新の月）")
    p.add_argument("--scope", default="all", help="all | policy:N | measure:N | project:N（既定: all）")
    p.add_argument("--format", choices=FORMATS, default="pdf", help="出力形式（既定: pdf）")
    p.add_argument("--out", required=True, help="出力ファイル（png はディレクトリまたは .zip）")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 基準月の年度")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("schedule-sheet", help="工程表を配布用の様式で書き出す（1事業1シート／1ページ）")
    p.add_argument("--scope", default="all", help="all | policy:N | measure:N | project:N（既定: all）")
    p.add_argument("--format", choices=SCHEDULE_FORMATS, default="xlsx", help="出力形式（既定: xlsx）")
    p.add_argument("--out", required=True, help="出力ファイル")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    p.set_defaults(func=cmd_schedule_sheet)
