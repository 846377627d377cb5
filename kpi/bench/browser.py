"""``python -m kpi benchmark --browser``: the big pages timed in a real headless Chromium.

For each page a new ``streamlit run app.py`` serves the benchmark's database with login
required (``KPI_REQUIRE_LOGIN=1``), so that opening the page draws only the sidebar and its
login form. Then, in one browser session:

- cold: the benchmark administrator signs in; from the click until the page is ready, the
  page's first draw since the server started. Its floor: a refused sign-in (an unknown
  user) before it, a rerun that draws the sidebar and stops after the same argon2 check;
- warm: the page's own sidebar link clicked again (a second visit, caches filled). Its
  floor: the same link clicked before signing in, a rerun that draws only the sidebar;
- 工程表 only, when it has more than one page: the next 50 projects chosen in its selector
  (floor as warm);
- レポート: its PDF made on the page, from pressing 「PDF（A4横）を作成」 until the download is
  shown, against the command line making the same file as a new process (its floor).

What a page shows by default is what is timed: 重点施策別 is ready with its indicator table and
its charts (pictures made on the server, kpi.web.static_charts), 実施事業 with its indicator
charts and its 工程表 picture, 工程表 with its 工程表 picture (the interactive plotly charts
are drawn on demand and not timed).

"Ready" is two signals, both needed: the server reported the script run finished (the
``script_finished`` message on Streamlit's websocket, so a stale page from before the click
never counts), then the browser drew it (no running indicator, no stale element, every one of
the page's own content selectors in the DOM, every chart picture in the window loaded and
decoded, every plotly chart's SVG). Playwright and the server are imported and started only
when ``--browser`` is given.

The helpers for Chromium and the server (``CHROMIUM``, ``launch_chromium``,
``streamlit_server``) are shared with the real-browser tests (tests/e2e/conftest.py).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi import PROJECT_ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
STARTUP_TIMEOUT_S = 60
READY_TIMEOUT_S = 600  # a cold page at L takes seconds; a hung one must still end the run
WIDTH, HEIGHT = 1440, 900
UNKNOWN_USER = "bench-nobody"  # refused without counting towards any account's lock


@dataclass(frozen=True)
class BrowserPage:
    name: str  # the line's name, before " browser cold|warm"
    path: str  # URL path (with query) opened before signing in
    link: str  # the page's label in the sidebar
    content: tuple[str, ...]  # CSS selectors of the page's own content: all present once it is drawn


MAIN = '[data-testid="stMain"]'
PICTURE = f"{MAIN} img.kpi-chart-img"  # an indicator chart made on the server
GANTT = f"{MAIN} svg.kpi-gantt"  # the 工程表 made on the server
PAGES = (
    BrowserPage("全体概要", "/", "全体概要", (f"{MAIN} .kpi-counts",)),
    BrowserPage(
        "重点施策別（重点施策1）", "/measures?measure=1", "重点施策別", (f"{MAIN} .kpi-indicator-table", PICTURE)
    ),
    BrowserPage("実施事業（事業1）", "/projects?project=1", "実施事業", (GANTT,)),
    BrowserPage("工程表", "/schedule", "工程表", (GANTT,)),
)
# The レポート page's PDF: from pressing 作成 until its download button is shown. Its floor is
# the command line making the same file (``python -m kpi report --format pdf``, a new process).
REPORT = BrowserPage("レポート PDF", "/reports", "レポート", (f"{MAIN} h1",))
PDF_DOWNLOAD = '[data-testid="stMain"] [data-testid="stDownloadButton"]'
PDF_LABEL = "PDF（A4横）"
NEXT_PAGE = "次の50事業"
SCHEDULE_PAGE_SIZE = 50  # pages/3_schedule.py PROJECTS_PER_PAGE


def line_names(page: BrowserPage) -> list[str]:
    names = [f"{page.name} browser cold", f"{page.name} browser warm"]
    if page.link == "工程表":
        names.append(f"{page.name} browser {NEXT_PAGE}")
    return names


# ---------------------------------------------------------------- Chromium and the server


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium: Debian's when installed (CI), else Playwright's own download."""
    executable = str(CHROMIUM) if CHROMIUM.exists() else None
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


def free_port(start: int | None = None, tries: int = 10) -> int:
    """A free local port: the first of ``start`` … ``start + tries - 1``, or any with no start."""
    candidates = [0] if start is None else list(range(start, start + tries))
    for port in candidates:
        with socket.socket() as s:
            # As the server binds (tornado sets SO_REUSEADDR): the last server's closed
            # connections in TIME_WAIT do not make its port look taken.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError(f"no free port in {start}–{start + tries - 1}")  # type: ignore[operator]


