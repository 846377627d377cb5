"""The inquiry workbook round trip: export in the 工程表 layout with input cells, fill it in
as a spreadsheet program would (openpyxl), import all or nothing; tampering, another
department or year, conflicts, formulas and untouched workbooks."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from kpi.cli.main import main
from kpi.cycle.evaluations import save_evaluation
from kpi.cycle.inquiry_sheet import (
    CHANGE,
    CONFLICT,
    INFO_SHEET,
    UNCHANGED,
    InquiryImportRejected,
    import_inquiry,
    inquiry_workbook,
    preview_inquiry_import,
    preview_table,
)
from kpi.domain.inquiry import State
from kpi.domain.permissions import Actor
from kpi.store.audit import audit_frame
from kpi.store.db import make_engine, transaction
from kpi.store.evaluations import current_evaluations
from kpi.store.inquiry import apply_action, evaluation_states, open_inquiry
from tests.conftest import ADMIN

CITIZENS = Actor("shimin", "editor", ("市民課",))
ACCOUNTING = Actor("kaikei", "editor", ("会計課",))
SHEET_04 = "04 マイナンバーカードの普及・啓発"
SHEET_05 = "05 コンビニ交付サービス"


def _export(engine: Engine, department: str = "市民課", year: int = 2026) -> bytes:
    with transaction(engine) as s:
        return inquiry_workbook(s, year, department)


def _block_rows(ws) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    rating = next(c.row for c in ws["A"] if c.value == "実績の検証評価") + 1
    issues = next(c.row for c in ws["A"] if c.value == "新たに生じた課題や特に留意すべき状況の変化等") + 1
    return rating, issues


def _fill(content: bytes, sheet: str, rating: str | None, reason: str | None, issues: str | None = None) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    r, i = _block_rows(ws)
    ws[f"A{r}"], ws[f"B{r}"], ws[f"A{i}"] = rating, reason, issues
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edit_info(content: bytes, label: str, value: object) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb[INFO_SHEET]
    for row in ws.iter_rows():
        if row[0].value == label:
            row[1].value = value
        elif label == "version" and row[0].value == 4:
            row[2].value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _evaluations(engine: Engine) -> dict[int, tuple[str, str, str]]:
    with transaction(engine) as s:
        ev = current_evaluations(s, 2026)
    return {int(r.project_no): (r.rating, r.reason, r.new_issues) for r in ev.itertuples()}


def test_workbook_has_the_departments_projects_input_cells_a_drop_down_and_a_hidden_sheet(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        save_evaluation(s, ADMIN, 2026, 4, "B", '=HYPERLINK("http://x")', "+課題")
    wb = load_workbook(io.BytesIO(_export(plan_engine)))
    assert wb.sheetnames == [SHEET_04, SHEET_05, INFO_SHEET]
    assert wb[INFO_SHEET].sheet_state == "hidden"
    ws = wb[SHEET_04]
    r, i = _block_rows(ws)
    assert ws[f"A{r}"].value == "B 概ね達成"
    # evaluation text that starts like a formula is written as text, never as a formula
    assert ws[f"B{r}"].value == '\'=HYPERLINK("http://x")' and ws[f"B{r}"].data_type == "s"
    assert ws[f"A{i}"].value == "'+課題"
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and str(dv.sqref) == f"A{r}"
    assert dv.formula1 == '"A 達成,B 概ね達成,C 未達成,D 評価不能"'
    info = {row[0]: row[1] for row in wb[INFO_SHEET].iter_rows(values_only=True)}
    assert info["fiscal_year"] == 2026 and info["department"] == "市民課"
    assert ws["A1"].value.startswith("草津市DXアクションプランの取組に係る工程表")  # the 工程表 layout


def test_untouched_workbook_imports_as_no_change(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        save_evaluation(s, ADMIN, 2026, 4, "B", "=1+1 と（全角）表記", "")
    content = _export(plan_engine)
    with transaction(plan_engine) as s:
        preview = import_inquiry(s, ADMIN, content, 2026)
    assert [r.outcome for r in preview.rows] == [UNCHANGED, UNCHANGED]
    with transaction(plan_engine) as s:
        assert evaluation_states(s, 2026)[4].state is State.IN_PROGRESS
        assert current_evaluations(s, 2026)["revision"].tolist() == [1]


def test_filled_workbook_is_saved_trimmed_and_normalised_as_input_without_an_inquiry(plan_engine: Engine) -> None:
    content = _fill(_export(plan_engine), SHEET_04, "B 概ね達成", "　年度末の保有率は８８．２％\n ", "ＡＩ窓口の検討 ")
    with transaction(plan_engine) as s:
        preview = preview_inquiry_import(s, CITIZENS, content, 2026)
    assert [(r.project_no, r.outcome) for r in preview.rows] == [(4, CHANGE), (5, UNCHANGED)]
    assert _evaluations(plan_engine) == {}  # a preview writes nothing
    with transaction(plan_engine) as s:
        import_inquiry(s, CITIZENS, content, 2026, "市民課", source="shimin.xlsx")
    assert _evaluations(plan_engine) == {4: ("B", "年度末の保有率は88.2%", "AI窓口の検討")}
    with transaction(plan_engine) as s:
        assert evaluation_states(s, 2026)[4].state is State.IN_PROGRESS
        log = audit_frame(s)
    entry = log[log["action"] == "inquiry.import"].iloc[0]
    assert entry["actor"] == "shimin" and entry["detail"] == {"file": "shimin.xlsx", "changed": [4]}


def test_tampered_hidden_sheet_is_refused(plan_engine: Engine) -> None:
    content = _fill(_export(plan_engine), SHEET_04, "A 達成", "達成")
    for label, value in (("version", 7), ("department", "会計課"), ("fiscal_year", 2027), ("signature", "0" * 64)):
        with pytest.raises(InquiryImportRejected, match="書き換えられています"), transaction(plan_engine) as s:
            import_inquiry(s, ADMIN, _edit_info(content, label, value), 2026)
    wb = load_workbook(io.BytesIO(content))
    del wb[INFO_SHEET]
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(InquiryImportRejected, match="照会シートではありません"), transaction(plan_engine) as s:
        import_inquiry(s, ADMIN, buf.getvalue(), 2026)
    with pytest.raises(InquiryImportRejected, match="Excelファイル"), transaction(plan_engine) as s:
        import_inquiry(s, ADMIN, b"project,rating\n4,A\n", 2026)
    assert _evaluations(plan_engine) == {}


def test_another_departments_or_years_workbook_is_refused(plan_engine: Engine) -> None:
    accounting = _fill(_export(plan_engine, "会計課"), "06 キャッシュレス決済対応の推進", "A 達成", "導入済み")
    with pytest.raises(InquiryImportRejected, match="会計課の照会シートです"), transaction(plan_engine) as s:
        import_inquiry(s, ADMIN, accounting, 2026, "市民課")
    with pytest.raises(InquiryImportRejected, match="取り込めません"), transaction(plan_engine) as s:
        import_inquiry(s, CITIZENS, accounting, 2026)
    with pytest.raises(InquiryImportRejected, match="2026年度の照会シートです"), transaction(plan_engine) as s:
        import_inquiry(s, ADMIN, accounting, 2027)
    with transaction(plan_engine) as s:
        import_inquiry(s, ACCOUNTING, accounting, 2026)
    assert _evaluations(plan_engine) == {6: ("A", "導入済み", "")}


def test_conflicting_edit_refuses_the_whole_workbook_and_shows_both_versions(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        save_evaluation(s, CITIZENS, 2026, 4, "B", "第1版", "")
    exported = _export(plan_engine)
    with transaction(plan_engine) as s:  # someone saves in the form after the export
        save_evaluation(s, ADMIN, 2026, 4, "C", "画面で修正", "")
    content = _fill(_fill(exported, SHEET_04, "A 達成", "シートで修正"), SHEET_05, "B 概ね達成", "05も記入")
    with transaction(plan_engine) as s:
        preview = preview_inquiry_import(s, CITIZENS, content, 2026)
    (conflict,) = [r for r in preview.rows if r.outcome == CONFLICT]
    assert conflict.project_no == 4 and "第1版 → 現在 第2版" in conflict.message
    assert (conflict.workbook.rating, conflict.workbook.reason) == ("A", "シートで修正")
    assert (conflict.database.rating, conflict.database.reason) == ("C", "画面で修正")
    with pytest.raises(InquiryImportRejected, match="競合"), transaction(plan_engine) as s:
        import_inquiry(s, CITIZENS, content, 2026)
    assert _evaluations(plan_engine) == {4: ("C", "画面で修正", "")}  # 05 was not saved either
    # the project the database changed but the sheet left alone is no conflict
    with transaction(plan_engine) as s:
        import_inquiry(s, CITIZENS, _fill(exported, SHEET_05, "B 概ね達成", "05も記入"), 2026)
    assert _evaluations(plan_engine)[5] == ("B", "05も記入", "")


def test_upload_preview_follows_the_language(plan_engine: Engine) -> None:
    """The preview on あなたの課の照会: column labels, outcomes, ratings and messages in the visitor's language."""
    exported = _export(plan_engine)
    content = _fill(_fill(exported, SHEET_04, "A 達成", "シートで記入"), SHEET_05, "E 不明", "理由")
    with transaction(plan_engine) as s:
        preview = preview_inquiry_import(s, CITIZENS, content, 2026)
    en = preview_table(preview, "en", {4: "04 My Number card"})
    assert list(en.columns) == [
        "Project",
        "Result",
        "Workbook: Rating",
        "Workbook: Situation and reasons",
        "Database: Rating",
        "Database: Situation and reasons",
        "Comment",
    ]
    row4, row5 = (en[en["Project"].str.startswith(n)].iloc[0] for n in ("04", "05"))
    assert row4["Project"] == "04 My Number card"  # the plan's own label when given
    assert (row4["Result"], row4["Workbook: Rating"], row4["Database: Rating"]) == (
        "Import",
        "A Achieved",
        "Not filled",
    )
    assert row4["Comment"] == "Will be imported" and row4["Workbook: Situation and reasons"] == "シートで記入"
    assert row5["Result"] == "Error" and row5["Comment"].startswith("Choose the rating from the list (A 達成")
    assert not any("\u3040" <= ch <= "\u30ff" for ch in "".join(en.columns))  # no kana in an English header
    ja = preview_table(preview, "ja")
    assert list(ja.columns)[:2] == ["実施事業", "結果"]
    ja4 = ja[ja["実施事業"].str.startswith("04")].iloc[0]
    assert (ja4["結果"], ja4["照会シート: 実績の検証評価"], ja4["コメント"]) == ("取り込む", "A 達成", "取り込みます")
    assert (
        ja[ja["実施事業"].str.startswith("05")].iloc[0]["コメント"].startswith("実績の検証評価を一覧から選んでください")
    )


