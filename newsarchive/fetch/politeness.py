"""Politeness per host, kept in the archive (`crawl_hosts`) so every crawl of it obeys it.

A worker may send a request to a host only while it holds the host's lease (one request at a
time per host, across processes and machines) and not before the host's `next_allowed_at`
(when the previous request was sent, plus the host's delay: a response's latency is no part
of the delay) or `blocked_until` (a Retry-After, or the back-off after a 429 or 503). Leases
are taken together with a URL claim (frontier.py), or alone for another host of the site a
redirect leads to (`Hosts.lease`), and end by themselves after `CrawlSettings.lease`, so a
worker killed with kill -9 blocks nothing for long. robots.txt is cached here with its fetch
time and fetched again after a day.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import Any

from protego import Protego
from sqlalchemy import ColumnElement, Connection, Engine, Table, bindparam, case, or_, select, update

from ..store.crawl_models import CrawlHost
from ..store.db import Prepared, insert_ignoring, read_with_retries, set_values, update_where, with_retries
from .robots import HostRules, robots_text
from .settings import BackoffCurve

HOSTS: Table = CrawlHost.__table__  # type: ignore[assignment]
NO_RULES = 0  # robots_status of a robots.txt whose redirects could not be followed: no rules


def backoff_block(curve: BackoffCurve, level: int, quiet_since: float | None, now: float,
                  spread: float) -> tuple[int, float]:
    """(incidents in a row, seconds to block) after a 429/503 without Retry-After at `now`.

    `quiet_since`: when the host's previous block ended (None: never blocked); `spread` in
    [0, 1) draws the jitter."""
    if quiet_since is None or now - quiet_since >= curve.forgive:
        level = 0
    level += 1
    seconds = curve.base * 2 ** min(level - 1, 40)
    return level, min(seconds * (1 + curve.jitter * spread), curve.cap)


def retry_after_block(curve: BackoffCurve, retry_after: float) -> float:
    """Seconds to block a host that asked, with Retry-After, to be left alone this long."""
    return min(max(retry_after, 0.0), curve.cap)


@dataclass(frozen=True)
class HostState:
    host: str
    next_allowed_at: float | None
    crawl_delay: float | None
    robots_status: int | None
    robots_body: str | None
    robots_fetched_at: float | None
    blocked_until: float | None
    block_reason: str | None
    backoff_level: int
    lease_owner: str | None

    def robots_fresh(self, now: float, ttl: float) -> bool:
        return self.robots_fetched_at is not None and now - self.robots_fetched_at < ttl

    def rules(self) -> HostRules:
        """The cached robots.txt verdict (call only when it is fresh)."""
        if self.robots_status == 200:
            return HostRules(Protego.parse(robots_text((self.robots_body or "").encode())))
        return HostRules(None)


def free(table: Table, moment: float | ColumnElement[float]) -> ColumnElement[bool]:
    """Not leased, or the lease has run out (a row of the frontier or of the hosts)."""
    return or_(table.c.lease_until.is_(None), table.c.lease_until < moment)


def ensure_hosts(connection: Connection, hosts: set[str]) -> None:
    """A row for each host not seen before (in the caller's transaction)."""
    if hosts:
        connection.execute(
            insert_ignoring(connection.dialect.name, HOSTS, ("host",)),
            [{"host": host, "backoff_level": 0} for host in sorted(hosts)])


@functools.lru_cache(maxsize=32)
def _release_statement(columns: tuple[str, ...]) -> Prepared:
    """`Hosts.release_in`'s UPDATE setting `columns` too, built once per shape (every page
    releases its host): the lease ends only if it is still `release_owner`'s."""
    owner = bindparam("release_owner", type_=HOSTS.c.lease_owner.type)
    ours = HOSTS.c.lease_owner == owner
    return Prepared(update_where(HOSTS, "host", columns).values(
        lease_owner=case((ours, None), else_=HOSTS.c.lease_owner),
        lease_until=case((ours, None), else_=HOSTS.c.lease_until)))


class Hosts:
    """The `crawl_hosts` rows: read, lease release, robots.txt cache, blocks."""

    def __init__(self, engine: Engine, curve: BackoffCurve,
                 spread: Any = random.random) -> None:
        self.engine = engine
        self.curve = curve
        self.spread = spread

    def get(self, host: str) -> HostState | None:
        row = read_with_retries(self.engine, lambda connection: connection.execute(
            select(*(HOSTS.c[name] for name in HostState.__dataclass_fields__))
            .where(HOSTS.c.host == host)).first())
        return HostState(*row) if row else None

    def lease(self, host: str, owner: str, moment: float, until: float) -> float | None:
        """Lease the host to `owner` until `until` if it may be asked at `moment` (free, past
        its next allowed time and its block): None when leased, else the seconds until it may
        be (0 when another worker holds it: its lease ends we know not when)."""
        def work(connection: Connection) -> float | None:
            ensure_hosts(connection, {host})
            taken = connection.execute(update(HOSTS).where(
                HOSTS.c.host == host, free(HOSTS, moment),
                or_(HOSTS.c.next_allowed_at.is_(None), HOSTS.c.next_allowed_at <= moment),
                or_(HOSTS.c.blocked_until.is_(None), HOSTS.c.blocked_until <= moment),
            ).values(lease_owner=owner, lease_until=until))
            if taken.rowcount:
                return None
            row = connection.execute(select(HOSTS.c.next_allowed_at, HOSTS.c.blocked_until)
                                     .where(HOSTS.c.host == host)).one()
            return max(0.0, *(ready - moment for ready in row if ready is not None))

        result: float | None = with_retries(self.engine, work)
        return result

    def release(self, host: str, owner: str, next_allowed_at: float | None,
                **values: Any) -> None:
        """End our lease on the host: the next request may start at `next_allowed_at` (None:
        we sent it none, it stays as it was).

        A lease that ran out and was taken by another worker stays theirs."""
        with_retries(self.engine, lambda connection: self.release_in(
            connection, host, owner, next_allowed_at, **values))

    @staticmethod
    def release_in(connection: Connection, host: str, owner: str,
                   next_allowed_at: float | None, **values: Any) -> None:
        """`release` in the caller's transaction (the one storing the host's response)."""
        if next_allowed_at is not None:
            values["next_allowed_at"] = next_allowed_at
        _release_statement(tuple(values)).execute(
            connection, {**set_values("host", host, values), "release_owner": owner})

    def robots_values(self, status: int | None, body: bytes | None, fetched_at: float,
                      crawl_delay: float | None) -> dict[str, Any]:
        """The columns caching a robots.txt answer (passed to `release`)."""
        text = robots_text(body) if status == 200 and body is not None else None
        return {"robots_status": NO_RULES if status is None else status, "robots_body": text,
                "robots_fetched_at": fetched_at, "crawl_delay": crawl_delay}

    def block_values(self, state: HostState, now: float, retry_after: float | None,
                     reason: str) -> dict[str, Any]:
        """The columns blocking a host after a 429/503 (passed to `release`)."""
        if retry_after is not None:
            seconds, level = retry_after_block(self.curve, retry_after), state.backoff_level
        else:
            level, seconds = backoff_block(self.curve, state.backoff_level, state.blocked_until,
                                           now, self.spread())
        return {"blocked_until": now + seconds, "backoff_level": level, "last_incident_at": now,
                "block_reason": reason}
