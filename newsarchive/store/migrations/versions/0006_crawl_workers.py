"""Cooperating crawl workers: claims (leases) on frontier URLs, politeness per host.

`crawl_frontier` gains `host` (the politeness unit, filled in for existing rows),
`failure_reason` (a fetch.errors.FailureReason value), and a lease (`lease_owner`,
`lease_until`). `crawl_hosts` keeps each host's politeness state: next allowed request,
Crawl-delay, the cached robots.txt, Retry-After and back-off blocks, and its own lease.

Revision ID: 0006_crawl_workers
Revises: 0005_raw
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newsarchive.urls import host_of

revision: str = "0006_crawl_workers"
down_revision: str | Sequence[str] | None = "0005_raw"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_hosts",
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("next_allowed_at", sa.Float(), nullable=True),
        sa.Column("crawl_delay", sa.Float(), nullable=True),
        sa.Column("robots_status", sa.Integer(), nullable=True),
        sa.Column("robots_body", sa.Text(), nullable=True),
        sa.Column("robots_fetched_at", sa.Float(), nullable=True),
        sa.Column("blocked_until", sa.Float(), nullable=True),
        sa.Column("block_reason", sa.Text(), nullable=True),
        sa.Column("backoff_level", sa.Integer(), nullable=False),
        sa.Column("last_incident_at", sa.Float(), nullable=True),
        sa.Column("lease_owner", sa.Text(), nullable=True),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_crawl_hosts")),
    )
    with op.batch_alter_table("crawl_frontier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("failure_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("lease_owner", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f("ix_crawl_frontier_host"), ["host"], unique=False)
    frontier = sa.table("crawl_frontier", sa.column("id", sa.Integer), sa.column("url", sa.Text),
                        sa.column("host", sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(frontier.c.id, frontier.c.url)).all()
    hosts = [{"row_id": row.id, "row_host": host_of(row.url)} for row in rows]
    if hosts:
        connection.execute(frontier.update().where(frontier.c.id == sa.bindparam("row_id"))
                           .values(host=sa.bindparam("row_host")), hosts)


def downgrade() -> None:
    with op.batch_alter_table("crawl_frontier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_frontier_host"))
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
        batch_op.drop_column("failure_reason")
        batch_op.drop_column("host")
    op.drop_table("crawl_hosts")
