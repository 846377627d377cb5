"""Which workflow buttons a page shows (kpi.domain.inquiry.allowed_actions), for every state
× role × inquiry open/closed, and that each one is a step ``transition`` accepts."""

from __future__ import annotations

import pytest

from kpi.domain.inquiry import Action, State, TransitionRefused, allowed_actions, transition
from kpi.domain.permissions import PermissionDenied

A = Action
# role → (is_admin, can_edit): an editor of the project's departments, anyone else who may not
# write it (a viewer, an editor of another department), an admin.
ROLES = {"admin": (True, True), "editor": (False, True), "other": (False, False)}
EXPECTED: dict[tuple[State, str, bool], tuple[Action, ...]] = {}
for _open in (True, False):
    submit = (A.SUBMIT,) if _open else ()
    EXPECTED |= {
        (State.NOT_STARTED, "admin", _open): (A.SAVE,),
        (State.NOT_STARTED, "editor", _open): (A.SAVE,),
        (State.IN_PROGRESS, "admin", _open): (A.SAVE, *submit),
        (State.IN_PROGRESS, "editor", _open): (A.SAVE, *submit),
        (State.SUBMITTED, "admin", _open): (A.RETURN, A.CONFIRM),
        (State.SUBMITTED, "editor", _open): (),
        (State.RETURNED, "admin", _open): (A.SAVE,),
        (State.RETURNED, "editor", _open): (A.SAVE,),
        (State.CONFIRMED, "admin", _open): (A.REOPEN,),
        (State.CONFIRMED, "editor", _open): (),
    }
    EXPECTED |= {(s, "other", _open): () for s in State}


@pytest.mark.parametrize("inquiry_open", [True, False])
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("state", list(State))
def test_allowed_actions_for_every_state_and_role(state: State, role: str, inquiry_open: bool) -> None:
    is_admin, can_edit = ROLES[role]
    got = allowed_actions(state, is_admin=is_admin, can_edit=can_edit, inquiry_open=inquiry_open)
    assert got == EXPECTED[(state, role, inquiry_open)]
    assert allowed_actions(state.value, is_admin=is_admin, can_edit=can_edit, inquiry_open=inquiry_open) == got
    for action in got:  # every button shown is a step the workflow takes
        transition(state, action, is_admin=is_admin, can_edit=can_edit)
    for action in set(Action) - set(got) - ({A.SUBMIT} if not inquiry_open else set()):
        with pytest.raises((PermissionDenied, TransitionRefused)):
            transition(state, action, is_admin=is_admin, can_edit=can_edit)
