"""The SQL pieces the report's queries share, in the two dialects the archive runs on.

Times are ISO 8601 text on SQLite (`2026-03-17T09:00:00Z`, fetch moments
`2026-03-17T09:00:00.000000Z`: either way a prefix is an hour or a day)
and `timestamptz` on PostgreSQL. Every query of the report is text SQL built from these
fragments, run with `run`, and returns rows already aggregated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, inspect, text

from ..store.rollups import sqlite_host
from ..store.types import UTCDateTime

Unit = Literal["hour", "day"]

# A bucket as SQL writes it: '2026-03-17T09' (hour) or '2026-03-17' (day), UTC.
BUCKET_FORMAT = {"hour": "%Y-%m-%dT%H", "day": "%Y-%m-%d"}
_SQLITE_PREFIX = {"hour": 13, "day": 10}
_POSTGRES_FORMAT = {"hour": 'YYYY-MM-DD"T"HH24', "day": "YYYY-MM-DD"}


def is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def bucket(connection: Connection, column: str, unit: Unit) -> str:
    """The UTC hour or day of a time column, as text in BUCKET_FORMAT."""
    if is_sqlite(connection):
        return f"substr({column}, 1, {_SQLITE_PREFIX[unit]})"
    return f"to_char({column} AT TIME ZONE 'UTC', '{_POSTGRES_FORMAT[unit]}')"


def seconds_between(connection: Connection, start: str, end: str) -> str:
    """`end - start` in seconds (a number; NULL when either is NULL)."""
    if is_sqlite(connection):
        # Whole seconds: the times are whole seconds, round() removes julianday's float error.
        return f"CAST(round((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"
    return f"extract(epoch from ({end} - {start}))"


def host_of(connection: Connection, column: str) -> str:
    """The host (with port) of a URL column: `https://a.example:8080/x` -> `a.example:8080`."""
    if is_sqlite(connection):
        return sqlite_host(column)
    return f"substring({column} from '^[^:]+://([^/]+)')"


def run(connection: Connection, sql: str,
        times: Sequence[str] | Mapping[str, type[UTCDateTime]] = (), **values: Any
        ) -> list[tuple[Any, ...]]:
    """Rows of `sql`; the parameters named in `times` are bound as archive times (to the
    second), or as the type given by name: PreciseUTCDateTime for one compared with a fetch
    moment (on SQLite a bound compares as text: it must be written as its column is)."""
    types = times if isinstance(times, Mapping) else dict.fromkeys(times, UTCDateTime)
    statement = text(sql).bindparams(*(bindparam(name, type_=kind()) for name, kind in types.items()))
    return [tuple(row) for row in connection.execute(statement, values)]


def has_table(connection: Connection, name: str) -> bool:
    return inspect(connection).has_table(name)
