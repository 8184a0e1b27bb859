"""The archive's public facade: `open_archive(db) -> Archive`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from itertools import islice

from sqlalchemy import Engine

from ..items import ParsedPage, RawDocument
from ..values import to_utc
from .db import (
    ArchiveError,
    make_engine,
    retry_when_busy,
    sqlite_file_kind,
    sqlite_path,
    with_retries,
    write_transaction,
)
from .ingest import IngestResult, PageRecord, no_cyclic_gc, store_pages
from .keys import content_hash
from .migrate import archive_state, current_revisions, lock_for_migration, upgrade
from .parses import dump_page
from .raw import RawCodec
from .reader import ArchiveReader, damage_as_archive_error, damaged, integrity_problems

BATCH_PAGES = 500
# The parser version of pages not parsed by newsarchive's parser (built by hand, in tests):
# older than every version, so `reparse --parser-older-than` always selects them.
UNVERSIONED = ""


class Archive(ArchiveReader):
    """An open archive, to read and write. Use as a context manager, or call `close()`."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.codec = RawCodec()

    def ingest(
        self, page: ParsedPage, data: bytes | str | RawDocument, parser_version: str = UNVERSIONED
    ) -> IngestResult:
        """Store one parsed page in one transaction. `data` is the document as received (or
        the RawDocument it came in): its sha256 and the fetch time identify the observation, so
        storing it again is a no-op; its bytes are kept as the page's raw material."""
        return next(self.ingest_many([(page, data)], parser_version))

    def ingest_many(
        self,
        pages: Iterable[tuple[ParsedPage, bytes | str | RawDocument]],
        parser_version: str = UNVERSIONED,
        batch_pages: int = BATCH_PAGES,
    ) -> Iterator[IngestResult]:
        """Store pages, several per transaction (each page whole or not at all), yielding one
        result per page in order as each batch is committed."""
        pages = iter(pages)
        while True:
            with no_cyclic_gc():  # parsing a batch, too, makes mostly short-lived objects
                batch = list(islice(pages, batch_pages))
            if not batch:
                return
            records = self.records(batch, parser_version)
            yield from with_retries(self.engine, partial(store_pages, records=records))

    def records(
        self, pages: Iterable[tuple[ParsedPage, bytes | str | RawDocument]], parser_version: str,
        *, bodies_kept: bool = False,
    ) -> list[PageRecord]:
        """The pages ready to store (raw bytes compressed: do it outside the write transaction;
        not when `bodies_kept`, the bytes are in raw_bodies already). A batch at a time, the
        codec takes the archive's newest dictionary (trained once enough bodies are kept)."""
        self.codec.refresh(self.engine)
        return [self._record(page, raw, parser_version, bodies_kept) for page, raw in pages]

    def _record(
        self, page: ParsedPage, raw: bytes | str | RawDocument, parser_version: str,
        body_kept: bool = False,
    ) -> PageRecord:
        if not page.is_page:
            raise ValueError("not a wire page")
        if not isinstance(raw, RawDocument):
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
            raw = RawDocument(data, page.fetched_at, page.url)
        digest = content_hash(raw.data)
        return PageRecord(
            page, digest, to_utc(page.fetched_at), parser_version,
            None if body_kept else self.codec.pack(digest, raw.data), raw.content_type,
            raw.source_path,
            dump_page(page), warc_record_id=raw.warc_record_id,
        )

    def revisions(self) -> tuple[str, ...]:
        with self.engine.connect() as connection:
            return current_revisions(connection)

    def __enter__(self) -> Archive:
        return self


def open_archive(db: str, *, upgrade_to_heads: bool = False) -> Archive:
    """Open the archive `db` (a SQLite path or a SQLAlchemy URL) to read and write it.

    A new, empty archive is created (migrated to the newest schema). An existing SQLite file is
    checked before anything is set on it: a file that is no newsarchive archive, an archive at
    a revision newer than this tool, or one SQLite reports as damaged (`PRAGMA quick_check`)
    raises ArchiveError and is left byte for byte as it was. An older archive raises
    ArchiveError asking for `newsarchive db upgrade`, unless `upgrade_to_heads` is true.
    """
    path = sqlite_path(db)
    if path is not None and sqlite_file_kind(path) == "sqlite":
        _check_before_writing(db)
    engine = make_engine(db)
    try:
        retry_when_busy(lambda: _bring_to_current(engine, upgrade_to_heads))
    except Exception:
        engine.dispose()
        raise
    return Archive(engine)


def _check_before_writing(db: str) -> None:
    engine = make_engine(db, mode="check")
    try:
        with damage_as_archive_error(), engine.connect() as connection:
            archive_state(connection)  # a foreign or newer database: refused untouched
        problems = integrity_problems(engine)
    finally:
        engine.dispose()
    if problems:
        raise damaged(f"{problems[0]}; not writing to it")


def _bring_to_current(engine: Engine, upgrade_to_heads: bool) -> None:
    with engine.connect() as connection:  # a read: never waits for a busy writer
        state = archive_state(connection)
    if state != "current":
        _migrate(engine, upgrade_to_heads)


def _migrate(engine: Engine, upgrade_to_heads: bool) -> None:
    with write_transaction(engine) as connection:
        lock_for_migration(connection)
        state = archive_state(connection)  # again, now that no other writer can change it
        if state == "behind" and not upgrade_to_heads:
            raise ArchiveError(
                "the archive's schema is older than this newsarchive; "
                "run `newsarchive db upgrade` first"
            )
        if state != "current":
            upgrade(connection)
