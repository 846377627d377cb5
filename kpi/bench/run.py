"""``python -m kpi benchmark``: how long each page and command takes, beside its floor.

``--scale S|M|L`` picks the data set (kpi.bench.data: S the real plan with sample actuals,
M the real plan for ten years, L a generated 1,000 projects × 10 years); ``--database-url``
runs it on another database (an empty one, e.g. PostgreSQL; the data set is built there
once). Every page is timed under Streamlit's AppTest, cold (caches cleared) and warm (a
rerun); then one save of the entry form, ``status`` as a new process, an unchanged
``import-plan``, and each report format. Each line prints its median beside its floor, the
least that line could cost (a trivial AppTest page plus the raw SQL of the same rows; a
bare interpreter for ``status``), and the ratio. Nothing is asserted: the numbers go to
the README's Speed table.

This command drives Streamlit's test harness (``streamlit.testing``), the one place in
``kpi`` outside the UI glue that imports streamlit; it does so only when it runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from kpi import PROJECT_ROOT
from kpi.bench.data import ADMIN, BENCH_PASSWORD, BENCH_USER, Dataset, DatasetRefused, prepare
from kpi.domain.fiscal import Month
from kpi.store.db import make_engine

# (page file, name). Pages run under app.py as in the browser (st.page_link needs it).
PAGES = (
    ("app.py", "全体概要"),
    ("pages/1_measures.py", "重点施策別"),
    ("pages/2_projects.py", "実施事業"),
    ("pages/3_schedule.py", "工程表"),
    ("pages/4_entry.py", "実績入力"),
    ("pages/5_reports.py", "レポート"),
    ("pages/6_evaluation.py", "期末評価"),
    ("pages/9_inquiry.py", "あなたの課の照会"),
    ("pages/7_history.py", "変更履歴"),
    ("pages/8_admin.py", "計画管理"),
)
TRIVIAL_PAGE = 'import streamlit as st\nst.write("ok")\n'


@dataclass(frozen=True)
class Line:
    name: str
    median: float
    floor: float

    @property
    def ratio(self) -> float:
        return self.median / self.floor if self.floor > 0 else float("nan")


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------- floors: raw SQL of the same rows

YEAR_ROWS_SQL = (
    "SELECT p.no, p.name, p.lead_department FROM projects p JOIN fiscal_years f ON f.id = p.fiscal_year_id"
    " WHERE f.year = :year",
    "SELECT i.code, i.name, i.baseline, i.target FROM indicators i JOIN fiscal_years f ON f.id = i.fiscal_year_id"
    " WHERE f.year = :year",
    "SELECT m.code, m.month, m.completed_on FROM milestones m JOIN fiscal_years f ON f.id = m.fiscal_year_id"
    " WHERE f.year = :year",
    "SELECT s.project_id, s.position, s.bars FROM schedule_rows s JOIN projects p ON p.id = s.project_id"
    " JOIN fiscal_years f ON f.id = p.fiscal_year_id WHERE f.year = :year",
    # The year's current actuals, one query: what the pages read above all.
    "SELECT i.code, a.month, a.value FROM actual_revisions a JOIN indicators i ON i.id = a.indicator_id"
    " JOIN fiscal_years f ON f.id = i.fiscal_year_id WHERE f.year = :year AND a.revision ="
    " (SELECT max(b.revision) FROM actual_revisions b WHERE b.indicator_id = a.indicator_id AND b.month = a.month)",
)
PROJECT_ROWS_SQL = (
    "SELECT p.no, p.name FROM projects p JOIN fiscal_years f ON f.id = p.fiscal_year_id"
    " WHERE f.year = :year AND p.no = 1",
    "SELECT i.code, a.month, a.value, a.revision FROM actual_revisions a JOIN indicators i ON i.id = a.indicator_id"
    " JOIN projects p ON p.id = i.project_id JOIN fiscal_years f ON f.id = p.fiscal_year_id"
    " WHERE f.year = :year AND p.no = 1",
)
HISTORY_ROWS_SQL = ("SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT 100",)


def _sql_floor(url: str, statements: tuple[str, ...], year: int, repeat: int) -> float:
    from sqlalchemy import text

    engine = make_engine(url)
    try:

        def run() -> None:
            with engine.connect() as conn:
                for stmt in statements:
                    conn.execute(text(stmt), {"year": year}).all()

        run()
        return _median(run, repeat)
    finally:
        engine.dispose()


def _insert_floor(url: str, repeat: int) -> float:
    """One revision and its audit entry written with raw SQL in a transaction (rolled back)."""
    from sqlalchemy import text

    engine = make_engine(url)
    try:

        def run() -> None:
            with engine.connect() as conn, conn.begin() as tx:
                ind = conn.execute(text("SELECT min(id) FROM indicators")).scalar_one()
                conn.execute(
                    text(
                        "INSERT INTO actual_revisions (indicator_id, month, revision, value, note, reason, author,"
                        " created_at, is_sample, source) VALUES (:i, '1999-01', 1, 1, '', '', 'bench',"
                        " CURRENT_TIMESTAMP, false, 'form')"
                    ),
                    {"i": ind},
                )
                conn.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, target, detail)"
                        " VALUES (CURRENT_TIMESTAMP, 'bench', 'actual.save', '', '{}')"
                    )
                )
                tx.rollback()

        run()
        return _median(run, repeat)
    finally:
        engine.dispose()


# ---------------------------------------------------------------- pages under AppTest


def _apptest(path: str, repeat: int, cold_clear: Callable[[], None]) -> tuple[float, float]:
    """(cold, warm) medians of one page: cold = caches cleared before the run."""
    from streamlit.testing.v1 import AppTest

    cold, warm = [], []
    for _ in range(max(1, repeat)):
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=600)
        at.session_state["kpi_user"] = ADMIN
        if path != "app.py":
            at.run()
            at.switch_page(path)
        cold_clear()
        start = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - start)
        _check(at, path)
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
        _check(at, path)
    return statistics.median(cold), statistics.median(warm)


def _check(at: Any, path: str) -> None:
    if at.exception:
        raise RuntimeError(f"{path}: {at.exception[0].message}")


def _trivial_page(cache: Path, repeat: int) -> float:
    from streamlit.testing.v1 import AppTest

    script = cache / "trivial_page.py"
    script.write_text(TRIVIAL_PAGE, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.run()
    return _median(at.run, repeat)


def _clear_caches() -> None:
    import streamlit as st

    from kpi.web import cache  # here, not at import: the page caches belong to AppTest's runtime

    st.cache_data.clear()
    cache.clear_caches()  # the shared plan data and statuses are resources


# ---------------------------------------------------------------- the other lines


def _first_actual(engine: Any, year: int, month: str) -> tuple[str, int, float]:
    """The year's first indicator, its current revision and value of ``month``."""
    from sqlalchemy import select

    from kpi.store.db import transaction
    from kpi.store.models import ActualRevision, FiscalYear, Indicator

    with transaction(engine) as s:
        ind = s.execute(
            select(Indicator.id, Indicator.code)
            .join(FiscalYear, FiscalYear.id == Indicator.fiscal_year_id)
            .where(FiscalYear.year == year)
            .order_by(Indicator.position)
            .limit(1)
        ).one()
        row = s.execute(
            select(ActualRevision.revision, ActualRevision.value)
            .where(ActualRevision.indicator_id == ind.id, ActualRevision.month == month)
            .order_by(ActualRevision.revision.desc())
            .limit(1)
        ).first()
    return str(ind.code), (int(row[0]) if row else 0), (float(row[1]) if row else 0.0)


