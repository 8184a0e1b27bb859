"""For the report: crawl runs, and the daily counts of the items.

`crawl_runs` (one row per `crawl` or `fetch` run, written at its start and its end; a killed
run stays without an end) and `crawl_run_hosts` (the run's counts per host: fetched, not
modified, failed, given up). On SQLite, the daily counts of store/rollups.py with their
triggers, filled from the items.

Revision ID: 0013_report
Revises: 0010_warc
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newsarchive.store import rollups
from newsarchive.store.types import UTCDateTime

revision: str = "0013_report"
down_revision: str | Sequence[str] | None = "0010_warc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=8), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("exit_status", sa.Integer(), nullable=True),
        sa.Column("sources", sa.Integer(), nullable=False),
        sa.Column("new_items", sa.Integer(), nullable=True),
        sa.Column("sightings", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(op.f("ix_crawl_runs_started_at"), "crawl_runs", ["started_at"])
    op.create_table(
        "crawl_run_hosts",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("not_modified", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("given_up", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"],
                                name=op.f("fk_crawl_run_hosts_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "host", name=op.f("pk_crawl_run_hosts")),
    )
    if op.get_bind().dialect.name == "sqlite":
        rollups.create(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        rollups.drop(op.get_bind())
    op.drop_table("crawl_run_hosts")
    op.drop_index(op.f("ix_crawl_runs_started_at"), "crawl_runs")
    op.drop_table("crawl_runs")
