"""Command line: ``python -m kpi init | import-plan | import-actuals | status | demo``.

Exit codes: 0 success, 1 rejected input (nothing changed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kpi import clock
from kpi.actuals import ActualsRejected, record_actuals
from kpi.bootstrap import import_plan
from kpi.db import DEFAULT_PLAN, make_engine, transaction, upgrade
from kpi.demo import DemoRefused, clear_demo, load_demo
from kpi.evaluate import status_table
from kpi.fiscal import Month, latest_ended_month
from kpi.importers import FileFormatError, read_actuals_file
from kpi.labels import status_text
from kpi.permissions import PermissionDenied, cli_actor
from kpi.planfile import PlanError
from kpi.store import fiscal_years, plan_data

Handler = Callable[[argparse.Namespace], int]


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_init(args: argparse.Namespace) -> int:
    return _import_plan(Path(args.plan))


def cmd_import_plan(args: argparse.Namespace) -> int:
    return _import_plan(Path(args.file))


def _import_plan(path: Path) -> int:
    engine = make_engine()
    try:
        summary = import_plan(engine, path, cli_actor())
    except PlanError as exc:
        _err(str(exc))
        _err("計画は読み込んでいません（データベースは変更されていません）。")
        return 1
    if summary.changed:
        print(
            f"{path}: 令和{summary.fiscal_year - 2018}年度の計画を読み込みました"
            f"（追加 {summary.created}、更新 {summary.updated}、削除 {summary.removed}）"
        )
    else:
        print(f"{path}: 変更はありません（データベースは最新です）")
    return 0


def cmd_import_actuals(args: argparse.Namespace) -> int:
    # Imported here so that the rest of the CLI does not load the write path.
    from sqlalchemy.exc import OperationalError

    from kpi.writes import ConcurrentSave, with_retry

    engine = make_engine()
    upgrade(engine)
    try:
        rows = read_actuals_file(args.file)
        result = with_retry(
            engine,
            record_actuals,
            rows,
            cli_actor(),
            clock.today(),
            source=f"import:{Path(args.file).name}"[:40],
            require_reason=True,
            require_note=True,
            default_reason=args.reason or "",
        )
    except FileFormatError as exc:
        _err(f"{args.file}: {exc}")
        return 1
    except ActualsRejected as exc:
        _err(f"{args.file}: {len(exc.errors)}件の誤りがあるため、ファイル全体を取り込んでいません:")
        for e in exc.errors:
            _err(f"  {e}")
        return 1
    except (PermissionDenied, ConcurrentSave) as exc:
        _err(f"{args.file}: {exc}")
        return 1
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        # SQLite: another import held the database longer than the busy timeout.
        _err(
            f"{args.file}: 他の保存が続いているため取り込めませんでした（何も保存していません）。"
            "もう一度実行してください"
        )
        return 1
    print(f"{args.file}: {len(result.saved)}件を保存しました（変更なし {len(result.unchanged)}件）")
    return 0


def _resolve_year(session_years: list[int], wanted: int | None, as_of: Month) -> int | None:
    if wanted is not None:
        return wanted if wanted in session_years else None
    if as_of.fiscal_year in session_years:
        return as_of.fiscal_year
    return session_years[-1] if session_years else None


def cmd_status(args: argparse.Namespace) -> int:
    try:
        as_of = Month.parse(args.as_of) if args.as_of else latest_ended_month(clock.today())
    except ValueError as exc:
        _err(str(exc))
        return 2
    engine = make_engine()
    upgrade(engine)
    with transaction(engine) as session:
        years = [fy.year for fy in fiscal_years(session)]
        year = _resolve_year(years, args.fiscal_year, as_of)
        data = plan_data(session, year) if year is not None else None
    if data is None:
        _err("計画が読み込まれていません。python -m kpi init を実行してください。")
        return 1
    table = status_table(data, as_of, args.level)
    if data.has_sample:
        _err("注意: サンプルデータを含みます（python -m kpi demo --clear で削除）")
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    elif args.format == "json":
        print(json.dumps(json.loads(table.to_json(orient="records", force_ascii=False)), ensure_ascii=False, indent=1))
    else:
        shown = table.copy()
        shown["status"] = [status_text(s) for s in shown["status"]]
        print(f"{data.label} 基準月 {as_of}")
        print(shown.to_string(index=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    engine = make_engine()
    upgrade(engine)
    today = clock.today()
    year = args.fiscal_year or latest_ended_month(today).fiscal_year
    try:
        with transaction(engine) as session:
            if args.clear:
                n = clear_demo(session, year, cli_actor())
                print(f"サンプルデータを削除しました（{n}件）")
            else:
                n = load_demo(session, year, cli_actor(), today)
                print(f"サンプルデータを読み込みました（実績 {n}件）。画面にはサンプル表示が出ます。")
    except DemoRefused as exc:
        _err(str(exc))
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="草津市DXアクションプラン KPI 管理")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="データベースを作成・更新し、計画を読み込む（何度実行しても同じ）")
    p.add_argument("--plan", default=str(DEFAULT_PLAN), help="計画ファイル（既定: data/plan_r8.yaml）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import-plan", help="別の計画ファイル（次年度など）を読み込む")
    p.add_argument("file")
    p.set_defaults(func=cmd_import_plan)

    p = sub.add_parser("import-actuals", help="実績を CSV/XLSX から取り込む（全件または0件）")
    p.add_argument("file", help="列 indicator_id,month,value,note,reason の CSV（UTF-8 / CP932）または XLSX")
    p.add_argument(
        "--reason",
        help="既存の値を変更する行の修正理由（ファイルの reason 列が空の行すべてに使う）",
    )
    p.set_defaults(func=cmd_import_actuals)

    p = sub.add_parser("status", help="状況を表示する")
    p.add_argument("--as-of", help="基準月 YYYY-MM（既定: 終了した最新の月）")
    p.add_argument("--level", choices=["indicator", "project", "measure", "policy"], default="indicator")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 基準月の年度")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", help="サンプル実績を読み込む（--clear で削除）")
    p.add_argument("--clear", action="store_true")
    p.add_argument("--fiscal-year", type=int)
    p.set_defaults(func=cmd_demo)

    from kpi import bench  # imported here: only the benchmark command needs it

    bench.register(sub)
    __import__("kpi.cli_inquiry").cli_inquiry.register(sub)  # the year-end cycle: inquiry, remind, …
    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


# Other modules add subcommands here (accounts, reports): each takes the subparsers object.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.func
    return handler(args)
