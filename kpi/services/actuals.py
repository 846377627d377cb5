"""Saving monthly actuals: validation, permissions, revisions and the audit log.

Used by the command line importer, the bulk upload and the entry form alike. An actual is
never overwritten in place: each save adds a revision; the latest revision is current.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from kpi.domain.fiscal import Month, current_month, fiscal_year_label
from kpi.domain.numbers import parse_number
from kpi.domain.permissions import Actor, project_write_refusal
from kpi.domain.status import Status, evaluate_indicator
from kpi.domain.statuses import rule_of, values_by_code
from kpi.store.actual_rows import current_revisions, indicator_rows
from kpi.store.audit import audit
from kpi.store.locks import hold_years, lock_check
from kpi.store.models import ActualRevision
from kpi.store.planfile import default_range
from kpi.store.reads import indicators_with_actuals
from kpi.text.control import CONTROL_RE, control_refusal
from kpi.text.fmt import number
from kpi.text.labels import month_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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
    line: int | None  # the file's line; None for the form (its rows are named, not numbered)
    indicator_id: str
    month: str
    reason: str
    name: str = ""  # the indicator's Japanese name when the id is known

    @property
    def where(self) -> str:
        """The indicator by its Japanese name (or its id) and the month; a file's line first."""
        what = self.name or _short(self.indicator_id)
        month = _month_text(self.month)
        label = f"{what}（{month}）" if what and self.month else what or month
        if self.line is not None:
            return f"{self.line}行目 {label}".rstrip()
        return label

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


def _month_text(text: str) -> str:
    """「2026年10月」 for a month (one month format in all Japanese text), else the text as given."""
    try:
        return month_label(Month.parse(text))
    except ValueError:
        return _short(text)


