"""Next year's plan: a draft plan file (format 2) for the fiscal year after the latest one in
the database, for a person to review and then load with ``import-plan``.

Kept: hierarchy, projects, departments, texts, indicator ids, targets. Moved on one year: the
「以降の取組(予定)」 text becomes this year's work, this year's work joins the earlier work;
the 工程表 rows keep their items with their bars cleared, and the year-end steps 各課照会 /
総括 / 懇話会 go to the following April–June. Each indicator's baseline by its kind (README
"The plan file"): a level indicator's is the ending year's latest actual (and its month); a 累計
indicator's (``flow_scope: since_baseline``) the running total at the end of the year, with the
month of its latest actual; a flow of the fiscal year starts from 0 every April, so it keeps
its baseline (a monthly amount means nothing for a year's total) and its note names the ending
year's total as last year's result. Pure apart from reading the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from kpi.charts.data import format_value
from kpi.domain.fiscal import Month, fiscal_year_label, fiscal_year_short
from kpi.domain.frames import opt
from kpi.domain.plan import DEFAULT_LEVELS, PlanData
from kpi.domain.status import DEFAULT_CAUTION, DEFAULT_ON_TRACK, evaluate_indicator
from kpi.domain.statuses import rule_of, values_by_code
from kpi.store.planfile import CYCLE_STEPS, FORMAT_VERSION, NEW_BASELINE, default_range
from kpi.store.reads import latest_fiscal_year, plan_data
from kpi.text import fmt
from kpi.text.labels import month_label

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class NewYearRefused(ValueError):
    """Nothing to draft from (no plan in the database)."""


def _text(value: Any) -> str:
    return fmt.text(value, "")


def _joined(*parts: Any) -> str:
    return "\n".join(t for t in (_text(p).strip() for p in parts) if t)


def _code(code: str, default: str) -> dict[str, str]:
    """``code`` only when the plan printed one (the default is not written back)."""
    return {"code": code} if code and code != default else {}


def draft_plan(data: PlanData) -> dict[str, Any]:
    """The next fiscal year's plan as plan-file data (format 2)."""
    year = data.year + 1
    two = data.two_levels
    steps_at = {step: str(Month(year + 1, 4 + i)) for i, step in enumerate(CYCLE_STEPS)}
    plan: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "municipality": data.municipality,
        "plan_name": data.plan_name,
        "fiscal_year": year,
        "label": fiscal_year_label(year),
        "owner_department": data.owner_department,
    }
    if tuple(data.levels) != DEFAULT_LEVELS:
        plan["levels"] = list(data.levels)
    plan["policies"] = [
        {"no": int(p["policy_no"]), **_code(p["policy_code"], str(int(p["policy_no"]))), "name": p["policy_name"]}
        for p in data.policies.to_dict("records")
    ]
    if not two:
        plan["measures"] = [
            {
                "no": int(m["measure_no"]),
                "symbol": _text(m["measure_symbol"]),
                **_code(m["measure_code"], _text(m["measure_symbol"]) or str(int(m["measure_no"]))),
                "name": m["measure_name"],
                "policy": int(m["policy_no"]),
            }
            for m in data.measures.to_dict("records")
        ]
    policy_of = {int(m["measure_no"]): int(m["policy_no"]) for m in data.measures.to_dict("records")}
    projects = []
    for p in data.projects.to_dict("records"):
        no = int(p["project_no"])
        rows = data.schedule[data.schedule["project_no"] == no].sort_values("position")
        schedule = []
        for r in rows.to_dict("records"):
            bars = [
                {"start": steps_at[b["text"]], "end": steps_at[b["text"]], "text": b["text"]}
                for b in opt(r["bars"]) or []
                if b.get("text") in steps_at
            ]
            schedule.append({"item": _text(r["item"]), "bars": bars, "milestones": []})
        parent = {"policy": policy_of[int(p["measure_no"])]} if two else {"measure": int(p["measure_no"])}
        projects.append(
            {
                "no": no,
                **_code(p["project_code"], f"{no:02d}"),
                "name": p["project_name"],
                **parent,
                "lead_department": p["lead_department"],
                "related_departments": list(opt(p["related_departments"]) or []),
                "summary": _text(p["summary"]),
                "expected_effect": _text(p["expected_effect"]),
                "url": opt(p["url"]),
                "previous_work": _joined(p["previous_work"], p["this_year"]),
                "this_year": _text(p["next_years"]),
                "next_years": "",
                "outcome": _text(p["outcome"]),
                "schedule": schedule,
            }
        )
    plan["projects"] = projects
    plan["indicators"] = [_indicator(data, i) for i in data.indicators.to_dict("records")]
    return plan


def year_end_value(data: PlanData, i: dict[str, Any]) -> tuple[float, str] | None:
    """(value, month) the ending year closes with, by the indicator's kind: a level's latest
    actual; a 累計's running total (baseline and every flow since, earlier years included);
    a within-year flow's total of the year. None without any actual this year."""
    rule = rule_of(i)
    values = values_by_code(data.earlier_actuals, data.actuals).get(str(i["code"]), {})
    # The evaluation at the year's end reads m* and a (or A) whatever the status.
    ev = evaluate_indicator(rule, values, Month(data.year + 1, 3), data.year)
    if ev.month is None or ev.actual is None:
        return None
    return float(ev.actual), str(ev.month)


