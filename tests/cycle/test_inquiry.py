"""各課照会: the evaluation state machine, its store (permissions, audit, read-only 確定), the
migration 0003 on a 0002 database with data, and what each department owes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text

from kpi.cycle.evaluations import (
    save_evaluation,
    state_counts,
    summary_table,
    year_review,
)
from kpi.domain.clock import local_time_text
from kpi.domain.fiscal import Month
from kpi.domain.inquiry import (
    Action,
    State,
    TransitionRefused,
    WorkflowDenied,
    owed_by_department,
    owed_items,
    transition,
)
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.domain.rating import EvaluationRejected
from kpi.store.audit import audit_frame
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, current_revision, head_revision, make_engine, transaction, upgrade
from kpi.store.evaluations import current_evaluations
from kpi.store.inquiry import (
    InquiryRejected,
    apply_action,
    close_inquiry,
    department_emails,
    evaluation_states,
    inquiry_info,
    open_inquiry,
    set_department_email,
)
from kpi.store.reads import plan_data
from kpi.text.labels import denied_text, owed_text, state_label
from tests.conftest import ADMIN
from tests.old_schema import fill_old_schema

CITIZENS = Actor("shimin", "editor", ("市民課",))  # 担当部署 of projects 4 and 5
STRATEGY = Actor("senryaku", "editor", ("経営戦略課",))


# ---------------------------------------------------------------- pure state machine


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (State.NOT_STARTED, Action.SAVE, State.IN_PROGRESS),
        (State.IN_PROGRESS, Action.SAVE, State.IN_PROGRESS),
        (State.IN_PROGRESS, Action.SUBMIT, State.SUBMITTED),
        (State.SUBMITTED, Action.RETURN, State.RETURNED),
        (State.RETURNED, Action.SAVE, State.IN_PROGRESS),
        (State.SUBMITTED, Action.CONFIRM, State.CONFIRMED),
        (State.CONFIRMED, Action.REOPEN, State.IN_PROGRESS),
    ],
)
def test_allowed_transitions(state: State, action: Action, expected: State) -> None:
    assert transition(state, action, is_admin=True, can_edit=True) is expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.CONFIRMED, Action.SAVE),  # read-only until reopened
        (State.SUBMITTED, Action.SAVE),
        (State.NOT_STARTED, Action.SUBMIT),
        (State.RETURNED, Action.SUBMIT),  # correct first, then resubmit
        (State.IN_PROGRESS, Action.CONFIRM),
        (State.IN_PROGRESS, Action.RETURN),
        (State.SUBMITTED, Action.REOPEN),
    ],
)
def test_refused_transitions(state: State, action: Action) -> None:
    with pytest.raises(TransitionRefused):
        transition(state, action, is_admin=True, can_edit=True)


def test_editors_cannot_return_confirm_or_reopen_and_others_cannot_edit() -> None:
    for action in (Action.RETURN, Action.CONFIRM, Action.REOPEN):
        with pytest.raises(WorkflowDenied) as denied:
            transition(State.SUBMITTED, action, is_admin=False, can_edit=True)
        # the domain says who may (codes); kpi.text words it as the store raises it
        assert isinstance(denied.value, PermissionDenied) and denied.value.admin_only
        assert "管理者" in denied_text(denied.value.action, denied.value.admin_only)
        assert "administrators only" in denied_text(denied.value.action, denied.value.admin_only, "en")
    with pytest.raises(PermissionDenied):
        transition(State.IN_PROGRESS, Action.SUBMIT, is_admin=False, can_edit=False)
    assert [state_label(s) for s in State] == ["未着手", "入力中", "提出済", "差戻し", "確定"]


# ---------------------------------------------------------------- store


@pytest.fixture
def any_plan_engine(engine: Engine) -> Engine:
    """The real plan on SQLite, and on PostgreSQL when KPI_TEST_POSTGRES_URL is set."""
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    return engine


def test_whole_cycle_is_audited_and_confirmed_is_read_only(any_plan_engine: Engine) -> None:
    plan_engine = any_plan_engine
    with transaction(plan_engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        assert evaluation_states(s, 2026)[4].state is State.NOT_STARTED
        save_evaluation(s, CITIZENS, 2026, 4, "B", "保有率は89%に届かず", "")
        assert evaluation_states(s, 2026)[4].state is State.IN_PROGRESS
        assert apply_action(s, CITIZENS, 2026, 4, "submit") is State.SUBMITTED
    with pytest.raises(TransitionRefused, match="提出済"), transaction(plan_engine) as s:
        save_evaluation(s, CITIZENS, 2026, 4, "A", "", "")
    with pytest.raises(PermissionDenied), transaction(plan_engine) as s:
        apply_action(s, CITIZENS, 2026, 4, "confirm")
    with pytest.raises(InquiryRejected, match="理由"), transaction(plan_engine) as s:
        apply_action(s, ADMIN, 2026, 4, "return", "  ")
    with transaction(plan_engine) as s:
        apply_action(s, ADMIN, 2026, 4, "return", "理由に年度末の保有率を書いてください")
        info = evaluation_states(s, 2026)[4]
        assert info.state is State.RETURNED and "保有率" in info.comment
        save_evaluation(s, CITIZENS, 2026, 4, "B", "年度末の保有率は88.2%", "")
        apply_action(s, CITIZENS, 2026, 4, "submit")
        apply_action(s, ADMIN, 2026, 4, "confirm")
        assert evaluation_states(s, 2026)[4].state is State.CONFIRMED
    with pytest.raises(TransitionRefused, match="読み取り専用"), transaction(plan_engine) as s:
        save_evaluation(s, ADMIN, 2026, 4, "A", "", "")
    with transaction(plan_engine) as s:
        apply_action(s, ADMIN, 2026, 4, "reopen")
        save_evaluation(s, ADMIN, 2026, 4, "A", "確定後の修正", "")
        log = audit_frame(s)
        ev = current_evaluations(s, 2026).set_index("project_no")
    assert ev.loc[4, "reason"] == "確定後の修正"
    actions = list(reversed(list(log["action"])))
    assert [a for a in actions if a.startswith(("inquiry.", "evaluation.")) and a != "evaluation.state"] == [
        "inquiry.open",
        "evaluation.save",
        "evaluation.submit",
        "evaluation.return",
        "evaluation.save",
        "evaluation.submit",
        "evaluation.confirm",
        "evaluation.reopen",
        "evaluation.save",
    ]
    ret = log[log["action"] == "evaluation.return"].iloc[0]["detail"]
    assert ret == {"before": "提出済", "after": "差戻し", "comment": "理由に年度末の保有率を書いてください"}


def test_submit_needs_an_open_inquiry_and_a_saved_evaluation(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        save_evaluation(s, CITIZENS, 2026, 4, "A", "", "")  # works without an inquiry: 入力中
    with pytest.raises(TransitionRefused, match="開始されていない"), transaction(plan_engine) as s:
        apply_action(s, CITIZENS, 2026, 4, "submit")
    with transaction(plan_engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
    with pytest.raises(TransitionRefused), transaction(plan_engine) as s:
        apply_action(s, CITIZENS, 2026, 5, "submit")  # 未着手
    with pytest.raises(PermissionDenied), transaction(plan_engine) as s:
        apply_action(s, STRATEGY, 2026, 4, "submit")  # not 経営戦略課's project


def test_open_and_close_are_admin_only_and_reopen_changes_the_deadline(plan_engine: Engine) -> None:
    with pytest.raises(PermissionDenied), transaction(plan_engine) as s:
        open_inquiry(s, CITIZENS, 2026, date(2027, 4, 30))
    with pytest.raises(InquiryRejected), transaction(plan_engine) as s:
        close_inquiry(s, ADMIN, 2026)
    with transaction(plan_engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        close_inquiry(s, ADMIN, 2026)
        assert inquiry_info(s, 2026).is_open is False  # type: ignore[union-attr]
        again = open_inquiry(s, ADMIN, 2026, date(2027, 5, 15))
    assert again.is_open and again.deadline == date(2027, 5, 15)
    with pytest.raises(InquiryRejected), transaction(plan_engine) as s:
        open_inquiry(s, ADMIN, 2031, date(2032, 4, 30))


def test_department_emails_are_admin_only_validated_and_audited(plan_engine: Engine) -> None:
    with pytest.raises(PermissionDenied), transaction(plan_engine) as s:
        set_department_email(s, CITIZENS, "市民課", "shimin@example.jp")
    with pytest.raises(InquiryRejected, match="形式"), transaction(plan_engine) as s:
        set_department_email(s, ADMIN, "市民課", "not-an-address")
    with transaction(plan_engine) as s:
        assert set_department_email(s, ADMIN, "市民課", "shimin@example.jp")
        assert not set_department_email(s, ADMIN, "市民課", "shimin@example.jp")
        set_department_email(s, ADMIN, "会計課", "kaikei@example.jp")
        assert department_emails(s) == {"会計課": "kaikei@example.jp", "市民課": "shimin@example.jp"}
        set_department_email(s, ADMIN, "会計課", "")
        assert department_emails(s) == {"市民課": "shimin@example.jp"}
        assert len(audit_frame(s).query("action == 'department.email'")) == 3


# ---------------------------------------------------------------- migration


def test_migration_0003_upgrades_a_0002_database_and_keeps_its_evaluations(db_url: str) -> None:
    engine = make_engine(db_url)
    # Written with the 0002 schema by raw SQL: the ORM follows the newest schema.
    fill_old_schema(engine, "0002")
    assert "evaluation_states" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        project_id = conn.execute(text("SELECT id FROM projects WHERE no = 4")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO evaluations (project_id, revision, rating, reason, new_issues, author, created_at) "
                "VALUES (:p, 1, 'B', '旧版で入力', '', 'old', CURRENT_TIMESTAMP)"
            ),
            {"p": project_id},
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert {"inquiries", "evaluation_states", "department_contacts"} <= set(inspect(engine).get_table_names())
    with transaction(engine) as s:
        ev = current_evaluations(s, 2026)
        states = evaluation_states(s, 2026)
    assert list(ev["reason"]) == ["旧版で入力"]
    assert states[4].state is State.IN_PROGRESS and states[5].state is State.NOT_STARTED
    engine.dispose()


# ---------------------------------------------------------------- what a department owes


def test_citizens_owe_exactly_their_evaluations_and_missing_months(demo_engine: Engine) -> None:
    with transaction(demo_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    # the sample reports every month of 04 and 05: 市民課 owes only its two evaluations
    items = owed_by_department(owed_items(data, Month(2026, 10), {4: State.SUBMITTED}, inquiry_open=True))
    assert [(i.project_no, i.kind) for i in items["市民課"]] == [(5, "evaluation")]
    assert owed_text(items["市民課"][0]) == "期末評価（未着手）" and items["市民課"][0].page == "evaluation?project=5"
    closed = owed_by_department(owed_items(data, Month(2026, 10), {}, inquiry_open=False))
    assert "市民課" not in closed
    # 15-new-dx-projects lags two months in the sample
    lag = [i for i in closed["経営戦略課"] if i.kind == "actual"]
    assert any("2026年9月・2026年10月" in owed_text(i) for i in lag)


def test_an_empty_plan_owes_every_month_every_past_milestone_and_self_assessment(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    items = owed_items(data, Month(2026, 6), {}, inquiry_open=False)
    citizens = [i for i in items if i.department == "市民課"]
    assert [i.kind for i in citizens] == ["actual", "actual"]
    assert owed_text(citizens[0]).endswith("2026年4月・2026年5月・2026年6月の実績")
    kinds = {i.kind for i in items}
    assert kinds == {"actual", "milestone", "assessment"}
    ms = [i for i in items if i.kind == "milestone"]
    assert all("完了報告" in owed_text(i) for i in ms) and ms


# ---------------------------------------------------------------- 総括 with states


def test_summary_has_states_overdue_after_the_deadline_department_filter_and_jst_times(demo_engine: Engine) -> None:
    with transaction(demo_engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        save_evaluation(s, CITIZENS, 2026, 4, "B", "", "")
        apply_action(s, CITIZENS, 2026, 4, "submit")
        save_evaluation(s, CITIZENS, 2026, 5, "A", "", "")
        data = plan_data(s, 2026)
        ev = current_evaluations(s, 2026)
        states = {n: i.state for n, i in evaluation_states(s, 2026).items()}
    assert data is not None
    kwargs = {"states": states, "deadline": date(2027, 4, 30)}
    before = summary_table(data, ev, Month(2027, 3), today=date(2027, 4, 30), **kwargs)  # type: ignore[arg-type]
    assert not before["overdue"].any()
    after = summary_table(data, ev, Month(2027, 3), today=date(2027, 5, 1), **kwargs)  # type: ignore[arg-type]
    assert list(after.loc[after["overdue"], "project_no"]) == [n for n in range(1, 23) if n != 4]
    assert state_counts(after) == {
        "not_started": 20, "in_progress": 1, "submitted": 1, "returned": 0, "confirmed": 0,
    }  # fmt: skip
    citizens = summary_table(data, ev, Month(2027, 3), departments=["市民課"], **kwargs)  # type: ignore[arg-type]
    assert list(citizens["project_no"]) == [4, 5] and list(citizens["state"]) == ["submitted", "in_progress"]
    # saved in UTC, shown in JST (UTC+9)
    created = ev.set_index("project_no").loc[4, "created_at"]
    assert citizens.iloc[0]["updated_at"] == local_time_text(created)
    assert citizens.iloc[0]["updated_at"] != created.strftime("%Y-%m-%d %H:%M")


def test_year_review_shows_values_targets_notes_milestones_and_assessments(demo_engine: Engine) -> None:
    with transaction(demo_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    review = year_review(data, Month(2026, 10), 1)
    assert review.year_end == Month(2026, 10) and review.suggestion.rating == "C"
    ind = review.indicators.iloc[0]
    assert ind["status"] == "delayed" and ind["note"] == "サンプルデータ" and ind["target"] is not None
    assert "delayed" in set(review.milestones["status"])
    two = year_review(data, Month(2027, 3), 2)  # a project without indicators: its self-assessments
    assert two.year_end == Month(2027, 3) and two.indicators.empty
    assert list(two.assessments["month"])[:2] == ["2026-10", "2026-09"]


def test_saving_without_a_rating_says_to_choose_one_without_code_quotes(plan_engine: Engine) -> None:
    with pytest.raises(EvaluationRejected) as exc, transaction(plan_engine) as s:
        save_evaluation(s, CITIZENS, 2026, 4, "", "理由だけ", "")
    assert str(exc.value) == "実績の検証評価（A / B / C / D）を選んでください"
