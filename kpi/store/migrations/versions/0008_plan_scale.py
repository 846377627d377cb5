"""a plan's own scale (status words, 前倒し達成, 期末評価 ratings) and a 累計 indicator's start_total

Revision ID: 0008_plan_scale
Revises: 0006_scale_indexes
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_plan_scale"
down_revision: str | None = "0007_publications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns only: every existing plan keeps the product's scale and its totals.
    with op.batch_alter_table("fiscal_years") as batch:
        batch.add_column(sa.Column("scale", sa.JSON(), nullable=True))
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("start_total", sa.Float(), nullable=True))
        batch.add_column(sa.Column("start_total_month", sa.String(length=7), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL), as 0007 and 0009: a batch copy would drop and
    # recreate fiscal_years, and SQLite's foreign keys would cascade that drop into every
    # indicator, actual and evaluation of the year.
    op.drop_column("indicators", "start_total_month")
    op.drop_column("indicators", "start_total")
    op.drop_column("fiscal_years", "scale")
