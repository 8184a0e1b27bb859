"""The report's item series, each aggregated in SQL over the items of one period.

An item belongs to the period by its time: the start of its publication window, or the
moment it was first seen when its window is unknown (a lead article without a date). Both
halves of that rule are index range scans (see `PERIOD_ITEMS`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from .model import Period, Section, Table
from .sql import Unit, bucket, has_table, host_of, is_sqlite, run, seconds_between

STACKED_KEYS = 8  # agencies or sections drawn one by one; the rest is summed as OTHER
TOP_NAMES = 15  # datelines and places listed
NO_AGENCY = "(none)"
NO_SECTION = "(none)"
OTHER = "(other)"
TIMES = ("since", "until")

# The items of [:since, :until) with their time `t` and the columns a query asks for. {items}
# is `items`, or on SQLite `items NOT INDEXED` for a period holding most of the archive: one
# pass over the table beats a million row lookups in time-index order.
PERIOD_ITEMS = (
    "period_items AS ("
    "SELECT items.id, items.published_earliest AS t{columns} FROM {items} "
    "WHERE items.published_earliest >= :since AND items.published_earliest < :until "
    "UNION ALL "
    "SELECT items.id, items.first_seen_at AS t{columns} FROM {items} "
    "WHERE items.published_earliest IS NULL "
    "AND items.first_seen_at >= :since AND items.first_seen_at < :until)"
)
SCAN_ABOVE = 0.15  # the share of all items above which a period is read by a table scan

# (label, upper bound in seconds): a window or a lag falls in the first class it fits.
WIDTH_CLASSES = (("≤ 1 min", 60), ("≤ 1 h", 3600), ("≤ 1 day", 86400), ("≤ 1 week", 604800),
                 ("longer", None))
UNKNOWN_WIDTH = "unknown"
LAG_CLASSES = (("≤ 15 min", 900), ("≤ 1 h", 3600), ("≤ 3 h", 10800), ("≤ 12 h", 43200),
               ("≤ 1 day", 86400), ("≤ 3 days", 259200), ("longer", None))


def period_items(period: Period, *columns: str) -> str:
    return PERIOD_ITEMS.format(columns="".join(f", items.{name}" for name in columns),
                               items="items NOT INDEXED" if period.dense else "items")


def is_dense(connection: Connection, period: Period) -> bool:
    """Whether the period holds more than SCAN_ABOVE of the items (SQLite; PostgreSQL's
    planner decides this itself). Both counts read indexes only."""
    if not is_sqlite(connection):
        return False
    total = run(connection, "SELECT count(*) FROM items")[0][0]
    inside = run(connection, f"WITH {period_items(period)} SELECT count(*) FROM period_items",
                 TIMES, **bounds(period))[0][0]
    return inside > SCAN_ABOVE * total


def bounds(period: Period) -> dict[str, datetime]:
    return {"since": period.since, "until": period.until}


def bucket_label(name: str, unit: Unit) -> str:
    """'2026-03-17T09' -> '2026-03-17 09:00'; a day stays '2026-03-17'."""
    return name.replace("T", " ") + ":00" if unit == "hour" else name


def _classify(seconds: str, classes: Sequence[tuple[str, int | None]]) -> str:
    """A SQL CASE putting a number of seconds into its class label."""
    whens = " ".join(f"WHEN {seconds} <= {limit} THEN '{label}'"
                     for label, limit in classes if limit is not None)
    return f"CASE {whens} ELSE '{classes[-1][0]}' END"


# --- volume over time, stacked by agency or section ------------------------------------------


def volume_sections(connection: Connection, period: Period) -> tuple[int, list[Section]]:
    """The period's number of items, and its volume charts, from one scan: items counted per
    bucket, section and agency list (`items.agencies`, kept by triggers), then summed."""
    unit, axis = period.unit, f"{period.unit} (UTC)"
    groups = run(connection,
                 f"WITH {period_items(period, 'section', 'agencies')} SELECT "
                 f"{bucket(connection, 't', unit)}, section, agencies, count(*) "
                 "FROM period_items GROUP BY 1, 2, 3", TIMES, **bounds(period))
    totals: Counter[str] = Counter()
    agency_counts: Counter[tuple[str, str]] = Counter()
    section_counts: Counter[tuple[str, str]] = Counter()
    for name_bucket, section, agencies, count in groups:
        totals[name_bucket] += count
        section_counts[name_bucket, section or NO_SECTION] += count
        for name in json.loads(agencies) or [NO_AGENCY]:
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
    both = Period(period.previous.since, period.until, period.dense)
    counts = ("sum(CASE WHEN t >= :current THEN 1 ELSE 0 END), "
              "sum(CASE WHEN t < :current THEN 1 ELSE 0 END)")
    having = f"HAVING sum(CASE WHEN t >= :current THEN 1 ELSE 0 END) > 0 ORDER BY 2 DESC, 1 " \
             f"LIMIT {TOP_NAMES}"
    values = {**bounds(both), "current": period.since}
    datelines = run(connection,
                    f"WITH {period_items(period, 'dateline')} SELECT dateline, {counts} FROM period_items "
                    f"WHERE dateline IS NOT NULL GROUP BY dateline {having}",
                    (*TIMES, "current"), **values)
    places = run(connection,
                 f"WITH {period_items(period)} SELECT places.name, {counts} FROM period_items "
                 "JOIN item_places ON item_places.item_id = period_items.id "
                 f"JOIN places ON places.id = item_places.place_id GROUP BY places.name {having}",
                 (*TIMES, "current"), **values)
    return [
        _compare("top_datelines", "Top datelines", "dateline", datelines,
                 "Items per dateline as printed (IZJOEM/LONDEN is one dateline)"),
        _compare("top_places", "Top places", "place", places,
                 "Items per place of the dateline (IZJOEM/LONDEN counts for both places)"),
    ]


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
    """Window widths per window source and lags to first sight, from one scan."""
    width = seconds_between(connection, "published_earliest", "published_latest")
    lag = seconds_between(connection, "published_latest", "first_seen_at")
    items = period_items(period, "window_source", "published_earliest", "published_latest",
                         "first_seen_at")
    groups = run(connection,
                 f"WITH {items} SELECT window_source, CASE WHEN published_earliest IS NULL THEN "
                 f"'{UNKNOWN_WIDTH}' ELSE {_classify(width, WIDTH_CLASSES)} END, "
                 f"CASE WHEN published_latest IS NULL THEN NULL "
                 f"ELSE {_classify(lag, LAG_CLASSES)} END, count(*) FROM period_items "
                 "GROUP BY 1, 2, 3", TIMES, **bounds(period))
    labels = [label for label, _ in WIDTH_CLASSES] + [UNKNOWN_WIDTH]
    widths: Counter[tuple[str, str]] = Counter()
    lags: Counter[str] = Counter()
    for source, width_label, lag_label, count in groups:
        widths[source, width_label] += count
        if lag_label is not None:
            lags[lag_label] += count
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


def story_sections(connection: Connection, period: Period) -> list[Section]:
    """The period's stories shown by the most sites (the hosts of the pages that showed any
    of their versions); none when the archive has no stories table."""
    if not has_table(connection, "stories"):
        return []
    site = host_of(connection, "pages.url")
    top = run(connection,
              f"WITH {period_items(period, 'story_id')} SELECT period_items.story_id, "
              f"count(DISTINCT {site}), count(DISTINCT period_items.id) FROM period_items "
              "JOIN sightings ON sightings.item_id = period_items.id "
              "JOIN pages ON pages.id = sightings.page_id "
              "WHERE period_items.story_id IS NOT NULL AND pages.url IS NOT NULL "
              f"GROUP BY period_items.story_id HAVING count(DISTINCT {site}) > 1 "
              f"ORDER BY 2 DESC, 1 LIMIT {TOP_NAMES}", TIMES, **bounds(period))
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
