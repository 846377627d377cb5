"""The plan's roll-up rule for 重点施策 and 基本方針 (kpi.domain.group_rollup; README "Status rules")."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kpi.domain.fiscal import Month
from kpi.domain.group_rollup import RollupPolicy, RollupRule, group_status
from kpi.domain.status import Status
from kpi.domain.statuses import measure_statuses, policy_statuses, project_statuses
from kpi.store.reads import plan_data

D, C, G, A, N, B, R = (
    Status.DELAYED,
    Status.CAUTION,
    Status.ON_TRACK,
    Status.ACHIEVED,
    Status.NO_DATA,
    Status.NO_BASELINE,
    Status.REFERENCE,
)
SHARE = RollupPolicy(RollupRule.SHARE, 80, 50)


def test_worst_is_the_default_and_one_delayed_makes_the_group_delayed() -> None:
    assert RollupPolicy().rule is RollupRule.WORST
    assert group_status([G, G, G, G, D]) is D
    assert group_status([G, A, C]) is C


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([G, G, G, G, D], G),  # 4 of 5 = 80 % on track: 順調
        ([G, G, G, D, D], C),  # 60 %: 注意
        ([G, D, D], D),  # 33 %: 遅延
        ([G, C], C),  # exactly 50 %: 注意
        ([A, A, Status.DONE], A),  # every judged project finished
        ([G, N, N, N], G),  # 未入力 is not judged: 1 of 1 on track
        ([N, B], N),  # nothing judged: the worst of what there is says so
        ([R], None),  # 参考 never counts
    ],
)
def test_share_rule_counts_the_share_of_judged_projects_on_track(statuses: list[Status], expected: Status) -> None:
    assert group_status(statuses, SHARE) is expected


def test_most_frequent_rule_takes_the_commonest_and_a_tie_reads_as_the_worse() -> None:
    policy = RollupPolicy(RollupRule.MOST_FREQUENT)
    assert group_status([G, G, D], policy) is G
    assert group_status([G, D], policy) is D
    assert group_status([G, G, C, C, D], policy) is C


def test_stored_form_round_trips_and_the_default_stores_nothing() -> None:
    assert RollupPolicy().stored() is None
    assert RollupPolicy.from_stored(None) == RollupPolicy()
    assert RollupPolicy.from_stored(SHARE.stored()) == SHARE


def test_measure_and_policy_statuses_follow_the_plans_rule(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        demo_data = plan_data(s, 2026)
    assert demo_data is not None
    as_of = Month(2026, 10)
    projects = project_statuses(demo_data, as_of)
    worst_rows = measure_statuses(demo_data, as_of, projects)
    share = replace(demo_data, rollup=RollupPolicy(RollupRule.SHARE, 50, 30))
    share_rows = measure_statuses(share, as_of, projects)
    for (_, w), (_, s) in zip(worst_rows.iterrows(), share_rows.iterrows(), strict=True):
        own = [Status(x) for x in projects.loc[projects["measure_no"] == w["id"], "status"] if x]
        assert w["status"] == group_status(own).value
        assert s["status"] == group_status(own, share.rollup).value
        assert w["n_delayed"] == s["n_delayed"]  # the distribution does not depend on the rule
    by_share = list(policy_statuses(share, as_of, projects)["status"])
    assert by_share != list(policy_statuses(demo_data, as_of, projects)["status"])
