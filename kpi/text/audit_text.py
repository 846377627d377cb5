"""The audit log as people read it: each entry's operation in words and its detail as a
sentence (「値 87.5（前回 85）・第2版・経路: 入力画面」), in Japanese or English.

Pure: takes the frame of ``kpi.store.audit_query.audit_log`` (detail as JSON text) and returns a
frame for the 変更履歴 table and its CSV. The raw codes stay in the database and in
``audit_log``; only this view translates them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from kpi.text.catalog import TEXT, t
from kpi.text.fmt import MISSING, number, size_text
from kpi.text.glance import day_text
from kpi.text.labels import (
    actor_label,
    audit_action_label,
    month_text,
    source_label,
    state_label,
    state_of_label,
    status_label,
)


def _w(lang: str, ja: str, en: str) -> str:
    return en if lang == "en" else ja


def _field(key: str, lang: str) -> str:
    """The name of a detail field (catalog ``audit_field_<key>``); an unknown field by its key."""
    return t(f"audit_field_{key}", lang) if f"audit_field_{key}" in TEXT else key


def _value(v: Any, lang: str) -> str:
    if v is None or v == "":
        return "―"
    if isinstance(v, bool):
        return _w(lang, "はい", "yes") if v else _w(lang, "いいえ", "no")
    if isinstance(v, int | float):
        return number(v)
    if isinstance(v, list | tuple):
        return "、".join(_value(x, lang) for x in v) if v else "―"
    if isinstance(v, dict):
        # a monthly plan: month → value
        return "、".join(f"{month_text(k, lang)}: {_value(x, lang)}" for k, x in v.items())
    return str(v)


def _state(label: Any, lang: str) -> str:
    state = state_of_label(label)
    return _value(label, lang) if state is None else state_label(state, lang)


def _join(parts: list[str], lang: str) -> str:
    return _w(lang, "・", "; ").join(p for p in parts if p)


def _labelled(d: Mapping[str, Any], keys: tuple[str, ...], lang: str) -> list[str]:
    out = []
    for k in keys:
        if d.get(k) in (None, "", [], {}):
            continue
        if k == "fiscal_year":  # a year, not an amount: 「2026年度」, never 「2,026」
            out.append(_year(str(d[k]), lang))
        else:
            out.append(f"{_field(k, lang)}: {_value(d[k], lang)}")
    return out


def _revision(d: Mapping[str, Any], lang: str) -> str:
    rev = d.get("revision")
    return "" if rev is None else _w(lang, f"第{rev}版", f"revision {rev}")


def _actual_save(d: Mapping[str, Any], lang: str) -> str:
    value = _value(d.get("value"), lang)
    prev = d.get("previous")
    head = _w(lang, f"値 {value}", f"value {value}")
    if prev is not None:
        head += _w(lang, f"（前回 {_value(prev, lang)}）", f" (was {_value(prev, lang)})")
    src = _w(lang, "経路: ", "source: ") + source_label(d.get("source"), lang) if d.get("source") else ""
    # sample data says so in its source already (「経路: サンプルデータ」)
    sample = _w(lang, "サンプル", "sample") if d.get("sample") and d.get("source") != "demo" else ""
    return _join([head, _revision(d, lang), src, sample, *_labelled(d, ("note", "reason"), lang)], lang)


def _actual_import(d: Mapping[str, Any], lang: str) -> str:
    rows, saved = _value(d.get("rows"), lang), _value(d.get("saved"), lang)
    head = _w(lang, f"{rows}行のうち {saved}件を保存", f"{saved} of {rows} rows saved")
    return _join([head, *_labelled(d, ("reason",), lang)], lang)


def _actual_withdraw(d: Mapping[str, Any], lang: str) -> str:
    prev = _value(d.get("previous"), lang)
    head = _w(lang, f"値 {prev} を取消", f"value {prev} withdrawn")
    return _join([head, _revision(d, lang), *_labelled(d, ("reason",), lang)], lang)


def _assessment(d: Mapping[str, Any], lang: str) -> str:
    status = d.get("status")
    head = _w(lang, "評価 ", "status ") + (status_label(status, lang) if status else "―")
    return _join([head, _revision(d, lang), *_labelled(d, ("comment",), lang)], lang)


def _milestone_complete(d: Mapping[str, Any], lang: str) -> str:
    head = _w(
        lang, f"完了日 {day_text(d.get('completed_on'), lang)}", f"completed on {_value(d.get('completed_on'), lang)}"
    )
    if d.get("previous"):
        head += _w(lang, f"（以前 {day_text(d['previous'], lang)}）", f" (was {_value(d['previous'], lang)})")
    return head


def _milestone_undo(d: Mapping[str, Any], lang: str) -> str:
    when, by = day_text(d.get("previous"), lang), actor_label(d.get("previous_by"), lang)
    return _w(lang, f"取り消した完了日 {when}（入力者 {by}）", f"removed completion of {when} (by {by})")


def _evaluation_save(d: Mapping[str, Any], lang: str) -> str:
    rating, prev = _value(d.get("rating"), lang), d.get("previous")
    head = _w(lang, f"評価 {rating}", f"rating {rating}")
    if prev:
        head += _w(lang, f"（以前 {_value(prev, lang)}）", f" (was {_value(prev, lang)})")
    return _join([head, _revision(d, lang)], lang)


def _evaluation_state(d: Mapping[str, Any], lang: str) -> str:
    head = f"{_state(d.get('before'), lang)} → {_state(d.get('after'), lang)}"
    return _join([head, *_labelled(d, ("comment",), lang)], lang)


def _inquiry_open(d: Mapping[str, Any], lang: str) -> str:
    head = _w(lang, f"提出期限 {day_text(d.get('deadline'), lang)}", f"deadline {_value(d.get('deadline'), lang)}")
    if d.get("previous_deadline"):
        prev = day_text(d["previous_deadline"], lang)
        head += _w(lang, f"（以前 {prev}）", f" (was {prev})")
    return head


def _inquiry_import(d: Mapping[str, Any], lang: str) -> str:
    changed = d.get("changed") or []
    projects = "、".join(f"{int(n):02d}" for n in changed) if changed else "―"
    return _join(
        [
            _w(lang, f"ファイル {_value(d.get('file'), lang)}", f"file {_value(d.get('file'), lang)}"),
            _w(lang, f"変更した事業 {projects}", f"projects changed: {projects}"),
        ],
        lang,
    )


def _department_email(d: Mapping[str, Any], lang: str) -> str:
    new, old = _value(d.get("email"), lang), _value(d.get("previous"), lang)
    return f"{old} → {new}"


def _reminder(d: Mapping[str, Any], lang: str) -> str:
    return _join(
        [
            _w(lang, f"宛先 {_value(d.get('to'), lang)}", f"to {_value(d.get('to'), lang)}"),
            _w(lang, f"基準月 {month_text(d.get('as_of'), lang)}", f"as of {_value(d.get('as_of'), lang)}"),
        ],
        lang,
    )


def _period(d: Mapping[str, Any], lang: str) -> str:
    parts = _labelled(d, ("fiscal_year",), lang)
    if d.get("locked_by"):
        by = actor_label(d["locked_by"], lang)
        parts.append(_w(lang, f"締めた人 {by}", f"locked by {by}"))
    return _join(parts, lang)


def _plan_import(d: Mapping[str, Any], lang: str) -> str:
    c, u, r = (_value(d.get(k, 0), lang) for k in ("created", "updated", "removed"))
    counts = _w(lang, f"追加 {c}・更新 {u}・削除 {r}", f"{c} added, {u} updated, {r} removed")
    return _join([_w(lang, "ファイル ", "file ") + _value(d.get("source"), lang), counts], lang)


def _plan_replace(d: Mapping[str, Any], lang: str) -> str:
    replaced = "、".join(str(x) for x in d.get("replaced") or []) or MISSING
    new = f"{_value(d.get('municipality'), lang)} {_value(d.get('plan_name'), lang)}"
    return _join(
        [
            _w(lang, "ファイル ", "file ") + _value(d.get("source"), lang),
            _w(lang, f"{replaced} → {new}", f"{replaced} → {new}"),
        ],
        lang,
    )


def _plan_edit(d: Mapping[str, Any], lang: str) -> str:
    changes = d.get("changes") or {}
    parts = [
        f"{_field(k, lang)} {_value((c or {}).get('old'), lang)} → {_value((c or {}).get('new'), lang)}"
        for k, c in changes.items()
    ]
    return _join([*_labelled(d, ("fiscal_year",), lang), *parts], lang)


def _user_add(d: Mapping[str, Any], lang: str) -> str:
    role = d.get("role")
    role_text = t(f"role_{role}", lang) if role in ("admin", "editor", "viewer") else _value(role, lang)
    return _join([f"{_field('role', lang)}: {role_text}", *_labelled(d, ("departments", "email"), lang)], lang)


def _login_failed(d: Mapping[str, Any], lang: str) -> str:
    if d.get("reason"):
        return _login_reason(d, lang)
    n = d.get("failures")
    return "" if n is None else _w(lang, f"連続{n}回目の失敗", f"failure {n} in a row")


def _login_reason(d: Mapping[str, Any], lang: str) -> str:
    key = f"login_reason_{d.get('reason')}"
    return t(key, lang) if key in TEXT else _value(d.get("reason"), lang)


def _locked(d: Mapping[str, Any], lang: str) -> str:
    return _w(lang, f"{_value(d.get('until'), lang)} まで", f"until {_value(d.get('until'), lang)}")


def _demo_load(d: Mapping[str, Any], lang: str) -> str:
    n, through = _value(d.get("actuals"), lang), month_text(d.get("through"), lang)
    return _w(lang, f"{n}件（{through}まで）", f"{n} values (through {through})")


def _demo_clear(d: Mapping[str, Any], lang: str) -> str:
    n = _value(d.get("removed"), lang)
    return _w(lang, f"{n}件を削除", f"{n} removed")


def _publication(d: Mapping[str, Any], lang: str) -> str:
    on, n = day_text(d.get("published_on"), lang), _value(d.get("corrections"), lang)
    return _w(lang, f"公開日 {on}・訂正 {n}件", f"published {on}, {n} corrections")


def _nothing(_d: Mapping[str, Any], _lang: str) -> str:
    return ""


def _generic(d: Mapping[str, Any], lang: str) -> str:
    return _join([f"{_field(k, lang)}: {_value(v, lang)}" for k, v in d.items() if v not in (None, "")], lang)


def _restore(d: Mapping[str, Any], lang: str) -> str:
    return _join(
        [
            _w(lang, f"バックアップ作成 {d.get('created_at', '')}", f"backup made {d.get('created_at', '')}"),
            _w(lang, f"スキーマ {d.get('revision', '')}", f"schema {d.get('revision', '')}"),
            _w(lang, f"{_value(d.get('rows'), lang)}行", f"{_value(d.get('rows'), lang)} rows"),
            _w(lang, f"元: {d.get('source_dialect', '')}", f"from: {d.get('source_dialect', '')}"),
        ],
        lang,
    )


def _download(d: Mapping[str, Any], lang: str) -> str:
    size = d.get("size")
    return size_text(int(size)) if isinstance(size, int) else ""


SENTENCES: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "actual.save": _actual_save,
    "actual.import": _actual_import,
    "actual.withdraw": _actual_withdraw,
    "assessment.save": _assessment,
    "milestone.complete": _milestone_complete,
    "milestone.undo": _milestone_undo,
    "evaluation.save": _evaluation_save,
    "evaluation.state": _evaluation_state,
    "evaluation.submit": _evaluation_state,
    "evaluation.return": _evaluation_state,
    "evaluation.confirm": _evaluation_state,
    "evaluation.reopen": _evaluation_state,
    "inquiry.open": _inquiry_open,
    "inquiry.close": _nothing,
    "inquiry.import": _inquiry_import,
    "public_comment.submit": _nothing,
    "public_comment.approve": _nothing,
    "public_comment.reject": _nothing,
    "publication.publish": _publication,
    "department.email": _department_email,
    "reminder.send": _reminder,
    "period.lock": _period,
    "period.unlock": _period,
    "plan.import": _plan_import,
    "plan.replace": _plan_replace,
    "plan.edit": _plan_edit,
    "user.add": _user_add,
    "user.passwd": _nothing,
    "user.disable": _nothing,
    "user.enable": _nothing,
    "user.directory": _generic,  # only the fields that changed
    "auth.login": _nothing,
    "auth.login_failed": _login_failed,
    "auth.login_refused": _login_reason,
    "auth.locked": _locked,
    "demo.load": _demo_load,
    "demo.clear": _demo_clear,
    "database.restore": _restore,
    "backup.download": _download,
}


def detail_text(action: str, detail: Mapping[str, Any] | str | None, lang: str = "ja") -> str:
    """The detail of one audit entry as a sentence; JSON text is parsed first."""
    parsed: Any = detail
    if isinstance(detail, str):
        try:
            parsed = json.loads(detail) if detail.strip() else {}
        except ValueError:
            return detail
    d = parsed if isinstance(parsed, Mapping) else {}
    return SENTENCES.get(action, _generic)(d, lang)


def _year(year: str, lang: str) -> str:
    return _w(lang, f"{year}年度", f"FY{year}") if year.isdigit() else year


def target_text(action: str, target: str | None, names: Mapping[str, str], lang: str = "ja") -> str:
    """The target of an entry with the plan's names: 「マイナンバーカード保有率（2026年10月）」 for
    ``04-mynumber-card-rate 2026-10``; ``names`` maps indicator and milestone codes and
    project numbers (as text) to names; a target not found stays as written."""
    if not target:
        return "―"
    text = str(target)
    year, slash, rest = text.partition("/")
    if slash and year.isdigit():
        kind, colon, no = rest.partition(":")
        if kind == "project" and colon:
            return f"{_year(year, lang)} {no.zfill(2)} {names.get(no, '')}".rstrip()
        return f"{_year(year, lang)} {rest}"
    if action.startswith("inquiry.") and text.isdigit():
        return _year(text, lang)
    if len(text) == 6 and text.startswith("FY") and text[2:].isdigit():  # plan and sample loads
        return _year(text[2:], lang)
    code, space, month = text.partition(" ")
    if space and code in names:
        return f"{names[code]}（{month_text(month, lang)}）" if lang != "en" else f"{names[code]} ({month})"
    if space and code.isdigit() and str(int(code)) in names:
        return (
            f"{int(code):02d} {names[str(int(code))]}（{month_text(month, lang)}）"
            if lang != "en"
            else f"{int(code):02d} {names[str(int(code))]} ({month})"
        )
    return month_text(names.get(text, text), lang)  # a month lock's target is its month


def plan_names(data: Any) -> dict[str, str]:
    """Indicator and milestone codes and project numbers → names, from a ``PlanData``."""
    if data is None:
        return {}
    names = {str(r["code"]): str(r["name"]) for r in data.indicators.to_dict("records")}
    for r in data.milestones.to_dict("records"):
        names[str(r["code"])] = str(r.get("text") or r.get("item") or r["code"])
    names.update({str(int(r["project_no"])): str(r["project_name"]) for r in data.projects.to_dict("records")})
    return names


def readable_log(
    frame: pd.DataFrame,
    lang: str = "ja",
    names: Mapping[str, str] | None = None,
    people: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``audit_log``'s frame with ``action`` in words, ``actor`` readable and ``detail`` a sentence.

    The code stays in column ``code`` (filters work on it; the page does not show it).
    """
    out = frame.copy()
    out["code"] = frame["action"]
    out["action"] = [audit_action_label(a, lang) for a in frame["action"]]
    out["actor"] = [actor_label(a, lang, people) for a in frame["actor"]]
    out["target"] = [
        target_text(a, x, names or {}, lang) for a, x in zip(frame["action"], frame["target"], strict=True)
    ]
    out["detail"] = [detail_text(a, d, lang) for a, d in zip(frame["action"], frame["detail"], strict=True)]
    return out
