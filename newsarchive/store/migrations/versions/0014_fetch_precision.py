"""A page's fetch moment to the microsecond: `pages.fetched_at` keeps the order of two fetches
within one second (the later one is the newer content).

On SQLite the text gets six fraction digits (``2026-03-17T09:00:00Z`` becomes
``2026-03-17T09:00:00.000000Z``): every value the same width, so text order is still time
order, and sqlite3, Datasette and pandas still read it as a date; the column is declared
VARCHAR(27) (TEXT affinity as before, so only the schema's text changes: SQLite's documented
`writable_schema` procedure, no copy of the table, whose views and foreign keys stay). PostgreSQL's `timestamptz`
keeps microseconds already; only the archive stopped dropping them.

Downgrading drops the fractions again: two fetches of the same content within one second
then fail the (content_hash, fetched_at) constraint, and the downgrade stops.

Revision ID: 0014_fetch_precision
Revises: 0013_report
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from newsarchive.store.migrate import times_to_microseconds, times_to_seconds

revision: str = "0014_fetch_precision"
down_revision: str | Sequence[str] | None = "0013_report"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    times_to_microseconds(op.get_bind(), "pages", "fetched_at")


def downgrade() -> None:
    times_to_seconds(op.get_bind(), "pages", "fetched_at")
