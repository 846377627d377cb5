"""the public edition: municipality code and public settings of a plan, publications, 公開コメント

Revision ID: 0007_publications
Revises: 0006_scale_indexes
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_publications"
down_revision: str | None = "0006_scale_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch: a batch on SQLite recreates the table and cascades.
    op.add_column("fiscal_years", sa.Column("municipality_code", sa.String(length=6), nullable=True))
    op.add_column("fiscal_years", sa.Column("public", sa.JSON(), nullable=True))
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("published_by", sa.String(length=80), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("content_sha", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("corrections", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fiscal_year_id"], ["fiscal_years.id"], name="fk_publications_fiscal_year_id_fiscal_years",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_publications"),
    )
    op.create_index("ix_publications_year", "publications", ["fiscal_year_id", "month"])
    op.create_table(
        "public_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(length=80), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name="fk_public_comments_project_id_projects", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_public_comments"),
    )
    op.create_index("ix_public_comments_project", "public_comments", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_public_comments_project", table_name="public_comments")
    op.drop_table("public_comments")
    op.drop_index("ix_publications_year", table_name="publications")
    op.drop_table("publications")
    op.drop_column("fiscal_years", "public")
    op.drop_column("fiscal_years", "municipality_code")
