"""`newsarchive report`: one self-contained HTML file of charts and tables about a period.

    from newsarchive.report import build_report, render_html, write_csvs

    with open_archive("news.db") as archive:
        report = build_report(archive)          # the 7 days up to the newest sighting
    Path("report.html").write_text(render_html(report), encoding="utf-8")

Every number is aggregated in SQL (`series`, `crawl_health`); the same archive gives the same
file, byte for byte, because the default period is read from the archive, not the clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, func, select

from ..query.filters import QueryError
from ..query.tables import ITEMS
from ..store.archive import Archive
from ..store.reader import ArchiveReader
from ..values import to_utc
from .crawl_health import crawl_sections
from .model import DEFAULT_SPAN, Period, Report, Section, Table
from .page import render_html, write_csvs
from .series import has_daily_counts, precision_sections, story_sections, top_sections, volume_sections

__all__ = ["Period", "Report", "Section", "Table", "build_report", "report_period",
           "render_html", "write_csvs"]


def build_report(archive: Archive | ArchiveReader, since: datetime | None = None,
                 until: datetime | None = None, *, now: datetime | None = None) -> Report:
    """The report of [since, until). Without `until`: up to the end of the hour of the
    archive's newest sighting (of `now` in an empty archive); without `since`: the
    DEFAULT_SPAN before `until`."""
    with archive.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA mmap_size = 1073741824")
        period = report_period(connection, since, until, now)
        period = replace(period, daily=has_daily_counts(connection))
        items, volume = volume_sections(connection, period)
        sections: list[Section] = [
            *volume,
            *top_sections(connection, period),
            *precision_sections(connection, period),
            *crawl_sections(connection, period),
            *story_sections(connection, period, items),
        ]
        return Report("newsarchive report", period, items, tuple(sections))


def report_period(connection: Connection, since: datetime | None, until: datetime | None,
                  now: datetime | None = None) -> Period:
    if until is None:
        newest = connection.execute(select(func.max(ITEMS.c.first_seen_at))).scalar()
        if newest is None:
            newest = since + DEFAULT_SPAN if since is not None else (now or datetime.now(timezone.utc))
        until = newest.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if since is None:
        since = until - DEFAULT_SPAN
    if since >= until:
        raise QueryError("the report's period is empty: --since must be before --until")
    return Period(to_utc(since), to_utc(until))
