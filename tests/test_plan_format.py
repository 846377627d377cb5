"""Plan file format 2: year-neutral project texts, headings from the fiscal year, version 1
files still read, and migration 0004 keeping every row of a 0003 database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, MetaData, func, select

from kpi.db import DEFAULT_PLAN, current_revision, transaction, upgrade
from kpi.labels import WORK_FIELDS, work_headings
from kpi.planfile import V1_PROJECT_KEYS, PlanError, load_plan_file
from kpi.store import plan_data
from tests.old_schema import V1_PLAN, fill_old_schema

TEXT_FIELDS = ("name", "lead_department", "summary", "expected_effect", "url", "outcome")


def test_bundled_plan_is_format_2_with_every_text_of_the_v1_reading() -> None:
    v2 = load_plan_file(DEFAULT_PLAN)
    v1 = load_plan_file(V1_PLAN)
    assert v2.format_version == 2 and v1.format_version == 1
    raw_v1 = yaml.safe_load(V1_PLAN.read_text(encoding="utf-8"))
    assert len(v2.projects) == len(v1.projects) == 22
    for new, old, raw in zip(v2.projects, v1.projects, raw_v1["projects"], strict=True):
        for field in (*TEXT_FIELDS, *WORK_FIELDS):
            assert getattr(new, field) == getattr(old, field), (new.no, field)
        for old_key, new_key in V1_PROJECT_KEYS.items():
            assert getattr(new, new_key) == raw.get(old_key, ""), (new.no, old_key)
        assert new.schedule == old.schedule
    # Everything outside the project texts is identical too.
    assert v2.model_dump(exclude={"format_version"}) == v1.model_dump(exclude={"format_version"})


def test_the_r8_plan_has_its_work_texts() -> None:
    p1 = load_plan_file(DEFAULT_PLAN).projects[0]
    assert p1.previous_work == "オンライン申請の対象手続きの拡大"
    assert p1.this_year == "オンライン申請の対象手続きの拡大 取扱い歳入の拡大"


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, ("R7までの実施内容", "R8の実施内容", "R9以降の取組(予定)")),
        (2027, ("R8までの実施内容", "R9の実施内容", "R10以降の取組(予定)")),
    ],
)
def test_headings_come_from_the_fiscal_year(year: int, expected: tuple[str, ...]) -> None:
    assert tuple(work_headings(year).values()) == expected
    assert work_headings(year, "en")["previous_work"] == f"Until R{year - 2019}"


def test_version_2_refuses_the_year_named_keys(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["projects"][0]["until_r7"] = raw["projects"][0].pop("previous_work")
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError) as exc:
        load_plan_file(path)
    assert "until_r7" in str(exc.value)


def test_migration_0004_keeps_every_row_and_renames_the_texts(engine: Engine) -> None:
    before = fill_old_schema(engine, "0003")
    upgrade(engine)
    assert current_revision(engine) is not None
    meta = MetaData()
    with engine.connect() as conn:
        meta.reflect(conn)
        after = {n: conn.execute(select(func.count()).select_from(meta.tables[n])).scalar_one() for n in before}
        columns = {c.name for c in meta.tables["projects"].columns}
    assert after == before
    assert set(WORK_FIELDS) <= columns and not columns & set(V1_PROJECT_KEYS)
    v1 = {p.no: p for p in load_plan_file(V1_PLAN).projects}
    with transaction(engine) as s:
        data = plan_data(s, 2026)
        assert data is not None
        for row in data.projects.to_dict("records"):
            for field in (*WORK_FIELDS, "summary", "outcome"):
                assert row[field] == getattr(v1[row["project_no"]], field), (row["project_no"], field)
        assert data.actuals["value"].tolist() == [86.5]
