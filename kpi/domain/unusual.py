"""When a typed value is far from what was expected (issue 22a; README "Accounts, roles and entry").

A value is *unusual* when it is far from the previous month's value **and** far from the
planned path for its month, each where known; "far" is outside a third to three times the
reference (78 → 1,234 is 15×: unusual; 78 → 83 is not). Both must disagree, so a real jump
the plan expects, or a month back on the path after a bad one, does not warn. For a flow
indicator (months add up) both references are monthly amounts: the previous month's amount
and the planned path's step for the month. An unusual value is not refused: the form and the
bulk preview warn, and saving asks to confirm.
"""

from __future__ import annotations

FAR_FACTOR = 3.0  # outside ref/3 … ref·3 is far


def far(value: float, reference: float | None) -> bool | None:
    """True when ``value`` is outside a third to three times ``reference``; None when there is
    no usable reference (unknown, or zero: a ratio to nothing says nothing)."""
    if reference is None or reference == 0:
        return None
    if (value < 0) != (reference < 0):
        return True
    a, b = abs(value), abs(reference)
    return a > b * FAR_FACTOR or a < b / FAR_FACTOR


def unusual(value: float, previous: float | None, planned: float | None) -> bool:
    """Far from every known reference (the previous month and the planned path); False with none."""
    verdicts = [v for v in (far(value, previous), far(value, planned)) if v is not None]
    return bool(verdicts) and all(verdicts)
