"""Plan administration: an administrator edits an indicator's baseline, target, monthly plan
and thresholds; every change is audited with its old and new value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.frames import opt_float
from kpi.domain.numbers import parse_number
from kpi.domain.permissions import Actor, require_admin
from kpi.domain.status import Thresholds
from kpi.store.audit import audit
from kpi.store.reads import indicator_by_code
from kpi.store.writes import EntryError, with_retry
from kpi.text.fmt import exact

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

PLAN_FIELDS = ("baseline", "target", "target_factor", "monthly_plan", "on_track_threshold", "caution_threshold")


def _finite(name: str, value: Any) -> float | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        return parse_number(value)
    except ValueError as exc:
        raise EntryError(f"{name}: {exc}") from None


def update_indicator_plan(
    session: Session, actor: Actor, year: int, code: str, changes: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Edit an indicator's baseline, target, target_factor, monthly plan or thresholds.

    Returns {field: (old, new)} for what changed; the audit entry records the same.
    """
    require_admin(actor, "計画値の変更")
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise EntryError(f"変更できない項目です: {', '.join(sorted(unknown))}")
    ind = indicator_by_code(session, year, code)
    if ind is None:
        raise EntryError(f"不明な指標IDです: {code}")
    new: dict[str, Any] = {}
    for name in ("baseline", "target", "target_factor"):
        if name in changes:
            new[name] = _finite(name, changes[name])
    for name in ("on_track_threshold", "caution_threshold"):
        if name in changes:
            value = _finite(name, changes[name])
            if value is None:
                raise EntryError(f"{name}: しきい値は空にできません")
            new[name] = value
    if "monthly_plan" in changes:
        new["monthly_plan"] = _monthly_plan(year, changes["monthly_plan"])
    on_track = new.get("on_track_threshold", ind.on_track_threshold)
    caution = new.get("caution_threshold", ind.caution_threshold)
    try:
        Thresholds(on_track=on_track, caution=caution)
    except ValueError as exc:
        raise EntryError(str(exc)) from None
    if new.get("baseline") is not None and ind.baseline_is_new:
        new["baseline_is_new"] = False  # a measured baseline replaces 「新規」
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in new.items():
        old = getattr(ind, name)
        if old != value:
            changed[name] = (old, value)
            setattr(ind, name, value)
    if changed:
        audit(
            session,
            actor,
            "plan.edit",
            code,
            fiscal_year=year,
            changes={k: {"old": o, "new": n} for k, (o, n) in changed.items()},
        )
        session.flush()
    return changed


def _monthly_plan(year: int, plan: Any) -> dict[str, float] | None:
    if plan is None or plan == {}:
        return None
    if not isinstance(plan, dict):
        raise EntryError('月別計画は {"YYYY-MM": 値} の形式で指定してください')
    months = {str(m) for m in fiscal_months(year)}
    outside = sorted(set(map(str, plan)) - months)
    if outside:
        raise EntryError(f"月別計画: 年度外の月があります: {', '.join(outside)}")
    values = {str(k): _finite(f"月別計画 {k}", v) for k, v in plan.items()}
    missing = sorted(m for m in months if values.get(m) is None)
    if missing:
        raise EntryError(f"月別計画: 12か月すべてが必要です（不足: {', '.join(missing)}）")
    return {m: float(values[m]) for m in sorted(months)}  # type: ignore[arg-type]


def format_monthly_plan(plan: dict[str, Any] | None) -> str:
    """A monthly plan as editable text: one ``YYYY-MM: value`` line per month."""
    if not isinstance(plan, dict) or not plan:  # None, or NaN from a frame
        return ""
    return "\n".join(f"{m}: {exact(v)}" for m, v in sorted(plan.items()))


def parse_monthly_plan(text: str) -> dict[str, str] | None:
    """Lines of ``YYYY-MM: value`` (or ``YYYY-MM,value``) back to a dict; empty text → None.

    Values stay text here; ``update_indicator_plan`` checks them with the other fields.
    """
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        for sep in (":", ",", "\t", " "):
            if sep in line:
                month, value = (p.strip() for p in line.split(sep, 1))
                break
        else:
            raise EntryError(f"月別計画 {n}行目: 「YYYY-MM: 値」の形式で入力してください: {line!r}")
        try:
            out[str(Month.parse(month))] = value
        except ValueError as exc:
            raise EntryError(f"月別計画 {n}行目: {exc}") from None
    return out or None


def submit_plan_changes(
    engine: Engine, actor: Actor, year: int, code: str, fields: dict[str, Any], monthly_plan_text: str
) -> dict[str, tuple[Any, Any]]:
    """The plan form in one transaction: the fields as typed and the monthly plan as text.

    The form shows and takes the thresholds as % (「90」 or 「90%」), as every other ratio on
    the pages; the store keeps them as fractions (0.9)."""
    changes: dict[str, Any] = dict(fields)
    for name in THRESHOLD_FIELDS:
        if name in changes:
            changes[name] = threshold_from_percent(changes[name])
    changes["monthly_plan"] = parse_monthly_plan(monthly_plan_text)
    return with_retry(engine, update_indicator_plan, actor, year, code, changes)


THRESHOLD_FIELDS = ("on_track_threshold", "caution_threshold")


def threshold_from_percent(text: Any) -> Any:
    """「90」/「90%」 → 0.9; a blank or unreadable text is passed on for the checks to refuse."""
    try:
        value = parse_number(text, "%")
    except ValueError:
        return text
    if value is not None and value < 1:  # 0.9 typed as a fraction out of habit would mean 0.9 %
        raise EntryError(f"しきい値は % で入力してください（例: 90）: {text}")
    return None if value is None else value / 100


def threshold_percent(value: Any) -> str:
    """0.9 → 「90」 (the form's field); "" when unset."""
    v = opt_float(value)
    return "" if v is None else exact(round(v * 100, 6))


def derived_target(baseline: float | None, target_factor: float | None) -> float | None:
    """The target an administrator gets by setting a baseline on a 「基準値比」 indicator."""
    if baseline is None or target_factor is None:
        return None
    return baseline * target_factor
