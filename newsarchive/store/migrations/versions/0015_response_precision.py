"""A response's fetch moment to the microsecond: `crawl_responses.fetched_at` as precise as the
fetch time of the page it gave (`pages.fetched_at`, 0014), so that two fetches of one URL in
one second keep their order, and WARC export writes the moment the page has.

SQLite: declared VARCHAR(27), existing values get six fraction digits (``...09:00:00Z``
becomes ``...09:00:00.000000Z``), as 0014 did for pages; PostgreSQL's `timestamptz` keeps
microseconds already. Downgrading drops the fractions again.

Revision ID: 0015_response_precision
Revises: 0014_fetch_precision
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from newsarchive.store.migrate import times_to_microseconds, times_to_seconds

revision: str = "0015_response_precision"
down_revision: str | Sequence[str] | None = "0014_fetch_precision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    times_to_microseconds(op.get_bind(), "crawl_responses", "fetched_at")


def downgrade() -> None:
    times_to_seconds(op.get_bind(), "crawl_responses", "fetched_at")
