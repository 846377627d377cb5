"""The 全体概要's plan tree a page of projects at a time (kpi.services.page_views.plan_tree, tree_page)."""

from __future__ import annotations

import pandas as pd

from kpi.services.page_views import TreeRow, plan_tree, tree_page


def _tree(measures: list[tuple[int, int, bool]], projects: list[tuple[int, int]]) -> list[TreeRow]:
    """measures: (id, policy, hidden); projects: (id, measure); policies 1 and 2."""
    return plan_tree(
        pd.DataFrame({"id": [1, 2], "name": ["方針1", "方針2"]}),
        pd.DataFrame([{"id": i, "policy_no": p, "hidden": h} for i, p, h in measures]),
        pd.DataFrame([{"id": i, "measure_no": m} for i, m in projects]),
    )


def _names(rows: list[TreeRow]) -> list[str]:
    return [f"{r.level[:3]}{r.row['id']}" for r in rows]


def test_the_tree_is_policies_measures_projects_in_plan_order_with_empty_measures_kept() -> None:
    rows = _tree([(1, 1, False), (2, 1, False), (3, 2, False)], [(1, 1), (2, 1), (3, 3)])
    assert _names(rows) == ["pol1", "mea1", "pro1", "pro2", "mea2", "pol2", "mea3", "pro3"]


def test_a_small_plan_is_one_page_and_a_start_past_the_end_shows_everything() -> None:
    rows = _tree([(1, 1, False), (2, 1, False)], [(1, 1), (2, 2)])
    assert tree_page(rows, 0, 50) == rows
    assert tree_page(rows, 5, 50) == rows
    empty = _tree([(1, 1, False)], [])
    assert tree_page(empty, 0, 2) == empty


def test_each_page_repeats_the_headings_its_first_project_hangs_under() -> None:
    rows = _tree([(1, 1, False), (2, 1, False), (3, 2, False)], [(i, 1) for i in range(1, 4)] + [(4, 3), (5, 3)])
    # pol1 mea1 pro1 pro2 pro3 mea2 pol2 mea3 pro4 pro5
    assert _names(tree_page(rows, 0, 2)) == ["pol1", "mea1", "pro1", "pro2"]
    assert _names(tree_page(rows, 2, 2)) == ["pol1", "mea1", "pro3", "mea2", "pol2", "mea3", "pro4"]
    assert _names(tree_page(rows, 4, 2)) == ["pol2", "mea3", "pro5"]
    # Every project on exactly one page; every heading shown at least once.
    shown = [n for start in (0, 2, 4) for n in _names(tree_page(rows, start, 2))]
    assert sorted(n for n in shown if n.startswith("pro")) == [f"pro{i}" for i in range(1, 6)]
    assert set(_names(rows)) <= set(shown)


def test_a_page_starting_at_a_measure_repeats_only_its_policy() -> None:
    rows = _tree([(1, 1, False), (2, 1, False)], [(1, 1), (2, 2)])
    # pol1 mea1 pro1 mea2 pro2 pol2 (a 基本方針 without 重点施策: the last page takes it)
    assert _names(tree_page(rows, 1, 1)) == ["pol1", "mea2", "pro2", "pol2"]


def test_a_two_level_plan_hangs_projects_under_the_top_level_alone() -> None:
    rows = _tree([(1, 1, True), (2, 2, True)], [(1, 1), (2, 1), (3, 2)])
    assert _names(rows) == ["pol1", "pro1", "pro2", "pol2", "pro3"]
    assert _names(tree_page(rows, 1, 1)) == ["pol1", "pro2"]
    assert _names(tree_page(rows, 2, 1)) == ["pol2", "pro3"]
