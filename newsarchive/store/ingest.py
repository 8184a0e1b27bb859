"""Storing parsed pages: one page observation, its items (once each) and their sightings.

The database decides identity: pages and items are inserted with ``ON CONFLICT DO NOTHING``
against their unique keys, never checked first in Python, so concurrent writers cannot double
anything. Rows that already existed are then read under a write lock (SQLite: the transaction
began IMMEDIATE; PostgreSQL: ``SELECT ... FOR UPDATE``) and updated from the new sightings.
Several pages are written per transaction; a transaction holds whole pages only.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select, update

from ..items import Headline, ParsedPage, PublicationWindow, canonical_agencies, page_date_window
from . import derive
from .db import among, insert_for, insert_ignoring, insert_many, insert_rows, update_many
from .evidence import floor_second, narrow_window, stored_window
from .keys import article_key, article_url, fold, normalize_text, teaser_key
from .models import AGENCIES, ITEM_AGENCIES, ITEM_PLACES, ITEMS, PAGES, PLACES, REVISIONS, SIGHTINGS
from .raw import PackedBody, keep_bodies
from .reparse_models import PageParse
from .stories import story_text

PAGE_PARSES: Table = PageParse.__table__  # type: ignore[assignment]
# What storing pages derives from their parses: reparse empties these and stores every page
# again in fetch order. A table that store_pages writes from a page's parse belongs here.
DERIVED_TABLES = (
    "items", "sightings", "item_agencies", "item_places", "item_revisions",
    "stories", "item_keys", "headlines",
)

# An item's ordered lists: (ItemState attribute, names table, link table, link's name column).
ORDERED_LISTS = (
    ("agencies", AGENCIES, ITEM_AGENCIES, "agency_id"),
    ("places", PLACES, ITEM_PLACES, "place_id"),
)
TRACKED_FIELDS = ("title", "dateline", "body", "agencies")  # changes recorded as revisions
SIGHTING_COLUMNS = ("item_id", "page_id", "position", "age_text", "window_earliest", "window_latest")
# The items columns a batch may change, in the order of `_item_values`.
ITEM_UPDATE_COLUMNS = (
    "title", "dateline", "dateline_folded", "body", "section", "url", "first_seen_at",
    "last_seen_at", "published_earliest", "published_latest", "window_source", "window_conflicts",
)
WINDOW_SOURCE = ITEM_UPDATE_COLUMNS.index("window_source")
INHERITED_WINDOW_COLUMNS = ("published_earliest", "published_latest", "window_source")
STORY_FIELDS = tuple(ITEM_UPDATE_COLUMNS.index(n) for n in ("dateline", "body", "first_seen_at"))


@dataclass(frozen=True)
class IngestResult:
    """What storing one page did. `stored` is False when the observation was archived already."""

    page_id: int
    stored: bool
    new_items: int
    sightings: int
    window_conflicts: int = 0  # sightings whose window did not meet their item's window


@dataclass(frozen=True)
class PageRecord:
    """A parsed page ready to store: the observation key is (content_hash, fetched_at).

    `body` is the page's raw bytes, packed (see raw.py), kept unless kept already;
    `content_type` the HTTP Content-Type it came with, to parse it again the same way; `parsed`
    the page as dumped for page_parses (see parses.py). A record with a `page_id` replays a
    page already stored (reparse): its row and raw bytes are not written again."""

    page: ParsedPage
    content_hash: str
    fetched_at: datetime
    parser_version: str
    body: PackedBody | None = None
    content_type: str | None = None
    source_path: str | None = None  # the file the page was read from (None: fetched)
    parsed: bytes | None = None
    page_id: int | None = None
    warc_record_id: str | None = None


@dataclass(slots=True)  # not frozen: built for every item on every page
class Observation:
    """One item as a page shows it."""

    position: int
    key: str
    kind: str
    title: str | None
    dateline: str | None
    places: tuple[str, ...]
    agencies: tuple[str, ...]
    body: str
    lead_key: str | None
    url: str | None
    age_text: str | None
    window: PublicationWindow | None


@dataclass(slots=True)
class ItemState:
    """An item's stored fields while a batch folds its sightings into them."""

    id: int
    kind: str
    title: str | None
    dateline: str | None
    body: str
    section: str | None
    url: str | None
    first_seen_at: datetime
    last_seen_at: datetime
    window: PublicationWindow | None
    window_source: str
    window_conflicts: int
    agencies: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    new: bool = False
    lists_dirty: bool = False
    recompute_window: bool = False
    stored: tuple[Any, ...] = ()  # the row's values as stored (`_item_values`), to update less


