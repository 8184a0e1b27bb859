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

revision: str = "0014_fetch_precision"
down_revision: str | Sequence[str] | None = "0013_report"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHOLE_SECOND_WIDTH = len("2026-03-17T09:00:00Z")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _declare_fetched_at("VARCHAR(20)", "VARCHAR(27)")
    op.execute(
        "UPDATE pages SET fetched_at = substr(fetched_at, 1, 19) || '.000000Z' "
        f"WHERE length(fetched_at) = {WHOLE_SECOND_WIDTH}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("UPDATE pages SET fetched_at = date_trunc('second', fetched_at)")
        return
    op.execute(
        "UPDATE pages SET fetched_at = substr(fetched_at, 1, 19) || 'Z' "
        f"WHERE length(fetched_at) > {WHOLE_SECOND_WIDTH}"
    )
    _declare_fetched_at("VARCHAR(27)", "VARCHAR(20)")


def _declare_fetched_at(old: str, new: str) -> None:
    """pages.fetched_at's declared type in the schema's text (the same affinity: no data moves)."""
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'pages'",
        (f"fetched_at {old} ", f"fetched_at {new} "),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
