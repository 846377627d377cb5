"""AppTest of the year-end cycle as people do it: the admin opens the inquiry on
「あなたの課の照会」 → a 市民課 editor fills in and submits project 04 on 期末評価 → the admin
returns it with a comment → the editor corrects and resubmits → the admin confirms → 総括
shows 確定. Also what the editor's page lists, and the admin's reminders and e-mails."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from kpi.cycle.evaluations import save_evaluation
from kpi.domain.inquiry import State
from kpi.domain.permissions import Actor
from kpi.store.audit import audit_frame
from kpi.store.db import make_engine, transaction
from kpi.store.evaluations import current_evaluations
from kpi.store.inquiry import department_emails, evaluation_states, open_inquiry
from tests.conftest import ADMIN, ROOT

EVALUATION = "pages/6_evaluation.py"
INQUIRY = "pages/9_inquiry.py"
BOSS = Actor("boss", "admin")
SHIMIN = Actor("shimin", "editor", ("市民課",))


def _as(at: AppTest, actor: Actor, page: str, **query: str) -> AppTest:
    at.session_state["kpi_user"] = actor
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _start(actor: Actor) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["kpi_user"] = actor
    at.run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def _success(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def _states(url: str) -> dict[int, State]:
    engine = make_engine(url)
    with transaction(engine) as s:
        out = {n: i.state for n, i in evaluation_states(s, 2026).items()}
    engine.dispose()
    return out


def _summary_row(at: AppTest, project: str) -> str:
    tables = [str(m.value).replace("<wbr>", "") for m in at.markdown]  # phrase breaks are inside the text
    html = next(t for t in tables if t.startswith('<table class="kpi-table') and "<thead><tr><th>実施事業" in t)
    return next(row for row in html.split("<tr") if project in row)


def test_the_whole_year_end_cycle(demo_app: str) -> None:
    at = _start(BOSS)
    _as(at, BOSS, INQUIRY)
    at.date_input(key="inquiry_deadline").set_value(date(2027, 4, 30))
    _click(at, "照会を開始する")
    assert "各課照会を開始しました。" in _success(at)
    assert any("受付中（提出期限 2027年4月30日）" in c.value for c in at.caption)  # one date format (issue 22a)

    # the 市民課 editor fills in project 04 and submits it
    _as(at, SHIMIN, EVALUATION, project="4")
    assert at.selectbox(key="evaluation_project").value == 4
    assert any(m.value == "**状態**: 未着手" for m in at.markdown)
    at.radio(key="evaluation_rating_4").set_value("B")
    at.text_area(key="evaluation_reason_4").input("保有率は目標に届かない見込み")
    _click(at, "保存")
    assert "保存しました（第1版）" in _success(at)
    assert any(m.value == "**状態**: 入力中" for m in at.markdown)
    _click(at, "提出する")
    assert "提出しました" in _success(at)
    assert _states(demo_app)[4] is State.SUBMITTED
    assert any("管理者の確認を待っています" in i.value for i in at.info)
    assert not [b for b in at.button if b.label in ("差し戻す", "確定する")]  # editors cannot

    # the admin returns it with a comment
    _as(at, BOSS, EVALUATION)
    at.text_area(key="evaluation_return_comment_4").input("年度末の保有率を数字で書いてください")
    _click(at, "差し戻す")
    assert "差し戻しました" in _success(at)
    assert _states(demo_app)[4] is State.RETURNED

    # the editor sees the comment, corrects and resubmits
    _as(at, SHIMIN, EVALUATION)
    assert any("年度末の保有率を数字で書いてください" in w.value for w in at.warning)
    at.text_area(key="evaluation_reason_4").input("年度末の保有率は88.2%（目標89%）")
    _click(at, "保存")
    assert "保存しました（第2版）" in _success(at)
    _click(at, "提出する")

    # the admin confirms; the form is read-only; 総括 shows 確定
    _as(at, BOSS, EVALUATION)
    _click(at, "確定する")
    assert "確定しました" in _success(at)
    assert _states(demo_app)[4] is State.CONFIRMED
    _as(at, SHIMIN, EVALUATION)
    assert any("読み取り専用" in i.value for i in at.info)
    assert not [f for f in at.text_area if f.key == "evaluation_reason_4"]
    row = _summary_row(at, "04 マイナンバーカードの普及・啓発")
    assert "確定" in row and "B 概ね達成" in row and "88.2%" in row
    assert any(m.label == "確定" and m.value == "1" for m in at.metric)
    assert [b.proto.label for b in at.get("download_button")] == ["懇話会資料 PDF", "懇話会資料 Excel"]
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        actions = list(audit_frame(s)["action"])
        reason = current_evaluations(s, 2026).set_index("project_no").loc[4, "reason"]
    engine.dispose()
    assert reason == "年度末の保有率は88.2%（目標89%）"
    for action in ("inquiry.open", "evaluation.submit", "evaluation.return", "evaluation.confirm"):
        assert action in actions


def test_editor_page_lists_what_the_department_owes_with_links(demo_app: str) -> None:
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        save_evaluation(s, ADMIN, 2026, 5, "A", "", "")
    engine.dispose()
    at = _as(_start(SHIMIN), SHIMIN, INQUIRY)
    assert at.selectbox(key="inquiry_department").options == ["市民課"]
    assert any(m.value == "**期末評価（2）**" for m in at.markdown)
    links = [link.proto.label for link in at.get("page_link") if "期末評価（" in link.proto.label]
    assert links == [
        "04 マイナンバーカードの普及・啓発: 期末評価（未着手）",
        "05 コンビニ交付サービス: 期末評価（入力中）",
    ]
    assert [b.proto.label for b in at.get("download_button")] == ["照会シートをダウンロード"]
    assert not [h for h in at.header if "管理者" in h.value]  # no admin section for editors
    _click(at, "05 コンビニ交付サービス の期末評価を提出する")
    assert "提出しました" in _success(at)
    assert _states(demo_app)[5] is State.SUBMITTED
    assert not [b for b in at.button if b.label.endswith("を提出する")]


def test_admin_sees_reminders_ready_to_copy_and_sets_an_email(demo_app: str) -> None:
    at = _as(_start(BOSS), BOSS, INQUIRY)
    codes = [c.value for c in at.code]
    assert any(c.startswith("【DXアクションプラン】経営戦略課の未対応項目") for c in codes)
    at.selectbox(key="department_email_department").set_value("市民課")
    at.text_input(key="department_email_address").input("shimin@example.jp")
    next(b for b in at.button if b.label == "連絡先を保存").click()
    at.run()
    assert "連絡先を保存しました。" in _success(at)
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        assert department_emails(s) == {"市民課": "shimin@example.jp"}
    engine.dispose()


def test_admin_sets_a_department_email_on_the_plan_admin_page(demo_app: str) -> None:
    at = _as(_start(BOSS), BOSS, "pages/8_admin.py")
    assert any(h.value == "部署の連絡先" for h in at.subheader) or any("連絡先" in h.value for h in at.subheader)
    at.selectbox(key="department_email_department").set_value("市民課")
    at.text_input(key="department_email_address").input("shimin@example.jp")
    next(b for b in at.button if b.label == "連絡先を保存").click()
    at.run()
    assert "連絡先を保存しました。" in _success(at)
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        assert department_emails(s) == {"市民課": "shimin@example.jp"}
    engine.dispose()
