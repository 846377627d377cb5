"""The rule that warns about a value far from the previous month and the planned path."""

from __future__ import annotations

from kpi.domain.unusual import far, unusual


def test_a_jump_from_78_to_1234_is_unusual_and_78_to_83_is_not() -> None:
    assert unusual(1234, 78, 80)
    assert not unusual(83, 78, 80)


def test_both_references_must_disagree() -> None:
    assert not unusual(300, 78, 290)  # far from last month, but the plan expects it
    assert not unusual(80, 10, 78)  # back on the path after a bad month


def test_without_references_nothing_warns() -> None:
    assert not unusual(1234, None, None)
    assert far(5, 0) is None
    assert unusual(1234, None, 80)  # only the plan is known, and it disagrees


def test_the_boundaries_are_a_third_and_three_times() -> None:
    assert far(300, 100) is False and far(300.01, 100) is True
    assert far(100 / 3, 100) is False and far(33.3, 100) is True
