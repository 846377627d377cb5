"""indexes on the foreign keys that pages read by (scale: 1,000 projects × 10 years)

Without them a project's 工程表 rows, milestones and indicators were found by scanning the
whole table once per project.

Revision ID: 0006_scale_indexes
Revises: 0005_indicator_targets
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_scale_indexes"
down_revision: str | None = "0005_indicator_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, table, columns): the same names as kpi.models declares.
INDEXES = (
    ("ix_schedule_rows_project", "schedule_rows", ["project_id", "position"]),
    ("ix_milestones_project", "milestones", ["project_id", "row_position"]),
    ("ix_indicators_project", "indicators", ["project_id"]),
    ("ix_projects_measure", "projects", ["measure_id"]),
    ("ix_measures_policy", "measures", ["policy_id"]),
    ("ix_audit_log_actor", "audit_log", ["actor"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
