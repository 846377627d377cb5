"""Why a status is 注意/遅延, and how statuses changed month by month (issue: year-end cycle)."""

from __future__ import annotations

from itertools import pairwise

from streamlit.testing.v1 import AppTest

from kpi.domain.fiscal import Month
from kpi.domain.statuses import HISTORY_KEYS, project_statuses, status_changes, status_history
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.db import make_engine, transaction
from kpi.store.reads import plan_data
from kpi.text.why import why_indicators, why_projects
from tests.conftest import ADMIN, ROOT, TODAY

OCTOBER = Month(2026, 10)
NOTE = "システム改修の遅れにより10月の公開が11月にずれ込んだ"


def _data(engine):  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        return plan_data(s, 2026)


def test_latest_note_and_self_assessment_explain_a_delayed_indicator(demo_engine) -> None:  # type: ignore[no-untyped-def]
    with transaction(demo_engine) as s:
        record_actuals(
            s, [ActualInput("01-online-procedures", "2026-10", 74, note=NOTE, reason="再集計")], ADMIN, TODAY
        )
    data = _data(demo_engine)
    why = why_indicators(data, OCTOBER)["01-online-procedures"]
    assert why.note is not None and why.note.text == NOTE
    assert why.note.month == "2026-10" and why.note.department == "経営戦略課"
    text = why.text()
    assert text.startswith("2026年10月・経営戦略課 実績メモ: " + NOTE)
    # As of September the October note did not exist yet.
    earlier = why_indicators(data, Month(2026, 9))["01-online-procedures"]
    assert earlier.note is None or earlier.note.text != NOTE


def test_project_why_names_the_indicator_behind_the_note(demo_engine) -> None:  # type: ignore[no-untyped-def]
    with transaction(demo_engine) as s:
        record_actuals(
            s, [ActualInput("01-online-procedures", "2026-10", 74, note=NOTE, reason="再集計")], ADMIN, TODAY
        )
    data = _data(demo_engine)
    why = why_projects(data, OCTOBER)[1]
    assert why.note is not None and why.note.subject == "公開しているオンライン申請の手続き数"
    assert NOTE in why.text() and "（公開しているオンライン申請の手続き数）" in why.text()


def test_status_history_has_a_column_per_month_and_matches_each_months_status(demo_engine) -> None:  # type: ignore[no-untyped-def]
    data = _data(demo_engine)
    history = status_history(data, OCTOBER)
    months = [c for c in history.columns if c.startswith("2026-")]
    assert months == [f"2026-{m:02d}" for m in range(4, 11)]
    june = project_statuses(data, Month(2026, 6)).set_index("id")["status"]
    assert list(history["2026-06"]) == [june[int(i)] for i in history["id"]]
    # Before April there is nothing to show yet.
    assert [c for c in status_history(data, Month(2026, 3)).columns if c.startswith("20")] == []


def test_status_changes_list_the_months_a_status_changed(demo_engine) -> None:  # type: ignore[no-untyped-def]
    data = _data(demo_engine)
    history = status_history(data, OCTOBER)
    for no in history["id"]:
        row = history.set_index("id").loc[no]
        changes = status_changes(history, int(no))
        months = [c for c in row.index if c not in HISTORY_KEYS]
        expected = [(m, row[p], row[m]) for p, m in pairwise(months) if row[m] != row[p]]
        assert changes == expected


def test_every_delayed_project_on_the_measure_page_shows_its_reason(demo_app: str) -> None:
    engine = make_engine(demo_app)
    data = _data(engine)
    engine.dispose()
    projects = project_statuses(data, OCTOBER)
    why = why_projects(data, OCTOBER)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    checked = 0
    for measure in data.measures["measure_no"]:
        at.switch_page("pages/1_measures.py")
        at.query_params["measure"] = str(measure)
        at.run()
        assert not at.exception
        html = "\n".join(m.value for m in at.markdown).replace("<wbr>", "")  # phrase breaks are inside the text
        for p in projects[(projects["measure_no"] == measure) & (projects["status"] == "delayed")].to_dict("records"):
            reason = why[int(p["id"])].text()
            assert reason, p["id"]
            assert reason.split(": ", 1)[1][:10] in html
            checked += 1
    assert checked >= 5  # the sample data has several 遅延 projects


def test_a_project_red_because_of_a_milestone_names_it(demo_engine) -> None:  # type: ignore[no-untyped-def]
    from kpi.domain.statuses import indicator_statuses

    data = _data(demo_engine)
    items = indicator_statuses(data, OCTOBER)
    why = why_projects(data, OCTOBER, items)[3]  # 03 窓口DX: indicator on track, milestone of June overdue
    assert project_statuses(data, OCTOBER).set_index("id").loc[3, "status"] == "delayed"
    assert why.causes[0] == "× 遅延: マイルストーン 電子申請システムの運用開始（2026年6月予定・未完了）"
    assert why.lines()[0] == why.causes[0]


def test_report_pdf_xlsx_and_page_show_why_and_status_by_month(demo_app: str) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from kpi.reports.content import Scope
    from kpi.reports.service import load_inputs, report_bytes

    engine = make_engine(demo_app)
    inputs = load_inputs(engine, 2026)
    engine.dispose()
    assert inputs is not None
    cause = "× 遅延: マイルストーン 電子申請システムの運用開始（2026年6月予定・未完了）"

    pdf = report_bytes(inputs, OCTOBER, Scope.parse("all"), "pdf", TODAY)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "注意・遅延の理由" in text and cause.replace(" ", "") in text.replace(" ", "")
    assert "月別の状況（各月末時点）" in text

    book = load_workbook(io.BytesIO(report_bytes(inputs, OCTOBER, Scope.parse("all"), "xlsx", TODAY)))
    why = {row[0]: row for row in book["理由"].iter_rows(min_row=2, values_only=True)}
    assert cause in why["03 窓口DXの推進"][3] and why["03 窓口DXの推進"][2] == "× 遅延"
    history = list(book["月別の状況"].iter_rows(values_only=True))
    assert history[0] == ("実施事業", "4月", "5月", "6月", "7月", "8月", "9月", "10月")
    row3 = next(r for r in history if r[0] == "03 窓口DXの推進")
    assert row3[1:] == ("○ 順調", "○ 順調", "△ 注意", "× 遅延", "× 遅延", "× 遅延", "× 遅延")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/5_reports.py").run()
    assert not at.exception
    assert any(h.value == "注意・遅延の理由" for h in at.subheader)
    texts = [str(m.value).replace("<wbr>", "") for m in at.markdown]  # phrase breaks are inside the text
    assert any("電子申請システムの運用開始（2026年6月予定・未完了）" in text for text in texts)
