"""The year-end inquiry (各課照会) as states, and what each department still owes. Pure: no
database, no Streamlit.

Each project's 期末評価 moves 未着手 → 入力中 → 提出済 → 確定, or 提出済 → 差戻し (with the
admin's comment) → 入力中. Editors of the project's departments save and submit; admins
return, confirm and reopen (a 確定 evaluation is read-only until reopened). Admins may also
do what editors do. The store functions (``kpi.store.inquiry``) call ``transition`` before
every write and audit the result.

What a department owes (``owed_items``), counted for the projects whose 担当部署 it is:
- 期末評価: while an inquiry is open, every project not yet 提出済/確定;
- 実績: every ended month of the fiscal year (up to the as-of month) without an actual (an
  indicator reported less often than monthly: its due months after its latest report);
- ●: milestones past their month and not marked complete (status 遅延);
- 自己評価: a project without an indicator whose latest self-assessment is before the as-of
  month (its self-assessment is what the project's status rests on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.frames import opt
from kpi.domain.permissions import PermissionDenied
from kpi.domain.plan import PlanData
from kpi.domain.status import Frequency, Status
from kpi.domain.statuses import assessment_statuses, indicator_statuses, rule_of


class State(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CONFIRMED = "confirmed"


class Action(StrEnum):
    SAVE = "save"
    SUBMIT = "submit"
    RETURN = "return"
    CONFIRM = "confirm"
    REOPEN = "reopen"


# (action, from) → to. Anything else is refused with the reason.
TRANSITIONS: dict[tuple[Action, State], State] = {
    (Action.SAVE, State.NOT_STARTED): State.IN_PROGRESS,
    (Action.SAVE, State.IN_PROGRESS): State.IN_PROGRESS,
    (Action.SAVE, State.RETURNED): State.IN_PROGRESS,
    (Action.SUBMIT, State.IN_PROGRESS): State.SUBMITTED,
    (Action.RETURN, State.SUBMITTED): State.RETURNED,
    (Action.CONFIRM, State.SUBMITTED): State.CONFIRMED,
    (Action.REOPEN, State.CONFIRMED): State.IN_PROGRESS,
}
ADMIN_ACTIONS = frozenset({Action.RETURN, Action.CONFIRM, Action.REOPEN})
OPEN_STATES = frozenset({State.NOT_STARTED, State.IN_PROGRESS, State.RETURNED})  # still owed by the department


class TransitionRefused(ValueError):
    """The workflow does not allow this step now. ``state`` and ``action`` say which; the
    message is a sentence when the store raises it (kpi.text.labels.refusal_text words it)."""

    def __init__(self, message: str, state: State | None = None, action: Action | None = None) -> None:
        super().__init__(message)
        self.state, self.action = state, action


class WorkflowDenied(PermissionDenied):
    """The actor may not take this step (``admin_only``: only administrators may)."""

    def __init__(self, message: str, action: Action, admin_only: bool) -> None:
        super().__init__(message)
        self.action, self.admin_only = action, admin_only


def transition(state: State | str, action: Action | str, *, is_admin: bool, can_edit: bool) -> State:
    """The state after ``action``; WorkflowDenied or TransitionRefused when not allowed.

    ``can_edit``: the actor may write the project (an editor of one of its departments, or
    an admin). The exceptions carry codes; ``kpi.text.labels`` (``denied_text``,
    ``refusal_text``) has their words, which the store raises to the person.
    """
    s, a = State(state), Action(action)
    if a in ADMIN_ACTIONS and not is_admin:
        raise WorkflowDenied(f"evaluation {a.value}: administrators only", a, admin_only=True)
    if not can_edit:
        raise WorkflowDenied(f"evaluation {a.value}: the project's editors or administrators only", a, admin_only=False)
    target = TRANSITIONS.get((a, s))
    if target is None:
        raise TransitionRefused(f"evaluation {a.value} is not allowed when {s.value}", s, a)
    return target


def allowed_actions(state: State | str, *, is_admin: bool, can_edit: bool, inquiry_open: bool) -> tuple[Action, ...]:
    """The workflow steps the actor may take now, in ``Action`` order: the buttons a page shows.

    Exactly the steps ``transition`` accepts from ``state``, and 提出 only while the inquiry
    is open (the store refuses it otherwise). ``can_edit`` as for ``transition``.
    """
    s = State(state)
    return tuple(
        a
        for a in Action
        if (a, s) in TRANSITIONS
        and can_edit
        and (is_admin or a not in ADMIN_ACTIONS)
        and (inquiry_open or a is not Action.SUBMIT)
    )


# ---------------------------------------------------------------- what a department owes


@dataclass(frozen=True)
class OwedItem:
    """One thing a department owes; ``kpi.text.labels.owed_text`` words it as a line."""

    department: str
    project_no: int
    project_name: str
    kind: str  # evaluation | actual | milestone | assessment
    page: str  # URL path of the page where it is done, e.g. "evaluation?project=4"
    subject: str = ""  # the indicator's or milestone's name
    months: tuple[Month, ...] = ()  # actual: the missing months; milestone: its month; assessment: the as-of
    state: State | None = None  # evaluation: its state now
    last: Month | None = None  # assessment: the latest self-assessment's month (None: never)
    project_code: str = ""  # the project's code as printed (「04」, 「2-6-1」); "" = its number

    @property
    def project_label(self) -> str:
        """「04 名前」 / 「2-6-1 名前」: the project as every list names it."""
        return f"{self.project_code or format(self.project_no, '02d')} {self.project_name}"


KIND_ORDER = ("evaluation", "actual", "milestone", "assessment")


@dataclass(frozen=True)
class MissingReport:
    """One indicator's actuals that were due and did not come (oldest month first)."""

    code: str
    project_no: int
    name: str
    months: tuple[Month, ...]


