"""``python -m kpi benchmark --load N``: the month-end rush, N browser sessions at once.

One headless Chromium, N browser contexts (each its own cookies and Streamlit session), driven
together with Playwright's asyncio API. Every step starts in all N sessions at the same moment
and each session's time is measured from its action until the page is ready (the server
reported the script run finished on the websocket, and the browser drew it: kpi.bench.browser's
readiness). The steps of one session:

1. 全体概要: the app's address opened (a new session: websocket, script run, everything sent);
2. ログイン: an editor signs in through the sidebar form (argon2 check; 全体概要 again);
3. 実績入力: its sidebar link (then, untimed, the session's month chosen when it is not shown);
4. 保存: one value typed (with a note, and a correction reason when the month had a value)
   and まとめて保存, until 「1件を保存しました」.

Each session saves a different indicator and month, so no save meets another's (that would be a
conflict, refused by design). The floor is the same N sessions on a trivial Streamlit page served
the same way (``streamlit run`` of a three-line script from the project directory, so with the
same ``.streamlit/config.toml``): the page opened, then a button clicked for each later step.
Beside p50/p95/max and errors of each step, the CPU seconds each server spent per session
(``/proc/PID/stat``: user + system time, from before the first step to after the last).

By default both servers are started here, the app on a copy of the benchmark's data set with N
editor accounts added (``bench-load-1`` …). ``--server-url`` measures a running server instead
(directly or through nginx): then ``--database-url`` names that server's database, where the
accounts are added (password ``KPI_BENCH_PASSWORD``, else the benchmark's) and the saves are
written: use a staging copy, never the city's live database. ``--server-pid`` gives the CPU line
for it, ``--floor-url`` a trivial page served the same way (else one is started here).
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from kpi.bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAWN_JS,
    HEIGHT,
    WIDTH,
    ScriptRuns,
    cpu_seconds,
    free_port,
    serve,
)
from kpi.bench.data import BENCH_PASSWORD
from kpi.domain import write_scope
from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor
from kpi.domain.plan import PlanData
from kpi.services.actuals_form import EntryRow, entry_rows
from kpi.text.catalog import t
from kpi.text.fmt import exact
from kpi.text.labels import month_label

LOAD_USER = "bench-load-{}"
PASSWORD_ENV = "KPI_BENCH_PASSWORD"
STEPS = ("全体概要", "ログイン", "実績入力", "保存")
STEP_TIMEOUT_S = 180  # one step of one session; a hung session must still end the run
TRIVIAL_PAGE = 'import streamlit as st\n\nst.title("ok")\nst.button("next")\n'
NOTE = "ベンチマーク（月末の集中）"
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'


@dataclass(frozen=True)
class Save:
    """What one session saves: the ``index``-th value field of ``month``'s form."""

    month: Month
    index: int
    value: str
    correction: bool  # the month had a value: a correction reason is needed


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]


@dataclass
class StepTimes:
    seconds: list[float] = field(default_factory=list)  # until the server's script run reached the browser
    drawn: list[float] = field(default_factory=list)  # until the browser had drawn it too
    errors: list[str] = field(default_factory=list)

    def summary(self) -> tuple[float, float, float]:
        """p50, p95 and max of ``seconds`` (NaN when no session finished the step)."""
        if not self.seconds:
            return (float("nan"),) * 3
        return statistics.median(self.seconds), p95(self.seconds), max(self.seconds)


@dataclass(frozen=True)
class LoadResult:
    sessions: int
    app: dict[str, StepTimes]
    floor: dict[str, StepTimes]
    app_cpu_per_session: float | None
    floor_cpu_per_session: float | None


# ---------------------------------------------------------------- accounts and what each session saves


def _value(row: EntryRow) -> str:
    """A value inside the row's range that differs from the stored one."""
    low, high = row.min_value, row.max_value
    for candidate in (row.expected, row.target, row.baseline):
        if candidate is not None and low <= candidate <= high and candidate != row.current:
            return exact(candidate)
    middle = round((low + high) / 2) if high - low >= 2 else (low + high) / 2
    if row.current is not None and middle == row.current:
        middle = low if row.current != low else high
    return exact(middle)


