"""Reading the plan while the login form is shown (issue 22, item 4: the first page after a
server start took twice as long as its floor in Chromium, the extra being the first read of
the plan, its statuses and the drawing modules).

With ``KPI_REQUIRE_LOGIN=1`` every page stops at the login form until someone signs in. While
a person types their name and password — seconds — the server is idle. The first time a
login form is shown for a data version, year and month, a background thread reads what the
first page after signing in needs (the year's plan data with last year's actuals, its
prepared indicators and every status of the month) into the same shared caches the pages
read (``kpi.web.cache``), and imports the modules that draw. The page that follows the sign-in
finds them cached; if it comes sooner, it waits for the same cache entry instead of reading it
twice (``st.cache_resource`` computes a key once).

Only under a real server (``streamlit run``), never in a process that runs AppTest: AppTest
pages compute what they show when they show it, so the tests that count evaluations keep
counting the page's own.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from kpi.domain.fiscal import Month
from kpi.text.catalog import DEFAULT_LANG
from kpi.web import cache

log = logging.getLogger(__name__)

# What the pages after a sign-in import to draw (kpi.web.static_charts and the page modules
# import them at first use): the chart pictures, the 工程表 picture, the phrase breaker.
DRAWING_MODULES = ("kpi.reports.public_svg", "kpi.reports.gantt_svg", "kpi.charts.sparkline", "kpi.web.static_charts")

# AppTest runs pages in this process with a Runtime of its own; a real server never loads it.
APPTEST = "streamlit.testing.v1.local_script_runner"

# (database, year, as-of month) → the data version last read ahead: one entry per year and month
# shown, however many writes (each a new version) the server sees.
_started: dict[tuple[str, int, str], int] = {}
_lock = threading.Lock()


def read_ahead(url: str, year: int, as_of: Month, version: int) -> None:
    """Fill the shared caches for (year, as-of month, data version) and import the drawing
    modules: the work of the background thread, synchronous."""
    cache.cached_chart_data(url, year, version)  # with cached_plan_data inside
    cache.cached_prepared_year(url, year, version)
    cache.cached_statuses(url, year, str(as_of), version)
    for name in DRAWING_MODULES:
        importlib.import_module(name)
    pages_first_views(url, year, as_of, version)


def pages_first_views(url: str, year: int, as_of: Month, version: int) -> None:
    """What each big page shows first, by default, in Japanese (the login form's language):
    全体概要's view, the first 重点施策's view and its first page of chart pictures, the first
    project's view and the first page of the 工程表. Another choice on a page is computed when
    it is made (about 0.1 s at S)."""
    from kpi.web import measure_page, static_charts
    from kpi.web.nav import CHARTS_PER_PAGE, SCHEDULE_PER_PAGE  # nav starts this module's thread

    data = cache.cached_chart_data(url, year, version)
    if data is None or data.projects.empty:
        return
    month = str(as_of)
    cache.cached_overview_view(url, year, month, version, DEFAULT_LANG)
    first_measure = int(data.measures["measure_no"].iloc[0])
    view = cache.cached_measure_view(url, year, month, version, first_measure, DEFAULT_LANG)
    if view is not None:
        for row in measure_page.chart_rows(view, first_measure).head(CHARTS_PER_PAGE).to_dict("records"):
            static_charts.picture_for(url, version, view.data, row, as_of, DEFAULT_LANG)
    cache.cached_project_view(url, year, month, version, int(data.projects["project_no"].iloc[0]), DEFAULT_LANG)
    first_page = tuple(int(n) for n in data.projects["project_no"].head(SCHEDULE_PER_PAGE))
    static_charts.schedule_picture_for(url, year, as_of, version, first_page, DEFAULT_LANG)


def while_signing_in(url: str, year: int, as_of: Month) -> threading.Thread | None:
    """Start ``read_ahead`` in the background once per data version, year and month (the
    thread, or None when it already ran or this is no real server)."""
    if not Runtime.exists() or APPTEST in sys.modules:
        return None
    version = cache.current_version(url)
    key = (url, year, str(as_of))
    with _lock:
        if _started.get(key) == version:
            return None
        _started[key] = version

    def work() -> None:
        try:
            read_ahead(url, year, as_of, version)
        except Exception:  # the page reads the same again and shows any error itself
            log.exception("reading ahead while the login form is shown failed")

    thread = threading.Thread(target=work, name="kpi-read-ahead", daemon=True)
    # The session's context, so that the caches (which look for one) log no warning.
    add_script_run_ctx(thread, get_script_run_ctx(suppress_warning=True))
    thread.start()
    return thread
