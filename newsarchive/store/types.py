"""Column types shared by the ORM models and the light read path (Core only, no ORM import)."""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from ..values import to_utc

SQLITE_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@functools.lru_cache(maxsize=65536)  # fetch times and window bounds repeat within a batch
def sqlite_text(moment: datetime) -> str:
    # isoformat, not strftime: strftime writes the year 0001 as `1` on glibc (text order breaks).
    return to_utc(moment).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def sqlite_precise_text(moment: datetime) -> str:
    return to_utc(moment).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _sqlite_bind(value: datetime | None) -> str | None:
    return None if value is None else sqlite_text(value)


def _sqlite_precise_bind(value: datetime | None) -> str | None:
    return None if value is None else sqlite_precise_text(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC moment to the second: `timestamptz` on PostgreSQL, ISO 8601 text on SQLite.

    On SQLite the text has one fixed format (``2026-03-17T09:00:00Z``) so that text order is
    time order and sqlite3, Datasette and pandas read it as a date.
    """

    impl = DateTime(timezone=True)
    cache_ok = True
    microseconds = False
    sqlite_width = 20
    sqlite_bind = staticmethod(_sqlite_bind)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.sqlite_width))
        return dialect.type_descriptor(DateTime(timezone=True))

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":  # process_bind_param without TypeDecorator's wrapping:
            return self.sqlite_bind  # ingest binds two of these per sighting
        return super().bind_processor(dialect)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return self.sqlite_bind(value)
        if value is None:
            return None
        return to_utc(value) if self.microseconds else to_utc(value).replace(microsecond=0)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            # fromisoformat of the text without its `Z`: the same value as strptime with
            # SQLITE_TIME_FORMAT, some 50 times faster (a query page reads 80 of these).
            return datetime.fromisoformat(value.rstrip("Z")).replace(tzinfo=timezone.utc)
        return to_utc(value)


class PreciseUTCDateTime(UTCDateTime):
    """A UTC moment to the microsecond: full `timestamptz` on PostgreSQL; on SQLite ISO 8601
    text with always six fraction digits (``2026-03-17T09:00:00.300000Z``), so that text order
    is still time order and sqlite3, Datasette and pandas still read it as a date.

    For a page's fetch moment: two fetches in one second must keep their order (the later
    one is the newer content)."""

    cache_ok = True
    microseconds = True
    sqlite_width = 27
    sqlite_bind = staticmethod(_sqlite_precise_bind)
