"""Why a status is 注意 or 遅延: the latest note behind it and the latest self-assessment.

Pure over ``PlanData``: for each indicator, the latest note entered with an actual up to the
as-of month; for each project, the latest self-assessment comment up to the as-of month and
the notes of its indicators. Pages, the report and the workbook show this text beside every
注意/遅延 chip, with month and department, as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.domain.fiscal import Month
from kpi.domain.frames import is_missing
from kpi.domain.plan import PlanData
from kpi.domain.status import Status, severity
from kpi.text.catalog import t
from kpi.text.fmt import percent
from kpi.text.labels import month_label, paren, status_text

NEEDS_REASON = frozenset({Status.CAUTION.value, Status.DELAYED.value})


@dataclass(frozen=True)
class Note:
    month: str  # YYYY-MM
    text: str
    department: str
    kind: str  # "note" (with an actual) or "assessment" (self-assessment comment)
    subject: str = ""  # the indicator's name for a note shown at project level

    def line(self, lang: str = "ja") -> str:
        """「2026年10月・市民課 実績メモ: …」 (plain text; escape before Markdown)."""
        kind = t(f"why_kind_{self.kind}", lang)
        if self.subject:
            kind = paren(kind, self.subject, lang)
        return t("why_note_line", lang).format(
            month=month_label(self.month, lang), department=self.department, kind=kind, text=self.text
        )


@dataclass(frozen=True)
class Why:
    """What explains one status: which items are 注意/遅延 (for a project), the latest note
    and the latest self-assessment comment."""

    note: Note | None = None
    assessment: Note | None = None
    causes: tuple[str, ...] = ()  # e.g. 「遅延: マイルストーン 運用開始（2026年6月予定・未完了）」

    def lines(self, lang: str = "ja") -> list[str]:
        return [*self.causes, *(n.line(lang) for n in (self.note, self.assessment) if n is not None)]

    def text(self, lang: str = "ja") -> str:
        return " ／ ".join(self.lines(lang))


def _departments(data: PlanData) -> dict[int, str]:
    return {
        int(no): str(d) for no, d in zip(data.projects["project_no"], data.projects["lead_department"], strict=True)
    }


def latest_notes(data: PlanData, as_of: Month) -> dict[str, Note]:
    """Each indicator's latest non-empty note entered with an actual up to ``as_of``."""
    departments = _departments(data)
    project_of = dict(zip(data.indicators["code"], data.indicators["project_no"], strict=True))
    out: dict[str, Note] = {}
    cutoff = str(as_of)
    a = data.actuals  # columns as lists: iterating rows of Arrow-backed frames costs more than the loop
    for code, month, note in zip(a["code"].tolist(), a["month"].tolist(), a["note"].tolist(), strict=True):
        if is_missing(note) or month > cutoff or code not in project_of:
            continue
        if code not in out or month >= out[code].month:
            out[code] = Note(month, str(note).strip(), departments[int(project_of[code])], "note")
    return out


def latest_assessments(data: PlanData, as_of: Month) -> dict[int, Note]:
    """Each project's latest self-assessment with a comment up to ``as_of``."""
    departments = _departments(data)
    out: dict[int, Note] = {}
    cutoff = str(as_of)
    for no, month, comment in data.assessments[["project_no", "month", "comment"]].itertuples(index=False):
        if is_missing(comment) or month > cutoff:
            continue
        key = int(no)
        if key not in out or month >= out[key].month:
            out[key] = Note(month, str(comment).strip(), departments[key], "assessment")
    return out


def why_indicators(data: PlanData, as_of: Month) -> dict[str, Why]:
    """Per indicator id: its latest note and its project's latest self-assessment."""
    notes = latest_notes(data, as_of)
    assessments = latest_assessments(data, as_of)
    return {
        str(code): Why(notes.get(str(code)), assessments.get(int(no)))
        for code, no in zip(data.indicators["code"], data.indicators["project_no"], strict=True)
    }


def causes(items: pd.DataFrame, lang: str = "ja") -> dict[int, tuple[str, ...]]:
    """Per project: its indicators and ● milestones that are 注意/遅延, worst first.

    ``items`` is ``kpi.domain.statuses.indicator_statuses``: this names what made a project red.
    """
    out: dict[int, list[tuple[int, str]]] = {}
    # Only the 注意/遅延 rows become dicts (a few hundred of 5,000 at L).
    for r in items.loc[[s in NEEDS_REASON for s in items["status"]]].to_dict("records"):
        label = status_text(r["status"], lang)
        if r["kind"] == "milestone":
            when = month_label(str(r["month"]), lang)
            text = t("why_milestone", lang).format(status=label, name=r["name"], month=when)
        else:
            ratio = percent(r.get("ratio"), missing="")
            text = t("why_indicator", lang).format(status=label, name=r["name"])
            if ratio:
                text = paren(text, t("why_ratio", lang).format(ratio=ratio), lang)
        out.setdefault(int(r["project"]), []).append((severity(r["status"]), text))
    return {no: tuple(t for _, t in sorted(lines, key=lambda x: x[0])) for no, lines in out.items()}


def why_projects(data: PlanData, as_of: Month, items: pd.DataFrame | None = None, lang: str = "ja") -> dict[int, Why]:
    """Per project: the items that are 注意/遅延 (when ``items`` is given), the latest note of
    any of its indicators and its latest self-assessment."""
    notes = latest_notes(data, as_of)
    names = dict(zip(data.indicators["code"], data.indicators["name"], strict=True))
    assessments = latest_assessments(data, as_of)
    latest: dict[int, Note] = {}
    for code, no in zip(data.indicators["code"], data.indicators["project_no"], strict=True):
        note = notes.get(str(code))
        if note is not None and (int(no) not in latest or note.month >= latest[int(no)].month):
            latest[int(no)] = Note(note.month, note.text, note.department, note.kind, str(names[code]))
    found = causes(items, lang) if items is not None else {}
    return {
        int(no): Why(latest.get(int(no)), assessments.get(int(no)), found.get(int(no), ()))
        for no in data.projects["project_no"]
    }
