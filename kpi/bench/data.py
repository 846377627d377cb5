"""The benchmark's data sets, built fast and cached (``python -m kpi benchmark --scale``).

S: the real plan with the sample actuals. M: the real plan for ten fiscal years, every
indicator and month reported. L: a generated plan of 1,000 projects, 3,000 indicators,
2,000 milestones, 50 重点施策 and 5 基本方針 for ten fiscal years (720,000 revisions).

Plans and actuals go into the store's own tables with bulk inserts (one ``executemany`` per
table, not one ORM object per row); a built SQLite file is kept under the cache directory,
keyed by scale and by everything that shapes it, so that a rerun only copies it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Engine, func, insert, select

from kpi.domain.fiscal import fiscal_months
from kpi.domain.permissions import Actor
from kpi.domain.status import DEFAULT_CAUTION, DEFAULT_ON_TRACK
from kpi.store.db import DEFAULT_PLAN, head_revision, make_engine, transaction, upgrade
from kpi.store.models import (
    ActualRevision,
    AppSetting,
    AuditEntry,
    FiscalYear,
    Indicator,
    Measure,
    Milestone,
    Policy,
    Project,
    ScheduleRow,
)
from kpi.store.plan_store import stored_levels
from kpi.store.planfile import NEW_BASELINE, PlanFile
from kpi.store.planfile_read import load_plan_file, parse_plan

LATEST_YEAR = 2026  # the year every page shows; older years only add rows the pages must not read
TODAY = date(2027, 4, 15)  # the whole latest year has ended: the largest status computation
YEARS = 10
BENCH_USER = "bench-admin"
BENCH_PASSWORD = "bench-password-123"  # signs in to the server of `benchmark --browser`
MARKER = "benchmark_dataset"
FORMAT = "4"  # bump when the generated data changes: old cached files are not reused
CHUNK = 20_000  # rows per executemany
ADMIN = Actor(BENCH_USER, "admin")

# L: the shape the issue measured.
L_POLICIES, L_MEASURES_PER_POLICY, L_PROJECTS_PER_MEASURE = 5, 10, 20
L_INDICATORS_PER_PROJECT, L_MILESTONES_PER_PROJECT = 3, 2
DEPARTMENTS = tuple(f"第{i}課" for i in range(1, 41))


@dataclass(frozen=True)
class Dataset:
    scale: str
    url: str
    plan_file: Path  # the latest year's plan: import-plan of it changes nothing
    year: int
    today: date
    built_in_s: float  # 0 when a cached copy was used
    counts: dict[str, int]


def _shift_month(text: str, years: int) -> str:
    y, m = text.split("-")
    return f"{int(y) + years:04d}-{m}"


def real_plan_for(year: int) -> PlanFile:
    """The real R8 plan moved to ``year`` (months shifted by whole years)."""
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    shift = year - int(raw["fiscal_year"])
    raw["fiscal_year"] = year
    raw["label"] = f"{raw['label']}（{year}）" if shift else raw["label"]
    for p in raw["projects"]:
        for row in p.get("schedule") or []:
            for b in row.get("bars") or []:
                b["start"], b["end"] = _shift_month(b["start"], shift), _shift_month(b["end"], shift)
            for ms in row.get("milestones") or []:
                ms["month"] = _shift_month(ms["month"], shift)
    for ind in raw["indicators"]:
        if ind.get("monthly_plan"):
            ind["monthly_plan"] = {_shift_month(k, shift): v for k, v in ind["monthly_plan"].items()}
    return parse_plan(raw, f"real-plan-{year}")


def generated_plan_raw(year: int) -> dict[str, Any]:
    """The L plan of one fiscal year as a plan file's content."""
    policies = [{"no": p, "name": f"基本方針{p}"} for p in range(1, L_POLICIES + 1)]
    measures, projects, indicators = [], [], []
    kinds = (
        ("%", "increase", "level", 40.0, 80.0),
        ("件", "increase", "flow", None, 1200.0),
        ("時間", "decrease", "level", 500.0, 300.0),
        ("件", "at_most", "flow", None, 0.0),
    )
    for m in range(1, L_POLICIES * L_MEASURES_PER_POLICY + 1):
        measures.append({"no": m, "symbol": f"({m})", "name": f"重点施策{m}", "policy": (m - 1) // 10 + 1})
        for k in range(L_PROJECTS_PER_MEASURE):
            no = (m - 1) * L_PROJECTS_PER_MEASURE + k + 1
            lead = DEPARTMENTS[no % len(DEPARTMENTS)]
            schedule = []
            for r in range(L_MILESTONES_PER_PROJECT):
                start, end = f"{year}-{4 + r * 3:02d}", f"{year + 1}-03"
                schedule.append(
                    {
                        "item": f"実施項目{no}-{r + 1}",
                        "bars": [{"start": start, "end": end, "text": "実施"}],
                        "milestones": [{"id": f"m{no}-{r + 1}", "month": f"{year}-{6 + r * 4:02d}", "text": "完了"}],
                    }
                )
            projects.append(
                {
                    "no": no,
                    "name": f"実施事業{no}",
                    "measure": m,
                    "lead_department": lead,
                    "related_departments": [DEPARTMENTS[(no + 7) % len(DEPARTMENTS)]],
                    "summary": f"実施事業{no}の概要",
                    "schedule": schedule,
                }
            )
            for i in range(L_INDICATORS_PER_PROJECT):
                unit, direction, accumulation, baseline, target = kinds[(no + i) % len(kinds)]
                indicators.append(
                    {
                        "id": f"i{no:04d}-{i + 1}",
                        "project": no,
                        "name": f"指標{no}-{i + 1}",
                        "unit": unit,
                        "baseline": baseline,
                        "target": target,
                        "direction": direction,
                        "accumulation": accumulation,
                    }
                )
    return {
        "format_version": 1,
        "municipality": "ベンチ市",
        "plan_name": "DXアクションプラン",
        "fiscal_year": year,
        "label": f"{year}年度",
        "policies": policies,
        "measures": measures,
        "projects": projects,
        "indicators": indicators,
    }


def _rows(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(model.__table__), rows[i : i + CHUNK])


def _ids(conn: Connection, model: Any, key: str, fy_id: int) -> dict[Any, int]:
    col = getattr(model, key)
    return {k: v for k, v in conn.execute(select(col, model.id).where(model.fiscal_year_id == fy_id)).all()}


def bulk_load_plan(conn: Connection, plan: PlanFile, source: str) -> dict[str, int]:
    """Insert one fiscal year's plan as ``kpi.store.load_plan`` would store it, in bulk.

    The fields mirror load_plan's, so that importing the same file afterwards changes
    nothing (the benchmark times that unchanged import).
    """
    fy_id = conn.execute(
        insert(FiscalYear).returning(FiscalYear.id),
        {
            "year": plan.fiscal_year,
            "label": plan.label,
            "municipality": plan.municipality,
            "plan_name": plan.plan_name,
            "owner_department": plan.owner_department,
            "source_file": source,
            "loaded_at": datetime.now(UTC),
            "levels": stored_levels(plan),
        },
    ).scalar_one()
    _rows(
        conn,
        Policy,
        [{"fiscal_year_id": fy_id, "no": p.no, "name": p.name, "code": p.code or ""} for p in plan.policies],
    )
    policies = _ids(conn, Policy, "no", fy_id)
    _rows(
        conn,
        Measure,
        [
            {
                "fiscal_year_id": fy_id,
                "no": m.no,
                "symbol": m.symbol,
                "code": m.code or "",
                "name": m.name,
                "policy_id": policies[m.policy],
                "hidden": m.hidden,
            }
            for m in plan.all_measures()
        ],
    )
    measures = _ids(conn, Measure, "no", fy_id)
    _rows(
        conn,
        Project,
        [
            {
                "fiscal_year_id": fy_id,
                "no": pr.no,
                "name": pr.name,
                "code": pr.code or "",
                "measure_id": measures[plan.measure_of(pr)],
                "lead_department": pr.lead_department,
                "related_departments": list(pr.related_departments),
                "summary": pr.summary,
                "expected_effect": pr.expected_effect,
                "url": pr.url,
                "previous_work": pr.previous_work,
                "this_year": pr.this_year,
                "next_years": pr.next_years,
                "outcome": pr.outcome,
            }
            for pr in plan.projects
        ],
    )
    projects = _ids(conn, Project, "no", fy_id)
    schedule, milestones = [], []
    for pr in plan.projects:
        for pos, row in enumerate(pr.schedule, start=1):
            schedule.append(
                {
                    "project_id": projects[pr.no],
                    "position": pos,
                    "item": row.item,
                    "bars": [b.model_dump() for b in row.bars],
                }
            )
            for ms in row.milestones:
                milestones.append(
                    {
                        "fiscal_year_id": fy_id,
                        "code": ms.id,
                        "project_id": projects[pr.no],
                        "row_position": pos,
                        "item": row.item,
                        "month": ms.month,
                        "text": ms.text,
                    }
                )
    _rows(conn, ScheduleRow, schedule)
    _rows(conn, Milestone, milestones)
    indicators = []
    for pos, ind in enumerate(plan.indicators, start=1):
        low, high = ind.value_range
        th = ind.thresholds
        indicators.append(
            {
                "fiscal_year_id": fy_id,
                "code": ind.id,
                "baseline": None if ind.baseline == NEW_BASELINE else ind.baseline,
                "project_id": projects[ind.project],
                "position": pos,
                "name": ind.name,
                "unit": ind.unit,
                "baseline_note": ind.baseline_note,
                "target": ind.target,
                "target_factor": ind.target_factor,
                "target_note": ind.target_note,
                "direction": ind.direction,
                "accumulation": ind.accumulation,
                "monthly_plan": dict(ind.monthly_plan) if ind.monthly_plan is not None else None,
                "on_track_threshold": th.on_track if th else DEFAULT_ON_TRACK,
                "caution_threshold": th.caution if th else DEFAULT_CAUTION,
                "min_value": low,
                "max_value": high,
                "baseline_is_new": ind.baseline == NEW_BASELINE,
                "baseline_month": ind.baseline_month,
                "target_year": ind.target_year,
                "yearly_targets": {str(y): v for y, v in sorted(ind.yearly_targets.items())}
                if ind.yearly_targets
                else None,
                "flow_scope": ind.flow_scope,
                "frequency": ind.frequency,
                "due_month": ind.due_month,
            }
        )
    _rows(conn, Indicator, indicators)
    _rows(
        conn,
        AuditEntry,
        [{"actor": BENCH_USER, "action": "plan.import", "target": f"FY{plan.fiscal_year}", "detail": {"src": source}}],
    )
    return {"fiscal_year_id": fy_id, "projects": len(projects), "indicators": len(indicators)}


def _value(ind: Any, index: int, month_no: int, revision: int, revisions: int) -> float:
    """A plausible value that spreads statuses: the pace differs per indicator."""
    pace = 0.5 + (index % 7) * 0.1  # 0.5 … 1.1 of the straight line
    f = month_no / 12
    if ind.direction == "at_most":
        return 0.0
    target = ind.target if isinstance(ind.target, int | float) else 100.0
    if ind.accumulation == "flow":
        value = target / 12 * pace
    else:
        base = ind.baseline if isinstance(ind.baseline, int | float) else 0.0
        value = base + (target - base) * f * pace
    value = round(value * (1 + 0.01 * (revision - revisions)), 1)  # earlier revisions differ slightly
    low, high = ind.value_range
    return min(max(value, low), high)


def bulk_actuals(conn: Connection, plan: PlanFile, revisions: int, is_sample: bool = False) -> int:
    """Every indicator and month of the plan's year, ``revisions`` revisions each, with the
    audit entry that each save writes (``actual.save``)."""
    fy_id = conn.execute(select(FiscalYear.id).where(FiscalYear.year == plan.fiscal_year)).scalar_one()
    ids = _ids(conn, Indicator, "code", fy_id)
    actuals: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    written = 0
    now = datetime.now(UTC)
    for index, ind in enumerate(plan.indicators):
        for month_no, m in enumerate(fiscal_months(plan.fiscal_year), start=1):
            for rev in range(1, revisions + 1):
                value = _value(ind, index, month_no, rev, revisions)
                reason = "" if rev == 1 else "集計の修正"
                actuals.append(
                    {
                        "indicator_id": ids[ind.id],
                        "month": str(m),
                        "revision": rev,
                        "value": value,
                        "note": "",
                        "reason": reason,
                        "author": BENCH_USER,
                        "created_at": now,
                        "is_sample": is_sample,
                        "source": "import",
                    }
                )
                audits.append(
                    {
                        "actor": BENCH_USER,
                        "action": "actual.save",
                        "target": f"{ind.id} {m}",
                        "at": now,
                        "detail": {"fiscal_year": plan.fiscal_year, "value": value, "revision": rev, "reason": reason},
                    }
                )
        if len(actuals) >= CHUNK:
            _rows(conn, ActualRevision, actuals)
            _rows(conn, AuditEntry, audits)
            written += len(actuals)
            actuals, audits = [], []
    _rows(conn, ActualRevision, actuals)
    _rows(conn, AuditEntry, audits)
    return written + len(actuals)


def _plans(scale: str) -> list[PlanFile]:
    if scale == "S":
        return [load_plan_file(DEFAULT_PLAN)]
    if scale == "M":
        return [real_plan_for(y) for y in range(LATEST_YEAR - YEARS + 1, LATEST_YEAR + 1)]
    years = range(LATEST_YEAR - YEARS + 1, LATEST_YEAR + 1)
    return [parse_plan(generated_plan_raw(y), f"generated-{y}") for y in years]


def _key(scale: str, revisions: int) -> str:
    h = hashlib.sha256()
    for part in (scale, str(revisions), FORMAT, str(head_revision()), DEFAULT_PLAN.read_text(encoding="utf-8")):
        h.update(part.encode())
    return h.hexdigest()[:12]


def _plan_file(scale: str, cache: Path) -> Path:
    if scale in ("S", "M"):
        return DEFAULT_PLAN  # the real R8 plan is the latest year of S and M
    path = cache / f"plan-L-{FORMAT}.yaml"
    if not path.exists():
        text = yaml.safe_dump(generated_plan_raw(LATEST_YEAR), allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
    return path


def _fill(engine: Engine, scale: str, revisions: int, key: str) -> None:
    from kpi.services.demo import load_demo
    from kpi.store import accounts as auth

    upgrade(engine)
    with engine.begin() as conn:
        for plan in _plans(scale):
            source = str(DEFAULT_PLAN) if scale != "L" else f"generated-{plan.fiscal_year}"
            bulk_load_plan(conn, plan, source)
            if scale != "S":
                bulk_actuals(conn, plan, revisions)
        conn.execute(insert(AppSetting), {"name": MARKER, "value": key})
    with transaction(engine) as s:
        auth.add_user(s, ADMIN, BENCH_USER, BENCH_PASSWORD, "admin")
        auth.add_user(s, ADMIN, "bench-editor", BENCH_PASSWORD, "editor", list(DEPARTMENTS[:3]))
        if scale == "S":
            load_demo(s, LATEST_YEAR, ADMIN, TODAY)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(model)).scalar_one())
            for name, model in (
                ("fiscal_years", FiscalYear),
                ("projects", Project),
                ("indicators", Indicator),
                ("milestones", Milestone),
                ("revisions", ActualRevision),
                ("audit", AuditEntry),
            )
        }