def test_formulas_ratings_off_the_scale_and_submitted_evaluations_are_refused(plan_engine: Engine) -> None:
    exported = _export(plan_engine)
    formula = _fill(exported, SHEET_04, "A 達成", '=A1&"達成"')
    with pytest.raises(InquiryImportRejected, match=r"セル B\d+ に数式があります"), transaction(plan_engine) as s:
        import_inquiry(s, ADMIN, formula, 2026)
    with pytest.raises(InquiryImportRejected, match="一覧から選んでください"), transaction(plan_engine) as s:
        import_inquiry(s, ADMIN, _fill(exported, SHEET_04, "E 不明", "理由"), 2026)
    with pytest.raises(InquiryImportRejected, match="空欄"), transaction(plan_engine) as s:
        import_inquiry(s, ADMIN, _fill(exported, SHEET_04, None, "理由だけ"), 2026)
    with transaction(plan_engine) as s:  # typed by hand: the code alone, full-width
        import_inquiry(s, ADMIN, _fill(exported, SHEET_04, "Ｂ", "手入力"), 2026)
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        apply_action(s, CITIZENS, 2026, 4, "submit")
    again = _fill(_export(plan_engine), SHEET_04, "A 達成", "提出後に変更")
    with pytest.raises(InquiryImportRejected, match="提出済のため変更できません"), transaction(plan_engine) as s:
        import_inquiry(s, CITIZENS, again, 2026)
    assert _evaluations(plan_engine) == {4: ("B", "手入力", "")}


def test_inquiry_sheet_and_import_inquiry_commands(
    demo_app: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "市民課.xlsx"
    assert main(["inquiry-sheet", "--department", "市民課", "--out", str(out)]) == 0
    assert main(["import-inquiry", str(out)]) == 0
    assert "変更はありません" in capsys.readouterr().out
    out.write_bytes(_fill(out.read_bytes(), SHEET_05, "C 未達成", "設置店舗が減少"))
    assert main(["import-inquiry", str(out), "--department", "会計課"]) == 1
    assert "市民課の照会シートです" in capsys.readouterr().err
    assert main(["import-inquiry", str(out)]) == 0
    assert "1件を取り込みました" in capsys.readouterr().out
    assert main(["inquiry-sheet", "--department", "存在しない課", "--out", str(tmp_path / "x.xlsx")]) == 1
    engine = make_engine(demo_app)
    assert _evaluations(engine) == {5: ("C", "設置店舗が減少", "")}
    engine.dispose()
