"""The read model of one fiscal year's plan (``PlanData``) and the plan's level names.

Pure: frames in memory, no database. ``kpi.store.reads.plan_data`` builds it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from kpi.domain.group_rollup import RollupPolicy
from kpi.domain.scale import PRODUCT_SCALE, PlanScale

if TYPE_CHECKING:  # the plan file's parser (pydantic, yaml) loads only for writes: `status` reads
    pass


DEFAULT_LEVELS = ("基本方針", "重点施策", "実施事業")  # a plan's level names unless its file names its own


# The plan's own words name the app, reports and 工程表; this is the fallback without a plan.
NEUTRAL_PLAN_NAME = "DXアクションプラン"


def plan_title(municipality: str | None, plan_name: str | None) -> str:
    """「○○市DXアクションプラン」 from the plan file's municipality and plan name.

    The municipality is put in front only when the plan name does not already start
    with it (「○○市 ○○市DX…」 would read as a typo).
    """
    town = (municipality or "").strip()
    name = (plan_name or "").strip() or NEUTRAL_PLAN_NAME
    if not town or name.startswith(town):
        return name
    return f"{town} {name}"


def level_words(text: str, levels: tuple[str, ...] | list[str]) -> str:
    """Replace the default level names in a text by a plan's own (two or three names, top first).

    With two levels the middle level (one hidden entry per top-level entry) reads as the top.
    """
    names = tuple(levels)
    if names == DEFAULT_LEVELS or len(names) not in (2, 3):
        return text
    wanted = (names[0], names[0], names[1]) if len(names) == 2 else names
    marks = [f"\x00{i}\x00" for i in range(3)]  # two steps: a new name may contain an old one
    for word, mark in zip(DEFAULT_LEVELS, marks, strict=True):
        text = text.replace(word, mark)
    for mark, name in zip(marks, wanted, strict=True):
        text = text.replace(mark, name)
    return text


@dataclass(frozen=True)
class FiscalYearInfo:
    year: int
    label: str
    municipality: str
    plan_name: str
    levels: tuple[str, ...] = DEFAULT_LEVELS


@dataclass(frozen=True)
class PlanData:
    """Everything needed to compute statuses for one fiscal year: a few queries, no loops."""

    year: int
    label: str
    municipality: str
    plan_name: str
    policies: pd.DataFrame  # policy_no, policy_name, policy_code (display code as printed)
    measures: pd.DataFrame  # measure_no, symbol, measure_name, policy_no, measure_code, hidden
    projects: pd.DataFrame  # project_no, project_name, measure_no, project_code, lead_department, ...
    schedule: pd.DataFrame  # project_no, position, item, bars
    milestones: pd.DataFrame  # code, project_no, row_position, item, month, text, completed_on
    indicators: pd.DataFrame  # code, project_no, name, unit, baseline, target, ...
    actuals: pd.DataFrame  # code, month, value, note, author, created_at, revision, is_sample
    assessments: pd.DataFrame  # project_no, month, status, comment, author, created_at, is_sample
    levels: tuple[str, ...] = DEFAULT_LEVELS  # the plan's level names, top first (two or three)
    owner_department: str = ""
    # The previous fiscal year's current actuals (code, month, value, …) when that year is in
    # the database: a chart shows both years of an indicator present in both.
    previous_actuals: pd.DataFrame | None = None

    @property
    def two_levels(self) -> bool:
        return len(self.levels) == 2

    def words(self, text: str) -> str:
        """A text with the default level names replaced by this plan's (「重点施策別」→「分野別」).

        In a two-level plan the middle level mirrors the top one: both read as its name.
        """
        return level_words(text, self.levels)

    # Current values of earlier fiscal years of 累計 (since_baseline) indicators, matched by
    # code: code, month, value. Empty when no indicator adds up since its baseline.
    earlier_actuals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "month", "value"]))
    # How a 重点施策 and a 基本方針 read one status from their projects (the plan file's ``rollup``).
    rollup: RollupPolicy = field(default_factory=RollupPolicy)
    # The municipality's own words for statuses and ratings (issue 21); the product's by default.
    scale: PlanScale = PRODUCT_SCALE

    @property
    def has_sample(self) -> bool:
        return bool(self.actuals["is_sample"].any()) or bool(self.assessments["is_sample"].any())

    @cached_property
    def project_labels(self) -> dict[int, str]:
        """Project number → 「01 名前」: its code as printed (else the two-digit number) and name,
        as every list of projects names them."""
        p = self.projects
        return {
            int(n): f"{c} {name}"
            for n, c, name in zip(p["project_no"], p["project_code"], p["project_name"], strict=True)
        }

    @property
    def title(self) -> str:
        """The plan as reports name it: 「○○市DXアクションプラン」."""
        return plan_title(self.municipality, self.plan_name)

    def only_projects(self, nos: Collection[int]) -> PlanData:
        """The same year with only the projects ``nos`` (their schedule, ●, indicators, actuals
        and self-assessments); policies and measures stay. A page that shows one project or
        one 重点施策 evaluates this, so its cost does not grow with the rest of the plan."""
        keep = {int(n) for n in nos}
        indicators = self.indicators.loc[self.indicators["project_no"].isin(keep)]
        return replace(
            self,
            projects=self.projects.loc[self.projects["project_no"].isin(keep)],
            schedule=self.schedule.loc[self.schedule["project_no"].isin(keep)],
            milestones=self.milestones.loc[self.milestones["project_no"].isin(keep)],
            indicators=indicators,
            actuals=self.actuals.loc[self.actuals["code"].isin(set(indicators["code"]))],
            assessments=self.assessments.loc[self.assessments["project_no"].isin(keep)],
            earlier_actuals=self.earlier_actuals.loc[self.earlier_actuals["code"].isin(set(indicators["code"]))],
        )
