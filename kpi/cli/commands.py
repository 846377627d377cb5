"""Command handlers of ``python -m kpi``: init, import-plan, import-actuals, status, demo, user.

The parser, dispatch and exit codes are in kpi.cli_main (which imports this module only
when a command runs). Exit codes: 0 success, 1 rejected input (nothing changed), 2 usage
error, 3 internal error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from kpi.domain import clock
from kpi.domain.fiscal import Month, fiscal_year_label, latest_ended_month
from kpi.domain.frames import is_missing, records
from kpi.domain.permissions import PermissionDenied, cli_actor
from kpi.store.db import make_engine, plan_file, transaction, upgrade
from kpi.store.reads import fiscal_years, plan_data
from kpi.text import fmt
from kpi.text.labels import status_text

# The write paths (kpi.actuals, kpi.bootstrap, kpi.demo, kpi.importers) are imported by the
# commands that use them: `status` starts without loading them.


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_init(args: argparse.Namespace) -> int:
    return _import_plan(Path(args.plan) if args.plan else plan_file())


def cmd_import_plan(args: argparse.Namespace) -> int:
    return _import_plan(Path(args.file), replace=args.replace)


def _import_plan(path: Path, replace: bool = False) -> int:
    from kpi.store.bootstrap import import_plan
    from kpi.store.planfile import PlanError

    engine = make_engine()
    try:
        summary = import_plan(engine, path, cli_actor(), replace=replace)
    except PlanError as exc:
        _err(str(exc))
        _err("計画は読み込んでいません（データベースは変更されていません）。")
        return 1
    if summary.changed:
        print(
            f"{path}: {fiscal_year_label(summary.fiscal_year)}の計画を読み込みました"
            f"（追加 {summary.created}、更新 {summary.updated}、削除 {summary.removed}）"
        )
    else:
        print(f"{path}: 変更はありません（データベースは最新です）")
    return 0


def cmd_new_year(args: argparse.Namespace) -> int:
    from kpi.services.new_year import NewYearRefused, draft_yaml

    out = Path(args.out)
    if out.exists():
        _err(f"{out}: すでにあります。上書きしないので、別の名前を指定してください")
        return 1
    engine = make_engine()
    upgrade(engine)
    try:
        with transaction(engine) as session:
            year, text = draft_yaml(session, args.year)
    except NewYearRefused as exc:
        _err(str(exc))
        return 1
    out.write_text(text, encoding="utf-8")
    print(
        f"{out}: {_year_span(year)}の計画ファイルの下書きを書き出しました。"
        f"内容を確認してから python -m kpi import-plan {out} で読み込んでください"
    )
    return 0


def cmd_import_actuals(args: argparse.Namespace) -> int:
    # Imported here so that the rest of the CLI does not load the write path.
    from sqlalchemy.exc import OperationalError

    from kpi.services.actuals import ActualsRejected, record_actuals
    from kpi.services.actuals_files import FileFormatError, read_actuals_file
    from kpi.store.writes import ConcurrentSave, with_retry

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


def _year_span(year: int) -> str:
    return f"{fiscal_year_label(year)}（{Month(year, 4)}〜{Month(year + 1, 3)}）"


def cmd_status(args: argparse.Namespace) -> int:
    from kpi.domain.statuses import status_table

    try:
        as_of = Month.parse(args.as_of) if args.as_of else latest_ended_month(clock.today())
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    engine = make_engine()
    upgrade(engine)
    with transaction(engine) as session:
        years = [fy.year for fy in fiscal_years(session)]
        year = _resolve_year(years, args.fiscal_year, as_of)
        if args.as_of and year is not None and as_of.fiscal_year != year:
            # An explicit month outside the year would be read as "the year has ended" or
            # "nothing is due yet": a status nobody asked for.
            _err(f"基準月 {as_of} は {_year_span(year)} の外です。年度の中の月を指定してください。")
            return EXIT_REJECTED
        data = plan_data(session, year, previous_year=False) if year is not None else None
    if data is None:
        if args.fiscal_year is not None and years:
            _err(f"{args.fiscal_year}年度の計画はありません（読み込み済み: {', '.join(map(str, years))}）。")
        else:
            _err("計画が読み込まれていません。python -m kpi init を実行してください。")
        return EXIT_REJECTED
    table = status_table(data, as_of, args.level)
    if data.has_sample:
        _err("注意: サンプルデータを含みます（python -m kpi demo --clear で削除）")
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    elif args.format == "json":
        print(json.dumps(_records(table), ensure_ascii=False, indent=1))
    else:
        print(f"{data.label} 基準月 {as_of}")
        print(status_text_table(table))
    return EXIT_OK


def _records(table: Any) -> list[dict[str, Any]]:
    """Rows as JSON objects: a missing value is null, numbers stay numbers."""
    rows: list[dict[str, Any]] = json.loads(table.to_json(orient="records", force_ascii=False))
    return rows


@lru_cache(maxsize=65536)  # a status table repeats its words (statuses, units, 「―」) thousands of times
def text_width(text: str) -> int:
    """Columns a terminal gives ``text``: East Asian wide and full-width characters take two."""
    if text.isascii():  # no ASCII character is wide: the common case without a lookup per character
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool, own: int | None = None) -> str:
    gap = " " * (width - (text_width(text) if own is None else own))
    return gap + text if right else text + gap


RATIO_COLUMNS = ("ratio",)
STATUS_COLUMNS = ("status", "assessment")
NUMBER_COLUMNS = ("baseline", "target", "expected", "actual")


def _all_numbers(values: Any) -> bool:
    present = [v for v in values if not is_missing(v)]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def status_text_table(table: Any) -> str:
    """The status table as people read it: ratios in %, missing as 「―」, columns aligned
    for Japanese text (a wide character takes two columns)."""
    columns = [str(c) for c in table.columns]
    cells: list[list[str]] = []
    for record in records(table, columns):
        row = []
        for col in columns:
            value = record[col]
            if col in RATIO_COLUMNS:
                row.append(fmt.percent(value))
            elif col in STATUS_COLUMNS:
                row.append(status_text(value) if not is_missing(value) else fmt.MISSING)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                # A milestone's target is its month and its actual a date: those stay text.
                row.append(fmt.number(value) if col in NUMBER_COLUMNS else fmt.text(value))
            else:
                row.append(fmt.text(value))
        cells.append(row)
    numeric = {c for c in columns if c in RATIO_COLUMNS or _all_numbers(table[c])}
    own = [[text_width(v) for v in row] for row in cells]  # each cell measured once (5,000 rows at L)
    widths = [max([text_width(c), *(r[i] for r in own)]) for i, c in enumerate(columns)]
    right = [c in numeric for c in columns]
    lines = ["  ".join(_pad(c, w, r) for c, w, r in zip(columns, widths, right, strict=True))]
    for row, sizes in zip(cells, own, strict=True):
        lines.append("  ".join(_pad(v, w, r, n) for v, w, r, n in zip(row, widths, right, sizes, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def cmd_demo(args: argparse.Namespace) -> int:
    from kpi.services.demo import DemoRefused, clear_demo, load_demo

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


# ---------------------------------------------------------------- accounts


def _read_password(username: str) -> tuple[str, bool]:
    """(password, generated): prompted twice on a terminal, generated otherwise."""
    from kpi.store.accounts import AccountError, generate_password

    if sys.stdin.isatty():
        first = getpass.getpass(f"{username} のパスワード: ")
        second = getpass.getpass("もう一度: ")
        if first != second:
            raise AccountError("2回入力したパスワードが一致しません")
        return first, False
    return generate_password(), True


def _ready_engine() -> Any:
    engine = make_engine()
    upgrade(engine)
    return engine


def cmd_user(args: argparse.Namespace) -> int:
    from kpi.store import accounts as auth

    actor = cli_actor()
    generated, password = False, ""
    try:
        if args.user_command == "list":
            with transaction(_ready_engine()) as session:
                frame = auth.list_users(session)
            print(frame.to_string(index=False) if not frame.empty else "利用者はいません")
            return EXIT_OK
        if args.user_command == "add":
            name = auth.normalize_username(args.name)  # refused before a password is asked
            password, generated = _read_password(name)
            with transaction(_ready_engine()) as session:
                auth.add_user(
                    session,
                    actor,
                    name,
                    password,
                    args.role,
                    args.department or [],
                    display_name=args.display_name or "",
                    email=args.email,
                )
            print(f"利用者 {name}（{args.role}）を追加しました")
        elif args.user_command == "passwd":
            password, generated = _read_password(args.name)
            with transaction(_ready_engine()) as session:
                auth.set_password(session, actor, args.name, password)
            print(f"{args.name} のパスワードを変更しました")
        else:
            with transaction(_ready_engine()) as session:
                auth.disable_user(session, actor, args.name)
            print(f"{args.name} を無効にしました")
            return EXIT_OK
    except (auth.AccountError, PermissionDenied) as exc:
        _err(str(exc))
        return EXIT_REJECTED
    if generated:
        print(f"初期パスワード（この一度だけ表示します）: {password}")
    return EXIT_OK


# kpi.reports.cli still appends its ``register`` here when imported; the parser is built in
# kpi.cli_main, which calls that ``register`` itself, so this list is not read any more.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []
