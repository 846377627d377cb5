"""``python -m kpi status``: every indicator's and milestone's status as of a month, as a
table people read (aligned for Japanese text), CSV or JSON.

The parser is kpi.cli.main. This command starts without loading the write paths (the
actuals, bootstrap, demo and import modules; tests/store/test_status_startup.py checks it).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from functools import lru_cache
from typing import Any

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, as_of_arg, err
from kpi.domain.fiscal import Month, fiscal_year_span
from kpi.domain.frames import is_missing, records
from kpi.store.db import make_engine, transaction, upgrade
from kpi.store.reads import fiscal_years, plan_data
from kpi.text import fmt
from kpi.text.catalog import t
from kpi.text.labels import status_text


def resolve_year(session_years: list[int], wanted: int | None, as_of: Month) -> int | None:
    """The fiscal year a command reads (status, report): the one asked for if it is loaded (else
    None), the as-of month's year, or the latest loaded."""
    if wanted is not None:
        return wanted if wanted in session_years else None
    if as_of.fiscal_year in session_years:
        return as_of.fiscal_year
    return session_years[-1] if session_years else None


def cmd_status(args: argparse.Namespace) -> int:
    from kpi.domain.statuses import status_table

    try:
        as_of = as_of_arg(args.as_of)
    except ValueError as exc:
        err(str(exc))
        return EXIT_USAGE
    engine = make_engine()
    upgrade(engine)
    with transaction(engine) as session:
        years = [fy.year for fy in fiscal_years(session)]
        year = resolve_year(years, args.fiscal_year, as_of)
        if args.as_of and year is not None and as_of.fiscal_year != year:
            # An explicit month outside the year would be read as "the year has ended" or
            # "nothing is due yet": a status nobody asked for.
            err(f"基準月 {as_of} は {fiscal_year_span(year)} の外です。年度の中の月を指定してください。")
            return EXIT_REJECTED
        data = plan_data(session, year, previous_year=False) if year is not None else None
    if data is None:
        if args.fiscal_year is not None and years:
            err(f"{args.fiscal_year}年度の計画はありません（読み込み済み: {', '.join(map(str, years))}）。")
        else:
            err("計画が読み込まれていません。python -m kpi init を実行してください。")
        return EXIT_REJECTED
    table = status_table(data, as_of, args.level)
    if data.has_sample:
        err("注意: サンプルデータを含みます（python -m kpi demo --clear で削除）")
    if args.format == "csv":
        from kpi.text.cellsafe import writable

        sys.stdout.write(table.map(writable).to_csv(index=False, lineterminator="\n"))  # no NUL or ESC from old rows
    elif args.format == "json":
        print(json.dumps(with_baseline_kind(_records(table), data), ensure_ascii=False, indent=1))
    else:
        print(f"{data.label} 基準月 {as_of}")
        print(status_text_table(printed_codes(table, data)))
    return EXIT_OK


def printed_codes(table: Any, data: Any) -> Any:
    """The table people read names projects and policies by their codes as printed (「04」,
    「2-6-1」) instead of their numbers; CSV and JSON keep the numbers (an interface)."""
    out = table.copy()
    if "baseline" in out and "id" in out:  # 「新規」 reads 新規, not 0
        new = set(data.indicators.loc[data.indicators["baseline_is_new"].fillna(False).astype(bool), "code"])
        out["baseline"] = out["baseline"].astype(object)
        out.loc[out["id"].isin(new) & (out["kind"] == "indicator"), "baseline"] = t("chart_baseline_new")
    codes = dict(zip(data.projects["project_no"], data.projects["project_code"], strict=True))
    if "project" in out:
        out["project"] = [codes.get(n, n) for n in out["project"]]
    if "code" in out and "id" in out:  # project and policy rows carry their code beside the number
        out["id"] = out.pop("code")
    return out


# JSON says what an indicator's baseline is (issue 21): a number measured, 「新規」 (nothing
# existed before: null, not 0) or unset (null until an administrator sets it).
BASELINE_KINDS = ("measured", "new", "unset")


def with_baseline_kind(rows: list[dict[str, Any]], data: Any) -> list[dict[str, Any]]:
    """Indicator rows with ``baseline_kind``; a 新規 baseline is ``null``, never 0."""
    new = set(data.indicators.loc[data.indicators["baseline_is_new"].fillna(False).astype(bool), "code"])
    for row in rows:
        if row.get("kind") != "indicator":
            continue
        if row["id"] in new:
            row["baseline"], row["baseline_kind"] = None, "new"
        else:
            row["baseline_kind"] = "measured" if row.get("baseline") is not None else "unset"
    return rows


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
                ratio = None if is_missing(record.get("ratio")) else record.get("ratio")  # for 「前倒し達成」
                row.append(status_text(value, ratio=ratio) if not is_missing(value) else fmt.MISSING)
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