def _short(text: str, limit: int = 40) -> str:
    """A cell's text in a message: a huge cell is cut, not echoed whole."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f"…（{len(text):,}文字）"


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


MAX_TEXT = 2000  # characters of a note or a correction reason


@dataclass(frozen=True)
class _IndicatorInfo:
    pk: int
    code: str
    name: str
    fiscal_year: int
    unit: str
    min_value: float | None
    max_value: float | None
    lead_department: str
    related: tuple[str, ...]


def _indicator_index(session: Session, codes: set[str] | None = None) -> dict[str, list[_IndicatorInfo]]:
    """Indicators by code, in every fiscal year (a code may recur year after year)."""
    index: dict[str, list[_IndicatorInfo]] = {}
    for pk, code, name, year, unit, low, high, lead, related in indicator_rows(session, codes):
        info = _IndicatorInfo(pk, code, name, year, unit, low, high, lead, tuple(related or ()))
        index.setdefault(code, []).append(info)
    return index


@dataclass(frozen=True)
class _Checked:
    row: ActualInput
    info: _IndicatorInfo
    month: Month
    value: float


def _range_reason(value: float, info: _IndicatorInfo) -> str | None:
    # Indicators loaded before the default bounds have NULL limits: the unit's default applies.
    default_low, default_high = default_range(info.unit)
    low = info.min_value if info.min_value is not None else default_low
    high = info.max_value if info.max_value is not None else default_high
    if value < low:
        if low == 0:
            return f"負の値は使えません（{number(value, info.unit)}）"
        return f"{number(low, info.unit)}未満の値は使えません（{number(value, info.unit)}）"
    if value > high:
        return f"{number(low)}〜{number(high, info.unit)} の範囲外です（{number(value, info.unit)}）"
    return None


def validate_actuals(
    session: Session, rows: Sequence[ActualInput], actor: Actor, today: date
) -> tuple[list[_Checked], list[RowError]]:
    """Check every row (all of them, so that every problem is reported at once)."""
    controls = {id(r): refusal for r in rows if (refusal := _control_refusal(r))}
    # Text with a control character never reaches a query (PostgreSQL refuses NUL in any text).
    codes = {str(r.indicator_id or "").strip() for r in rows}
    index = _indicator_index(session, {c for c in codes if not CONTROL_RE.search(c)})
    locked = lock_check(session)
    now = current_month(today)
    checked: list[_Checked] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int | None] = {}
    for row in rows:
        line = row.line
        code, month_text = str(row.indicator_id or "").strip(), str(row.month or "").strip()
        name = index[code][0].name if code in index else ""

        def bad(
            reason: str, line: int | None = line, code: str = code, month_text: str = month_text, name: str = name
        ) -> None:
            errors.append(RowError(line, code, month_text, reason, name))

        if id(row) in controls:
            # The message names the field; the row is named without the character itself.
            bad(controls[id(row)], code=CONTROL_RE.sub("", code), month_text=CONTROL_RE.sub("", month_text))
            continue
        if not code:
            bad("indicator_id が空です")
            continue
        if code not in index:
            bad(f"不明な指標IDです: {_short(code)}")
            continue
        try:
            month = Month.parse(month_text)
        except ValueError:
            bad(f"month は YYYY-MM 形式で指定してください: {_short(repr(month_text))}")
            continue
        key = (code, str(month))
        if key in seen:
            first = seen[key]
            bad(
                f"{first}行目と同じ指標・月の行が重複しています"
                if first is not None
                else "同じ指標・月が重複しています"
            )
            continue
        seen[key] = line
        matches = [i for i in index[code] if i.fiscal_year == month.fiscal_year]
        if not matches:
            years = "、".join(
                f"{fiscal_year_label(i.fiscal_year)}: {month_label(Month(i.fiscal_year, 4))}〜"
                f"{month_label(Month(i.fiscal_year + 1, 3))}"
                for i in index[code]
            )
            bad(f"{month_label(month)} は指標の年度（{years}）の範囲外です")
            continue
        info = matches[0]
        if month > now:
            bad(f"{month_label(month)} はまだ来ていない月です（今月は {month_label(now)}）")
            continue
        try:
            value = parse_number(row.value, info.unit)
        except ValueError as exc:
            bad(str(exc))
            continue
        reason = _range_reason(value, info)
        if reason:
            bad(reason)
            continue
        too_long = [
            f"{label}は{MAX_TEXT:,}文字以内にしてください（{len(text):,}文字）"
            for label, text in (("備考", row.note or ""), ("修正理由", row.reason or ""))
            if len(text) > MAX_TEXT
        ]
        if too_long:
            bad("。".join(too_long))
            continue
        refusal = locked(info.fiscal_year, month) or project_write_refusal(actor, info.lead_department, info.related)
        if refusal is not None:
            bad(refusal)
            continue
        checked.append(_Checked(row, info, month, value))
    return checked, errors


# The fields of a row as the form and the file's columns name them.
_TEXT_FIELDS = (
    ("indicator_id", "indicator_id"),
    ("month", "month"),
    ("value", "value"),
    ("note", "備考"),
    ("reason", "修正理由"),
)


def _control_refusal(row: ActualInput) -> str | None:
    return next(
        (m for attr, field in _TEXT_FIELDS if (m := control_refusal(field, getattr(row, attr))) is not None), None
    )


def same_value(a: float, b: float) -> bool:
    """Equal as stored numbers: 0.1 + 0.2 typed back as 0.3 is the same value, not a correction."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@dataclass(frozen=True)
class PlannedRow:
    """What saving one checked row would do; the bulk upload's preview shows these."""

    line: int | None
    indicator_id: str
    name: str
    month: str
    value: float
    previous: float | None  # the current value, None when the month has none
    action: str  # new | correction | unchanged | note | sample | conflict
    reason: str  # the correction reason that will be stored
    note: str = ""  # the note that will be stored (a file's empty cell keeps the stored one)


@dataclass(frozen=True)
class ActualsPlan:
    checked: list[_Checked]
    current: dict[tuple[int, str], _Current]
    rows: list[PlannedRow]
    errors: list[RowError]


