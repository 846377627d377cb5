"""Today's date and local times.

``KPI_TODAY=YYYY-MM-DD`` fixes today for tests, demos and screenshots. Times are stored in UTC
and shown in the city's time zone (JST).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Tokyo")


def today() -> date:
    fixed = os.environ.get("KPI_TODAY")
    return date.fromisoformat(fixed) if fixed else datetime.now(LOCAL_TZ).date()


def local_time_text(value: Any) -> str:
    """'2026-11-24 12:14' in JST; a naive value is UTC (SQLite returns stored times naive)."""
    if value is None or (not isinstance(value, datetime) and str(value) in ("NaT", "nan", "")):
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