def observations(page: ParsedPage) -> list[Observation]:
    """The items of a page in page order: the lead article at position 0, teasers from 1."""
    found: list[Observation] = []
    lead = page.lead
    if lead is not None and lead.paragraphs:
        found.append(
            Observation(
                position=0,
                key=article_key(page.url, lead.dateline, lead.body),
                kind="article",
                title=lead.title,
                dateline=lead.dateline,
                places=lead.places,
                agencies=canonical_agencies(lead.agencies),
                body=lead.body,
                lead_key=teaser_key(lead.dateline, lead.paragraphs[0]),
                url=article_url(page.url) if page.url else None,
                age_text=None,
                window=stored_window(page_date_window(page.page_date)) if page.page_date else None,
            )
        )
    for position, item in enumerate(page.items, start=1):
        found.append(
            Observation(
                position=position,
                key=teaser_key(item.dateline, item.body),
                kind="teaser",
                title=item.title,
                dateline=item.dateline,
                places=item.places,
                agencies=canonical_agencies(item.agencies),
                body=item.body,
                lead_key=None,
                url=article_url(item.url) if item.url else None,
                age_text=item.age_text,
                window=stored_window(item.window),
            )
        )
    return found


def fold_window(
    current: PublicationWindow | None, conflicts: int, seen: PublicationWindow
) -> tuple[PublicationWindow, int]:
    """One more sighting (the newest so far): the rule of `evidence.narrow_window`, counting conflicts."""
    window, conflict = narrow_window(current, seen)
    return window, conflicts + conflict


def fold_windows(windows: Iterable[PublicationWindow]) -> tuple[PublicationWindow | None, int]:
    """The window of sightings taken in fetch order, and how many did not meet the others."""
    current: PublicationWindow | None = None
    conflicts = 0
    for seen in windows:
        current, conflicts = fold_window(current, conflicts, seen)
    return current, conflicts


