"""Save and submit a 期末評価 in one step (issue 22a): a returned evaluation is corrected and
sent back to the administrators at once, instead of 保存 and then 提出する."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kpi.cycle.evaluations import save_evaluation
from kpi.domain.inquiry import State
from kpi.domain.permissions import Actor
from kpi.domain.rating import EvaluationRejected
from kpi.store.inquiry import apply_action, evaluation_states

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

UNCHANGED_AFTER_RETURN = "差し戻された評価は、直してから提出してください（変更がありません）"


def save_and_submit(
    session: Session, actor: Actor, year: int, project_no: int, rating: str, reason: str = "", new_issues: str = ""
) -> State:
    """Save the evaluation (a new revision when it changed) and submit it, in one transaction."""
    save_evaluation(session, actor, year, project_no, rating, reason, new_issues)
    if evaluation_states(session, year)[project_no].state is State.RETURNED:
        raise EvaluationRejected(UNCHANGED_AFTER_RETURN)
    return apply_action(session, actor, year, project_no, "submit")
