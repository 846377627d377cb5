"""Issue 22a, roll-ups that inform: the tree's distribution and 理由 column, a ●'s own reason."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from kpi.domain.fiscal import Month
from kpi.domain.statuses import indicator_statuses, measure_statuses, project_statuses
from kpi.store.db import make_engine, transaction
from kpi.store.reads import plan_data
from kpi.text.why import latest_notes
from tests.conftest import ROOT

AS_OF = Month(2026, 10)


def _start(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, at.exception
    return at


def _tree(at: AppTest) -> str:
    return next(m.value for m in at.markdown if '<tr class="kpi-policy">' in m.value)


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)


def test_every_group_shows_its_distribution_and_every_red_row_says_why(demo_app: str) -> None:
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    projects = project_statuses(data, AS_OF, indicator_statuses(data, AS_OF))
    measures = measure_statuses(data, AS_OF, projects)
    at = _start()
    tree = _tree(at)
    rows = _rows(tree)
    assert "<th>理由・メモ</th>" in tree
    group_rows = [r for r in rows if "kpi-dist-bar" in r]
    assert len(group_rows) == len(data.policies) + int((~measures["hidden"]).sum())
    first = measures.iloc[0]
    delayed = int(first["n_delayed"])
    if delayed:
        assert f"遅延 {delayed}" in tree
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if cells and ("× 遅延" in cells[0] or "△ 注意" in cells[0]):
            assert cells[-1].strip(), f"a 注意/遅延 row without a reason: {row[:200]}"
    assert "最も遅れているもの" in "\n".join(c.value for c in at.caption)  # the rule is said


def test_a_milestones_reason_is_about_that_milestone_never_another_items_note(demo_app: str) -> None:
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    items = indicator_statuses(data, AS_OF)
    late = items[(items["kind"] == "milestone") & (items["status"] == "delayed")].iloc[0]
    notes = [n.text for n in latest_notes(data, AS_OF).values()]
    at = _start("pages/1_measures.py", measure=str(int(late["measure_no"])))
    tables = [str(m.value).replace("<wbr>", "") for m in at.markdown]  # phrase breaks are inside the text
    table = next(t for t in tables if "<th>マイルストーン</th>" in t)
    row = next(r for r in _rows(table) if late["name"] in r)
    why = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[-1]
    month = Month.parse(str(late["month"]))
    assert why == f"期限超過・未完了（予定 {month.year}年{month.month}月）"
    assert not any(n and n in why for n in notes)
