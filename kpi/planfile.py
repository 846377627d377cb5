"""The plan file: a human-editable YAML file in ``data/`` holding one fiscal year's plan.

Validated with pydantic; every problem is reported as ``file: entry: field: reason`` and
nothing is loaded when there is any problem.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kpi.fiscal import Month, fiscal_months

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MonthStr = Annotated[str, Field(pattern=MONTH_PATTERN)]
CYCLE_STEPS = ("各課照会", "総括", "懇話会")
PERCENT_UNITS = ("%", "％")
# Upper bounds of a monthly value when the plan file gives none. Large enough for any real
# count, hour or yen figure of a city, small enough that twelve months never overflow a sum.
DEFAULT_MAX = 1e9
DEFAULT_MAX_BY_UNIT = {"円": 1e12, "千円": 1e10}
LARGEST_MAX = 1e15  # a plan file's max_value above this could make a year's sum lose every digit


NEW_BASELINE = "新規"  # a baseline of something that did not exist before: progress starts from 0


def default_range(unit: str) -> tuple[float, float]:
    """Valid monthly values of a unit: percentages 0–100, everything else 0 to a maximum."""
    if unit in PERCENT_UNITS:
        return 0.0, 100.0
    return 0.0, DEFAULT_MAX_BY_UNIT.get(unit, DEFAULT_MAX)


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


class PlanError(ValueError):
    """A plan file could not be loaded; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: 計画ファイルに{len(problems)}件の誤りがあります\n" + "\n".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyIn(_Strict):
    no: int = Field(ge=1)
    name: str = Field(min_length=1)


class MeasureIn(_Strict):
    no: int = Field(ge=1)
    symbol: str = Field(min_length=1)
    name: str = Field(min_length=1)
    policy: int


class BarIn(_Strict):
    start: MonthStr
    end: MonthStr
    text: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> BarIn:
        if Month.parse(self.end) < Month.parse(self.start):
            raise ValueError(f"終了月 {self.end} が開始月 {self.start} より前です")
        return self


class MilestoneIn(_Strict):
    id: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
    month: MonthStr
    text: str = ""


class ScheduleRowIn(_Strict):
    item: str = ""
    bars: list[BarIn] = Field(default_factory=list)
    milestones: list[MilestoneIn] = Field(default_factory=list)


class ProjectIn(_Strict):
    no: int = Field(ge=1)
    name: str = Field(min_length=1)
    measure: int
    lead_department: str = Field(min_length=1)
    related_departments: list[str] = Field(default_factory=list)
    summary: str = ""
    expected_effect: str = ""
    url: str | None = None
    until_r7: str = ""
    r8_plan: str = ""
    r9_onward: str = ""
    outcome: str = ""
    schedule: list[ScheduleRowIn] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://", v):
            raise ValueError("URL は http:// または https:// で始めてください（無い場合は null）")
        return v