def _form_rows(data: PlanData, actor: Actor, month: Month) -> list[EntryRow]:
    """The rows of the form as 実績入力 shows them (the first scope when it asks for one)."""
    if write_scope.needs_scope(data, actor):
        first = write_scope.scope_choices(data, actor)[0][0]
        data = data.only_projects(write_scope.projects_in_scope(data, actor, first))
    return entry_rows(data, actor, month)


def saves_for(data: PlanData, actor: Actor, months: list[Month], n: int) -> list[Save]:
    """N different (month, indicator) pairs, latest month first, cycling when there are fewer."""
    slots = [
        Save(month, i, _value(row), row.current is not None)
        for month in sorted(months, reverse=True)
        for i, row in enumerate(_form_rows(data, actor, month))
    ]
    if not slots:
        raise RuntimeError("実績入力に指標がありません: --load は保存する指標が必要です")
    return [slots[i % len(slots)] for i in range(n)]


def prepare_accounts(url: str, n: int, password: str, today: date) -> tuple[list[str], list[Save]]:
    """N editor accounts of every department (made or reset) and what each session saves."""
    from sqlalchemy import select

    from kpi.domain.permissions import cli_actor
    from kpi.services.entry_page import entry_months
    from kpi.store import accounts
    from kpi.store.db import make_engine, transaction
    from kpi.store.models import User
    from kpi.store.reads import fiscal_years, plan_data

    engine = make_engine(url)
    try:
        with transaction(engine) as s:
            year = max(fy.year for fy in fiscal_years(s))
            data = plan_data(s, year, previous_year=False)
            assert data is not None
            departments = sorted(
                {str(d) for d in data.projects["lead_department"]}
                | {str(d) for ds in data.projects["related_departments"] for d in (ds or ())}
            )
            names = [LOAD_USER.format(i + 1) for i in range(n)]
            existing = set(s.scalars(select(User.username).where(User.username.in_(names))))
            admin = cli_actor()
            for name in names:
                if name in existing:
                    accounts.set_password(s, admin, name, password)
                else:
                    accounts.add_user(s, admin, name, password, "editor", departments)
        actor = Actor(names[0], "editor", tuple(departments))
        months, _ = entry_months(year, min(Month.of(today), Month(year + 1, 3)), today)
        return names, saves_for(data, actor, months, n)
    finally:
        engine.dispose()


# ---------------------------------------------------------------- servers and their CPU time


# ---------------------------------------------------------------- one session's steps


async def _ready(page: Any, runs: ScriptRuns, before: int, selector: str, text: str = "") -> float:
    """Waits until the page is ready; returns when the server's script run had reached the
    browser (perf_counter)."""
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while runs.finished <= before or runs.running:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the script did not finish in {STEP_TIMEOUT_S} s")
        await page.wait_for_timeout(10)
    served = time.perf_counter()
    if text:
        await page.locator(selector, has_text=text).first.wait_for(timeout=STEP_TIMEOUT_S * 1000)
    await page.wait_for_function(DRAWN_JS, arg=selector, timeout=STEP_TIMEOUT_S * 1000, polling="raf")
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError((await page.locator('[data-testid="stException"]').first.inner_text())[:200])
    return served


