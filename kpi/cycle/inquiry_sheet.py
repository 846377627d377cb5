"""The inquiry workbook the departments fill in: their projects in the 工程表 layout
(kpi.reports.schedule_sheet) with the 期末評価 block as input cells, and a hidden sheet that
names the fiscal year, the department, the projects and the version (revision) of each
evaluation at export, signed with the server's key so that an edited hidden sheet is refused.

Reading it back is all or nothing: every project is checked (rating on the scale, text
length, state, no formulas), an untouched project is no change, and a project whose
evaluation changed in the database since the export is a conflict with both versions shown.
Text is trimmed and NFKC-normalised (full-width letters and digits become half-width).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kpi.cycle.evaluations import MAX_TEXT, save_evaluation
from kpi.domain.inquiry import OPEN_STATES
from kpi.domain.permissions import Actor, can_write_project
from kpi.domain.plan import PlanData
from kpi.domain.rating import rating_scale
from kpi.reports.schedule_sheet import schedule_xlsx, sheet_name
from kpi.store.audit import audit
from kpi.store.evaluations import current_evaluations, evaluation_revision, latest_evaluation
from kpi.store.inquiry import InquiryRejected, evaluation_states, signing_key
from kpi.store.reads import plan_data, project_by_no, use_year_scale
from kpi.text import archive
from kpi.text.catalog import t
from kpi.text.cellsafe import DANGEROUS_PREFIXES, cell_text, neutralise
from kpi.text.control import MESSAGE_KEY as CONTROL_KEY
from kpi.text.control import first_control
from kpi.text.labels import state_label
from kpi.text.rating import rating_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORMAT = "kpi-inquiry-1"
INFO_SHEET = "照会情報"
RATING_HEAD = "実績の検証評価"
ISSUES_HEAD = "新たに生じた課題や特に留意すべき状況の変化等"
INPUT_FILL = "FFF8E1"  # pale yellow: the cells to fill in


class InquiryImportRejected(ValueError):
    """The workbook was not imported; ``errors`` lists every reason, in Japanese."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# ---------------------------------------------------------------- export


def _department_projects(data: PlanData, department: str) -> list[int]:
    own = data.projects[data.projects["lead_department"] == department]
    return [int(n) for n in own["project_no"]]


def departments(data: PlanData) -> list[str]:
    """Departments that lead at least one project (those that receive an inquiry)."""
    return sorted({str(d) for d in data.projects["lead_department"]})


def _signature(key: bytes, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def _payload(year: int, department: str, projects: list[tuple[int, str, int]]) -> dict[str, Any]:
    return {"format": FORMAT, "fiscal_year": year, "department": department, "projects": [list(p) for p in projects]}


@dataclass(frozen=True)
class BlockCells:
    rating: str  # e.g. "A27"
    reason: str
    issues: str


def _block(ws: Worksheet) -> BlockCells | None:
    """The 期末評価 input cells, found by their headings (rows may have been inserted above)."""
    rating_row = issues_row = None
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.value == RATING_HEAD:
            rating_row = cell.row + 1
        elif cell.value == ISSUES_HEAD:
            issues_row = cell.row + 1
    if rating_row is None or issues_row is None:
        return None
    return BlockCells(f"A{rating_row}", f"B{rating_row}", f"A{issues_row}")


def inquiry_workbook(session: Session, year: int, department: str) -> bytes:
    """The department's inquiry workbook (works whether or not an inquiry is open)."""
    data = plan_data(session, year)
    if data is None:
        raise InquiryRejected(f"{year}年度の計画がありません")
    nos = _department_projects(data, department)
    if not nos:
        raise InquiryRejected(f"{department} が担当する実施事業は{data.label}の計画にありません")
    evaluations = current_evaluations(session, year).set_index("project_no")
    wb = load_workbook(io.BytesIO(schedule_xlsx(data, nos)))
    scale = rating_scale()
    names = data.projects.set_index("project_no")["project_name"]
    codes = data.projects.set_index("project_no")["project_code"]
    listed: list[tuple[int, str, int]] = []
    for no in nos:
        title = sheet_name(str(codes.loc[no]), str(names.loc[no]))
        ws = wb[title]
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)
        block = _block(ws)
        assert block is not None, "the 工程表 layout always has the 期末評価 block"
        has = no in evaluations.index
        ws[block.rating] = rating_text(str(evaluations.loc[no, "rating"])) if has else None
        ws[block.reason] = neutralise(str(evaluations.loc[no, "reason"])) if has else None
        ws[block.issues] = neutralise(str(evaluations.loc[no, "new_issues"])) if has else None
        for ref in (block.rating, block.reason, block.issues):
            ws[ref].fill = PatternFill("solid", fgColor=INPUT_FILL)
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(r.text for r in scale) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=RATING_HEAD,
            error="一覧から選んでください",
            promptTitle=RATING_HEAD,
            prompt="一覧から選んでください",
            showInputMessage=True,
        )
        ws.add_data_validation(dv)
        dv.add(block.rating)
        listed.append((no, title, int(evaluations.loc[no, "revision"]) if has else 0))
    info = wb.create_sheet(INFO_SHEET)
    info.sheet_state = "hidden"
    payload = _payload(year, department, listed)
    info.append(["format", FORMAT])
    info.append(["fiscal_year", year])
    info.append(["department", neutralise(department)])
    info.append(["exported_at", datetime.now(UTC).isoformat(timespec="seconds")])
    info.append(["signature", _signature(signing_key(session), payload)])
    info.append(["project_no", "sheet", "version"])
    for no, title, version in listed:
        info.append([no, neutralise(title), version])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook_filename(year: int, department: str) -> str:
    return f"各課照会_{year}_{department}.xlsx"