def _wait_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {STARTUP_TIMEOUT_S}s:\n{log.read_text(errors='replace')}")


@contextmanager
def serve(script: str, env: dict[str, str], log: Path, port: int | None) -> Iterator[tuple[str, int]]:
    """``streamlit run SCRIPT`` from the project directory; yields (base URL, PID)."""
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, proc, log)
        yield base_url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


IDLE_FOR_S = 0.4  # the server has used no CPU for this long: nothing runs in the background
IDLE_TIMEOUT_S = 60


def wait_idle(pid: int) -> None:
    """Until the server has been idle for IDLE_FOR_S, so that every timed step (the floors
    too) starts with nothing running on the server: after showing the login form the app
    reads the plan in the background (kpi.web.warm_up), as it does while a person types."""
    deadline = time.monotonic() + IDLE_TIMEOUT_S
    last, since = cpu_seconds(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu_seconds(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= IDLE_FOR_S:
            return


@contextmanager
def streamlit_server(env: dict[str, str], log: Path, port: int | None = None) -> Iterator[str]:
    """``streamlit run app.py`` with ``env`` added to this process's; yields its base URL and
    stops it (terminate, then kill) however the block ends."""
    with serve("app.py", env, log, port) as (base_url, _pid):
        yield base_url


# ---------------------------------------------------------------- readiness


class ScriptRuns:
    """The script runs a browser page's server reported finished, read from the websocket."""

    def __init__(self, page: Page) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._msg = ForwardMsg
        self.finished = 0
        self.running = False
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: Any) -> None:
        if not isinstance(payload, bytes):
            return
        msg = self._msg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # not a ForwardMsg: nothing to count
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.running = True
        # A run cut short by st.rerun() (as after signing in) is followed by another one.
        elif kind == "script_finished" and msg.script_finished != self._msg.FINISHED_EARLY_FOR_RERUN:
            self.running = False
            self.finished += 1


# ``selectors``: one CSS selector or a list, all present. A chart picture (<img loading="lazy">)
# in the window must be loaded and decoded; one below it is drawn as it scrolls into view.
DRAWN_JS = """
selectors => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stMain"] [data-stale="true"]')
    && [].concat(selectors).every(s => !!document.querySelector(s))
    && [...document.querySelectorAll('img.kpi-chart-img')]
        .every(i => i.getBoundingClientRect().top > innerHeight || (i.complete && i.naturalWidth > 0))
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))
"""


def _timed(
    page: Page, runs: ScriptRuns, action: Callable[[], object], selector: str | tuple[str, ...], text: str = ""
) -> float:
    """Seconds from ``action`` until a new script run has finished and ``selector`` (every one
    of them; the first holding ``text``) is drawn with no running indicator."""
    before = runs.finished
    deadline = time.monotonic() + READY_TIMEOUT_S
    start = time.perf_counter()
    action()
    while runs.finished <= before or runs.running:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{page.url}: the script did not finish in {READY_TIMEOUT_S} s")
        page.wait_for_timeout(10)  # lets Playwright deliver the websocket events
    selectors = [selector] if isinstance(selector, str) else list(selector)
    if text:
        page.locator(selectors[0], has_text=text).first.wait_for(timeout=READY_TIMEOUT_S * 1000)
    page.wait_for_function(DRAWN_JS, arg=selectors, timeout=READY_TIMEOUT_S * 1000, polling="raf")
    elapsed = time.perf_counter() - start
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"{page.url}: {page.locator('[data-testid=stException]').first.inner_text()}")
    return elapsed


def _sign_in(page: Page, username: str, password: str) -> Callable[[], None]:
    sidebar = page.locator('[data-testid="stSidebar"]')

    def act() -> None:
        sidebar.get_by_label("利用者名").fill(username)
        sidebar.get_by_label("パスワード").fill(password)
        sidebar.get_by_role("button", name="ログイン").click()

    return act


def _next_schedule_page(page: Page) -> Callable[[], None] | None:
    """Choosing the second 50 projects in the 工程表's selector; None with one page only."""
    selector = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]')
    if not selector.count():
        return None
    selector.first.click()
    option = page.get_by_role("option", name=f"{SCHEDULE_PAGE_SIZE + 1}〜", exact=False).first
    option.wait_for()
    return option.click


# ---------------------------------------------------------------- one page, one server