class Session:
    """One browser context and its page, with the script runs its server reported."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.runs = ScriptRuns(cast(Any, page))
        self.failed = False
        self.drawn = 0.0

    async def timed(self, action: Callable[[], Awaitable[object]], selector: str, text: str = "") -> float:
        """Seconds from ``action`` until its script run reached the browser; ``self.drawn`` the
        seconds until the browser had drawn it."""
        before = self.runs.finished
        start = time.perf_counter()
        await action()
        served = await _ready(self.page, self.runs, before, selector, text)
        self.drawn = time.perf_counter() - start
        return served - start


class AppSession(Session):
    def __init__(self, page: Any, base_url: str, username: str, password: str, save: Save) -> None:
        super().__init__(page, base_url)
        self.username, self.password, self.save = username, password, save

    async def step(self, name: str) -> float:
        page = self.page
        sidebar = page.locator(SIDEBAR)
        if name == "全体概要":
            return await self.timed(lambda: page.goto(self.base_url + "/"), f"{MAIN} .kpi-counts")
        if name == "ログイン":

            async def sign_in() -> None:
                await sidebar.get_by_label(t("auth_username")).fill(self.username)
                await sidebar.get_by_label(t("auth_password")).fill(self.password)
                await sidebar.get_by_role("button", name=t("auth_login")).click()

            return await self.timed(sign_in, SIDEBAR, t("auth_logged_in_as"))
        if name == "実績入力":
            link = sidebar.get_by_text(t("entry_title"), exact=True).first
            seconds = await self.timed(link.click, f'{MAIN} input[aria-label^="{t("entry_value")}"]')
            drawn = self.drawn
            await self._choose_month()
            self.drawn = drawn
            return seconds
        return await self._save()

    async def _choose_month(self) -> None:
        """The session's month in the form's selector (untimed; nothing when it is shown)."""
        wanted = month_label(self.save.month)
        box = self.page.locator(f'{MAIN} [data-testid="stSelectbox"]', has_text=t("entry_month")).first
        shown = await box.evaluate("e => e.innerText + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")
        if wanted in shown:
            return

        async def choose() -> None:
            await box.click()
            await self.page.get_by_role("option", name=wanted, exact=True).first.click()

        await self.timed(choose, f'{MAIN} input[aria-label^="{t("entry_value")}"]')

    async def _save(self) -> float:
        page, save = self.page, self.save
        main = page.locator(MAIN)
        await main.locator(f'input[aria-label^="{t("entry_value")}（"]').nth(save.index).fill(save.value)
        await main.locator(f'input[aria-label="{t("entry_note")}"]').nth(save.index).fill(NOTE)
        if save.correction:
            await main.locator(f'input[aria-label="{t("entry_reason")}"]').nth(save.index).fill(NOTE)
        button = main.get_by_role("button", name=t("entry_save"))
        seconds = await self.timed(button.click, MAIN)
        saved = t("entry_saved").format(n=1)
        if not await main.get_by_text(saved).count():
            alerts = await main.locator('[data-testid="stAlert"]').all_inner_texts()
            raise RuntimeError(f"not saved ({save.month} #{save.index}): " + " / ".join(alerts)[:300])
        return seconds


class FloorSession(Session):
    async def step(self, name: str) -> float:
        page = self.page
        if name == STEPS[0]:
            return await self.timed(lambda: page.goto(self.base_url + "/"), f"{MAIN} h1")
        return await self.timed(page.get_by_role("button", name="next").click, f"{MAIN} h1")


# ---------------------------------------------------------------- all sessions together


async def _run_steps(
    sessions: list[Any], pid: int | None, label: str, progress: Callable[[str], None]
) -> tuple[dict[str, StepTimes], float | None]:
    """Every step in every session at once; the server's CPU seconds per session."""
    times = {name: StepTimes() for name in STEPS}
    cpu0 = cpu_seconds(pid) if pid else None

    async def one(session: Any, name: str) -> None:
        if session.failed:
            times[name].errors.append("an earlier step failed")
            return
        try:
            times[name].seconds.append(await session.step(name))
            times[name].drawn.append(session.drawn)
        except Exception as exc:  # a session's failure is a result (an error), not the end of the run
            session.failed = True
            times[name].errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300])

    for name in STEPS:
        await asyncio.gather(*(one(s, name) for s in sessions))
        done = times[name]
        progress(f"{label} {name}: {len(done.seconds)}/{len(sessions)}, p95 {_ms(p95(done.seconds))} ms")
    cpu = None if pid is None or cpu0 is None else (cpu_seconds(pid) - cpu0) / max(1, len(sessions))
    return times, cpu


async def _contexts(browser: Any, n: int) -> list[Any]:
    pages = []
    for _ in range(n):
        context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="ja-JP")
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_S * 1000)
        pages.append(page)
    return pages


