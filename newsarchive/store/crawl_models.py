"""The crawl's tables: the frontier (every URL seen and what became of it) and raw responses.

Both are part of the archive's public schema (see README): the frontier is what lets a killed
crawl resume and a failing URL back off; the responses keep the status and headers of every
fetch, and name its body, kept once in raw_bodies, so any page can be parsed again by a later
parser (store/responses.py keeps and reads them).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, PreciseUTCDateTime, UTCDateTime


class FrontierState(str, enum.Enum):
    """Where a URL of the frontier stands (the `state` column holds the value)."""

    PENDING = "pending"  # not fetched yet
    FETCHED = "fetched"  # response stored, page not yet (a run ended in between)
    DONE = "done"  # archived
    FAILED = "failed"  # the last attempt failed; tried again from next_due_at
    GIVEN_UP = "given_up"  # failed for good; given_up_reason says why

    def __str__(self) -> str:
        return self.value


class UrlKind(str, enum.Enum):
    LISTING = "listing"
    FEED = "feed"
    ARTICLE = "article"

    def __str__(self) -> str:
        return self.value


class RunStatus(enum.IntEnum):
    """A run's exit status, the same number `newsarchive crawl` exits with."""

    OK = 0  # every URL went well
    SOME_FAILED = 1  # some URLs failed (each is in the frontier with its error)
    ERROR = 2  # the archive failed, or the crawler did
    INTERRUPTED = 130  # Ctrl-C (SIGINT)


FRONTIER_STATES = tuple(state.value for state in FrontierState)
URL_KINDS = tuple(kind.value for kind in UrlKind)
# The states a due article may be in (fetch/frontier.py), with the literal values: the claim's
# condition names them so that the planner sees it implies the workable index's (0016).
WORKABLE_STATES = (FrontierState.PENDING.value, FrontierState.FETCHED.value,
                   FrontierState.FAILED.value)
WORKABLE = "state IN ({})".format(", ".join(f"'{state}'" for state in WORKABLE_STATES))


class FrontierURL(Base):
    """One normalized URL the crawl knows, and where it stands.

    state: `pending` (not fetched yet), `fetched` (response stored, not yet parsed and stored:
    a run was killed in between; the next run ingests the stored response, it does not download
    again), `done` (archived), `failed` (the last attempt failed; tried again from
    `next_due_at`), `given_up` (failed for good; `given_up_reason` says why).
    """

    __tablename__ = "crawl_frontier"
    __table_args__ = (
        CheckConstraint(f"state IN {FRONTIER_STATES}", name="state"),
        CheckConstraint(f"kind IS NULL OR kind IN {URL_KINDS}", name="kind"),
        Index(None, "state", "next_due_at"),
        Index(None, "host"),
        # the claim's: the URLs still to work on of a kind, in the order they are claimed
        Index("ix_crawl_frontier_workable", "kind", "id", sqlite_where=text(WORKABLE),
              postgresql_where=text(WORKABLE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str | None] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(8), default="pending")
    discovered_from: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_count: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    given_up_reason: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    host: Mapped[str | None] = mapped_column(Text)  # host[:port]: its crawl_hosts row
    failure_reason: Mapped[str | None] = mapped_column(String(32))  # fetch.errors.FailureReason
    # A claim: the crawl worker fetching the URL now, and when its claim ends (Unix seconds)
    # if it is not released first (a worker killed with kill -9 releases nothing).
    lease_owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[float | None] = mapped_column(Float)


class CrawlHost(Base):
    """Politeness per host (`host[:port]`), shared by every crawl of the archive.

    Times are Unix seconds (sub-second, as the delay needs). A host is asked by one worker at a
    time (the lease) and not before `next_allowed_at` (when the previous request was sent, plus
    the host's delay) nor before `blocked_until` (a Retry-After, or the back-off after 429/503).
    """

    __tablename__ = "crawl_hosts"

    host: Mapped[str] = mapped_column(Text, primary_key=True)
    next_allowed_at: Mapped[float | None] = mapped_column(Float)
    crawl_delay: Mapped[float | None] = mapped_column(Float)  # from robots.txt
    robots_status: Mapped[int | None] = mapped_column(Integer)  # NULL: never fetched
    robots_body: Mapped[str | None] = mapped_column(Text)
    robots_fetched_at: Mapped[float | None] = mapped_column(Float)
    blocked_until: Mapped[float | None] = mapped_column(Float)
    block_reason: Mapped[str | None] = mapped_column(Text)
    backoff_level: Mapped[int] = mapped_column(Integer, default=0)  # 429/503 incidents in a row
    last_incident_at: Mapped[float | None] = mapped_column(Float)
    lease_owner: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[float | None] = mapped_column(Float)


class CrawlResponse(Base):
    """One HTTP response as received: status, headers, and its body by content hash (the bytes
    are in raw_bodies, once however many responses and pages have them; NULL for a 304)."""

    __tablename__ = "crawl_responses"
    __table_args__ = (Index(None, "url", "fetched_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)  # as requested (normalized)
    final_url: Mapped[str] = mapped_column(Text)  # after redirects
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[str] = mapped_column(Text)  # JSON object, names lowercased
    content_hash: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("raw_bodies.content_hash"))  # sha256 of the body, as on pages
    fetched_at: Mapped[datetime] = mapped_column(PreciseUTCDateTime)  # as its page's (0015)
    page_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages.id", ondelete="SET NULL"), index=True
    )


class CrawlRun(Base):
    """One `newsarchive crawl` or `fetch` run: written when it starts and when it ends.

    `ended_at` and `exit_status` stay empty while the run goes on, and for good when it was
    killed (kill -9, power cut). `exit_status` is the command's: 0 all went well, 1 some URLs
    failed, 2 the archive failed, 130 interrupted (RunStatus). Its counts per host
    are in `crawl_run_hosts`, written at the end.
    """

    __tablename__ = "crawl_runs"
    __table_args__ = (Index(None, "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    command: Mapped[str] = mapped_column(String(8))  # crawl or fetch
    owner: Mapped[str] = mapped_column(Text)  # host:pid:random, as in the crawl's leases
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exit_status: Mapped[int | None] = mapped_column(Integer)
    sources: Mapped[int] = mapped_column(Integer)  # URLs named on the command line
    new_items: Mapped[int | None] = mapped_column(Integer)
    sightings: Mapped[int | None] = mapped_column(Integer)


class CrawlRunHost(Base):
    """What one run did with one host (`host[:port]`): pages fetched (a response with a body
    stored), not modified (a 304), failed (tried again later), given up (failed for good)."""

    __tablename__ = "crawl_run_hosts"

    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"),
                                        primary_key=True)
    host: Mapped[str] = mapped_column(Text, primary_key=True)
    fetched: Mapped[int] = mapped_column(Integer)
    not_modified: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    given_up: Mapped[int] = mapped_column(Integer)
