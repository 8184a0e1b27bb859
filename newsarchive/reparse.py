"""Reparse: derive the archive again from its raw material with the parser of today.

Two steps, so that the slow one can be shared and a killed run loses nothing:

1. Parse. The selected pages (parsed by an older parser, or all; fetched in a time range) are
   read from their raw bytes and parsed again; each parse is staged (`reparse_staged`) a batch
   per transaction. `--shard I/N` parses the pages whose id is I modulo N, so N processes or
   machines share the work; `--workers` parses in several processes. A rerun skips what is
   staged.
2. Rebuild, once every selected page is staged (by whichever run finishes last), in one
   transaction: every table derived from pages (store.ingest.DERIVED_TABLES) is emptied and
   every page stored again through the pipeline, in fetch order, from its new parse (selected
   pages) or its kept one (the others). So the archive equals what ingesting all of its raw
   material afresh in fetch order would build. Items keep their ids (by content key); items no
   page produces any more are gone.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, exists, func, not_, or_, select, text, update

from .items import RawDocument
from .pipeline import parse_document, parser_version, store_records
from .store.archive import Archive
from .store.db import chunks, insert_for, with_retries
from .store.ingest import DERIVED_TABLES, ITEMS, PAGE_PARSES, PAGES, PageRecord
from .store.parses import dump_page, load_page
from .store.raw import load_bodies
from .store.reparse_models import ReparseRun, ReparseStaged
from .store.tables import metadata

RUNS: Table = ReparseRun.__table__  # type: ignore[assignment]
STAGED: Table = ReparseStaged.__table__  # type: ignore[assignment]
PARSE_BATCH = 50  # pages parsed and staged per transaction
REBUILD_BATCH = 500  # pages stored again per store_pages call
# The item columns whose changes reparse reports.
COMPARED = ("title", "dateline", "body", "section", "url", "published_earliest",
            "published_latest", "window_source", "first_seen_at", "last_seen_at")


class ReparseError(Exception):
    """A reparse that cannot run (one readable line)."""


@dataclass(frozen=True)
class Selection:
    """Which pages to parse again. Pages without a kept parse are always parsed again."""

    everything: bool = False
    parser_older_than: str | None = None  # default: older than the current parser
    since: datetime | None = None
    until: datetime | None = None

    def key(self) -> str:
        return json.dumps({
            "all": self.everything, "older_than": self.parser_older_than,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }, sort_keys=True)


@dataclass(frozen=True)
class Shard:
    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`I/N`, 0 <= I < N."""
        index, _, count = text.partition("/")
        try:
            shard = cls(int(index), int(count))
        except ValueError:
            raise ReparseError(f"not a shard I/N: {text!r}") from None
        if not 0 <= shard.index < shard.count:
            raise ReparseError(f"shard {text}: I must be at least 0 and less than N")
        return shard


@dataclass
class ReparseSummary:
    parsed: int = 0  # pages this process parsed
    waiting: int = 0  # selected pages other processes have still to parse
    rebuilt: bool = False
    rebuilt_by_another: bool = False  # another shard rebuilt it while this one was finishing
    pages: int = 0  # pages stored again by the rebuild
    reparsed: int = 0  # of which newly parsed
    added: int = 0
    removed: int = 0
    changed_items: int = 0
    changed: dict[str, int] = field(default_factory=dict)  # items changed, by column

    def line(self) -> str:
        if self.rebuilt_by_another:
            return f"parsed {self.parsed} pages; another shard rebuilt the archive"
        if not self.rebuilt:
            return (f"parsed {self.parsed} pages; waiting for {self.waiting} pages other shards "
                    "have still to parse (the last shard to finish rebuilds the archive)")
        fields = ", ".join(f"{name} {count}" for name, count in sorted(self.changed.items()))
        return (f"reparsed {self.reparsed} pages ({self.parsed} parsed by this run), archive "
                f"rebuilt from {self.pages} pages: items {self.added} added, {self.removed} "
                f"removed, {self.changed_items} changed" + (f" ({fields})" if fields else ""))


