"""What the parser derived from each page, kept (`page_parses`) so that reparse can replay a page
it does not parse again exactly as it was first read, whatever parser read it then.

A ParsedPage is kept pickled and compressed. Only the plain dataclasses of newsarchive.items
and datetimes are ever unpickled (anything else in the data is refused), so a damaged or
hostile archive cannot make loading run code.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

import zstandard

from ..items import ParsedPage

PICKLE_PROTOCOL = 5
_ALLOWED = {
    "newsarchive.items": None,  # any of its classes
    "datetime": {"datetime", "timezone", "timedelta", "date"},
}
_compressor = zstandard.ZstdCompressor(level=3)
_decompressor = zstandard.ZstdDecompressor()


class UnreadableParse(Exception):
    """A kept parse that cannot be read back (damaged, or not ours)."""


def dump_page(page: ParsedPage) -> bytes:
    return _compressor.compress(pickle.dumps(page, protocol=PICKLE_PROTOCOL))


def load_page(data: bytes) -> ParsedPage:
    try:
        page = _Unpickler(io.BytesIO(_decompressor.decompress(bytes(data)))).load()
    except (pickle.UnpicklingError, zstandard.ZstdError, EOFError, TypeError, ValueError) as exc:
        raise UnreadableParse(str(exc)) from None
    if not isinstance(page, ParsedPage):
        raise UnreadableParse("not a parsed page")
    return page


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get(module, set())
        if module in _ALLOWED and (allowed is None or name in allowed):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused: {module}.{name}")
