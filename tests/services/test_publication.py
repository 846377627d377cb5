"""Publishing: who may do what (公開コメント by the project's editors, approval and publication by
admins), every write audited, each publication recorded, a value corrected after it was
published shown as 訂正 in the next one, the municipality code's check digit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select

from kpi.domain.fiscal import Month
from kpi.domain.municipality import check_digit, code_problem
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.reports.publication import publish
from kpi.services import publication as service
from kpi.services.actuals import ActualInput, record_actuals
from kpi.store.db import DEFAULT_PLAN, transaction
from kpi.store.models import AuditEntry
from kpi.store.planfile import PlanError
from kpi.store.planfile_read import load_plan_file

from ..conftest import ADMIN, TODAY

EDITOR = Actor("editor-kusatsu", "editor", ("市民課",))
OTHER = Actor("editor-other", "editor", ("農林水産課",))
VIEWER = Actor("viewer", "viewer")


def _actions(engine: Engine) -> list[str]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    ("first_five", "digit"), [("25203", 4), ("13101", 6), ("01100", 2), ("27100", 4), ("01202", 5)]
)
def test_check_digit_is_eleven_minus_the_weighted_sum_mod_eleven(first_five: str, digit: int) -> None:
    assert (
        check_digit(first_five) == digit
    )  # 草津市 252034, 千代田区 131016, 札幌市 011002, 大阪市 271004, 函館市 012025


def test_a_code_with_a_wrong_check_digit_or_length_is_refused() -> None:
    assert code_problem("252034") is None
    assert "252034 のはず" in (code_problem("252035") or "")
    assert "6桁" in (code_problem("25203") or "")


def test_the_plan_file_validates_municipality_code_and_reads_public_settings(tmp_path: Path) -> None:
    plan = load_plan_file(DEFAULT_PLAN)
    assert plan.municipality_code == "252034" and plan.public is not None and plan.public.license == "CC-BY-4.0"
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["municipality_code"] = "252039"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError) as exc:
        load_plan_file(bad)
    assert "municipality_code" in str(exc.value) and "検査数字" in str(exc.value)


def test_only_the_projects_editors_propose_and_only_admins_approve_public_comments(plan_engine: Engine) -> None:
    for actor in (VIEWER, OTHER):
        with pytest.raises(PermissionDenied):
            service.submit_comment(plan_engine, actor, 2026, 4, "x")
    cid = service.submit_comment(plan_engine, EDITOR, 2026, 4, "  マイナンバーカードの申請窓口を増やしました。\x07 ")
    assert [c.text for c in service.pending_comments(plan_engine, 2026)] == [
        "マイナンバーカードの申請窓口を増やしました。"
    ]
    with pytest.raises(PermissionDenied):
        service.review_comment(plan_engine, EDITOR, cid, approve=True)
    service.review_comment(plan_engine, ADMIN, cid, approve=True)
    with pytest.raises(service.PublicationRejected):
        service.review_comment(plan_engine, ADMIN, cid, approve=False)  # reviewed once
    assert service.pending_comments(plan_engine, 2026) == []
    assert [c.state for c in service.project_comments(plan_engine, 2026, 4)] == ["approved"]
    assert _actions(plan_engine)[-2:] == ["public_comment.submit", "public_comment.approve"]


def test_an_empty_or_too_long_comment_is_refused(plan_engine: Engine) -> None:
    with pytest.raises(service.PublicationRejected):
        service.submit_comment(plan_engine, EDITOR, 2026, 4, " \n ")
    with pytest.raises(service.PublicationRejected):
        service.submit_comment(plan_engine, EDITOR, 2026, 4, "長" * 1001)


def test_only_admins_publish_and_each_publication_is_recorded_and_audited(plan_engine: Engine) -> None:
    with pytest.raises(PermissionDenied):
        publish(plan_engine, EDITOR, 2026, Month(2026, 10), TODAY)
    result = publish(plan_engine, ADMIN, 2026, Month(2026, 10), TODAY, ("ja", "en"))
    assert result is not None
    rows = service.publications(plan_engine, 2026)
    assert [(r.month, r.lang, r.published_on, r.published_by, r.checksum) for r in rows] == [
        ("2026-10", "ja,en", TODAY, ADMIN.username, result.checksum)
    ]
    assert _actions(plan_engine)[-1] == "publication.publish"


def _entered_on(engine: Engine) -> str:
    """The JST date of the latest revision (the store stamps it with the clock, not ``today``)."""
    from kpi.domain.clock import local_time_text
    from kpi.store.models import ActualRevision

    with transaction(engine) as s:
        at = s.scalars(select(ActualRevision.created_at).order_by(ActualRevision.id.desc()).limit(1)).one()
    return local_time_text(at)[:10]


def _save(engine: Engine, value: float, on: date, reason: str = "") -> None:
    with transaction(engine) as s:
        record_actuals(s, [ActualInput("04-mynumber-card-rate", "2026-09", value, reason=reason)], ADMIN, on)


def test_a_value_corrected_after_publication_is_shown_as_a_correction_in_the_next(plan_engine: Engine) -> None:
    _save(plan_engine, 86.5, date(2026, 10, 5))
    first = publish(plan_engine, ADMIN, 2026, Month(2026, 9), date(2026, 10, 10))
    assert first is not None and first.corrections == 0
    _save(plan_engine, 86.9, date(2026, 10, 20), reason="集計誤り")
    second = publish(plan_engine, ADMIN, 2026, Month(2026, 10), date(2026, 11, 10))
    assert second is not None
    (c,) = second.edition.corrections
    assert (c.code, c.month, c.old, c.new) == ("04-mynumber-card-rate", "2026-09", 86.5, 86.9)
    assert c.on == _entered_on(plan_engine) and c.on != "2026-11-10"  # the day the new value was entered
    ON = c.on
    index = second.files["index.html"].decode("utf-8")
    history = second.files["history.html"].decode("utf-8")
    for html in (index, history):
        assert "訂正" in html and "86.5%" in html and "86.9%" in html and ON in html
    assert "集計誤り" not in "".join(b.decode("utf-8") for b in second.files.values())  # the reason is internal
    page = second.files["project-4.html"].decode("utf-8")
    assert f"訂正（訂正前 86.5%、{ON}）" in page
    corrections = second.files["data/corrections.csv"].decode("utf-8").splitlines()
    assert len(corrections) == 2 and f"04-mynumber-card-rate,2026-09,86.5,86.9,{ON}" in corrections[1]
    # the next edition keeps the correction in its history, and shows no new one
    third = publish(plan_engine, ADMIN, 2026, Month(2026, 11), date(2026, 12, 10))
    assert third is not None and third.corrections == 0
    assert ON in third.files["history.html"].decode("utf-8")
    assert [e.published_on for e in third.edition.history] == [
        date(2026, 10, 10),
        date(2026, 11, 10),
        date(2026, 12, 10),
    ]


def test_republishing_a_month_after_a_correction_is_a_new_edition_with_a_new_date(plan_engine: Engine) -> None:
    _save(plan_engine, 86.5, date(2026, 11, 2))
    first = publish(plan_engine, ADMIN, 2026, Month(2026, 10), date(2026, 11, 5))
    again = publish(plan_engine, ADMIN, 2026, Month(2026, 10), date(2026, 11, 6))
    assert first is not None and again is not None and again.edition.published_on == date(2026, 11, 5)
    _save(plan_engine, 87.0, date(2026, 11, 7), reason="r")
    fixed = publish(plan_engine, ADMIN, 2026, Month(2026, 10), date(2026, 11, 8))
    assert fixed is not None and fixed.edition.published_on == date(2026, 11, 8) and fixed.corrections == 1
