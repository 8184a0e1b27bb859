"""Parse a page stored in a file: the I/O around the pure `parse_page`.

Used by `newsarchive parse` (and any command that reads pages from disk): a file that
cannot hold a page (missing, empty, binary, or no wire page in it) raises PageFileError
with one readable sentence, so the caller can name the file and go on with the next.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..items import ParsedPage
from . import parse_page

# A NUL byte in the first few KB marks a binary file (UTF-16 pages carry a BOM and are
# decoded as text before this check matters: see `_is_binary`).
_SNIFF_BYTES = 8192
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class PageFileError(Exception):
    """A file that holds no parseable page; the message says why."""


def parse_file(
    path: str | Path, fetched_at: datetime | None = None, url: str | None = None
) -> ParsedPage:
    """Parse the page in `path`; without `fetched_at` the file's modification time is used."""
    data, fetched_at = read_page_file(path, fetched_at)
    return wire_page(parse_page(data, fetched_at, url))


def read_page_file(path: str | Path, fetched_at: datetime | None = None) -> tuple[bytes, datetime]:
    """The bytes of a page file and its fetch time (`fetched_at`, or the modification time)."""
    path = Path(path)
    data = _read(path)
    if fetched_at is None:
        fetched_at = modified_at(path)
    return data, fetched_at


def modified_at(path: Path) -> datetime:
    """A file's modification time to the microsecond (as the archive keeps a fetch moment:
    two saves of a page in one second keep their order), floored from the nanoseconds."""
    micros = path.stat().st_mtime_ns // 1000
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=micros)


def wire_page(page: ParsedPage) -> ParsedPage:
    """The page, or PageFileError when it holds no wire page."""
    if not page.is_page:
        reason = page.warnings[-1] if page.warnings else "no wire page found"
        raise PageFileError(f"not a wire page ({reason})")
    return page


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PageFileError("no such file") from None
    except IsADirectoryError:
        raise PageFileError("is a directory") from None
    except OSError as exc:
        raise PageFileError(f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise PageFileError("empty file")
    if _is_binary(data):
        raise PageFileError("binary file, not a page")
    return data


def _is_binary(data: bytes) -> bool:
    return not data.startswith(_UTF16_BOMS) and b"\x00" in data[:_SNIFF_BYTES]
