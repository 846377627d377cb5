"""変更履歴 in SQL: the same entries as the pandas filter, paged by keyset, CSV in batches."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, insert

from kpi.domain.permissions import Actor, PermissionDenied
from kpi.store import audit_query
from kpi.store.audit_query import AuditFilter, audit_log, filter_audit
from kpi.store.db import transaction
from kpi.store.models import AuditEntry
from kpi.store.writes import read
from tests.conftest import ADMIN

EDITOR = Actor("shimin", "editor", ("市民課",))


@pytest.fixture
def logged(plan_engine: Engine) -> Engine:
    """The plan's import entry plus 250 saves by two users over two days, one with Japanese text."""
    rows = [
        {
            "at": datetime(2026, 10, 1 if i < 120 else 2, 3, 0, tzinfo=UTC),  # 12:00 JST
            "actor": "shimin" if i % 2 else "boss",
            "action": "actual.save" if i % 3 else "plan.edit",
            "target": f"04-mynumber-card-rate 2026-{i % 12 + 1:02d}",
            "detail": {"note": "窓口集計" if i == 7 else "", "value": i, "formula": "=1+1" if i == 8 else ""},
        }
        for i in range(250)
    ]
    with plan_engine.begin() as conn:
        conn.execute(insert(AuditEntry.__table__), rows)
    return plan_engine


FILTERS = [
    AuditFilter(),
    AuditFilter(actor="shimin"),
    AuditFilter(actions=("plan.edit", "plan.import")),
    AuditFilter(start=date(2026, 10, 2)),
    AuditFilter(end=date(2026, 10, 1)),
    AuditFilter(start=date(2100, 1, 1)),
    AuditFilter(text="MYNUMBER"),
    AuditFilter(text="窓口"),
    AuditFilter(text="100%_"),
    AuditFilter(actor="boss", actions=("actual.save",), text="2026-03"),
]


@pytest.mark.parametrize("flt", FILTERS, ids=str)
def test_sql_filter_finds_what_the_pandas_filter_finds_page_by_page(logged: Engine, flt: AuditFilter) -> None:
    log = read(logged, audit_log, ADMIN)
    expected = filter_audit(log, flt.actor, flt.actions, flt.start, flt.end, flt.text)
    seen: list[str] = []
    before = None
    pages = 0
    while True:
        page = read(logged, audit_query.audit_page, ADMIN, flt, before, 40)
        assert page.total == len(expected)
        assert len(page.rows) <= 40
        seen += list(page.rows["detail"])
        pages += 1
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == list(expected["detail"])  # every entry once, newest first
    assert pages == max(1, -(-len(expected) // 40))


def test_audit_reads_are_admin_only(logged: Engine) -> None:
    with pytest.raises(PermissionDenied):
        read(logged, audit_query.audit_page, EDITOR, AuditFilter())
    with pytest.raises(PermissionDenied):
        read(logged, audit_query.audit_choices, EDITOR)
    with pytest.raises(PermissionDenied):
        audit_query.audit_csv(logged, EDITOR, AuditFilter(), ["a"])
    actors, actions = read(logged, audit_query.audit_choices, ADMIN)
    assert {"boss", "shimin"} <= set(actors) and {"actual.save", "plan.edit", "plan.import"} <= set(actions)


def test_csv_holds_every_matching_entry_in_batches_with_cells_neutralised(
    logged: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_query, "CSV_BATCH", 30)  # several batches
    payload = audit_query.audit_csv(
        logged, ADMIN, AuditFilter(actor="boss"), ["日時", "利用者", "操作", "対象", "内容"]
    )
    assert payload.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert rows[0] == ["日時", "利用者", "操作", "対象", "内容"]
    assert len(rows) - 1 == 125 and {r[1] for r in rows[1:]} == {"boss"}
    assert rows[1][0].startswith("2026-10-02 12:00")  # JST, newest first
    with transaction(logged) as s:
        s.add(AuditEntry(actor="=cmd", action="x", target="@SUM(A1)", detail={}))
    rows = list(
        csv.reader(io.StringIO(audit_query.audit_csv(logged, ADMIN, AuditFilter(), ["a"] * 5).decode("utf-8-sig")))
    )
    assert rows[1][1] == "'=cmd" and rows[1][3] == "'@SUM(A1)"


def test_history_page_shows_one_page_and_pages_to_older_entries(app_env: str) -> None:
    from streamlit.testing.v1 import AppTest

    from kpi.store.bootstrap import import_plan
    from kpi.store.db import DEFAULT_PLAN, make_engine
    from tests.conftest import ROOT

    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with engine.begin() as conn:
        conn.execute(
            insert(AuditEntry.__table__),
            [{"actor": "boss", "action": "plan.edit", "target": f"t{i:03d}", "detail": {}} for i in range(150)],
        )
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["kpi_user"] = Actor("boss", "admin")
    at.run()
    at.switch_page("pages/7_history.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 100 and at.dataframe[0].value["対象"].iloc[0] == "t149"
    assert any(c.value == "151件" for c in at.caption)
    at.button(key="hist_older").click().run()
    assert list(at.dataframe[0].value["対象"])[:2] == ["t049", "t048"] and len(at.dataframe[0].value) == 51
    assert any("101〜151件目" in c.value for c in at.caption)
    at.button(key="hist_newer").click().run()
    assert at.dataframe[0].value["対象"].iloc[0] == "t149"
    at.text_input(key="hist_text").input("t14").run()  # a new filter starts at the newest again
    assert set(at.dataframe[0].value["対象"]) == {f"t14{i}" for i in range(10)}
