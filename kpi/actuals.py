"""Saving monthly actuals: validation, permissions, revisions and the audit log.

Used by the command line importer, the bulk upload and the entry form alike. An actual is
never overwritten in place: each save adds a revision; the latest revision is current.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpi.fiscal import Month, current_month, fiscal_year_label
from kpi.locks import hold_years
from kpi.models import ActualRevision, FiscalYear, Indicator, PeriodLock, Project
from kpi.permissions import Actor, can_write_project
from kpi.revisions import latest
from kpi.store import audit


@dataclass(frozen=True)
class ActualInput:
    indicator_id: str
    month: str
    value: Any  # as typed or read from a file; parsed and checked by validate_actuals
    note: str = ""
    reason: str = ""  # why an existing value is corrected
    expected_revision: int | None = None  # the revision the form was loaded with (conflicts)
    line: int | None = None  # row number in the source file, for messages


@dataclass(frozen=True)
class RowError:
    line: int | None
    indicator_id: str
    month: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.line}行目" if self.line is not None else f"{self.indicator_id} {self.month}"
        return f"{where}: {self.reason}"


class ActualsRejected(ValueError):
    """Nothing was saved; ``errors`` names every bad row and why."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__(
            f"{len(self.errors)}件の誤りがあるため、何も保存していません:\n" + "\n".join(str(e) for e in self.errors)
        )


@dataclass(frozen=True)
class Conflict:
    indicator_id: str
    month: str
    their_value: float
    their_author: str
    their_revision: int


@dataclass(frozen=True)
class SaveResult:
    saved: list[tuple[str, str, int]] = field(default_factory=list)  # (indicator id, month, revision)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def parse_number(raw: Any) -> float:
    """A finite number from a cell or a form; raise ValueError with a readable reason.

    Accepts full-width digits, thousands separators and a trailing % as people type them.
    """
    if raw is None:
        raise ValueError("値が空です")
    if isinstance(raw, bool):
        raise ValueError(f"数値ではありません: {raw!r}")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
        if text.endswith("%"):
            text = text[:-1].strip()
        if text == "":
            raise ValueError("値が空です")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"数値ではありません: {str(raw)!r}") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError("NaN や無限大は使えません")
    return value


@dataclass(frozen=True)
class _IndicatorInfo:
    pk: int
    code: str
    fiscal_year: int
    unit: str
    min_value: float | None
    max_value: float | None
    lead_department: str
    related: tuple[str, ...]


def _indicator_index(session: Session) -> dict[str, list[_IndicatorInfo]]:
    stmt = (
        select(
            Indicator.id,
            Indicator.code,
            FiscalYear.year,
            Indicator.unit,
            Indicator.min_value,
            Indicator.max_value,
            Project.lead_department,
            Project.related_departments,
        )
        .join(FiscalYear, FiscalYear.id == Indicator.fiscal_year_id)
        .join(Project, Project.id == Indicator.project_id)
    )
    index: dict[str, list[_IndicatorInfo]] = {}
    for pk, code, year, unit, low, high, lead, related in session.execute(stmt):
        index.setdefault(code, []).append(_IndicatorInfo(pk, code, year, unit, low, high, lead, tuple(related or ())))
    return index


@dataclass(frozen=True)
class _Checked:
    row: ActualInput
    info: _IndicatorInfo
    month: Month
    value: float


def _range_reason(value: float, info: _IndicatorInfo) -> str | None:
    low, high = info.min_value, info.max_value
    if low is not None and value < low:
        if low == 0:
            return f"負の値は使えません（{value:g}{info.unit}）"
        return f"{low:g}{info.unit}未満の値は使えません（{value:g}）"
    if high is not None and value > high:
        return f"{low if low is not None else ''}〜{high:g}{info.unit} の範囲外です（{value:g}）"
    return None


def validate_actuals(
    session: Session, rows: Sequence[ActualInput], actor: Actor, today: date
) -> tuple[list[_Checked], list[RowError]]:
    """Check every row (all of them, so that every problem is reported at once)."""
    index = _indicator_index(session)
    locks = {
        (year, m)
        for year, m in session.execute(
            select(FiscalYear.year, PeriodLock.month).join(FiscalYear, FiscalYear.id == PeriodLock.fiscal_year_id)
        )
    }
    now = current_month(today)
    checked: list[_Checked] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int | None] = {}
    for n, row in enumerate(rows, start=1):
        line = row.line if row.line is not None else n
        code, month_text = str(row.indicator_id or "").strip(), str(row.month or "").strip()

        def bad(reason: str, line: int | None = line, code: str = code, month_text: str = month_text) -> None:
            errors.append(RowError(line, code, month_text, reason))

        if not code:
            bad("indicator_id が空です")
            continue
        if code not in index:
            bad(f"不明な指標IDです: {code}")
            continue
        try:
            month = Month.parse(month_text)
        except ValueError:
            bad(f"month は YYYY-MM 形式で指定してください: {month_text!r}")
            continue
        key = (code, str(month))
        if key in seen:
            bad(f"{seen[key]}行目と同じ指標・月の行が重複しています")
            continue
        seen[key] = line
        matches = [i for i in index[code] if i.fiscal_year == month.fiscal_year]
        if not matches:
            years = "、".join(
                f"{fiscal_year_label(i.fiscal_year)}: {i.fiscal_year}-04〜{i.fiscal_year + 1}-03" for i in index[code]
            )
            bad(f"{month} は指標の年度（{years}）の範囲外です")
            continue
        info = matches[0]
        if month > now:
            bad(f"{month} はまだ来ていない月です（今月は {now}）")
            continue
        try:
            value = parse_number(row.value)
        except ValueError as exc:
            bad(str(exc))
            continue
        reason = _range_reason(value, info)
        if reason:
            bad(reason)
            continue
        if (info.fiscal_year, str(month)) in locks:
            bad(f"{month} は締め済み（ロック）のため変更できません。管理者に解除を依頼してください")
            continue
        if not can_write_project(actor, info.lead_department, info.related):
            bad(f"この指標（担当: {info.lead_department}）に書き込む権限がありません")
            continue
        checked.append(_Checked(row, info, month, value))
    return checked, errors


