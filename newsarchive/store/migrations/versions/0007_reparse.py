"""Reparse: page_parses (what the parser derived from each page), reparse_runs and
reparse_staged (a reparse between its parse and its rebuild). Also joins the two heads that
0006_crawl_workers and 0006_page_source left.

Pages stored before this revision have no kept parse: a reparse parses them again with the
parser of the day, whatever it selects.

Revision ID: 0007_reparse
Revises: 0006_crawl_workers, 0006_page_source
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_reparse"
down_revision: str | Sequence[str] | None = ("0006_crawl_workers", "0006_page_source")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page_parses",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_page_parses_page_id_pages"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("page_id", name=op.f("pk_page_parses")),
    )
    op.create_table(
        "reparse_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("parser_version", sa.String(length=32), nullable=False),
        sa.Column("last_page_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reparse_runs")),
        sa.UniqueConstraint("selection", "parser_version",
                            name=op.f("uq_reparse_runs_selection_parser_version")),
    )
    op.create_table(
        "reparse_staged",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_reparse_staged_page_id_pages"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["reparse_runs.id"],
                                name=op.f("fk_reparse_staged_run_id_reparse_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "page_id", name=op.f("pk_reparse_staged")),
    )


def downgrade() -> None:
    op.drop_table("reparse_staged")
    op.drop_table("reparse_runs")
    op.drop_table("page_parses")
