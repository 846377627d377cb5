"""Issue 22a, the inquiry's defaults: 提出期限 from the plan's 工程表 (R9 April), an admin
chooses the department (labelled), no open button once open, a returned evaluation is
corrected and resubmitted in one step with what happens next said."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from kpi.cycle.evaluations import save_evaluation
from kpi.domain.inquiry import State
from kpi.domain.permissions import Actor
from kpi.store.db import make_engine, transaction
from kpi.store.inquiry import apply_action, evaluation_states, open_inquiry
from tests.conftest import ADMIN, ROOT

INQUIRY = "pages/9_inquiry.py"
EVALUATION = "pages/6_evaluation.py"
BOSS = Actor("boss", "admin")
SHIMIN = Actor("shimin", "editor", ("市民課",))


def _page(actor: Actor, page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["kpi_user"] = actor
    at.run()
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_deadline_defaults_to_the_last_working_day_of_r9_april(demo_app: str) -> None:
    at = _page(BOSS, INQUIRY)
    assert at.date_input(key="inquiry_deadline").value == date(2027, 4, 30)
    assert any(b.label == "照会を開始する" for b in at.button)


def test_an_admin_chooses_the_department_and_it_is_labelled_as_such(demo_app: str) -> None:
    at = _page(BOSS, INQUIRY)
    chooser = at.selectbox(key="inquiry_department")
    assert chooser.value is None and "管理者" in chooser.label
    editor = _page(SHIMIN, INQUIRY)
    assert editor.selectbox(key="inquiry_department").label == "あなたの部署"


def test_once_open_the_open_button_is_gone(demo_app: str) -> None:
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
    engine.dispose()
    at = _page(BOSS, INQUIRY)
    labels = [b.label for b in at.button]
    assert "照会を開始する" not in labels and "照会を終了する" in labels
    assert "提出期限を変更する" in labels
    assert any("2027年4月30日" in i.value for i in at.info)


def test_a_returned_evaluation_is_corrected_and_resubmitted_in_one_step(demo_app: str) -> None:
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        save_evaluation(s, ADMIN, 2026, 4, "B", "当初の理由", "")
    with transaction(engine) as s:
        apply_action(s, ADMIN, 2026, 4, "submit")
        apply_action(s, ADMIN, 2026, 4, "return", "理由を具体的に")
    at = _page(SHIMIN, EVALUATION, project="4")
    assert any("保存して提出する" in c.value for c in at.caption)  # says what happens next
    at.text_area(key="evaluation_reason_4").input("窓口での周知を強化した結果")
    next(b for b in at.button if b.label == "保存して提出する").click()
    at.run()
    assert not at.exception, at.exception
    assert any("管理者が確認" in s.value for s in at.success)
    with transaction(engine) as s:
        assert evaluation_states(s, 2026)[4].state is State.SUBMITTED
    engine.dispose()


def test_an_editor_signing_in_after_an_admin_in_the_same_browser_sees_their_own_department(demo_app: str) -> None:
    # The admin's chooser starts empty; the same session (sign-out, sign-in) then belongs to
    # 市民課's editor, who must see 市民課's list, not an empty chooser inherited from the admin.
    at = _page(BOSS, INQUIRY)
    assert at.selectbox(key="inquiry_department").value is None
    at.session_state["kpi_user"] = SHIMIN
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="inquiry_department").value == "市民課"
    assert not at.warning or all("Session State" not in w.value for w in at.warning)


def test_an_editor_signing_in_on_the_evaluation_page_starts_on_their_own_project(demo_app: str) -> None:
    """A visitor looks at 01; 市民課's editor signs in in the same browser: the form shows 04
    (市民課's first project), not 01 that nobody of 市民課 may write. Choosing 05 then stays."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(EVALUATION)
    at.run()
    assert at.selectbox(key="evaluation_project").value == 1
    at.session_state["kpi_user"] = SHIMIN
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="evaluation_project").value == 4
    at.selectbox(key="evaluation_project").select(5)
    at.run()
    assert at.selectbox(key="evaluation_project").value == 5
