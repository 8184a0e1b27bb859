"""The ingest pipeline: raw material in -> parse -> store, the one path into the archive.

`newsarchive ingest` (files), the crawler, WARC import and reparse all call these, so what
they derive from a document cannot drift apart:

    raw_document(bytes, fetched_at, url, headers=...) -> RawDocument
        a document as it arrived (file, HTTP response, WARC record), built in one way
    parse_document(RawDocument) -> ParsedPage
        the parser, given everything the document came with (URL, fetch time, HTTP charset)
    prepare(archive, [(RawDocument, ParsedPage)]) -> [PageRecord]
        raw bytes compressed and the parser's version attached (outside any write transaction)
    store_records(connection, records) -> [IngestResult]
        in the caller's write transaction (the crawler marks its frontier in the same one)
    ingest_documents(archive, documents) -> Iterator[Ingested]
        all three, batched: what ingest, WARC import and reparse use
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from . import parse
from .items import ParsedPage, RawDocument
from .store.archive import Archive
from .store.files import is_warc, page_files
from .store.ingest import IngestResult, PageRecord, store_pages
from .store.responses import kept_headers
from .values import to_utc
from .words import count


def parser_version() -> str:
    """The version of the parser that derives what is stored now."""
    return parse.PARSER_VERSION


def raw_document(
    data: bytes,
    fetched_at: datetime,
    url: str | None = None,
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    source_path: str | None = None,
    warc_record_id: str | None = None,
) -> RawDocument:
    """A document as it entered the archive: its Content-Type read from the HTTP headers it
    came with (any case; none for a file), its fetch time in UTC to the microsecond, as the
    archive keeps it (pages.fetched_at), so that the parser reads it now exactly as a reparse
    will later."""
    return RawDocument(data, to_utc(fetched_at), url, kept_headers(headers).get("content-type"),
                       source_path, warc_record_id)


def parse_document(document: RawDocument, *, with_links: bool = False) -> ParsedPage:
    """`with_links`: also the page's links by role, for link discovery (same parse)."""
    return parse.parse_page(
        document.data, document.fetched_at, document.url, http_charset=document.http_charset,
        with_links=with_links,
    )


def prepare(archive: Archive, parsed: Iterable[tuple[RawDocument, ParsedPage]], *,
            bodies_kept: bool = False) -> list[PageRecord]:
    """Wire pages ready to store (documents that held none must be left out by the caller);
    `bodies_kept`: their raw bytes are kept already (with the crawl's responses)."""
    return archive.records(((page, document) for document, page in parsed), parser_version(),
                           bodies_kept=bodies_kept)


def store_records(
    connection: Connection,
    records: Sequence[PageRecord],
    item_id: Callable[[str], int] | None = None,
) -> list[IngestResult]:
    """Store in the caller's transaction; `item_id` numbers new items (reparse keeps ids)."""
    return store_pages(connection, records, item_id) if records else []


@dataclass(frozen=True)
class Ingested:
    """What became of one document: its parse, and the stored result (None: no wire page)."""

    document: RawDocument
    page: ParsedPage
    result: IngestResult | None


def ingest_documents(archive: Archive, documents: Iterable[RawDocument]) -> Iterator[Ingested]:
    """Parse and store documents in order, in batches; one Ingested per document, in order,
    each as its batch is committed."""
    pending: list[tuple[RawDocument, ParsedPage]] = []

    def parsed() -> Iterator[tuple[ParsedPage, RawDocument]]:
        for document in documents:
            page = parse_document(document)
            pending.append((document, page))
            if page.is_page:
                yield page, document

    results = archive.ingest_many(parsed(), parser_version())
    for result in results:
        while pending and not pending[0][1].is_page:
            document, page = pending.pop(0)
            yield Ingested(document, page, None)
        document, page = pending.pop(0)
        yield Ingested(document, page, result)
    for document, page in pending:
        yield Ingested(document, page, None)


# --- files --------------------------------------------------------------------------------


@dataclass
class IngestSummary:
    files: int = 0
    stored: int = 0
    already_archived: int = 0
    failed: int = 0
    new_items: int = 0
    sightings: int = 0
    window_conflicts: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # WARC records left out, by why

    def skip(self, why: str, count: int = 1) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + count

    def add(self, result: IngestResult) -> None:
        self.stored += result.stored
        self.already_archived += not result.stored
        self.new_items += result.new_items
        self.sightings += result.sightings
        self.window_conflicts += result.window_conflicts

    def line(self) -> str:
        return (
            f"{count(self.files, 'file')}: {count(self.stored, 'page')} stored, "
            f"{self.already_archived} already archived, {self.failed} failed; "
            f"{count(self.new_items, 'new item')}, {count(self.sightings, 'sighting')}"
            + (
                f"; warning: {count(self.window_conflicts, 'sighting')} with an age that does not fit "
                "their item's other sightings (see window_conflicts)"
                if self.window_conflicts
                else ""
            )
            + (
                "; WARC records skipped: "
                + ", ".join(f"{count} {why}" for why, count in sorted(self.skipped.items()))
                if self.skipped
                else ""
            )
        )


def ingest_files(
    archive: Archive,
    paths: Iterable[Path],
    fetched_at: datetime | None = None,
    on_error: Callable[[Path, str], None] = lambda path, reason: None,
    summary: IngestSummary | None = None,
    url: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Parse and store each file; a file that holds no page is reported and skipped. Each
    stored page keeps the file's absolute path; `url` (for a single file) is the URL it was
    fetched from, stored on the page and used to resolve its links.

    `summary` (a new one by default) is updated as batches are committed, so that a caller
    interrupted half-way can say what was stored. `progress(n)`: n more bytes of WARC files read.
    """
    from .parse.files import PageFileError, read_page_file, wire_page

    summary = summary if summary is not None else IngestSummary()
    from .warc import WarcImport

    responses = WarcImport(archive)

    def documents() -> Iterator[RawDocument]:
        for path in page_files(paths):
            summary.files += 1
            if is_warc(path):
                yield from responses.read(path, summary, on_error, progress)
                continue
            try:
                data, moment = read_page_file(path, fetched_at)
            except PageFileError as exc:
                summary.failed += 1
                on_error(path, str(exc))
                continue
            yield raw_document(data, moment, url, source_path=str(path.absolute()))

    for ingested in ingest_documents(archive, documents()):
        if ingested.document.warc_record_id is not None:
            responses.stored(ingested)
            if ingested.result is None:
                summary.skip("HTML documents without a wire page")
        if ingested.result is not None:
            summary.add(ingested.result)
            continue
        if ingested.document.warc_record_id is not None:
            continue
        summary.failed += 1
        try:
            wire_page(ingested.page)
        except PageFileError as exc:
            on_error(Path(ingested.document.source_path or ""), str(exc))
    responses.flush()
    return summary