def record_actuals(
    session: Session,
    rows: Sequence[ActualInput],
    actor: Actor,
    today: date,
    *,
    source: str = "form",
    is_sample: bool = False,
    all_or_nothing: bool = True,
    require_reason: bool = False,
) -> SaveResult:
    """Validate and save actuals as new revisions, in the caller's transaction.

    Any invalid row raises ActualsRejected before anything is written. A row whose
    ``expected_revision`` is older than the stored one (someone else saved in between) is
    a conflict: with ``all_or_nothing`` the whole save is refused, otherwise that row is
    skipped and reported while the other rows save. A value equal to the current one is
    not saved again. With ``require_reason``, correcting an existing value needs a reason.
    """
    # Hold the fiscal years first: a month lock cannot land between the check and the write.
    hold_years(session, {m.fiscal_year for m in _months(rows)})
    checked, errors = validate_actuals(session, rows, actor, today)
    if errors:
        raise ActualsRejected(errors)
    current = _current_revisions(session, [(c.info.pk, str(c.month)) for c in checked])
    saved: list[tuple[str, str, int]] = []
    unchanged: list[tuple[str, str]] = []
    conflicts: list[Conflict] = []
    for c in checked:
        key = (c.info.pk, str(c.month))
        latest = current.get(key)
        if latest is not None and c.row.expected_revision is not None and latest.revision != c.row.expected_revision:
            conflicts.append(Conflict(c.info.code, str(c.month), latest.value, latest.author, latest.revision))
            continue
        if (
            latest is not None
            and latest.value == c.value
            and latest.note == (c.row.note or "")
            and latest.is_sample == is_sample
        ):
            unchanged.append((c.info.code, str(c.month)))
            continue
        if require_reason and latest is not None and latest.value != c.value and not c.row.reason.strip():
            errors.append(
                RowError(
                    c.row.line,
                    c.info.code,
                    str(c.month),
                    f"既存の値（{latest.value:g}）を変更するには修正理由が必要です",
                )
            )
    if errors:
        raise ActualsRejected(errors)
    if conflicts and all_or_nothing:
        raise ActualsRejected(
            [
                RowError(None, k.indicator_id, k.month, f"{k.their_author} さんが先に {k.their_value:g} を保存しました")
                for k in conflicts
            ]
        )
    skip = {(k.indicator_id, k.month) for k in conflicts} | set(unchanged)
    for c in checked:
        if (c.info.code, str(c.month)) in skip:
            continue
        latest = current.get((c.info.pk, str(c.month)))
        revision = (latest.revision if latest else 0) + 1
        session.add(
            ActualRevision(
                indicator_id=c.info.pk,
                month=str(c.month),
                revision=revision,
                value=c.value,
                note=c.row.note or "",
                reason=c.row.reason or "",
                author=actor.username,
                is_sample=is_sample,
                source=source,
            )
        )
        audit(
            session,
            actor,
            "actual.save",
            f"{c.info.code} {c.month}",
            fiscal_year=c.info.fiscal_year,
            value=c.value,
            previous=latest.value if latest else None,
            revision=revision,
            note=c.row.note,
            reason=c.row.reason,
            source=source,
            sample=is_sample,
        )
        saved.append((c.info.code, str(c.month), revision))
    session.flush()
    return SaveResult(saved, unchanged, conflicts)


def _months(rows: Sequence[ActualInput]) -> list[Month]:
    out = []
    for r in rows:
        try:
            out.append(Month.parse(str(r.month or "").strip()))
        except ValueError:
            continue  # validate_actuals reports it
    return out


@dataclass(frozen=True)
class _Current:
    revision: int
    value: float
    note: str
    author: str
    is_sample: bool


def _current_revisions(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], _Current]:
    if not keys:
        return {}
    ids = sorted({k[0] for k in keys})
    stmt = select(ActualRevision).join(
        *latest(ActualRevision, ActualRevision.indicator_id, ActualRevision.indicator_id.in_(ids))
    )
    wanted = set(keys)
    out = {}
    for r in session.scalars(stmt):
        if (r.indicator_id, r.month) in wanted:
            out[(r.indicator_id, r.month)] = _Current(r.revision, r.value, r.note, r.author, r.is_sample)
    return out
