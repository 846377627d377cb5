"""SQLAlchemy ORM models. Named after the plan's own words: Policy (基本方針), Measure
(重点施策), Project (実施事業), Indicator, Milestone, Actual (a revision), Evaluation (期末評価).

Append-only tables (actual revisions, self-assessments, evaluations, audit log) are never
updated in place: the current value is the latest row. Schema changes go through Alembic
(kpi/store/migrations); never call ``create_all`` on a real database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kpi.domain.status import DEFAULT_CAUTION, DEFAULT_ON_TRACK


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class FiscalYear(Base):
    """One fiscal year's plan (令和8年度 = 2026). R9 follows in the same database."""

    __tablename__ = "fiscal_years"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    label: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str] = mapped_column(String(80))
    plan_name: Mapped[str] = mapped_column(String(200))
    owner_department: Mapped[str] = mapped_column(String(80), default="")
    source_file: Mapped[str] = mapped_column(String(400), default="")
    # The plan's level names, top first (two or three); None: 基本方針 / 重点施策 / 実施事業.
    levels: Mapped[list[str] | None] = mapped_column(JSON)
    # The 全国地方公共団体コード and the public edition's settings (migration 0007).
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    public: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The plan's roll-up rule of 重点施策/基本方針 (kpi.domain.group_rollup); None = worst (migration 0009).
    rollup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The plan's own scale (kpi.domain.scale.PlanScale.to_json); None: the product's (migration 0008).
    scale: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    policies: Mapped[list[Policy]] = relationship(back_populates="fiscal_year", order_by="Policy.no")


class Policy(Base):
    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    no: Mapped[int]
    code: Mapped[str] = mapped_column(String(20), default="")  # display code as printed; "" = the number
    name: Mapped[str] = mapped_column(String(200))

    fiscal_year: Mapped[FiscalYear] = relationship(back_populates="policies")


class Measure(Base):
    __tablename__ = "measures"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "no"), Index("ix_measures_policy", "policy_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    no: Mapped[int]
    symbol: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(20), default="")  # display code as printed; "" = the symbol
    name: Mapped[str] = mapped_column(String(200))
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"))
    # The one middle entry per top-level entry of a two-level plan: never shown as a level.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "no"), Index("ix_projects_measure", "measure_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    no: Mapped[int]
    code: Mapped[str] = mapped_column(String(20), default="")  # display code as printed; "" = the number
    name: Mapped[str] = mapped_column(String(200))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"))
    lead_department: Mapped[str] = mapped_column(String(80))
    related_departments: Mapped[list[str]] = mapped_column(default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    expected_effect: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(400))
    # Named after their place in the plan's fiscal year (migration 0004 renamed until_r7,
    # r8_plan, r9_onward); their headings are computed from the year (kpi.text.labels.work_headings).
    previous_work: Mapped[str] = mapped_column(Text, default="")
    this_year: Mapped[str] = mapped_column(Text, default="")
    next_years: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")

    schedule_rows: Mapped[list[ScheduleRow]] = relationship(
        back_populates="project", order_by="ScheduleRow.position", cascade="all, delete-orphan"
    )


