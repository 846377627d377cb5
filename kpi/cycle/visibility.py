"""What a visitor who is not signed in may read of the year-end cycle (issue 22a, "drafts stay
inside"): statuses and figures are public, and of the 期末評価 only the 確定 ones. Drafts
(入力中, 提出済), returned evaluations and the admins' 差戻し comments are for signed-in staff.
``KPI_REQUIRE_LOGIN=1`` still closes every page to visitors (kpi.web.auth)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from kpi.domain.inquiry import State
from kpi.store.inquiry import StateInfo

# The key of public_state_counts for every state before 確定 (kpi.text.labels.public_state_label).
PENDING = "pending"


def public_state_counts(counts: dict[str, int]) -> dict[str, int]:
    """kpi.cycle.evaluations.state_counts as a visitor reads them: 確定, and the rest as one
    count (未確定), so that no draft, submission or return shows."""
    confirmed = counts.get(State.CONFIRMED.value, 0)
    return {State.CONFIRMED.value: confirmed, PENDING: sum(counts.values()) - confirmed}


def public_evaluations(
    evaluations: pd.DataFrame, states: dict[int, StateInfo]
) -> tuple[pd.DataFrame, dict[int, StateInfo]]:
    """The evaluations and states a visitor reads: 確定 evaluations only, and no comment."""
    confirmed = {no for no, s in states.items() if s.state is State.CONFIRMED}
    shown = evaluations[[int(n) in confirmed for n in evaluations["project_no"]]] if len(evaluations) else evaluations
    return shown, {no: replace(s, comment="", updated_by=None) for no, s in states.items()}
