"""The catalog's small functions: status words, month and year labels, the inquiry's states
and owed items, audit operations, sources and actors, in Japanese or English.

Every word comes from the catalog (``kpi.text.catalog``: ``TEXT`` and ``t``); the colours and
shapes of statuses are in ``kpi.text.palette``. Month formats: ``Month.label_ja()``
(「2026年10月」) and ``str(Month)`` (2026-10) in ``kpi.domain.fiscal``, the month names
(「10月」, "Oct") in the catalog; callers use ``month_label`` and ``month_short`` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kpi.domain.fiscal import Month, fiscal_year_label, fiscal_year_short
from kpi.domain.inquiry import Action, OwedItem, State
from kpi.domain.plan import PlanData, level_words
from kpi.domain.scale import AheadGrade, active_scale
from kpi.domain.status import Status
from kpi.text.catalog import DEFAULT_LANG, TEXT, t
from kpi.text.fmt import MISSING, is_missing
from kpi.text.palette import STATUS_STYLES


def _ahead(status: Status | str, ratio: float | None) -> AheadGrade | None:
    """The plan's 「前倒し達成」 grade when ``ratio`` reaches it (for 達成 and 順調 only)."""
    ahead = active_scale().ahead
    if ahead is None or ratio is None or Status(status) not in (Status.ACHIEVED, Status.ON_TRACK):
        return None
    return ahead if ratio >= ahead.ratio else None


def status_label(status: Status | str | None, lang: str = DEFAULT_LANG, ratio: float | None = None) -> str:
    """「順調」 for on_track, or the plan's own word for it (「B 概ね順調」, kpi.domain.scale);
    「―」 for no status. ``ratio``: an indicator's r, for the plan's 「前倒し達成」 grade.

    The one place a status code becomes a word: screens, reports, e-mails and workbooks call
    this (or ``status_text``). English keeps the product's words, as it keeps its level names."""
    if status is None or status == "":
        return "―"
    style = STATUS_STYLES[Status(status)]
    if not plan_names_apply(lang):
        return style.en
    ahead = _ahead(status, ratio)
    if ahead is not None:
        return ahead.label
    grade = active_scale().grade(Status(status).value)
    return grade.label if grade is not None and grade.label else style.ja


def status_symbol(status: Status | str, ratio: float | None = None) -> str:
    """The status's printable shape (○), or the plan's own symbol for it."""
    ahead = _ahead(status, ratio)
    if ahead is not None and ahead.symbol:
        return ahead.symbol
    grade = active_scale().grade(Status(status).value)
    return grade.symbol if grade is not None and grade.symbol else STATUS_STYLES[Status(status)].symbol


def status_text(status: Status | str | None, lang: str = DEFAULT_LANG, ratio: float | None = None) -> str:
    """Shape plus label, e.g. '○ 順調' (or the plan's '○ B 概ね順調'): the form used in tables,
    CSV-free text and prints. A label that is the symbol itself (「○」) is not repeated."""
    if status is None or status == "":
        return "―"
    symbol, label = status_symbol(status, ratio), status_label(status, lang, ratio)
    return label if label == symbol else f"{symbol} {label}"


def unreported_text(months: int, lang: str = DEFAULT_LANG) -> str:
    if months <= 0:
        return ""
    return t("unreported_months", lang).format(n=months)


def app_title(plan: str | None, lang: str = DEFAULT_LANG) -> str:
    """The browser tab and sidebar heading: the plan's title, or a neutral one without a plan."""
    if not plan:
        return t("app_title", lang)
    return t("app_title_plan", lang).format(plan=plan)


# ---------------------------------------------------------------- months and years


def _month(month: Month | str) -> Month:
    return month if isinstance(month, Month) else Month.parse(str(month)[:7])


def month_label(month: Month | str, lang: str = DEFAULT_LANG) -> str:
    """「2026年10月」 in Japanese, 2026-10 in English (a ``Month`` or its ``YYYY-MM`` text)."""
    m = _month(month)
    return m.label_ja() if lang != "en" else str(m)


