"""``python -m kpi``: see kpi.cli."""

import sys

import kpi.auth
import kpi.reports.cli  # noqa: F401  (registers `report` and `schedule-sheet`)
from kpi.cli import main

sys.exit(main())