def _save_line(ds: Dataset, repeat: int) -> Callable[[], None]:
    """One save of the entry form: one indicator's value changed, with a correction reason."""
    from kpi.services.actuals_form import CellInput, submit_month

    engine = make_engine(ds.url)
    month = Month(ds.year + 1, 3)
    counter = iter(range(10**9))

    def save() -> None:
        code, revision, value = _first_actual(engine, ds.year, str(month))
        cell = CellInput(
            code,
            str(round(value + 1 + next(counter) % 5, 1)),
            "ベンチマークの値",  # a note, in case the value makes the indicator 遅延
            "ベンチマーク",
            loaded_revision=revision,
            loaded_value=value,
        )
        result = submit_month(engine, ADMIN, ds.year, month, [cell], ds.today)
        if not result.saved:
            raise RuntimeError(f"save refused: {result}")

    return save


def _subprocess_line(args: list[str], ds: Dataset) -> Callable[[], None]:
    env = {**os.environ, "KPI_DATABASE_URL": ds.url, "KPI_TODAY": ds.today.isoformat()}

    def run() -> None:
        subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env, cwd=PROJECT_ROOT)

    return run


def run(
    ds: Dataset,
    repeat: int,
    cache: Path,
    report_repeat: int,
    log: Callable[[Line], None],
    only: tuple[str, ...] = (),
    browser: bool = False,
    port: int | None = None,
) -> list[Line]:
    """Time every line, or with ``only`` the lines whose name contains one of its words; with
    ``browser`` also the big pages in headless Chromium (kpi.bench.browser)."""
    from kpi.store.bootstrap import import_plan

    lines: list[Line] = []

    def wanted(name: str) -> bool:
        return not only or any(word in name for word in only)

    def add(line: Line) -> None:
        lines.append(line)
        log(line)

    with mock.patch.dict(os.environ, KPI_DATABASE_URL=ds.url, KPI_TODAY=ds.today.isoformat()):
        trivial = _trivial_page(cache, repeat)
        year_sql = _sql_floor(ds.url, YEAR_ROWS_SQL, ds.year, repeat)
        floors = {
            "pages/2_projects.py": _sql_floor(ds.url, PROJECT_ROWS_SQL, ds.year, repeat),
            "pages/7_history.py": _sql_floor(ds.url, HISTORY_ROWS_SQL, ds.year, repeat),
        }
        for path, name in PAGES:
            if not wanted(name):
                continue
            floor = trivial + floors.get(path, year_sql)
            cold, warm = _apptest(path, repeat, _clear_caches)
            add(Line(f"{name} cold", cold, floor))
            add(Line(f"{name} warm", warm, floor))
        _clear_caches()

        if wanted("保存（実績入力 1件）"):
            add(Line("保存（実績入力 1件）", _median(_save_line(ds, repeat), repeat), _insert_floor(ds.url, repeat)))
        interpreter = _median(_subprocess_line(["-c", "pass"], ds), repeat)
        if wanted("status（起動を含む）"):
            status = _subprocess_line(
                ["-m", "kpi", "status", "--fiscal-year", str(ds.year), "--as-of", f"{ds.year + 1}-03"], ds
            )
            add(Line("status（起動を含む）", _median(status, repeat), interpreter + year_sql))
        if wanted("--help"):
            add(Line("--help", _median(_subprocess_line(["-m", "kpi", "--help"], ds), repeat), interpreter))
        engine = make_engine(ds.url)
        if wanted("import-plan（変更なし）"):
            summary = import_plan(engine, ds.plan_file, ADMIN)  # the first may upgrade; then unchanged
            if summary.changed:
                print(f"注意: import-plan が計画を変更しました: {summary}", file=sys.stderr)
            unchanged = _median(lambda: import_plan(engine, ds.plan_file, ADMIN), repeat)
            add(Line("import-plan（変更なし）", unchanged, year_sql))
        engine.dispose()
        if any(wanted(name) for name in REPORT_LINES):
            _report_lines(ds, report_repeat, year_sql, wanted, add)
    if browser:
        from kpi.bench import browser as bench_browser

        for name, median, floor in bench_browser.run(
            ds.url, ds.today.isoformat(), cache, repeat, wanted, BENCH_USER, BENCH_PASSWORD, port,
            report_scope="measure:1" if ds.scale == "L" else "all",  # the scope the レポート page opens on
        ):  # fmt: skip
            add(Line(name, median, floor))
    return lines


