"""The inquiry's default 提出期限 (issue 22a): the end of the month in which the plan's 工程表
puts 各課照会 (R9 April for the R8 plan), moved back to the previous working day when that
day is a Saturday, a Sunday or a Japanese national holiday (``jpholiday``)."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta

import jpholiday
import pandas as pd

from kpi.domain.fiscal import Month

INQUIRY_STEP = "各課照会"  # the 工程表 bar of the year-end inquiry, as the plans write it


def working_day(day: date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day)


def previous_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the last working day before it."""
    while not working_day(day):
        day -= timedelta(days=1)
    return day


def inquiry_month(schedule: pd.DataFrame, fiscal_year: int) -> Month:
    """The month most projects' 工程表 put 各課照会 in; April after the fiscal year without one."""
    months: Counter[str] = Counter()
    for bars in schedule["bars"] if "bars" in schedule.columns else []:
        for bar in bars or []:
            if str(bar.get("text", "")).replace(" ", "") == INQUIRY_STEP and bar.get("start"):
                months[str(bar["start"])] += 1
    if not months:
        return Month(fiscal_year + 1, 4)
    return Month.parse(months.most_common(1)[0][0])


def default_deadline(schedule: pd.DataFrame, fiscal_year: int) -> date:
    """The last working day of the 各課照会 month."""
    m = inquiry_month(schedule, fiscal_year)
    return previous_working_day(date(m.year, m.month, calendar.monthrange(m.year, m.month)[1]))
