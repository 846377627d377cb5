"""The inquiry's default 提出期限: the end of the 工程表's 各課照会 month, never a holiday."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpi.domain.deadline import default_deadline, inquiry_month, previous_working_day
from kpi.domain.fiscal import Month


def _schedule(*starts: str) -> pd.DataFrame:
    return pd.DataFrame({"bars": [[{"start": s, "end": s, "text": "各課照会"}] for s in starts]})


def test_the_r8_plan_puts_the_inquiry_in_r9_april_and_the_deadline_on_its_last_working_day() -> None:
    schedule = _schedule("2027-04", "2027-04", "2027-05")
    assert inquiry_month(schedule, 2026) == Month(2027, 4)
    assert default_deadline(schedule, 2026) == date(2027, 4, 30)  # a Friday, not a holiday


def test_a_holiday_or_weekend_moves_back_to_the_previous_working_day() -> None:
    assert previous_working_day(date(2027, 1, 1)) == date(2026, 12, 31)  # 元日
    assert previous_working_day(date(2026, 5, 6)) == date(2026, 5, 1)  # 振替休日, 憲法記念日, 昭和の日 … weekend
    assert default_deadline(_schedule("2026-05"), 2025) == date(2026, 5, 29)  # 31 May 2026 is a Sunday


def test_without_a_step_in_the_schedule_april_after_the_year() -> None:
    assert default_deadline(pd.DataFrame({"bars": [[]]}), 2026) == date(2027, 4, 30)
