"""Command line of the year-end cycle: ``inquiry open|close|status``, ``remind``,
``department-email``, ``inquiry-sheet`` and ``import-inquiry``. Registered by kpi.cli.

Exit codes: 0 success, 1 rejected input (nothing changed), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.cli.main import as_of_arg, err
from kpi.cycle.reminders import SmtpConfigError, app_url, department_reminders, send_reminders, smtp_config
from kpi.domain import clock
from kpi.domain.fiscal import date_ja, latest_ended_month
from kpi.domain.inquiry import TransitionRefused
from kpi.domain.permissions import PermissionDenied, cli_actor
from kpi.domain.rating import EvaluationRejected
from kpi.store.audit import audit
from kpi.store.db import make_engine, transaction, upgrade
from kpi.store.evaluations import current_evaluations
from kpi.store.inquiry import (
    InquiryRejected,
    close_inquiry,
    department_emails,
    evaluation_states,
    inquiry_info,
    open_inquiry,
    set_department_email,
)
from kpi.store.reads import fiscal_years, plan_data
from kpi.text.labels import month_label, owed_kind_label, owed_text, state_label
from kpi.text.rating import rating_text

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
REJECTED = (InquiryRejected, PermissionDenied, TransitionRefused, EvaluationRejected)


def _engine() -> Engine:
    engine = make_engine()
    upgrade(engine)
    return engine


def _year(session: Session, wanted: int | None) -> int | None:
    years = [fy.year for fy in fiscal_years(session)]
    if wanted is not None:
        return wanted if wanted in years else None
    default = latest_ended_month(clock.today()).fiscal_year
    if default in years:
        return default
    return years[-1] if years else None


def _no_plan(wanted: int | None) -> int:
    if wanted:
        err(f"{wanted}年度の計画がありません。")
    else:
        err("計画が読み込まれていません。python -m kpi init を実行してください。")
    return 1


def _date_text(d: date) -> str:
    return date_ja(d)


# ---------------------------------------------------------------- inquiry open | close | status


def cmd_inquiry_open(args: argparse.Namespace) -> int:
    try:
        deadline = date.fromisoformat(args.deadline)
    except ValueError:
        err(f"--deadline は YYYY-MM-DD で指定してください: {args.deadline}")
        return 2
    with transaction(_engine()) as session:
        year = _year(session, args.fiscal_year)
        if year is None:
            return _no_plan(args.fiscal_year)
        try:
            info = open_inquiry(session, cli_actor(), year, deadline)
        except REJECTED as exc:
            err(str(exc))
            return 1
    print(f"{year}年度の各課照会を開始しました（提出期限 {_date_text(info.deadline)}）")
    return 0


def cmd_inquiry_close(args: argparse.Namespace) -> int:
    try:
        with transaction(_engine()) as session:
            year = _year(session, args.fiscal_year)
            if year is None:
                return _no_plan(args.fiscal_year)
            close_inquiry(session, cli_actor(), year)
    except REJECTED as exc:
        err(str(exc))
        return 1
    print(f"{year}年度の各課照会を終了しました")
    return 0


def cmd_inquiry_status(args: argparse.Namespace) -> int:
    with transaction(_engine()) as session:
        year = _year(session, args.fiscal_year)
        data = plan_data(session, year) if year is not None else None
        if data is None or year is None:
            return _no_plan(args.fiscal_year)
        info = inquiry_info(session, year)
        states = evaluation_states(session, year)
        evaluations = current_evaluations(session, year).set_index("project_no")
    rows = []
    for p in data.projects.to_dict("records"):
        no = int(p["project_no"])
        rating = str(evaluations.loc[no, "rating"]) if no in evaluations.index else ""
        rows.append((no, str(p["project_name"]), str(p["lead_department"]), state_label(states[no].state), rating))
    codes = dict(zip(data.projects["project_no"], data.projects["project_code"], strict=True))
    if args.format == "csv":
        import csv

        from kpi.text.cellsafe import neutralise_row

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["project", "name", "department", "state", "rating"])
        for row in rows:
            writer.writerow(neutralise_row(list(row)))
        return 0
    if info is None:
        print(f"{data.label} 各課照会: 未開始")
    else:
        opened = "受付中" if info.is_open else "終了"
        print(f"{data.label} 各課照会: {opened}（提出期限 {_date_text(info.deadline)}）")
    for no, name, dept, state, rating in rows:
        print(f"{codes.get(no, no)}  {dept:<10}\t{state:<4}\t{rating_text(rating or None):<8}\t{name}")
    return 0


# ---------------------------------------------------------------- remind, department-email


def cmd_remind(args: argparse.Namespace) -> int:
    try:
        as_of = as_of_arg(args.as_of)
    except ValueError as exc:
        err(str(exc))
        return 2
    config = None
    if args.send:
        try:
            config = smtp_config()
        except SmtpConfigError as exc:
            err(str(exc))
            return 1
    with transaction(_engine()) as session:
        year = _year(session, args.fiscal_year)
        if year is None:
            return _no_plan(args.fiscal_year)
        try:
            reminders = department_reminders(session, year, as_of, app_url())
        except InquiryRejected as exc:
            err(str(exc))
            return 1
    if not reminders:
        print(f"{month_label(as_of)}時点で未対応の項目はありません")
        return 0
    for r in reminders:
        address = r.email or "連絡先なし"
        print(f"== {r.department}（{len(r.items)}件・{address}）")
        for item in r.items:
            print(f"  [{owed_kind_label(item.kind)}] {item.project_label}: {owed_text(item)}")
    if config is None:
        return 0
    results = send_reminders(reminders, config)
    actor = cli_actor()
    with transaction(_engine()) as session:
        for res in results:
            if res.sent:
                audit(session, actor, "reminder.send", res.department, to=res.email, as_of=str(as_of))
    print()
    for res in results:
        print(f"{'送信' if res.sent else '未送信'}\t{res.department}\t{res.email or ''}\t{res.detail}")
    failed = [r for r in results if not r.sent and r.email]
    return 1 if failed else 0


def cmd_department_email(args: argparse.Namespace) -> int:
    with transaction(_engine()) as session:
        if args.email is None:
            emails = department_emails(session)
            if args.department:
                print(emails.get(args.department, "（連絡先なし）"))
            else:
                for dept, email in emails.items():
                    print(f"{dept}\t{email}")
            return 0
        try:
            changed = set_department_email(session, cli_actor(), args.department, args.email)
        except REJECTED as exc:
            err(str(exc))
            return 1
    if not changed:
        print(f"{args.department}: 変更はありません")
    elif args.email.strip():
        print(f"{args.department} の連絡先を {args.email.strip()} にしました")
    else:
        print(f"{args.department} の連絡先を削除しました")
    return 0


# ---------------------------------------------------------------- inquiry-sheet, import-inquiry


def cmd_inquiry_sheet(args: argparse.Namespace) -> int:
    from kpi.cycle.inquiry_sheet import inquiry_workbook

    with transaction(_engine()) as session:
        year = _year(session, args.fiscal_year)
        if year is None:
            return _no_plan(args.fiscal_year)
        try:
            content = inquiry_workbook(session, year, args.department)
        except InquiryRejected as exc:
            err(str(exc))
            return 1
    Path(args.out).write_bytes(content)
    print(f"{args.out}: {args.department}の照会シート（{year}年度）を書き出しました")
    return 0


def cmd_import_inquiry(args: argparse.Namespace) -> int:
    from kpi.cycle.inquiry_sheet import InquiryImportRejected, import_inquiry, outcome_label

    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        err(f"{args.file}: 読めません: {exc}")
        return 1
    try:
        with transaction(_engine()) as session:
            year = _year(session, args.fiscal_year)
            if year is None:
                return _no_plan(args.fiscal_year)
            preview = import_inquiry(session, cli_actor(), content, year, args.department, source=Path(args.file).name)
    except InquiryImportRejected as exc:
        err(f"{args.file}: 取り込んでいません（データベースは変更されていません）:")
        for e in exc.errors:
            err(f"  {e}")
        return 1
    except REJECTED as exc:
        err(f"{args.file}: {exc}")
        return 1
    for r in preview.rows:
        print(f"{r.project_no:02d} {r.project_name}: {outcome_label(r.outcome)}")
    n = len(preview.changes)
    print(
        f"{args.file}: {preview.department}の期末評価 {n}件を取り込みました" if n else f"{args.file}: 変更はありません"
    )
    return 0


# ---------------------------------------------------------------- 懇話会 papers


def cmd_council(args: argparse.Namespace) -> int:
    from kpi.cycle.council import council_papers

    try:
        as_of = as_of_arg(args.as_of)
    except ValueError as exc:
        err(str(exc))
        return 2
    with transaction(_engine()) as session:
        year = _year(session, args.fiscal_year)
        if year is None:
            return _no_plan(args.fiscal_year)
        content = council_papers(session, year, as_of, args.format, clock.today())
    Path(args.out).write_bytes(content)
    print(f"{args.out}: 懇話会資料（{year}年度・総括と工程表）を書き出しました")
    return 0


# ---------------------------------------------------------------- registration


def register(sub: Subparsers) -> None:
    p = sub.add_parser("inquiry", help="各課照会（期末評価）を開始・終了・一覧する")
    isub = p.add_subparsers(dest="inquiry_command", required=True)
    q = isub.add_parser("open", help="各課照会を開始する（提出期限つき）")
    q.add_argument("--deadline", required=True, help="提出期限 YYYY-MM-DD")
    q.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    q.set_defaults(func=cmd_inquiry_open)
    q = isub.add_parser("close", help="各課照会を終了する")
    q.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    q.set_defaults(func=cmd_inquiry_close)
    q = isub.add_parser("status", help="実施事業ごとの状態と評価")
    q.add_argument("--format", choices=["table", "csv"], default="table", help="出力形式: table / csv（既定: table）")
    q.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    q.set_defaults(func=cmd_inquiry_status)

    p = sub.add_parser("remind", help="部署ごとの未対応項目を表示する（--send でメール送信）")
    p.add_argument("--as-of", help="基準月 YYYY-MM（既定: 終了した最新の月）")
    p.add_argument("--send", action="store_true", help="KPI_SMTP_* の設定で各部署に送信する")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    p.set_defaults(func=cmd_remind)

    p = sub.add_parser("inquiry-sheet", help="部署の照会シート（工程表＋期末評価の入力欄）を XLSX で書き出す")
    p.add_argument("--department", required=True, help="部署名（担当部署）")
    p.add_argument("--out", required=True, help="出力ファイル（.xlsx）")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    p.set_defaults(func=cmd_inquiry_sheet)

    p = sub.add_parser("import-inquiry", help="記入した照会シートを取り込む（全件または0件）")
    p.add_argument("file", help="記入した照会シート（.xlsx）")
    p.add_argument("--department", help="この部署の照会シートであることを確かめる")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    p.set_defaults(func=cmd_import_inquiry)

    p = sub.add_parser("council", help="懇話会資料（総括表＋事業ごとの工程表と期末評価）を PDF/XLSX で書き出す")
    p.add_argument("--format", choices=["pdf", "xlsx"], default="pdf", help="出力形式: pdf / xlsx（既定: pdf）")
    p.add_argument("--out", required=True, help="出力ファイル")
    p.add_argument("--as-of", help="評価案の基準月 YYYY-MM（既定: 終了した最新の月）")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 終了した最新の月の年度")
    p.set_defaults(func=cmd_council)

    p = sub.add_parser("department-email", help="部署の連絡先メールアドレスを設定する（空文字で削除）")
    p.add_argument("department", nargs="?", help="部署名（省略: 一覧）")
    p.add_argument("email", nargs="?", help='メールアドレス（省略: 表示、"": 削除）')
    p.set_defaults(func=cmd_department_email)
