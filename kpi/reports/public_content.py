"""What the public edition holds, decided in one place: only the published month's figures and
statuses (computed as of that month), the plan's own texts, approved 公開コメント and 確定
期末評価, and the publication history with its corrections (訂正).

Pure: no database. ``public_edition`` takes what ``kpi.services.publication`` read and never
looks at user names, e-mail addresses, notes, correction reasons, 差戻し comments, drafts or the
audit log: the read model it receives has those columns dropped (``public_plan``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from kpi.domain import clock
from kpi.domain.fiscal import Month
from kpi.domain.frames import opt, opt_float
from kpi.domain.plan import PlanData
from kpi.domain.statuses import indicator_statuses, measure_statuses, policy_statuses, project_statuses
from kpi.reports.content import monthly_series


@dataclass(frozen=True)
class Settings:
    """The plan file's ``municipality_code`` and ``public:`` settings (defaults filled in)."""

    municipality_code: str | None
    license: str
    attribution: str
    homepage: str | None
    contact_department: str


@dataclass(frozen=True)
class Evaluation:
    """A 確定 期末評価 (the only state that is published)."""

    rating: str
    reason: str
    new_issues: str


@dataclass(frozen=True)
class Prior:
    """A publication recorded before this one (kpi.store.publications.PublicationRow's public part)."""

    id: int
    month: str
    published_on: date
    content_sha: str
    snapshot: Mapping[str, Any]
    corrections: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class Correction:
    code: str  # indicator id
    name: str
    unit: str
    month: str  # YYYY-MM of the value
    old: float
    new: float
    on: str  # ISO date the new value was entered

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "unit": self.unit, "month": self.month,
            "old": self.old, "new": self.new, "on": self.on,
        }  # fmt: skip


@dataclass(frozen=True)
class Edition:
    """One publication as the 更新履歴 lists it: its date, month and the corrections it showed."""

    published_on: date
    month: str
    corrections: tuple[Correction, ...]


@dataclass(frozen=True)
class PublicEdition:
    data: PlanData  # months after ``as_of`` removed, internal columns dropped
    as_of: Month
    published_on: date
    settings: Settings
    projects: pd.DataFrame
    measures: pd.DataFrame
    policies: pd.DataFrame
    indicators: pd.DataFrame
    milestones: pd.DataFrame
    statuses: pd.DataFrame  # indicator_statuses (indicators and ●) as of the month
    monthly: pd.DataFrame
    comments: dict[int, str]
    evaluations: dict[int, Evaluation]
    corrections: tuple[Correction, ...]
    history: tuple[Edition, ...]  # every edition, oldest first, this one last
    snapshot: dict[str, Any] = field(default_factory=dict)
    content_sha: str = ""


# Columns of the read model that carry who entered what and why: never reach the public edition.
INTERNAL_ACTUAL_COLUMNS = ("note", "author", "reason")
INTERNAL_ASSESSMENT_COLUMNS = ("comment", "author")


def public_plan(data: PlanData, as_of: Month) -> PlanData:
    """The plan as the public may see it as of ``as_of``: no actual, self-assessment or ●
    completion after the month, no note, author or comment."""
    last = str(min(as_of, Month(data.year + 1, 3)))
    actuals = data.actuals.loc[data.actuals["month"] <= last].copy()
    for col in INTERNAL_ACTUAL_COLUMNS:
        if col in actuals:
            actuals[col] = ""
    assessments = data.assessments.loc[data.assessments["month"] <= last].copy()
    for col in INTERNAL_ASSESSMENT_COLUMNS:
        if col in assessments:
            assessments[col] = ""
    milestones = data.milestones.copy()
    end = as_of.add(1)  # a ● completed after the month reads as not completed yet
    milestones["completed_on"] = [
        d if (d := opt(v)) is not None and Month(d.year, d.month) < end else None for v in milestones["completed_on"]
    ]
    if "completed_by" in milestones:
        milestones["completed_by"] = None
    previous = data.previous_actuals
    if previous is not None:
        previous = previous.copy()
        for col in INTERNAL_ACTUAL_COLUMNS:
            if col in previous:
                previous[col] = ""
    return replace(data, actuals=actuals, assessments=assessments, milestones=milestones, previous_actuals=previous)


def _entered_on(data: PlanData) -> dict[tuple[str, str], str]:
    """(code, month) → ISO date (JST) the current value was entered: the date of a 訂正."""
    out: dict[tuple[str, str], str] = {}
    if "created_at" not in data.actuals:
        return out
    for code, month, at in zip(data.actuals["code"], data.actuals["month"], data.actuals["created_at"], strict=True):
        text = clock.local_time_text(at) if isinstance(at, datetime) or opt(at) is not None else ""
        out[(str(code), str(month))] = text[:10]
    return out


