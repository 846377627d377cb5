"""Issue 22a, entry without doubt: a cleared stored value asks keep or 取消; 「最新の値を読み込む」
replaces every field; plan values and ranges at the indicator's precision; names for staff;
authors as people; a value far from last month and the plan warns and asks to confirm."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from kpi.domain.permissions import Actor, cli_actor
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store import accounts as auth
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.reads import actual_history, plan_data
from tests.conftest import ADMIN, ROOT

ENTRY = "pages/4_entry.py"
CARD = "04-mynumber-card-rate"
COUNT = "01-online-procedures"  # 件, 経営戦略課
SHIMIN = Actor("shimin", "editor", ("市民課",))
TODAY = date(2026, 11, 24)


@pytest.fixture
def app_db(app_env: str) -> str:
    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        auth.add_user(s, ADMIN, "shimin", "shimin-password-1", "editor", ["市民課"])
    engine.dispose()
    return app_env


def _store(url: str, code: str, month: str, value: float, actor: Actor = ADMIN, note: str = "集計") -> None:
    engine = make_engine(url)
    with transaction(engine) as s:
        record_actuals(s, [ActualInput(code, month, value, note)], actor, TODAY)
    engine.dispose()


def _page(actor: Actor) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["kpi_user"] = actor
    at.run()
    at.switch_page(ENTRY).run()
    assert not at.exception, at.exception
    return at


def _key(code: str, kind: str = "v", month: str = "2026-10") -> str:
    return f"entry_{kind}_{month}_{code}"


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in (*at.warning, *at.success, *at.info, *at.error)]
    return "\n".join(str(p) for p in parts)


def _values(url: str) -> list[float]:
    engine = make_engine(url)
    with transaction(engine) as s:
        data = plan_data(s, 2026)
    engine.dispose()
    assert data is not None
    a = data.actuals
    return [float(v) for v in a.loc[(a["code"] == CARD) & (a["month"] == "2026-10"), "value"]]


def test_a_cleared_stored_value_asks_and_keep_leaves_it(app_db: str) -> None:
    _store(app_db, CARD, "2026-10", 87.2)
    at = _page(SHIMIN)
    at.text_input(key=_key(CARD)).input("")
    _click(at, "まとめて保存")
    assert "保存済みの値 87.2% をどうしますか" in _text(at)
    assert "変更はありませんでした" not in _text(at)
    assert at.text_input(key=_key(CARD)).value == "87.2"  # the field shows what is stored
    _click(at, "値を残す")
    assert "値 87.2% を残しました" in _text(at)
    assert _values(app_db) == [87.2]


def test_a_cleared_stored_value_can_be_withdrawn_with_a_reason(app_db: str) -> None:
    _store(app_db, CARD, "2026-10", 87.2)
    at = _page(SHIMIN)
    at.text_input(key=_key(CARD)).input("")
    _click(at, "まとめて保存")
    _click(at, "値を取り消す（取消）")
    assert "理由が必要" in _text(at) and _values(app_db) == [87.2]
    at.text_input(key="entry_wd_reason_04-mynumber-card-rate_2026-10").input("9月分を誤って入力")
    _click(at, "値を取り消す（取消）")
    assert "87.2% を取り消しました" in _text(at)
    assert _values(app_db) == []
    assert at.text_input(key=_key(CARD)).value == ""
    engine = make_engine(app_db)
    with transaction(engine) as s:
        history = actual_history(s, 2026, CARD)
    engine.dispose()
    assert history.iloc[0]["source"] == "withdraw" and history.iloc[0]["reason"] == "9月分を誤って入力"


def test_reload_replaces_every_field_with_what_is_stored(app_db: str) -> None:
    _store(app_db, CARD, "2026-10", 87.2)
    at = _page(SHIMIN)
    at.text_input(key=_key(CARD)).input("８７，５")
    at.text_input(key=_key(CARD, "n")).input("書きかけ")
    _click(at, "まとめて保存")
    assert at.error  # refused, the typed value stays for correcting
    _click(at, "最新の値を読み込む")
    assert at.text_input(key=_key(CARD)).value == "87.2"
    assert at.text_input(key=_key(CARD, "n")).value == "集計"
    assert not at.error


def test_plan_values_and_ranges_read_at_the_indicators_precision(app_db: str) -> None:
    at = _page(ADMIN)
    text = _text(at)
    assert "87.6667" not in text and "1,000,000,000" not in text
    assert "入力範囲: 0〜100%" in text
    assert "入力範囲: 0件以上" in text or "入力範囲: 0 件以上" in text


def test_staff_see_names_and_admins_also_the_id(app_db: str) -> None:
    staff = _page(SHIMIN)
    assert "マイナンバーカード保有率" in _text(staff)
    assert CARD not in "\n".join(m.value for m in staff.markdown if "kpi-chip" in m.value)
    admin = _page(ADMIN)
    assert f"`{CARD}`" in "\n".join(m.value for m in admin.markdown)


def test_authors_read_as_people_not_as_cli_codes(app_db: str) -> None:
    _store(app_db, CARD, "2026-10", 87.2, actor=cli_actor())
    at = _page(SHIMIN)
    text = _text(at)
    assert "cli:" not in text
    assert "コマンド操作（" in text


def test_a_value_far_from_last_month_and_the_plan_warns_and_waits_for_confirmation(app_db: str) -> None:
    _store(app_db, COUNT, "2026-09", 78)
    at = _page(ADMIN)
    at.text_input(key=_key(COUNT)).input("1234")
    at.text_input(key=_key(COUNT, "n")).input("集計")
    _click(at, "まとめて保存")
    assert "まだ保存していません" in _text(at) and "大きく離れています" in _text(at)
    engine = make_engine(app_db)
    with transaction(engine) as s:
        assert actual_history(s, 2026, COUNT)["month"].tolist() == ["2026-09"]
    _click(at, "確認して保存する")
    with transaction(engine) as s:
        assert actual_history(s, 2026, COUNT)["month"].tolist() == ["2026-10", "2026-09"]
    engine.dispose()