def missing_reports(data: PlanData, as_of: Month) -> list[MissingReport]:
    """Every indicator's missing reports as of ``as_of`` (read as March after the year): the
    one definition of "missing report" (README, "What a department owes").

    A monthly indicator owes every ended month of the fiscal year without an actual, also a
    gap before a later report; one reported less often owes its due months after its latest
    report (a July survey entered in August answered July), as the status counts them.
    """
    at = min(as_of, Month(data.year + 1, 3))
    due_months = [m for m in fiscal_months(data.year) if m <= at]
    reported: dict[str, set[str]] = {}
    for code, month in data.actuals[["code", "month"]].itertuples(index=False):
        reported.setdefault(str(code), set()).add(str(month))
    out: list[MissingReport] = []
    for ind in data.indicators.to_dict("records"):
        have = reported.get(str(ind["code"]), set())
        rule = rule_of(ind)
        if rule.frequency is Frequency.MONTHLY:
            missing = [m for m in due_months if str(m) not in have]
        else:
            last = max((m for m in map(Month.parse, have) if m <= at), default=None)
            missing = [m for m in due_months if m.month in rule.due and (last is None or m > last)]
        if missing:
            out.append(MissingReport(str(ind["code"]), int(ind["project_no"]), str(ind["name"]), tuple(missing)))
    return out


def owed_items(
    data: PlanData,
    as_of: Month,
    states: Mapping[int, State | str],
    inquiry_open: bool,
    statuses: pd.DataFrame | None = None,
) -> list[OwedItem]:
    """Every item each department still owes as of ``as_of``, grouped by department.

    ``states``: each project's evaluation state (a project missing from it is 未着手).
    ``statuses``: ``indicator_statuses(data, min(as_of, year end))`` when the caller already
    has it (the pages share one per data version), so it is not computed again.
    """
    year_end = Month(data.year + 1, 3)
    at = min(as_of, year_end)
    projects = {int(p["project_no"]): p for p in data.projects.to_dict("records")}
    items: list[OwedItem] = []

    def add(no: int, kind: str, page: str, **what: Any) -> None:
        p = projects[no]
        code = str(p.get("project_code") or "")
        items.append(
            OwedItem(str(p["lead_department"]), no, str(p["project_name"]), kind, page, project_code=code, **what)
        )

    if inquiry_open:
        for no in projects:
            state = State(states.get(no, State.NOT_STARTED))
            if state in OPEN_STATES:
                add(no, "evaluation", f"evaluation?project={no}", state=state)

    for gap in missing_reports(data, at):
        add(gap.project_no, "actual", "entry", subject=gap.name, months=gap.months)

    if statuses is None:
        statuses = indicator_statuses(data, at)
    if not statuses.empty:
        late = statuses[(statuses["kind"] == "milestone") & (statuses["status"] == Status.DELAYED.value)]
        for ms in late.to_dict("records"):
            month = Month.parse(str(ms["month"]))
            add(int(ms["project"]), "milestone", "entry", subject=str(ms["name"]), months=(month,))

    with_indicators = {int(n) for n in data.indicators["project_no"]}
    assessed = assessment_statuses(data, at).set_index("project")
    for no in projects:
        if no in with_indicators:
            continue
        last = opt(assessed.loc[no, "month"]) if no in assessed.index else None
        if last is None or str(last) < str(at):
            add(no, "assessment", "entry", months=(at,), last=Month.parse(str(last)[:7]) if last else None)

    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return sorted(items, key=lambda i: (i.department, order[i.kind], i.project_no))


def owed_by_department(items: list[OwedItem]) -> dict[str, list[OwedItem]]:
    out: dict[str, list[OwedItem]] = {}
    for item in items:
        out.setdefault(item.department, []).append(item)
    return out
