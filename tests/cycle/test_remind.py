"""Reminders and the inquiry commands: ``python -m kpi inquiry …``, ``remind`` (with --send
against a real local SMTP server, aiosmtpd) and ``department-email``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from kpi.cli.main import main
from kpi.cycle.reminders import SmtpConfigError, smtp_config
from kpi.store.audit import audit_frame
from kpi.store.db import make_engine, transaction

SMTP_PORT = 8651  # this branch's test range: 8650-8659


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"kpi", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture(params=[False])
def inbox(request: pytest.FixtureRequest) -> Iterator[Inbox]:
    """A local SMTP server; with the parameter True it accepts mail only after a login."""
    box = Inbox()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=SMTP_PORT,
        authenticator=_authenticator,
        auth_require_tls=False,
        auth_required=request.param,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KPI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KPI_SMTP_PORT", str(SMTP_PORT))
    monkeypatch.setenv("KPI_SMTP_FROM", "dx@example.jp")
    monkeypatch.setenv("KPI_SMTP_SECURITY", "none")
    monkeypatch.setenv("KPI_APP_URL", "https://kpi.example.jp/")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_inquiry_open_status_close_from_the_command_line(demo_app: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "inquiry", "open", "--deadline", "2027-04-30")
    assert code == 0 and "2027年4月30日" in out
    code, out, _ = _run(capsys, "inquiry", "status", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 22 and rows[3] == {
        "project": "4",
        "name": "マイナンバーカードの普及・啓発",
        "department": "市民課",
        "state": "未着手",
        "rating": "",
    }
    code, out, _ = _run(capsys, "inquiry", "status")
    assert code == 0 and "受付中" in out and "市民課" in out
    assert _run(capsys, "inquiry", "close")[0] == 0
    code, _, err = _run(capsys, "inquiry", "close")
    assert code == 1 and "開始されていません" in err
    assert _run(capsys, "inquiry", "open", "--deadline", "30/04/2027")[0] == 2
    assert _run(capsys, "inquiry", "open", "--deadline", "2027-04-30", "--fiscal-year", "2031")[0] == 1


def test_remind_lists_exactly_what_citizens_owe(demo_app: str, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "inquiry", "open", "--deadline", "2027-04-30")
    code, out, _ = _run(capsys, "remind", "--as-of", "2026-10")
    assert code == 0
    block = out.split("== 市民課")[1].split("==")[0]
    assert block.splitlines()[1:] == [
        "  [期末評価] 04 マイナンバーカードの普及・啓発: 期末評価（未着手）",  # the kind in words, not a code
        "  [期末評価] 05 コンビニ交付サービス: 期末評価（未着手）",
    ]
    assert "連絡先なし" in block


def test_send_delivers_one_message_per_department_with_an_address(
    demo_app: str, inbox: Inbox, smtp_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "inquiry", "open", "--deadline", "2027-04-30")
    assert _run(capsys, "department-email", "市民課", "shimin@example.jp")[0] == 0
    assert _run(capsys, "department-email", "経営戦略課", "senryaku@example.jp")[0] == 0
    code, out, _ = _run(capsys, "remind", "--send")
    assert code == 0
    assert sorted(rcpt[0] for _, rcpt, _ in inbox.messages) == ["senryaku@example.jp", "shimin@example.jp"]
    msg = next(m for _, rcpt, m in inbox.messages if rcpt == ["shimin@example.jp"])
    assert msg["From"] == "dx@example.jp"
    assert msg["Subject"] == "【DXアクションプラン】市民課の未対応項目（2026年10月時点・2件）"
    body = msg.get_content()
    assert "市民課 ご担当者様" in body and "提出期限: 2027年4月30日" in body
    item = "・04 マイナンバーカードの普及・啓発: 期末評価（未着手）"
    assert f"{item}\n  https://kpi.example.jp/evaluation?project=4" in body
    assert "https://kpi.example.jp/inquiry" in body and "経営戦略課" not in body
    assert "未送信\t会計課\t\t連絡先のメールアドレスがないため未送信" in out
    assert "送信\t市民課\tshimin@example.jp\t送信しました" in out
    engine = make_engine(demo_app)
    with transaction(engine) as s:
        sent = audit_frame(s).query("action == 'reminder.send'")
    engine.dispose()
    assert sorted(sent["target"]) == ["市民課", "経営戦略課"]


@pytest.mark.parametrize("inbox", [True], indirect=True)
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a test server on 127.0.0.1
def test_send_logs_in_when_a_user_is_set(
    demo_app: str, inbox: Inbox, smtp_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "inquiry", "open", "--deadline", "2027-04-30")
    _run(capsys, "department-email", "市民課", "shimin@example.jp")
    code, out, _ = _run(capsys, "remind", "--send")
    assert code == 1 and "未送信\t市民課\tshimin@example.jp\t送信できませんでした" in out
    assert inbox.messages == []
    monkeypatch.setenv("KPI_SMTP_USER", "kpi")
    monkeypatch.setenv("KPI_SMTP_PASSWORD", "s3cret")
    code, out, _ = _run(capsys, "remind", "--send")
    assert code == 0 and [rcpt for _, rcpt, _ in inbox.messages] == [["shimin@example.jp"]]


def test_send_without_smtp_settings_is_refused(demo_app: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "remind", "--send")
    assert code == 1 and "KPI_SMTP_HOST" in err


def test_smtp_settings_from_secrets_toml_and_environment(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'KPI_SMTP_HOST = "mail.example.jp"\nKPI_SMTP_FROM = "dx@example.jp"\nKPI_SMTP_SECURITY = "starttls"\n'
        'KPI_SMTP_USER = "kpi"\nKPI_SMTP_PASSWORD = "pw"\n',
        encoding="utf-8",
    )
    cfg = smtp_config({}, secrets)
    assert (cfg.host, cfg.port, cfg.security) == ("mail.example.jp", 587, "starttls")
    assert (cfg.user, cfg.password) == ("kpi", "pw")
    cfg = smtp_config({"KPI_SMTP_HOST": "relay.local", "KPI_SMTP_SECURITY": "tls"}, secrets)
    assert (cfg.host, cfg.port, cfg.security) == ("relay.local", 465, "tls")
    with pytest.raises(SmtpConfigError, match="none / starttls / tls"):
        smtp_config({"KPI_SMTP_SECURITY": "ssl"}, secrets)
    with pytest.raises(SmtpConfigError, match="KPI_SMTP_PORT"):
        smtp_config({"KPI_SMTP_PORT": "twenty-five"}, secrets)
    with pytest.raises(SmtpConfigError, match="KPI_SMTP_FROM"):
        smtp_config({"KPI_SMTP_HOST": "relay.local"}, tmp_path / "missing.toml")


def test_department_email_command(demo_app: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "department-email", "市民課", "shimin@example.jp")[0] == 0
    assert _run(capsys, "department-email", "市民課")[1].strip() == "shimin@example.jp"
    code, _, err = _run(capsys, "department-email", "市民課", "shimin-at-example")
    assert code == 1 and "形式" in err
    assert "削除" in _run(capsys, "department-email", "市民課", "")[1]
    assert _run(capsys, "department-email")[1] == ""