def snapshot_of(
    as_of: Month, monthly: pd.DataFrame, projects: pd.DataFrame, comments: Mapping[int, str],
    evaluations: Mapping[int, Evaluation],
) -> dict[str, Any]:  # fmt: skip
    """What this publication says, as JSON-able data: every reported value and status by
    indicator and month, each project's status, the published texts."""
    values: dict[str, float] = {}
    status: dict[str, str] = {}
    for r in monthly.to_dict("records"):
        key = f"{r['code']}|{r['month']}"
        v = opt_float(r["value"])
        if v is not None:
            values[key] = v
        status[key] = str(r["status"])
    return {
        "month": str(as_of),
        "values": values,
        "status": status,
        "projects": {str(int(p["id"])): opt(p["status"]) for p in projects.to_dict("records")},
        "comments": {str(k): v for k, v in sorted(comments.items())},
        "evaluations": {str(k): [e.rating, e.reason, e.new_issues] for k, e in sorted(evaluations.items())},
    }


def content_hash(snapshot: Mapping[str, Any]) -> str:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def corrections_against(
    values: Mapping[str, float], priors: Sequence[Prior], names: Mapping[str, tuple[str, str]],
    entered_on: Mapping[tuple[str, str], str], fallback: date,
) -> tuple[Correction, ...]:  # fmt: skip
    """Each published value that changed since the latest earlier publication that had it."""
    last: dict[str, float] = {}
    for prior in priors:  # oldest first: later ones overwrite
        for key, v in (prior.snapshot.get("values") or {}).items():
            last[key] = float(v)
    out = []
    for key in sorted(values):
        if key in last and not _same(last[key], values[key]):
            code, month = key.split("|")
            name, unit = names.get(code, (code, ""))
            on = entered_on.get((code, month)) or fallback.isoformat()
            out.append(Correction(code, name, unit, month, last[key], values[key], on))
    # Removed values (a value published, then deleted) are not possible: actuals are append-only.
    return tuple(out)


def _corrections_of(rows: Sequence[Mapping[str, Any]]) -> tuple[Correction, ...]:
    return tuple(
        Correction(str(c["code"]), str(c["name"]), str(c.get("unit", "")), str(c["month"]), float(c["old"]),
                   float(c["new"]), str(c["on"]))
        for c in rows
    )  # fmt: skip


def editions(priors: Sequence[Prior]) -> list[tuple[Prior, Edition]]:
    """The distinct editions among the recorded publications: a rerun of the same month with
    the same content is the same edition (its first record's date)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for p in priors:
        key = (p.month, p.content_sha)
        if key in seen:
            continue
        seen.add(key)
        out.append((p, Edition(p.published_on, p.month, _corrections_of(p.corrections))))
    return out


def public_edition(
    data: PlanData, as_of: Month, settings: Settings, comments: Mapping[int, str],
    evaluations: Mapping[int, Evaluation], priors: Sequence[Prior], today: date,
) -> PublicEdition:  # fmt: skip
    """The public edition of ``as_of``. Its date: the first record of the same month and
    content when there is one (a rerun is byte-identical), else ``today``."""
    part = public_plan(data, as_of)
    statuses = indicator_statuses(part, as_of)
    projects = project_statuses(part, as_of, statuses)
    measures = measure_statuses(part, as_of, projects)
    policies = policy_statuses(part, as_of, projects)
    indicators = statuses[statuses["kind"] == "indicator"].reset_index(drop=True)
    milestones = statuses[statuses["kind"] == "milestone"].reset_index(drop=True)
    monthly = monthly_series(part, as_of)
    known = set(int(n) for n in part.projects["project_no"])
    comments = {int(k): v for k, v in comments.items() if int(k) in known}
    evaluations = {int(k): v for k, v in evaluations.items() if int(k) in known}
    snap = snapshot_of(as_of, monthly, projects, comments, evaluations)
    sha = content_hash(snap)
    same = next((p for p in priors if p.month == str(as_of) and p.content_sha == sha), None)
    before = [p for p in priors if same is None or p.id < same.id]
    published_on = same.published_on if same is not None else today
    names = {
        str(c): (str(n), str(u))
        for c, n, u in zip(part.indicators["code"], part.indicators["name"], part.indicators["unit"], strict=True)
    }
    corrections = corrections_against(snap["values"], before, names, _entered_on(part), published_on)
    history = (*(e for _p, e in editions(before)), Edition(published_on, str(as_of), corrections))
    return PublicEdition(
        data=part, as_of=as_of, published_on=published_on, settings=settings, projects=projects,
        measures=measures, policies=policies, indicators=indicators, milestones=milestones, statuses=statuses,
        monthly=monthly, comments=comments, evaluations=evaluations, corrections=corrections, history=history,
        snapshot=snap, content_sha=sha,
    )  # fmt: skip
