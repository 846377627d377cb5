"""The plan file's schema: what a human-editable YAML file in ``data/`` holding one fiscal
year's plan may say (pydantic models, each entry's rules and the rules between entries), and
the default value ranges of a unit.

Reading a file (YAML, format 1 read as format 2, Japanese messages with lines) is
``kpi.store.planfile_read``. Nothing is loaded when there is any problem.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.group_rollup import DEFAULT_CAUTION_PERCENT, DEFAULT_ON_TRACK_PERCENT, RollupPolicy, RollupRule
from kpi.domain.municipality import code_problem
from kpi.domain.numbers import PERCENT_UNITS, parse_number
from kpi.domain.plan import DEFAULT_LEVELS
from kpi.domain.status import DEFAULT_CAUTION, DEFAULT_ON_TRACK

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MonthStr = Annotated[str, Field(pattern=MONTH_PATTERN)]
CYCLE_STEPS = ("各課照会", "総括", "懇話会")
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


class PlanError(ValueError):
    """A plan file could not be loaded; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[str], heading: str = ""):
        self.source = source
        self.problems = problems
        heading = heading or f"計画ファイルに{len(problems)}件の誤りがあります"
        super().__init__(f"{source}: {heading}\n" + "\n".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


CodeStr = Annotated[str, Field(min_length=1, max_length=20)]


class PolicyIn(_Strict):
    no: int = Field(ge=1)
    code: CodeStr | None = None  # the display code as printed (「1」「Ⅰ」); default: the number
    name: str = Field(min_length=1)


class MeasureIn(_Strict):
    no: int = Field(ge=1)
    symbol: str = ""  # the plan's mark (①); kept from format 1
    code: CodeStr | None = None  # the display code as printed (「1-2」); default: the symbol, else no
    name: str = Field(min_length=1)
    policy: int
    hidden: bool = Field(default=False, exclude=True)  # the one middle entry of a two-level plan


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
    code: CodeStr | None = None  # the display code as printed (「1-2-3」); default: the number
    name: str = Field(min_length=1)
    measure: int | None = None  # three levels: the 重点施策 (middle level) it belongs to
    policy: int | None = None  # two levels: the top-level entry it belongs to
    lead_department: str = Field(min_length=1)
    related_departments: list[str] = Field(default_factory=list)
    summary: str = ""
    expected_effect: str = ""
    url: str | None = None
    previous_work: str = ""  # work until the end of the previous fiscal year
    this_year: str = ""  # this fiscal year's work
    next_years: str = ""  # from the next fiscal year on (planned)
    outcome: str = ""
    schedule: list[ScheduleRowIn] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://", v):
            raise ValueError("URL は http:// または https:// で始めてください（無い場合は null）")
        return v


class ThresholdsIn(_Strict):
    on_track: float = Field(default=DEFAULT_ON_TRACK, gt=0)
    caution: float = Field(default=DEFAULT_CAUTION, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsIn:
        if self.caution > self.on_track:
            raise ValueError("caution は on_track 以下にしてください")
        return self


NUMBER_FIELDS = ("baseline", "target", "target_factor", "min_value", "max_value", "start_total")


@dataclass(frozen=True)
class BadNumber:
    """A text that is not a number: left for pydantic to refuse, carrying the reader's reason."""

    text: str
    reason: str

    def __str__(self) -> str:
        return self.text


def _number(value: Any, unit: str | None) -> Any:
    if not isinstance(value, str) or value.strip() == NEW_BASELINE:
        return value
    try:
        return parse_number(value, unit)
    except ValueError as exc:
        return BadNumber(value, str(exc))


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
    # ---- issue 21: when the baseline was measured, and a 累計's running total at a month ----
    # A baseline known only by its year: 2022 / "2022年度" (fiscal year: measured at its end,
    # March 2023) or "2022年" (calendar year: December 2022). Read as baseline_month.
    baseline_year: int | str | None = None
    start_total: float | None = None  # 累計: the running total at the end of start_total_month
    start_total_month: MonthStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _baseline_year(cls, raw: Any) -> Any:
        if not isinstance(raw, dict) or raw.get("baseline_year") is None:
            return raw
        if raw.get("baseline_month") is not None:
            raise ValueError("baseline_year と baseline_month はどちらか一方だけ指定してください")
        month = baseline_year_month(raw["baseline_year"])
        if month is None:
            hint = 'baseline_year は年度（2022 または "2022年度"）か暦年（"2022年"）で書いてください'
            raise ValueError(f"{hint}: {raw['baseline_year']!r}")
        return {**raw, "baseline_month": month}

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, raw: Any) -> Any:
        """Numbers typed as text read like the actuals CSV: 「１００」, 3,100, 100% (% indicators)."""
        if not isinstance(raw, dict):
            return raw
        unit = raw.get("unit") if isinstance(raw.get("unit"), str) else None
        out = dict(raw)
        for key in NUMBER_FIELDS:
            if key in out:
                out[key] = _number(out[key], unit)
        if isinstance(out.get("yearly_targets"), dict):
            out["yearly_targets"] = {k: _number(v, unit) for k, v in out["yearly_targets"].items()}
        if isinstance(out.get("monthly_plan"), dict):
            out["monthly_plan"] = {k: _number(v, unit) for k, v in out["monthly_plan"].items()}
        if isinstance(out.get("thresholds"), dict):
            out["thresholds"] = {k: _number(v, None) for k, v in out["thresholds"].items()}
        return out

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
        if (self.start_total is None) != (self.start_total_month is None):
            raise ValueError("start_total と start_total_month は両方を指定してください（その月末の累計）")
        if self.start_total is not None and self.flow_scope != "since_baseline":
            raise ValueError("start_total は累計の指標（flow_scope: since_baseline）にだけ指定できます")
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


# ---- issue 21: the municipality's own scale (kpi.domain.scale); a block of its own ----

SCALE_CODES = ("achieved", "on_track", "caution", "delayed", "no_data", "no_baseline", "reference", "not_due", "done")
LabelStr = Annotated[str, Field(min_length=1, max_length=30)]
SymbolStr = Annotated[str, Field(min_length=1, max_length=4)]


class GradeIn(_Strict):
    label: LabelStr | None = None  # 「B 概ね順調」; default the product's word
    symbol: SymbolStr | None = None  # 「○」; default the product's shape

    @model_validator(mode="after")
    def _some(self) -> GradeIn:
        if self.label is None and self.symbol is None:
            raise ValueError("label か symbol のどちらかを書いてください")
        return self


class AheadIn(_Strict):
    label: LabelStr  # 「S 前倒し達成」
    ratio: float = Field(gt=1)  # from this progress ratio r (達成 or 順調) the grade reads so
    symbol: SymbolStr | None = None


class RatingIn(_Strict):
    code: Annotated[str, Field(min_length=1, max_length=4, pattern=r"^\S+$")]
    label: LabelStr


class ScaleIn(_Strict):
    """``scale:`` of a plan file: the words a municipality grades in (README "The plan file")."""

    statuses: dict[Literal[SCALE_CODES], GradeIn] = Field(default_factory=dict)  # type: ignore[valid-type]
    ahead: AheadIn | None = None
    ratings: list[RatingIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> ScaleIn:
        codes = [r.code for r in self.ratings]
        if len(set(codes)) != len(codes):
            raise ValueError(f"ratings の code が重複しています: {codes}")
        labels = [g.label for g in self.statuses.values() if g.label]
        if len(set(labels)) != len(labels):
            raise ValueError("statuses の label が重複しています（状況を見分けられません）")
        return self

    def to_json(self) -> dict[str, Any] | None:
        """As stored (kpi.domain.scale.PlanScale.to_json's shape)."""
        raw = self.model_dump(exclude_none=True, exclude_defaults=True)
        return raw or None


# Version 1 named the project texts after the R8 years; version 2 names them after their place
# in any fiscal year. A version 1 file is read by renaming its keys.
V1_PROJECT_KEYS = {"until_r7": "previous_work", "r8_plan": "this_year", "r9_onward": "next_years"}
FORMAT_VERSION = 2


DEFAULT_LICENSE = "CC-BY-4.0"


class PublicIn(_Strict):
    """How the public edition (``python -m kpi publish``) names its publisher and licence."""

    license: str = DEFAULT_LICENSE  # an SPDX id; CC BY 4.0 is what the 自治体標準オープンデータセット use
    attribution: str = ""  # the credit line re-users print; default 「<municipality>」
    homepage: str | None = None  # the municipality's page the site links to
    contact_department: str = ""  # who answers questions about the data; default owner_department

    @field_validator("homepage")
    @classmethod
    def _homepage(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://", v):
            raise ValueError("URL は http:// または https:// で始めてください（無い場合は null）")
        return v


# ── roll-up of 重点施策 / 基本方針 (issue 22): the plan's choice, kpi.domain.group_rollup ──
class RollupIn(_Strict):
    rule: RollupRule = RollupRule.WORST
    on_track_percent: float = Field(default=DEFAULT_ON_TRACK_PERCENT, gt=0, le=100)
    caution_percent: float = Field(default=DEFAULT_CAUTION_PERCENT, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> RollupIn:
        if self.caution_percent > self.on_track_percent:
            raise ValueError("caution_percent は on_track_percent 以下にしてください")
        return self

    def policy(self) -> RollupPolicy:
        return RollupPolicy(self.rule, self.on_track_percent, self.caution_percent)


class PlanFile(_Strict):
    format_version: Literal[1, 2]
    municipality: str = Field(min_length=1)
    # The 6-digit 全国地方公共団体コード (check digit validated): the open data's first column.
    municipality_code: str | None = None
    public: PublicIn | None = None  # settings of the public edition (licence, attribution, …)
    plan_name: str = Field(min_length=1)
    fiscal_year: int = Field(ge=2000, le=2100)
    label: str = Field(min_length=1)
    owner_department: str = ""
    # The names of the plan's levels, top first: three (default) or two (e.g. [分野, 取組]).
    levels: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=lambda: list(DEFAULT_LEVELS), min_length=2, max_length=3
    )
    policies: list[PolicyIn] = Field(min_length=1)
    measures: list[MeasureIn] = Field(default_factory=list)
    projects: list[ProjectIn] = Field(min_length=1)
    indicators: list[IndicatorIn] = Field(default_factory=list)
    # ---- issue 21: the municipality's own scale ----
    scale: ScaleIn | None = None
    rollup: RollupIn | None = None  # how a 重点施策 and a 基本方針 read one status (default: worst)

    @field_validator("municipality_code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> Any:
        if v is None:
            return None
        text = str(v).strip()
        problem = code_problem(text)
        if problem:
            raise ValueError(problem)
        return text

    @model_validator(mode="after")
    def _references(self) -> PlanFile:
        problems = self.reference_problems()
        if problems:
            raise PlanProblems(problems)
        return self

    def reference_problems(self) -> list[tuple[tuple[Any, ...], str]]:
        """Problems between entries, each with the path of the entry and field it is about."""
        problems: list[tuple[tuple[Any, ...], str]] = []
        _unique(problems, "policies", [p.no for p in self.policies], "no")
        _unique(problems, "measures", [m.no for m in self.measures], "no")
        _unique(problems, "projects", [p.no for p in self.projects], "no")
        _unique(problems, "indicators", [i.id for i in self.indicators], "id")
        policy_nos = {p.no for p in self.policies}
        measure_nos = {m.no for m in self.measures}
        two = self.two_levels
        if two and self.measures:
            problems.append((("measures",), f"2階層の計画（levels: {self.levels}）には measures を書きません"))
        if not two and not self.measures:
            problems.append((("measures",), "3階層の計画には measures（中間の階層）が必要です"))
        project_nos = {p.no for p in self.projects}
        for i, m in enumerate(self.measures):
            if m.policy not in policy_nos:
                problems.append((("measures", i, "policy"), f"{self.levels[0]} {m.policy} がありません"))
        first = Month(self.fiscal_year, 4)
        last = first.add(14)  # the schedule runs to June of the next fiscal year (懇話会)
        milestone_ids: list[tuple[tuple[Any, ...], str]] = []
        for i, p in enumerate(self.projects):
            if two:
                if p.measure is not None:
                    problems.append((("projects", i, "measure"), "2階層の計画では policy で上の階層を指定してください"))
                elif p.policy is None:
                    problems.append((("projects", i), f"policy（{self.levels[0]}の番号）がありません"))
                elif p.policy not in policy_nos:
                    problems.append((("projects", i, "policy"), f"{self.levels[0]} {p.policy} がありません"))
            elif p.policy is not None:
                problems.append((("projects", i, "policy"), "3階層の計画では measure で中間の階層を指定してください"))
            elif p.measure is None:
                problems.append((("projects", i), f"measure（{self.levels[1]}の番号）がありません"))
            elif p.measure not in measure_nos:
                problems.append((("projects", i, "measure"), f"{self.levels[1]} {p.measure} がありません"))
            for r, row in enumerate(p.schedule):
                for b, bar in enumerate(row.bars):
                    for key in ("start", "end"):
                        month = Month.parse(getattr(bar, key))
                        if not first <= month <= last:
                            path = ("projects", i, "schedule", r, "bars", b, key)
                            problems.append((path, f"{month} は {first}〜{last} の範囲外です"))
                for k, ms in enumerate(row.milestones):
                    milestone_ids.append((("projects", i, "schedule", r, "milestones", k, "id"), ms.id))
                    month = Month.parse(ms.month)
                    if not first <= month <= last:
                        path = ("projects", i, "schedule", r, "milestones", k, "month")
                        problems.append((path, f"{month} は {first}〜{last} の範囲外です"))
        seen: set[str] = set()
        for path, code in milestone_ids:
            if code in seen:
                problems.append((path, f"マイルストーン id={code} が重複しています"))
            seen.add(code)
        year = {str(m) for m in fiscal_months(self.fiscal_year)}
        for i, ind in enumerate(self.indicators):
            if ind.project not in project_nos:
                problems.append((("indicators", i, "project"), f"{self.levels[-1]} {ind.project} がありません"))
            problems += _start_problems(self, i, ind)
            final_year = ind.target_year if ind.target_year is not None else self.fiscal_year
            if final_year < self.fiscal_year:
                problems.append(
                    (
                        ("indicators", i, "target_year"),
                        f"最終目標の年度 {final_year} が計画の年度 {self.fiscal_year} より前です",
                    )
                )
            late = sorted(y for y in (ind.yearly_targets or {}) if y > final_year)
            if late:
                problems.append(
                    (("indicators", i, "yearly_targets"), f"最終目標の年度 {final_year} より後の年度があります: {late}")
                )
            if ind.baseline_month is not None and Month.parse(ind.baseline_month) >= Month(final_year + 1, 3):
                problems.append(
                    (("indicators", i, "baseline_month"), "基準値の月は最終目標の年度末より前にしてください")
                )
            if ind.monthly_plan is not None:
                outside = sorted(set(ind.monthly_plan) - year)
                missing = sorted(year - set(ind.monthly_plan))
                plan_path: tuple[Any, ...] = ("indicators", i, "monthly_plan")
                if outside:
                    problems.append((plan_path, f"年度外の月があります: {', '.join(outside)}"))
                if missing:
                    problems.append((plan_path, f"12か月すべてが必要です（不足: {', '.join(missing)}）"))
        return problems

    @property
    def two_levels(self) -> bool:
        return len(self.levels) == 2

    def all_measures(self) -> list[MeasureIn]:
        """The middle level as stored: a two-level plan gets one hidden entry per top-level
        entry (same number, name and code), so that nothing is entered twice."""
        if not self.two_levels:
            return list(self.measures)
        return [
            MeasureIn(no=p.no, code=p.code or str(p.no), name=p.name, policy=p.no, hidden=True) for p in self.policies
        ]

    def measure_of(self, project: ProjectIn) -> int:
        """The middle-level number a project belongs to (its top-level number in a two-level plan)."""
        number = project.policy if self.two_levels else project.measure
        if number is None:  # validated: never None in a loaded plan
            raise ValueError(f"projects[no={project.no}]: 上の階層がありません")
        return number

    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def baseline_year_month(value: Any) -> str | None:
    """The month a baseline of ``baseline_year`` means: a fiscal year (2022, 「2022年度」) at its
    end, March 2023; a calendar year (「2022年」) at its end, December 2022. None: unreadable."""
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = re.fullmatch(r"(\d{4})(年度|年)?", text)
    if m is None or isinstance(value, bool):
        return None
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        return None
    return f"{year}-12" if m.group(2) == "年" else f"{year + 1}-03"


def _start_problems(plan: PlanFile, i: int, ind: IndicatorIn) -> list[tuple[tuple[Any, ...], str]]:
    """A yearly target dated before the baseline; a 累計's start_total before its baseline or
    after the plan's year."""
    out: list[tuple[tuple[Any, ...], str]] = []
    measured = Month.parse(ind.baseline_month) if ind.baseline_month else Month(plan.fiscal_year, 3)
    early = sorted(y for y in (ind.yearly_targets or {}) if Month(y + 1, 3) < measured)
    if early:
        out.append(
            (
                ("indicators", i, "yearly_targets"),
                f"基準値（{measured}）より前の年度の目標値があります: {early}（年度末がその月より前です）",
            )
        )
    if ind.start_total_month is not None:
        start = Month.parse(ind.start_total_month)
        if start < measured:
            out.append((("indicators", i, "start_total_month"), f"累計の月 {start} が基準値の月 {measured} より前です"))
        if start > Month(plan.fiscal_year + 1, 3):
            out.append((("indicators", i, "start_total_month"), f"累計の月 {start} が計画の年度末より後です"))
    return out


def _unique(problems: list[tuple[tuple[Any, ...], str]], where: str, keys: list[Any], field: str) -> None:
    seen: set[Any] = set()
    for i, k in enumerate(keys):
        if k in seen:
            problems.append(((where, i, field), f"{field}={k} が重複しています"))
        seen.add(k)


class PlanProblems(ValueError):
    """Problems between entries found after each entry was valid on its own."""

    def __init__(self, problems: list[tuple[tuple[Any, ...], str]]):
        self.problems = problems
        super().__init__("\n".join(m for _, m in problems))
