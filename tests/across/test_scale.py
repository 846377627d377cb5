"""Cost grows with what is shown: the work of each step counted at two plan sizes.

Counting work (elements compared, values parsed, shapes built, queries run) instead of
wall time keeps these tests stable on a busy machine: a step that is linear does about
k times the work on a plan k times larger; a quadratic one does k² times.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, event, inspect, text

from kpi.bench import data as bench_data
from kpi.bench.run import _clear_caches
from kpi.charts import figures as charts
from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.domain.statuses import indicator_statuses
from kpi.services.actuals_form import CellInput, entry_rows, save_month
from kpi.store.db import make_engine, transaction, upgrade
from kpi.store.reads import plan_data

YEAR = 2026
AS_OF = Month(2027, 3)
SMALL, LARGE = 1, 4  # 重点施策 of 20 projects, 60 indicators and 40 ● each


def _plan_db(tmp_path: Path, measures: int) -> Engine:
    raw = bench_data.generated_plan_raw(YEAR)
    raw["measures"] = raw["measures"][:measures]
    raw["projects"] = [p for p in raw["projects"] if p["measure"] <= measures]
    raw["indicators"] = [i for i in raw["indicators"] if i["project"] <= len(raw["projects"])]
    engine = make_engine(f"sqlite:///{tmp_path / f'plan{measures}.db'}")
    upgrade(engine)
    plan = bench_data.parse_plan(raw, "generated")
    with engine.begin() as conn:
        bench_data.bulk_load_plan(conn, plan, "generated")
        bench_data.bulk_actuals(conn, plan, revisions=2)
    return engine


@pytest.fixture(scope="module")
def sizes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, tuple[Engine, PlanData]]]:
    tmp = tmp_path_factory.mktemp("scale")
    out = {}
    for n in (SMALL, LARGE):
        engine = _plan_db(tmp, n)
        with transaction(engine) as s:
            data = plan_data(s, YEAR)
        assert data is not None
        out[n] = (engine, data)
    yield out
    for engine, _ in out.values():
        engine.dispose()


class Work:
    """Counts of the work done inside ``counting()``."""

    def __init__(self) -> None:
        self.compared = 0  # elements of pandas Series compared with ==
        self.parsed = 0  # Month.parse calls
        self.shapes = 0  # plotly layout shapes constructed
        self.queries = 0  # SQL statements
        self.evaluated = 0  # indicator-months evaluated (IndicatorYear.at / status_at)


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch, engine: Engine | None = None) -> Iterator[Work]:
    import plotly.graph_objs.layout as layout

    from kpi.domain.status import IndicatorYear

    work = Work()
    eq, parse, shape_init = pd.Series.__eq__, Month.parse.__func__, layout.Shape.__init__  # type: ignore[attr-defined]
    at, status_at = IndicatorYear.at, IndicatorYear.status_at

    def counted_eq(self: pd.Series, other: Any) -> Any:
        work.compared += len(self)
        return eq(self, other)

    def counted_parse(cls: type[Month], value: str) -> Month:
        work.parsed += 1
        return parse(cls, value)

    def counted_shape(self: Any, *args: Any, **kwargs: Any) -> None:
        work.shapes += 1
        shape_init(self, *args, **kwargs)

    def count_query(*_args: Any) -> None:
        work.queries += 1

    def counted_at(self: IndicatorYear, as_of: Month) -> Any:
        work.evaluated += 1
        return at(self, as_of)

    def counted_status_at(self: IndicatorYear, as_of: Month) -> Any:
        work.evaluated += 1
        return status_at(self, as_of)

    with monkeypatch.context() as m:
        m.setattr(pd.Series, "__eq__", counted_eq)
        m.setattr(Month, "parse", classmethod(counted_parse))
        m.setattr(layout.Shape, "__init__", counted_shape)
        m.setattr(IndicatorYear, "at", counted_at)
        m.setattr(IndicatorYear, "status_at", counted_status_at)
        if engine is not None:
            event.listen(engine, "before_cursor_execute", count_query)
        try:
            yield work
        finally:
            if engine is not None:
                event.remove(engine, "before_cursor_execute", count_query)


def _linear(small: int, large: int, factor: int = LARGE // SMALL) -> bool:
    """``large`` is at most ``factor`` times ``small`` (plus a little): not ``factor``² times."""
    return large <= factor * small * 1.25 + 50


def test_entry_form_rows_cost_grows_linearly_with_the_number_of_indicators(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    works = {}
    for n, (_engine, data) in sizes.items():
        with counting(monkeypatch) as work:
            rows = entry_rows(data, bench_data.ADMIN, AS_OF)
        assert len(rows) == 60 * n
        works[n] = work
    assert _linear(works[SMALL].parsed, works[LARGE].parsed), (works[SMALL].parsed, works[LARGE].parsed)
    assert _linear(works[SMALL].compared, works[LARGE].compared), (works[SMALL].compared, works[LARGE].compared)


def test_gantt_cost_grows_linearly_with_the_number_of_projects(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    works = {}
    for n, (_engine, data) in sizes.items():
        statuses = indicator_statuses(data, AS_OF)
        with counting(monkeypatch) as work:
            fig = charts.gantt_chart(data, statuses, AS_OF)
        assert sum(len(tr.x) for tr in fig.data if tr.type == "scatter") == 40 * n  # every ●
        works[n] = work
    # plotly re-validated every shape on each add_*: shapes built once means about one per header.
    assert works[SMALL].shapes <= 2 * (20 + 10)
    assert _linear(works[SMALL].shapes, works[LARGE].shapes), (works[SMALL].shapes, works[LARGE].shapes)
    assert _linear(works[SMALL].compared, works[LARGE].compared), (works[SMALL].compared, works[LARGE].compared)


def test_a_save_reads_only_the_rows_it_writes(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def whole_plan(*_args: Any) -> None:
        raise AssertionError("a save must not read the whole plan")

    monkeypatch.setattr("kpi.store.reads.plan_data", whole_plan)
    monkeypatch.setattr("kpi.services.actuals.plan_data", whole_plan, raising=False)
    monkeypatch.setattr("kpi.services.actuals_form.entry_rows", whole_plan)
    works = {}
    for n, (engine, data) in sizes.items():
        code = str(data.indicators["code"].iloc[0])
        current = data.actuals.loc[(data.actuals["code"] == code) & (data.actuals["month"] == str(AS_OF))].iloc[0]
        cell = CellInput(
            code,
            str(float(current["value"]) + 1),
            "遅れの理由",
            "修正",
            int(current["revision"]),
            float(current["value"]),
        )
        with counting(monkeypatch, engine) as work, transaction(engine, write=True) as s:
            result = save_month(s, bench_data.ADMIN, YEAR, AS_OF, [cell], date(2027, 4, 15))
        assert [c for c, _m, _r in result.saved] == [code] and code in result.statuses
        works[n] = work
    assert works[LARGE].queries == works[SMALL].queries  # the same statements whatever the plan's size
    assert works[LARGE].parsed <= works[SMALL].parsed + 5


def test_foreign_keys_that_pages_read_by_are_indexed(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ix.db'}")
    upgrade(engine)
    insp = inspect(engine)
    for table, column in (
        ("schedule_rows", "project_id"),
        ("milestones", "project_id"),
        ("indicators", "project_id"),
        ("projects", "measure_id"),
        ("measures", "policy_id"),
        ("actual_revisions", "indicator_id"),
    ):
        leading = [ix["column_names"][0] for ix in insp.get_indexes(table)]
        leading += [uq["column_names"][0] for uq in insp.get_unique_constraints(table)]
        assert column in leading, f"{table}.{column} has no index"
    with engine.connect() as conn:
        plan = " ".join(
            str(r[-1])
            for r in conn.execute(text("EXPLAIN QUERY PLAN SELECT * FROM schedule_rows WHERE project_id = 1"))
        )
    assert "USING INDEX" in plan, plan
    engine.dispose()


@pytest.mark.parametrize("page", ["pages/2_projects.py", "pages/1_measures.py"])
def test_a_page_of_one_project_or_measure_evaluates_only_what_it_shows(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    evaluated: dict[int, int] = {}
    for n, (engine, _data) in sizes.items():
        monkeypatch.setenv("KPI_DATABASE_URL", str(engine.url))
        monkeypatch.setenv("KPI_TODAY", "2027-04-15")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        with counting(monkeypatch) as work:
            at.run()
        assert not at.exception
        evaluated[n] = work.evaluated
    # The first project (or 重点施策) is the same at both sizes: so is the work.
    assert evaluated[LARGE] == evaluated[SMALL] > 0, evaluated


def test_entry_form_of_a_user_with_many_indicators_opens_on_one_measure_and_saves_there(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    engine, data = sizes[LARGE]
    monkeypatch.setenv("KPI_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("KPI_TODAY", "2027-04-15")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["kpi_user"] = bench_data.ADMIN
    at.run()
    at.switch_page("pages/4_entry.py").run()
    assert not at.exception

    def shown_codes() -> set[str]:
        prefix = f"entry_v_{AS_OF}_"
        return {str(w.key)[len(prefix) :] for w in at.text_input if str(w.key).startswith(prefix)}

    first = set(data.indicators.loc[data.indicators["project_no"] <= 20, "code"])  # 重点施策 1
    assert shown_codes() == first
    scope = at.selectbox(key="entry_scope")
    assert "(2) 重点施策2" in scope.options and any(o.startswith("担当部署: ") for o in scope.options)
    scope.select("m:2").run()
    second = set(data.indicators.loc[data.indicators["project_no"].between(21, 40), "code"])
    assert shown_codes() == second
    code = sorted(second)[0]
    at.text_input(key=f"entry_v_{AS_OF}_{code}").input("500")
    at.text_input(key=f"entry_n_{AS_OF}_{code}").input("理由")
    at.text_input(key=f"entry_r_{AS_OF}_{code}").input("修正")
    next(b for b in at.button if b.label == "まとめて保存").click()
    at.run()
    assert not at.exception
    # 500 may be far from the generated data's month before and plan: the form then asks first
    confirm = [b for b in at.button if b.label == "確認して保存する"]
    if confirm:
        confirm[0].click()
        at.run()
        assert not at.exception
    assert any("1件" in s.value for s in at.success), [s.value for s in at.success] + [e.value for e in at.error]


def test_big_measure_draws_its_charts_and_the_schedule_its_projects_a_page_at_a_time(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT
    from tests.web.charts_on import show_charts

    engine, _data = sizes[LARGE]
    monkeypatch.setenv("KPI_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("KPI_TODAY", "2027-04-15")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/1_measures.py").run()
    assert not at.exception and not at.get("plotly_chart")  # the table first, the charts on demand
    show_charts(at)
    assert len(at.get("plotly_chart")) == 12  # of the measure's 60
    pager = at.selectbox(key="measures_chart_page")
    assert pager.label == "表示するグラフ（全60件）" and len(pager.options) == 5
    pager.select(48).run()
    assert len(at.get("plotly_chart")) == 12
    at.switch_page("pages/3_schedule.py").run()
    assert not at.exception
    assert at.selectbox(key="schedule_page").label == "表示する事業（全80件）"
    page_html = "\n".join(m.value for m in at.markdown)
    assert page_html.count('dominant-baseline="central" font-weight="bold"><tspan') == 50  # the picture's headers
    fig = json.loads(show_charts(at).get("plotly_chart")[0].proto.spec)
    headers = [t for t in fig["layout"]["yaxis"]["ticktext"] if t.startswith("<b>")]
    assert len(headers) == 50


def test_overview_month_by_month_table_shows_fifty_projects_at_a_time(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1,000 projects the table was 1.5 MB of HTML in one piece (the most of 全体概要's
    first draw in the browser); its size now follows the rows shown, not the plan."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    def history_rows(at: AppTest) -> list[str]:
        table = next(m.value for m in at.markdown if m.value.startswith('<table class="kpi-table kpi-history'))
        return table.split("<tbody>", 1)[1].split("<tr")[1:]

    engine, _data = sizes[LARGE]
    monkeypatch.setenv("KPI_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("KPI_TODAY", "2027-04-15")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    pager = at.selectbox(key="history_page")
    assert pager.label == "月別の状況を表示する事業（全80件）" and pager.options == ["1〜50", "51〜80"]
    first = history_rows(at)
    assert len(first) == 50 and "実施事業1<" in first[0]
    pager.select(50).run()
    rest = history_rows(at)
    assert not at.exception and len(rest) == 30 and "実施事業51" in rest[0]


def test_overview_plan_tree_shows_fifty_projects_a_page_under_their_headings(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1,000 projects the plan tree was 200 KB of HTML and its chooser 1,050 rows: now 50
    projects a page, each page under the 基本方針 and 重点施策 its first project belongs to."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    def tree_rows(at: AppTest) -> list[str]:
        head = '<table class="kpi-table kpi-list"><thead><tr><th>状況'
        table = next(m.value for m in at.markdown if m.value.startswith(head))
        return table.split("<tbody>", 1)[1].split("<tr")[1:]

    engine, data = sizes[LARGE]
    monkeypatch.setenv("KPI_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("KPI_TODAY", "2027-04-15")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    pager = at.selectbox(key="tree_page")
    assert pager.label == "表示する事業（全80件）" and pager.options == ["1〜50", "51〜80"]
    first = tree_rows(at)
    projects = [r for r in first if 'class=""' in r]
    assert len(projects) == 50 and "実施事業1<" in projects[0] and "実施事業50<" in projects[-1]
    assert len(at.selectbox(key="overview_open_tree").options) == 50 + 3  # 3 重点施策 headings
    pager.select(50).run()
    rest = tree_rows(at)
    assert not at.exception
    # Project 51 is in the third 重点施策 (20 each): its 基本方針 and 重点施策 come first again.
    measure = data.measures.set_index("measure_no").loc[3]
    assert 'class="kpi-policy"' in rest[0] and 'class="kpi-measure"' in rest[1]
    assert str(measure["measure_name"]) in rest[1] and "実施事業51<" in rest[2]
    assert len([r for r in rest if 'class=""' in r]) == 30


def test_overview_evaluates_month_by_month_only_the_projects_it_shows(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """全体概要 as of March: every indicator now and the month before (the changes table),
    and month by month only the 50 projects of the table's page; before, every indicator
    of the plan was evaluated for each of the twelve months."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    engine, data = sizes[LARGE]
    monkeypatch.setenv("KPI_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("KPI_TODAY", "2027-04-15")
    _clear_caches()  # the other tests' runs of this database filled them
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    with counting(monkeypatch) as work:
        at.run()
    assert not at.exception
    shown = data.projects["project_no"].head(50)
    on_page = int(data.indicators["project_no"].isin(shown).sum())
    assert len(data.projects) == 80 and on_page < len(data.indicators)
    assert work.evaluated == 2 * len(data.indicators) + 12 * on_page, work.evaluated


def test_year_end_summary_and_owed_items_reuse_shared_statuses_and_grow_linearly(
    sizes: dict[int, tuple[Engine, PlanData]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """期末評価's 総括 suggests a rating for every project and あなたの課の照会 lists what every
    department owes: both from the statuses the pages share, in one pass (not one per project)."""
    import kpi.cycle.evaluations as evaluation
    import kpi.domain.inquiry as inquiry

    def recomputed(*_args: Any) -> None:
        raise AssertionError("indicator statuses computed again instead of reusing the shared ones")

    evaluations = pd.DataFrame(columns=["project_no", "rating", "reason", "new_issues", "author", "created_at"])
    works = {}
    for n, (_engine, data) in sizes.items():
        statuses = indicator_statuses(data, AS_OF)
        with counting(monkeypatch) as work:
            monkeypatch.setattr(evaluation, "indicator_statuses", recomputed)
            monkeypatch.setattr(inquiry, "indicator_statuses", recomputed)
            table = evaluation.summary_table(data, evaluations, AS_OF, statuses=statuses)
            inquiry.owed_items(data, AS_OF, {}, inquiry_open=True, statuses=statuses)
            monkeypatch.undo()
        assert len(table) == 20 * n
        assert table["suggested"].notna().all()
        works[n] = work
    assert _linear(works[SMALL].compared, works[LARGE].compared), (works[SMALL].compared, works[LARGE].compared)
    assert _linear(works[SMALL].parsed, works[LARGE].parsed), (works[SMALL].parsed, works[LARGE].parsed)
