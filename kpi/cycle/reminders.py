"""Reminders: one Japanese message per department listing what it owes (kpi.domain.inquiry.owed_items),
with links to the pages where each item is done, sent through SMTP.

SMTP settings come from the environment, or the same keys in ``.streamlit/secrets.toml``
(the environment wins): ``KPI_SMTP_HOST``, ``KPI_SMTP_PORT``, ``KPI_SMTP_FROM``,
``KPI_SMTP_SECURITY`` (``none`` | ``starttls`` | ``tls``), and optionally ``KPI_SMTP_USER`` /
``KPI_SMTP_PASSWORD``. ``KPI_APP_URL`` is the dashboard's address used in the links
(default http://localhost:8501).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from kpi import PROJECT_ROOT
from kpi.domain.fiscal import Month, date_ja
from kpi.domain.inquiry import KIND_ORDER, OwedItem, owed_by_department
from kpi.domain.plan import NEUTRAL_PLAN_NAME, plan_title
from kpi.text.labels import month_label, owed_kind_label, owed_text

ROOT = PROJECT_ROOT
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
APP_URL_ENV = "KPI_APP_URL"
DEFAULT_APP_URL = "http://localhost:8501"
INQUIRY_PAGE = "inquiry"
SECURITY_MODES = ("none", "starttls", "tls")
SMTP_TIMEOUT_S = 30


class SmtpConfigError(ValueError):
    """The SMTP settings are missing or wrong; the message names the setting."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    security: str = "none"
    user: str | None = None
    password: str | None = None


