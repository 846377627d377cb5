"""``python -m kpi init``, ``import-plan`` and ``new-year``: loading a plan file into the
database, and drafting the next year's plan file from it.

The parser is kpi.cli.main (which imports this module only when one of these commands runs).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.main import err
from kpi.domain.fiscal import fiscal_year_label, fiscal_year_span
from kpi.domain.permissions import cli_actor
from kpi.store.db import make_engine, plan_file, transaction, upgrade
from kpi.text.catalog import t


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
        err(str(exc))
        err("計画は読み込んでいません（データベースは変更されていません）。")
        return 1
    if summary.safety_copy:
        print(t("backup_safety_written").format(path=summary.safety_copy))
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
        err(f"{out}: すでにあります。上書きしないので、別の名前を指定してください")
        return 1
    engine = make_engine()
    upgrade(engine)
    try:
        with transaction(engine) as session:
            year, text = draft_yaml(session, args.year)
    except NewYearRefused as exc:
        err(str(exc))
        return 1
    out.write_text(text, encoding="utf-8")
    print(
        f"{out}: {fiscal_year_span(year)}の計画ファイルの下書きを書き出しました。"
        f"内容を確認してから python -m kpi import-plan {out} で読み込んでください"
    )
    return 0
