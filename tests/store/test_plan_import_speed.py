"""An unchanged import-plan of a large plan is fast (libyaml, one query for the 工程表 rows),
and any edit of one field among many projects is still found and applied (issue 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from kpi.bench.data import generated_plan_raw
from kpi.store import planfile_read
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.models import Indicator, Milestone, Project, ScheduleRow
from kpi.store.planfile import PlanError
from tests.conftest import ADMIN, ROOT

PLANS = [DEFAULT_PLAN, *sorted((ROOT / "tests").glob("*/*.yaml"))]


def _many_projects(year: int = 2026) -> dict[str, Any]:
    """The benchmark's generated plan cut to its first four 重点施策: 80 projects."""
    raw = generated_plan_raw(year)
    raw["policies"] = raw["policies"][:1]
    raw["measures"] = raw["measures"][:4]
    raw["projects"] = [p for p in raw["projects"] if p["measure"] <= 4]
    nos = {p["no"] for p in raw["projects"]}
    raw["indicators"] = [i for i in raw["indicators"] if i["project"] in nos]
    return raw


def _write(path: Path, raw: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", PLANS, ids=lambda p: Path(p).name)
def test_the_fast_yaml_parser_reads_what_pyyaml_reads(path: Path) -> None:
    text = Path(path).read_text(encoding="utf-8")
    fast = planfile_read._read_yaml(planfile_read._FastPlanLoader, text, str(path))
    slow = planfile_read._read_yaml(planfile_read._PlanLoader, text, str(path))
    assert fast == slow  # the same data and the same line of every entry


def test_the_fast_parser_keeps_yaml_1_2_booleans_and_the_problem_wording() -> None:
    assert planfile_read._FastPlanLoader is not planfile_read._PlanLoader  # libyaml is installed here
    data, lines = planfile_read.read_plan_yaml("no: 1\na: yes\nb: on\nc: true\n", "x.yaml")
    assert data == {"no": 1, "a": "yes", "b": "on", "c": True} and lines[("c",)] == 4
    with pytest.raises(PlanError) as err:
        planfile_read.read_plan_yaml("a: 1\n b: 2\nc", "x.yaml")
    slow = planfile_read._PlanLoader("a: 1\n b: 2\nc")
    with pytest.raises(yaml.YAMLError) as raw:
        slow.get_single_node()
    mark = raw.value.problem_mark  # type: ignore[attr-defined]
    assert f"x.yaml:{mark.line + 1}行目{mark.column + 1}文字目" in str(err.value)


def test_one_edited_field_in_one_of_many_projects_is_found_and_applied(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kpi.db'}")
    raw = _many_projects()
    path = _write(tmp_path / "plan.yaml", raw)
    first = import_plan(engine, path, ADMIN)
    assert first.created > 80
    assert not import_plan(engine, path, ADMIN).changed  # unchanged: nothing written

    edits = [
        ("summary", 1, lambda r: r["projects"][57].__setitem__("summary", "概要を改めた")),
        ("schedule bar", 1, lambda r: r["projects"][33]["schedule"][1]["bars"][0].__setitem__("end", "2027-02")),
        # The row's ● milestone carries its item too: two entries change.
        ("schedule item", 2, lambda r: r["projects"][12]["schedule"][0].__setitem__("item", "新しい実施項目")),
        ("milestone", 1, lambda r: r["projects"][70]["schedule"][0]["milestones"][0].__setitem__("text", "公開")),
        ("indicator", 1, lambda r: r["indicators"][200].__setitem__("target", 1234.0)),
    ]
    for what, updated, edit in edits:
        edit(raw)
        summary = import_plan(engine, _write(path, raw), ADMIN)
        assert (summary.created, summary.updated, summary.removed) == (0, updated, 0), what
        assert not import_plan(engine, path, ADMIN).changed, what

    with transaction(engine) as s:
        assert s.scalar(select(Project.summary).where(Project.no == 58)) == "概要を改めた"
        p34 = s.scalar(select(Project.id).where(Project.no == 34))
        bars = s.scalars(select(ScheduleRow.bars).where(ScheduleRow.project_id == p34, ScheduleRow.position == 2))
        assert [b["end"] for b in bars.one()] == ["2027-02"]
        p13 = s.scalar(select(Project.id).where(Project.no == 13))
        item = select(ScheduleRow.item).where(ScheduleRow.project_id == p13, ScheduleRow.position == 1)
        assert s.scalar(item) == "新しい実施項目"
        assert s.scalar(select(Milestone.text).where(Milestone.code == "m71-1")) == "公開"
        code = raw["indicators"][200]["id"]
        assert s.scalar(select(Indicator.target).where(Indicator.code == code)) == 1234.0
