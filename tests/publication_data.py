"""A database for the public edition's tests: the real plan with a hostile project name, an
editor whose name and e-mail, notes, correction reasons, a 差戻し comment, a draft evaluation,
pending and rejected 公開コメント and actuals after the published month all hold a unique marker,
plus an approved 公開コメント and a 確定 期末評価 that must be published."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import Engine

from kpi.cycle.evaluations import save_evaluation
from kpi.domain.permissions import Actor
from kpi.services.actuals import ActualInput, record_actuals
from kpi.services.assessments import save_assessment
from kpi.store import publications
from kpi.store.accounts import add_user
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.inquiry import apply_action, open_inquiry

from .conftest import ADMIN, TODAY

EDITOR_NAME = "mkuser7f3a"
EDITOR_MAIL = "mk-mail-7f3a@example.jp"
EDITOR = Actor(EDITOR_NAME, "editor", ("経営戦略課", "市民課"))
HOSTILE_NAME = "行政手続のオンライン化の推進<script>alert('mk')</script>![x](http://example.invalid/x.png)"
SECRET_MARKERS = (
    EDITOR_NAME, EDITOR_MAIL, "MK-NOTE-1a2b", "MK-REASON-3c4d", "MK-LATE-NOTE-5e6f", "MK-RETURN-7a8b",
    "MK-DRAFT-9c0d", "MK-PENDING-1e2f", "MK-REJECTED-3a4b", "MK-ASSESS-5c6d", "MK-REVIEWER-7e8f",
    "987654321",  # the value reported for November, after the published month
)  # fmt: skip
PUBLIC_COMMENT = "PUBLIC-COMMENT-OK 窓口の手続をオンラインでも受け付けています。"
PUBLIC_EVALUATION = "PUBLIC-EVAL-OK 保有率は目標に近づきました。"


def hostile_plan(tmp: Path) -> Path:
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["projects"][0]["name"] = HOSTILE_NAME
    path = tmp / "plan_hostile.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_database(tmp: Path) -> Engine:
    """The database described above (SQLite file under ``tmp``)."""
    engine = make_engine(f"sqlite:///{tmp / 'kpi.db'}")
    import_plan(engine, hostile_plan(tmp), ADMIN)
    reviewer = Actor("MK-REVIEWER-7e8f", "admin")
    with transaction(engine) as s:
        add_user(s, ADMIN, EDITOR_NAME, "correct-horse-battery-1", "editor", ["経営戦略課", "市民課"],
                 display_name=EDITOR_NAME, email=EDITOR_MAIL)  # fmt: skip
        months = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
        rows = [ActualInput("01-online-procedures", m, 73 + i, note="MK-NOTE-1a2b") for i, m in enumerate(months)]
        rows += [ActualInput("04-mynumber-card-rate", m, 85.2 + 0.3 * i) for i, m in enumerate(months)]
        record_actuals(s, rows, EDITOR, date(2026, 11, 5))
    with transaction(engine) as s:
        record_actuals(s, [ActualInput("01-online-procedures", "2026-09", 78, reason="MK-REASON-3c4d")], EDITOR,
                       date(2026, 11, 6))  # fmt: skip
        late = [ActualInput("01-online-procedures", "2026-11", 987654321, note="MK-LATE-NOTE-5e6f")]
        record_actuals(s, late, EDITOR, TODAY)
        save_assessment(s, EDITOR, 2026, 2, "2026-10", "caution", "MK-ASSESS-5c6d", TODAY)
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        save_evaluation(s, EDITOR, 2026, 2, "B", "MK-DRAFT-9c0d")  # a draft: 入力中
        save_evaluation(s, EDITOR, 2026, 3, "C", "returned draft")
        apply_action(s, EDITOR, 2026, 3, "submit")
        apply_action(s, reviewer, 2026, 3, "return", "MK-RETURN-7a8b")
        save_evaluation(s, EDITOR, 2026, 4, "A", PUBLIC_EVALUATION, "新たな課題なし")
        apply_action(s, EDITOR, 2026, 4, "submit")
        apply_action(s, reviewer, 2026, 4, "confirm")
        ok = publications.submit_comment(s, EDITOR, 2026, 4, PUBLIC_COMMENT)
        publications.review_comment(s, reviewer, ok, approve=True)
        publications.submit_comment(s, EDITOR, 2026, 5, "MK-PENDING-1e2f")
        bad = publications.submit_comment(s, EDITOR, 2026, 1, "MK-REJECTED-3a4b")
        publications.review_comment(s, reviewer, bad, approve=False)
    return engine
