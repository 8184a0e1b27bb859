"""WARC import: pages.warc_record_id, the WARC record a page was imported from.

Revision ID: 0010_warc
Revises: 0009_reparse
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_warc"
down_revision: str | Sequence[str] | None = "0009_reparse"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warc_record_id", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_column("warc_record_id")
