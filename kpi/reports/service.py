"""Report files from a database: read once, then write PDF / XLSX / PNG zip / 工程表.

Used by the CLI (``python -m kpi report`` / ``schedule-sheet``) and the レポート page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from kpi.domain.fiscal import Month
from kpi.domain.plan import PlanData
from kpi.reports.content import Scope, build_report, scope_projects
from kpi.reports.images import Progress
from kpi.store import audit
from kpi.store.db import transaction
from kpi.store.evaluations import current_evaluations
from kpi.store.reads import plan_data

if TYPE_CHECKING:
    from sqlalchemy import Engine

FORMATS = ("pdf", "xlsx", "png")
SCHEDULE_FORMATS = ("xlsx", "pdf")
MIME = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Inputs:
    data: PlanData
    evaluations: pd.DataFrame


def load_inputs(engine: Engine, year: int) -> Inputs | None:
    with transaction(engine) as session:
        data = plan_data(session, year)
        if data is None:
            return None
        return Inputs(data, current_evaluations(session, year))


def data_version(engine: Engine) -> int:
    """The latest audit-log id: every write is audited, so a new id means new data and a
    report made before it is stale (the レポート page keys its files by it)."""

    with transaction(engine) as session:
        return audit.data_version(session)


def report_bytes(
    inputs: Inputs, as_of: Month, scope: Scope, fmt: str, today: date, progress: Progress | None = None
) -> bytes:
    """The report in ``fmt``: pdf, xlsx or png (a zip of one PNG per indicator chart).

    ``progress(done, total)`` is called after each chart is drawn (the page's progress bar,
    the CLI's progress line).
    """
    if fmt not in FORMATS:
        raise ValueError(f"形式は {' / '.join(FORMATS)} のいずれかです: {fmt}")
    content = build_report(inputs.data, as_of, scope, inputs.evaluations, generated_on=today)
    if fmt == "xlsx":
        from kpi.reports.xlsx import report_xlsx

        return report_xlsx(content)
    from kpi.reports.images import png_zip, report_charts

    charts = report_charts(inputs.data, content)
    if fmt == "png":
        return png_zip(charts, progress)
    from kpi.reports.pdf import report_pdf

    return report_pdf(content, charts, progress)


def schedule_bytes(inputs: Inputs, scope: Scope, fmt: str) -> bytes:
    from kpi.reports.schedule_sheet import schedule_pdf, schedule_xlsx

    nos = scope_projects(inputs.data, scope)
    if fmt == "xlsx":
        return schedule_xlsx(inputs.data, nos, inputs.evaluations)
    if fmt == "pdf":
        return schedule_pdf(inputs.data, nos, inputs.evaluations)
    raise ValueError(f"形式は {' / '.join(SCHEDULE_FORMATS)} のいずれかです: {fmt}")


def report_filename(year: int, as_of: Month, scope: Scope, ext: str) -> str:
    from kpi.domain.fiscal import fiscal_year_short

    return f"{fiscal_year_short(year)}_report_{scope.slug}_{as_of}.{ext}"


def schedule_filename(year: int, scope: Scope, ext: str) -> str:
    from kpi.domain.fiscal import fiscal_year_short

    return f"{fiscal_year_short(year)}_schedule_{scope.slug}.{ext}"