def _report_lines(
    ds: Dataset, report_repeat: int, year_sql: float, wanted: Callable[[str], bool], add: Callable[[Line], None]
) -> None:
    from kpi.reports.content import Scope
    from kpi.reports.service import load_inputs, report_bytes, schedule_bytes

    engine = make_engine(ds.url)
    try:
        inputs = load_inputs(engine, ds.year)
    finally:
        engine.dispose()
    assert inputs is not None
    as_of = Month(ds.year + 1, 3)
    many = len(inputs.data.indicators) > 100
    # At L a whole-plan PDF draws 3,000 charts: the target is one 重点施策 of 60.
    part = Scope.parse("measure:1" if many else "all")
    part_name = "重点施策1" if many else "全体"
    everything = Scope.parse("all")
    reports: list[tuple[str, Callable[[], object]]] = [
        (f"レポート PDF（{part_name}）", lambda: report_bytes(inputs, as_of, part, "pdf", ds.today)),
        (f"グラフ PNG zip（{part_name}）", lambda: report_bytes(inputs, as_of, part, "png", ds.today)),
        ("レポート XLSX（全体）", lambda: report_bytes(inputs, as_of, everything, "xlsx", ds.today)),
        (f"工程表 PDF（{part_name}）", lambda: schedule_bytes(inputs, part, "pdf")),
        ("工程表 XLSX（全体）", lambda: schedule_bytes(inputs, everything, "xlsx")),
    ]
    if not many:  # the public edition of the whole plan: every page, chart and data file
        reports.append(("公開版（全体、日英）", lambda: _publish(ds, as_of)))
    for name, fn in reports:
        if wanted(name):
            add(Line(name, _median(fn, report_repeat), year_sql))


