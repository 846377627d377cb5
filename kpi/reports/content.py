"""What a report holds: the scope (全体 / 基本方針 / 重点施策 / 実施事業) and the tables of one
as-of month, computed from ``PlanData`` with the same rules as the dashboard (kpi.domain.statuses).

Pure: no database, no Streamlit. The PDF, XLSX and PNG writers and the レポート page all
draw the same ``ReportContent``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd

from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.plan import DEFAULT_LEVELS, PlanData, level_words
from kpi.domain.status import Accumulation, Direction, IndicatorYear, expected_value
from kpi.domain.statuses import (
    actuals_by_code,
    assessment_statuses,
    indicator_statuses,
    project_statuses,
    rule_of,
    status_history,
)
from kpi.text.catalog import t
from kpi.text.labels import level_words_in, month_label, year_label
from kpi.text.why import NEEDS_REASON, why_projects

_SCOPE_RE = re.compile(r"^(all)$|^(policy|measure|project):(\d+)$")
REPORT_SUFFIX = "進捗レポート"


def report_title(data: PlanData) -> str:
    """「○○市DXアクションプラン 進捗レポート」, named after the loaded plan."""
    return f"{data.title} {REPORT_SUFFIX}"


class ScopeError(ValueError):
    """A scope that is malformed or names no entry of the plan."""


@dataclass(frozen=True)
class Scope:
    """all | policy:N | measure:N | project:N (N = the plan's own number)."""

    kind: str = "all"
    no: int | None = None

    @classmethod
    def parse(cls, text: str) -> Scope:
        m = _SCOPE_RE.match(str(text).strip())
        if not m:
            raise ScopeError(f"範囲は all / policy:N / measure:N / project:N で指定してください: {text!r}")
        if m.group(1):
            return cls("all")
        return cls(m.group(2), int(m.group(3)))

    def __str__(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.no}"

    @property
    def slug(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}{self.no}"


def scope_projects(data: PlanData, scope: Scope) -> list[int]:
    """Project numbers in the scope, in plan order; ScopeError when the number is unknown."""
    projects = data.projects.merge(data.measures[["measure_no", "policy_no"]], on="measure_no")
    if scope.kind == "all":
        chosen = projects
    elif scope.kind == "policy":
        chosen = projects[projects["policy_no"] == scope.no]
    elif scope.kind == "measure":
        chosen = projects[projects["measure_no"] == scope.no]
    elif scope.kind == "project":
        chosen = projects[projects["project_no"] == scope.no]
    else:
        raise ScopeError(f"範囲の種類が不明です: {scope.kind}")
    if chosen.empty:
        raise ScopeError(f"計画にない範囲です: {scope}")
    return [int(n) for n in chosen["project_no"]]


def _scope_word(kind: str, lang: str) -> str:
    return t(f"scope_{kind}", lang)


def _scope_code(code: str, no: Any) -> str:
    """A scope names a project 「実施事業4」: the plain number unless the plan prints a code."""
    return str(no) if code == f"{int(no):02d}" else code


def _in_words(data: PlanData, text: str, lang: str) -> str:
    """Japanese labels take the plan's own level names; English keeps the generic words."""
    return level_words_in(text, data.levels, lang)


def scope_label(data: PlanData, scope: Scope, lang: str = "ja") -> str:
    """「全体」, 「基本方針1 市民サービスの利便性の向上」, 「重点施策① …」, 「実施事業4 …」."""
    word = _scope_word(scope.kind, lang)
    if scope.kind == "all":
        return word
    if scope.kind == "policy":
        row = data.policies[data.policies["policy_no"] == scope.no].iloc[0]
        return _in_words(data, f"{word}{row['policy_code']} {row['policy_name']}", lang)
    if scope.kind == "measure":
        row = data.measures[data.measures["measure_no"] == scope.no].iloc[0]
        return _in_words(data, f"{word}{row['symbol']} {row['measure_name']}", lang)
    row = data.projects[data.projects["project_no"] == scope.no].iloc[0]
    return _in_words(data, f"{word}{_scope_code(row['project_code'], scope.no)} {row['project_name']}", lang)


def scope_choices(data: PlanData, lang: str = "ja") -> list[tuple[str, str]]:
    """(scope text, label) of every scope of the plan, 全体 first."""
    out = [("all", _scope_word("all", lang))]
    policy, measure, project = (_scope_word(k, lang) for k in ("policy", "measure", "project"))
    for r in data.policies.itertuples(index=False):
        out.append((f"policy:{r.policy_no}", _in_words(data, f"{policy}{r.policy_code} {r.policy_name}", lang)))
    for r in data.measures.itertuples(index=False):
        if not r.hidden:  # a two-level plan: the same entries as the top level
            out.append((f"measure:{r.measure_no}", _in_words(data, f"{measure}{r.symbol} {r.measure_name}", lang)))
    for r in data.projects.itertuples(index=False):
        code = _scope_code(r.project_code, r.project_no)
        out.append((f"project:{r.project_no}", _in_words(data, f"{project}{code} {r.project_name}", lang)))
    return out


MONTHLY_COLUMNS = ["code", "name", "unit", "month", "value", "cumulative", "expected", "status"]


def monthly_series(data: PlanData, as_of: Month, codes: list[str] | None = None) -> pd.DataFrame:
    """Per indicator and fiscal month up to ``as_of``: the reported value, the cumulative
    total (flow indicators), the expected value E and the status as of that month."""
    values = actuals_by_code(data)
    rows = []
    last = min(as_of, Month(data.year + 1, 3))
    wanted = None if codes is None else set(codes)  # a set: a list is scanned once per indicator
    for ind in data.indicators.to_dict("records"):
        if wanted is not None and ind["code"] not in wanted:
            continue
        rule = rule_of(ind)
        own = values.get(ind["code"], {})
        prepared = IndicatorYear(rule, own, data.year)  # the year worked out once, asked per month
        total = 0.0
        for m in fiscal_months(data.year):
            if m > last:
                break
            value = own.get(m)
            if value is not None:
                total += value
            flow = rule.accumulation is Accumulation.FLOW or rule.direction is Direction.AT_MOST
            ev = prepared.at(m)
            # A 累計 flow's running total starts from its baseline, not from April.
            running = ev.actual if rule.cumulative_since_baseline else total
            rows.append(
                {
                    "code": ind["code"],
                    "name": ind["name"],
                    "unit": ind["unit"],
                    "month": str(m),
                    "value": value,
                    "cumulative": running if flow and value is not None else None,
                    "expected": expected_value(rule, m.fiscal_index, data.year),
                    "status": ev.status.value,
                }
            )
    return pd.DataFrame(rows, columns=MONTHLY_COLUMNS)


@dataclass(frozen=True)
class ReportContent:
    title: str
    municipality: str
    year: int
    year_label: str
    as_of: Month
    scope: Scope
    scope_label: str
    has_sample: bool
    projects: pd.DataFrame  # project_statuses rows in scope
    indicators: pd.DataFrame  # indicator_statuses rows of kind indicator in scope
    milestones: pd.DataFrame  # indicator_statuses rows of kind milestone in scope
    monthly: pd.DataFrame  # monthly_series of the indicators in scope
    assessments: pd.DataFrame  # latest self-assessment per project in scope
    evaluations: pd.DataFrame = field(default_factory=pd.DataFrame)  # 期末評価 in scope
    generated_on: date | None = None
    # Why each 注意/遅延 project in scope is so: project id → lines (causes, note, self-assessment).
    why: dict[int, list[str]] = field(default_factory=dict)
    # Each project's status at the end of every month April → as-of (kpi.domain.statuses.status_history).
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    lang: str = "ja"  # the page follows the visitor's language; PDF and XLSX are Japanese
    levels: tuple[str, ...] = DEFAULT_LEVELS  # the plan's level names, top first

    def words(self, text: str) -> str:
        """A heading with the plan's own level names (「実施事業」→「取組」)."""
        return level_words(text, self.levels)

    @cached_property
    def _codes(self) -> dict[int, str]:
        # Built once per report: rebuilding it per call made a table of N projects cost N².
        if "code" not in self.projects:
            return {}
        return {int(k): str(v) for k, v in zip(self.projects["id"], self.projects["code"], strict=True)}

    def project_code(self, no: Any) -> str:
        """A project's display code as printed (「04」, 「1-2-3」)."""
        return self._codes.get(int(no), f"{int(no):02d}")

    @property
    def subtitle(self) -> str:
        month = month_label(self.as_of, self.lang)
        return t("rep_subtitle", self.lang).format(year=self.year_label, month=month, scope=self.scope_label)


def build_report(
    data: PlanData,
    as_of: Month,
    scope: Scope,
    evaluations: pd.DataFrame | None = None,
    generated_on: date | None = None,
    lang: str = "ja",
) -> ReportContent:
    nos = scope_projects(data, scope)
    # Only the projects in scope are evaluated: a report of one 重点施策 costs what it shows.
    part = data.only_projects(nos)
    statuses = indicator_statuses(part, as_of)
    projects = project_statuses(part, as_of, statuses).reset_index(drop=True)
    indicators = statuses[statuses["kind"] == "indicator"].reset_index(drop=True)
    milestones = statuses[statuses["kind"] == "milestone"].reset_index(drop=True)
    assess = assessment_statuses(part, as_of).reset_index(drop=True)
    ev = evaluations if evaluations is not None else pd.DataFrame(columns=["project_no"])
    if not ev.empty:
        ev = ev[ev["project_no"].isin(nos)].reset_index(drop=True)
    reasons = why_projects(part, as_of, statuses, lang)
    why = {
        int(p["id"]): reasons[int(p["id"])].lines(lang)
        for p in projects.to_dict("records")
        if p["status"] in NEEDS_REASON
    }
    history = status_history(part, as_of).reset_index(drop=True)
    in_scope_codes = set(indicators["id"])
    sample = data.actuals[data.actuals["code"].isin(in_scope_codes)]["is_sample"].astype(bool).any()
    sample = bool(sample) or bool(data.assessments[data.assessments["project_no"].isin(nos)]["is_sample"].any())
    return ReportContent(
        title=report_title(data),
        municipality=data.municipality,
        year=data.year,
        year_label=year_label(data.year, lang),
        as_of=as_of,
        scope=scope,
        scope_label=scope_label(data, scope, lang),
        has_sample=sample,
        projects=projects,
        indicators=indicators,
        milestones=milestones,
        monthly=monthly_series(data, as_of, list(indicators["id"])),
        assessments=assess,
        evaluations=ev,
        generated_on=generated_on,
        why=why,
        history=history,
        lang=lang,
        levels=data.levels,
    )