async def _drive(
    app_url: str, app_pid: int | None, floor_url: str, floor_pid: int | None, users: list[str], password: str,
    saves: list[Save], progress: Callable[[str], None],
) -> LoadResult:  # fmt: skip
    from playwright.async_api import async_playwright

    n = len(users)
    async with async_playwright() as p:
        executable = str(CHROMIUM) if CHROMIUM.exists() else None
        browser = await p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            floor_pages = await _contexts(browser, n)
            floor, floor_cpu = await _run_steps(
                [FloorSession(pg, floor_url) for pg in floor_pages], floor_pid, "floor", progress
            )
            for pg in floor_pages:
                await pg.context.close()
            app_pages = await _contexts(browser, n)
            sessions = [
                AppSession(pg, app_url, u, password, s) for pg, u, s in zip(app_pages, users, saves, strict=True)
            ]
            app, app_cpu = await _run_steps(sessions, app_pid, "app", progress)
        finally:
            await browser.close()
    return LoadResult(n, app, floor, app_cpu, floor_cpu)


def run_load(
    n: int,
    cache: Path,
    database_url: str,
    today: date,
    server_url: str | None = None,
    server_pid: int | None = None,
    floor_url: str | None = None,
    port: int | None = None,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> LoadResult:
    """N sessions on the app and on the trivial page. Without ``server_url`` the app server is
    started here on ``database_url`` (a throwaway copy: the run adds accounts and saves)."""
    password = os.environ.get(PASSWORD_ENV, BENCH_PASSWORD) if server_url else BENCH_PASSWORD
    users, saves = prepare_accounts(database_url, n, password, today)
    cache.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        if server_url is None:
            env = {"KPI_DATABASE_URL": database_url, "KPI_TODAY": today.isoformat()}
            port_app = free_port(port) if port else None
            server_url, server_pid = stack.enter_context(serve("app.py", env, cache / "streamlit-load.log", port_app))
        if floor_url is None:
            script = cache / "load_trivial_page.py"
            script.write_text(TRIVIAL_PAGE, encoding="utf-8")
            port_floor = free_port(port + 5) if port else None
            floor_url, floor_pid = stack.enter_context(
                serve(str(script), {}, cache / "streamlit-load-floor.log", port_floor)
            )
        else:
            floor_pid = None
        return asyncio.run(
            _drive(
                server_url.rstrip("/"), server_pid, floor_url.rstrip("/"), floor_pid, users, password, saves, progress
            )
        )


# ---------------------------------------------------------------- the table


def _ms(x: float) -> str:
    return "―" if x != x else f"{x * 1000:,.0f}"  # NaN: no session finished the step


def format_result(result: LoadResult) -> list[str]:
    """The table: per step the app's p50/p95/max and errors, the trivial page's, the ratio of the
    p95s; "drawn" is the p95 until the browser had drawn the page too."""
    head = (
        f"{'step':<8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'drawn':>7} {'errors':>6} |"
        f" floor {'p50':>6} {'p95':>6} {'max':>6} {'drawn':>6} {'err':>4} | p95 ratio"
    )
    lines = [f"load: {result.sessions} simultaneous sessions", head]
    for name in STEPS:
        a, f = result.app[name], result.floor[name]
        (a50, a95, amax), (f50, f95, fmax) = a.summary(), f.summary()
        ratio = a95 / f95 if f95 == f95 and f95 > 0 and a95 == a95 else float("nan")
        label = name + " " * max(0, 8 - 2 * len(name))
        lines.append(
            f"{label} {_ms(a50):>7} {_ms(a95):>7} {_ms(amax):>7} {_ms(p95(a.drawn)):>7} {len(a.errors):>6} |"
            f"       {_ms(f50):>6} {_ms(f95):>6} {_ms(fmax):>6} {_ms(p95(f.drawn)):>6} {len(f.errors):>4} |"
            f" {ratio:>6.2f}"
        )

    def cpu(x: float | None) -> str:
        return "―" if x is None else f"{x:.3f} s"

    app_cpu, floor_cpu = cpu(result.app_cpu_per_session), cpu(result.floor_cpu_per_session)
    lines.append(f"server CPU per session: app {app_cpu}, trivial page {floor_cpu}")
    for name in STEPS:
        for err in sorted(set(result.app[name].errors) | set(result.floor[name].errors))[:5]:
            lines.append(f"error in {name}: {err}")
    return lines