def store_pages(
    connection: Connection,
    records: Sequence[PageRecord],
    item_id: Callable[[str], int] | None = None,
) -> list[IngestResult]:
    """Store the pages in the caller's (write) transaction; one result per record, in order.

    `item_id(content_key)`: the id to give an item when it is inserted (reparse keeps ids);
    by default the database numbers them."""
    with no_cyclic_gc():
        return _Batch(connection, item_id).store(records)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """For work that allocates many small objects that all die when it ends (a batch): the
    cyclic garbage collector would scan them again and again meanwhile (about a tenth of the
    time). Reference counting still frees them; the collector resumes afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass
class _Batch:
    connection: Connection
    item_id: Callable[[str], int] | None
    states: dict[str, ItemState] = field(default_factory=dict)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    sightings: list[tuple[Any, ...]] = field(default_factory=list)  # SIGHTING_COLUMNS
    conflicts: dict[tuple[str, datetime], int] = field(default_factory=dict)
    headline_pages: list[tuple[int, list[Headline]]] = field(default_factory=list)

    def store(self, records: Sequence[PageRecord]) -> list[IngestResult]:
        page_ids = self._insert_pages(records)
        fresh = sorted(
            (r for key, r in _first_of_each(records).items() if page_ids[key][1]),
            key=lambda r: r.fetched_at,
        )
        keep_bodies(self.connection, (r.body for r in fresh if r.body is not None))
        parses = [
            {"page_id": page_ids[_observation_key(r)][0], "data": r.parsed}
            for r in fresh
            if r.parsed is not None and r.page_id is None
        ]
        insert_many(self.connection, PAGE_PARSES, parses)
        seen = {_observation_key(r): observations(r.page) for r in fresh}
        new_items = self._load_items(fresh, seen)
        self._last_seen_in_full(fresh, seen)
        for record in fresh:
            page_id = page_ids[_observation_key(record)][0]
            if record.page.headlines:
                self.headline_pages.append((page_id, record.page.headlines))
            for obs in seen[_observation_key(record)]:
                self._fold(self.states[obs.key], obs, record, page_id)
        self._write()
        results = []
        for record in records:
            key = _observation_key(record)
            page_id, stored = page_ids[key]
            stored_obs = seen.get(key, []) if stored else []
            count = len({o.key for o in stored_obs if new_items.get(o.key) == key})
            conflicts = self.conflicts.get(key, 0) if stored else 0
            results.append(IngestResult(page_id, stored, count, len(stored_obs), conflicts))
            if stored:
                page_ids[key] = (page_id, False)  # a twin in the batch
        return results

    # pages ---------------------------------------------------------------------------------

    def _insert_pages(self, records: Sequence[PageRecord]) -> dict[tuple[str, datetime], tuple[int, bool]]:
        rows = _first_of_each(records)  # twins in one batch: the first one, ids in order
        replayed = {key: (r.page_id, True) for key, r in rows.items() if r.page_id is not None}
        if replayed:
            if len(replayed) != len(rows):
                raise ValueError("a batch replays stored pages or stores new ones, not both")
            return replayed
        ordered = [_page_row(record) for record in rows.values()]
        statement = (
            insert_for(self.connection, PAGES)
            .on_conflict_do_nothing(index_elements=["content_hash", "fetched_at"])
            .returning(PAGES.c.id, PAGES.c.content_hash, PAGES.c.fetched_at)
        )
        found = {
            (row.content_hash, row.fetched_at): (row.id, True)
            for row in self.connection.execute(statement, ordered)
        }
        for key in set(rows) - set(found):
            page_id = self.connection.execute(
                select(PAGES.c.id).where(
                    PAGES.c.content_hash == key[0], PAGES.c.fetched_at == key[1]
                )
            ).scalar_one()
            found[key] = (page_id, False)
        return found

    # items ---------------------------------------------------------------------------------

    def _load_items(
        self, records: list[PageRecord], seen: dict[tuple[str, datetime], list[Observation]]
    ) -> dict[str, tuple[str, datetime]]:
        """Insert the items not archived yet, read the others under lock; {new key: page}."""
        first: dict[str, tuple[Observation, PageRecord]] = {}
        for record in records:
            for obs in seen[_observation_key(record)]:
                first.setdefault(obs.key, (obs, record))
        if not first:
            return {}
        keys = list(first)  # ids in the order items were first seen
        statement = (
            insert_for(self.connection, ITEMS)
            .on_conflict_do_nothing(index_elements=["content_key"])
            .returning(ITEMS.c.id, ITEMS.c.content_key)
        )
        guesses = self._teaser_windows(
            [obs.lead_key for obs, _ in first.values() if obs.lead_key and obs.window is None])
        rows = [_new_item_row(*first[key], guesses.get(first[key][0].lead_key or "")) for key in keys]
        if self.item_id is not None:
            rows = [{"id": self.item_id(row["content_key"]), **row} for row in rows]
        new_ids = {row.content_key: row.id for row in self.connection.execute(statement, rows)}
        for key, item_id in new_ids.items():
            obs, record = first[key]
            self.states[key] = _initial_state(item_id, obs, record, guesses.get(obs.lead_key or ""))
        self._read_existing([key for key in keys if key not in new_ids])
        return {key: _observation_key(first[key][1]) for key in new_ids}

    def _teaser_windows(self, lead_keys: list[str]) -> dict[str, PublicationWindow]:
        """The stored windows of the teasers of these lead keys: what an undated new article
        inherits unless the batch changes its teaser's window (`_inherit_teaser_windows` has
        the last word). Written with the article's row, so that row is not updated again at
        once (the report's triggers on items would run for both)."""
        found: dict[str, PublicationWindow] = {}
        for condition in among(self.connection, ITEMS.c.content_key, sorted(set(lead_keys))):
            # kind and window tested here, not in SQL: given `kind = ?` or `published_earliest
            # IS NOT NULL`, SQLite may search that index (every teaser of the archive)
            query = select(ITEMS.c.content_key, ITEMS.c.kind, ITEMS.c.published_earliest,
                           ITEMS.c.published_latest).where(condition)
            for key, kind, earliest, latest in self.connection.execute(query):
                if kind == "teaser" and earliest is not None:
                    found[key] = PublicationWindow(earliest, latest)
        return found

    def _last_seen_in_full(
        self, records: list[PageRecord], seen: dict[tuple[str, datetime], list[Observation]]
    ) -> None:
        """An item keeps its last sighting to the second, a page its fetch to the microsecond:
        where a page of the batch was fetched in an archived item's last second, which content
        is newer needs the item's newest page in full."""
        tied: dict[int, ItemState] = {}
        for record in records:
            second = floor_second(record.fetched_at)
            for obs in seen[_observation_key(record)]:
                state = self.states[obs.key]
                if not state.new and state.last_seen_at == second:
                    tied[state.id] = state
        for condition in among(self.connection, SIGHTINGS.c.item_id, sorted(tied)):
            query = (
                select(SIGHTINGS.c.item_id, func.max(PAGES.c.fetched_at))
                .join(PAGES, PAGES.c.id == SIGHTINGS.c.page_id)
                .where(condition)
                .group_by(SIGHTINGS.c.item_id)
            )
            for item_id, newest in self.connection.execute(query):
                state = tied[item_id]
                state.last_seen_at = newest
                state.stored = _item_values(state)

    def _read_existing(self, keys: list[str]) -> None:
        for condition in among(self.connection, ITEMS.c.content_key, keys):
            query = select(ITEMS).where(condition).order_by(ITEMS.c.content_key)
            if self.connection.dialect.name == "postgresql":
                query = query.with_for_update()
            for row in self.connection.execute(query):
                self.states[row.content_key] = _state_from_row(row)
        by_id = {state.id: state for state in self.states.values() if not state.new}
        for attribute, names, link, name_id in ORDERED_LISTS:
            for item_id, values in self._lists(link, link.c[name_id], names, list(by_id)).items():
                setattr(by_id[item_id], attribute, values)

    def _lists(
        self, link: Table, name_id: Any, names: Table, item_ids: list[int]
    ) -> dict[int, tuple[str, ...]]:
        found: dict[int, list[str]] = {}
        for condition in among(self.connection, link.c.item_id, item_ids):
            query = (
                select(link.c.item_id, names.c.name)
                .join(names, names.c.id == name_id)
                .where(condition)
                .order_by(link.c.item_id, link.c.position)
            )
            for item_id, name in self.connection.execute(query):
                found.setdefault(item_id, []).append(name)
        return {item_id: tuple(values) for item_id, values in found.items()}

    # folding one sighting into an item ------------------------------------------------------

    def _fold(self, state: ItemState, obs: Observation, record: PageRecord, page_id: int) -> None:
        moment = record.fetched_at
        newer = moment >= state.last_seen_at
        for name in TRACKED_FIELDS:
            value = getattr(obs, name)
            if value is not None and value != getattr(state, name):  # the common case: same
                self._track(state, name, value, newer, page_id, moment)
        if newer and obs.dateline is not None and obs.places != state.places:
            state.places, state.lists_dirty = obs.places, True
        if state.section is None and record.page.section:
            state.section = record.page.section
        if state.url is None and obs.url:
            state.url = obs.url
        state.first_seen_at = min(state.first_seen_at, moment)
        state.last_seen_at = max(state.last_seen_at, moment)
        if obs.window is not None:
            if not self._fold_window(state, obs, newer):
                key = _observation_key(record)
                self.conflicts[key] = self.conflicts.get(key, 0) + 1
        window = obs.window
        self.sightings.append(
            (
                state.id,
                page_id,
                obs.position,
                obs.age_text,
                window.earliest if window else None,
                window.latest if window else None,
            )
        )

    def _track(
        self, state: ItemState, name: str, value: Any, newer: bool, page_id: int, moment: datetime
    ) -> None:
        """A changed title, dateline, text or agency list: keep the newer, record the other."""
        current = getattr(state, name)
        if _comparable(value) == _comparable(current):
            return
        old, new = (current, value) if newer else (value, current)
        self.revisions.append(
            {
                "item_id": state.id,
                "field": name,
                "old_value": _as_text(old),
                "new_value": _as_text(new),
                "page_id": page_id,
                "recorded_at": moment,
            }
        )
        if newer:
            setattr(state, name, value)
            state.lists_dirty = state.lists_dirty or name == "agencies"

    def _fold_window(self, state: ItemState, obs: Observation, newer: bool) -> bool:
        """Narrow the item's window by one sighting; False when the two did not meet."""
        assert obs.window is not None
        current = None if state.window_source == "teaser" else state.window
        overlap = current.intersect(obs.window) if current else obs.window
        if newer:  # as fold_window, without intersecting again
            state.window = overlap or obs.window
            state.window_conflicts += overlap is None
        else:  # an older page arriving late: only a plain intersection is order-free
            state.window = overlap or current
            state.recompute_window = overlap is None or state.window_conflicts > 0
        state.window_source = _sighting_window_source(state.kind)
        return overlap is not None

    # writing -------------------------------------------------------------------------------

    def _write(self) -> None:
        self._update_items()
        insert_rows(self.connection, SIGHTINGS, SIGHTING_COLUMNS, self.sightings)
        self._write_lists([s for s in self.states.values() if s.lists_dirty or s.new])
        insert_many(self.connection, REVISIONS, self.revisions)
        self._recompute_windows([s for s in self.states.values() if s.recompute_window])
        self._derive_headline_windows()
        self._inherit_teaser_windows()
        self._group_stories()

    def _derive_headline_windows(self) -> None:
        """Headlines and their minutes (store/derive.py); after the sightings' windows."""
        derive.store_headlines(self.connection, self.headline_pages)
        states = list(self.states.values())
        new = {s.id: s.title for s in states if s.new}
        retitled = {s.id: s.title for s in states if not s.new and s.title != s.stored[0]}
        derive.write_title_keys(self.connection, new, replace=False)
        derive.write_title_keys(self.connection, retitled, replace=True)
        from_headline = [s.id for s in states if s.stored[WINDOW_SOURCE] == "headline"]
        derive.rederive_headline_windows(
            self.connection, [page_id for page_id, _ in self.headline_pages],
            [*new, *retitled, *from_headline],
        )

    def _group_stories(self) -> None:
        states = list(self.states.values())
        changed = [s.id for s in states if not s.new and _story_text_changed(s)]
        new = [story_text(s.id, s.places, s.body, s.first_seen_at) for s in states if s.new]
        derive.group_stories(self.connection, new, changed)

    def _update_items(self) -> None:
        """Only the columns that changed (a new sighting mostly moves last_seen_at and the
        window), grouped by which changed: no rewriting of unchanged text and its indexes."""
        groups: dict[tuple[int, ...], list[tuple[Any, ...]]] = {}
        for state in self.states.values():
            values = _item_values(state)
            changed = tuple(i for i, old in enumerate(state.stored) if values[i] != old)
            if changed:
                groups.setdefault(changed, []).append((*[values[i] for i in changed], state.id))
        for changed, rows in groups.items():
            update_many(self.connection, ITEMS, [ITEM_UPDATE_COLUMNS[i] for i in changed], rows)

    def _write_lists(self, states: list[ItemState]) -> None:
        """The agency and place lists of new items and of items whose lists changed."""
        old = [s.id for s in states if not s.new]
        for attribute, names, link, name_id in ORDERED_LISTS:
            ids = self._name_ids(names, {n for s in states for n in getattr(s, attribute)})
            for condition in among(self.connection, link.c.item_id, old):
                self.connection.execute(link.delete().where(condition))
            rows = [
                {"item_id": s.id, "position": position, name_id: ids[name]}
                for s in states
                for position, name in enumerate(getattr(s, attribute))
            ]
            insert_many(self.connection, link, rows)

    def _name_ids(self, table: Table, names: set[str]) -> dict[str, int]:
        if not names:
            return {}
        ordered = sorted(names)
        rows = [
            {"name": n, "name_folded": fold(n)} if table is PLACES else {"name": n} for n in ordered
        ]
        self.connection.execute(insert_ignoring(self.connection.dialect.name, table, ("name",)), rows)
        found: dict[str, int] = {}
        for condition in among(self.connection, table.c.name, ordered):
            query = select(table.c.name, table.c.id).where(condition)
            found.update({name: row_id for name, row_id in self.connection.execute(query)})
        return found

    def _recompute_windows(self, states: list[ItemState]) -> None:
        """Pages that arrived out of order around a conflict: fold all sightings in fetch order."""
        for state in states:
            query = (
                select(SIGHTINGS.c.window_earliest, SIGHTINGS.c.window_latest)
                .join(PAGES, PAGES.c.id == SIGHTINGS.c.page_id)
                .where(SIGHTINGS.c.item_id == state.id, SIGHTINGS.c.window_earliest.is_not(None))
                # at one fetch time by the window itself, not by page id: the same in any order
                .order_by(PAGES.c.fetched_at, SIGHTINGS.c.window_earliest, SIGHTINGS.c.window_latest)
            )
            windows = [PublicationWindow(early, late) for early, late in self.connection.execute(query)]
            window, conflicts = fold_windows(windows)
            self.connection.execute(
                update(ITEMS)
                .where(ITEMS.c.id == state.id)
                .values(
                    published_earliest=window.earliest if window else None,
                    published_latest=window.latest if window else None,
                    window_conflicts=conflicts,
                )
            )

    def _inherit_teaser_windows(self) -> None:
        """An article without a date of its own takes the window of its linked teasers."""
        article, teaser = ITEMS.alias("article"), ITEMS.alias("teaser")
        orphans = article.c.window_source.in_(("none", "teaser"))
        articles = {s.id for s in self.states.values() if s.kind == "article"}
        # the articles of the teasers whose window changed; their kind tested here, not in SQL:
        # given `kind = ?`, SQLite searches the kind index (every article of the archive)
        teasers = [key for key, s in self.states.items() if s.kind == "teaser" and s.window]
        for condition in among(self.connection, article.c.lead_key, teasers):
            linked = select(article.c.id, article.c.kind).where(condition, orphans)
            articles.update(i for i, kind in self.connection.execute(linked) if kind == "article")
        inherited: dict[int, PublicationWindow] = {}
        stored: dict[int, tuple[Any, ...]] = {}  # the articles' window columns as they are
        for condition in among(self.connection, article.c.id, sorted(articles)):
            query = (
                select(article.c.id, teaser.c.published_earliest, teaser.c.published_latest,
                       article.c.published_earliest, article.c.published_latest,
                       article.c.window_source)
                .join(teaser, teaser.c.content_key == article.c.lead_key)
                .where(
                    condition,
                    orphans,
                    teaser.c.kind == "teaser",
                    teaser.c.published_earliest.is_not(None),
                )
                .order_by(article.c.id, teaser.c.id)
            )
            for article_id, earliest, latest, *current in self.connection.execute(query):
                window = PublicationWindow(earliest, latest)
                known = inherited.get(article_id)
                inherited[article_id] = (known.intersect(window) or known) if known else window
                stored[article_id] = tuple(current)
        # an article's teasers seen again mostly leave its window as it was: not written again
        changed = [
            (w.earliest, w.latest, "teaser", article_id)
            for article_id, w in inherited.items()
            if stored[article_id] != (w.earliest, w.latest, "teaser")
        ]
        if changed:
            update_many(self.connection, ITEMS, INHERITED_WINDOW_COLUMNS, changed)


def _observation_key(record: PageRecord) -> tuple[str, datetime]:
    return (record.content_hash, record.fetched_at)


def _first_of_each(records: Sequence[PageRecord]) -> dict[tuple[str, datetime], PageRecord]:
    first: dict[tuple[str, datetime], PageRecord] = {}
    for record in records:
        first.setdefault(_observation_key(record), record)
    return first


def _page_row(record: PageRecord) -> dict[str, Any]:
    page = record.page
    return {
        "url": page.url,
        "fetched_at": record.fetched_at,
        "kind": page.kind,
        "title": page.title,
        "section": page.section,
        "content_hash": record.content_hash,
        "parser_version": record.parser_version,
        "warnings": json.dumps(page.warnings, ensure_ascii=False),
        "page_published": page.page_date.published if page.page_date else None,
        "page_published_source": page.page_date.source if page.page_date else None,
        "content_type": record.content_type,
        "source_path": record.source_path,
        "warc_record_id": record.warc_record_id,
    }


def _new_item_row(
    obs: Observation, record: PageRecord, inherited: PublicationWindow | None = None
) -> dict[str, Any]:
    window = _first_window(obs, inherited)
    return {
        "content_key": obs.key,
        "kind": obs.kind,
        "title": obs.title,
        "dateline": obs.dateline,
        "dateline_folded": fold(obs.dateline) if obs.dateline else None,
        "body": obs.body,
        "lead_key": obs.lead_key,
        "section": record.page.section,
        "url": obs.url,
        "first_seen_at": record.fetched_at,
        "last_seen_at": record.fetched_at,
        # The first sighting's window already: its fold changes nothing, and the row is
        # written at its full width (updated in place later, not moved).
        "published_earliest": window.earliest if window else None,
        "published_latest": window.latest if window else None,
        "window_source": _first_window_source(obs, inherited),
        "window_conflicts": 0,
    }


def _first_window(obs: Observation, inherited: PublicationWindow | None) -> PublicationWindow | None:
    """An item's window as inserted: its first sighting's, else (an undated article) the one
    it inherits from its teaser."""
    if obs.window is not None or obs.kind != "article":
        return obs.window
    return inherited


def _first_window_source(obs: Observation, inherited: PublicationWindow | None = None) -> str:
    if obs.window is None:
        return "teaser" if obs.kind == "article" and inherited is not None else "none"
    return _sighting_window_source(obs.kind)


def _sighting_window_source(kind: str) -> str:
    return "metadata" if kind == "article" else "relative_age"


def _initial_state(
    item_id: int, obs: Observation, record: PageRecord, inherited: PublicationWindow | None = None
) -> ItemState:
    state = ItemState(
        id=item_id,
        kind=obs.kind,
        title=obs.title,
        dateline=obs.dateline,
        body=obs.body,
        section=record.page.section,
        url=obs.url,
        first_seen_at=record.fetched_at,
        last_seen_at=record.fetched_at,
        window=_first_window(obs, inherited),
        window_source=_first_window_source(obs, inherited),
        window_conflicts=0,
        agencies=obs.agencies,
        places=obs.places,
        new=True,
    )
    state.stored = _item_values(state)
    return state


def _state_from_row(row: Any) -> ItemState:
    window = (
        PublicationWindow(row.published_earliest, row.published_latest)
        if row.published_earliest is not None
        else None
    )
    state = ItemState(
        id=row.id,
        kind=row.kind,
        title=row.title,
        dateline=row.dateline,
        body=row.body,
        section=row.section,
        url=row.url,
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at,
        window=window,
        window_source=row.window_source,
        window_conflicts=row.window_conflicts,
    )
    state.stored = _item_values(state)
    return state


def _item_values(state: ItemState) -> tuple[Any, ...]:
    """The state's values of ITEM_UPDATE_COLUMNS."""
    window = state.window
    return (
        state.title,
        state.dateline,
        fold(state.dateline) if state.dateline else None,
        state.body,
        state.section,
        state.url,
        state.first_seen_at,
        state.last_seen_at,
        window.earliest if window else None,
        window.latest if window else None,
        state.window_source,
        state.window_conflicts,
    )


def _story_text_changed(state: ItemState) -> bool:
    """Whether what the story rule reads changed: text, dateline, places or first sight."""
    values = _item_values(state)
    return state.lists_dirty or any(values[i] != state.stored[i] for i in STORY_FIELDS)


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return normalize_text(value)
    return tuple(value) if value is not None else None


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return "/".join(value)