def _publish(ds: Dataset, as_of: Month) -> object:
    """``python -m kpi publish --lang en`` without writing the files: read, build, record."""
    from kpi.domain.permissions import Actor
    from kpi.reports.publication import publish

    engine = make_engine(ds.url)
    try:
        return publish(engine, Actor("benchmark", "admin"), ds.year, as_of, ds.today, ("ja", "en"))
    finally:
        engine.dispose()


def _pad(text: str, width: int) -> str:
    """Pad to a display width: full-width Japanese characters take two columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


WIDTH = 36
# Names of the report lines, for --only before the reports' inputs are loaded.
REPORT_LINES = ("レポート PDF", "グラフ PNG zip", "レポート XLSX", "工程表 PDF", "工程表 XLSX", "公開版")


def format_line(line: Line) -> str:
    return f"{_pad(line.name, WIDTH)} {line.median * 1000:>11.1f} {line.floor * 1000:>10.1f} {line.ratio:>8.1f}"


def _quiet_streamlit() -> None:
    # AppTest and cache clearing outside a server log "missing ScriptRunContext" warnings.
    import logging

    import streamlit.testing.v1  # noqa: F401  (creates the loggers to quieten)
    from streamlit import config, logger

    # Parsing the config (on the first AppTest run otherwise) sets the level back to the
    # config's "info": parse it first.
    config.get_config_options()
    logger.set_log_level("error")
    for name in list(logging.Logger.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def cmd_benchmark(args: argparse.Namespace) -> int:
    _quiet_streamlit()
    if args.browser and importlib.util.find_spec("playwright") is None:
        print("--browser には Playwright が必要です（pip install -r requirements-dev.txt）", file=sys.stderr)
        return 1
    cache = Path(args.cache_dir)
    url = args.database_url
    if args.load is not None:
        return _cmd_load(args, cache)
    try:
        ds = prepare(args.scale, url, cache, args.revisions)
    except DatasetRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    where = "SQLite" if ds.url.startswith("sqlite") else ds.url.split(":", 1)[0]
    built = f"構築 {ds.built_in_s:.1f} s" if ds.built_in_s else "キャッシュを使用"
    print(f"benchmark: scale {ds.scale} on {where}（{built}）; repeat {args.repeat}")
    print("data: " + ", ".join(f"{k} {v:,}" for k, v in ds.counts.items()))
    print(f"{_pad('操作', WIDTH)} {'median ms':>11} {'floor ms':>10} {'ratio':>8}")
    only = tuple(word for word in (args.only or "").split(",") if word)

    def log(line: Line) -> None:
        print(format_line(line), flush=True)

    run(ds, args.repeat, cache, max(1, args.report_repeat), log, only, args.browser, args.port)
    return 0


def _cmd_load(args: argparse.Namespace, cache: Path) -> int:
    """``--load N``: N simultaneous browser sessions (kpi.bench.load)."""
    from datetime import date

    from kpi.bench import load

    if importlib.util.find_spec("playwright") is None:
        print("--load には Playwright が必要です（pip install -r requirements-dev.txt）", file=sys.stderr)
        return 1
    if args.load < 1:
        print("--load は 1 以上のセッション数です", file=sys.stderr)
        return 1
    if args.server_url:
        if not args.database_url:
            print("--server-url には、そのサーバーのデータベースを --database-url で指定してください", file=sys.stderr)
            return 1
        url, today = args.database_url, date.fromisoformat(os.environ.get("KPI_TODAY") or date.today().isoformat())
        where = f"{args.server_url}（起動済みのサーバー）"
    else:
        try:
            ds = prepare(args.scale, args.database_url, cache, args.revisions)
        except DatasetRefused as exc:
            print(str(exc), file=sys.stderr)
            return 1
        url, today = ds.url, ds.today
        where = f"scale {ds.scale} on {'SQLite' if ds.url.startswith('sqlite') else ds.url.split(':', 1)[0]}"
    print(f"benchmark --load {args.load}: {where}", flush=True)
    result = load.run_load(args.load, cache, url, today, args.server_url, args.server_pid, args.floor_url, args.port)
    for line in load.format_result(result):
        print(line)
    failed = any(result.app[s].errors or result.floor[s].errors for s in load.STEPS)
    return 2 if failed else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("benchmark", help="処理時間を測る（使い捨てのデータベースで）")
    p.add_argument("--scale", choices=["S", "M", "L", "s", "m", "l"], default="S", help="データの規模（既定: S）")
    p.add_argument(
        "--database-url",
        "--url",
        dest="database_url",
        help="測定に使う空のデータベース URL（既定: キャッシュした SQLite ファイルのコピー）",
    )
    p.add_argument("--revisions", type=int, default=2, help="M/L で各指標・月の版数（既定 2）")
    p.add_argument("--repeat", type=int, default=5, help="各操作の繰り返し回数（既定 5）")
    p.add_argument("--report-repeat", type=int, default=3, help="レポート作成の繰り返し回数（既定 3）")
    p.add_argument(
        "--cache-dir",
        default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "kpi-bench"),
        help="構築したデータベースを置くディレクトリ（既定: /tmp/kpi-bench）",
    )
    p.add_argument(
        "--only",
        help="名前にこの語を含む行だけ測る（カンマ区切り。例: 全体概要,status,XLSX）",
    )
    p.add_argument(
        "--browser",
        action="store_true",
        help="全体概要・重点施策別・工程表をヘッドレス Chromium でも測る（Playwright が必要）",
    )
    p.add_argument(
        "--port",
        type=int,
        help="--browser で起動するサーバーのポート（この番号から空きを10個まで探す。既定: 空いている任意のポート）",
    )
    p.add_argument(
        "--load",
        type=int,
        metavar="N",
        help="N 個のブラウザーセッションで同時に 全体概要→ログイン→実績入力→保存 を測る（月末の集中）",
    )
    p.add_argument(
        "--server-url",
        help="--load で測る起動済みのサーバー（例 https://kpi.city.lg.jp。--database-url にそのデータベース）",
    )
    p.add_argument("--server-pid", type=int, help="--server-url のサーバーのプロセス番号（CPU 時間の行に使う）")
    p.add_argument("--floor-url", help="--load の比較に使う、同じ経路で配信した最小の Streamlit ページ")
    p.set_defaults(func=cmd_benchmark)