def month_text(value: Any, lang: str = DEFAULT_LANG, missing: str = MISSING) -> str:
    """A table cell or a line that may hold a month: ``month_label`` of a month or its
    ``YYYY-MM`` text, ``missing`` when there is none (None, NaN, empty); other text as it is."""
    if isinstance(value, Month):
        return month_label(value, lang)
    text = "" if is_missing(value) else str(value).strip()
    if not text:
        return missing
    try:
        return month_label(Month.parse(text), lang) if len(text) == 7 else text
    except ValueError:
        return text


def month_years(months: list[str] | list[Month], lang: str = DEFAULT_LANG) -> list[tuple[str, int]]:
    """The calendar years over a table's month columns, each with how many columns it spans:
    ``[("2026年", 9), ("2027年", 3)]`` for April to March (the columns read 「10月」)."""
    out: list[tuple[str, int]] = []
    for m in months:
        label = t("scr_calendar_year", lang).format(year=_month(m).year)
        if out and out[-1][0] == label:
            out[-1] = (label, out[-1][1] + 1)
        else:
            out.append((label, 1))
    return out


def month_short(month: Month | str | int, lang: str = DEFAULT_LANG) -> str:
    """The table form: 「10月」 in Japanese, "Oct" in English (a month, its text or its number)."""
    number = month if isinstance(month, int) else _month(month).month
    return t(f"month_{number}", lang)


def year_label(fiscal_year: int, lang: str = DEFAULT_LANG) -> str:
    """「令和8年度」 in Japanese, FY2026 in English."""
    return t("year_label", lang).format(reiwa=fiscal_year_label(fiscal_year), year=fiscal_year)


def plan_year_label(data: PlanData, lang: str = DEFAULT_LANG) -> str:
    """A plan's year as its title prints it (「令和8年度」, the plan's own label) or FY2026."""
    return t("year_label", lang).format(reiwa=data.label, year=data.year)


def year_short(fiscal_year: int, lang: str = DEFAULT_LANG) -> str:
    """「R8」 in Japanese, FY2026 in English."""
    return t("year_short", lang).format(short=fiscal_year_short(fiscal_year), year=fiscal_year)


def year_of(fiscal_year: int, lang: str = DEFAULT_LANG) -> str:
    """「R8年度」 in Japanese, FY2026 in English (a year named beside a value)."""
    return t("year_short_of", lang).format(short=fiscal_year_short(fiscal_year), year=fiscal_year)


def paren(text: str, detail: str, lang: str = DEFAULT_LANG) -> str:
    """「text（detail）」 in Japanese, "text (detail)" in English."""
    return t("paren", lang).format(text=text, detail=detail)


LEVEL_KEYS = ("policy", "measure", "project")


def plan_names_apply(lang: str) -> bool:
    """Japanese labels take the plan's own level names (「重点施策」→「分野」); English keeps its generic words."""
    return lang != "en"


def generic_levels(lang: str = DEFAULT_LANG) -> tuple[str, ...]:
    """The catalog's level names: 基本方針 / 重点施策 / 実施事業, Policy / Measure / Project."""
    return tuple(t(key, lang) for key in LEVEL_KEYS)


def level_words_in(text: str, levels: tuple[str, ...] | list[str], lang: str = DEFAULT_LANG) -> str:
    """A label with the plan's own level names where the language takes them (plan_names_apply)."""
    return level_words(text, levels) if plan_names_apply(lang) else text


def language_name(lang: str) -> str:
    """A language's name in itself: 日本語, English."""
    return t(f"language_{lang}", lang)


# ---------------------------------------------------------------- the inquiry


def state_label(state: State | str, lang: str = DEFAULT_LANG) -> str:
    """「提出済」 for submitted (the 期末評価 workflow's states, kpi.domain.inquiry.State)."""
    return t(f"state_{State(state).value}", lang)


