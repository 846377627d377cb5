"""Issue 22a: 取消 withdraws a stored value with a reason, as a revision shown in the history,
and is reversible (a new value for the month is the next revision)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from kpi.domain.permissions import Actor
from kpi.services.actuals import ActualInput, ActualsRejected, record_actuals
from kpi.services.withdraw import withdraw_actual
from kpi.store.audit_query import audit_log
from kpi.store.db import transaction
from kpi.store.reads import actual_history, plan_data
from kpi.text.audit_text import readable_log

ADMIN = Actor("test-admin", "admin")
TODAY = date(2026, 11, 24)
CODE, MONTH = "04-mynumber-card-rate", "2026-10"


def _current(engine: Engine) -> list[float]:
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    a = data.actuals
    return [float(v) for v in a.loc[(a["code"] == CODE) & (a["month"] == MONTH), "value"]]


def _save(engine: Engine, value: float, reason: str = "") -> None:
    with transaction(engine) as s:
        record_actuals(s, [ActualInput(CODE, MONTH, value, "窓口", reason)], ADMIN, TODAY, require_reason=True)


def test_withdraw_removes_the_value_keeps_the_history_and_can_be_undone(plan_engine: Engine) -> None:
    _save(plan_engine, 87.2)
    assert _current(plan_engine) == [87.2]
    with transaction(plan_engine) as s:
        done = withdraw_actual(s, ADMIN, CODE, MONTH, "別の月の値を入れていました", TODAY)
    assert (done.value, done.revision) == (87.2, 2)
    assert _current(plan_engine) == []  # the month has no value now
    with transaction(plan_engine) as s:
        history = actual_history(s, 2026, CODE)
    assert list(history["source"])[:2] == ["withdraw", "form"]
    assert "別の月の値を入れていました" in list(history["reason"])
    _save(plan_engine, 86.9)  # a new value: 新規 again, no correction reason needed
    assert _current(plan_engine) == [86.9]
    with transaction(plan_engine) as s:
        assert int(actual_history(s, 2026, CODE)["revision"].iloc[0]) == 3


def test_withdraw_needs_a_reason_and_a_stored_value(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s, pytest.raises(ActualsRejected, match="取り消す値がありません"):
        withdraw_actual(s, ADMIN, CODE, MONTH, "理由", TODAY)
    _save(plan_engine, 87.2)
    with transaction(plan_engine) as s, pytest.raises(ActualsRejected, match="理由が必要"):
        withdraw_actual(s, ADMIN, CODE, MONTH, " ", TODAY)


def test_an_editor_of_another_department_cannot_withdraw(plan_engine: Engine) -> None:
    _save(plan_engine, 87.2)
    other = Actor("kaikei", "editor", ("会計課",))
    with transaction(plan_engine) as s, pytest.raises(ActualsRejected):
        withdraw_actual(s, other, CODE, MONTH, "理由", TODAY)
    assert _current(plan_engine) == [87.2]


def test_the_audit_log_reads_the_withdrawal_in_words(plan_engine: Engine) -> None:
    _save(plan_engine, 87.2)
    with transaction(plan_engine) as s:
        withdraw_actual(s, ADMIN, CODE, MONTH, "誤入力", TODAY)
    with transaction(plan_engine) as s:
        log = readable_log(audit_log(s, ADMIN))
    text = " ".join(str(v) for r in log.to_dict("records") for v in r.values())
    assert "実績の取消" in text and "値 87.2 を取消" in text
