"""kpi.domain.frames.records: the rows of a frame as ``to_dict("records")`` gives them, faster."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from kpi.domain.frames import records
from kpi.store.db import transaction
from kpi.store.reads import plan_data


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def test_records_equal_to_dict_on_every_frame_of_the_plan_data(demo_engine: Engine) -> None:
    with transaction(demo_engine) as s:
        data = plan_data(s, 2026)
    assert data is not None
    frames = [data.policies, data.measures, data.projects, data.schedule, data.milestones, data.indicators]
    frames += [data.actuals, data.assessments, data.only_projects([4]).indicators]  # a filtered view too
    assert len(data.actuals) and len(data.indicators)
    for frame in frames:
        expected, got = frame.to_dict("records"), records(frame)
        assert len(got) == len(expected)
        for want, have in zip(expected, got, strict=True):
            assert list(have) == list(want)
            assert all(_same(want[k], have[k]) for k in want), (want, have)


def test_records_of_chosen_columns_and_of_missing_values() -> None:
    frame = pd.DataFrame(
        {
            "a": [1, 2],
            "b": [1.5, float("nan")],
            "c": ["x", None],
            "d": [[1], {"k": 2}],
            "e": [datetime(2026, 4, 1), datetime(2026, 5, 1)],
        }
    )
    chosen = records(frame, ["c", "a"])
    assert [list(r) for r in chosen] == [["c", "a"], ["c", "a"]] and chosen[0] == {"c": "x", "a": 1}
    assert all(_same(w, h) for w, h in zip(frame["c"].tolist(), [r["c"] for r in chosen], strict=True))
    for want, have in zip(frame.to_dict("records"), records(frame), strict=True):
        assert all(_same(want[k], have[k]) for k in want), (want, have)
    assert records(frame.iloc[0:0]) == []
