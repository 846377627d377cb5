"""Issue 22a: 計画管理 shows and takes thresholds as % (90), the store keeps fractions (0.9)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from kpi.services.plan_admin import submit_plan_changes, threshold_from_percent, threshold_percent
from kpi.store.db import transaction
from kpi.store.reads import plan_data
from kpi.store.writes import EntryError
from tests.conftest import ADMIN


def test_percent_in_fraction_stored_and_shown_back_as_percent(plan_engine: Engine) -> None:
    submit_plan_changes(
        plan_engine, ADMIN, 2026, "04-mynumber-card-rate", {"on_track_threshold": "85%", "caution_threshold": "60"}, ""
    )
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    row = data.indicators.set_index("code").loc["04-mynumber-card-rate"]
    assert (row["on_track_threshold"], row["caution_threshold"]) == (0.85, 0.6)
    assert threshold_percent(row["on_track_threshold"]) == "85"


def test_a_fraction_typed_by_habit_is_refused_with_an_example() -> None:
    with pytest.raises(EntryError, match="例: 90"):
        threshold_from_percent("0.9")