def public_state_label(state: State | str, lang: str = DEFAULT_LANG) -> str:
    """What a visitor who is not signed in reads of a workflow state: 「確定」, and 「未確定」 for
    every state before it (入力中, 提出済 and 差戻し are for staff: kpi.cycle.visibility), and for
    the key kpi.cycle.visibility.PENDING of the visitor's counts."""
    confirmed = str(getattr(state, "value", state)) == State.CONFIRMED.value
    return state_label(State.CONFIRMED, lang) if confirmed else t("fin_state_pending", lang)


def state_of_label(label: Any) -> State | None:
    """The state whose Japanese word is ``label`` (the audit log stores states in words)."""
    for state in State:
        if state_label(state) == str(label):
            return state
    return None


def action_label(action: Action | str, lang: str = DEFAULT_LANG) -> str:
    """「確定の解除」 for reopen."""
    return t(f"action_{Action(action).value}", lang)


def refusal_text(state: State | str, action: Action | str, lang: str = DEFAULT_LANG) -> str:
    """Why the workflow refuses ``action`` in ``state`` (kpi.domain.inquiry.transition)."""
    s, a = State(state), Action(action)
    words = {"state": state_label(s, lang), "action": action_label(a, lang)}
    if s is State.CONFIRMED:
        return t("refuse_confirmed", lang).format(**words)
    if s is State.SUBMITTED and a is Action.SAVE:
        return t("refuse_submitted_save", lang)
    if a is Action.SUBMIT and s in (State.NOT_STARTED, State.RETURNED):
        return t("refuse_submit_first_save", lang).format(**words)
    return t("refuse_other", lang).format(**words)


def denied_text(action: Action | str, admin_only: bool, lang: str = DEFAULT_LANG) -> str:
    """Who may take a workflow step: administrators only, or the project's editors too."""
    key = "refuse_admin_only" if admin_only else "refuse_no_edit"
    return t(key, lang).format(action=action_label(action, lang))


def owed_kind_label(kind: str, lang: str = DEFAULT_LANG) -> str:
    """「期限を過ぎた●」 for milestone (the kinds of OwedItem, kpi.domain.inquiry.KIND_ORDER)."""
    return t(f"owed_{kind}", lang)


def owed_text(item: OwedItem, lang: str = DEFAULT_LANG) -> str:
    """One owed item as a line: 「指標名: 2026年9月・2026年10月の実績」."""
    if item.kind == "evaluation":
        return t("owed_line_evaluation", lang).format(state=state_label(item.state or State.NOT_STARTED, lang))
    if item.kind == "actual":
        months = t("owed_months_sep", lang).join(month_label(m, lang) for m in item.months)
        return t("owed_line_actual", lang).format(name=item.subject, months=months)
    if item.kind == "milestone":
        return t("owed_line_milestone", lang).format(name=item.subject, month=month_label(item.months[0], lang))
    month = month_label(item.months[0], lang)
    if item.last is None:
        return t("owed_line_assessment_never", lang).format(month=month)
    return t("owed_line_assessment", lang).format(month=month, last=month_label(item.last, lang))


# ---------------------------------------------------------------- audit log, sources, actors


