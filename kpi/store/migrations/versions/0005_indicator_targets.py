"""indicator targets that span years, reporting frequency, 「新規」 baselines

Existing rows keep their meaning: not 新規, baseline month and target year unset (the
fiscal year's own), no yearly targets, flows within the fiscal year, reported monthly.

Revision ID: 0005_indicator_targets
Revises: 0004_plan_format_2
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_indicator_targets"
down_revision: str | None = "0004_plan_format_2"  # chained after plan9 at its merge (was 0003)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN, not a batch: on SQLite a batch recreates the table, and dropping
# the old one with foreign keys on would cascade into every actual revision.
def _columns() -> tuple[sa.Column, ...]:
    return (
        sa.Column("baseline_is_new", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("baseline_month", sa.String(length=7), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("yearly_targets", sa.JSON(), nullable=True),
        sa.Column("flow_scope", sa.String(length=16), nullable=False, server_default="fiscal_year"),
        sa.Column("frequency", sa.String(length=16), nullable=False, server_default="monthly"),
        sa.Column("due_month", sa.Integer(), nullable=True),
    )


def upgrade() -> None:
    for column in _columns():
        op.add_column("indicators", column)


def downgrade() -> None:
    for column in reversed(_columns()):
        op.drop_column("indicators", column.name)  # SQLite 3.35+ drops a column in place
