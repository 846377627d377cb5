"""No text can break an export (issue 21, item 6): every C0 control character and DEL goes
through every write path (entry form, CSV and XLSX import, inquiry workbook, self-assessment,
期末評価, plan file, accounts, department contacts, sign-in) on SQLite and PostgreSQL; all but
line feed and tab are refused with the message naming the field, nothing is stored, and then
every export is made. A row stored before the rule (written straight into the database) can
no longer break any export either."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, text

from kpi.cycle.council import council_papers
from kpi.cycle.evaluations import save_evaluation
from kpi.cycle.inquiry_sheet import import_inquiry, inquiry_workbook
from kpi.domain.fiscal import Month
from kpi.reports.content import Scope
from kpi.reports.service import load_inputs, report_bytes, schedule_bytes
from kpi.services import admin_page
from kpi.services.actuals_form import CellInput, submit_month
from kpi.services.assessments import save_assessments
from kpi.services.bulk_import import submit_import
from kpi.store.accounts import AuthError, login
from kpi.store.audit_query import AuditFilter, audit_csv
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, transaction
from kpi.store.inquiry import set_department_email
from kpi.store.writes import with_retry
from tests.conftest import ADMIN, ROOT, TODAY

CHARS = [chr(c) for c in range(0x20)] + ["\x7f"]  # the 32 C0 characters and DEL
ALLOWED = {"\t", "\n"}
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # what must never be stored
CODE = "04-mynumber-card-rate"  # 市民課's indicator of project 04
SHEET_04 = "04 マイナンバーカードの普及・啓発"
AS_OF = Month.parse("2026-10")
TWO_LEVEL = ROOT / "tests" / "plans" / "fictional_two_level.yaml"


def _excel_escape(c: str) -> str:
    """How Excel stores a control character in a cell (XML cannot hold it)."""
    return f"_x{ord(c):04X}_"


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- the write paths
# Each writes text holding ``c`` and returns the message of the refusal, or None when saved.


def _form(engine: Engine, c: str, tmp: Path) -> None:
    cell = CellInput(CODE, "80", note=f"メモ{c}です", reason=f"訂正{ord(c)}", loaded_revision=None)
    submit_month(engine, ADMIN, 2026, AS_OF, [cell], TODAY)


def _csv(engine: Engine, c: str, tmp: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerows(
        [["indicator_id", "month", "value", "note", "reason"], [CODE, "2026-10", "80", f"メモ{c}です", "訂正"]]
    )
    submit_import(engine, ADMIN, buf.getvalue().encode("utf-8"), "actuals.csv", TODAY, reason="訂正")


def _xlsx_import(engine: Engine, c: str, tmp: Path) -> None:
    rows = [
        ["indicator_id", "month", "value", "note", "reason"],
        [CODE, "2026-10", 80, f"メモ{_excel_escape(c)}です", "訂正"],
    ]
    submit_import(engine, ADMIN, _xlsx(rows), "actuals.xlsx", TODAY, reason="訂正")


_EXPORTED: dict[int, bytes] = {}  # the workbook per database, exported again after a save


def _inquiry(engine: Engine, c: str, tmp: Path) -> None:
    if id(engine) not in _EXPORTED:
        with transaction(engine) as s:
            _EXPORTED[id(engine)] = inquiry_workbook(s, 2026, "市民課")
    content = _EXPORTED[id(engine)]
    wb = load_workbook(io.BytesIO(content))
    ws = wb[SHEET_04]
    rating = next(x.row for x in ws["A"] if x.value == "実績の検証評価") + 1
    ws[f"A{rating}"], ws[f"B{rating}"] = "B 概ね達成", f"理由{_excel_escape(c)}です"
    buf = io.BytesIO()
    wb.save(buf)
    with_retry(engine, import_inquiry, ADMIN, buf.getvalue(), 2026, "市民課")
    del _EXPORTED[id(engine)]  # saved: the next workbook must carry the new version


def _assessment(engine: Engine, c: str, tmp: Path) -> None:
    save_assessments(engine, ADMIN, 2026, AS_OF, [(4, "caution", f"コメント{c}です")], TODAY)


def _evaluation(engine: Engine, c: str, tmp: Path) -> None:
    with_retry(engine, save_evaluation, ADMIN, 2026, 4, "B", f"理由{c}です", f"課題{c}です")


def _account(engine: Engine, c: str, tmp: Path) -> None:
    n = ord(c)
    for fields in (
        {"username": f"user{n}{c}x"},
        {"display_name": f"表示{c}名"},
        {"email": f"a{n}{c}b@example.jp"},
        {"departments": f"市民{c}課"},
    ):
        args = {
            "username": f"u{n}-{len(fields)}-{next(iter(fields))}",
            "display_name": "",
            "email": "",
            "departments": "",
        }
        args |= fields
        with_retry(
            engine, admin_page.add_account, ADMIN, args["username"], "kpi-Test-2026!", "viewer", args["departments"],
            args["display_name"], args["email"],
        )  # fmt: skip


def _contact(engine: Engine, c: str, tmp: Path) -> None:
    with_retry(engine, set_department_email, ADMIN, "市民課", f"shimin{ord(c)}{c}@example.jp")
    with_retry(engine, set_department_email, ADMIN, f"市民{c}課", "shimin@example.jp")


def _plan(engine: Engine, c: str, tmp: Path) -> None:
    raw = yaml.safe_load(TWO_LEVEL.read_text(encoding="utf-8"))
    raw["projects"][0]["name"] = f"事業{c}名"
    path = tmp / f"plan_{ord(c)}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")  # "\e", "\0" … as YAML escapes
    import_plan(engine, path, ADMIN, replace=True)


PATHS: dict[str, tuple[Callable[[Engine, str, Path], None], str]] = {
    "form": (_form, "備考"),
    "csv": (_csv, "備考"),
    "xlsx": (_xlsx_import, "備考"),
    "inquiry": (_inquiry, "左記の状況・理由等"),
    "assessment": (_assessment, "自己評価のコメント"),
    "evaluation": (_evaluation, "左記の状況・理由等"),
    "account": (_account, "利用者名"),
    "contact": (_contact, "メールアドレス"),
    "plan": (_plan, "名称"),
}


# Fields whose own rule refuses line breaks and tabs too (a user name, an address, a name in the plan).
STRICTER = {"account", "contact", "plan"}


def _stored_text(engine: Engine) -> list[str]:
    """Every text stored in the tables people write (a control character would show here)."""
    queries = [
        "SELECT note FROM actual_revisions", "SELECT reason FROM actual_revisions",
        "SELECT comment FROM assessments", "SELECT reason FROM evaluations", "SELECT new_issues FROM evaluations",
        "SELECT username FROM users", "SELECT display_name FROM users", "SELECT coalesce(email, '') FROM users",
        "SELECT department FROM department_contacts", "SELECT email FROM department_contacts",
        "SELECT name FROM projects",
    ]  # fmt: skip
    with engine.connect() as conn:
        return [str(v) for q in queries for (v,) in conn.execute(text(q))]


def every_export(engine: Engine) -> dict[str, bytes]:
    """Every file the product writes from the database; each is opened again to prove it is whole."""
    inputs = load_inputs(engine, 2026)
    assert inputs is not None
    files = {
        "report.xlsx": report_bytes(inputs, AS_OF, Scope(), "xlsx", TODAY),
        "schedule.xlsx": schedule_bytes(inputs, Scope(), "xlsx"),
        "audit.csv": audit_csv(engine, ADMIN, AuditFilter(), ["日時", "利用者", "操作", "対象", "内容"]),
    }
    with transaction(engine) as s:
        files["council.xlsx"] = council_papers(s, 2026, AS_OF, "xlsx", TODAY)
        files["inquiry-市民課.xlsx"] = inquiry_workbook(s, 2026, "市民課")  # the department written to
    for name, data in files.items():
        if name.endswith(".xlsx"):
            wb = load_workbook(io.BytesIO(data), read_only=True)
            cells = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]
            assert not [v for v in cells if isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v)], name
        else:
            assert not ILLEGAL_CHARACTERS_RE.search(data.decode("utf-8-sig")), name
    return files


@pytest.mark.parametrize("path", list(PATHS))
def test_each_control_character_is_refused_on_every_write_path_and_every_export_is_made(
    path: str, engine: Engine, tmp_path: Path
) -> None:
    write, field = PATHS[path]
    import_plan(engine, TWO_LEVEL if path == "plan" else DEFAULT_PLAN, ADMIN)
    # The inquiry workbook reads Excel's CR (CR LF) line breaks as line feeds, as it always did.
    allowed = ALLOWED | ({"\r"} if path == "inquiry" else set())
    wrong: list[str] = []
    for c in CHARS:
        before = _stored_text(engine)
        try:
            write(engine, c, tmp_path)
        except AuthError:
            raise
        except Exception as exc:  # every refusal is a ValueError subclass with a Japanese message
            message = str(exc)
            if type(exc).__module__.startswith(("psycopg", "sqlalchemy")) or not isinstance(exc, ValueError):
                wrong.append(f"U+{ord(c):04X}: internal error {type(exc).__name__}: {message}")
            elif c in allowed:
                if path not in STRICTER:
                    wrong.append(f"U+{ord(c):04X} refused: {message}")
            elif f"U+{ord(c):04X}" not in message or field not in message or "制御文字" not in message:
                wrong.append(f"U+{ord(c):04X}: message does not name the field {field}: {message}")
            elif _stored_text(engine) != before:
                wrong.append(f"U+{ord(c):04X}: refused but something was stored")
        else:
            if c not in allowed:
                wrong.append(f"U+{ord(c):04X} stored through {path}")
    assert wrong == []
    assert not [t for t in _stored_text(engine) if CONTROL_RE.search(t)]


def test_after_text_through_every_path_every_export_is_made(engine: Engine, tmp_path: Path) -> None:
    """Line feed and tab saved through every path (the refused characters are refused above),
    then every export: each opens again and holds no control character."""
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    for path, (write, _) in PATHS.items():
        if path == "plan":
            continue  # it replaces the plan: checked on its own above
        for c in sorted(ALLOWED):
            try:
                write(engine, c, tmp_path)
            except ValueError:
                assert path in STRICTER
        for c in CHARS[:3]:
            with pytest.raises(ValueError, match="制御文字"):
                write(engine, c, tmp_path)
    assert any("\t" in t for t in _stored_text(engine)) and any("\n" in t for t in _stored_text(engine))
    every_export(engine)


def test_sign_in_with_a_control_character_is_refused_as_a_wrong_login(engine: Engine) -> None:
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    for c in ("\x00", "\x1b", "\x7f"):  # each try costs an argon2 verification
        with pytest.raises(AuthError):  # never psycopg.DataError for NUL on PostgreSQL
            login(engine, f"test{c}admin", "wrong-password-1")


def test_rows_stored_before_the_rule_no_longer_break_any_export(engine: Engine) -> None:
    """Old rows with every control character PostgreSQL can hold (all but NUL; SQLite: all)."""
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    bad = "".join(c for c in CHARS if engine.dialect.name == "sqlite" or c != "\x00")
    stmts = [
        "INSERT INTO actual_revisions (indicator_id, month, revision, value, note, reason, author, is_sample, source, "
        "created_at) SELECT id, '2026-10', 1, 80, :bad, :bad, :bad, false, 'form', CURRENT_TIMESTAMP FROM indicators "
        "WHERE code = :code",
        "INSERT INTO assessments (project_id, month, revision, status, comment, author, created_at, is_sample) "
        "SELECT id, '2026-10', 1, 'caution', :bad, :bad, CURRENT_TIMESTAMP, false FROM projects WHERE no = 4",
        "INSERT INTO evaluations (project_id, revision, rating, reason, new_issues, author, created_at) "
        "SELECT id, 1, 'B', :bad, :bad, 'old', CURRENT_TIMESTAMP FROM projects WHERE no = 4",
        "UPDATE projects SET name = name || :bad, summary = :bad WHERE no = 4",
        "UPDATE indicators SET name = name || :bad WHERE code = :code",
        "UPDATE milestones SET text = :bad",
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (CURRENT_TIMESTAMP, :bad, 'actual.save', "
        ":bad, '{}')",
    ]
    with engine.begin() as conn:
        for stmt in stmts:
            # One parameter per column: PostgreSQL types each from its column (text, varchar).
            n = stmt.count(":bad")
            for i in range(n):
                stmt = stmt.replace(":bad", f":b{i}_", 1)
            conn.execute(text(stmt), {"code": CODE} | {f"b{i}_": f"旧{bad}データ" for i in range(n)})
    files = every_export(engine)
    assert set(files) >= {"report.xlsx", "schedule.xlsx", "council.xlsx", "audit.csv", "inquiry-市民課.xlsx"}
    wb = load_workbook(io.BytesIO(files["inquiry-市民課.xlsx"]), read_only=True)
    assert [ws.title for ws in wb.worksheets if ws.title.startswith("04 ")] == [  # the old name, without controls
        "04 マイナンバーカードの普及・啓発旧データ"
    ]


def test_searching_the_history_for_a_control_character_finds_nothing_and_raises_nothing(engine: Engine) -> None:
    """No stored text holds a refused character, so a search for one finds no row: on PostgreSQL
    a NUL in the query was a DataError (an error page instead of an empty list)."""
    from kpi.store.audit_query import audit_page

    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        assert audit_page(s, ADMIN, AuditFilter(text="plan")).rows.shape[0] > 0  # the import is found
        for c in ("\x00", "\x1b", "\x7f"):
            assert audit_page(s, ADMIN, AuditFilter(text=f"pl{c}an")).rows.empty
    audit_csv(engine, ADMIN, AuditFilter(text="\x00"), ["日時", "利用者", "操作", "対象", "内容"])


def test_account_commands_refuse_a_control_character_in_the_user_name_with_a_message(engine: Engine) -> None:
    """set_password, disable and role changes look the name up: a NUL was a psycopg DataError."""
    from kpi.store import accounts

    import_plan(engine, DEFAULT_PLAN, ADMIN)
    for act in (
        lambda s: accounts.set_password(s, ADMIN, "shi\x00min", "correct-horse-battery-9"),
        lambda s: accounts.disable_user(s, ADMIN, "shi\x00min"),
    ):
        with pytest.raises(accounts.AccountError, match="制御文字"), transaction(engine) as s:
            act(s)
