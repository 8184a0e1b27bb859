"""Kept HTTP responses (`crawl_responses`): status and headers as received; the body kept once,
in raw_bodies, which the row names by its content hash (a 304 has no body: NULL).

The crawler keeps every response it fetches (frontier.py), WARC import the HTTP side of every
record it reads (warc.py); both through `keep_response`, and both read bodies back with
`body_of`, so a body is stored, compressed and decompressed in one way only (raw.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table

from .crawl_models import CrawlResponse
from .db import Prepared
from .keys import content_hash
from .raw import RAW_BODIES, PackedBody, RawCodec, keep_bodies

RESPONSES: Table = CrawlResponse.__table__  # type: ignore[assignment]
# Headers that describe how a body travelled: left out, because bodies are kept decoded.
TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# crawl_responses with their bodies (a 304 row joins to none): select BODY_COLUMNS from it.
INSERT_RESPONSE = Prepared(RESPONSES.insert().returning(RESPONSES.c.id))  # every response
WITH_BODIES = RESPONSES.outerjoin(RAW_BODIES, RAW_BODIES.c.content_hash == RESPONSES.c.content_hash)
BODY_COLUMNS = (RAW_BODIES.c.compression, RAW_BODIES.c.dictionary_id, RAW_BODIES.c.body)


def kept_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as kept: names in lower case, the transfer headers left out."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {name.lower(): value for name, value in pairs if name.lower() not in TRANSFER_HEADERS}


@dataclass(frozen=True)
class KeptResponse:
    """A crawl_responses row to keep: its body by `content_hash` (None: it has none, a 304),
    and `body`, the body packed by the archive's codec, unless it is kept already (a page's)."""

    url: str  # as requested (normalized)
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # as kept_headers gives them
    fetched_at: datetime
    content_hash: str | None
    body: PackedBody | None
    page_id: int | None = None

    @classmethod
    def of(cls, codec: RawCodec, url: str, final_url: str, status: int,
           headers: Mapping[str, str] | Iterable[tuple[str, str]], fetched_at: datetime,
           body: bytes | None, *, page_id: int | None = None,
           body_kept: bool = False) -> KeptResponse:
        """The body packed unless `body_kept` (do it outside any write transaction: compressing
        takes a while)."""
        digest = packed = None
        if body is not None:
            digest = content_hash(body)
            packed = None if body_kept else codec.pack(digest, body)
        return cls(url, final_url, status, kept_headers(headers), fetched_at, digest, packed,
                   page_id)

    def row(self) -> dict[str, Any]:
        return {
            "url": self.url, "final_url": self.final_url, "status": self.status,
            "headers": json.dumps(self.headers, sort_keys=True), "fetched_at": self.fetched_at,
            "content_hash": self.content_hash, "page_id": self.page_id,
        }


def keep_response(connection: Connection, response: KeptResponse) -> int:
    """Keep the response (and its body, unless the same bytes are kept already); its id."""
    if response.body is not None:
        keep_bodies(connection, [response.body])
    return int(INSERT_RESPONSE.scalar(connection, response.row()))


def body_of(connection: Connection, codec: RawCodec, row: Any) -> bytes | None:
    """The body of a row selected from WITH_BODIES with BODY_COLUMNS (None: it has none)."""
    return None if row.body is None else codec.unpack(connection, row)
