"""Plan file format 2: year-neutral project texts, headings from the fiscal year, version 1
files still read, and migration 0004 keeping every row of a 0003 database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, MetaData, func, select

from kpi.store.db import DEFAULT_PLAN, current_revision, transaction, upgrade
from kpi.store.planfile import V1_PROJECT_KEYS, PlanError, PlanFile
from kpi.store.planfile_read import load_plan_file
from kpi.store.reads import plan_data
from kpi.text.labels import WORK_FIELDS, work_headings
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
    # Everything outside the project texts is identical too, but for the public edition's keys
    # (municipality_code, public), added to the bundled plan after the version 1 copy was frozen.
    later = {"format_version", "municipality_code", "public"}
    assert v2.model_dump(exclude=later) == v1.model_dump(exclude=later)


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


# ---- item 9: errors a clerk can act on


def _load_text(tmp_path: Path, text: str) -> PlanFile:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return load_plan_file(path)


def _errors(tmp_path: Path, text: str) -> str:
    with pytest.raises(PlanError) as exc:
        _load_text(tmp_path, text)
    return str(exc.value)


def _readme_example() -> str:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The plan file") :]
    return section[section.index("```yaml\n") + 8 : section.index("```\n", section.index("```yaml\n") + 8)]


def test_the_readme_example_parses_as_written(tmp_path: Path) -> None:
    plan = _load_text(tmp_path, _readme_example())
    assert plan.policies[0].no == 1 and plan.projects[0].this_year.endswith("取扱い歳入の拡大")
    assert plan.indicators[0].target == 89.0


def _bundled_with(old: str, new: str) -> str:
    text = DEFAULT_PLAN.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_bad_number_names_file_line_entry_field_with_a_japanese_hint(tmp_path: Path) -> None:
    text = _bundled_with("target: 89", "target: 八十九")
    message = _errors(tmp_path, text)
    line = _line_of(text, "target: 八十九")
    assert f"plan.yaml:{line}行目: indicators[id=04-mynumber-card-rate].target（目標値）" in message
    assert "目標値は数値で書いてください（例: 100）" in message
    assert "Input should" not in message and "valid number" not in message


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("    direction: increase", "    direction: up", "direction: up", "方向は次のどれかで書いてください"),
        ('start: "2026-04"', "start: 2026-4", "start: 2026-4", '月は引用符つきの "YYYY-MM"'),
        ("lead_department: 経営戦略課", "lead_departmnt: 経営戦略課", "lead_departmnt", "という項目はありません"),
        ('"no": 4\n', '"no": vier\n', '"no": vier', "番号は整数で書いてください"),
        ("measure: 2\n", "measure: 99\n", "measure: 99", "重点施策 99 がありません"),
    ],
)
def test_every_error_is_japanese_with_its_line(tmp_path: Path, old: str, new: str, needle: str, expected: str) -> None:
    text = _bundled_with(old, new)
    message = _errors(tmp_path, text)
    assert f"plan.yaml:{_line_of(text, needle)}行目: " in message, message
    assert expected in message
    assert not any(word in message for word in ("Input should", "Field required", "Extra inputs"))


def test_a_missing_field_points_at_its_entry(tmp_path: Path) -> None:
    text = _bundled_with('    unit: "%"\n', "")
    message = _errors(tmp_path, text)
    assert "単位がありません（必須の項目です）" in message
    assert "行目: indicators[id=" in message


def test_numbers_read_like_the_actuals_csv(tmp_path: Path) -> None:
    text = _bundled_with("target: 89", "target: 89%").replace("baseline: 85", "baseline: ８５", 1)
    text = text.replace("target: 3100", 'target: "3,100"', 1)
    plan = _load_text(tmp_path, text)
    by_id = {i.id: i for i in plan.indicators}
    assert (by_id["04-mynumber-card-rate"].baseline, by_id["04-mynumber-card-rate"].target) == (85, 89)
    assert by_id["14-ai-rpa-hours-saved"].target == 3100


def test_a_percent_sign_on_a_count_is_refused(tmp_path: Path) -> None:
    message = _errors(tmp_path, _bundled_with("target: 3100", "target: 3100%"))
    assert "「%」は単位が % の指標にだけ使えます" in message and "目標値は数値で書いてください" in message


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        ("format_version: 2\nmunicipality: a: b\n", "2行目16文字目", "「: 」の使い方"),
        ("format_version: 2\npolicies: [{no: 1, name: x}\n", "行目", "閉じないまま"),
        ("format_version: 2\n\tmunicipality: x\n", "2行目1文字目", "タブ文字は使えません"),
    ],
)
def test_yaml_syntax_errors_give_line_and_column(tmp_path: Path, text: str, where: str, hint: str) -> None:
    message = _errors(tmp_path, text)
    assert where in message and hint in message, message


def test_a_version_1_error_names_the_key_as_written(tmp_path: Path) -> None:
    text = V1_PLAN.read_text(encoding="utf-8").replace(
        "until_r7: オンライン申請の対象手続きの拡大", "until_r7: [1, 2]", 1
    )
    message = _errors(tmp_path, text)
    assert f"plan.yaml:{_line_of(text, 'until_r7: [1, 2]')}行目: projects[no=1].until_r7" in message


def test_a_number_or_new_baseline_gets_one_japanese_message(tmp_path: Path) -> None:
    text = _bundled_with("baseline: 85", "baseline: 八十五")
    message = _errors(tmp_path, text)
    assert (
        f"plan.yaml:{_line_of(text, 'baseline: 八十五')}行目: indicators[id=04-mynumber-card-rate].baseline（基準値）"
        in message
    )
    assert message.count("基準値は数値で書いてください") == 1 and "新規" in message
    assert "literal" not in message and "float" not in message
