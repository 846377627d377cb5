"""``python -m kpi``: every command and option with its help text, dispatch, and exit codes.

Exit codes: 0 success, 1 rejected input (nothing changed), 2 usage error, 3 internal error
(a short message with an incident id; the traceback goes to the log file, and to the screen
with ``--debug`` or KPI_DEBUG=1).

This module imports no heavy library, so that ``--help`` and usage errors answer at once: a
command's handler (one module per subject: kpi.cli.plan, actuals, status, demo, users, cycle,
reports, and kpi.bench.run) is imported only when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi import PROJECT_ROOT
from kpi.domain.permissions import ROLES

if TYPE_CHECKING:
    from kpi.domain.fiscal import Month

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEBUG_ENV = "KPI_DEBUG"
LOG_DIR_ENV = "KPI_LOG_DIR"
DEFAULT_LOG_DIR = PROJECT_ROOT / "data" / "logs"
LOG_FILE = "cli.log"

Handler = Callable[[argparse.Namespace], int]
Subparsers = argparse._SubParsersAction

# Commands whose parser lives beside their handler: registered only when that command runs
# (so --help does not import the reports' libraries); the top-level help uses these texts.
DEFERRED: dict[str, tuple[str, str]] = {
    "report": ("kpi.cli.reports", "進捗レポートを PDF / XLSX / PNG で書き出す"),
    "schedule-sheet": ("kpi.cli.reports", "工程表を配布用の様式で書き出す（1事業1シート／1ページ）"),
    "publish": ("kpi.cli.publish", "市民向けの公開版（静的サイトとオープンデータ）を書き出す"),
    "benchmark": ("kpi.bench.run", "処理時間を測る（使い捨てのデータベースで）"),
    # The year-end cycle (kpi.cli.cycle registers all of these at once).
    "inquiry": ("kpi.cli.cycle", "各課照会（期末評価）を開始・終了・一覧する"),
    "remind": ("kpi.cli.cycle", "部署ごとの未対応項目を表示する（--send でメール送信）"),
    "inquiry-sheet": ("kpi.cli.cycle", "部署の照会シート（工程表＋期末評価の入力欄）を XLSX で書き出す"),
    "import-inquiry": ("kpi.cli.cycle", "記入した照会シートを取り込む（全件または0件）"),
    "council": ("kpi.cli.cycle", "懇話会資料（総括表＋事業ごとの工程表と期末評価）を PDF/XLSX で書き出す"),
    "department-email": ("kpi.cli.cycle", "部署の連絡先メールアドレスを設定する（空文字で削除）"),
    # Backups, restore and the move to another database (kpi.cli.backup registers all four).
    "backup": ("kpi.cli.backup", "データベース全体のバックアップ（1つのファイル）を書き出す（実行中でも一貫した内容）"),
    "verify-backup": ("kpi.cli.backup", "バックアップのファイルを検査する（データベース不要）"),
    "restore": (
        "kpi.cli.backup",
        "バックアップを KPI_DATABASE_URL の空のデータベースに復元する（全部または何もしない）",
    ),
    "copy-database": ("kpi.cli.backup", "このデータベースの全体を別の空のデータベース（PostgreSQL など）にコピーする"),
}


def as_of_arg(value: str | None) -> Month:
    """A command's ``--as-of YYYY-MM``, or the latest month that has ended (ValueError: not a month)."""
    from kpi.domain import clock
    from kpi.domain.fiscal import Month, latest_ended_month

    return Month.parse(value) if value else latest_ended_month(clock.today())


def err(message: str) -> None:
    """A message for the operator, on stderr (the command modules use this one)."""
    print(message, file=sys.stderr)