# Audit-log operations (the codes kpi writes with store.audit) in words, for 変更履歴.
# tests/text/test_audit_text.py finds every code written in kpi/ and asks for its words here.
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "actual.save": ("実績の保存", "Actual saved"),
    "actual.import": ("実績の一括取り込み", "Actuals imported"),
    "actual.withdraw": ("実績の取消", "Actual withdrawn"),
    "assessment.save": ("自己評価の保存", "Self-assessment saved"),
    "milestone.complete": ("マイルストーンの完了", "Milestone completed"),
    "milestone.undo": ("マイルストーン完了の取消し", "Milestone completion undone"),
    "evaluation.save": ("期末評価の保存", "Evaluation saved"),
    "evaluation.state": ("期末評価の状態変更", "Evaluation state changed"),
    "evaluation.submit": ("期末評価の提出", "Evaluation submitted"),
    "evaluation.return": ("期末評価の差戻し", "Evaluation returned"),
    "evaluation.confirm": ("期末評価の確定", "Evaluation confirmed"),
    "evaluation.reopen": ("期末評価の確定解除", "Evaluation reopened"),
    "inquiry.open": ("各課照会の開始", "Inquiry opened"),
    "inquiry.close": ("各課照会の終了", "Inquiry closed"),
    "inquiry.import": ("照会シートの取り込み", "Inquiry workbook imported"),
    "public_comment.submit": ("公開コメントの登録", "Public comment submitted"),
    "public_comment.approve": ("公開コメントの承認", "Public comment approved"),
    "public_comment.reject": ("公開コメントの却下", "Public comment rejected"),
    "publication.publish": ("公開版の作成", "Public edition made"),
    "department.email": ("部署の連絡先の変更", "Department e-mail changed"),
    "reminder.send": ("督促メールの送信", "Reminder sent"),
    "period.lock": ("月の締め", "Month locked"),
    "period.unlock": ("月の締めの解除", "Month unlocked"),
    "plan.import": ("計画の読み込み", "Plan loaded"),
    "plan.replace": ("計画の置き換え", "Plan replaced"),
    "plan.edit": ("計画値の変更", "Plan values changed"),
    "user.add": ("利用者の追加", "User added"),
    "user.passwd": ("パスワードの変更", "Password changed"),
    "user.disable": ("利用者の無効化", "User disabled"),
    "user.enable": ("利用者の有効化", "User enabled"),
    "user.directory": ("ディレクトリからの役割・部署の更新", "Role or departments updated from the directory"),
    "auth.login": ("ログイン", "Login"),
    "auth.login_failed": ("ログイン失敗", "Login failed"),
    "auth.login_refused": ("ログイン拒否", "Login refused"),
    "auth.locked": ("アカウントの一時ロック", "Account locked"),
    "demo.load": ("サンプルデータの読み込み", "Sample data loaded"),
    "demo.clear": ("サンプルデータの削除", "Sample data removed"),
    "database.restore": ("バックアップからの復元", "Restored from a backup"),
    "backup.download": ("バックアップのダウンロード", "Backup downloaded"),
}


# Sign-in events: many per day, rarely what an administrator looks for, so hidden by default.
LOGIN_ACTIONS: frozenset[str] = frozenset(a for a in AUDIT_ACTIONS if a.startswith("auth."))


def audit_action_label(action: str, lang: str = DEFAULT_LANG) -> str:
    """「実績の保存」 for actual.save; an operation from a newer version reads 「その他の操作」."""
    ja, en = AUDIT_ACTIONS.get(action, TEXT["audit_other"])
    return en if lang == "en" else ja


def source_label(source: str | None, lang: str = DEFAULT_LANG) -> str:
    """「入力画面」 for form; 「ファイル取り込み（実績.csv）」 for import:実績.csv."""
    if not source:
        return "―"
    kind, _, detail = str(source).partition(":")
    word = t(f"source_{kind}" if f"source_{kind}" in TEXT else "source_other", lang)
    return paren(word, detail, lang) if detail else word


def actor_label(actor: str | None, lang: str = DEFAULT_LANG, people: Mapping[str, str] | None = None) -> str:
    """An author as people read it: 「コマンド操作（root）」 for cli:root, 「未ログイン」 for anonymous,
    and with ``people`` (account → display name, kpi.store.accounts.display_names) the person:
    「市民課 山田（shimin）」, the account kept so that an administrator can find it."""
    if not actor:
        return "―"
    if actor.startswith("cli:"):
        return t("actor_cli", lang).format(name=actor[4:])
    if actor == "anonymous":
        return t("actor_anonymous", lang)
    person = (people or {}).get(actor)
    return paren(person, actor, lang) if person else actor


WORK_FIELDS = ("previous_work", "this_year", "next_years")


def work_headings(fiscal_year: int, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Headings of a project's three work texts, from its fiscal year in 和暦.

    FY2026: 「R7までの実施内容」「R8の実施内容」「R9以降の取組(予定)」; FY2027: R8 / R9 / R10.
    """
    prev, this, nxt = (fiscal_year_short(fiscal_year + d) for d in (-1, 0, 1))
    return {field: t(f"dash_{field}", lang).format(prev=prev, this=this, next=nxt) for field in WORK_FIELDS}
