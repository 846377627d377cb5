"""AppTest of 実績入力, 変更履歴 and 計画管理 as admin, editor and viewer, logging in through
the sidebar form or by setting the session's user."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from streamlit.testing.v1 import AppTest

from kpi.domain.permissions import Actor
from kpi.domain.write_scope import first_writable
from kpi.store import accounts as auth
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.locks import set_month_lock
from kpi.store.reads import actual_history, locked_months, plan_data
from tests.conftest import ADMIN, ROOT

ENTRY = "pages/4_entry.py"
HISTORY = "pages/7_history.py"
ADMIN_PAGE = "pages/8_admin.py"
CARD = "04-mynumber-card-rate"
SHIMIN = Actor("shimin", "editor", ("市民課",))
PASSWORD = "shimin-password-1"


@pytest.fixture
def app_db(app_env: str) -> str:
    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        auth.add_user(s, ADMIN, "shimin", PASSWORD, "editor", ["市民課"])
        auth.add_user(s, ADMIN, "boss", "boss-password-1", "admin")
    engine.dispose()
    return app_env


def _page(path: str, actor: Actor | None = None) -> AppTest:
    # Pages run under app.py (the entrypoint), as in the browser: st.page_link needs it.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if actor is not None:
        at.session_state["kpi_user"] = actor
    at.run()
    return at if path == "app.py" else at.switch_page(path).run()


def _key(month: str, code: str, kind: str = "v") -> str:
    return f"entry_{kind}_{month}_{code}"


def _keys(at: AppTest) -> set[str]:
    return {w.key for w in at.text_input if w.key}


def _submit(at: AppTest, label: str = "まとめて保存") -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def _overview_row(at: AppTest, name: str) -> str:
    """The project's row of the plan tree on 全体概要 (not of the 'changes' table)."""
    return next(line for line in _html(at).split("<tr") if "kpi-indent2" in line and name in line)


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_login_through_the_sidebar_form_then_logout(app_db: str) -> None:
    at = _page(ENTRY)
    assert not at.exception
    assert any("ログインしてください" in i.value for i in at.info)
    at.sidebar.text_input(key="kpi_login_username").input("shimin")
    at.sidebar.text_input(key="kpi_login_password").input("wrong-password")
    next(b for b in at.sidebar.button if b.label == "ログイン").click()
    at.run()
    assert any("違います" in e.value for e in at.sidebar.error)
    at.sidebar.text_input(key="kpi_login_password").input(PASSWORD)
    next(b for b in at.sidebar.button if b.label == "ログイン").click()
    at.run()
    assert not at.exception
    assert at.session_state["kpi_user"] == SHIMIN
    assert "shimin（編集者）" in "\n".join(t.value for t in at.sidebar.text)
    assert _key("2026-10", CARD) in _keys(at)
    at.sidebar.button(key="kpi_logout").click().run()
    assert "kpi_user" not in at.session_state


