"""The frontier in the database: every URL the crawl has seen and what became of it.

Each change is its own short write transaction, so a run killed at any moment leaves every URL
in a state the next run can continue from: `pending` and due `failed` URLs are fetched,
`fetched` ones (response stored, page not yet) are ingested from the stored response.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, or_, select, update

from ..store.crawl_models import CrawlResponse, FrontierURL
from ..store.db import with_retries
from ..store.ingest import insert_for
from .http import Response

FRONTIER: Table = FrontierURL.__table__  # type: ignore[assignment]
RESPONSES: Table = CrawlResponse.__table__  # type: ignore[assignment]
RETRY_BASE = timedelta(minutes=10)  # a failed URL is tried again after 10 min, 20, 40, ...
RETRY_CAP = timedelta(days=1)
MAX_FAILURES = 5  # transient failures in a row before a URL is given up
TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(frozen=True)
class FrontierEntry:
    url: str
    kind: str | None
    state: str
    failure_count: int
    etag: str | None
    last_modified: str | None
    next_due_at: datetime | None

    def waiting(self, now: datetime) -> bool:
        """Failed, and not to be asked again yet (backoff, or the server's Retry-After)."""
        return self.state == "failed" and self.next_due_at is not None and self.next_due_at > now


@dataclass(frozen=True)
class StoredResponse:
    id: int
    url: str
    final_url: str
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime

    @property
    def response(self) -> Response:
        return Response(self.url, self.final_url, 200, self.headers, self.body, self.fetched_at)


def stored_headers(headers: dict[str, str]) -> dict[str, str]:
    """The headers kept with a body: those describing its transfer are dropped, because the
    body is kept as decoded (gzip removed), not as it travelled."""
    return {name: value for name, value in headers.items() if name not in TRANSFER_HEADERS}


class Frontier:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _write(self, work: Any) -> Any:
        return with_retries(self.engine, work)

    def add(self, urls: Iterable[str], kind: str | None, discovered_from: str | None,
            now: datetime) -> None:
        """Record URLs not seen before as pending; known URLs keep their state."""
        rows = [{"url": url, "kind": kind, "state": "pending", "discovered_from": discovered_from,
                 "first_seen_at": now, "failure_count": 0} for url in dict.fromkeys(urls)]
        if not rows:
            return

        def work(connection: Connection) -> None:
            statement = insert_for(connection, FRONTIER).on_conflict_do_nothing(
                index_elements=["url"])
            connection.execute(statement, rows)

        self._write(work)

    def get(self, url: str) -> FrontierEntry | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(FRONTIER.c.url, FRONTIER.c.kind, FRONTIER.c.state,
                       FRONTIER.c.failure_count, FRONTIER.c.etag, FRONTIER.c.last_modified,
                       FRONTIER.c.next_due_at)
                .where(FRONTIER.c.url == url)
            ).first()
        return FrontierEntry(*row) if row else None

    def due(self, now: datetime) -> list[str]:
        """Article URLs to work on, oldest first: never fetched, failed and due again, or
        fetched but not yet stored."""
        with self.engine.connect() as connection:
            return list(connection.execute(
                select(FRONTIER.c.url)
                .where(FRONTIER.c.kind == "article")
                .where(or_(
                    FRONTIER.c.state.in_(("pending", "fetched")),
                    and_(FRONTIER.c.state == "failed", or_(FRONTIER.c.next_due_at.is_(None),
                                                            FRONTIER.c.next_due_at <= now)),
                ))
                .order_by(FRONTIER.c.id)
            ).scalars())

    def store_response(self, url: str, response: Response, kind: str | None) -> int:
        """Keep the raw response and mark the URL `fetched`, in one transaction."""
        assert response.body is not None
        compressed, body_size = zlib.compress(response.body, 6), len(response.body)

        def work(connection: Connection) -> int:
            response_id = connection.execute(RESPONSES.insert().values(
                url=url, final_url=response.final_url, status=response.status,
                headers=json.dumps(stored_headers(response.headers), sort_keys=True),
                body=compressed,
                compression="zlib", body_size=body_size, fetched_at=response.fetched_at,
            ).returning(RESPONSES.c.id)).scalar_one()
            self._mark(connection, url, response, state="fetched", kind=kind)
            return response_id

        return self._write(work)

    def mark_done(self, connection: Connection, url: str, response_id: int | None,
                  page_id: int | None, kind: str | None) -> None:
        """In the caller's transaction (the one storing the page): the URL is archived."""
        values: dict[str, Any] = {"state": "done", "page_id": page_id}
        if kind is not None:
            values["kind"] = kind
        connection.execute(update(FRONTIER).where(FRONTIER.c.url == url).values(**values))
        if response_id is not None and page_id is not None:
            connection.execute(update(RESPONSES).where(RESPONSES.c.id == response_id)
                               .values(page_id=page_id))

    def is_archived(self, url: str) -> bool:
        """The URL's page is stored, or its response is (and the page is on its way)."""
        entry = self.get(url)
        return entry is not None and entry.state in ("done", "fetched")

    def mark_redirected(self, url: str, response: Response) -> None:
        """`url` redirects to a page already archived: it is done, as that page."""
        target = select(FRONTIER.c.page_id).where(FRONTIER.c.url == response.final_url)

        def work(connection: Connection) -> None:
            self._mark(connection, url, response, state="done")
            connection.execute(update(FRONTIER).where(FRONTIER.c.url == url)
                               .values(page_id=target.scalar_subquery()))

        self._write(work)

    def mark_not_modified(self, url: str, response: Response) -> None:
        self._write(lambda connection: self._mark(connection, url, response, state="done"))

    def mark_failed(self, url: str, response: Response, now: datetime, *,
                    count: bool = True) -> str:
        """Record a failed attempt; returns the new state (`failed` or `given_up`).

        `count=False` records the error without counting it against the URL (the fault was
        not the URL's: robots.txt of its host was unreachable)."""
        entry = self.get(url)
        failures = (entry.failure_count if entry else 0) + (1 if count else 0)
        given_up = count and (response.permanent or failures >= MAX_FAILURES)
        wait = response.retry_after or (RETRY_BASE * 2 ** max(failures - 1, 0)).total_seconds()
        values = {
            "state": "given_up" if given_up else "failed",
            "failure_count": failures,
            "last_error": response.error,
            "last_status": response.status,
            "next_due_at": None if given_up else now + min(timedelta(seconds=wait), RETRY_CAP),
            "given_up_reason": (response.error if response.permanent
                                else f"{failures} failures, last: {response.error}")
            if given_up else None,
        }
        if response.status is not None:
            values["last_fetched_at"] = response.fetched_at
        self._write(lambda connection: connection.execute(
            update(FRONTIER).where(FRONTIER.c.url == url).values(**values)))
        return str(values["state"])

    def _mark(self, connection: Connection, url: str, response: Response, *, state: str,
              kind: str | None = None) -> None:
        values: dict[str, Any] = {
            "state": state, "last_fetched_at": response.fetched_at, "last_status": response.status,
            "failure_count": 0, "last_error": None, "next_due_at": None, "given_up_reason": None,
        }
        if kind is not None:
            values["kind"] = kind
        for header, column in (("etag", "etag"), ("last-modified", "last_modified")):
            if response.headers.get(header):
                values[column] = response.headers[header]
        connection.execute(update(FRONTIER).where(FRONTIER.c.url == url).values(**values))

    def latest_response(self, url: str) -> StoredResponse | None:
        """The newest stored response of a URL (requested as `url`)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(RESPONSES.c.id, RESPONSES.c.url, RESPONSES.c.final_url, RESPONSES.c.headers,
                       RESPONSES.c.body, RESPONSES.c.compression, RESPONSES.c.fetched_at)
                .where(RESPONSES.c.url == url)
                .order_by(RESPONSES.c.fetched_at.desc(), RESPONSES.c.id.desc()).limit(1)
            ).first()
        if row is None:
            return None
        body = zlib.decompress(row.body) if row.compression == "zlib" else bytes(row.body)
        return StoredResponse(row.id, row.url, row.final_url, json.loads(row.headers), body,
                              row.fetched_at)