def measure_page(
    browser: Browser, base_url: str, spec: BrowserPage, username: str, password: str, pid: int | None = None
) -> dict[str, float]:
    """Floor, cold, warm (and the next 工程表 page) of one page on a server just started; with
    the server's ``pid``, each step starts once it is idle (``wait_idle``)."""

    def idle() -> None:
        if pid is not None:
            wait_idle(pid)

    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="ja-JP")
    try:
        page = context.new_page()
        page.set_default_timeout(READY_TIMEOUT_S * 1000)
        runs = ScriptRuns(page)
        sidebar_login = '[data-testid="stSidebar"] [data-testid="stForm"]'
        link = page.locator('[data-testid="stSidebar"]').get_by_text(spec.link, exact=True).first
        _timed(page, runs, lambda: page.goto(base_url + spec.path), sidebar_login)
        idle()
        times = {"floor warm": _timed(page, runs, link.click, sidebar_login)}
        idle()
        refused = '[data-testid="stSidebar"] [data-testid="stAlert"]'
        times["floor cold"] = _timed(page, runs, _sign_in(page, UNKNOWN_USER, "not-the-password"), refused)
        idle()
        times["cold"] = _timed(page, runs, _sign_in(page, username, password), spec.content)
        idle()
        times["warm"] = _timed(page, runs, link.click, spec.content)
        if spec.link == "工程表":
            choose = _next_schedule_page(page)
            if choose is not None:
                idle()
                first = f"実施事業{SCHEDULE_PAGE_SIZE + 1}"  # the generated plan's names (L)
                times[NEXT_PAGE] = _timed(page, runs, choose, GANTT, first)
        return times
    finally:
        context.close()


def measure_report_pdf(browser: Browser, base_url: str, username: str, password: str) -> float:
    """Seconds from pressing the レポート page's 「PDF（A4横）を作成」 until its download shows."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="ja-JP")
    try:
        page = context.new_page()
        page.set_default_timeout(READY_TIMEOUT_S * 1000)
        runs = ScriptRuns(page)
        login = '[data-testid="stSidebar"] [data-testid="stForm"]'
        _timed(page, runs, lambda: page.goto(base_url + REPORT.path), login)
        _timed(page, runs, _sign_in(page, username, password), REPORT.content)
        make = page.locator('[data-testid="stMain"]').get_by_role("button", name=f"{PDF_LABEL}を作成", exact=True)
        return _timed(page, runs, make.click, PDF_DOWNLOAD, PDF_LABEL)
    finally:
        context.close()


def cli_pdf_seconds(env: dict[str, str], scope: str, cache: Path) -> float:
    """The command line making the same PDF, as a new process (the floor of the page's PDF)."""
    out = cache / "bench-report.pdf"
    cmd = [sys.executable, "-m", "kpi", "report", "--format", "pdf", "--scope", scope, "--out", str(out)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, **env}, cwd=PROJECT_ROOT)
    return time.perf_counter() - start


def report_line_name(scope: str) -> str:
    return f"{REPORT.name}（{'全体' if scope == 'all' else scope}） browser"


def run(
    url: str,
    today: str,
    cache: Path,
    repeat: int,
    wanted: Callable[[str], bool],
    username: str,
    password: str,
    port: int | None = None,
    report_scope: str = "all",
) -> Iterator[tuple[str, float, float]]:
    """(line name, median, floor) of every wanted browser line: one new server per page and
    repeat, since cold means the first visit after the server started."""
    from playwright.sync_api import sync_playwright

    env = {"KPI_DATABASE_URL": url, "KPI_TODAY": today, "KPI_REQUIRE_LOGIN": "1"}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for spec in PAGES:
                names = [n for n in line_names(spec) if wanted(n)]
                if not names:
                    continue
                samples: dict[str, list[float]] = {}
                for _ in range(max(1, repeat)):
                    log = cache / "streamlit-browser.log"
                    with serve("app.py", env, log, free_port(port) if port else None) as (base_url, pid):
                        for key, value in measure_page(browser, base_url, spec, username, password, pid).items():
                            samples.setdefault(key, []).append(value)
                for name in names:
                    key = name.rsplit(" ", 1)[1]
                    floor = samples["floor cold" if key == "cold" else "floor warm"]
                    if key in samples:
                        yield name, statistics.median(samples[key]), statistics.median(floor)
            name = report_line_name(report_scope)
            if wanted(name):
                page_s, cli_s = [], []
                for _ in range(max(1, repeat)):
                    log = cache / "streamlit-browser.log"
                    with streamlit_server(env, log, free_port(port) if port else None) as base_url:
                        page_s.append(measure_report_pdf(browser, base_url, username, password))
                    cli_s.append(cli_pdf_seconds(env, report_scope, cache))
                yield name, statistics.median(page_s), statistics.median(cli_s)
        finally:
            browser.close()