def _baseline(data: PlanData, i: dict[str, Any]) -> dict[str, Any]:
    """The draft's baseline fields (baseline, baseline_month, baseline_note) by kind."""
    ending = fiscal_year_short(data.year)
    rule = rule_of(i)
    kept: dict[str, Any] = {"baseline": NEW_BASELINE if i.get("baseline_is_new") else opt(i["baseline"])}
    if opt(i.get("baseline_month")) is not None:
        kept["baseline_month"] = i["baseline_month"]
    closing = year_end_value(data, i)
    if closing is None:
        missing = f"{ending}年度の実績なし: 基準値を確認してください"
        return {**kept, "baseline_note": _joined(i["baseline_note"], missing)}
    value, month = closing
    unit = fmt.text(i["unit"], "")
    if rule.level_like:  # a level, or a 累計's running total: the state the new year starts from
        what = "累計" if rule.cumulative_since_baseline else "最新実績"
        note = f"{ending}年度の{what}（{month_label(month)}）"
        return {"baseline": value, "baseline_month": month, "baseline_note": note}
    # A flow of the fiscal year starts from 0 every April: last year's total is its result, not a start.
    total = f"{ending}年度の実績合計 {format_value(value, unit)}（{month_label(month)}まで）"
    return {**kept, "baseline_note": _joined(i["baseline_note"], total)}


def _indicator(data: PlanData, i: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": i["code"],
        "project": int(i["project_no"]),
        "name": i["name"],
        "unit": i["unit"],
    }
    out.update(_baseline(data, i))
    for key in ("target", "target_factor"):
        if opt(i[key]) is not None:
            out[key] = float(i[key])
    # The multi-year fields (final target's year, yearly targets, reporting frequency) are kept.
    # A final target of the ending year (or earlier) stays the target: of the new year.
    if opt(i.get("target_year")) is not None and int(i["target_year"]) > data.year:
        out["target_year"] = int(i["target_year"])
    if opt(i.get("due_month")) is not None:
        out["due_month"] = int(i["due_month"])
    if opt(i.get("yearly_targets")):
        # Targets of years before the ending one lie before the new baseline: left out.
        kept = {int(y): float(v) for y, v in i["yearly_targets"].items() if int(y) >= data.year}
        if kept:
            out["yearly_targets"] = kept
    for key, default in (("flow_scope", "fiscal_year"), ("frequency", "monthly")):
        if opt(i.get(key)) not in (None, default):
            out[key] = i[key]
    out["target_note"] = _text(i["target_note"])
    out["direction"] = i["direction"]
    out["accumulation"] = i["accumulation"]
    out["monthly_plan"] = None  # last year's months: a new year's monthly plan is written anew
    if (float(i["on_track_threshold"]), float(i["caution_threshold"])) != (DEFAULT_ON_TRACK, DEFAULT_CAUTION):
        out["thresholds"] = {"on_track": float(i["on_track_threshold"]), "caution": float(i["caution_threshold"])}
    low, high = default_range(i["unit"])
    if opt(i["min_value"]) is not None and float(i["min_value"]) != low:
        out["min_value"] = float(i["min_value"])
    if opt(i["max_value"]) is not None and float(i["max_value"]) != high:
        out["max_value"] = float(i["max_value"])
    return out


def header(data: PlanData) -> str:
    this, nxt = fiscal_year_short(data.year), fiscal_year_short(data.year + 1)
    return "\n".join(
        [
            f"# 下書き: {data.municipality} {fiscal_year_label(data.year + 1)}の計画ファイル",
            f"# （python -m kpi new-year が{fiscal_year_label(data.year)}の計画と実績から作成）。",
            "# 内容を確認・修正してから python -m kpi import-plan このファイル で読み込んでください。",
            "#",
            "# 作成時に変えた点（確認してください）:",
            f"# - this_year（{nxt}の実施内容）は前年度の「{nxt}以降の取組(予定)」です。next_years は空です。",
            f"# - previous_work（{this}までの実施内容）には前年度の実施内容を加えています。",
            "# - 工程表: 実施項目は残し、バーと●は消しています。各課照会・総括・懇話会は翌年度の4〜6月です。",
            f"# - 指標: 基準値は{this}年度の最新の実績値（累計の指標は年度末の累計。baseline_note にその月）。",
            f"#   年度内で合計する指標は毎年0から: 基準値はそのままで、baseline_note に{this}年度の実績合計。",
            "#   目標値はそのままです。",
            "#   月別計画値（monthly_plan）は消しています。",
            "",
        ]
    )


def draft_yaml(session: Session, year: int | None = None) -> tuple[int, str]:
    """(the new fiscal year, the draft plan file's text) from ``year`` (default: the latest)."""
    year = year if year is not None else latest_fiscal_year(session)
    data = plan_data(session, year) if year is not None else None
    if data is None:
        raise NewYearRefused("データベースに計画がありません（先に python -m kpi init で読み込んでください）")
    body = yaml.safe_dump(draft_plan(data), allow_unicode=True, sort_keys=False, width=1000)
    return data.year + 1, header(data) + body
