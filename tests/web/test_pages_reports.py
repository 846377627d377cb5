"""AppTest of レポート and 期末評価: no exception, scope changes the content, downloads present,
editors write their own projects only, viewers read."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from kpi.domain.permissions import Actor
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.db import make_engine, transaction
from kpi.store.evaluations import current_evaluations
from tests.conftest import ADMIN, ROOT, TODAY
from tests.web.charts_on import show_charts

REPORTS = "pages/5_reports.py"
EVALUATION = "pages/6_evaluation.py"


def _open(page: str, user: Actor | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    at.switch_page(page)
    if user is not None:
        at.session_state["kpi_user"] = user
    at.run()
    assert not at.exception, at.exception
    return at


def test_report_page_shows_all_and_scope_changes_content(demo_app: str) -> None:
    at = _open(REPORTS)
    assert "進捗レポート" in at.title[0].value
    assert any("対象 全体" in m.value for m in at.markdown)
    # The charts as pictures loaded at once (printing showed plotly charts below the window as
    # empty boxes); plotly on demand.
    pictures = [m.value for m in at.markdown if m.value.startswith('<div class="kpi-chart">')]
    assert len(pictures) == 11 and all('loading="eager"' in p for p in pictures)
    assert not at.get("plotly_chart")
    assert len(show_charts(at).get("plotly_chart")) == 11
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Excel", "工程表 Excel（1事業1シート）", "工程表 PDF（1事業1ページ）"]
    made = [b.label for b in at.main.button if b.key and b.key.startswith("reports_make_")]
    assert made == ["PDF（A4横）を作成", "グラフ画像（PNG・zip）を作成"]
    # Issue 22: the downloads sit at the top of the page, not below the sidebar's login form.
    assert not [b for b in at.sidebar.button if b.key and b.key.startswith("reports_")]
    assert not at.sidebar.get("download_button")
    # The counts in the legend's order, as in the PDF (not pandas' order by count).
    counts = next(m.value for m in at.markdown if "順調" in m.value and "・" in m.value and "<" not in m.value)
    assert counts.startswith("○ 順調") and counts.index("注意") < counts.index("遅延") < counts.index("基準値未設定")
    at.sidebar.radio(key="reports_scope_kind").set_value("measure").run()
    at.sidebar.selectbox(key="reports_scope_measure").set_value("measure:2").run()
    assert not at.exception
    assert any("対象 重点施策② マイナンバーカードの普及促進・利用の促進" in m.value for m in at.markdown)
    charts = at.get("plotly_chart")  # the switch stays on
    assert len(charts) == 2
    assert "マイナンバーカード保有率" in json.loads(charts[0].proto.spec)["layout"]["title"]["text"]


def test_evaluation_page_editor_saves_own_project_viewer_reads(demo_app: str) -> None:
    at = _open(EVALUATION)
    assert "閲覧のみ" in " ".join(c.value for c in at.caption)
    assert not [r for r in at.radio if r.key and r.key.startswith("evaluation_rating")]
    at = _open(EVALUATION, Actor("shimin", "editor", ("市民課",)))
    at.selectbox(key="evaluation_project").set_value(4).run()
    at.radio(key="evaluation_rating_4").set_value("B")
    at.text_area(key="evaluation_reason_4").input("保有率は順調に推移")
    at.button(key="evaluation_save_4").click().run()
    assert not at.exception, at.exception
    assert any("保有率は順調に推移" in m.value.replace("<wbr>", "") for m in at.markdown)  # <wbr> between phrases
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["B 概ね達成"] == "1" and metrics["未記入"] == "21"
    at.selectbox(key="evaluation_project").set_value(1).run()  # 経営戦略課's project: read only
    assert "閲覧のみ" in " ".join(c.value for c in at.caption)
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        ev = current_evaluations(s, 2026)
    engine.dispose()
    assert list(ev["project_no"]) == [4] and ev.iloc[0]["author"] == "shimin"


def test_report_pdf_is_made_with_progress_and_never_stale_after_a_write(demo_app: str) -> None:
    at = _open(REPORTS)
    at.sidebar.radio(key="reports_scope_kind").set_value("measure").run()
    at.sidebar.selectbox(key="reports_scope_measure").set_value("measure:2").run()
    at.button(key="reports_make_pdf").click().run()
    assert not at.exception, at.exception
    assert not [b for b in at.main.button if b.key == "reports_make_pdf"]  # replaced by the download
    labels = [b.proto.label for b in at.get("download_button")]
    assert "PDF（A4横）" in labels
    # Made once per data version and scope: another session gets the same file at once.
    other = _open(REPORTS)
    other.sidebar.radio(key="reports_scope_kind").set_value("measure").run()
    other.sidebar.selectbox(key="reports_scope_measure").set_value("measure:2").run()
    assert "PDF（A4横）" in [b.proto.label for b in other.get("download_button")]
    at.run()  # the made file stays downloadable while nothing changes
    assert "PDF（A4横）" in [b.proto.label for b in at.get("download_button")]
    # A write elsewhere (a new actual) makes the file stale: the page offers to make it again.
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        record_actuals(s, [ActualInput("04-mynumber-card-rate", "2026-11", "87.6")], ADMIN, TODAY)
    engine.dispose()
    at.run()
    assert not at.exception
    assert "PDF（A4横）" not in [b.proto.label for b in at.get("download_button")]
    assert "PDF（A4横）を作成" in [b.label for b in at.main.button]


def test_a_failing_report_shows_a_message_not_a_traceback(demo_app: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import kpi.reports.service as service

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(service, "report_bytes", broken)
    at = _open(REPORTS)
    at.button(key="reports_make_png").click().run()
    assert not at.exception
    assert "作成できませんでした" in " ".join(e.value for e in at.main.error)
    assert "PDF（A4横）を作成" in [b.label for b in at.main.button]