class ThresholdsIn(_Strict):
    on_track: float = Field(default=0.9, gt=0)
    caution: float = Field(default=0.7, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsIn:
        if self.caution > self.on_track:
            raise ValueError("caution は on_track 以下にしてください")
        return self


class IndicatorIn(_Strict):
    id: str = Field(pattern=r"^[0-9a-z][0-9a-z-]*$")
    project: int
    name: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    # A number; 「新規」 when nothing existed before (progress from 0); null while unknown.
    baseline: float | Literal["新規"] | None = None
    baseline_month: MonthStr | None = None  # when the baseline was measured; default March before the year
    baseline_note: str = ""
    target: float | None = None  # the final target (of target_year)
    target_year: int | None = Field(default=None, ge=2000, le=2100)  # default: the plan's fiscal year
    yearly_targets: dict[int, float] | None = None  # fiscal year → that year's target
    flow_scope: Literal["fiscal_year", "since_baseline"] = "fiscal_year"
    frequency: Literal["monthly", "quarterly", "half_yearly", "yearly"] = "monthly"
    due_month: int | None = Field(default=None, ge=1, le=12)  # calendar month the figure is due
    target_factor: float | None = Field(default=None, gt=0)
    target_note: str = ""
    direction: Literal["increase", "decrease", "at_most"]
    accumulation: Literal["level", "flow"]
    monthly_plan: dict[MonthStr, float] | None = None
    thresholds: ThresholdsIn | None = None
    min_value: float | None = None
    max_value: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorIn:
        if self.target is not None and self.target_factor is not None:
            raise ValueError("target と target_factor はどちらか一方だけ指定してください")
        if self.direction == "at_most" and self.target is None:
            raise ValueError("at_most の指標には target（上限値）が必要です")
        if self.flow_scope == "since_baseline" and (self.accumulation != "flow" or self.direction == "at_most"):
            raise ValueError("flow_scope: since_baseline（累計）は flow の指標（at_most 以外）にだけ指定できます")
        if self.due_month is not None and self.frequency == "monthly":
            raise ValueError("due_month は frequency が quarterly / half_yearly / yearly の指標にだけ指定できます")
        if self.yearly_targets and self.direction == "at_most":
            raise ValueError("at_most の指標には yearly_targets を指定できません（上限値は target）")
        low, high = self.value_range
        if not (math.isfinite(low) and math.isfinite(high)) or low > high or max(abs(low), abs(high)) > LARGEST_MAX:
            raise ValueError(
                f"min_value と max_value は ±{LARGEST_MAX:.0e} 以内の数で、min_value ≦ max_value にしてください"
            )
        return self

    @property
    def value_range(self) -> tuple[float, float]:
        """Valid values: ``min_value``/``max_value`` of the file, else the unit's default range."""
        low, high = default_range(self.unit)
        return (
            self.min_value if self.min_value is not None else low,
            self.max_value if self.max_value is not None else high,
        )


class PlanFile(_Strict):
    format_version: Literal[1]
    municipality: str = Field(min_length=1)
    plan_name: str = Field(min_length=1)
    fiscal_year: int = Field(ge=2000, le=2100)
    label: str = Field(min_length=1)
    owner_department: str = ""
    policies: list[PolicyIn] = Field(min_length=1)
    measures: list[MeasureIn] = Field(min_length=1)
    projects: list[ProjectIn] = Field(min_length=1)
    indicators: list[IndicatorIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> PlanFile:
        problems: list[str] = []
        _unique(problems, "policies", [p.no for p in self.policies], "no")
        _unique(problems, "measures", [m.no for m in self.measures], "no")
        _unique(problems, "projects", [p.no for p in self.projects], "no")
        _unique(problems, "indicators", [i.id for i in self.indicators], "id")
        policy_nos = {p.no for p in self.policies}
        measure_nos = {m.no for m in self.measures}
        project_nos = {p.no for p in self.projects}
        for m in self.measures:
            if m.policy not in policy_nos:
                problems.append(f"measures[no={m.no}].policy: 基本方針 {m.policy} がありません")
        first = Month(self.fiscal_year, 4)
        last = first.add(14)  # the schedule runs to June of the next fiscal year (懇話会)
        milestone_ids: list[str] = []
        for p in self.projects:
            if p.measure not in measure_nos:
                problems.append(f"projects[no={p.no}].measure: 重点施策 {p.measure} がありません")
            for r, row in enumerate(p.schedule, start=1):
                for b, bar in enumerate(row.bars, start=1):
                    for key in ("start", "end"):
                        month = Month.parse(getattr(bar, key))
                        if not first <= month <= last:
                            problems.append(
                                f"projects[no={p.no}].schedule[{r}].bars[{b}].{key}: "
                                f"{month} は {first}〜{last} の範囲外です"
                            )
                for ms in row.milestones:
                    milestone_ids.append(ms.id)
                    month = Month.parse(ms.month)
                    if not first <= month <= last:
                        problems.append(
                            f"projects[no={p.no}].schedule[{r}].milestones[{ms.id}].month: "
                            f"{month} は {first}〜{last} の範囲外です"
                        )
        _unique(problems, "milestones", milestone_ids, "id")
        year = {str(m) for m in fiscal_months(self.fiscal_year)}
        for ind in self.indicators:
            where = f"indicators[id={ind.id}]"
            if ind.project not in project_nos:
                problems.append(f"{where}.project: 実施事業 {ind.project} がありません")
            final_year = ind.target_year if ind.target_year is not None else self.fiscal_year
            if final_year < self.fiscal_year:
                problems.append(
                    f"{where}.target_year: 最終目標の年度 {final_year} が計画の年度 {self.fiscal_year} より前です"
                )
            late = sorted(y for y in (ind.yearly_targets or {}) if y > final_year)
            if late:
                problems.append(f"{where}.yearly_targets: 最終目標の年度 {final_year} より後の年度があります: {late}")
            if ind.baseline_month is not None and Month.parse(ind.baseline_month) >= Month(final_year + 1, 3):
                problems.append(f"{where}.baseline_month: 基準値の月は最終目標の年度末より前にしてください")
            if ind.monthly_plan is not None:
                outside = sorted(set(ind.monthly_plan) - year)
                missing = sorted(year - set(ind.monthly_plan))
                if outside:
                    problems.append(f"{where}.monthly_plan: 年度外の月があります: {', '.join(outside)}")
                if missing:
                    problems.append(f"{where}.monthly_plan: 12か月すべてが必要です（不足: {', '.join(missing)}）")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def _unique(problems: list[str], where: str, keys: list[Any], field: str) -> None:
    seen: set[Any] = set()
    for k in keys:
        if k in seen:
            problems.append(f"{where}: {field}={k} が重複しています")
        seen.add(k)


def _entry_name(raw: Any, loc: tuple[Any, ...]) -> str:
    """'projects[no=4]' instead of 'projects.3', so a person can find the entry in the file."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int) and parts:
            label = f"[{key + 1}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict):
                for ident in ("id", "no"):
                    if ident in item:
                        label = f"[{ident}={item[ident]}]"
                        break
            parts[-1] += label
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)


def parse_plan(raw: Any, source: str) -> PlanFile:
    if not isinstance(raw, dict):
        raise PlanError(source, [f"{source}: YAML の最上位はマッピング（キー: 値）である必要があります"])
    try:
        return PlanFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            where = _entry_name(raw, loc) if loc else "(全体)"
            for line in msg.splitlines():
                problems.append(f"{source}: {where}: {line}" if loc else f"{source}: {line}")
        raise PlanError(source, problems) from None


def load_plan_file(path: str | Path) -> PlanFile:
    """Read and validate a plan file; raise PlanError naming file, entry and field."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(source, [f"{source}: ファイルが見つかりません"]) from None
    except UnicodeDecodeError as exc:
        raise PlanError(source, [f"{source}: UTF-8 として読めません（{exc.start}バイト目）"]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}行目: " if mark is not None else ""
        raise PlanError(source, [f"{source}: {where}YAML として読めません: {getattr(exc, 'problem', exc)}"]) from None
    return parse_plan(raw, source)
