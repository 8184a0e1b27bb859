"""An index for the crawl's claim: `crawl_frontier (kind, id)` of the URLs still to work on
(`pending`, `fetched`, `failed`). A claim takes the first due article by id whose host may be
asked; with this partial index the database walks those URLs in id order and stops at the
first that qualifies, where before it read every URL to work on (all pending ones) and sorted
them, for every claim.

Revision ID: 0016_workable_index
Revises: 0015_response_precision
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newsarchive.store.crawl_models import WORKABLE

revision: str = "0016_workable_index"
down_revision: str | Sequence[str] | None = "0015_response_precision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_crawl_frontier_workable"


def upgrade() -> None:
    op.create_index(INDEX, "crawl_frontier", ["kind", "id"], unique=False,
                    sqlite_where=sa.text(WORKABLE), postgresql_where=sa.text(WORKABLE))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="crawl_frontier")
