"""For the report: crawl runs, and the daily counts of the items.

`crawl_runs` (one row per `crawl` or `fetch` run, written at its start and its end; a killed
run stays without an end) and `crawl_run_hosts` (the run's counts per host: fetched, not
modified, failed, given up). On SQLite, the daily counts of store/rollups.py with their
triggers, filled from the items.

Views for browsing (Datasette), without the internal columns of their tables: `pages_view`,
`revisions_view`, `crawl_runs_view` (a run with its counts summed over its hosts),
`crawl_frontier_view`, `crawl_responses_view` (no body). On SQLite the views are created again
in the order people browse them (Datasette lists views in creation order): items_view first.

Revision ID: 0013_report
Revises: 0012_agency_spelling
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from newsarchive.store import rollups
from newsarchive.store.types import UTCDateTime

revision: str = "0013_report"
down_revision: str | Sequence[str] | None = "0012_agency_spelling"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BROWSED = {  # view: its SELECT, in the order people browse them
    "pages_view": "SELECT id, url, fetched_at, kind, title, section, page_published, "
                  "page_published_source, content_type, parser_version, warnings, source_path, "
                  "warc_record_id FROM pages",
    "revisions_view": "SELECT item_id, field, old_value, new_value, page_id, recorded_at "
                      "FROM item_revisions",
    "crawl_runs_view": "SELECT crawl_runs.id AS run_id, crawl_runs.command, crawl_runs.started_at, "
                       "crawl_runs.ended_at, crawl_runs.exit_status, crawl_runs.sources, "
                       "coalesce(sum(crawl_run_hosts.fetched), 0) AS fetched, "
                       "coalesce(sum(crawl_run_hosts.not_modified), 0) AS not_modified, "
                       "coalesce(sum(crawl_run_hosts.failed), 0) AS failed, "
                       "coalesce(sum(crawl_run_hosts.given_up), 0) AS given_up, "
                       "count(crawl_run_hosts.host) AS hosts, crawl_runs.new_items, "
                       "crawl_runs.sightings FROM crawl_runs LEFT JOIN crawl_run_hosts "
                       "ON crawl_run_hosts.run_id = crawl_runs.id GROUP BY crawl_runs.id",
    "crawl_frontier_view": "SELECT url, host, kind, state, discovered_from, first_seen_at, "
                           "last_fetched_at, next_due_at, failure_count, last_status, last_error, "
                           "failure_reason, given_up_reason, page_id FROM crawl_frontier",
    "crawl_responses_view": "SELECT crawl_responses.id, url, final_url, status, "
                            "raw_bodies.size AS body_size, fetched_at, page_id "
                            "FROM crawl_responses "
                            "LEFT JOIN raw_bodies ON raw_bodies.content_hash = "
                            "crawl_responses.content_hash",
}
EXISTING_FIRST = ("items_view", "stories_view", "sightings_view")  # before BROWSED
EXISTING_LAST = ("item_links",)  # a view for queries, not for browsing: after them


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
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        rollups.create(op.get_bind())
        _create_again(EXISTING_FIRST)
    for name, select in BROWSED.items():
        op.execute(f"CREATE VIEW {name} AS {select}")
    if sqlite:
        _create_again(EXISTING_LAST)


def _create_again(views: Sequence[str]) -> None:
    """Drop and create the views again, as they are: now the newest of sqlite_master."""
    for name in views:
        sql = op.get_bind().exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", (name,)).scalar_one()
        op.execute(f"DROP VIEW {name}")
        op.execute(sql)


def downgrade() -> None:
    for name in reversed(BROWSED):
        op.execute(f"DROP VIEW {name}")
    if op.get_bind().dialect.name == "sqlite":
        rollups.drop(op.get_bind())
    op.drop_table("crawl_run_hosts")
    op.drop_index(op.f("ix_crawl_runs_started_at"), "crawl_runs")
    op.drop_table("crawl_runs")
