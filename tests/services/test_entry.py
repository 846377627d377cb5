"""Write paths of the entry form and admin pages (kpi.services): permissions, conflicts,
concurrency, locks, plan edits, bulk import and the audit log — on a real SQLite file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from kpi.domain.fiscal import Month
from kpi.domain.permissions import VIEWER_REFUSED, Actor, PermissionDenied, project_write_refusal
from kpi.domain.statuses import project_statuses
from kpi.services import actuals as actuals_module
from kpi.services.actuals import ActualInput, ActualsRejected, record_actuals
from kpi.services.actuals_form import CellInput, MonthResult, entry_rows, status_with, submit_month
from kpi.services.assessments import save_assessment, writable_projects
from kpi.services.bulk_import import commit_import, preview_import
from kpi.services.milestones import complete_milestone, undo_milestone
from kpi.services.plan_admin import update_indicator_plan
from kpi.store.accounts import add_user
from kpi.store.audit_query import audit_log, filter_audit
from kpi.store.db import transaction
from kpi.store.locks import lock_check, lock_month, locked_message, require_open, unlock_month
from kpi.store.models import ActualRevision, Assessment, AuditEntry, Milestone
from kpi.store.reads import actual_history, locked_months, plan_data
from kpi.store.writes import EntryError, read, with_retry
from kpi.text.fmt import plain_markdown

TODAY = date(2026, 11, 24)
OCT = Month(2026, 10)
CARD = "04-mynumber-card-rate"  # project 4, 担当 市民課
ADMIN = Actor("adm", "admin")
SHIMIN = Actor("shimin", "editor", ("市民課",))
KEIEI = Actor("keiei", "editor", ("経営戦略課",))
VIEWER = Actor("viewer", "viewer", ("市民課",))


def cell(code: str, value: Any, note: str = "", reason: str = "", rev: int | None = 0, **kw: Any) -> CellInput:
    return CellInput(code, value, note, reason, loaded_revision=rev, **kw)


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


# ---------------------------------------------------------------- permission matrix

# Each write: (name, the department that owns its target, function(engine, actor)).
Write = Callable[[Engine, Actor], object]


def _w_actual(engine: Engine, actor: Actor) -> object:
    return submit_month(engine, actor, 2026, OCT, [cell(CARD, "87.2")], TODAY)


def _w_milestone(engine: Engine, actor: Actor) -> object:
    return with_retry(engine, complete_milestone, actor, 2026, "08-m1", date(2026, 8, 20), TODAY)


def _w_assessment(engine: Engine, actor: Actor) -> object:
    return with_retry(engine, save_assessment, actor, 2026, 4, OCT, "on_track", "順調です", TODAY)


def _w_plan(engine: Engine, actor: Actor) -> object:
    return with_retry(engine, update_indicator_plan, actor, 2026, CARD, {"target": 90})


def _w_lock(engine: Engine, actor: Actor) -> object:
    return with_retry(engine, lock_month, actor, 2026, "2026-09")


def _w_user(engine: Engine, actor: Actor) -> object:
    with transaction(engine) as s:
        return add_user(s, actor, "newbie", "correct-horse-1", "viewer")


WRITES: dict[str, tuple[str, Write, bool]] = {
    # name: (owning department, write, editors of that department may write)
    "actual": ("市民課", _w_actual, True),
    "milestone": ("農林水産課", _w_milestone, True),
    "assessment": ("市民課", _w_assessment, True),
    "plan_edit": ("経営戦略課", _w_plan, False),
    "lock": ("経営戦略課", _w_lock, False),
    "user_admin": ("経営戦略課", _w_user, False),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("who", ["admin", "editor_own", "editor_other", "viewer_own"])
def test_permission_matrix(plan_engine: Engine, write: str, who: str) -> None:
    dept, func_, editors_may = WRITES[write]
    other = "市民課" if dept != "市民課" else "経営戦略課"
    actor = {
        "admin": Actor("adm", "admin"),
        "editor_own": Actor("ed-own", "editor", (dept,)),
        "editor_other": Actor("ed-other", "editor", (other,)),
        "viewer_own": Actor("view", "viewer", (dept,)),
    }[who]
    allowed = who == "admin" or (who == "editor_own" and editors_may)
    before = _count(plan_engine, AuditEntry)
    if allowed:
        func_(plan_engine, actor)
        assert _count(plan_engine, AuditEntry) > before  # every write is audited
    else:
        with pytest.raises((PermissionDenied, ActualsRejected)) as info:
            func_(plan_engine, actor)
        assert "権限" in str(info.value) or "のみ" in str(info.value) or "viewer" in str(info.value)
        assert _count(plan_engine, AuditEntry) == before  # a refused write leaves no trace


def test_shimin_editor_cannot_write_any_keiei_indicator(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    keiei_projects = set(data.projects.loc[data.projects["lead_department"] == "経営戦略課", "project_no"])
    codes = list(data.indicators.loc[data.indicators["project_no"].isin(keiei_projects), "code"])
    assert "01-online-procedures" in codes and "14-ai-rpa-hours-saved" in codes
    assert not set(codes) & {r.code for r in entry_rows(data, SHIMIN, OCT)}
    for code in codes:
        with pytest.raises(ActualsRejected, match="権限"):
            submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(code, "1")], TODAY)
    assert _count(plan_engine, ActualRevision) == 0
    assert {r.code for r in entry_rows(data, SHIMIN, OCT)} == {CARD, "05-konbini-issuance-share"}


# ---------------------------------------------------------------- saving a month


def test_editor_saves_october_and_the_project_status_follows(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        before = plan_data(s, 2026)
    assert before is not None
    row = next(r for r in entry_rows(before, SHIMIN, OCT) if r.code == CARD)
    assert row.expected == pytest.approx(85 + 4 * 7 / 12)
    assert row.current is None and row.status == "no_data"
    result = submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.5", "窓口申請が増加")], TODAY)
    assert result.saved == [(CARD, "2026-10", 1)]
    assert result.statuses[CARD] == "on_track"
    with transaction(plan_engine) as s:
        after = plan_data(s, 2026)
        hist = actual_history(s, 2026, CARD)
    assert after is not None
    projects = project_statuses(after, OCT).set_index("id")
    assert projects.loc[4, "status"] == "on_track"
    assert hist.iloc[0]["author"] == "shimin" and hist.iloc[0]["value"] == 87.5
    assert hist.iloc[0]["note"] == "窓口申請が増加"


def test_untouched_rows_are_not_saved_again(plan_engine: Engine) -> None:
    submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.5")], TODAY)
    again = submit_month(
        plan_engine,
        SHIMIN,
        2026,
        OCT,
        [cell(CARD, "87.5", rev=1, loaded_value=87.5), cell("05-konbini-issuance-share", "")],
        TODAY,
    )
    assert again.saved == [] and again.conflicts == []
    assert _count(plan_engine, ActualRevision) == 1


def test_correction_needs_a_reason_and_keeps_the_old_value(plan_engine: Engine) -> None:
    submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.5")], TODAY)
    with pytest.raises(ActualsRejected, match="修正理由"):
        submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.9", rev=1, loaded_value=87.5)], TODAY)
    result = submit_month(
        plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.9", reason="集計漏れ", rev=1, loaded_value=87.5)], TODAY
    )
    assert result.saved == [(CARD, "2026-10", 2)]
    with transaction(plan_engine) as s:
        hist = actual_history(s, 2026, CARD)
    assert list(hist["value"]) == [87.9, 87.5]
    assert hist.iloc[0]["reason"] == "集計漏れ"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "数値ではありません"),
        (float("nan"), "NaN"),
        ("nan", "NaN"),
        ("101", "範囲外"),
        ("-1", "負の値"),
    ],
)
def test_bad_values_are_rejected_and_nothing_is_saved(plan_engine: Engine, value: Any, message: str) -> None:
    rows = [cell("05-konbini-issuance-share", "57"), cell(CARD, value)]
    with pytest.raises(ActualsRejected, match=message):
        submit_month(plan_engine, SHIMIN, 2026, OCT, rows, TODAY)
    assert _count(plan_engine, ActualRevision) == 0


def test_future_month_is_refused(plan_engine: Engine) -> None:
    with pytest.raises(ActualsRejected, match="まだ来ていない月"):
        submit_month(plan_engine, SHIMIN, 2026, Month(2026, 12), [cell(CARD, "87")], TODAY)


def test_month_outside_the_fiscal_year_is_refused(plan_engine: Engine) -> None:
    with pytest.raises(EntryError, match="2026年3月 は 2026年度の月ではありません"):
        submit_month(plan_engine, SHIMIN, 2026, Month(2026, 3), [cell(CARD, "87")], TODAY)


def test_delayed_value_needs_a_note(plan_engine: Engine) -> None:
    with pytest.raises(ActualsRejected, match="遅延"):
        submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "85.1")], TODAY)
    assert _count(plan_engine, ActualRevision) == 0
    result = submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "85.1", "申請が低調")], TODAY)
    assert result.statuses[CARD] == "delayed"


def test_locked_month_refuses_actuals_milestones_and_assessments(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        assert lock_month(s, ADMIN, 2026, OCT)
        assert not lock_month(s, ADMIN, 2026, OCT)  # already locked: nothing to do
        assert "2026-10" in locked_months(s, 2026)
    with pytest.raises(ActualsRejected, match="締め済み"):
        submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.5")], TODAY)
    with pytest.raises(EntryError, match="締め済み"):
        with_retry(plan_engine, save_assessment, SHIMIN, 2026, 4, OCT, "on_track", "", TODAY)
    farmer = Actor("farm", "editor", ("農林水産課",))
    with pytest.raises(EntryError, match="締め済み"):
        with_retry(plan_engine, complete_milestone, farmer, 2026, "08-m1", date(2026, 10, 5), TODAY)
    with transaction(plan_engine) as s:
        assert unlock_month(s, ADMIN, 2026, OCT)
    submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.5")], TODAY)
    actions = list(read(plan_engine, audit_log, ADMIN)["action"])
    assert "period.lock" in actions and "period.unlock" in actions


def test_one_lock_check_refuses_every_locked_month_with_the_locked_message(plan_engine: Engine) -> None:
    """kpi.store.locks.lock_check is the month-lock rule: require_open and the actuals save
    (every row of a file) both ask it, and both say locked_message."""
    with transaction(plan_engine) as s:
        lock_month(s, ADMIN, 2026, OCT)
    with transaction(plan_engine) as s:
        check = lock_check(s)
        assert (
            check(2026, OCT)
            == locked_message(OCT)
            == ("2026-10 は締め済み（ロック）のため変更できません。管理者に解除を依頼してください")
        )
        assert check(2026, Month(2026, 9)) is None and check(2027, Month(2027, 10)) is None
        with pytest.raises(EntryError) as info:
            require_open(s, 2026, OCT)
        assert str(info.value) == locked_message(OCT)
    rows = [ActualInput(CARD, "2026-10", "87", line=2), ActualInput(CARD, "2026-09", "86.9", line=3)]
    with pytest.raises(ActualsRejected) as rejected, transaction(plan_engine) as s:
        record_actuals(s, rows, SHIMIN, TODAY)
    assert [(e.line, e.reason) for e in rejected.value.errors] == [(2, locked_message(OCT))]


def test_an_actuals_row_of_another_department_is_refused_with_the_permission_message(plan_engine: Engine) -> None:
    rows = [ActualInput("14-ai-rpa-hours-saved", "2026-10", "1", line=2)]
    with pytest.raises(ActualsRejected) as rejected, transaction(plan_engine) as s:
        record_actuals(s, rows, SHIMIN, TODAY)
    assert [e.reason for e in rejected.value.errors] == [project_write_refusal(SHIMIN, "経営戦略課", ())]
    with pytest.raises(ActualsRejected) as rejected, transaction(plan_engine) as s:
        record_actuals(s, rows, VIEWER, TODAY)
    assert [e.reason for e in rejected.value.errors] == [VIEWER_REFUSED]


# ---------------------------------------------------------------- conflicts and concurrency


def test_conflict_refuses_only_that_row_and_shows_their_value(plan_engine: Engine) -> None:
    # Both forms were loaded while October was empty; the colleague saves first.
    colleague = Actor("colleague", "editor", ("市民課",))
    submit_month(plan_engine, colleague, 2026, OCT, [cell(CARD, "87.1")], TODAY)
    result = submit_month(
        plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.4"), cell("05-konbini-issuance-share", "57.5")], TODAY
    )
    assert [(k.indicator_id, k.their_value, k.their_author) for k in result.conflicts] == [(CARD, 87.1, "colleague")]
    assert result.saved == [("05-konbini-issuance-share", "2026-10", 1)]
    with transaction(plan_engine) as s:
        hist = actual_history(s, 2026, CARD)
    assert list(hist["value"]) == [87.1]  # nothing silently overwritten


def test_racing_revision_number_is_retried_not_lost(plan_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that read the revisions before another session committed hits the UNIQUE
    constraint; it is retried and reports the conflict instead of failing or overwriting."""
    submit_month(plan_engine, Actor("first", "editor", ("市民課",)), 2026, OCT, [cell(CARD, "87.1")], TODAY)
    real = actuals_module._current_revisions
    calls = {"n": 0}

    def stale_once(session: Any, keys: Any) -> Any:
        calls["n"] += 1
        return {} if calls["n"] == 1 else real(session, keys)  # the first read missed the other save

    monkeypatch.setattr(actuals_module, "_current_revisions", stale_once)
    result = submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.4", reason="再集計", rev=None)], TODAY)
    assert calls["n"] == 2  # IntegrityError, then a fresh transaction
    assert result.saved == [(CARD, "2026-10", 2)]
    with transaction(plan_engine) as s:
        assert list(actual_history(s, 2026, CARD)["value"]) == [87.4, 87.1]


