"""`search_items`: the items an `ItemFilter` selects, one page of plain rows at a time.

Ordering: on the time axis of the filter (`by`). On the publication window, `newest` sorts on
`published_earliest` descending and `oldest` on `published_latest` ascending (see
`sort_column`); with overlap bounds both stay index range scans. An item whose window is
unknown sorts as older than every dated item. Ties break on id, in the same direction.

How SQLite stays fast on millions of items: filters on item columns (dateline, section, time)
have composite indexes ending in the sort column, so the first page is an index range scan.
Filters through another table (agency, place, full-text search) are sets of item ids. A large
set is tested while the time index is walked newest first (a few rows suffice): an agency or
place row by row, a search a chunk of rows at a time; a small set is collected and sorted. A
bounded count decides which. PostgreSQL plans all this itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from ..store.db import is_transient
from ..store.keys import fold
from ..store.reader import ArchiveReader
from ..store.types import UTCDateTime
from ..values import canonical_agency, iso
from .filters import ItemFilter, QueryError, search_words
from .tables import AGENCIES, ITEM_AGENCIES, ITEM_PLACES, ITEMS, PLACES

# The FTS5 table of migration 0003_query (SQLite only); its rowid is items.id.
ITEMS_FTS = table("items_fts", column("rowid"))
FTS_MATCH = literal_column("items_fts").op("MATCH")

# Below these many members a set is collected and sorted; at or above, walked by time.
LINK_SET_CUTOFF = 1_000
SEARCH_SET_CUTOFF = 1_500
# A walk with a large search set checks this many ids at first, twice as many each time after.
WALK_CHUNK, MAX_WALK_CHUNK = 200, 20_000
# Relevance ranks at most this many matches: the most recently archived ones.
RELEVANCE_CANDIDATES = 50_000
LOAD_BATCH = 500
SQLITE_MMAP_BYTES = 1 << 30
TIME_FIELDS = ("published_earliest", "published_latest", "first_seen_at", "last_seen_at")

# The view of migration 0003_query: an item with its places and agencies (JSON arrays) and its
# number of sightings. Described here only (not in the models' metadata: views are not tables).
ITEMS_VIEW = Table(
    "items_view",
    MetaData(),
    *(Column(name, Text) for name in ("kind", "title", "dateline", "body", "section", "url",
                                      "window_source")),
    Column("id", Integer),
    Column("places", JSON),
    Column("agencies", JSON),
    *(Column(name, UTCDateTime) for name in TIME_FIELDS),
    Column("sightings", Integer),
    Column("story_id", Integer),
)
LOAD_ROWS = select(ITEMS_VIEW).where(ITEMS_VIEW.c.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class ItemRow:
    """One item as `newsarchive query` prints it (the parse JSON's names, plus archive fields)."""

    id: int
    kind: str
    title: str | None
    dateline: str | None
    places: tuple[str, ...]
    agencies: tuple[str, ...]
    body: str
    section: str | None
    url: str | None
    published_earliest: datetime | None
    published_latest: datetime | None
    window_source: str
    first_seen_at: datetime
    last_seen_at: datetime
    sightings: int
    story_id: int | None  # the story this item is a version of (`query --stories`)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["places"], data["agencies"] = list(self.places), list(self.agencies)
        for name in TIME_FIELDS:
            data[name] = iso(data[name])
        return data


@dataclass(frozen=True)
class IdSet:
    """A filter through another table: the item ids it allows, in two usable shapes."""

    members: Select[Any]  # one column of item ids
    probe: ColumnElement[bool] | None  # true for the current items row when it is a member
    cutoff: int
    search: str | None = None  # the full-text search this set is (walked in chunks, no probe)

    def contains_item(self) -> ColumnElement[bool]:
        return ITEMS.c.id.in_(self.members)

    def condition(self, sqlite: bool) -> ColumnElement[bool]:
        """The probe where there is one (SQLite plans it better), else the `IN`."""
        return self.probe if sqlite and self.probe is not None else self.contains_item()


def search_items(archive: ArchiveReader, query: ItemFilter) -> list[ItemRow]:
    """The page of items `query` selects, in its order."""
    return list(iter_items(archive, query))


def iter_items(archive: ArchiveReader, query: ItemFilter) -> Iterator[ItemRow]:
    """Like `search_items`, loading rows in batches (for very large `limit`s)."""
    with archive.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Reading rows at random (a rare agency's items, sorted) through memory-mapped
            # pages instead of a read() per page: several times faster on a large archive.
            connection.exec_driver_sql(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        ids = matching_ids(connection, query)
        for start in range(0, len(ids), LOAD_BATCH):
            yield from load_rows(connection, ids[start : start + LOAD_BATCH])


def matching_ids(connection: Connection, query: ItemFilter) -> list[int]:
    try:
        plan = _plan(connection, query)
        if plan is None:
            return []
        statement, walked_search = plan
        if walked_search is None:
            return list(connection.execute(statement).scalars())
        return _walk_search(connection, statement, walked_search, query)
    except DBAPIError as exc:
        raise _search_error(exc, query) from None


def _plan(connection: Connection, query: ItemFilter) -> tuple[Select[Any], str | None] | None:
    """The statement of the page's ids, and the search to apply while walking its rows (then
    the statement is not paged); None when some filter matches nothing."""
    sqlite = connection.dialect.name == "sqlite"
    conditions = _column_conditions(query)
    sets = _id_sets(connection, query, sqlite)
    if sets is None:
        return None
    if not sqlite and query.search:
        conditions.append(_pg_search_condition(query))
    if query.order == "relevance":
        return _by_relevance(query, conditions, sets, sqlite), None
    walk_time_index = True
    if sqlite and sets:
        sizes = [_bounded_count(connection, id_set) for id_set in sets]
        if 0 in sizes:
            return None
        smallest = min(range(len(sets)), key=sizes.__getitem__)
        if sizes[smallest] < sets[smallest].cutoff:
            conditions.append(sets.pop(smallest).contains_item())
            walk_time_index = False
    walked_search = sets.pop().search if sets and sets[-1].search else None
    conditions += [id_set.condition(sqlite) for id_set in sets]
    statement = _ordered(select(ITEMS.c.id).where(*conditions), query, walk_time_index)
    if walked_search is None:
        statement = statement.limit(query.limit).offset(query.offset)
    return statement, walked_search


def _walk_search(
    connection: Connection, statement: Select[Any], search: str, query: ItemFilter
) -> list[int]:
    """The rows of `statement` in order that match `search`, up to the page's end: each chunk
    of walked ids is checked with one FTS5 query over their rowid range (cheap when ids grow
    with time, as they do when a crawler archives items as they appear; correct always)."""
    wanted = query.offset + query.limit
    found: list[int] = []
    walked = connection.execute(statement).scalars()
    size = WALK_CHUNK
    while len(found) < wanted and (chunk := walked.fetchmany(size)):
        hits = set(connection.execute(
            select(ITEMS_FTS.c.rowid).where(
                FTS_MATCH(search), ITEMS_FTS.c.rowid.between(min(chunk), max(chunk))
            )
        ).scalars())
        found += [item_id for item_id in chunk if item_id in hits]
        size = min(size * 2, MAX_WALK_CHUNK)
    walked.close()
    return found[query.offset : wanted]


def _column_conditions(query: ItemFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.dateline is not None:
        conditions.append(ITEMS.c.dateline_folded == fold(query.dateline))
    if query.section is not None:
        conditions.append(func.lower(ITEMS.c.section) == func.lower(query.section))
    if query.kind is not None:
        conditions.append(ITEMS.c.kind == query.kind)
    if query.by == "seen":
        earliest = latest = ITEMS.c.first_seen_at
    else:  # overlap of the publication window with [since, until]
        earliest, latest = ITEMS.c.published_earliest, ITEMS.c.published_latest
    if query.since is not None:
        conditions.append(latest >= query.since)
    if query.until is not None:
        conditions.append(earliest <= query.until)
    return conditions


def _id_sets(connection: Connection, query: ItemFilter, sqlite: bool) -> list[IdSet] | None:
    """The sets for agencies, places and (on SQLite) the search; None when one is empty."""
    sets: list[IdSet] = []
    for link, key, ids in [
        *((ITEM_AGENCIES, ITEM_AGENCIES.c.agency_id, _agency_ids(connection, a))
          for a in query.agencies),
        *((ITEM_PLACES, ITEM_PLACES.c.place_id, _place_ids(connection, p))
          for p in query.places),
    ]:
        if not ids:
            return None
        sets.append(
            IdSet(
                members=select(link.c.item_id).where(key.in_(ids)),
                probe=exists().where(link.c.item_id == ITEMS.c.id, key.in_(ids)),
                cutoff=LINK_SET_CUTOFF,
            )
        )
    if sqlite and query.search:
        sets.append(
            IdSet(
                members=select(ITEMS_FTS.c.rowid).where(FTS_MATCH(query.fts5_query)),
                probe=None,
                cutoff=SEARCH_SET_CUTOFF,
                search=query.fts5_query,
            )
        )
    return sets


def _agency_ids(connection: Connection, name: str) -> list[int]:
    statement = select(AGENCIES.c.id).where(AGENCIES.c.name == canonical_agency(name))
    return list(connection.execute(statement).scalars())


def _place_ids(connection: Connection, name: str) -> list[int]:
    statement = select(PLACES.c.id).where(PLACES.c.name_folded == fold(name))
    return list(connection.execute(statement).scalars())


def _bounded_count(connection: Connection, id_set: IdSet) -> int:
    limited = id_set.members.limit(id_set.cutoff).subquery()
    return connection.execute(select(func.count()).select_from(limited)).scalar_one()


def _pg_search_condition(query: ItemFilter) -> ColumnElement[bool]:
    return _pg_vector().op("@@")(_pg_query(query))


def _pg_vector() -> ColumnElement[Any]:
    # The expression of the GIN index of migration 0003_query, exactly.
    return func.item_search_vector(ITEMS.c.title, ITEMS.c.dateline, ITEMS.c.body)


def _pg_query(query: ItemFilter) -> ColumnElement[Any]:
    """`fts`: websearch_to_tsquery; `words`: each word a phrase (as PostgreSQL's parser splits
    the text), all of them required."""
    simple: ColumnElement[Any] = literal_column("'simple'")
    assert query.search is not None
    if query.search_syntax == "fts":
        return func.websearch_to_tsquery(simple, func.search_fold(query.search))
    phrases = [func.phraseto_tsquery(simple, func.search_fold(word)) for word in search_words(query.search)]
    combined: ColumnElement[Any] = phrases[0]
    for phrase in phrases[1:]:
        combined = combined.op("&&")(phrase)
    return combined


def sort_column(query: ItemFilter) -> ColumnElement[Any]:
    """First sight, or the window bound that is certain: the newest items first are those
    certainly published latest (greatest `published_earliest`), the oldest first those
    certainly published earliest (least `published_latest`)."""
    if query.by == "seen":
        return ITEMS.c.first_seen_at
    return ITEMS.c.published_latest if query.order == "oldest" else ITEMS.c.published_earliest


def _ordered(statement: Select[Any], query: ItemFilter, walk_time_index: bool) -> Select[Any]:
    key = sort_column(query)
    if not walk_time_index:
        # SQLite: an expression no index covers, so that the few collected rows are sorted
        # instead of the whole time index being walked in search of them.
        key = UnaryExpression(key, operator=operators.custom_op("+"))
    if query.order == "oldest":
        order = (key.asc().nulls_first(), ITEMS.c.id.asc())
    else:
        order = (key.desc().nulls_last(), ITEMS.c.id.desc())
    return statement.order_by(*order)


def _by_relevance(
    query: ItemFilter, conditions: list[ColumnElement[bool]], sets: list[IdSet], sqlite: bool
) -> Select[Any]:
    """Best matches first among the RELEVANCE_CANDIDATES most recently archived matches."""
    assert query.search is not None
    if sqlite:
        sets.pop()  # the search set (always the last one): the MATCH below takes its place
        score: ColumnElement[Any] = literal_column("bm25(items_fts)")  # lower is better
        candidates = (
            select(ITEMS.c.id.label("id"), score.label("score"))
            .select_from(ITEMS_FTS.join(ITEMS, ITEMS.c.id == ITEMS_FTS.c.rowid))
            .where(FTS_MATCH(query.fts5_query), *conditions, *(s.condition(sqlite) for s in sets))
            .order_by(ITEMS_FTS.c.rowid.desc())
        )
    else:
        score = -func.ts_rank(_pg_vector(), _pg_query(query))
        candidates = (
            select(ITEMS.c.id.label("id"), score.label("score"))
            .where(*conditions, *(s.contains_item() for s in sets))
            .order_by(ITEMS.c.id.desc())
        )
    ranked = candidates.limit(RELEVANCE_CANDIDATES).subquery()
    return (
        select(ranked.c.id)
        .order_by(ranked.c.score.asc(), ranked.c.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    )


def _search_error(exc: DBAPIError, query: ItemFilter) -> Exception:
    """FTS5 rejects a bad expression (`fts5: syntax error`, `unterminated string`, `no such
    column`) when the statement runs; every other part of the statement is ours."""
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if query.search and isinstance(exc, OperationalError) and not is_transient(exc):
        return QueryError(f"cannot search for {query.search!r}: {message}")
    return exc


def load_rows(connection: Connection, ids: Sequence[int]) -> list[ItemRow]:
    """The rows of `ids`, in that order (one query on the view `items_view`)."""
    if not ids:
        return []
    found = {row.id: row._mapping for row in connection.execute(LOAD_ROWS, {"ids": list(ids)})}
    return [_row(found[item_id]) for item_id in ids if item_id in found]


def _row(values: Any) -> ItemRow:
    fields: dict[str, Any] = {
        name: tuple(values[name] or ()) if name in ("places", "agencies") else values[name]
        for name in ItemRow.__dataclass_fields__
    }
    return ItemRow(**fields)