def test_signing_in_draws_the_page_signed_in_in_the_same_run(app_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a sign-in the app called st.rerun(): a second script run, and the first page after
    signing in took twice as long as a refused sign-in in Chromium (issue 22 item 4). The press
    is handled before the sidebar is drawn: the same run draws the page signed in."""
    import streamlit as st

    reruns: list[object] = []
    real = st.rerun

    def counted(*args: object, **kwargs: object) -> None:
        reruns.append(args)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(st, "rerun", counted)
    at = _page(ENTRY)
    at.sidebar.text_input(key="kpi_login_username").input("shimin")
    at.sidebar.text_input(key="kpi_login_password").input(PASSWORD)
    next(b for b in at.sidebar.button if b.label == "ログイン").click()
    at.run()
    assert not at.exception, at.exception
    assert reruns == []
    assert "shimin（編集者）" in "\n".join(t.value for t in at.sidebar.text)
    assert not [b for b in at.sidebar.button if b.label == "ログイン"]  # the form is gone in this run
    assert _key("2026-10", CARD) in _keys(at)
    assert "kpi_login_password" not in at.session_state  # the password is not kept once signed in


def test_editor_sees_only_shimin_indicators_saves_october_and_overview_follows(app_db: str) -> None:
    overview = _page("app.py")
    row = _overview_row(overview, "04 マイナンバーカードの普及・啓発")
    assert "未入力" in row

    at = _page(ENTRY, SHIMIN)
    assert not at.exception
    assert at.selectbox(key="entry_month").value == "2026-10"  # the as-of month
    codes = {k.rsplit("_", 1)[1] for k in _keys(at) if k.startswith("entry_v_")}
    assert codes == {CARD, "05-konbini-issuance-share"}  # no 経営戦略課 indicator is offered
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    at.text_input(key=_key("2026-10", CARD, "n")).input("<b>窓口</b> **増加**")
    _submit(at)
    assert not at.exception
    assert any("1件を保存しました" in s.value for s in at.success)
    assert "○ 順調" in _html(at)

    engine = make_engine(app_db)
    with transaction(engine) as s:
        hist = actual_history(s, 2026, CARD)
    assert (hist.iloc[0]["value"], hist.iloc[0]["author"]) == (87.5, "shimin")

    overview = _page("app.py")
    row = _overview_row(overview, "04 マイナンバーカードの普及・啓発")
    assert "順調" in row and "未入力" not in row


def test_notes_with_html_or_markdown_are_shown_as_plain_text(app_db: str) -> None:
    at = _page(ENTRY, SHIMIN)
    note = "<script>alert(1)</script> <b>太字</b> **強調**"
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    at.text_input(key=_key("2026-10", CARD, "n")).input(note)
    _submit(at)
    at = _page(ENTRY, SHIMIN)
    assert at.text_input(key=_key("2026-10", CARD, "n")).value == note  # shown verbatim in the field
    for m in at.markdown:  # never injected as markup
        assert "<script>" not in m.value and "<b>太字</b>" not in m.value
    history = [df.value for df in at.dataframe]
    # the revision history shows the note verbatim in its 備考 column, with the time in JST
    assert any(note in set(frame["備考"]) for frame in history if "備考" in frame)
    assert any("入力日時（JST）" in frame for frame in history)


def test_invalid_value_and_delayed_without_note_are_listed_and_nothing_saved(app_db: str) -> None:
    at = _page(ENTRY, SHIMIN)
    at.text_input(key=_key("2026-10", CARD)).input("abc")
    at.text_input(key=_key("2026-10", "05-konbini-issuance-share")).input("56.4")
    _submit(at)
    errors = "\n".join(e.value for e in at.error)
    assert "数値ではありません" in errors and "遅延" in errors
    engine = make_engine(app_db)
    with transaction(engine) as s:
        assert actual_history(s, 2026, CARD).empty


def test_conflict_shows_the_other_persons_value(app_db: str) -> None:
    at = _page(ENTRY, SHIMIN)  # the form is loaded while October is empty
    from kpi.services.actuals_form import CellInput, submit_month

    submit_month(
        make_engine(app_db),
        Actor("colleague", "editor", ("市民課",)),
        2026,
        "2026-10",
        [CellInput(CARD, "87.1")],
        datetime(2026, 11, 24, tzinfo=UTC).date(),
    )
    at.text_input(key=_key("2026-10", CARD)).input("87.4")
    at.text_input(key=_key("2026-10", "05-konbini-issuance-share")).input("57.6")
    _submit(at)
    errors = "\n".join(e.value for e in at.error)
    assert "colleague さんが先に 87.1 を保存しました" in errors
    assert any("1件を保存しました" in s.value for s in at.success)


def test_viewer_and_anonymous_cannot_enter(app_db: str) -> None:
    at = _page(ENTRY, Actor("v", "viewer", ("市民課",)))
    assert not at.exception
    assert any("閲覧者" in i.value for i in at.info)
    assert not any(k.startswith("entry_v_") for k in _keys(at))
    assert not [b for b in at.button if b.label == "まとめて保存"]


def test_admin_sees_every_indicator_and_the_bulk_import(app_db: str) -> None:
    at = _page(ENTRY, Actor("boss", "admin"))
    assert not at.exception
    codes = {k.rsplit("_", 1)[1] for k in _keys(at) if k.startswith("entry_v_")}
    assert len(codes) == 11
    assert at.get("file_uploader") and at.get("download_button")
    assert "一括取り込み（管理者）" in [h.value for h in at.subheader]


def test_editor_marks_a_milestone_done_and_saves_a_self_assessment(app_db: str) -> None:
    farmer = Actor("farm", "editor", ("農林水産課",))
    at = _page(ENTRY, farmer)
    at.checkbox(key="entry_ms_done_08-m1").check()
    _submit(at, "マイルストーンを保存")
    assert not at.exception
    assert "◆ 完了 2026年11月24日" in _html(at)
    at.selectbox(key="entry_a_2026-10_8").select("caution")
    at.text_input(key="entry_ac_2026-10_8").input("調整中")
    _submit(at, "自己評価を保存")
    assert not at.exception
    assert at.selectbox(key="entry_a_2026-10_8").value == "caution"
    log = _page(HISTORY, Actor("boss", "admin"))
    actions = set(log.dataframe[0].value["操作"])
    assert {"マイルストーンの完了", "自己評価の保存"} <= actions


def test_history_page_is_admin_only_and_lists_the_entry_with_author(app_db: str) -> None:
    at = _page(ENTRY, SHIMIN)
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    _submit(at)
    denied = _page(HISTORY, SHIMIN)
    assert any("管理者" in w.value for w in denied.warning) and not denied.dataframe
    hist = _page(HISTORY, Actor("boss", "admin"))
    assert not hist.exception
    frame = hist.dataframe[0].value
    saved = frame.loc[frame["操作"] == "実績の保存"].iloc[0]
    assert (
        saved["利用者"] == "shimin"
        and saved["対象"] == "マイナンバーカード保有率（2026年10月）"
        and saved["内容"].startswith("値 87.5・第1版・経路: 入力画面")
        and saved["日時（JST）"].startswith("2026-")
    )
    hist.text_input(key="hist_text").input("konbini").run()
    assert hist.dataframe[0].value.empty
    assert hist.get("download_button")


def test_staff_read_authors_as_people_visitors_as_departments(app_db: str) -> None:
    """Authors read as account names (「shimin」): staff now read the person's display name with
    the account, in the history, the entry form and the revision table; a visitor reads the
    department, never a name (names are internal)."""
    from kpi.store.accounts import display_names
    from kpi.text.labels import actor_label

    engine = make_engine(app_db)
    with transaction(engine) as s:
        auth.add_user(s, ADMIN, "yamada", "yamada-password-1", "editor", ["市民課"], display_name="市民課 山田")
        assert display_names(s) == {"yamada": "市民課 山田"}  # shimin's defaults to its account
    engine.dispose()
    assert actor_label("yamada", "ja", {"yamada": "市民課 山田"}) == "市民課 山田（yamada）"
    assert actor_label("cli:root", "ja", {"yamada": "市民課 山田"}) == "コマンド操作（root）"
    assert actor_label("shimin", "ja", {"yamada": "市民課 山田"}) == "shimin"
    yamada = Actor("yamada", "editor", ("市民課",))
    at = _page(ENTRY, yamada)
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    _submit(at)
    assert not at.exception, at.exception
    again = _page(ENTRY, yamada)
    assert any("市民課 山田（yamada）" in c.value for c in again.caption)  # 「現在の値 87.5%（…）」
    hist = _page(HISTORY, Actor("boss", "admin"))
    frame = hist.dataframe[0].value
    assert "市民課 山田（yamada）" in set(frame["利用者"])
    assert "市民課 山田（yamada）" in hist.selectbox(key="hist_actor").options
    visitor = _page("pages/2_projects.py")
    text = "\n".join(str(m.value) for m in [*visitor.markdown, *visitor.caption])
    assert "山田" not in text and "yamada" not in text


def test_admin_page_edits_a_baseline_locks_a_month_and_adds_a_user(app_db: str) -> None:
    denied = _page(ADMIN_PAGE, SHIMIN)
    assert any("管理者" in w.value for w in denied.warning)
    at = _page(ADMIN_PAGE, Actor("boss", "admin"))
    assert not at.exception
    at.selectbox(key="admin_indicator").select("06-collection-fees").run()
    # A 「基準値比」 target waits for its baseline, then shows the target it derives.
    assert "目標値は基準値が決まると決まります（基準値 × 0.8）" in _html(at)
    at.text_input(key="admin_baseline_06-collection-fees").input("6000000")
    _submit(at, "変更を保存")
    assert not at.exception
    assert any("1項目を変更しました" in s.value for s in at.success)
    assert "目標値（基準値 × 目標係数）: 4,800,000円" in _html(at)
    at.selectbox(key="admin_lock_month").select("2026-09")
    next(b for b in at.button if b.label == "締める").click()
    at.run()
    assert any("2026年9月 を締めます" in w.value for w in at.warning)  # one month format (issue 22a)
    assert "2026-09" not in locked_months_of(app_db)  # nothing happens before the confirmation
    next(b for b in at.button if b.label == "実行する").click()
    at.run()
    assert any("2026年9月 を締めました" in s.value for s in at.success)
    assert "2026年9月" in "\n".join(t.value for t in at.text) + _html(at)
    at.text_input(key="admin_new_username").input("tanaka")
    at.selectbox(key="admin_new_role").select("viewer")
    _submit(at, "利用者を追加")
    assert not at.exception
    users = next(d.value for d in at.dataframe if "利用者名" in d.value.columns)
    assert "tanaka" in set(users["利用者名"]) and set(users["役割"]) <= {"管理者", "編集者", "閲覧者"}
    assert "2026-09" in locked_months_of(app_db)


def locked_months_of(url: str) -> set[str]:
    with transaction(make_engine(url)) as s:
        return set(locked_months(s, 2026))


def test_unlocking_a_month_asks_first_and_can_be_cancelled(app_db: str) -> None:
    boss = Actor("boss", "admin")
    set_month_lock(make_engine(app_db), boss, 2026, "2026-08", True)
    at = _page(ADMIN_PAGE, boss)
    at.selectbox(key="admin_lock_month").select("2026-08")
    next(b for b in at.button if b.label == "解除する").click()
    at.run()
    assert any("2026年8月 の締めを解除します" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "やめる").click()
    at.run()
    assert not any("解除します" in w.value for w in at.warning)
    assert "2026-08" in locked_months_of(app_db)


def test_require_login_stops_every_page_until_someone_logs_in(app_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_REQUIRE_LOGIN", "1")
    at = _page("app.py")
    assert not at.exception
    assert any("ログインしてください" in i.value for i in at.info)
    assert "施策体系と状況" not in [h.value for h in at.subheader]
    at = _page("app.py", SHIMIN)
    assert "施策体系と状況" in [h.value for h in at.subheader]


# ---------------------------------------------------------------- issue 8, Deliver 4: the form

KONBINI = "05-konbini-issuance-share"
HOURS = "14-ai-rpa-hours-saved"
NAN_OR_NONE = ("nan", "NaN", "None", "inf")


def _visible(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    parts += [str(w.value) for w in at.text_input]
    return "\n".join(parts)


def test_a_blank_field_stays_blank_next_to_a_filled_one_and_an_untouched_submit_saves_nothing(app_db: str) -> None:
    """Defect: the blank field showed `nan` and saving was refused (NaN や無限大は使えません)."""
    at = _page(ENTRY, SHIMIN)
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    _submit(at)
    assert any("1件を保存しました" in s.value for s in at.success)
    assert at.text_input(key=_key("2026-10", KONBINI)).value == ""
    assert at.text_input(key=_key("2026-10", CARD)).value == "87.5"
    _submit(at)
    assert not at.error
    assert any("変更はありませんでした" in i.value for i in at.info)
    for word in NAN_OR_NONE:
        assert f" {word}" not in _visible(at) and f": {word}" not in _visible(at)


def test_a_stored_1234567_is_shown_exactly_and_an_untouched_submit_is_no_correction(app_db: str) -> None:
    """Defect: shown as 1.23457e+06; the untouched submit was refused as a correction."""
    from kpi.services.actuals_form import CellInput, submit_month

    engine = make_engine(app_db)
    submit_month(engine, Actor("boss", "admin"), 2026, "2026-10", [CellInput(HOURS, "1234567")], _today())
    at = _page(ENTRY, Actor("boss", "admin"))
    assert at.text_input(key=_key("2026-10", HOURS)).value == "1234567"
    _submit(at)
    assert not at.error
    with transaction(engine) as s:
        assert list(actual_history(s, 2026, HOURS)["value"]) == [1234567.0]


def test_after_a_correction_the_form_shows_the_saved_value_and_clears_the_reason(app_db: str) -> None:
    at = _page(ENTRY, SHIMIN)
    at.text_input(key=_key("2026-10", CARD)).input("87.5")
    _submit(at)
    at.text_input(key=_key("2026-10", CARD)).input("87.6")
    _submit(at)
    assert any("修正理由が必要" in e.value for e in at.error)  # refused: a correction needs a reason
    at.text_input(key=_key("2026-10", CARD, "r")).input("再集計")
    _submit(at)
    assert any("1件を保存しました" in s.value for s in at.success) and not at.error
    assert at.text_input(key=_key("2026-10", CARD)).value == "87.6"
    assert at.text_input(key=_key("2026-10", CARD, "r")).value == ""


def test_errors_name_the_indicator_and_mark_its_row(app_db: str) -> None:
    at = _page(ENTRY, SHIMIN)
    at.text_input(key=_key("2026-10", CARD)).input("75,5")
    _submit(at)
    errors = [e.value for e in at.error]
    assert any("マイナンバーカード保有率" in e and "カンマの位置があいまい" in e for e in errors)
    assert not any("1行目" in e for e in errors)
    assert any(e.startswith("この指標は保存できませんでした") for e in errors)  # the row's own mark
    assert at.text_input(key=_key("2026-10", CARD)).value == "75,5"  # what was typed stays to be fixed


def test_fields_say_month_amount_for_flow_and_month_end_for_level(app_db: str) -> None:
    at = _page(ENTRY, Actor("boss", "admin"))
    assert "累計ではありません" in (at.text_input(key=_key("2026-10", HOURS)).help or "")
    assert "月末時点" in (at.text_input(key=_key("2026-10", CARD)).help or "")
    assert any("計画値" in c.value for c in at.caption) and not any("見込値" in c.value for c in at.caption)


def _today() -> date:
    return date(2026, 11, 24)


def test_the_entry_page_on_a_fresh_database_shows_no_nan_none_or_inf(app_db: str) -> None:
    import re

    at = _page(ENTRY, Actor("boss", "admin"))
    assert not at.exception
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    texts += [w.value for w in at.text_input] + [w.label for w in at.text_input] + [i.value for i in at.info]
    assert texts
    bad = re.compile(r"\bnan\b|\bNaN\b|\bNone\b|\binf\b")
    assert not [t for t in texts if bad.search(str(t))]


def test_an_editor_opens_the_evaluation_page_on_their_own_project(app_db: str) -> None:
    at = _page("pages/6_evaluation.py", SHIMIN)
    assert not at.exception
    no = at.selectbox(key="evaluation_project").value
    assert no != 1  # 01 belongs to 経営戦略課, which 市民課 may not write
    with transaction(make_engine(app_db)) as s:
        data = plan_data(s, 2026)
    assert data is not None
    assert no == first_writable(SHIMIN, data)
    assert first_writable(Actor("v", "viewer"), data) is None