# ---------------------------------------------------------------- reading back


def _clean(value: Any) -> str:
    """Cell text as stored: trimmed, NFKC, the apostrophe our export added removed."""
    if value is None:
        return ""
    text = cell_text(str(value))
    if text.startswith("'") and text[1:].startswith(DANGEROUS_PREFIXES):
        text = text[1:]
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()


@dataclass(frozen=True)
class SheetEntry:
    project_no: int
    sheet: str
    version: int
    rating: str  # as typed (cleaned); "" when empty
    reason: str
    new_issues: str


@dataclass(frozen=True)
class ParsedWorkbook:
    year: int
    department: str
    entries: tuple[SheetEntry, ...]


def _info(wb: Any) -> tuple[dict[str, Any], list[tuple[Any, Any, Any]]]:
    ws = wb[INFO_SHEET]
    meta: dict[str, Any] = {}
    projects: list[tuple[Any, Any, Any]] = []
    in_table = False
    for row in ws.iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        if in_table:
            projects.append((row[0], row[1] if len(row) > 1 else None, row[2] if len(row) > 2 else None))
        elif row[0] == "project_no":
            in_table = True
        else:
            meta[str(row[0])] = row[1] if len(row) > 1 else None
    return meta, projects


def parse_workbook(content: bytes, key: bytes) -> ParsedWorkbook:
    """Read and verify the workbook; formulas are refused, never evaluated. The file is
    measured before it is opened (``kpi.text.archive``: size, parts, inflated size, ratio)."""
    try:
        archive.check_xlsx(content)
    except archive.ArchiveRefused as exc:
        raise InquiryImportRejected([str(exc)]) from None
    try:
        wb = load_workbook(io.BytesIO(content), data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise InquiryImportRejected([f"Excelファイル（.xlsx）として読めません: {exc}"]) from exc
    large = [m for ws in wb.worksheets if (m := archive.sheet_too_large(ws.title, ws.max_row, ws.max_column))]
    if large:
        raise InquiryImportRejected(large)
    if INFO_SHEET not in wb.sheetnames:
        raise InquiryImportRejected([f"照会シートではありません（{INFO_SHEET}シートがありません）"])
    meta, rows = _info(wb)
    tampered = InquiryImportRejected(
        [f"{INFO_SHEET}シートが書き換えられています。書き出したままの照会シートに入力してください"]
    )
    try:
        year = int(meta["fiscal_year"])
        department = _clean(meta["department"])
        projects = [(int(no), _clean(sheet), int(version)) for no, sheet, version in rows]
        signature = str(meta["signature"])
    except (KeyError, TypeError, ValueError) as exc:
        raise tampered from exc
    if meta.get("format") != FORMAT or not hmac.compare_digest(
        signature, _signature(key, _payload(year, department, projects))
    ):
        raise tampered
    errors: list[str] = []
    entries: list[SheetEntry] = []
    for no, sheet, version in projects:
        if sheet not in wb.sheetnames:
            errors.append(f"{no:02d}: シート「{sheet}」がありません")
            continue
        ws = wb[sheet]
        block = _block(ws)
        if block is None:
            errors.append(f"{no:02d}: シート「{sheet}」に期末評価の欄が見つかりません")
            continue
        values: dict[str, str] = {}
        for name, ref in (("rating", block.rating), ("reason", block.reason), ("new_issues", block.issues)):
            cell = ws[ref]
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                errors.append(
                    f"{no:02d}: シート「{sheet}」のセル {ref} に数式があります。"
                    "数式は取り込めません（値を入力してください）"
                )
                continue
            values[name] = _clean(cell.value)
        if len(values) == 3:
            entries.append(SheetEntry(no, sheet, version, values["rating"], values["reason"], values["new_issues"]))
    if errors:
        raise InquiryImportRejected(errors)
    return ParsedWorkbook(year, department, tuple(entries))


def _rating_code(typed: str) -> str | None:
    """The scale code of what was typed or picked: "A", "A 達成", "A達成" or "達成"."""
    if not typed:
        return None
    for r in rating_scale():
        label = unicodedata.normalize("NFKC", r.text)
        if typed in (r.code, label, label.replace(" ", ""), unicodedata.normalize("NFKC", r.label)):
            return r.code
    first = typed.split()[0]
    return first if first in {r.code for r in rating_scale()} else None


# ---------------------------------------------------------------- preview and import

CHANGE, UNCHANGED, CONFLICT, ERROR = "change", "unchanged", "conflict", "error"


def outcome_label(outcome: str, lang: str = "ja") -> str:
    """「取り込む」 / "Import" for change, and so on for unchanged, conflict, error."""
    return t(f"inq_outcome_{outcome}", lang)


@dataclass(frozen=True)
class Note:
    """One sentence of a preview row: a catalog key and its values (worded in either language)."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "ja") -> str:
        values = {k: v(lang) if callable(v) else v for k, v in self.values}
        return t(self.key, lang).format(**values)


def _note(key: str, **values: Any) -> Note:
    return Note(key, tuple(values.items()))


@dataclass(frozen=True)
class Version:
    rating: str
    reason: str
    new_issues: str

    def same(self, other: Version) -> bool:
        n = _clean
        return (self.rating, n(self.reason), n(self.new_issues)) == (other.rating, n(other.reason), n(other.new_issues))


EMPTY = Version("", "", "")


@dataclass(frozen=True)
class PreviewRow:
    project_no: int
    project_name: str
    outcome: str  # change | unchanged | conflict | error
    notes: tuple[Note, ...]
    workbook: Version
    database: Version

    def message_in(self, lang: str = "ja") -> str:
        """The row's sentences in ``lang`` (「変更はありません」, or every problem found)."""
        return t("inq_msg_join", lang).join(n.text(lang) for n in self.notes)

    @property
    def message(self) -> str:
        return self.message_in("ja")


@dataclass(frozen=True)
class InquiryPreview:
    year: int
    department: str
    rows: tuple[PreviewRow, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> list[str]:
        return [
            f"{r.project_no:02d} {r.project_name}: {outcome_label(r.outcome)} — {r.message}"
            for r in self.rows
            if r.outcome in (CONFLICT, ERROR)
        ]

    @property
    def changes(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.outcome == CHANGE]


def _revision(session: Session, project_id: int, revision: int) -> Version:
    if revision <= 0:
        return EMPTY
    ev = evaluation_revision(session, project_id, revision)
    return EMPTY if ev is None else Version(ev.rating, ev.reason, ev.new_issues)


def _latest(session: Session, project_id: int) -> tuple[int, Version]:
    ev = latest_evaluation(session, project_id)
    return (0, EMPTY) if ev is None else (ev.revision, Version(ev.rating, ev.reason, ev.new_issues))


def preview_inquiry_import(
    session: Session, actor: Actor, content: bytes, year: int, department: str | None = None
) -> InquiryPreview:
    """Check a filled workbook against the database; nothing is written.

    ``department``: the department the upload is for (the page's choice, the CLI's
    --department); an editor may only import a department of their own.
    """
    parsed = parse_workbook(content, signing_key(session))
    if parsed.year != year:
        raise InquiryImportRejected([f"{parsed.year}年度の照会シートです。{year}年度の照会シートを使ってください"])
    if department is not None and parsed.department != department:
        raise InquiryImportRejected([f"{parsed.department}の照会シートです。{department}の照会シートを使ってください"])
    if not actor.is_admin and parsed.department not in actor.departments:
        raise InquiryImportRejected(
            [
                f"{parsed.department}の照会シートは取り込めません"
                f"（あなたの所属: {'・'.join(actor.departments) or 'なし'}）"
            ]
        )
    states = evaluation_states(session, year)
    use_year_scale(session, year)  # the workbook's ratings are read in the plan's own list
    codes = {r.code for r in rating_scale()}
    rows: list[PreviewRow] = []
    not_ours = _note("inq_msg_not_department", department=parsed.department)
    for entry in parsed.entries:
        project = project_by_no(session, year, entry.project_no)
        if project is None or project.lead_department != parsed.department:
            rows.append(PreviewRow(entry.project_no, "", ERROR, (not_ours,), EMPTY, EMPTY))
            continue
        code = _rating_code(entry.rating)
        typed = Version(code or entry.rating, entry.reason, entry.new_issues)
        exported = _revision(session, project.id, entry.version)
        revision, current = _latest(session, project.id)

        def row(outcome: str, *notes: Note, p: Any = project, w: Version = typed, c: Version = current) -> PreviewRow:
            return PreviewRow(p.no, p.name, outcome, notes, w, c)

        if typed.same(exported) or typed.same(current):
            rows.append(row(UNCHANGED, _note("inq_msg_unchanged")))
            continue
        if revision != entry.version:
            rows.append(row(CONFLICT, _note("inq_msg_conflict", exported=entry.version, current=revision)))
            continue
        problems = []
        if code is None or code not in codes:
            allowed = " / ".join(r.text for r in rating_scale())
            typed_text: Any = entry.rating or partial(t, "inq_msg_blank")
            problems.append(_note("inq_msg_rating", allowed=allowed, typed=typed_text))
        for key, text in (("inq_col_reason", entry.reason), ("inq_col_new_issues", entry.new_issues)):
            if len(text) > MAX_TEXT:
                problems.append(_note("inq_msg_too_long", label=partial(t, key), max=MAX_TEXT, n=len(text)))
            if (control := first_control(text)) is not None:
                problems.append(_note(CONTROL_KEY, field=partial(t, key), char=control[0], pos=control[1]))
        state = states[project.no].state
        if state not in OPEN_STATES:
            problems.append(_note("inq_msg_state", state=partial(state_label, state)))
        if not can_write_project(actor, project.lead_department, project.related_departments):
            problems.append(_note("inq_msg_no_permission"))
        rows.append(row(ERROR, *problems) if problems else row(CHANGE, _note("inq_msg_change")))
    return InquiryPreview(year, parsed.department, tuple(rows))


def preview_table(
    preview: InquiryPreview, lang: str = "ja", project_labels: Mapping[int, str] | None = None
) -> pd.DataFrame:
    """The upload preview as the page shows it: one row per project, every label and word in ``lang``.

    ``project_labels``: project number → its label as the plan prints it (``PlanData.project_labels``).
    """
    labels = project_labels or {}
    keys = ("inq_workbook", "inq_database", "ev_rating", "ev_reason")
    workbook, database, rating, reason = (t(k, lang) for k in keys)
    rows = preview.rows
    return pd.DataFrame(
        {
            t("project", lang): [labels.get(r.project_no, f"{r.project_no:02d} {r.project_name}") for r in rows],
            t("inq_outcome", lang): [outcome_label(r.outcome, lang) for r in rows],
            f"{workbook}: {rating}": [rating_text(r.workbook.rating or None, lang) for r in rows],
            f"{workbook}: {reason}": [r.workbook.reason for r in rows],
            f"{database}: {rating}": [rating_text(r.database.rating or None, lang) for r in rows],
            f"{database}: {reason}": [r.database.reason for r in rows],
            t("ev_comment", lang): [r.message_in(lang) for r in rows],
        }
    )


def import_inquiry(
    session: Session, actor: Actor, content: bytes, year: int, department: str | None = None, source: str = ""
) -> InquiryPreview:
    """Save every changed evaluation of the workbook (as 入力中), or nothing at all."""
    preview = preview_inquiry_import(session, actor, content, year, department)
    if preview.errors:
        raise InquiryImportRejected(preview.errors)
    for r in preview.changes:
        save_evaluation(session, actor, year, r.project_no, r.workbook.rating, r.workbook.reason, r.workbook.new_issues)
    audit(
        session,
        actor,
        "inquiry.import",
        f"{year}/{preview.department}",
        file=source,
        changed=[r.project_no for r in preview.changes],
    )
    return preview


__all__ = [
    "InquiryImportRejected",
    "InquiryPreview",
    "departments",
    "import_inquiry",
    "inquiry_workbook",
    "outcome_label",
    "preview_inquiry_import",
    "preview_table",
    "workbook_filename",
]
