"""The plan file: the real R8 plan as data, and clear errors that load nothing."""

import re
from pathlib import Path

import pytest
import yaml

from kpi.store.db import DEFAULT_PLAN
from kpi.store.planfile import CYCLE_STEPS, PlanError
from kpi.store.planfile_read import load_plan_file
from tests.conftest import INDICATOR_IDS

SOURCE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_6938d9411b560dcf.txt"


@pytest.fixture(scope="module")
def plan():
    return load_plan_file(DEFAULT_PLAN)


def test_the_plan_has_3_policies_10_measures_22_projects(plan) -> None:
    assert [p.no for p in plan.policies] == [1, 2, 3]
    assert [m.symbol for m in plan.measures] == list("①②③④⑤⑥⑦⑧⑨⑩")
    assert [p.no for p in plan.projects] == list(range(1, 23))
    assert plan.fiscal_year == 2026 and plan.label == "令和8年度"


def test_indicators_have_the_fixed_ids_and_targets(plan) -> None:
    assert plan.indicator_ids() == list(INDICATOR_IDS)
    by_id = {i.id: i for i in plan.indicators}
    assert (by_id["01-online-procedures"].baseline, by_id["01-online-procedures"].target) == (73, 83)
    assert (by_id["04-mynumber-card-rate"].baseline, by_id["04-mynumber-card-rate"].target) == (85, 89)
    assert (by_id["05-konbini-issuance-share"].baseline, by_id["05-konbini-issuance-share"].target) == (56.4, 58.6)
    assert by_id["14-ai-rpa-hours-saved"].target == 3100
    assert by_id["06-collection-fees"].baseline is None and by_id["06-collection-fees"].target_factor == 0.8
    assert by_id["14-welfare-overtime"].target_factor == 0.9
    assert by_id["21-security-incidents"].direction == "at_most" and by_id["21-security-incidents"].target == 0
    assert by_id["04-mynumber-card-rate"].value_range == (0.0, 100.0)
    assert by_id["14-ai-rpa-hours-saved"].value_range == (0.0, 1e9)  # the unit's default maximum


@pytest.mark.skipif(not SOURCE.exists(), reason="needs ../shared/seed beside the repository")
def test_plan_texts_are_verbatim_from_the_source(plan) -> None:
    source = re.sub(r"<[^>]+>", " ", SOURCE.read_text(encoding="utf-8"))
    source = re.sub(r"[ \t]+", " ", source)
    fields = (
        "name",
        "lead_department",
        "summary",
        "expected_effect",
        "previous_work",
        "this_year",
        "next_years",
        "outcome",
    )
    for p in plan.projects:
        for f in fields:
            for line in getattr(p, f).splitlines():
                assert re.sub(r"[ \t]+", " ", line).strip() in source, (p.no, f, line)
    for i in plan.indicators:
        assert i.target_note in source


def test_every_project_has_the_r9_cycle_and_months_in_range(plan) -> None:
    for p in plan.projects:
        steps = {(b.text, b.start) for row in p.schedule for b in row.bars if b.text in CYCLE_STEPS}
        assert steps == {("各課照会", "2027-04"), ("総括", "2027-05"), ("懇話会", "2027-06")}, p.no


def test_the_seven_milestones(plan) -> None:
    found = {(m.id, m.month) for p in plan.projects for row in p.schedule for m in row.milestones}
    assert found == {
        ("01-m1", "2026-10"),
        ("01-m2", "2026-04"),
        ("03-m1", "2026-06"),
        ("08-m1", "2026-08"),
        ("08-m2", "2027-03"),
        ("09-m1", "2026-08"),
        ("15-m1", "2026-04"),
    }


def _write(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r["projects"][3].__setitem__("measure", 99), "projects[no=4].measure"),
        (
            lambda r: r["indicators"][2].__setitem__("direction", "sideways"),
            "indicators[id=04-mynumber-card-rate].direction",
        ),
        (
            lambda r: r["projects"][0]["schedule"][0]["bars"][0].__setitem__("start", "2026-13"),
            "projects[no=1].schedule[1].bars[1].start",
        ),
        (
            lambda r: r["projects"][0]["schedule"][0]["bars"][0].__setitem__("end", "2025-04"),
            "projects[no=1].schedule[1].bars[1]",
        ),
        (lambda r: r["indicators"].append(dict(r["indicators"][0])), "id=01-online-procedures が重複"),
        (lambda r: r["projects"][1].__setitem__("url", "www.example.jp"), "projects[no=2].url"),
        (lambda r: r["indicators"][0].__setitem__("monthly_plan", {"2026-04": 74}), "12か月すべてが必要"),
        (lambda r: r["indicators"][0].__setitem__("colour", "red"), "indicators[id=01-online-procedures].colour"),
        (lambda r: r["projects"][2].pop("lead_department"), "projects[no=3].lead_department"),
    ],
)
def test_a_bad_plan_file_names_file_entry_and_field(tmp_path: Path, mutate, expected: str) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(PlanError) as err:
        load_plan_file(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_unreadable_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format_version: 1\nprojects: [\n  - no: 1\n", encoding="utf-8")
    with pytest.raises(PlanError) as err:
        load_plan_file(path)
    assert "行目" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="見つかりません"):
        load_plan_file(tmp_path / "nope.yaml")