def _secrets(path: Path) -> Mapping[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SmtpConfigError(f"{path} を読めません: {exc}") from exc


def smtp_config(environ: Mapping[str, str] | None = None, secrets_file: Path = SECRETS_FILE) -> SmtpConfig:
    """The SMTP settings from the environment, falling back to secrets.toml's top-level keys."""
    env = os.environ if environ is None else environ
    secrets = _secrets(secrets_file)

    def get(key: str) -> str | None:
        value = env.get(key)
        if value is None or value == "":
            raw = secrets.get(key)
            value = None if raw is None else str(raw)
        return value.strip() if value is not None and value.strip() else None

    host, sender = get("KPI_SMTP_HOST"), get("KPI_SMTP_FROM")
    missing = [k for k, v in (("KPI_SMTP_HOST", host), ("KPI_SMTP_FROM", sender)) if not v]
    if missing:
        raise SmtpConfigError(f"送信の設定がありません: {'、'.join(missing)}（環境変数または .streamlit/secrets.toml）")
    security = (get("KPI_SMTP_SECURITY") or "none").lower()
    if security not in SECURITY_MODES:
        raise SmtpConfigError(f"KPI_SMTP_SECURITY は none / starttls / tls のいずれかです: {security}")
    default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
    port_text = get("KPI_SMTP_PORT")
    try:
        port = int(port_text) if port_text else default_port
    except ValueError as exc:
        raise SmtpConfigError(f"KPI_SMTP_PORT は数字で指定してください: {port_text}") from exc
    assert host is not None and sender is not None
    return SmtpConfig(host, port, sender, security, get("KPI_SMTP_USER"), get("KPI_SMTP_PASSWORD"))


def app_url(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return (env.get(APP_URL_ENV) or DEFAULT_APP_URL).rstrip("/")


# ---------------------------------------------------------------- messages (pure)


@dataclass(frozen=True)
class Reminder:
    department: str
    email: str | None  # None: no contact address, not sent
    subject: str
    body: str
    items: tuple[OwedItem, ...]


def reminder_body(
    department: str,
    items: list[OwedItem],
    as_of: Month,
    plan_label: str,
    deadline: date | None,
    base_url: str,
    plan: str = NEUTRAL_PLAN_NAME,
) -> str:
    lines = [
        f"{department} ご担当者様",
        "",
        f"{plan}（{plan_label}）について、{month_label(as_of)}時点で次の{len(items)}件が未対応です。",
    ]
    if deadline is not None:
        lines.append(f"各課照会（期末評価）の提出期限: {date_ja(deadline)}")
    for kind in KIND_ORDER:
        own = [i for i in items if i.kind == kind]
        if not own:
            continue
        lines += ["", f"■ {owed_kind_label(kind)}（{len(own)}件）"]
        for i in own:
            lines.append(f"・{i.project_label}: {owed_text(i)}")
            lines.append(f"  {base_url}/{i.page}")
    lines += [
        "",
        f"あなたの課の照会（一覧）: {base_url}/{INQUIRY_PAGE}",
        "",
        "このメールはKPI進捗ダッシュボードから送信しています。",
    ]
    return "\n".join(lines) + "\n"


def build_reminders(
    items: list[OwedItem],
    emails: Mapping[str, str],
    as_of: Month,
    plan_label: str,
    deadline: date | None,
    base_url: str,
    plan: str = NEUTRAL_PLAN_NAME,
) -> list[Reminder]:
    """One reminder per department that owes something, in department order."""
    out = []
    for department, own in sorted(owed_by_department(items).items()):
        subject = f"【DXアクションプラン】{department}の未対応項目（{month_label(as_of)}時点・{len(own)}件）"
        body = reminder_body(department, own, as_of, plan_label, deadline, base_url, plan)
        out.append(Reminder(department, emails.get(department), subject, body, tuple(own)))
    return out


def message_of(reminder: Reminder, sender: str) -> EmailMessage:
    if not reminder.email:
        raise ValueError(f"{reminder.department}: 連絡先のメールアドレスがありません")
    msg = EmailMessage()
    msg["Subject"] = reminder.subject
    msg["From"] = sender
    msg["To"] = reminder.email
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(reminder.body, charset="utf-8")
    return msg


# ---------------------------------------------------------------- sending


@dataclass(frozen=True)
class SendResult:
    department: str
    email: str | None
    sent: bool
    detail: str  # Japanese: 送信しました / 連絡先なし / the error


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config.security == "tls":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT_S)
        if config.security == "starttls":
            smtp.starttls(context=context)
    if config.user:
        smtp.login(config.user, config.password or "")
    return smtp


def send_reminders(reminders: list[Reminder], config: SmtpConfig) -> list[SendResult]:
    """Send each reminder that has an address over one SMTP connection; never raises for a
    single failed message (it is reported as not sent)."""
    results: dict[str, SendResult] = {}
    to_send = [r for r in reminders if r.email]
    for r in reminders:
        if not r.email:
            results[r.department] = SendResult(r.department, None, False, "連絡先のメールアドレスがないため未送信")
    if to_send:
        try:
            smtp = _connect(config)
        except (OSError, smtplib.SMTPException) as exc:
            for r in to_send:
                results[r.department] = SendResult(r.department, r.email, False, f"SMTPサーバーに接続できません: {exc}")
        else:
            with smtp:
                for r in to_send:
                    try:
                        smtp.send_message(message_of(r, config.sender))
                        results[r.department] = SendResult(r.department, r.email, True, "送信しました")
                    except (OSError, smtplib.SMTPException) as exc:
                        results[r.department] = SendResult(r.department, r.email, False, f"送信できませんでした: {exc}")
    return [results[r.department] for r in reminders]


def department_reminders(
    session: Any, year: int, as_of: Month, base_url: str, owed: tuple[list[OwedItem], Any] | None = None
) -> list[Reminder]:
    """Every department's reminder from the database (plan, inquiry, contacts).

    ``owed``: ``owed_now``'s (items, inquiry) when the caller has just computed them."""
    from kpi.store.inquiry import department_emails, owed_now
    from kpi.store.reads import fiscal_years

    items, info = owed if owed is not None else owed_now(session, year, as_of)
    fy = next((fy for fy in fiscal_years(session) if fy.year == year), None)
    label = fy.label if fy is not None else str(year)
    title = plan_title(fy.municipality, fy.plan_name) if fy is not None else NEUTRAL_PLAN_NAME
    deadline = info.deadline if info is not None and info.is_open else None
    return build_reminders(items, department_emails(session), as_of, label, deadline, base_url, title)
