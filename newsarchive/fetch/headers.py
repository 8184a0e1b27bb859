"""What a server says in its headers, read as strictly as the RFCs write it.

Every number a server sends is an adversary's number: delta-seconds and lengths are ASCII digits
only (`²` and `٣` pass `str.isdigit` and `int`, and are refused here), no sign, no spaces inside,
no exponent, at most 100 digits, and clamped by the caller's cap. Dates are HTTP dates. Header
values are decoded as browsers do: the bytes as UTF-8 where they are valid UTF-8, else as
Latin-1; a `Location` holding bytes that are not UTF-8 has them percent-encoded.

Headers that carry secrets (`Set-Cookie`, `Authorization`, `Proxy-*`, ...) are never kept with
a response (`kept_headers`).
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime, timezone
from urllib.parse import quote

from .errors import Notice

DIGITS = re.compile(r"[0-9]{1,100}", re.ASCII)  # longer is no number anyone means: refused
SECRET_HEADERS = frozenset({"set-cookie", "set-cookie2", "cookie", "authorization",
                            "www-authenticate"})
SECRET_PREFIXES = ("proxy-",)
# Characters a browser leaves in a Location; any other byte is percent-encoded
LOCATION_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))


def parse_digits(value: str | None) -> int | None:
    """A non-negative integer written as 1 to 100 ASCII digits (surrounding blanks allowed),
    or None for anything else (`²`, `٣`, `+5`, `1e3`, `0x10`, `5 5`, `1_000`)."""
    if value is None:
        return None
    value = value.strip(" \t")
    return int(value) if DIGITS.fullmatch(value) else None


def parse_content_length(value: str | None) -> int | None:
    """Content-Length: digits, or a list of one value repeated (`42, 42`, RFC 9110 8.6).

    Raises ValueError when the header is present but not a length (the response cannot be
    framed, RFC 9112 6.3); None when there is none."""
    if value is None:
        return None
    lengths = {parse_digits(part) for part in value.split(",")}
    if len(lengths) != 1 or None in lengths:
        raise ValueError(f"Content-Length {shown(value)!r} is not a length")
    (length,) = lengths
    assert length is not None
    return length


def is_chunked(value: str | None) -> bool:
    """Transfer-Encoding: `chunked` (any case), or none (False). Raises ValueError for any other
    coding: we ask for none (no TE header), so a response in one cannot be framed or decoded
    (urllib3 would read `gzip, chunked` as chunks and keep the gzip, `gzip` by its length)."""
    if value is None:
        return False
    if value.strip(" \t").lower() != "chunked":
        raise ValueError(f"Transfer-Encoding {shown(value)!r} is not chunked")
    return True


def parse_retry_after(value: str | None, now: datetime | None = None, *,
                      cap: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds (ASCII digits) or an HTTP date,
    at most `cap` when given; None when absent, unreadable, or a date that is not in the future
    (it asks for no wait: the server's clock or ours is off, and the regular back-off applies)."""
    if not value:
        return None
    value = value.strip(" \t")
    seconds = parse_digits(value)
    if seconds is None:
        if len(value) > 40 or not _looks_like_date(value):
            return None
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        now = now or datetime.now(timezone.utc)
        seconds_float = (moment - now).total_seconds()
        if seconds_float <= 0:
            return None
    else:
        seconds_float = float(seconds)
    return seconds_float if cap is None else min(seconds_float, cap)


DATE_SHAPE = re.compile(r"[A-Za-z]{3,9},? [0-9A-Za-z :\-]+", re.ASCII)


def _looks_like_date(value: str) -> bool:
    """An HTTP date is ASCII: a weekday name (`Sun`, or `Sunday` in the obsolete RFC 850
    form), then day, month, year and time."""
    return DATE_SHAPE.fullmatch(value) is not None


def decode_header(value: str) -> str:
    """A header value as browsers read it. http.client hands header bytes over as Latin-1
    text; bytes that form valid UTF-8 are read as UTF-8 instead."""
    if value.isascii():
        return value
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:  # already text (not from http.client)
        return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return value


def encode_header(value: str) -> str:
    """The inverse of `decode_header`, for a value a server sent that goes back to it (an ETag
    or Last-Modified in a conditional request): the text whose Latin-1 encoding is the bytes it
    came as, UTF-8 where `decode_header` read UTF-8. (Bytes that were no UTF-8 but read as
    UTF-8 text inside Latin-1 cannot be told apart from it: they go back as UTF-8, which at
    worst costs a 200 instead of a 304.)"""
    return value if value.isascii() else value.encode("utf-8").decode("latin-1")


def decode_location(value: str) -> tuple[str, Notice | None]:
    """A Location header as a browser follows it: UTF-8 where the bytes are valid UTF-8
    (percent-encoded later with the rest of the URL), else each byte that is not printable
    ASCII percent-encoded. The notice says which, when the header was not plain ASCII."""
    value = value.strip(" \t")
    if value.isascii():
        return value, None
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value, None
    try:
        return raw.decode("utf-8"), Notice.LOCATION_UTF8_AS_LATIN1
    except UnicodeDecodeError:
        return quote(raw, safe=LOCATION_SAFE), Notice.LOCATION_RAW_BYTES


def is_secret(name: str) -> bool:
    name = name.lower()
    return name in SECRET_HEADERS or name.startswith(SECRET_PREFIXES)


def kept_headers(items: list[tuple[str, str]]) -> dict[str, str]:
    """The headers kept with a response: names in lower case, values decoded, repeated
    headers joined with `, `, secrets dropped."""
    headers: dict[str, str] = {}
    for name, value in items:
        name = name.lower()
        if is_secret(name):
            continue
        value = decode_header(value)
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def shown(value: str, limit: int = 40) -> str:
    """A server's value, cut short for a message."""
    return value if len(value) <= limit else value[:limit] + "…"