def _marker(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(select(AppSetting.value).where(AppSetting.name == MARKER)).scalar_one_or_none()
    except Exception:  # no schema yet
        return None


def _is_empty(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            return conn.execute(select(FiscalYear.id).limit(1)).first() is None
    except Exception:
        return True


class DatasetRefused(RuntimeError):
    pass


def prepare(scale: str, url: str | None, cache_dir: Path | None = None, revisions: int = 2) -> Dataset:
    """The data set of ``scale``: built once, then reused (SQLite: copied from the cache)."""
    import time

    scale = scale.upper()
    cache = Path(cache_dir or Path(tempfile.gettempdir()) / "kpi-bench")
    cache.mkdir(parents=True, exist_ok=True)
    key = _key(scale, revisions)
    plan_file = _plan_file(scale, cache)
    built = 0.0
    if url is None:
        cached = cache / f"bench-{scale}-{key}.db"
        if not cached.exists():
            start = time.perf_counter()
            partial = cache / f"bench-{scale}-{key}.partial.db"
            partial.unlink(missing_ok=True)
            engine = make_engine(f"sqlite:///{partial}")
            _fill(engine, scale, revisions, key)
            engine.dispose()
            partial.rename(cached)
            built = time.perf_counter() - start
        work = cache / f"work-{scale}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(cached, work)  # saves change the copy; the cached file stays as built
        url = f"sqlite:///{work}"
        engine = make_engine(url)
    else:
        engine = make_engine(url)
        have = _marker(engine)
        if have != key:
            if have is None and not _is_empty(engine):
                raise DatasetRefused(
                    "このデータベースには計画が入っています。ベンチマークには空のデータベースを指定してください"
                )
            if have is not None:
                raise DatasetRefused(
                    f"このデータベースには別のベンチマーク用データ（{have}）があります。空のデータベースを指定してください"
                )
            start = time.perf_counter()
            _fill(engine, scale, revisions, key)
            built = time.perf_counter() - start
        upgrade(engine)
    result = Dataset(scale, url, plan_file, LATEST_YEAR, TODAY, built, counts(engine))
    engine.dispose()
    return result


__all__ = ["ADMIN", "BENCH_PASSWORD", "BENCH_USER", "Dataset", "DatasetRefused", "prepare"]
