"""The plan file's ``rollup`` block is validated, stored and read back as PlanData.rollup."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from kpi.domain.group_rollup import RollupPolicy, RollupRule
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, transaction
from kpi.store.planfile import PlanError
from kpi.store.reads import plan_data
from tests.conftest import ADMIN


def _plan_with(tmp_path: Path, rollup: object) -> Path:
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["rollup"] = rollup
    out = tmp_path / "plan.yaml"
    out.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def test_a_plan_without_rollup_reads_as_worst(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None and data.rollup == RollupPolicy()


def test_the_share_rule_is_stored_and_read_back(sqlite_engine: Engine, tmp_path: Path) -> None:
    import_plan(sqlite_engine, _plan_with(tmp_path, {"rule": "share", "on_track_percent": 75}), ADMIN)
    with transaction(sqlite_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    assert data.rollup == RollupPolicy(RollupRule.SHARE, 75.0, 50.0)


@pytest.mark.parametrize(
    "bad",
    [{"rule": "average"}, {"rule": "share", "on_track_percent": 40, "caution_percent": 60}, {"on_track_percent": 120}],
)
def test_a_wrong_rollup_block_is_refused_with_its_field(sqlite_engine: Engine, tmp_path: Path, bad: object) -> None:
    with pytest.raises(PlanError) as err:
        import_plan(sqlite_engine, _plan_with(tmp_path, bad), ADMIN)
    assert "まとめ方" in str(err.value) or "rollup" in str(err.value)