def _command(parser: Subparsers, name: str, handler: str, help_text: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = parser.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(handler=handler)
    return p


def _fiscal_year_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 基準月の年度")


def _user_commands(sub: Subparsers) -> None:
    p = sub.add_parser("user", help="利用者（アカウント）の管理", description="利用者（アカウント）の管理")
    users = p.add_subparsers(dest="user_command", required=True, metavar="{add,passwd,disable,list}")
    a = _command(
        users, "add", "kpi.cli.users:cmd_user", "利用者を追加する（パスワードは入力、または生成して一度だけ表示）"
    )
    a.add_argument("name", help="利用者名（64文字以内）")
    a.add_argument(
        "--role", choices=ROLES, required=True, help="役割: admin（管理者）/ editor（編集者）/ viewer（閲覧者）"
    )
    a.add_argument("--department", action="append", help="所属部署（複数可）。例: --department 市民課")
    a.add_argument("--display-name", help="表示名（既定: 利用者名）")
    a.add_argument("--email", help="メールアドレス（OIDC ログインの照合に使う）")
    _command(users, "passwd", "kpi.cli.users:cmd_user", "パスワードを変更する").add_argument("name", help="利用者名")
    _command(users, "disable", "kpi.cli.users:cmd_user", "利用者を無効にする").add_argument("name", help="利用者名")
    _command(users, "list", "kpi.cli.users:cmd_user", "利用者の一覧")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; ``command`` (the word the user typed) also registers a deferred command."""
    parser = argparse.ArgumentParser(prog="python -m kpi", description="DXアクションプラン KPI 管理")
    parser.add_argument(
        "--debug", action="store_true", help=f"内部エラーの詳細（トレースバック）を表示する（{DEBUG_ENV}=1 と同じ）"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = _command(
        sub, "init", "kpi.cli.plan:cmd_init", "データベースを作成・更新し、計画を読み込む（何度実行しても同じ）"
    )
    p.add_argument("--plan", help="計画ファイル（既定: 環境変数 KPI_PLAN_FILE、なければ data/plan_r8.yaml）")

    p = _command(sub, "import-plan", "kpi.cli.plan:cmd_import_plan", "別の計画ファイル（次年度など）を読み込む")
    p.add_argument("file", help="計画ファイル（YAML）")
    p.add_argument(
        "--replace",
        action="store_true",
        help="読み込んだだけの計画（実績・アカウント・編集・評価なし）を、この計画で置き換える（別の自治体の計画など）",
    )

    p = _command(
        sub,
        "new-year",
        "kpi.cli.plan:cmd_new_year",
        "次年度の計画ファイルの下書きを作る（最新の年度の計画と実績から）",
    )
    p.add_argument("--out", required=True, help="書き出す計画ファイル（YAML）")
    p.add_argument("--year", type=int, help="元にする年度（西暦、例: 2026。既定: データベースの最新の年度）")

    p = _command(
        sub, "import-actuals", "kpi.cli.actuals:cmd_import_actuals", "実績を CSV/XLSX から取り込む（全件または0件）"
    )
    p.add_argument("file", help="列 indicator_id,month,value,note,reason の CSV（UTF-8 / CP932）または XLSX")
    p.add_argument("--reason", help="既存の値を変更する行の修正理由（ファイルの reason 列が空の行すべてに使う）")

    p = _command(sub, "status", "kpi.cli.status:cmd_status", "状況を表示する")
    p.add_argument("--as-of", help="基準月 YYYY-MM（既定: 終了した最新の月）。年度の中の月であること")
    p.add_argument(
        "--level",
        choices=["indicator", "project", "measure", "policy"],
        default="indicator",
        help="集計の単位: 指標・●（indicator）/ 実施事業 / 重点施策 / 基本方針（既定: indicator）",
    )
    p.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="出力形式: table（人が読む表）/ csv / json（オブジェクトの配列、欠損は null）（既定: table）",
    )
    _fiscal_year_option(p)

    p = _command(sub, "demo", "kpi.cli.demo:cmd_demo", "サンプル実績を読み込む（--clear で削除）")
    p.add_argument("--clear", action="store_true", help="サンプル実績だけを削除する")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")

    _user_commands(sub)
    p = _command(sub, "ldap-check", "kpi.cli.directory:cmd_ldap_check", "ディレクトリ（LDAP/AD）の利用者を確認する")
    p.add_argument("username", help="利用者名（パスワードは不要。見つかったか・グループ・役割・部署を表示）")

    if command in DEFERRED:
        importlib.import_module(DEFERRED[command][0]).register(sub)
    for name, (_module, help_text) in DEFERRED.items():
        if name not in sub.choices:
            sub.add_parser(name, help=help_text)  # placeholder: main() registers the real one
    return parser


def _command_word(argv: Sequence[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def _handler(args: argparse.Namespace) -> Handler:
    func: Handler | None = getattr(args, "func", None)
    if func is not None:
        return func
    module, name = str(args.handler).split(":")
    handler: Handler = getattr(importlib.import_module(module), name)
    return handler


def _missing_input(args: argparse.Namespace) -> str | None:
    """The input file named on the command line that does not exist, if any."""
    for attr in ("file", "plan"):
        value = getattr(args, attr, None)
        if isinstance(value, str) and value and not Path(value).is_file():
            return value
    return None


def _silence_stdout() -> None:
    # The reader went away (``| head``): further output, including the interpreter's final
    # flush, goes nowhere instead of raising again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _log_handler() -> tuple[logging.Handler, Path | None]:
    directory = Path(os.environ.get(LOG_DIR_ENV) or DEFAULT_LOG_DIR)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / LOG_FILE
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return logging.NullHandler(), None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler, path


def _internal_error(exc: BaseException, args: Any, debug: bool) -> int:
    from kpi.services import incident

    handler, path = _log_handler()
    incident.log.addHandler(handler)
    incident.log.propagate = False  # the traceback goes to the file, not the screen
    try:
        incident_id = incident.record(exc, f"python -m kpi {getattr(args, 'command', '')}")
    finally:
        incident.log.removeHandler(handler)
        handler.close()
    err(f"内部エラーが発生しました（エラー番号 {incident_id}）。管理者にこの番号を伝えてください。")
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    else:
        where = f"ログ {path}" if path else "ログ（書き込めませんでした）"
        err(f"詳細は{where}にあります。画面に表示するには --debug を付けるか {DEBUG_ENV}=1 にしてください。")
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get(DEBUG_ENV) == "1"
    try:
        parser = build_parser(_command_word(argv))  # may import a command's module
    except Exception as exc:
        return _internal_error(exc, None, debug)
    args = parser.parse_args(argv)  # exits 2 on a usage error
    try:
        missing = _missing_input(args)
        if missing is not None:
            err(f"{missing}: ファイルが見つかりません")
            return EXIT_REJECTED
        code = _handler(args)(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        err("中断しました")
        return 130
    except Exception as exc:
        return _internal_error(exc, args, debug)
