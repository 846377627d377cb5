"""plan file format 2: year-neutral project text columns, level names and display codes

Revision ID: 0004_plan_format_2
Revises: 0003
Create Date: 2026-11-24

The project texts were named after the R8 years (until_r7, r8_plan, r9_onward); they are
renamed after their place in any fiscal year. A plan names its two or three levels
(fiscal_years.levels), its entries carry display codes as printed (「3-3-1」), and the middle
level of a two-level plan is one hidden measure per top-level entry. Every row and value is kept.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_plan_format_2"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMES = (("until_r7", "previous_work"), ("r8_plan", "this_year"), ("r9_onward", "next_years"))


def _rename(old: str, new: str) -> None:
    # Never batch mode here: on SQLite it copies and drops the table, and dropping projects
    # with foreign keys on deletes every indicator and actual through ON DELETE CASCADE.
    # RENAME COLUMN is in place on SQLite (3.25+) and PostgreSQL.
    op.execute(f"ALTER TABLE projects RENAME COLUMN {old} TO {new}")


CODES = ("policies", "measures", "projects")


def upgrade() -> None:
    for old, new in RENAMES:
        _rename(old, new)
    # add_column is in place on both databases (no table copy); defaults fill existing rows.
    op.add_column("fiscal_years", sa.Column("levels", sa.JSON(), nullable=True))
    for table in CODES:
        op.add_column(table, sa.Column("code", sa.String(length=20), nullable=False, server_default=""))
    op.add_column("measures", sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("measures", "hidden")
    for table in CODES:
        op.drop_column(table, "code")
    op.drop_column("fiscal_years", "levels")
    for old, new in RENAMES:
        _rename(new, old)
