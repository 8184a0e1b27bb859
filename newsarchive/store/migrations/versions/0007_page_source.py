"""Pages remember the file they were read from (`pages.source_path`), so that a warning or a
sighting can be traced to a file when the page has no URL.

Revision ID: 0007_page_source
Revises: 0006_crawl_workers
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_page_source"
down_revision: str | Sequence[str] | None = "0006_crawl_workers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("source_path", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("source_path")
