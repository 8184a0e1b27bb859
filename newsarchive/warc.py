"""WARC (ISO 28500) out and in, with warcio: the archive's raw material in the web-archive world.

Export: WARC/1.1, one gzip member per record. A `warcinfo` record first; per HTTP fetch a
`request` and a `response` record (linked by WARC-Concurrent-To; the headers as received, but
the body is kept decoded, so Content-Encoding and Transfer-Encoding are left out and
Content-Length is the decoded length: the metadata record says so); a 304 a `revisit` record
(server-not-modified profile) pointing at the earlier response; a file ingested without HTTP a
`resource` record; per page a `metadata` record with the parse result and the parser version.
Record ids are UUIDs derived from the fetch (its type, URI, time and content), and records are
written in fetch order, so exporting the same archive twice gives the same bytes.

Import (`newsarchive ingest FILE.warc[.gz]`): `response` and `resource` records of HTML pages
(and text dumps) go through the ingest pipeline as if fetched at their WARC-Date; a revisit of
the identical-payload-digest profile is a fetch of its original's payload; a server-not-modified
revisit is kept as the 304 it was (no page: the page it refers to was read when it arrived).
Other records and content types are counted and skipped. Importing twice changes nothing.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

from sqlalchemy import Connection, and_, select

from . import __version__
from .items import RawDocument
from .pipeline import raw_document
from .store.archive import Archive
from .store.db import chunks, with_retries
from .store.ingest import PAGE_PARSES, PAGES
from .store.parses import load_page
from .store.raw import kept_hashes, load_bodies
from .store.responses import RESPONSES, TRANSFER_HEADERS, KeptResponse, keep_response
from .values import to_utc

if TYPE_CHECKING:
    from .pipeline import Ingested, IngestSummary
NAMESPACE = uuid.UUID("3f1c2a52-6d4e-5b7a-9c1e-2a9b8f0d4e61")  # of newsarchive's record ids
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
DECODED_NOTE = ("the body is stored decoded: Content-Encoding and Transfer-Encoding were "
                "removed and Content-Length is the decoded length")


class WarcError(Exception):
    """A WARC file that cannot be read (one readable line)."""


def record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(NAMESPACE, chr(31).join(parts))}>"


def warc_date(moment: datetime) -> str:
    """WARC/1.1's WARC-Date (W3C ISO 8601, UTC): six fraction digits where the fetch moment
    has a fraction (two fetches in one second keep their order), none where it has not (as
    WARC/1.0 readers expect, and as warcio writes it)."""
    return to_utc(moment).replace(tzinfo=None).isoformat() + "Z"


def parse_warc_date(text: str) -> datetime:
    """A WARC-Date, with any fraction of a second (kept to the microsecond, further digits
    dropped) or none."""
    return to_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))


def file_uri(source_path: str) -> str:
    return "file:" + quote(source_path)


# --- export -------------------------------------------------------------------------------


@dataclass
class ExportSummary:
    responses: int = 0
    revisits: int = 0
    resources: int = 0
    metadata: int = 0
    skipped_revisits: int = 0  # a 304 without an earlier response to point at

    def line(self) -> str:
        return (f"{self.responses} responses (with their requests), {self.revisits} revisits, "
                f"{self.resources} resources, {self.metadata} metadata records"
                + (f"; {self.skipped_revisits} not-modified fetches left out (no earlier "
                   "response)" if self.skipped_revisits else ""))


@dataclass(frozen=True)
class _Fetch:
    """One thing to export, in fetch order; `body` read just before it is written (an archive's
    bodies do not fit in memory)."""

    fetched_at: datetime
    uri: str
    kind: str  # "response", "revisit", "resource"
    content_hash: str
    status: int
    headers: dict[str, str]
    page_id: int | None
    body: bytes = b""


EMPTY_HASH = hashlib.sha256(b"").hexdigest()  # of a revisit's (no) body
BODIES_AT_ONCE = 200  # bodies read from the archive at a time


def export_warc(archive: Archive, out: BinaryIO, filename: str, since: datetime | None = None,
                until: datetime | None = None) -> ExportSummary:
    from warcio.warcwriter import WARCWriter

    summary = ExportSummary()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    with archive.engine.connect() as connection:
        fetches = _fetches(connection, archive, since, until)
        latest = max((f.fetched_at for f in fetches), default=datetime(1970, 1, 1, tzinfo=timezone.utc))
        writer.write_record(_warcinfo(writer, filename, latest))
        last_response: dict[str, _Fetch] = {}  # without their bodies
        for fetch in _with_bodies(connection, archive, fetches):
            if fetch.kind == "revisit":
                original = last_response.get(fetch.uri)
                if original is None:
                    summary.skipped_revisits += 1
                    continue
                writer.write_record(_revisit(writer, fetch, original))
                summary.revisits += 1
                continue
            if fetch.kind == "response":
                last_response[fetch.uri] = replace(fetch, body=b"")
                response = _response(writer, fetch)
                writer.write_record(_request(writer, fetch, _id("response", fetch)))
                writer.write_record(response)
                summary.responses += 1
            else:
                writer.write_record(_resource(writer, fetch))
                summary.resources += 1
            if fetch.page_id is not None:
                writer.write_record(_metadata(writer, connection, fetch))
                summary.metadata += 1
    return summary


def _fetches(connection: Connection, archive: Archive, since: datetime | None,
             until: datetime | None) -> list[_Fetch]:
    def bounded(column: Any) -> Any:
        return and_(True, *([column >= since] if since else []), *([column <= until] if until else []))

    found: list[_Fetch] = []
    responses = connection.execute(
        select(RESPONSES.c.final_url, RESPONSES.c.status, RESPONSES.c.headers,
               RESPONSES.c.fetched_at, RESPONSES.c.page_id, RESPONSES.c.content_hash)
        .where(RESPONSES.c.status.in_((200, 304)), bounded(RESPONSES.c.fetched_at))
    ).all()
    answered = {row.page_id for row in responses if row.page_id is not None}
    for row in responses:
        found.append(_Fetch(row.fetched_at, row.final_url, "response" if row.status == 200 else
                            "revisit", row.content_hash or EMPTY_HASH, row.status,
                            json.loads(row.headers), row.page_id))
    files = connection.execute(
        select(PAGES.c.id, PAGES.c.url, PAGES.c.source_path, PAGES.c.fetched_at,
               PAGES.c.content_hash, PAGES.c.content_type)
        .where(bounded(PAGES.c.fetched_at))
    ).all()
    unanswered = [row for row in files if row.id not in answered]
    kept = kept_hashes(connection, [row.content_hash for row in unanswered])
    for page in unanswered:
        if page.content_hash not in kept:
            continue  # ingested before raw bytes were kept
        uri = page.url or file_uri(page.source_path or page.content_hash)
        headers = {"content-type": page.content_type} if page.content_type else {}
        found.append(_Fetch(page.fetched_at, uri, "resource", page.content_hash, 200, headers,
                            page.id))
    # Fetch order: by time, then as the archive stored the pages (its page ids: an import
    # stores them in this order again); fetches without a page last in their second.
    return sorted(found, key=lambda f: (f.fetched_at, f.page_id is None, f.page_id or 0, f.uri,
                                        f.kind, f.content_hash))


def _with_bodies(connection: Connection, archive: Archive, fetches: list[_Fetch]) -> Iterator[_Fetch]:
    """The fetches with their bodies (a resource without a Content-Type gets a guessed one)."""
    for part in chunks(fetches, BODIES_AT_ONCE):
        bodies = load_bodies(connection, archive.codec,
                             [fetch.content_hash for fetch in part if fetch.kind != "revisit"])
        for fetch in part:
            body = bodies.get(fetch.content_hash, b"") if fetch.kind != "revisit" else b""
            headers = fetch.headers
            if fetch.kind == "resource" and "content-type" not in headers:
                headers = {"content-type": _guess_type(body)}
            yield replace(fetch, body=body, headers=headers)


def _guess_type(body: bytes) -> str:
    return "text/html" if body.lstrip()[:1] == b"<" else "text/plain; charset=utf-8"


def _id(kind: str, fetch: _Fetch) -> str:
    return record_id(kind, fetch.uri, warc_date(fetch.fetched_at), fetch.content_hash)


def _warc_headers(kind: str, fetch: _Fetch, **more: str) -> dict[str, str]:
    return {"WARC-Record-ID": _id(kind, fetch), "WARC-Date": warc_date(fetch.fetched_at), **more}


def _warcinfo(writer: Any, filename: str, latest: datetime) -> Any:
    from .fetch.http import user_agent

    info = {
        "software": f"newsarchive/{__version__}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "robots": "obey",
        "http-header-user-agent": user_agent(),
        "description": "raw material of a newsarchive archive; " + DECODED_NOTE,
    }
    payload = "".join(f"{name}: {value}\r\n" for name, value in info.items()).encode("utf-8")
    return writer.create_warc_record(
        "", "warcinfo", payload=io.BytesIO(payload), length=len(payload),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Record-ID": record_id("warcinfo", filename, warc_date(latest)),
                           "WARC-Date": warc_date(latest), "WARC-Filename": filename})


def _http_headers(fetch: _Fetch) -> Any:
    from warcio.statusandheaders import StatusAndHeaders

    headers = [(name, value) for name, value in fetch.headers.items()
               if name.lower() not in TRANSFER_HEADERS]
    if fetch.status == 200:
        headers.append(("content-length", str(len(fetch.body))))
    reason = http.client.responses.get(fetch.status, "")
    return StatusAndHeaders(f"{fetch.status} {reason}", headers, protocol="HTTP/1.1")


def _response(writer: Any, fetch: _Fetch) -> Any:
    return writer.create_warc_record(
        fetch.uri, "response", payload=io.BytesIO(fetch.body), length=len(fetch.body),
        http_headers=_http_headers(fetch), warc_headers_dict=_warc_headers("response", fetch))


def _request(writer: Any, fetch: _Fetch, response_id: str) -> Any:
    from warcio.statusandheaders import StatusAndHeaders

    from .fetch.http import user_agent

    parts = urlsplit(fetch.uri)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc),
                                                         ("User-Agent", user_agent())],
                               is_http_request=True)
    return writer.create_warc_record(
        fetch.uri, "request", payload=io.BytesIO(b""), length=0, http_headers=request,
        warc_headers_dict=_warc_headers("request", fetch, **{"WARC-Concurrent-To": response_id}))


def _revisit(writer: Any, fetch: _Fetch, original: _Fetch) -> Any:
    return writer.create_warc_record(
        fetch.uri, "revisit", payload=io.BytesIO(b""), length=0, http_headers=_http_headers(fetch),
        warc_headers_dict=_warc_headers("revisit", fetch, **{
            "WARC-Profile": NOT_MODIFIED_PROFILE,
            "WARC-Refers-To": _id("response", original),
            "WARC-Refers-To-Target-URI": original.uri,
            "WARC-Refers-To-Date": warc_date(original.fetched_at),
        }))


def _resource(writer: Any, fetch: _Fetch) -> Any:
    return writer.create_warc_record(
        fetch.uri, "resource", payload=io.BytesIO(fetch.body), length=len(fetch.body),
        warc_content_type=fetch.headers["content-type"],
        warc_headers_dict=_warc_headers("resource", fetch))


def _metadata(writer: Any, connection: Connection, fetch: _Fetch) -> Any:
    row = connection.execute(
        select(PAGES.c.parser_version, PAGE_PARSES.c.data)
        .outerjoin(PAGE_PARSES, PAGE_PARSES.c.page_id == PAGES.c.id)
        .where(PAGES.c.id == fetch.page_id)).one()
    content: dict[str, Any] = {"software": f"newsarchive/{__version__}",
                               "parser_version": row.parser_version,
                               "parse": load_page(row.data).to_dict() if row.data else None}
    if fetch.kind == "response":
        content["body"] = DECODED_NOTE
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    refers = _id(fetch.kind, fetch)
    return writer.create_warc_record(
        fetch.uri, "metadata", payload=io.BytesIO(payload), length=len(payload),
        warc_content_type="application/json",
        warc_headers_dict=_warc_headers("metadata", fetch, **{"WARC-Refers-To": refers}))


def write_cdxj(warc_path: Path, cdxj_path: Path) -> None:
    """A CDXJ index of the WARC file (cdxj-indexer), sorted."""
    from cdxj_indexer.main import write_cdx_index

    with open(cdxj_path, "w", encoding="utf-8") as out:
        write_cdx_index(out, [str(warc_path)], {"sort": True})


# --- import -------------------------------------------------------------------------------


@dataclass
class WarcReader:
    """The page documents of one WARC file, as RawDocuments, and what was left out."""

    path: Path
    skipped: dict[str, int] = field(default_factory=dict)  # why -> how many
    responses: dict[str, tuple[int, list[tuple[str, str]]]] = field(default_factory=dict)  # by id
    # fetches that are no page, to keep in crawl_responses: 304s, other types (feeds, images)
    unpaged: list[Answer] = field(default_factory=list)
    on_progress: Callable[[int], None] | None = None  # bytes of the file read since last call

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def documents(self) -> Iterator[RawDocument]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        payloads: dict[str, tuple[bytes, str | None]] = {}  # by record id and payload digest
        read = 0
        try:
            with open(self.path, "rb") as stream:
                for record in ArchiveIterator(stream, arc2warc=True):
                    document = self._document(record, payloads)
                    if self.on_progress is not None:
                        self.on_progress(stream.tell() - read)
                        read = stream.tell()
                    if document is not None:
                        yield document
                if self.on_progress is not None:
                    self.on_progress(stream.tell() - read)
        except ArchiveLoadFailed as exc:
            self._unread(read)
            raise WarcError(f"not a readable WARC file ({str(exc).splitlines()[0]})") from None
        except OSError as exc:
            self._unread(read)
            raise WarcError(f"cannot read: {exc.strerror or exc}") from None

    def _unread(self, read: int) -> None:
        """A file given up on counts as done for the progress: the bytes not read, skipped."""
        if self.on_progress is not None:
            try:
                self.on_progress(max(0, self.path.stat().st_size - read))
            except OSError:
                pass

    def _document(self, record: Any, payloads: dict[str, tuple[bytes, str | None]]) -> RawDocument | None:
        kind = record.rec_type
        headers = record.rec_headers
        uri = headers.get_header("WARC-Target-URI") or ""
        record_id_ = headers.get_header("WARC-Record-ID") or ""
        try:
            moment = parse_warc_date(headers.get_header("WARC-Date") or "")
        except ValueError:
            self.skip("records without a readable WARC-Date")
            return None
        if kind == "response" and record.http_headers is not None:
            status = _status(record)
            if status != 200:
                self.skip(f"HTTP {status} responses")
                return None
            content_type = record.http_headers.get_header("Content-Type")
            body = _read_body(record)
            digest = headers.get_header("WARC-Payload-Digest")
            for key in filter(None, (record_id_, digest)):
                payloads[key] = (body, content_type)
            if not _is_page_type(content_type):
                self.skip(f"responses of type {_media_type(content_type) or 'unknown'}")
                self.unpaged.append(Answer(uri, 200, record.http_headers.headers, moment, body))
                return None
            self.responses[record_id_] = (200, record.http_headers.headers)
            return raw_document(body, moment, uri, headers=record.http_headers.headers,
                                warc_record_id=record_id_)
        if kind == "revisit":
            return self._revisit(record, uri, moment, record_id_, payloads)
        if kind == "resource":
            content_type = headers.get_header("Content-Type")
            if not _is_page_type(content_type):
                self.skip(f"resources of type {_media_type(content_type) or 'unknown'}")
                return None
            body = record.content_stream().read()
            if uri.startswith("file:"):
                return raw_document(body, moment, source_path=unquote(uri[5:]),
                                    warc_record_id=record_id_)
            return raw_document(body, moment, uri, headers=_content_type(content_type),
                                warc_record_id=record_id_)
        if kind not in ("warcinfo", "request", "metadata"):
            self.skip(f"{kind} records")
        return None

    def _revisit(self, record: Any, uri: str, moment: datetime, record_id_: str,
                 payloads: dict[str, tuple[bytes, str | None]]) -> RawDocument | None:
        headers = record.rec_headers
        if "server-not-modified" in (headers.get_header("WARC-Profile") or ""):
            http_headers = record.http_headers.headers if record.http_headers is not None else []
            self.unpaged.append(Answer(uri, 304, http_headers, moment, None))
            return None
        original = payloads.get(headers.get_header("WARC-Refers-To") or "") or payloads.get(
            headers.get_header("WARC-Payload-Digest") or "")
        if original is None:
            self.skip("revisits whose original is not in the file")
            return None
        body, content_type = original
        if record.http_headers is not None and record.http_headers.get_header("Content-Type"):
            content_type = record.http_headers.get_header("Content-Type")
        if not _is_page_type(content_type):
            self.skip(f"revisits of type {_media_type(content_type) or 'unknown'}")
            return None
        self.responses[record_id_] = (
            200, record.http_headers.headers if record.http_headers is not None else [])
        return raw_document(body, moment, uri, headers=_content_type(content_type),
                            warc_record_id=record_id_)


def _content_type(content_type: str | None) -> list[tuple[str, str]]:
    return [("content-type", content_type)] if content_type else []


@dataclass(frozen=True)
class Answer:
    """The HTTP side of a WARC record, to keep in crawl_responses as the crawler keeps one."""

    uri: str
    status: int
    headers: list[tuple[str, str]]
    fetched_at: datetime
    body: bytes | None  # None: a 304
    page_id: int | None = None
    body_kept: bool = False  # the body was kept with the page just stored

    def key(self) -> tuple[str, datetime, int]:
        return self.uri, self.fetched_at, self.status


def _status(record: Any) -> int:
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return 0


def _read_body(record: Any) -> bytes:
    """The payload decoded (chunked, gzip, deflate, br); as stored when decoding fails."""
    try:
        return bytes(record.content_stream().read())
    except Exception:  # noqa: BLE001 - a body that says gzip and is not: keep it as it is
        return bytes(record.raw_stream.read())


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _is_page_type(content_type: str | None) -> bool:
    return _media_type(content_type) in PAGE_TYPES or not content_type


def _is_kept(connection: Connection, key: tuple[str, datetime, int]) -> bool:
    """A response of this URL, time and status is kept (imported before): one per key."""
    uri, moment, status = key
    return connection.execute(select(RESPONSES.c.id).where(  # the (url, fetched_at) index
        RESPONSES.c.url == uri, RESPONSES.c.fetched_at == moment, RESPONSES.c.final_url == uri,
        RESPONSES.c.status == status)).first() is not None


def keep_responses(connection: Connection, responses: list[KeptResponse]) -> None:
    """Responses (imported from WARC) not kept yet."""
    for response in responses:
        if not _is_kept(connection, (response.url, response.fetched_at, response.status)):
            keep_response(connection, response)


class WarcImport:
    """The HTTP side of pages imported from WARC files: their status and headers are kept in
    crawl_responses (as a crawl keeps them), and 304 revisits as 304 rows, so that export
    writes them back as they came."""

    FLUSH_EVERY = 200

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.http: dict[str, tuple[int, list[tuple[str, str]]]] = {}  # by WARC record id
        self.answers: list[Answer] = []

    def read(self, path: Path, summary: IngestSummary, on_error: Callable[[Path, str], None],
             progress: Callable[[int], None] | None = None) -> Iterator[RawDocument]:
        reader = WarcReader(path, on_progress=progress)
        try:
            for document in reader.documents():
                self.http.update(reader.responses)
                reader.responses.clear()
                yield document
        except WarcError as exc:
            summary.failed += 1
            on_error(path, str(exc))
        for why, count in reader.skipped.items():
            summary.skip(why, count)
        self.answers.extend(reader.unpaged)

    def stored(self, ingested: Ingested) -> None:
        document, result = ingested.document, ingested.result
        http = self.http.pop(document.warc_record_id or "", None)
        if http is None:
            return
        status, headers = http
        self.answers.append(Answer(
            document.url or "", status, headers, document.fetched_at, document.data,
            result.page_id if result else None, body_kept=result is not None and result.stored))
        if len(self.answers) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Keep the answers not kept yet: their bodies packed outside the write transaction."""
        answers, self.answers = self.answers, []
        with self.archive.engine.connect() as connection:
            answers = [answer for answer in answers if not _is_kept(connection, answer.key())]
        codec = self.archive.codec
        responses = [KeptResponse.of(codec, a.uri, a.uri, a.status, a.headers, a.fetched_at, a.body,
                                     page_id=a.page_id, body_kept=a.body_kept) for a in answers]
        if responses:
            with_retries(self.archive.engine, partial(keep_responses, responses=responses))
