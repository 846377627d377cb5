"""Today's date, overridable with ``KPI_TODAY=YYYY-MM-DD`` for tests, demos and screenshots."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    fixed = os.environ.get("KPI_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()
