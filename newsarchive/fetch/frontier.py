"""The frontier in the database: every URL the crawl has seen and what became of it.

Each change is its own short write transaction, so a run killed at any moment leaves every URL
in a state the next run can continue from: `pending` and due `failed` URLs are fetched,
`fetched` ones (response stored, page not yet) are ingested from the stored response.

Several workers (threads, processes, machines) share the frontier through claims: `claim`
takes one workable URL whose host is free, and leases both the URL and its host (PostgreSQL:
`FOR UPDATE SKIP LOCKED`; SQLite: the claim's short `BEGIN IMMEDIATE` transaction). Marking the
URL's outcome ends the URL's lease; a lease not ended (kill -9) runs out at `lease_until`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Engine,
    Float,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    union_all,
    update,
)

from ..store.crawl_models import WORKABLE_STATES, FrontierState, FrontierURL, UrlKind
from ..store.db import (
    Prepared,
    among,
    in_bound_list,
    insert_ignoring,
    prepared_update_where,
    read_with_retries,
    set_values,
    update_where,
    with_retries,
)
from ..store.raw import RawCodec
from ..store.responses import (
    BODY_COLUMNS,
    RESPONSES,
    WITH_BODIES,
    KeptResponse,
    body_of,
    keep_response,
)
from ..urls import host_of
from .errors import FailureReason
from .http import Response
from .politeness import HOSTS, ensure_hosts, free

FRONTIER: Table = FrontierURL.__table__  # type: ignore[assignment]
RETRY_BASE = timedelta(minutes=10)  # a failed URL is tried again after 10 min, 20, 40, ...
RETRY_CAP = timedelta(days=1)
MAX_FAILURES = 5  # transient failures in a row before a URL is given up
# the condition of the workable index (0016), its values literal so the planner can match it
WORKABLE_TERM = FRONTIER.c.state.in_([literal_column(f"'{state}'") for state in WORKABLE_STATES])


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
        return (self.state == FrontierState.FAILED and self.next_due_at is not None
                and self.next_due_at > now)


ENTRY_COLUMNS = ("url", "kind", "state", "failure_count", "etag", "last_modified", "next_due_at")


@dataclass(frozen=True)
class Claim:
    """A URL leased to one worker, with its host (and when the host's cached robots.txt was
    fetched: a run that has its verdict in memory need not read the host's row)."""

    entry: FrontierEntry
    host: str
    robots_fetched_at: float | None = None

    @property
    def url(self) -> str:
        return self.entry.url


@dataclass(frozen=True)
class Work:
    """Which URLs a run works on: `wanted` (sources, next pages, --refresh articles: fetched
    whatever their state, unless another crawl fetched them after `fresh_since`) and,
    when `articles`, every due article of the frontier. Hosts in `skip` are left alone."""

    wanted: frozenset[str] = frozenset()
    articles: bool = True
    fresh_since: datetime | None = None
    skip: frozenset[str] = frozenset()


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


@dataclass(frozen=True)
class _Shape:
    """What the SQL of a `Work` depends on (its values are bound parameters)."""

    wanted: bool
    articles: bool
    fresh: bool
    skip: bool

    @staticmethod
    def of(work: Work) -> _Shape:
        return _Shape(bool(work.wanted), work.articles, work.fresh_since is not None,
                      bool(work.skip))


# the parameters of the work queries (`_values` binds them)
NOW = bindparam("now", type_=FRONTIER.c.next_due_at.type)
MOMENT = bindparam("moment", type_=Float())
FRESH_SINCE = bindparam("fresh_since", type_=FRONTIER.c.last_fetched_at.type)
LEASE = {"lease_owner": bindparam("owner", type_=FRONTIER.c.lease_owner.type),
         "lease_until": bindparam("until", type_=FRONTIER.c.lease_until.type)}
# SQLite: the host of the URL a claim leased (`_leasing_url`), leased too
LEASE_HOST = Prepared(update(HOSTS).where(HOSTS.c.host == bindparam("row_host")).values(LEASE)
                      .returning(HOSTS.c.robots_fetched_at))
# the URL is archived (its kind kept unless one is given), its response linked to its page
MARK_DONE = (update(FRONTIER).where(FRONTIER.c.url == bindparam("done_url"))
             .values(state=FrontierState.DONE.value, lease_owner=None, lease_until=None,
                     page_id=bindparam("done_page", type_=FRONTIER.c.page_id.type),
                     kind=func.coalesce(bindparam("done_kind", type_=FRONTIER.c.kind.type),
                                        FRONTIER.c.kind)))
GET_ENTRY = (select(*(FRONTIER.c[name] for name in ENTRY_COLUMNS))
             .where(FRONTIER.c.url == bindparam("entry_url", type_=FRONTIER.c.url.type)))
LINK_RESPONSE = (update(RESPONSES).where(RESPONSES.c.id == bindparam("done_response"))
                 .values(page_id=bindparam("done_page")))


def _insert_pending(connection: Connection, urls: list[str], kind: str | None,
                    discovered_from: str | None, now: datetime) -> None:
    """Rows for URLs not in the frontier yet, `pending` (and for their hosts), in the caller's
    transaction; a URL already there is left as it is."""
    if not urls:
        return
    rows = [{"url": url, "kind": kind, "state": FrontierState.PENDING.value,
             "discovered_from": discovered_from, "first_seen_at": now,
             "failure_count": 0, "host": host_of(url)} for url in urls]
    ensure_hosts(connection, {host_of(url) for url in urls})
    connection.execute(insert_ignoring(connection.dialect.name, FRONTIER, ("url",)), rows)


def _leasing(query: Select[Any] | CompoundSelect) -> Select[Any]:
    """PostgreSQL: the claim's SELECT (rows locked, `FOR UPDATE SKIP LOCKED`) that also leases
    the URL and its host, by data-modifying CTEs: one statement per claim, not three."""
    picked = query.cte("picked")
    url = (update(FRONTIER).where(FRONTIER.c.id == picked.c.id).values(LEASE)
           .returning(FRONTIER.c.id).cte("leased_url"))
    host = (update(HOSTS).where(HOSTS.c.host == picked.c.host).values(LEASE)
            .returning(HOSTS.c.host).cte("leased_host"))
    return select(picked).add_cte(url, host)


def _leasing_url(query: Select[Any] | CompoundSelect) -> Update:
    """SQLite (in the claim's write transaction): the UPDATE leasing the URL the claim's SELECT
    picks, returning its columns but the host's (LEASE_HOST returns those): two statements
    per claim, not three."""
    picked = select(query.subquery().c.id).scalar_subquery()
    return (update(FRONTIER).where(FRONTIER.c.id == picked).values(LEASE)
            .returning(*(FRONTIER.c[name] for name in ENTRY_COLUMNS), FRONTIER.c.host))


def _values(work: Work, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"now": now, "moment": now.timestamp()}
    if work.wanted:
        values["wanted"] = sorted(work.wanted)
    if work.skip:
        values["skip"] = sorted(work.skip)
    if work.fresh_since is not None:
        values["fresh_since"] = work.fresh_since
    return values


class Frontier:
    """`codec`: the archive's (Archive.codec), which compresses the bodies of responses."""

    def __init__(self, engine: Engine, codec: RawCodec | None = None) -> None:
        self.engine = engine
        self.codec = codec or RawCodec()
        self._claims: dict[_Shape, Any] = {}
        self._outlooks: dict[tuple[_Shape, bool], Any] = {}

    def _write(self, work: Any) -> Any:
        return with_retries(self.engine, work)

    def add(self, urls: Iterable[str], kind: str | None, discovered_from: str | None,
            now: datetime, *, limit: int | None = None) -> tuple[int, int]:
        """Record URLs not seen before as pending; known URLs keep their state.

        With `limit`, at most that many new URLs are added (the first ones): returns (added,
        new URLs left out)."""
        urls = list(dict.fromkeys(urls))
        if not urls:
            return 0, 0

        def work(connection: Connection) -> tuple[int, int]:
            known: set[str] = set()
            for condition in among(connection, FRONTIER.c.url, urls):
                known.update(connection.execute(select(FRONTIER.c.url).where(condition)).scalars())
            new = [url for url in urls if url not in known]
            kept = new if limit is None else new[:limit]
            _insert_pending(connection, kept, kind, discovered_from, now)
            return len(kept), len(new) - len(kept)

        return self._write(work)

    def get(self, url: str) -> FrontierEntry | None:
        row = read_with_retries(self.engine, lambda connection: connection.execute(
            GET_ENTRY, {"entry_url": url}).first())
        return FrontierEntry(*row) if row else None

    @staticmethod
    def _due_article() -> ColumnElement[bool]:
        """Article URLs to work on (at the bound `now`): never fetched, failed and due again,
        or fetched but not yet stored."""
        return and_(FRONTIER.c.kind == UrlKind.ARTICLE.value, WORKABLE_TERM, or_(
            # not `in_` of values: a list of values is an expanding parameter, rendered for
            # every claim
            FRONTIER.c.state == FrontierState.PENDING.value,
            FRONTIER.c.state == FrontierState.FETCHED.value,
            and_(FRONTIER.c.state == FrontierState.FAILED.value,
                 or_(FRONTIER.c.next_due_at.is_(None), FRONTIER.c.next_due_at <= NOW)),
        ))

    def _wanted(self, *, negate: bool = False) -> ColumnElement[bool]:
        """The URL is (not) one of the bound `wanted` ones."""
        return in_bound_list(FRONTIER.c.url, "wanted", self.engine.dialect.name, negate=negate)

    def _workable(self, shape: _Shape) -> ColumnElement[bool]:
        """The URLs of a `Work` of this shape (its values bound: `_values`), whatever their
        lease and their host's state."""
        wanted: ColumnElement[bool] = false()
        if shape.wanted:
            wanted = and_(self._wanted(),
                          or_(FRONTIER.c.state != FrontierState.FAILED.value,
                              FRONTIER.c.next_due_at.is_(None), FRONTIER.c.next_due_at <= NOW))
            if shape.fresh:
                # to the second: a run that ended in the second we started does not count
                wanted = and_(wanted, or_(FRONTIER.c.last_fetched_at.is_(None),
                                          FRONTIER.c.last_fetched_at <= FRESH_SINCE))
        condition = or_(wanted, self._due_article()) if shape.articles else wanted
        if shape.skip:
            condition = and_(condition, in_bound_list(FRONTIER.c.host, "skip",
                                                      self.engine.dialect.name, negate=True))
        return condition

    def _claim_query(self, shape: _Shape) -> Any:
        """The claim's statement for work of this shape, built once (SQLAlchemy then finds its
        compiled form in its cache): the claim runs for every URL of every worker. It picks
        the first workable URL by id, wanted ones first, and leases it (PostgreSQL: its host
        too, `_leasing`; SQLite: `_leasing_url`).

        With wanted URLs: the first wanted one (found by the URLs' index), else the first due
        article (the workable index walked in id order), so that neither sorts every URL to
        work on; when no wanted URL is workable, no article of the second part is wanted."""
        query = self._claims.get(shape)
        if query is not None:
            return query
        picked: Select[Any] | CompoundSelect
        if not shape.wanted:
            picked = self._first_free(self._workable(shape))
        else:
            picked = self._first_free(and_(self._wanted(), self._workable(shape)))
            if shape.articles:
                articles = self._first_free(self._workable(replace(shape, wanted=False)))
                picked = union_all(select(picked.subquery()),
                                   select(articles.subquery())).limit(1)
        postgresql = self.engine.dialect.name == "postgresql"
        query = (_leasing if postgresql else _leasing_url)(picked)
        # SQLite binds the wanted and skipped URLs as IN lists, rendered for each execution
        if postgresql or not (shape.wanted or shape.skip):
            query = Prepared(query)
        self._claims[shape] = query
        return query

    def _first_free(self, condition: ColumnElement[bool]) -> Select[Any]:
        """The claim's columns of the first URL by id meeting `condition` whose host may be
        asked now (PostgreSQL: the URL and its host locked, `FOR UPDATE SKIP LOCKED`)."""
        query = (
            select(*(FRONTIER.c[name] for name in ENTRY_COLUMNS), FRONTIER.c.id,
                   FRONTIER.c.host, HOSTS.c.robots_fetched_at)
            .join(HOSTS, HOSTS.c.host == FRONTIER.c.host)
            .where(condition)
            .where(free(FRONTIER, MOMENT), free(HOSTS, MOMENT))
            .where(or_(HOSTS.c.next_allowed_at.is_(None), HOSTS.c.next_allowed_at <= MOMENT))
            .where(or_(HOSTS.c.blocked_until.is_(None), HOSTS.c.blocked_until <= MOMENT))
            .order_by(FRONTIER.c.id)
            .limit(1)
        )
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=(FRONTIER, HOSTS))
        return query

    def claim(self, owner: str, work: Work, now: datetime, lease: float) -> Claim | None:
        """Lease one URL of `work` whose host may be asked now (not leased, past its delay,
        not blocked), and its host, to `owner` for `lease` seconds; wanted URLs first."""
        moment = now.timestamp()
        query, values = self._claim_query(_Shape.of(work)), _values(work, now)

        values["owner"], values["until"] = owner, moment + lease
        leased = self.engine.dialect.name == "postgresql"  # the host too, by the one statement

        def claim(connection: Connection) -> Claim | None:
            row = (query.rows(connection, values)[:1] or [None])[0] if isinstance(
                query, Prepared) else connection.execute(query, values).first()
            if row is None:
                return None
            robots_fetched_at = row.robots_fetched_at if leased else LEASE_HOST.scalar(
                connection, {"owner": owner, "until": values["until"], "row_host": row.host})
            return Claim(FrontierEntry(*row[:len(ENTRY_COLUMNS)]), row.host, robots_fetched_at)

        return self._write(claim)

    def outlook(self, owner: str, work: Work, now: datetime, *, horizon: float,
                include_leased: bool) -> float | None:
        """Seconds until some URL of `work` may be claimable (0: now or soon), None when none
        will be within `horizon` seconds: the URLs still to do for a run; infinity when the
        only ones are of hosts `owner` is asking now (claimable once it releases them: the
        caller knows when, the archive does not).

        URLs leased by other workers count only with `include_leased` (their lease may run
        out); our own leased URLs never (we are working on them). An article of a host another
        worker is asking now counts only with `include_leased` too (a live worker goes on with
        its host's articles), but a wanted URL always does, ready when that worker's lease of
        the host ends at the latest: only this run may want it (a next page it found), and it
        is lost when the run ends without it."""
        moment = now.timestamp()
        query = self._outlook_query(_Shape.of(work), include_leased)
        values = {**_values(work, now), "owner": owner, "horizon_end": moment + horizon}
        earliest, count = read_with_retries(
            self.engine, lambda connection: connection.execute(query, values).one())
        if not count:
            return None
        if earliest is None:
            return math.inf
        return max(0.0, float(earliest) - moment)

    def _outlook_query(self, shape: _Shape, include_leased: bool) -> Any:
        """`outlook`'s SELECT, built once per shape of work (as the claim's)."""
        query = self._outlooks.get((shape, include_leased))
        if query is not None:
            return query
        # the later of the host's next request and the end of its block (and of another
        # crawl's lease of it); unknown (NULL, not counted by min) for a host we are asking
        # now: it is ready when we release it
        owner = bindparam("owner", type_=FRONTIER.c.lease_owner.type)
        later = func.greatest if self.engine.dialect.name == "postgresql" else func.max
        asked_by_us = and_(HOSTS.c.lease_owner == owner, HOSTS.c.lease_until >= MOMENT)
        ready_after: list[ColumnElement[Any]] = [
            func.coalesce(HOSTS.c.next_allowed_at, 0), func.coalesce(HOSTS.c.blocked_until, 0)]
        host_is_ours = or_(free(HOSTS, MOMENT), HOSTS.c.lease_owner == owner)
        if not include_leased:  # a wanted URL of a host another crawl asks: polled, not at once
            ready_after.append(case((host_is_ours, 0), else_=HOSTS.c.lease_until))
        ready = case((asked_by_us, None), else_=later(*ready_after))
        query = (select(func.min(ready), func.count())
                 .select_from(FRONTIER.join(HOSTS, HOSTS.c.host == FRONTIER.c.host))
                 .where(self._workable(shape))
                 .where(or_(HOSTS.c.blocked_until.is_(None),
                            HOSTS.c.blocked_until <= bindparam("horizon_end", type_=Float()))))
        if include_leased:
            query = query.where(or_(FRONTIER.c.lease_owner.is_(None),
                                    FRONTIER.c.lease_owner != owner,
                                    FRONTIER.c.lease_until < MOMENT))
        else:  # a host another crawl is asking now: that crawl goes on with its articles
            mine = [host_is_ours, self._wanted()] if shape.wanted else [host_is_ours]
            query = query.where(free(FRONTIER, MOMENT)).where(or_(*mine))
        self._outlooks[(shape, include_leased)] = query
        return query

    def release_all(self, owner: str) -> None:
        """End every lease `owner` still holds (a run that stops early)."""
        def work(connection: Connection) -> None:
            for table in (FRONTIER, HOSTS):
                connection.execute(update(table).where(table.c.lease_owner == owner)
                                   .values(lease_owner=None, lease_until=None))

        self._write(work)

    def lease_owners(self) -> list[str]:
        """Who holds leases now (including ones that ran out)."""
        def read(connection: Connection) -> list[str]:
            return sorted({owner for table in (FRONTIER, HOSTS) for owner in connection.execute(
                select(table.c.lease_owner).where(table.c.lease_owner.is_not(None))
                .distinct()).scalars()})

        return read_with_retries(self.engine, read)

    def release(self, url: str, owner: str) -> None:
        """End our lease on a URL left as it was (its host is skipped this run)."""
        self._write(lambda connection: connection.execute(
            update(FRONTIER).where(FRONTIER.c.url == url, FRONTIER.c.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)))

    def _kept(self, url: str, response: Response) -> KeptResponse:
        assert response.status is not None
        return KeptResponse.of(self.codec, url, response.final_url, response.status,
                               response.headers, response.fetched_at, response.body)

    def store_response(self, url: str, response: Response, kind: str | None,
                       also: Callable[[Connection], None] | None = None) -> int:
        """Keep the raw response (its body in raw_bodies) and mark the URL `fetched`, in one
        transaction (with `also`: the release of the URL's host, so a page costs one write
        fewer). A redirect's target is marked `fetched` too, under the URL's lease: it is
        archived with the URL, so no worker fetches it again as a link of its own meanwhile."""
        assert response.body is not None
        kept = self._kept(url, response)
        final = response.final_url

        def work(connection: Connection) -> int:
            response_id = keep_response(connection, kept)
            self._mark(connection, url, response, state=FrontierState.FETCHED, kind=kind)
            if final != url:
                _insert_pending(connection, [final], None, url, response.fetched_at)
                self._mark(connection, final, response, state=FrontierState.FETCHED, kind=kind)
                claim = select(FRONTIER.c.lease_owner, FRONTIER.c.lease_until).where(
                    FRONTIER.c.url == url).subquery()
                connection.execute(update(FRONTIER).where(FRONTIER.c.url == final).values(
                    lease_owner=select(claim.c.lease_owner).scalar_subquery(),
                    lease_until=select(claim.c.lease_until).scalar_subquery()))
            if also is not None:
                also(connection)
            return response_id

        return self._write(work)

    def mark_done(self, connection: Connection, url: str, response_id: int | None,
                  page_id: int | None, kind: str | None) -> None:
        """In the caller's transaction (the one storing the page): the URL is archived."""
        self.mark_all_done(connection, [(url, response_id, page_id, kind)])

    @staticmethod
    def mark_all_done(connection: Connection,
                      done: list[tuple[str, int | None, int | None, str | None]]) -> None:
        """`mark_done` for many (url, response id, page id, kind), in two statements."""
        if not done:
            return
        connection.execute(MARK_DONE, [{"done_url": url, "done_page": page_id, "done_kind": kind}
                                       for url, _, page_id, kind in done])
        linked = [{"done_response": response_id, "done_page": page_id}
                  for _, response_id, page_id, _ in done
                  if response_id is not None and page_id is not None]
        if linked:
            connection.execute(LINK_RESPONSE, linked)

    def is_archived(self, url: str) -> bool:
        """The URL's page is stored, or its response is (and the page is on its way)."""
        entry = self.get(url)
        return entry is not None and entry.state in (FrontierState.DONE, FrontierState.FETCHED)

    def mark_redirected(self, url: str, response: Response) -> None:
        """`url` redirects to a page already archived: it is done, as that page."""
        target = select(FRONTIER.c.page_id).where(FRONTIER.c.url == response.final_url)

        def work(connection: Connection) -> None:
            self._mark(connection, url, response, state=FrontierState.DONE)
            connection.execute(update(FRONTIER).where(FRONTIER.c.url == url)
                               .values(page_id=target.scalar_subquery()))

        self._write(work)

    def mark_not_modified(self, url: str, response: Response) -> None:
        """Done again; the 304 itself is kept (a row without body: a WARC revisit on export)."""
        kept = self._kept(url, response)

        def work(connection: Connection) -> None:
            keep_response(connection, kept)
            self._mark(connection, url, response, state=FrontierState.DONE)

        self._write(work)

    def mark_failed(self, url: str, response: Response, now: datetime, *,
                    count: bool = True, due: datetime | None = None) -> FrontierState:
        """Record a failed attempt; returns the new state (`failed` or `given_up`).

        `count=False` records the error without counting it against the URL (the fault was
        not the URL's: robots.txt of its host was unreachable, the host asked for a pause);
        `due`: when to try again (default: the URL's back-off)."""
        entry = self.get(url)
        failures = (entry.failure_count if entry else 0) + (1 if count else 0)
        given_up = count and (response.permanent or failures >= MAX_FAILURES)
        wait = response.retry_after or (RETRY_BASE * 2 ** max(failures - 1, 0)).total_seconds()
        reason = response.reason or FailureReason.CONNECT_FAILED
        values = {
            "state": (FrontierState.GIVEN_UP if given_up else FrontierState.FAILED).value,
            "failure_count": failures,
            "failure_reason": reason.value,
            "lease_owner": None,
            "lease_until": None,
            "last_error": response.error,
            "last_status": response.status,
            "next_due_at": None if given_up else (
                due or now + min(timedelta(seconds=wait), RETRY_CAP)),
            "given_up_reason": (response.error if response.permanent
                                else f"{failures} failures, last: {response.error}")
            if given_up else None,
        }
        if response.status is not None:
            values["last_fetched_at"] = response.fetched_at
        self._write(lambda connection: connection.execute(
            update_where(FRONTIER, "url", tuple(values)), set_values("url", url, values)))
        return FrontierState(values["state"])

    def _mark(self, connection: Connection, url: str, response: Response, *,
              state: FrontierState, kind: str | None = None) -> None:
        values: dict[str, Any] = {
            "state": state.value, "last_fetched_at": response.fetched_at,
            "last_status": response.status, "failure_count": 0, "last_error": None,
            "failure_reason": None, "next_due_at": None, "given_up_reason": None,
        }
        if state is not FrontierState.FETCHED:  # a fetched URL stays ours until it is stored
            values.update(lease_owner=None, lease_until=None)
        if kind is not None:
            values["kind"] = kind
        for header, column in (("etag", "etag"), ("last-modified", "last_modified")):
            if response.headers.get(header):
                values[column] = response.headers[header]
        prepared_update_where(FRONTIER, "url", tuple(values)).execute(
            connection, set_values("url", url, values))

    def latest_response(self, url: str) -> StoredResponse | None:
        """The newest stored response of a URL (requested as `url`)."""
        def read(connection: Connection) -> tuple[Any, bytes | None]:
            row = connection.execute(
                select(RESPONSES.c.id, RESPONSES.c.url, RESPONSES.c.final_url, RESPONSES.c.headers,
                       RESPONSES.c.fetched_at, *BODY_COLUMNS).select_from(WITH_BODIES)
                .where(RESPONSES.c.url == url, RESPONSES.c.status != 304)
                .order_by(RESPONSES.c.fetched_at.desc(), RESPONSES.c.id.desc()).limit(1)
            ).first()
            return row, None if row is None else body_of(connection, self.codec, row)

        row, body = read_with_retries(self.engine, read)
        if row is None or body is None:
            return None
        return StoredResponse(row.id, row.url, row.final_url, json.loads(row.headers), body,
                              row.fetched_at)
