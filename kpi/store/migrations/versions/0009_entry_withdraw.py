"""withdrawn actuals and the plan's roll-up rule (issue 22)

``actual_revisions.withdrawn``: a revision that withdraws the month's value (取消, with a reason;
the value column keeps the value withdrawn, so the history reads 「87.2 を取消」 and a later
revision restores it). ``fiscal_years.rollup``: how a 重点施策 and a 基本方針 read one status
from their projects (None = the worst, as before). Existing rows keep their meaning.

Revision ID: 0009_entry_withdraw
Revises: 0006_scale_indexes
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_entry_withdraw"
down_revision: str | None = "0008_plan_scale"  # chained at the merge: 0007 publications → 0008 plan scale → 0009
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN, not a batch (see 0005: a batch on SQLite recreates the table).
def upgrade() -> None:
    op.add_column("actual_revisions", sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("fiscal_years", sa.Column("rollup", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("fiscal_years", "rollup")
    op.drop_column("actual_revisions", "withdrawn")
