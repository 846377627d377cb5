"""変更履歴 in words: every operation the code base writes has a name in both languages and a
sentence for its detail; sign-in events are hidden unless asked for."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from sqlalchemy import Engine

from kpi.domain.inquiry import Action
from kpi.store.accounts import AuthError, add_user, login
from kpi.store.audit_query import audit_log, filter_audit
from kpi.store.db import transaction
from kpi.store.writes import read
from kpi.text.audit_text import SENTENCES, detail_text, readable_log, target_text
from kpi.text.labels import AUDIT_ACTIONS, LOGIN_ACTIONS, actor_label, audit_action_label, source_label
from tests.conftest import ADMIN, ROOT

# audit(session, actor, "actual.save", …) and the evaluation workflow's f"evaluation.{action}"
AUDIT_CALL = re.compile(r"audit\(\s*session,\s*[^,]+,\s*(?:[^,]*?if[^,]*?else\s*)?\"([a-z_]+\.[a-z_]+)\"", re.S)
CONDITIONAL = re.compile(r"\"([a-z_]+\.[a-z_]+)\" if [^\n]+ else \"([a-z_]+\.[a-z_]+)\"")


def written_actions() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "kpi").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(AUDIT_CALL.findall(source))
        for a, b in CONDITIONAL.findall(source):
            found |= {a, b}
    found |= {f"evaluation.{a.value}" for a in Action if a is not Action.SAVE}
    return found


def test_the_scan_finds_the_known_writes() -> None:
    assert {"actual.save", "plan.edit", "auth.login", "user.disable", "user.enable", "evaluation.submit"} <= (
        written_actions()
    )


@pytest.mark.parametrize("action", sorted(written_actions()))
def test_every_written_operation_has_words_and_a_sentence(action: str) -> None:
    ja, en = AUDIT_ACTIONS[action]
    assert ja and en and "." not in ja and "." not in en
    assert action in SENTENCES


def test_actual_save_reads_as_a_sentence() -> None:
    detail = json.dumps(
        {"value": 87.5, "previous": 85, "revision": 2, "note": "窓口で確認", "reason": "入力誤り", "source": "form"},
        ensure_ascii=False,
    )
    assert detail_text("actual.save", detail, "ja") == (
        "値 87.5（前回 85）・第2版・経路: 入力画面・備考: 窓口で確認・理由: 入力誤り"
    )
    assert detail_text("actual.save", detail, "en") == (
        "value 87.5 (was 85); revision 2; source: Entry form; note: 窓口で確認; reason: 入力誤り"
    )


def test_plan_edit_and_workflow_details_have_no_json_or_codes() -> None:
    edit = {"fiscal_year": 2026, "changes": {"baseline": {"old": None, "new": 6000000.0}}}
    assert detail_text("plan.edit", edit, "ja") == "2026年度・基準値 ― → 6,000,000"
    assert detail_text("plan.edit", edit, "en") == "FY2026; baseline ― → 6,000,000"
    state = {"before": "提出済", "after": "差戻し", "comment": "数値を確認してください"}
    assert detail_text("evaluation.return", state, "ja") == "提出済 → 差戻し・コメント: 数値を確認してください"
    assert detail_text("evaluation.return", state, "en").startswith("Submitted → Returned; comment: ")
    assert detail_text("auth.login_failed", {"reason": "unknown user"}, "ja") == "登録のない利用者名"
    assert detail_text("user.add", {"role": "editor", "departments": ["市民課"]}, "ja") == "役割: 編集者・部署: 市民課"
    # one month format in Japanese (issue 22): months and days in words, English keeps ISO
    assert detail_text("demo.load", {"actuals": 86, "through": "2026-10"}, "ja") == "86件（2026年10月まで）"
    assert detail_text("reminder.send", {"to": "a@b.jp", "as_of": "2026-10"}, "ja") == "宛先 a@b.jp・基準月 2026年10月"
    assert detail_text("inquiry.open", {"deadline": "2027-04-30"}, "ja") == "提出期限 2027年4月30日"
    assert detail_text("inquiry.open", {"deadline": "2027-04-30"}, "en") == "deadline 2027-04-30"


def test_values_and_targets_read_as_words() -> None:
    assert source_label("form") == "入力画面" and source_label("demo", "en") == "Sample data"
    assert source_label("import:実績.csv") == "ファイル取り込み（実績.csv）"
    assert actor_label("cli:root") == "コマンド操作（root）" and actor_label("cli:root", "en") == "Command line (root)"
    assert audit_action_label("actual.save") == "実績の保存" and audit_action_label("x.y") == "その他の操作"
    names = {"04-mynumber-card-rate": "マイナンバーカード保有率", "4": "マイナンバーカードの普及・啓発"}
    assert (
        target_text("actual.save", "04-mynumber-card-rate 2026-10", names) == "マイナンバーカード保有率（2026年10月）"
    )
    assert (
        target_text("actual.save", "04-mynumber-card-rate 2026-10", names, "en") == "マイナンバーカード保有率 (2026-10)"
    )
    assert target_text("assessment.save", "4 2027-03", names) == "マイナンバーカードの普及・啓発（2027年3月）"
    assert target_text("period.lock", "2026-04", names) == "2026年4月"
    assert target_text("evaluation.save", "2026/project:4", names) == "2026年度 04 マイナンバーカードの普及・啓発"
    assert target_text("inquiry.open", "2026", names, "en") == "FY2026"
    assert target_text("plan.import", "FY2026", names) == "2026年度"


def test_log_hides_sign_ins_by_default_and_filters_them_on_request(plan_engine: Engine) -> None:
    with transaction(plan_engine) as s:
        add_user(s, ADMIN, "boss", "boss-password-1", "admin")
    login(plan_engine, "boss", "boss-password-1")
    with pytest.raises(AuthError):
        login(plan_engine, "boss", "not-the-password")
    log = readable_log(read(plan_engine, audit_log, ADMIN), "ja")
    shown = filter_audit(log, logins=False)
    assert not set(shown["code"]) & LOGIN_ACTIONS and {"計画の読み込み", "利用者の追加"} <= set(shown["action"])
    with_logins = filter_audit(log, logins=True)
    assert {"ログイン", "ログイン失敗"} <= set(with_logins["action"])
    only = filter_audit(log, actions=["auth.login_failed"], logins=True)
    assert list(only["action"]) == ["ログイン失敗"] and only["detail"].iloc[0] == "連続1回目の失敗"
    assert not any(isinstance(d, str) and d.startswith("{") for d in log["detail"])
    assert isinstance(log, pd.DataFrame)
