"""The crawl's tables: the frontier (every URL seen and what became of it) and raw responses.

Both are part of the archive's public schema (see README): the frontier is what lets a killed
crawl resume and a failing URL back off; the responses keep every fetched body, compressed, with
its headers, so any page can be parsed again by a later parser.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime


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


FRONTIER_STATES = tuple(state.value for state in FrontierState)
URL_KINDS = tuple(kind.value for kind in UrlKind)


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
    """One HTTP response with a body, as received: the raw bytes (compressed) and headers."""

    __tablename__ = "crawl_responses"
    __table_args__ = (
        Index(None, "url", "fetched_at"),
        CheckConstraint("compression IN ('zlib', 'none')", name="compression"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)  # as requested (normalized)
    final_url: Mapped[str] = mapped_column(Text)  # after redirects
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[str] = mapped_column(Text)  # JSON object, names lowercased
    body: Mapped[bytes] = mapped_column(LargeBinary)
    compression: Mapped[str] = mapped_column(String(8))
    body_size: Mapped[int] = mapped_column(Integer)  # bytes before compression
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    page_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages.id", ondelete="SET NULL"), index=True
    )