class ScheduleRow(Base):
    """One 実施項目 of a project's 工程表 with its bars (start, end, text)."""

    __tablename__ = "schedule_rows"
    # Foreign keys that pages read by are indexed (migration 0006): no scan per project.
    __table_args__ = (Index("ix_schedule_rows_project", "project_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    item: Mapped[str] = mapped_column(Text, default="")
    bars: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    project: Mapped[Project] = relationship(back_populates="schedule_rows")


class Milestone(Base):
    """A ● mark of the 工程表. Completion is set by staff (and audited)."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("fiscal_year_id", "code"),
        Index("ix_milestones_project", "project_id", "row_position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    row_position: Mapped[int]
    item: Mapped[str] = mapped_column(Text, default="")
    month: Mapped[str] = mapped_column(String(7))
    text: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by: Mapped[str | None] = mapped_column(String(80))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "code"), Index("ix_indicators_project", "project_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(80))  # the plan's indicator id, e.g. 04-mynumber-card-rate
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_note: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[float | None] = mapped_column(Float)
    target_factor: Mapped[float | None] = mapped_column(Float)
    target_note: Mapped[str] = mapped_column(Text, default="")
    direction: Mapped[str] = mapped_column(String(16))
    accumulation: Mapped[str] = mapped_column(String(16))
    monthly_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    on_track_threshold: Mapped[float] = mapped_column(Float, default=DEFAULT_ON_TRACK)
    caution_threshold: Mapped[float] = mapped_column(Float, default=DEFAULT_CAUTION)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    # Targets that span years, reporting frequency, 「新規」 baselines (migration 0005). The
    # defaults are the one-year, monthly reading that rows written before had.
    baseline_is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    baseline_month: Mapped[str | None] = mapped_column(String(7))
    target_year: Mapped[int | None] = mapped_column(Integer)
    yearly_targets: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"2026": 83.0, …}
    flow_scope: Mapped[str] = mapped_column(String(16), default="fiscal_year")
    frequency: Mapped[str] = mapped_column(String(16), default="monthly")
    due_month: Mapped[int | None] = mapped_column(Integer)
    # A 累計 indicator's running total known at the end of a month (migration 0008): the
    # years before it need not be loaded.
    start_total: Mapped[float | None] = mapped_column(Float)
    start_total_month: Mapped[str | None] = mapped_column(String(7))


class ActualRevision(Base):
    """One saved monthly value. Never updated: a correction adds a revision."""

    __tablename__ = "actual_revisions"
    __table_args__ = (
        UniqueConstraint("indicator_id", "month", "revision"),
        Index("ix_actual_revisions_lookup", "indicator_id", "month", "revision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    revision: Mapped[int]  # 1, 2, … per (indicator, month); the highest is current
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why a value was corrected
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40), default="form")  # form | import | demo
    # 取消: this revision withdraws the month's value (``value`` keeps what was withdrawn; migration 0009).
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditEntry(Base):
    """Every write, whoever made it and however (page, CLI, import)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_actor", "actor"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# ---- accounts, locks, self-assessments, evaluations (migration 0002) ----


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(400))
    role: Mapped[str] = mapped_column(String(16))  # admin | editor | viewer
    departments: Mapped[list[str]] = mapped_column(default=list)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PeriodLock(Base):
    __tablename__ = "period_locks"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    locked_by: Mapped[str] = mapped_column(String(80))
    locked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assessment(Base):
    """A project's monthly self-assessment (順調 / 注意 / 遅延 with a comment); append-only."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("project_id", "month", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    revision: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))  # on_track | caution | delayed
    comment: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)


class Evaluation(Base):
    """期末評価 of a project for its fiscal year; append-only, the latest revision is current."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("project_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    revision: Mapped[int]
    rating: Mapped[str] = mapped_column(String(8))  # 実績の検証評価, e.g. A / B / C / D
    reason: Mapped[str] = mapped_column(Text, default="")  # 左記の状況・理由等
    new_issues: Mapped[str] = mapped_column(Text, default="")  # 新たに生じた課題や…状況の変化等
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ---- the year-end inquiry (各課照会) and its workflow (migration 0003) ----


class Inquiry(Base):
    """The year-end inquiry (各課照会) of one fiscal year: opened with a deadline, then closed."""

    __tablename__ = "inquiries"
    __table_args__ = (UniqueConstraint("fiscal_year_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    deadline: Mapped[date] = mapped_column(Date)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    opened_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EvaluationState(Base):
    """Where a project's 期末評価 stands (未着手 … 確定) and the admin's comment on a return.

    No row means 未着手 (or 入力中 when an evaluation was saved before the workflow existed).
    """

    __tablename__ = "evaluation_states"
    __table_args__ = (UniqueConstraint("project_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))  # not_started | in_progress | submitted | returned | confirmed
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DepartmentContact(Base):
    """The contact e-mail of a department, for reminders."""

    __tablename__ = "department_contacts"
    __table_args__ = (UniqueConstraint("department"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AppSetting(Base):
    """Server-side values the application generates once (e.g. the inquiry workbook signing key)."""

    __tablename__ = "app_settings"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# ---- the public edition (migration 0007) ----


class Publication(Base):
    """One run of ``publish``: who, when, which month, the files' checksum and what was published
    (``snapshot``: values, statuses and texts), so that the next publication shows 訂正."""

    __tablename__ = "publications"
    __table_args__ = (Index("ix_publications_year", "fiscal_year_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    lang: Mapped[str] = mapped_column(String(16))  # ja | ja,en
    published_on: Mapped[date] = mapped_column(Date)  # the date printed in the files
    published_by: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256 over every file's path and bytes
    content_sha: Mapped[str] = mapped_column(String(64))  # SHA-256 of the snapshot: same content, same edition
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    corrections: Mapped[list[Any]] = mapped_column(JSON, default=list)


class PublicComment(Base):
    """A project's 公開コメント: plain text by its editors, published once an admin approved it."""

    __tablename__ = "public_comments"
    __table_args__ = (Index("ix_public_comments_project", "project_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
