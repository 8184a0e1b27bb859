"""Crawl health: every query the report makes of the crawl's tables, in this one module.

The crawl's tables (`crawl_frontier`, `crawl_responses`, `crawl_runs`, `crawl_run_hosts`)
belong to the fetch stage; when their shape changes, this module is the only reader to adjust.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, inspect

from ..store.crawl_models import FrontierState, RunStatus
from ..store.types import PreciseUTCDateTime, UTCDateTime
from .model import Period, Section, Table
from .sql import has_table, host_of, run

SILENT_AFTER = timedelta(days=1)  # a source without a successful fetch this long stands out
RUNS_SHOWN = 30  # the newest runs of the period listed one by one
RUN_COUNTS = (("fetched", "fetched"), ("not modified", "not_modified"), ("failed", "failed"),
              ("given up", "given_up"))  # (column of the report, of crawl_run_hosts)
NOT_ENDED = "not ended"
# the period's bounds, compared with crawl_responses.fetched_at (a fetch moment)
FETCH_MOMENTS = {"since": PreciseUTCDateTime, "until": PreciseUTCDateTime}
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
    runs = [_runs(connection, period), _run_hosts(connection, period)] if has_table(
        connection, "crawl_runs") else []
    return [*runs, _hosts(connection, period), _sources(connection, period)]


def _sums(table: str) -> str:
    return ", ".join(f"coalesce(sum({table}.{column}), 0)" for _, column in RUN_COUNTS)


def _runs(connection: Connection, period: Period) -> Section:
    """The period's runs (by their start), newest first, with their counts over all hosts."""
    rows = run(connection,
               "SELECT crawl_runs.id, crawl_runs.command, crawl_runs.started_at, "
               f"crawl_runs.ended_at, crawl_runs.exit_status, {_sums('crawl_run_hosts')} "
               "FROM crawl_runs LEFT JOIN crawl_run_hosts ON crawl_run_hosts.run_id = crawl_runs.id "
               "WHERE crawl_runs.started_at >= :since AND crawl_runs.started_at < :until "
               "GROUP BY crawl_runs.id, crawl_runs.command, crawl_runs.started_at, "
               "crawl_runs.ended_at, crawl_runs.exit_status "
               "ORDER BY crawl_runs.started_at DESC, crawl_runs.id DESC",
               ("since", "until"), since=period.since, until=period.until)
    table = Table(("run", "command", "ended", "exit status", *(name for name, _ in RUN_COUNTS)),
                  tuple((f"#{run_id} {_when(connection, started)}", command,
                         _when(connection, ended) if ended is not None else NOT_ENDED,
                         _status(status), *(int(n) for n in counts))
                        for run_id, command, started, ended, status, *counts in rows[:RUNS_SHOWN]))
    shown = f"the {RUNS_SHOWN} newest of {len(rows)}" if len(rows) > RUNS_SHOWN else "each"
    return Section(
        "crawl_runs", "Crawl runs",
        f"The runs of `newsarchive crawl` and `fetch` that started in the period ({shown}), "
        "newest first, with what they did: pages fetched, not modified (304), failed (tried "
        f"again later), given up. A run without an end was killed (or still runs); runs "
        "that did not end well are marked.",
        table, "hstacked", "run", tuple(name for name, _ in RUN_COUNTS),
        highlight=tuple(row[0] for row in table.rows
                        if row[2] == NOT_ENDED or row[3] != _status(RunStatus.OK)))


def _run_hosts(connection: Connection, period: Period) -> Section:
    rows = run(connection,
               f"SELECT crawl_run_hosts.host, count(*), {_sums('crawl_run_hosts')} "
               "FROM crawl_run_hosts JOIN crawl_runs ON crawl_runs.id = crawl_run_hosts.run_id "
               "WHERE crawl_runs.started_at >= :since AND crawl_runs.started_at < :until "
               "GROUP BY crawl_run_hosts.host ORDER BY crawl_run_hosts.host",
               ("since", "until"), since=period.since, until=period.until)
    return Section(
        "crawl_run_hosts", "Crawl runs per host",
        "What the period's runs did with each host, summed over the runs that asked it "
        "(a killed run recorded nothing).",
        Table(("host", "runs", *(name for name, _ in RUN_COUNTS)),
              tuple((host, int(runs), *(int(n) for n in counts)) for host, runs, *counts in rows)),
        "hstacked", "host", tuple(name for name, _ in RUN_COUNTS))


def _status(status: int | None) -> str:
    """`0 (ok)`, `130 (interrupted)`; `-` for a run without an end."""
    if status is None:
        return "-"
    try:
        return f"{status} ({RunStatus(status).name.lower().replace('_', ' ')})"
    except ValueError:
        return str(status)


def _when(connection: Connection, value: object) -> str:
    moment = _moment(connection, value)
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


def _hosts(connection: Connection, period: Period) -> Section:
    host = _host(connection)
    states = ", ".join(f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)" for _, condition in STATES)
    frontier = {row[0]: row[1:] for row in run(
        connection, f"SELECT {host}, {states} FROM crawl_frontier GROUP BY 1")}
    responses = dict(run(
        connection, f"SELECT {host_of(connection, 'url')}, count(*) FROM crawl_responses "
                    "WHERE fetched_at >= :since AND fetched_at < :until GROUP BY 1",
        FETCH_MOMENTS, since=period.since, until=period.until))
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
        {"until": PreciseUTCDateTime}, until=period.until)
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
