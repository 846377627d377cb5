"""A database with rows in every table, written through the product's own functions: the plan of
two fiscal years, actuals with corrections, accounts, a month lock, self-assessments, an
evaluation through 確定, an inquiry, department contacts, completed ●, the signing key, an approved 公開コメント and a
publication, and the audit log of all of it (the backup and restore tests start from it)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, func, select

from kpi.cli.main import main
from kpi.cycle.evaluations import save_evaluation
from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor
from kpi.reports.publication import publish
from kpi.services.actuals import ActualInput, record_actuals
from kpi.services.assessments import save_assessment
from kpi.services.milestones import save_milestones
from kpi.services.publication import review_comment, submit_comment
from kpi.store.accounts import add_user
from kpi.store.db import DEFAULT_PLAN, transaction
from kpi.store.inquiry import apply_action, open_inquiry, set_department_email, signing_key
from kpi.store.locks import lock_month
from kpi.store.models import FiscalYear, Milestone
from tests.conftest import ADMIN, TODAY, import_with_year_before

CITIZENS = Actor("shimin", "editor", ("市民課",))
YEARS = {2025: "2026-03", 2026: "2026-10"}  # fiscal year → the as-of month of its status


def fill_every_table(engine: Engine, tmp: Path) -> None:
    import_with_year_before(engine, DEFAULT_PLAN, tmp)
    with transaction(engine) as s:
        add_user(s, ADMIN, "shimin", "Kusatsu-2026-pass!", "editor", ["市民課"], display_name="市民 太郎")
        add_user(s, ADMIN, "boss", "Kusatsu-2026-boss!", "admin", email="boss@example.jp")
        rows = [ActualInput("04-mynumber-card-rate", f"2026-{m:02d}", 85.0 + m / 10, "月末") for m in range(4, 11)]
        rows.append(ActualInput("04-mynumber-card-rate", "2025-12", 84.2, "前年度"))
        rows.append(ActualInput("06-collection-fees", "2026-05", 1234567, "件数は速報値"))
        record_actuals(s, rows, ADMIN, TODAY)
    with transaction(engine) as s:  # corrections: a second revision with a reason
        corrections = [ActualInput("04-mynumber-card-rate", "2026-05", 85.55, "修正", "集計の誤り")]
        record_actuals(s, corrections, ADMIN, TODAY)
    with transaction(engine) as s:
        lock_month(s, ADMIN, 2026, "2026-04")
        save_assessment(s, CITIZENS, 2026, 4, "2026-09", "caution", "窓口の混雑", TODAY)
        save_assessment(s, CITIZENS, 2026, 4, "2026-09", "on_track", "解消した", TODAY)
        open_inquiry(s, ADMIN, 2026, date(2027, 4, 30))
        save_evaluation(s, CITIZENS, 2026, 4, "B", "保有率は89%に届かず", "")
        apply_action(s, CITIZENS, 2026, 4, "submit")
        apply_action(s, ADMIN, 2026, 4, "confirm")
        set_department_email(s, ADMIN, "市民課", "shimin@example.jp")
        signing_key(s)
        code = s.scalars(
            select(Milestone.code)
            .join(FiscalYear, FiscalYear.id == Milestone.fiscal_year_id)
            .where(FiscalYear.year == 2026, Milestone.month <= "2026-10")
            .order_by(Milestone.id)
        ).first()
    assert code is not None
    save_milestones(engine, ADMIN, 2026, {code: date(2026, 6, 30)}, [], TODAY)
    # the public edition: a 公開コメント proposed by the project's editor, approved, and published
    comment = submit_comment(engine, CITIZENS, 2026, 4, "窓口での申請を案内しています")
    review_comment(engine, ADMIN, comment, approve=True)
    assert publish(engine, ADMIN, 2026, Month.parse("2026-10"), TODAY) is not None


def table_counts(engine: Engine) -> dict[str, int]:
    meta = MetaData()
    with engine.connect() as conn:
        meta.reflect(conn)
        return {
            name: int(conn.execute(select(func.count()).select_from(tb)).scalar_one())
            for name, tb in meta.tables.items()
        }


def statuses(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str) -> dict[int, Any]:
    """``python -m kpi status --format json`` of each fiscal year of the database at ``url``."""
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.setenv("KPI_TODAY", TODAY.isoformat())
    out = {}
    capsys.readouterr()
    for year, as_of in YEARS.items():
        assert main(["status", "--format", "json", "--fiscal-year", str(year), "--as-of", as_of]) == 0
        out[year] = json.loads(capsys.readouterr().out)
    return out


def postgres_sibling(suffix: str = "b") -> str:
    """A second empty PostgreSQL database beside KPI_TEST_POSTGRES_URL's (its name + ``suffix``:
    kpi_ci_test → kpi_ci_testb), created when missing; fails in CI, skips elsewhere, without a URL."""
    import os

    from sqlalchemy import make_url, text

    from kpi.store.db import make_engine
    from tests.conftest import POSTGRES_ENV, _reset_postgres

    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set in CI: PostgreSQL backup tests must run")
        pytest.skip(f"{POSTGRES_ENV} not set")
    main_url = make_url(url)
    name = f"{main_url.database}{suffix}"
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    sibling = main_url.set(database=name).render_as_string(hide_password=False)
    _reset_postgres(sibling)
    return sibling