def test_two_sessions_saving_the_same_cell_at_once(plan_engine: Engine) -> None:
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def save(name: str, value: str) -> None:
        actor = Actor(name, "editor", ("市民課",))
        barrier.wait()
        try:
            results[name] = submit_month(plan_engine, actor, 2026, OCT, [cell(CARD, value)], TODAY)
        except Exception as exc:  # a clean refusal is acceptable, a lost revision is not
            results[name] = exc

    threads = [threading.Thread(target=save, args=(n, v)) for n, v in (("a", "87.1"), ("b", "87.3"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    saved = [r for r in results.values() if isinstance(r, MonthResult) and r.saved]
    conflicted = [r for r in results.values() if isinstance(r, MonthResult) and r.conflicts]
    assert len(saved) == 1 and len(conflicted) == 1
    with transaction(plan_engine) as s:
        hist = actual_history(s, 2026, CARD)
    assert len(hist) == 1
    winner = next(name for name, r in results.items() if r in saved)
    assert hist.iloc[0]["author"] == winner
    assert conflicted[0].conflicts[0].their_author == winner


def test_eight_threads_saving_different_cells_keep_every_revision(plan_engine: Engine) -> None:
    months = [Month(2026, m) for m in range(4, 12)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def save(m: Month) -> None:
        barrier.wait()
        try:
            submit_month(plan_engine, ADMIN, 2026, m, [cell(CARD, f"{85 + m.fiscal_index * 0.4:.1f}")], TODAY)
            submit_month(
                plan_engine,
                ADMIN,
                2026,
                m,
                [cell(CARD, f"{85.1 + m.fiscal_index * 0.4:.1f}", reason="再集計", rev=1, loaded_value=0.0)],
                TODAY,
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(m,)) for m in months]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with transaction(plan_engine) as s:
        hist = actual_history(s, 2026, CARD)
    assert len(hist) == 16
    assert sorted(set(hist["month"])) == [str(m) for m in months]
    assert set(hist["revision"]) == {1, 2}


# ---------------------------------------------------------------- milestones and assessments


def test_milestone_completion_undo_for_admins_only(plan_engine: Engine) -> None:
    farmer = Actor("farm", "editor", ("農林水産課",))
    with pytest.raises(EntryError, match="未来"):
        with_retry(plan_engine, complete_milestone, farmer, 2026, "08-m1", date(2026, 12, 1), TODAY)
    with_retry(plan_engine, complete_milestone, farmer, 2026, "08-m1", date(2026, 8, 20), TODAY)
    with transaction(plan_engine) as s:
        ms = s.scalars(select(Milestone).where(Milestone.code == "08-m1")).one()
        assert (ms.completed_on, ms.completed_by) == (date(2026, 8, 20), "farm")
    with pytest.raises(PermissionDenied):
        with_retry(plan_engine, undo_milestone, farmer, 2026, "08-m1")
    with pytest.raises(PermissionDenied):  # changing a completed date is an admin correction
        with_retry(plan_engine, complete_milestone, farmer, 2026, "08-m1", date(2026, 8, 21), TODAY)
    with_retry(plan_engine, undo_milestone, ADMIN, 2026, "08-m1")
    with transaction(plan_engine) as s:
        assert s.scalars(select(Milestone.completed_on).where(Milestone.code == "08-m1")).one() is None
    actions = list(read(plan_engine, audit_log, ADMIN)["action"])
    assert actions.count("milestone.complete") == 1 and actions.count("milestone.undo") == 1


def test_assessments_append_revisions_and_count_in_the_rollup(plan_engine: Engine) -> None:
    # Project 2 has no indicator: without a self-assessment it is 未入力.
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    assert project_statuses(data, OCT).set_index("id").loc[2, "status"] == "no_data"
    keiei = Actor("k", "editor", ("経営戦略課",))
    assert with_retry(plan_engine, save_assessment, keiei, 2026, 2, OCT, "caution", "調整中", TODAY) == 1
    with pytest.raises(EntryError, match="理由"):
        with_retry(plan_engine, save_assessment, keiei, 2026, 2, OCT, "delayed", " ", TODAY)
    with pytest.raises(EntryError, match="いずれか"):
        with_retry(plan_engine, save_assessment, keiei, 2026, 2, OCT, "great", "", TODAY)
    assert with_retry(plan_engine, save_assessment, keiei, 2026, 2, OCT, "delayed", "業者選定遅れ", TODAY) == 2
    assert _count(plan_engine, Assessment) == 2
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    assert project_statuses(data, OCT).set_index("id").loc[2, "status"] == "delayed"
    assert writable_projects(data, keiei, OCT).set_index("project_no").loc[2, "assessment"] == "delayed"


# ---------------------------------------------------------------- plan administration


def test_admin_sets_an_unset_baseline_and_the_status_follows(plan_engine: Engine) -> None:
    code = "06-collection-fees"
    submit_month(plan_engine, ADMIN, 2026, OCT, [cell(code, "400000")], TODAY)
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None and status_with(data, code, OCT, None) == "no_baseline"
    with transaction(plan_engine) as s:
        changed = update_indicator_plan(s, ADMIN, 2026, code, {"baseline": "6,000,000"})
    assert changed == {"baseline": (None, 6_000_000.0)}
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None and status_with(data, code, OCT, None) in {"on_track", "caution", "delayed"}
    log = read(plan_engine, audit_log, ADMIN)
    edit = log.loc[log["action"] == "plan.edit"].iloc[0]
    assert edit["target"] == code and '"old": null' in edit["detail"] and "6000000" in edit["detail"]


def test_plan_edit_validates_thresholds_and_monthly_plan(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        with pytest.raises(EntryError, match="しきい値"):
            update_indicator_plan(s, ADMIN, 2026, CARD, {"on_track_threshold": 0.5, "caution_threshold": 0.8})
        with pytest.raises(EntryError, match="12か月"):
            update_indicator_plan(s, ADMIN, 2026, CARD, {"monthly_plan": {"2026-04": 85}})
        with pytest.raises(EntryError, match="年度外"):
            update_indicator_plan(s, ADMIN, 2026, CARD, {"monthly_plan": {"2027-04": 85}})
        with pytest.raises(EntryError, match="変更できない"):
            update_indicator_plan(s, ADMIN, 2026, CARD, {"unit": "件"})
        plan = {str(Month(2026, 4).add(i)): 85 + i * 0.3 for i in range(12)}
        changed = update_indicator_plan(s, ADMIN, 2026, CARD, {"monthly_plan": plan, "target": 89})
    assert list(changed) == ["monthly_plan"]  # the target was already 89: not a change
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    row = next(r for r in entry_rows(data, ADMIN, OCT) if r.code == CARD)
    assert row.expected == pytest.approx(85 + 6 * 0.3)


# ---------------------------------------------------------------- bulk import


def test_import_preview_lists_every_error_and_commit_is_all_or_nothing(plan_engine: Engine) -> None:
    bad = (
        "indicator_id,month,value,note\n04-mynumber-card-rate,2026-10,87.5,\n"
        "nope,2026-10,1,\n05-konbini-issuance-share,2026-12,57,\n"
    )
    with transaction(plan_engine) as s:
        preview = preview_import(s, ADMIN, bad.encode("cp932"), "a.csv", TODAY)
    assert [e.line for e in preview.errors] == [3, 4]
    assert preview.rows.loc[preview.rows["line"] == 2, "error"].item() == ""
    assert not preview.ok
    with pytest.raises(ActualsRejected), transaction(plan_engine) as s:
        commit_import(s, ADMIN, bad.encode("cp932"), "a.csv", TODAY)
    assert _count(plan_engine, ActualRevision) == 0
    good = "indicator_id,month,value,note\n04-mynumber-card-rate,2026-10,87.5,窓口\n".encode("cp932")
    with transaction(plan_engine) as s:
        assert preview_import(s, ADMIN, good, "b.csv", TODAY).ok
        result = commit_import(s, ADMIN, good, "b.csv", TODAY)
    assert result.saved == [(CARD, "2026-10", 1)]
    assert "actual.import" in set(read(plan_engine, audit_log, ADMIN)["action"])
    with pytest.raises(PermissionDenied), transaction(plan_engine) as s:
        preview_import(s, SHIMIN, good, "b.csv", TODAY)


# ---------------------------------------------------------------- audit log


def test_audit_log_is_admin_only_and_filters(plan_engine: Engine) -> None:
    submit_month(plan_engine, SHIMIN, 2026, OCT, [cell(CARD, "87.5", "<b>x</b>")], TODAY)
    with pytest.raises(PermissionDenied):
        read(plan_engine, audit_log, SHIMIN)
    log = read(plan_engine, audit_log, ADMIN)
    mine = filter_audit(log, actor="shimin")
    assert list(mine["action"]) == ["actual.save"] and mine.iloc[0]["target"] == f"{CARD} 2026-10"
    assert len(filter_audit(log, actions=["plan.import"])) == 1
    assert len(filter_audit(log, text="MYNUMBER")) == 1
    assert filter_audit(log, start=date(2100, 1, 1)).empty
    assert len(filter_audit(log, end=date(2100, 1, 1))) == len(log)


def test_escape_markdown_shows_markup_literally() -> None:
    assert plain_markdown("<b>x</b> **y**") == "\\<b\\>x\\</b\\> \\*\\*y\\*\\*"
