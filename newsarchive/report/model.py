"""What a report is made of: a period, and sections that each hold one table and its chart.

A section's table is the whole truth of its chart: the chart draws the table's `series`
columns over its `label` column, the HTML prints the table under the chart, and `--csv`
writes the same rows. So the three cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from .sql import BUCKET_FORMAT, Unit

# Up to this span the time series count per hour, beyond it per day.
HOURLY_UP_TO = timedelta(days=3)
DEFAULT_SPAN = timedelta(days=7)

# stacked: vertical bars, one stacked segment per series column; lines: one line per series;
# bars: one bar per row; compare: horizontal bars of the first series with the second as a
# marker (this period against the previous one); hstacked: horizontal stacked bars.
ChartKind = Literal["stacked", "lines", "bars", "compare", "hstacked"]


@dataclass(frozen=True)
class Period:
    """[since, until): the time the report covers (UTC)."""

    since: datetime
    until: datetime
    daily: bool = False  # whole days may be read from the daily counts (store/rollups.py)

    @property
    def span(self) -> timedelta:
        return self.until - self.since

    @property
    def unit(self) -> Unit:
        return "hour" if self.span <= HOURLY_UP_TO else "day"

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.since - self.span, self.since, self.daily)

    def buckets(self) -> list[str]:
        """Every hour or day the period touches, in SQL's bucket text, oldest first."""
        step = timedelta(hours=1) if self.unit == "hour" else timedelta(days=1)
        moment = self.since.replace(minute=0, second=0, microsecond=0)
        if self.unit == "day":
            moment = moment.replace(hour=0)
        names = []
        while moment < self.until:
            names.append(moment.strftime(BUCKET_FORMAT[self.unit]))
            moment += step
        return names


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Section:
    """One chart of the report with its table. `key` names the HTML anchor and the CSV file."""

    key: str
    title: str
    note: str  # one or two sentences: what is counted, and how
    table: Table
    chart: ChartKind
    label: str  # the column along the chart's axis
    series: tuple[str, ...]  # the columns the chart draws
    highlight: tuple[str, ...] = ()  # labels drawn in the warning colour (silent sources)


@dataclass(frozen=True)
class Report:
    title: str
    period: Period
    items: int  # in the period
    sections: tuple[Section, ...]