def reparse(
    archive: Archive,
    selection: Selection,
    shard: Shard = Shard(),
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> ReparseSummary:
    """Parse the selected pages again and, once all are parsed, rebuild the archive."""
    summary = ReparseSummary()
    version = parser_version()
    run_id = with_retries(archive.engine, lambda c: _open_run(c, selection, version))
    with _parser_pool(workers) as parse_many:
        while True:
            with archive.engine.connect() as connection:
                batch = _unstaged(connection, archive, run_id, selection, version, shard)
            if not batch:
                break
            staged = [{"run_id": run_id, "page_id": page_id, "data": data}
                      for page_id, data in zip([p for p, _ in batch], parse_many([d for _, d in batch]))]
            with_retries(archive.engine, partial(_stage, rows=staged))
            summary.parsed += len(staged)
            if progress:
                progress(len(staged))
    return with_retries(archive.engine, lambda c: _rebuild(c, run_id, selection, summary))


# --- step 1: parse ------------------------------------------------------------------------


def _open_run(connection: Connection, selection: Selection, version: str) -> int:
    last = connection.execute(select(func.max(PAGES.c.id))).scalar() or 0
    connection.execute(
        insert_for(connection, RUNS).on_conflict_do_nothing(
            index_elements=["selection", "parser_version"]),
        {"selection": selection.key(), "parser_version": version, "last_page_id": last},
    )
    return int(connection.execute(
        select(RUNS.c.id).where(RUNS.c.selection == selection.key(),
                                RUNS.c.parser_version == version)).scalar_one())


def pages_to_parse(archive: Archive, selection: Selection, shard: Shard = Shard()) -> int:
    """How many pages `reparse` would parse now (its progress bar's length): the shard's
    selected pages that a killed run of the same reparse has not staged."""
    version = parser_version()
    with archive.engine.connect() as connection:
        run_id = connection.execute(select(RUNS.c.id).where(
            RUNS.c.selection == selection.key(), RUNS.c.parser_version == version)).scalar()
        return int(connection.execute(
            select(func.count()).select_from(PAGES)
            .where(_selected(connection, run_id, selection, version), _in_shard(shard),
                   not_(_staged(run_id)))
        ).scalar_one())


def _in_shard(shard: Shard) -> Any:
    return PAGES.c.id % shard.count == shard.index


def _staged(run_id: int | None) -> Any:
    return exists().where(STAGED.c.run_id == run_id, STAGED.c.page_id == PAGES.c.id)


def _selected(connection: Connection, run_id: int | None, selection: Selection,
              version: str) -> Any:
    """The condition on PAGES of the run's selected pages (no run yet: as if opened now)."""
    last = (select(func.max(PAGES.c.id)) if run_id is None else
            select(RUNS.c.last_page_id).where(RUNS.c.id == run_id)).scalar_subquery()
    unkept = not_(exists().where(PAGE_PARSES.c.page_id == PAGES.c.id))
    chosen: list[Any] = []
    if not selection.everything:
        threshold = selection.parser_older_than or version
        versions = connection.execute(select(PAGES.c.parser_version).distinct()).scalars()
        chosen.append(PAGES.c.parser_version.in_(
            [v for v in versions if version_key(v) < version_key(threshold)]))
    if selection.since:
        chosen.append(PAGES.c.fetched_at >= selection.since)
    if selection.until:
        chosen.append(PAGES.c.fetched_at <= selection.until)
    return and_(PAGES.c.id <= last, or_(unkept, and_(True, *chosen)))


def version_key(version: str) -> tuple[int, ...]:
    """A parser version as numbers (`2.10` after `2.9`); anything else before every version."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return ()


def _unstaged(connection: Connection, archive: Archive, run_id: int, selection: Selection,
              version: str, shard: Shard) -> list[tuple[int, tuple[Any, ...]]]:
    """The next selected pages of the shard not staged yet: (page id, what parsing needs)."""
    rows = connection.execute(
        select(PAGES.c.id, PAGES.c.content_hash, PAGES.c.fetched_at, PAGES.c.url,
               PAGES.c.content_type)
        .where(_selected(connection, run_id, selection, version), not_(_staged(run_id)),
               _in_shard(shard))
        .order_by(PAGES.c.id).limit(PARSE_BATCH)
    ).all()
    bodies = load_bodies(connection, archive.codec, [row.content_hash for row in rows])
    missing = [row.id for row in rows if row.content_hash not in bodies]
    if missing:
        raise ReparseError(
            f"{len(missing)} pages (ids {', '.join(map(str, missing[:5]))}...) have no raw bytes "
            "(ingested before newsarchive kept them): ingest their files again to reparse them")
    return [(row.id, (bodies[row.content_hash], row.fetched_at, row.url, row.content_type))
            for row in rows]


def _stage(connection: Connection, rows: list[dict[str, Any]]) -> None:
    connection.execute(
        insert_for(connection, STAGED).on_conflict_do_nothing(index_elements=["run_id", "page_id"]),
        rows)


def parse_dumped(document: tuple[Any, ...]) -> bytes:
    """Parse (data, fetched_at, url, content_type) through the pipeline; the page dumped."""
    return dump_page(parse_document(RawDocument(*document)))


class _parser_pool:
    """`with _parser_pool(n) as parse_many`: parse_dumped over a list, in n processes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: Any = None

    def __enter__(self) -> Callable[[Sequence[tuple[Any, ...]]], list[bytes]]:
        if self.workers <= 1:
            return lambda documents: [parse_dumped(d) for d in documents]
        self.pool = multiprocessing.get_context("fork").Pool(self.workers)
        return lambda documents: self.pool.map(parse_dumped, documents, chunksize=4)

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()


# --- step 2: rebuild ----------------------------------------------------------------------


def _rebuild(connection: Connection, run_id: int, selection: Selection,
             summary: ReparseSummary) -> ReparseSummary:
    if connection.dialect.name == "postgresql":  # no page or item stored meanwhile
        connection.execute(text("LOCK TABLE pages, items IN SHARE ROW EXCLUSIVE MODE"))
    run = connection.execute(select(RUNS).where(RUNS.c.id == run_id)).first()
    if run is None:  # another shard rebuilt it meanwhile
        summary.rebuilt = summary.rebuilt_by_another = True
        return summary
    summary.waiting = connection.execute(
        select(func.count()).select_from(PAGES)
        .where(_selected(connection, run_id, selection, run.parser_version), not_(_staged(run_id)))
    ).scalar_one()
    if summary.waiting:
        return summary
    before = _item_fields(connection)
    known = {key: values[0] for key, values in before.items()}
    next_id = [max(known.values(), default=0) + 1]

    def item_id(key: str) -> int:
        if key not in known:
            known[key] = next_id[0]
            next_id[0] += 1
        return known[key]

    for table in reversed(metadata.sorted_tables):
        if table.name in DERIVED_TABLES:
            connection.execute(delete(table))
    for part in chunks(_pages_in_fetch_order(connection), REBUILD_BATCH):
        summary.pages += len(part)
        summary.reparsed += _store_again(connection, run_id, run.parser_version, part, item_id)
    if connection.dialect.name == "postgresql":
        connection.execute(text(
            "SELECT setval(pg_get_serial_sequence('items', 'id'), "
            "greatest((SELECT max(id) FROM items), 1))"))
    connection.execute(delete(RUNS).where(RUNS.c.id == run_id))
    _compare(before, _item_fields(connection), summary)
    summary.rebuilt = True
    return summary


def _pages_in_fetch_order(connection: Connection) -> list[int]:
    return list(connection.execute(
        select(PAGES.c.id).order_by(PAGES.c.fetched_at, PAGES.c.id)).scalars())


def _store_again(connection: Connection, run_id: int, version: str, page_ids: Sequence[int],
                 item_id: Callable[[str], int]) -> int:
    """Store the pages again from their staged or kept parse; how many were staged."""
    rows = connection.execute(
        select(PAGES.c.id, PAGES.c.content_hash, PAGES.c.fetched_at, PAGES.c.parser_version,
               PAGES.c.content_type, STAGED.c.data.label("staged"), PAGE_PARSES.c.data.label("kept"))
        .outerjoin(STAGED, and_(STAGED.c.page_id == PAGES.c.id, STAGED.c.run_id == run_id))
        .outerjoin(PAGE_PARSES, PAGE_PARSES.c.page_id == PAGES.c.id)
        .where(PAGES.c.id.in_(page_ids))
    ).all()
    by_id = {row.id: row for row in rows}
    records, renewed = [], []
    for page_id in page_ids:
        row = by_id[page_id]
        data = row.staged if row.staged is not None else row.kept
        page = load_page(data)
        if row.staged is not None:
            renewed.append((row, page))
        if page.is_page:
            records.append(PageRecord(
                page, row.content_hash, row.fetched_at,
                version if row.staged is not None else row.parser_version,
                content_type=row.content_type, page_id=page_id))
    store_records(connection, records, item_id)
    for row, page in renewed:
        values: dict[str, Any] = {
            "parser_version": version,
            "warnings": json.dumps(page.warnings, ensure_ascii=False),
        }
        if page.is_page:
            values.update(kind=page.kind, title=page.title, section=page.section,
                          page_published=page.page_date.published if page.page_date else None,
                          page_published_source=page.page_date.source if page.page_date else None)
        connection.execute(update(PAGES).where(PAGES.c.id == row.id).values(**values))
        connection.execute(delete(PAGE_PARSES).where(PAGE_PARSES.c.page_id == row.id))
        connection.execute(PAGE_PARSES.insert().values(page_id=row.id, data=row.staged))
    return len(renewed)


def _item_fields(connection: Connection) -> dict[str, tuple[Any, ...]]:
    """{content key: (id, *COMPARED)} of every item."""
    columns = [ITEMS.c.content_key, ITEMS.c.id, *(ITEMS.c[name] for name in COMPARED)]
    return {row[0]: tuple(row[1:]) for row in connection.execute(select(*columns))}


def _compare(before: dict[str, tuple[Any, ...]], after: dict[str, tuple[Any, ...]],
             summary: ReparseSummary) -> None:
    summary.added = len(after.keys() - before.keys())
    summary.removed = len(before.keys() - after.keys())
    for key in before.keys() & after.keys():
        old, new = before[key][1:], after[key][1:]
        if old != new:
            summary.changed_items += 1
            for name, a, b in zip(COMPARED, old, new):
                if a != b:
                    summary.changed[name] = summary.changed.get(name, 0) + 1

