"""``python -m kpi demo``: the sample actuals (flagged, shown with a banner), loaded or cleared.

The parser is kpi.cli.main (which imports this module only when the command runs).
"""

from __future__ import annotations

import argparse

from kpi.cli.main import err
from kpi.domain import clock
from kpi.domain.fiscal import latest_ended_month
from kpi.domain.permissions import cli_actor
from kpi.store.db import make_engine, transaction, upgrade
from kpi.text.catalog import t


def cmd_demo(args: argparse.Namespace) -> int:
    from kpi.services.demo import DemoRefused, clear_demo, load_demo

    engine = make_engine()
    upgrade(engine)
    today = clock.today()
    year = args.fiscal_year or latest_ended_month(today).fiscal_year
    if args.clear:  # a safety copy before the rows go (kpi.store.backup)
        from kpi.store.backup import BackupError, safety_copy

        try:
            copy = safety_copy(engine, "demo-clear")
        except BackupError as exc:
            err(str(exc))
            return 1
        print(t("backup_safety_written").format(path=copy.path))
    try:
        with transaction(engine) as session:
            if args.clear:
                n = clear_demo(session, year, cli_actor())
                print(f"サンプルデータを削除しました（{n}件）")
            else:
                n = load_demo(session, year, cli_actor(), today)
                print(f"サンプルデータを読み込みました（実績 {n}件）。画面にはサンプル表示が出ます。")
    except DemoRefused as exc:
        err(str(exc))
        return 1
    return 0
