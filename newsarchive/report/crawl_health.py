"""Crawl health: every query the report makes of the crawl's tables, in this one module.

The crawl's tables (`crawl_frontier`, `crawl_responses`) belong to the fetch stage; when their
shape changes, this module is the only reader to adjust.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, inspect

from ..store.crawl_models import FrontierState
from ..store.models import UTCDateTime
from .model import Period, Section, Table
from .sql import has_table, host_of, run

SILENT_AFTER = timedelta(days=1)  # a source without a successful fetch this long stands out
DONE, FETCHED, FAILED, GIVEN_UP, PENDING = (f"'{state.value}'" for state in (
    FrontierState.DONE, FrontierState.FETCHED, FrontierState.FAILED, FrontierState.GIVEN_UP,
    FrontierState.PENDING))
STATES = (  # (column, condition on crawl_frontier), in the order of the chart's segments
    ("fetched", f"state IN ({DONE}, {FETCHED}) AND coalesce(last_status, 0) <> 304"),
    ("not modified", f"state = {DONE} AND last_status = 304"),
    ("failing", f"state = {FAILED}"),
    ("given up", f"state = {GIVEN_UP}"),
    ("pending", f"state = {PENDING}"),
)


def crawl_sections(connection: Connection, period: Period) -> list[Section]:
    if not has_table(connection, "crawl_frontier"):
        return []
    return [_hosts(connection, period), _sources(connection, period)]


def _hosts(connection: Connection, period: Period) -> Section:
    host = _host(connection)
    states = ", ".join(f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)" for _, condition in STATES)
    frontier = {row[0]: row[1:] for row in run(
        connection, f"SELECT {host}, {states} FROM crawl_frontier GROUP BY 1")}
    responses = dict(run(
        connection, f"SELECT {host_of(connection, 'url')}, count(*) FROM crawl_responses "
                    "WHERE fetched_at >= :since AND fetched_at < :until GROUP BY 1",
        ("since", "until"), since=period.since, until=period.until))
    hosts = sorted(set(frontier) | set(responses))
    table = Table(("host", "responses in period", *(name for name, _ in STATES)), tuple(
        (name, responses.get(name, 0), *(int(n) for n in frontier.get(name, (0,) * len(STATES))))
        for name in hosts))
    return Section(
        "crawl_hosts", "Crawl health per host",
        "Responses stored in the period, and where every URL the crawl knows stands now: "
        "fetched (archived), not modified (the last answer was 304), failing (tried again "
        "later), given up (failed for good), pending (not fetched yet).",
        table, "hstacked", "host", tuple(name for name, _ in STATES))


def _host(connection: Connection) -> str:
    """The frontier's host column, or the host parsed from the URL where it is empty."""
    columns = {column["name"] for column in inspect(connection).get_columns("crawl_frontier")}
    parsed = host_of(connection, "url")
    return f"coalesce(host, {parsed})" if "host" in columns else parsed


def _sources(connection: Connection, period: Period) -> Section:
    """Every source (a URL given to `crawl`, not found on a page) and its last successful
    fetch: the newest stored response below 400, or the last fetch of a URL that is done."""
    rows = run(
        connection,
        "SELECT crawl_frontier.url, crawl_frontier.kind, crawl_frontier.state, "
        "crawl_frontier.last_fetched_at, max(crawl_responses.fetched_at) FROM crawl_frontier "
        "LEFT JOIN crawl_responses ON crawl_responses.url = crawl_frontier.url "
        "AND crawl_responses.status < 400 AND crawl_responses.fetched_at < :until "
        "WHERE crawl_frontier.discovered_from IS NULL GROUP BY crawl_frontier.url, "
        "crawl_frontier.kind, crawl_frontier.state, crawl_frontier.last_fetched_at",
        ("until",), until=period.until)
    sources = []
    for url, kind, state, last_fetched, last_response in rows:
        moments = [_moment(connection, last_response)]
        if state == FrontierState.DONE.value:
            moments.append(_moment(connection, last_fetched))
        known = [moment for moment in moments if moment is not None and moment < period.until]
        last = max(known) if known else None
        silent = None if last is None else round((period.until - last).total_seconds() / 3600, 1)
        sources.append((url, kind or "-", state, last.strftime("%Y-%m-%d %H:%M") if last else
                        "never", silent))
    sources.sort(key=lambda row: (-(row[4] if row[4] is not None else float("inf")), row[0]))
    limit = SILENT_AFTER.total_seconds() / 3600
    return Section(
        "source_last_success", "Last successful fetch per source",
        "Each source given to `newsarchive crawl`, with its last successful fetch (UTC) and "
        f"the hours from then to the end of the period; sources silent for more than "
        f"{limit:.0f} hours, or never fetched, are marked.",
        Table(("source", "kind", "state", "last success", "hours silent"), tuple(sources)),
        "bars", "source", ("hours silent",),
        highlight=tuple(row[0] for row in sources if row[4] is None or row[4] > limit))


def _moment(connection: Connection, value: object) -> datetime | None:
    """A time read by text SQL: ISO text on SQLite, a datetime on PostgreSQL."""
    return UTCDateTime().process_result_value(value, connection.dialect)
