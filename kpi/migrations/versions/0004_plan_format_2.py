"""plan file format 2: year-neutral project text columns

Revision ID: 0004_plan_format_2
Revises: 0003
Create Date: 2026-11-24

The project texts were named after the R8 years (until_r7, r8_plan, r9_onward); they are
renamed after their place in any fiscal year. Every row and value is kept.
"""

from collections.abc import Sequence

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


def upgrade() -> None:
    for old, new in RENAMES:
        _rename(old, new)


def downgrade() -> None:
    for old, new in RENAMES:
        _rename(new, old)