def plan_actuals(
    session: Session,
    rows: Sequence[ActualInput],
    actor: Actor,
    today: date,
    *,
    is_sample: bool = False,
    require_reason: bool = False,
    require_note: bool = False,
    default_reason: str = "",
    file_notes: bool = False,
) -> ActualsPlan:
    """Check rows and work out what saving them would do, without writing.

    ``file_notes``: the rows come from a file (bulk upload, ``import-actuals``), where an empty
    ``note`` cell keeps the stored note and a cell of just ``-`` (``NOTE_CLEAR``) clears it; in
    the form the note field holds the stored note, so what it holds is stored.

    ``require_reason``: changing an existing value needs a reason (the row's, else
    ``default_reason``). ``require_note``: a new or changed value that makes the indicator
    遅延 as of its month needs a note. These are the form's rules; the bulk upload and
    ``python -m kpi import-actuals`` apply the same ones.
    """
    checked, errors = validate_actuals(session, rows, actor, today)
    current = _current_revisions(session, [(c.info.pk, str(c.month)) for c in checked])
    if file_notes:
        checked = [
            replace(c, row=replace(c.row, note=file_note(c.row.note, current.get((c.info.pk, str(c.month))))))
            for c in checked
        ]
    planned: list[PlannedRow] = []
    for c in checked:
        stored = current.get((c.info.pk, str(c.month)))
        # A withdrawn month has no value: a new one is 新規 (its revision still follows the withdrawal).
        latest_rev = None if stored is not None and stored.withdrawn else stored
        reason = (c.row.reason or "").strip() or default_reason.strip()
        previous = latest_rev.value if latest_rev else None
        if (
            stored is not None
            and c.row.expected_revision is not None
            and stored.revision != c.row.expected_revision
            and not (stored.withdrawn and c.row.expected_revision == 0)  # the form showed no value: none there
        ):
            action = "conflict"
        elif latest_rev is None:
            action = "new"
        elif not same_value(latest_rev.value, c.value):
            action = "correction"
        elif latest_rev.is_sample and not is_sample:
            action = "sample"  # a reported value takes the place of a sample one (no reason needed)
        elif latest_rev.note == (c.row.note or ""):
            action = "unchanged"
        else:
            action = "note"
        if action == "correction" and latest_rev is not None and latest_rev.is_sample and not is_sample:
            action = "sample"  # replacing a sample value is not a correction of a report
        planned.append(
            PlannedRow(
                c.row.line, c.info.code, c.info.name, str(c.month), c.value, previous, action, reason, c.row.note or ""
            )
        )
        if action == "correction" and require_reason and not reason:
            errors.append(
                RowError(
                    c.row.line,
                    c.info.code,
                    str(c.month),
                    f"既存の値（{number(previous, c.info.unit)}）を {number(c.value, c.info.unit)} に変更するには"
                    "修正理由が必要です",
                    c.info.name,
                )
            )
    if require_note:
        errors.extend(_delayed_without_note(session, checked, planned))
    errors.sort(key=lambda e: (e.line is None, e.line or 0))
    return ActualsPlan(checked, current, planned, errors)


WRITES = ("new", "correction", "note", "sample")  # the actions that add a revision
NOTE_CLEAR = "-"  # a file's note cell that clears the stored note (an empty cell keeps it)


def file_note(cell: str | None, stored: Any) -> str:
    """The note a file's cell means: empty keeps ``stored``'s note, ``-`` clears it."""
    text = (cell or "").strip()
    if text == NOTE_CLEAR:
        return ""
    if not text and stored is not None and not stored.withdrawn:
        return str(stored.note or "")
    return cell or ""


DELAYED_NEEDS_NOTE = "この値では「遅延」になります。備考に理由（遅れの原因）を入力してください"


