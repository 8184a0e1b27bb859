"""The crawl's runs in the archive: a `crawl_runs` row written when a run starts, completed
when it ends (with its exit status), and the run's counts per host in `crawl_run_hosts`.

A run killed with kill -9 writes no end: its row keeps `ended_at` empty, which is how the
report tells a killed run from one that finished.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, Engine, Table, update
from sqlalchemy.exc import SQLAlchemyError

from ..store.crawl_models import CrawlRun, CrawlRunHost, RunStatus
from ..store.db import with_retries

RUNS: Table = CrawlRun.__table__  # type: ignore[assignment]
RUN_HOSTS: Table = CrawlRunHost.__table__  # type: ignore[assignment]
log = logging.getLogger("newsarchive.crawl")
Outcome = Literal["fetched", "not_modified", "failed", "given_up"]  # HostCounts' fields


@dataclass
class HostCounts:
    """What a run did with one host; `failed` and `given_up` do not overlap."""

    fetched: int = 0  # a response with a body stored
    not_modified: int = 0  # a 304
    failed: int = 0  # failed, tried again later
    given_up: int = 0  # failed for good


def start_run(engine: Engine, command: str, owner: str, sources: int, now: datetime) -> int:
    """Record a run's start; its id."""
    return with_retries(engine, lambda connection: connection.execute(
        RUNS.insert().values(command=command, owner=owner, started_at=now, sources=sources)
        .returning(RUNS.c.id)).scalar_one())


def end_run(engine: Engine, run_id: int, status: RunStatus, hosts: dict[str, HostCounts],
            new_items: int, sightings: int, now: datetime) -> None:
    """Record a run's end and its counts per host. An archive that fails here (the reason the
    run may be ending) leaves the run without an end, as a killed run, and says so in the log."""
    def work(connection: Connection) -> None:
        connection.execute(update(RUNS).where(RUNS.c.id == run_id).values(
            ended_at=now, exit_status=int(status), new_items=new_items, sightings=sightings))
        rows = [{"run_id": run_id, "host": host, "fetched": counts.fetched,
                 "not_modified": counts.not_modified, "failed": counts.failed,
                 "given_up": counts.given_up} for host, counts in sorted(hosts.items())]
        if rows:
            connection.execute(RUN_HOSTS.insert(), rows)

    try:
        with_retries(engine, work)
    except SQLAlchemyError as exc:
        log.error("the end of crawl run %d is not recorded: %s", run_id,
                  " ".join(str(exc).split())[:200])
