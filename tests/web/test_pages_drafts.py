"""Issue 22a, drafts stay inside: visitors read 確定 evaluations only; drafts, returned
evaluations, comments and the council papers are for signed-in staff."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from kpi.cycle.evaluations import save_evaluation
from kpi.store.db import make_engine, transaction
from kpi.store.inquiry import apply_action, open_inquiry
from tests.conftest import ADMIN, ROOT

EVAL = "pages/6_evaluation.py"


def _setup(url: str) -> None:
    engine = make_engine(url)
    with transaction(engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        save_evaluation(s, ADMIN, 2026, 1, "A", "確定した評価の理由", "")
        save_evaluation(s, ADMIN, 2026, 2, "B", "下書きの理由", "")
        save_evaluation(s, ADMIN, 2026, 3, "C", "差し戻された理由", "")
    with transaction(engine) as s:
        apply_action(s, ADMIN, 2026, 1, "submit")
        apply_action(s, ADMIN, 2026, 1, "confirm")
        apply_action(s, ADMIN, 2026, 3, "submit")
        apply_action(s, ADMIN, 2026, 3, "return", "数字を直してください")
    engine.dispose()


def _page(signed_in: bool, project: int | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if signed_in:
        at.session_state["kpi_user"] = ADMIN
    at.run()
    at.switch_page(EVAL)
    if project is not None:
        at.query_params["project"] = str(project)
    at.run()
    assert not at.exception, at.exception
    return at


def _all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [str(t.value) for t in at.text]
    parts += [w.value for w in (*at.warning, *at.info, *at.caption)]
    return "\n".join(str(p) for p in parts).replace("<wbr>", "")  # a phrase break is inside the text


def test_a_visitor_reads_confirmed_evaluations_and_no_draft(demo_app: str) -> None:
    _setup(demo_app)
    at = _page(signed_in=False)
    text = _all_text(at)
    assert "確定した評価の理由" in text
    assert "下書きの理由" not in text and "差し戻された理由" not in text
    assert not [b for b in at.get("download_button")]  # the council papers hold drafts
    returned = _all_text(_page(signed_in=False, project=3))
    assert "数字を直してください" not in returned and "差し戻された理由" not in returned


def test_signed_in_staff_read_every_evaluation_and_comment(demo_app: str) -> None:
    _setup(demo_app)
    text = _all_text(_page(signed_in=True))
    assert "下書きの理由" in text and "差し戻された理由" in text
    assert "数字を直してください" in _all_text(_page(signed_in=True, project=3))


def _state_words(at: AppTest) -> tuple[set[str], str]:
    """The labels of the 総括's state counts and the 総括 table's HTML."""
    labels = {str(m.label) for m in at.metric}
    table = "\n".join(str(m.value) for m in at.markdown if "kpi-council" in str(m.value))
    return labels, table


def test_a_visitor_reads_no_workflow_state_but_confirmed(demo_app: str) -> None:
    """A visitor saw 入力中, 提出済 and 差戻し in the 総括 (counts and table) and in the form's
    header: whose evaluation is a draft or was returned is for staff. They read 確定 / 未確定."""
    _setup(demo_app)
    at = _page(signed_in=False)
    labels, table = _state_words(at)
    assert "確定" in labels and "未確定" in labels
    assert not labels & {"入力中", "提出済", "差戻し", "未着手"}
    counts = {str(m.label): str(m.value) for m in at.metric}
    assert counts["確定"] == "1" and counts["未確定"] == "21"
    assert table and "未確定" in table
    for word in ("入力中", "提出済", "差戻し", "未着手", "期限超過", "⚠"):
        assert word not in table, word
    header = _all_text(_page(signed_in=False, project=3))
    assert "差戻し" not in header.replace("差戻しの評価とコメントは職員のみ", "")  # the page's own notice names them
    assert "未確定" in header


def test_signed_in_staff_read_every_workflow_state(demo_app: str) -> None:
    _setup(demo_app)
    labels, table = _state_words(_page(signed_in=True))
    assert {"入力中", "差戻し", "確定", "未着手"} <= labels and "未確定" not in labels
    assert "差戻し" in table and "入力中" in table