def _delayed_without_note(session: Session, checked: list[_Checked], planned: list[PlannedRow]) -> list[RowError]:
    """Rows that would make their indicator 遅延 as of their month and carry no note."""
    writes = [(c, p) for c, p in zip(checked, planned, strict=True) if p.action in WRITES]
    errors: list[RowError] = []
    for year in sorted({c.info.fiscal_year for c, _ in writes}):
        # Only the indicators written: a save never reads the whole plan.
        frame, actuals = indicators_with_actuals(session, year, sorted({c.info.code for c, _ in writes}))
        stored = values_by_code(actuals)
        indicators = {r["code"]: r for r in frame.to_dict("records")}
        # Each row is judged with the other rows of the same save already in place.
        values = {code: dict(v) for code, v in stored.items()}
        for c in checked:
            if c.info.fiscal_year == year:
                values.setdefault(c.info.code, {})[c.month] = c.value
        for c, _ in writes:
            if c.info.fiscal_year != year or (c.row.note or "").strip() or c.info.code not in indicators:
                continue
            rule = rule_of(indicators[c.info.code])
            if evaluate_indicator(rule, values[c.info.code], c.month, year).status is Status.DELAYED:
                errors.append(RowError(c.row.line, c.info.code, str(c.month), DELAYED_NEEDS_NOTE, c.info.name))
    return errors


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
    require_note: bool = False,
    default_reason: str = "",
    file_notes: bool = False,
) -> SaveResult:
    """Validate and save actuals as new revisions, in the caller's transaction.

    Any invalid row raises ActualsRejected before anything is written. A row whose
    ``expected_revision`` is older than the stored one (someone else saved in between) is
    a conflict: with ``all_or_nothing`` the whole save is refused, otherwise that row is
    skipped and reported while the other rows save. A value equal to the current one is
    not saved again. ``require_reason`` / ``require_note``: see ``plan_actuals``.
    """
    # Hold the fiscal years first: a month lock cannot land between the check and the write.
    hold_years(session, {m.fiscal_year for m in _months(rows)})
    plan = plan_actuals(
        session,
        rows,
        actor,
        today,
        is_sample=is_sample,
        require_reason=require_reason,
        require_note=require_note,
        default_reason=default_reason,
        file_notes=file_notes,
    )
    if plan.errors:
        raise ActualsRejected(plan.errors)
    conflicts = [
        Conflict(p.indicator_id, p.month, theirs.value, theirs.author, theirs.revision)
        for c, p in zip(plan.checked, plan.rows, strict=True)
        if p.action == "conflict" and (theirs := plan.current[(c.info.pk, p.month)])
    ]
    if conflicts and all_or_nothing:
        names = {p.indicator_id: p.name for p in plan.rows}
        raise ActualsRejected(
            [
                RowError(
                    None,
                    k.indicator_id,
                    k.month,
                    f"{k.their_author} さんが先に {number(k.their_value)} を保存しました",
                    names.get(k.indicator_id, ""),
                )
                for k in conflicts
            ]
        )
    saved: list[tuple[str, str, int]] = []
    unchanged: list[tuple[str, str]] = []
    for c, p in zip(plan.checked, plan.rows, strict=True):
        if p.action == "conflict":
            continue
        if p.action == "unchanged":
            unchanged.append((c.info.code, str(c.month)))
            continue
        latest_rev = plan.current.get((c.info.pk, str(c.month)))
        revision = (latest_rev.revision if latest_rev else 0) + 1
        reason = p.reason if p.action == "correction" else (c.row.reason or "").strip()
        session.add(
            ActualRevision(
                indicator_id=c.info.pk,
                month=str(c.month),
                revision=revision,
                value=c.value,
                note=c.row.note or "",
                reason=reason,
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
            previous=latest_rev.value if latest_rev and not latest_rev.withdrawn else None,
            revision=revision,
            note=c.row.note,
            reason=reason,
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
    withdrawn: bool = False  # the latest revision withdrew the month's value (取消)


def _current_revisions(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], _Current]:
    if not keys:
        return {}
    wanted = set(keys)
    out = {}
    for r in current_revisions(session, (k[0] for k in keys)):
        if (r.indicator_id, r.month) in wanted:
            out[(r.indicator_id, r.month)] = _Current(
                r.revision, r.value, r.note, r.author, r.is_sample, bool(r.withdrawn)
            )
    return out
