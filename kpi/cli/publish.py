"""``python -m kpi publish --as-of YYYY-MM --out DIR [--lang en]``: the public edition as files
(kpi.cli.main registers it when it runs): DIR/index.html and the other pages, DIR/style.css,
DIR/data/ (CSV, JSON, datapackage.json); with ``--lang en`` an English edition in DIR/en/.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kpi.cli.main import as_of_arg, err
from kpi.cli.status import resolve_year
from kpi.domain import clock
from kpi.domain.permissions import cli_actor
from kpi.reports.publication import publish, write_files
from kpi.store.db import make_engine, transaction, upgrade
from kpi.store.reads import fiscal_years
from kpi.text.catalog import DEFAULT_LANG


def cmd_publish(args: argparse.Namespace) -> int:
    try:
        as_of = as_of_arg(args.as_of)
        today = date.fromisoformat(args.date) if args.date else clock.today()
    except ValueError as exc:
        err(str(exc))
        return 2
    engine = make_engine()
    upgrade(engine)
    with transaction(engine) as session:
        years = [fy.year for fy in fiscal_years(session)]
    year = resolve_year(years, args.fiscal_year, as_of)
    if year is None:
        err("計画が読み込まれていません。python -m kpi init を実行してください。")
        return 1
    langs = (DEFAULT_LANG, *([args.lang] if args.lang else []))
    result = publish(engine, cli_actor(), year, as_of, today, langs)
    if result is None:
        err(f"{year}年度の計画がありません")
        return 1
    out = Path(args.out)
    write_files(result.files, out)
    if result.edition.data.has_sample:
        err("注意: サンプルデータを含みます（python -m kpi demo --clear で削除）")
    print(
        f"{out}: {result.edition.data.label} {as_of} の公開版を書き出しました"
        f"（{len(result.files)}ファイル、公開日 {result.edition.published_on}、訂正 {result.corrections}件、"
        f"SHA-256 {result.checksum}）"
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("publish", help=HELP, description=HELP)
    p.add_argument("--as-of", help="公開する月 YYYY-MM（既定: 終了した最新の月）")
    p.add_argument("--out", required=True, help="書き出すディレクトリ（index.html と data/）")
    p.add_argument("--lang", choices=["en"], help="en: 英語版も DIR/en/ に書き出す")
    p.add_argument("--date", help="公開日 YYYY-MM-DD（既定: 今日。同じ月・同じ内容の再公開は最初の公開日）")
    p.add_argument("--fiscal-year", type=int, help="年度（西暦、例: 2026）。既定: 基準月の年度")
    p.set_defaults(func=cmd_publish)


HELP = "市民向けの公開版（静的サイトとオープンデータ）を書き出す"
