"""Sample actuals for trying the dashboard: clearly labelled, never mixed silently.

Every sample revision and self-assessment carries ``is_sample``; the app shows a banner
while any exist, and ``clear_demo`` removes them and nothing else.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from kpi.domain.fiscal import Month, fiscal_months, latest_ended_month
from kpi.domain.permissions import Actor, require_admin
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.audit import audit
from kpi.store.demo_rows import (
    delete_sample_rows,
    projects_with_indicators,
    real_actual_count,
    year_indicators,
    year_projects,
)
from kpi.store.models import Assessment, Indicator
from kpi.store.reads import fiscal_year_id

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SAMPLE_NOTE = "サンプルデータ"

# How fast each sample indicator moves compared with the straight line to its target, so
# that the sample shows every status. Values are invented; they are labelled as sample.
PACE = {
    "01-online-procedures": 0.8,
    "03-exemption-e-application-rate": 1.05,
    "04-mynumber-card-rate": 0.97,
    "05-konbini-issuance-share": 0.55,
    "09-maternal-app-registration": 1.1,
    "11-opendata-new-items": 0.8,
    "14-ai-rpa-hours-saved": 1.02,
    "15-new-dx-projects": 0.9,
}
# Monthly sizes for indicators whose baseline the plan leaves to an administrator.
UNSET_BASELINE_MONTHLY = {"06-collection-fees": 410_000.0, "14-welfare-overtime": 120.0}
LAGGING = {"15-new-dx-projects": 2}  # reported up to N months before the as-of month
ASSESSMENT_CYCLE = ("on_track", "on_track", "caution", "on_track", "delayed", "on_track")


class DemoRefused(RuntimeError):
    pass


def load_demo(session: Session, year: int, actor: Actor, today: date) -> int:
    """Load sample actuals from April to the latest ended month; return how many were saved."""
    require_admin(actor, "サンプルデータの読み込み")
    fy_id = fiscal_year_id(session, year)
    if fy_id is None:
        raise DemoRefused("計画が読み込まれていません。先に python -m kpi init を実行してください")
    real = real_actual_count(session, fy_id)
    if real:
        raise DemoRefused(f"実データが{real}件あるため、サンプルデータは読み込みません（混在を防ぐため）")
    clear_demo(session, year, actor, audit_entry=False)
    last = min(latest_ended_month(today), Month(year + 1, 3))
    months = [m for m in fiscal_months(year) if m <= last]
    rng = random.Random(year)
    rows: list[ActualInput] = []
    for ind in year_indicators(session, fy_id):
        upto = [m for m in months if m <= last.add(-LAGGING.get(ind.code, 0))]
        for m in upto:
            value = _sample_value(ind, m, rng)
            if value is not None:
                rows.append(ActualInput(ind.code, str(m), value, SAMPLE_NOTE))
    result = record_actuals(session, rows, actor, today, source="demo", is_sample=True)
    projects = year_projects(session, fy_id)
    with_indicators = projects_with_indicators(session, fy_id)
    for p in projects:
        if p.id in with_indicators:
            continue
        for i, m in enumerate(months):
            status = ASSESSMENT_CYCLE[(p.no + i) % len(ASSESSMENT_CYCLE)] if i == len(months) - 1 else "on_track"
            session.add(
                Assessment(
                    project_id=p.id,
                    month=str(m),
                    revision=1,
                    status=status,
                    comment=f"{SAMPLE_NOTE}（自己評価の例）",
                    author=actor.username,
                    is_sample=True,
                )
            )
    audit(session, actor, "demo.load", f"FY{year}", actuals=len(result.saved), through=str(last))
    session.flush()
    return len(result.saved)


def _sample_value(ind: Indicator, month: Month, rng: random.Random) -> float | None:
    if ind.direction == "at_most":
        return 0.0  # no incidents
    if ind.code in UNSET_BASELINE_MONTHLY:
        return round(UNSET_BASELINE_MONTHLY[ind.code] * rng.uniform(0.85, 1.05), 0)
    if ind.target is None:
        return None
    pace = PACE.get(ind.code, 1.0)
    f = month.fiscal_index / 12
    if ind.accumulation == "flow":
        monthly = ind.target / 12 * pace * rng.uniform(0.9, 1.1)
        return round(monthly, 0) if ind.unit != "%" else round(monthly, 1)
    base = ind.baseline or 0.0
    value = base + (ind.target - base) * f * pace
    if ind.unit == "%":
        return round(min(100.0, value + rng.uniform(-0.1, 0.1)), 1)
    return float(int(value))


def clear_demo(session: Session, year: int, actor: Actor, audit_entry: bool = True) -> int:
    """Remove the sample actuals and sample self-assessments of a fiscal year, nothing else."""
    require_admin(actor, "サンプルデータの削除")
    fy_id = fiscal_year_id(session, year)
    if fy_id is None:
        return 0
    n = delete_sample_rows(session, fy_id)
    if audit_entry:
        audit(session, actor, "demo.clear", f"FY{year}", removed=n)
    return n
