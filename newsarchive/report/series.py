"""The report's item series, each aggregated in SQL over the items of one period.

An item belongs to the period by its time: the start of its publication window, or the
moment it was first seen when its window is unknown (a lead article without a date). Both
halves of that rule are index range scans (see `period_items`); the whole days of a period
counted per day are read from the daily counts of store/rollups.py where the archive keeps them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from ..store.rollups import (
    DATELINE_DAYS,
    EMPTY_SECTION,
    ITEM_DAYS,
    ITEM_SITES,
    LAG_BOUNDS,
    PLACE_DAYS,
    UNKNOWN_CLASS,
    WIDTH_BOUNDS,
    lag_class,
    width_class,
)
from .model import Period, Section, Table
from .sql import Unit, bucket, has_table, host_of, is_sqlite, run, seconds_between

STACKED_KEYS = 8  # agencies or sections drawn one by one; the rest is summed as OTHER
TOP_NAMES = 15  # datelines and places listed
NO_AGENCY = "(none)"
NO_SECTION = "(none)"
OTHER = "(other)"

# (label, upper bound in seconds): a window or a lag falls in the first class it fits; the
# bounds are the daily counts' (store/rollups.py), which count items by class.
WIDTH_CLASSES = (*zip(("≤ 1 min", "≤ 1 h", "≤ 1 day", "≤ 1 week"), WIDTH_BOUNDS),
                 ("longer", None))
UNKNOWN_WIDTH = "unknown"
LAG_CLASSES = (*zip(("≤ 15 min", "≤ 1 h", "≤ 3 h", "≤ 12 h", "≤ 1 day", "≤ 3 days"), LAG_BOUNDS),
               ("longer", None))
Range = tuple[datetime, datetime]
# A period holding more than this share of the items looks for stories with several sites
# among the candidates only (story_sections): cheaper than reading most items one by one.
CANDIDATES_ABOVE = 0.2


def has_daily_counts(connection: Connection) -> bool:
    return is_sqlite(connection) and has_table(connection, ITEM_DAYS)


def period_items(ranges: Sequence[Range], *columns: str, where: str = "true") -> str:
    """The CTE `period_items`: the items of the ranges (each [:since<n>, :until<n>)) with
    their time `t` and `columns` (and `where`). Each half of the time rule is an index range
    scan."""
    names = "".join(f", items.{name}" for name in columns)
    branches = []
    for n in range(len(ranges)):
        branches += [
            f"SELECT items.id, items.published_earliest AS t{names} FROM items WHERE {where} "
            f"AND items.published_earliest >= :since{n} AND items.published_earliest < :until{n}",
            f"SELECT items.id, items.first_seen_at AS t{names} FROM items WHERE {where} "
            f"AND items.published_earliest IS NULL "
            f"AND items.first_seen_at >= :since{n} AND items.first_seen_at < :until{n}",
        ]
    return f"period_items AS ({' UNION ALL '.join(branches)})"


def range_values(ranges: Sequence[Range]) -> dict[str, datetime]:
    values = {}
    for n, (since, until) in enumerate(ranges):
        values[f"since{n}"], values[f"until{n}"] = since, until
    return values


def _split(period: Period) -> tuple[list[Range], tuple[str, str] | None]:
    """The parts of the period read from the items, and the whole days [first, last) read
    from the daily counts (per day only, where the archive keeps them)."""
    if not period.daily or period.unit != "day":
        return [(period.since, period.until)], None
    midnight = period.since.replace(hour=0, minute=0, second=0, microsecond=0)
    first = midnight if midnight == period.since else midnight + timedelta(days=1)
    last = period.until.replace(hour=0, minute=0, second=0, microsecond=0)
    if first >= last:
        return [(period.since, period.until)], None
    edges = [(since, until) for since, until in ((period.since, first), (last, period.until))
             if since < until]
    return edges, (first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d"))


@dataclass(frozen=True)
class Count:
    """One count of the period's items by keys, as the items and as the daily counts say it:
    the keys over `period_items` (carrying `columns` of items; `items_from`: its FROM, JOIN
    and WHERE), and over a daily-counts table (`daily_from`: FROM and JOIN)."""

    items: tuple[str, ...]
    daily: tuple[str, ...]
    daily_from: str
    columns: tuple[str, ...] = ()
    items_from: str = "FROM period_items"


def count_items(connection: Connection, period: Period, count: Count) -> list[tuple[Any, ...]]:
    """(key, ..., items) rows of the period: its whole days from the daily counts, the rest
    (or all of it) from the items."""
    ranges, days = _split(period)
    names = ", ".join(f"k{n}" for n in range(len(count.items)))

    def keys(expressions: tuple[str, ...]) -> str:
        return ", ".join(f"{sql} AS k{n}" for n, sql in enumerate(expressions))

    parts = [f"SELECT {keys(count.items)}, count(*) AS n {count.items_from} GROUP BY {names}"
             ] if ranges else []
    values: dict[str, Any] = range_values(ranges)
    if days is not None:
        parts.append(f"SELECT {keys(count.daily)}, sum(items) AS n {count.daily_from} "
                     f"WHERE day >= :first_day AND day < :last_day GROUP BY {names}")
        values.update(first_day=days[0], last_day=days[1])
    with_items = f"WITH {period_items(ranges, *count.columns)} " if ranges else ""
    sql = (f"{with_items}SELECT {names}, CAST(sum(n) AS BIGINT) FROM ("
           f"{' UNION ALL '.join(parts)}) AS parts GROUP BY {names}")
    times = [name for name in values if name.startswith(("since", "until"))]
    return run(connection, sql, times, **values)


def bucket_label(name: str, unit: Unit) -> str:
    """'2026-03-17T09' -> '2026-03-17 09:00'; a day stays '2026-03-17'."""
    return name.replace("T", " ") + ":00" if unit == "hour" else name


# --- volume over time, stacked by agency or section ------------------------------------------


def volume_sections(connection: Connection, period: Period) -> tuple[int, list[Section]]:
    """The period's number of items, and its volume charts: items counted per bucket, section
    and agency list (`items.agencies`, kept by triggers), then summed."""
    unit, axis = period.unit, f"{period.unit} (UTC)"
    groups = count_items(connection, period, Count(
        (bucket(connection, "t", unit), f"coalesce(section, '{EMPTY_SECTION}')", "agencies"),
        ("day", "section", "agencies"), f"FROM {ITEM_DAYS}", ("section", "agencies")))
    totals: Counter[str] = Counter()
    agency_counts: Counter[tuple[str, str]] = Counter()
    section_counts: Counter[tuple[str, str]] = Counter()
    names: dict[str, list[str]] = {}  # an agency list's names, read once
    for name_bucket, section, agencies, count in groups:
        totals[name_bucket] += count
        section_counts[name_bucket, section or NO_SECTION] += count  # '' in the key
        if agencies not in names:
            names[agencies] = json.loads(agencies) or [NO_AGENCY]
        for name in names[agencies]:
            agency_counts[name_bucket, name] += count
    by_agency = [(b, name, n) for (b, name), n in agency_counts.items()]
    by_section = [(b, name, n) for (b, name), n in section_counts.items()]
    sections = []
    for key, what, rows, note in (
        ("agency", "agency", by_agency,
         "An item with several agencies (ANP/RTR) counts once for each; regional copy without "
         f"agency as {NO_AGENCY}."),
        ("section", "section", by_section,
         "The section of the page the item was first stored from."),
    ):
        counts, shares = _stacked(period, axis, totals, rows)
        keys = counts.columns[2:]
        sections.append(Section(
            f"items_by_{key}", f"Items per {unit}, by {what}",
            f"Items of the period per {unit} (UTC) of publication (the start of the item's "
            f"window; first sight when the window is unknown). {note}",
            counts, "stacked", axis, keys))
        sections.append(Section(
            f"{key}_shares", f"Share of each {what}, per {unit}",
            f"The {what}'s items as a percentage of all items of that {unit} (count / total), "
            "so that a busy hour and a quiet one compare.",
            shares, "lines", axis, tuple(f"{name} %" for name in keys)))
    return sum(totals.values()), sections


def _stacked(period: Period, axis: str, totals: dict[str, int],
             rows: Iterable[tuple[Any, ...]]) -> tuple[Table, Table]:
    """Wide tables (one row per bucket) of counts and of percentages of the bucket's items:
    the STACKED_KEYS biggest names, the others summed as OTHER."""
    per_name: dict[str, int] = {}
    cells: dict[tuple[str, str], int] = {}
    for name_bucket, name, count in rows:
        per_name[name] = per_name.get(name, 0) + count
        cells[name_bucket, name] = count
    ranked = sorted(per_name, key=lambda name: (-per_name[name], name))
    keys = ranked[:STACKED_KEYS] + ([OTHER] if len(ranked) > STACKED_KEYS else [])
    for (name_bucket, name), count in list(cells.items()):
        if name not in keys:
            cells[name_bucket, OTHER] = cells.get((name_bucket, OTHER), 0) + count
    count_rows, share_rows = [], []
    for name_bucket in period.buckets():
        total = totals.get(name_bucket, 0)
        values = [cells.get((name_bucket, key), 0) for key in keys]
        label = bucket_label(name_bucket, period.unit)
        count_rows.append((label, total, *values))
        share_rows.append((label, total, *(percent(value, total) for value in values)))
    return (Table((axis, "items", *keys), tuple(count_rows)),
            Table((axis, "items", *(f"{key} %" for key in keys)), tuple(share_rows)))


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


# --- top datelines and places against the previous period ------------------------------------


def top_sections(connection: Connection, period: Period) -> list[Section]:
    datelines = Count(("dateline",), ("dateline",), f"FROM {DATELINE_DAYS}", ("dateline",),
                      "FROM period_items WHERE dateline IS NOT NULL")
    places = Count(("places.name",), ("places.name",),
                   f"FROM {PLACE_DAYS} JOIN places ON places.id = {PLACE_DAYS}.place_id", (),
                   "FROM period_items JOIN item_places ON item_places.item_id = period_items.id "
                   "JOIN places ON places.id = item_places.place_id")
    return [
        _compare("top_datelines", "Top datelines", "dateline", _top(connection, period, datelines),
                 "Items per dateline as printed (IZJOEM/LONDEN is one dateline)"),
        _compare("top_places", "Top places", "place", _top(connection, period, places),
                 "Items per place of the dateline (IZJOEM/LONDEN counts for both places)"),
    ]


def _top(connection: Connection, period: Period, count: Count) -> list[tuple[str, int, int]]:
    """The TOP_NAMES names with the most items in the period, with their items before it."""
    now = dict(count_items(connection, period, count))
    before = dict(count_items(connection, period.previous, count))
    top = sorted(now, key=lambda name: (-now[name], name))[:TOP_NAMES]
    return [(name, int(now[name]), int(before.get(name, 0))) for name in top]


def _compare(key: str, title: str, what: str, rows: Iterable[tuple[Any, ...]],
             note: str) -> Section:
    table = Table((what, "items", "previous period", "change", "change %"), tuple(
        (name, int(now), int(before), int(now) - int(before),
         round(100.0 * (int(now) - int(before)) / int(before), 1) if before else "new")
        for name, now, before in rows))
    return Section(key, f"{title} of the period", f"{note}, against the previous period of the "
                   "same length (`new`: none then).", table, "compare", what,
                   ("items", "previous period"))


# --- how exact our times are -----------------------------------------------------------------


def precision_sections(connection: Connection, period: Period) -> list[Section]:
    """Window widths per window source and lags to first sight, from one count."""
    width = seconds_between(connection, "published_earliest", "published_latest")
    lag = seconds_between(connection, "published_latest", "first_seen_at")
    groups = count_items(connection, period, Count(
        ("window_source", width_class("", width), lag_class("", lag)),
        ("window_source", "width_class", "lag_class"), f"FROM {ITEM_DAYS}",
        ("window_source", "published_earliest", "published_latest", "first_seen_at")))
    labels = [label for label, _ in WIDTH_CLASSES] + [UNKNOWN_WIDTH]
    widths: Counter[tuple[str, str]] = Counter()
    lags: Counter[str] = Counter()
    for source, width, lag, count in groups:
        widths[source, labels[width]] += count  # UNKNOWN_CLASS (-1): the last label
        if lag != UNKNOWN_CLASS:
            lags[LAG_CLASSES[lag][0]] += count
    width_table = Table(("window source", *labels), tuple(
        (source, *(widths[source, label] for label in labels))
        for source in sorted({source for source, _ in widths})))
    lag_table = Table(("lag", "items"), tuple((label, lags[label]) for label, _ in LAG_CLASSES))
    return [
        Section("window_widths", "Publication windows, by window source",
                "How wide each item's publication window is (latest minus earliest), per way "
                "it was derived: relative_age (`3 uur geleden`: an hour; `10 minuten geleden`: "
                "a minute), metadata (the page's own date), teaser (from its article), none.",
                width_table, "hstacked", "window source", tuple(labels)),
        Section("first_sight_lag", "Lag from publication to first sight",
                "First sight minus the end of the publication window: at least this long "
                "passed between publication and our first fetch of a page showing the item. "
                "Items with an unknown window are left out.",
                lag_table, "bars", "lag", ("items",)),
    ]


# --- stories reprinted by several outlets ------------------------------------------------------


def story_sections(connection: Connection, period: Period, items_in_period: int,
                   candidates_above: float = CANDIDATES_ABOVE) -> list[Section]:
    """The period's stories shown by the most sites (the hosts of the pages that showed any
    of their versions); none when the archive has no stories table."""
    if not has_table(connection, "stories"):
        return []
    whole = [(period.since, period.until)]
    if period.daily:  # the sites of each item, counted by triggers
        site, sites = f"{ITEM_SITES}.site", (
            f"JOIN {ITEM_SITES} ON {ITEM_SITES}.item_id = period_items.id")
        items = period_items(whole, "story_id", where="items.story_id IS NOT NULL")
        total = run(connection, "SELECT count(*) FROM items")[0][0]
        if items_in_period > candidates_above * total:
            # Only a story of several items, or with an item shown by several sites, can have
            # several sites: both found through an index (a pass over every item's story and
            # sites), then the period's items read for those stories only.
            items = (f"several AS (SELECT story_id FROM items WHERE story_id IS NOT NULL "
                     "GROUP BY story_id HAVING count(*) > 1 UNION SELECT items.story_id FROM "
                     f"(SELECT item_id FROM {ITEM_SITES} GROUP BY item_id HAVING count(*) > 1) "
                     "AS shown JOIN items ON items.id = shown.item_id), " + period_items(
                         whole, "story_id",
                         where="items.story_id IN (SELECT story_id FROM several)"))
    else:
        items = period_items(whole, "story_id", where="items.story_id IS NOT NULL")
        site, sites = host_of(connection, "pages.url"), (
            "JOIN sightings ON sightings.item_id = period_items.id "
            "JOIN pages ON pages.id = sightings.page_id WHERE pages.url IS NOT NULL")
    top = run(connection,
              f"WITH {items} SELECT period_items.story_id, count(DISTINCT {site}), "
              f"count(DISTINCT period_items.id) FROM period_items {sites} "
              f"GROUP BY period_items.story_id HAVING count(DISTINCT {site}) > 1 "
              f"ORDER BY 2 DESC, 1 LIMIT {TOP_NAMES}", ("since0", "until0"),
              **range_values(whole))
    first: dict[int, tuple[str, str]] = {}
    if top:
        ids = ", ".join(str(int(story_id)) for story_id, _, _ in top)
        for story_id, dateline, words in run(
                connection, "SELECT story_id, dateline, coalesce(title, body) FROM items "
                            f"WHERE story_id IN ({ids}) ORDER BY first_seen_at DESC, id DESC"):
            first[story_id] = (dateline or "-", _snippet(words))  # ends with the first seen
    table = Table(("story", "dateline", "text", "outlets", "versions"), tuple(
        (int(story_id), *first[story_id], int(outlets), int(versions))
        for story_id, outlets, versions in top))
    return [Section(
        "stories_reprinted", "Stories reprinted by several outlets",
        f"The {TOP_NAMES} stories of the period shown by the most sites (hosts of the pages "
        "that showed any version), with their first version's dateline and words.",
        table, "bars", "text", ("outlets",))]


def _snippet(words: str, length: int = 60) -> str:
    text = " ".join(words.split())
    return text if len(text) <= length else text[: length - 1] + "…"
