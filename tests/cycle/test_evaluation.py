"""期末評価: permissions, revisions, audit, the suggested rating rule and the 総括 counts."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from kpi.cycle.evaluations import (
    evaluation_history,
    rating_counts,
    suggest_rating,
    suggestions,
    summary_table,
)
from kpi.cycle.evaluations import save_evaluation as save
from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.domain.rating import EvaluationRejected
from kpi.store.audit import audit_frame
from kpi.store.db import transaction
from kpi.store.evaluations import current_evaluations
from kpi.store.reads import plan_data

CITIZENS = Actor("shimin", "editor", ("市民課",))  # lead department of projects 4 and 5
VIEWER = Actor("viewer", "viewer")


def test_editor_evaluates_own_project_but_not_another(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        out = save(s, CITIZENS, 2026, 4, "A", "保有率の目標を達成", "")
    assert out.changed and out.revision == 1
    with pytest.raises(PermissionDenied), transaction(plan_engine) as s:
        save(s, CITIZENS, 2026, 1, "A", "", "")
    with pytest.raises(PermissionDenied, match="閲覧者"), transaction(plan_engine) as s:
        save(s, VIEWER, 2026, 4, "B", "", "")
    with transaction(plan_engine) as s:
        assert list(current_evaluations(s, 2026)["project_no"]) == [4]


def test_admin_evaluates_any_project_and_revisions_are_kept(plan_engine: Engine, admin: Actor) -> None:
    with transaction(plan_engine) as s:
        save(s, admin, 2026, 1, "B", "一部の手続が未公開", "")
        second = save(s, admin, 2026, 1, "C", "公開が遅れた", "財源の確保")
        same = save(s, admin, 2026, 1, "C", "公開が遅れた", "財源の確保")
    assert second.revision == 2 and not same.changed and same.revision == 2
    with transaction(plan_engine) as s:
        history = evaluation_history(s, 2026, 1)
        current = current_evaluations(s, 2026).set_index("project_no")
        log = audit_frame(s)
    assert list(history["rating"]) == ["C", "B"]
    assert current.loc[1, "rating"] == "C" and current.loc[1, "new_issues"] == "財源の確保"
    saves = log[log["action"] == "evaluation.save"]
    assert len(saves) == 2 and set(saves["target"]) == {"2026/project:1"}
    assert saves.iloc[0]["detail"]["previous"] == "B"


def test_rating_outside_the_scale_is_rejected(plan_engine: Engine, admin: Actor) -> None:
    with pytest.raises(EvaluationRejected), transaction(plan_engine) as s:
        save(s, admin, 2026, 1, "E", "", "")
    with pytest.raises(EvaluationRejected), transaction(plan_engine) as s:
        save(s, admin, 2026, 99, "A", "", "")


@pytest.mark.parametrize(
    ("indicators", "milestones", "assessment", "expected"),
    [
        (["achieved"], ["done"], None, "A"),
        ([], ["done", "not_due"], "on_track", "A"),
        (["on_track"], ["done"], None, "B"),  # 順調 at year end: short of the target
        (["achieved"], [], "caution", "B"),
        (["achieved", "no_baseline"], [], None, "B"),
        (["achieved"], ["delayed"], None, "C"),
        (["caution", "delayed"], [], None, "C"),
        (["no_data"], [], None, "D"),
        ([], [], "no_data", "D"),
        ([], [], None, "D"),
    ],
)
def test_suggested_rating_rule(
    indicators: list[str], milestones: list[str], assessment: str | None, expected: str
) -> None:
    assert suggest_rating(indicators, milestones, assessment)[0] == expected


def test_summary_counts_flags_unfilled_and_filters_by_measure(demo_engine: Engine, admin: Actor) -> None:
    with transaction(demo_engine) as s:
        save(s, admin, 2026, 4, "A", "", "")
        save(s, admin, 2026, 5, "C", "", "")
        save(s, admin, 2026, 7, "A", "", "")
        data = plan_data(s, 2026)
        ev = current_evaluations(s, 2026)
    assert data is not None
    table = summary_table(data, ev, Month(2026, 10))
    assert len(table) == 22
    assert rating_counts(table) == {"A": 2, "B": 0, "C": 1, "D": 0, "未記入": 19}
    assert list(table.loc[~table["filled"], "rating_text"].unique()) == ["未記入"]
    measure2 = summary_table(data, ev, Month(2026, 10), [2])
    assert list(measure2["project_no"]) == [4, 5]
    assert rating_counts(measure2)["C"] == 1
    sugg = suggestions(data, Month(2026, 10))
    assert sugg[1].rating == "C" and sugg[1].provisional  # 01-online-procedures is 遅延 in the sample
