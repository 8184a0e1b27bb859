"""The archive: every wire item once, with every sighting and its narrowest publication window.

    with open_archive("newsarchive.db") as archive:
        result = archive.ingest(parsed_page, raw_bytes)

The schema (models.py, migrations/) is a public interface, documented in the README.

The names below are loaded when first used: a read command imports `store.reader` without
the ORM models and the ingest code that `open_archive` needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .archive import Archive, open_archive
    from .db import ArchiveError
    from .ingest import IngestResult

__all__ = ["Archive", "ArchiveError", "IngestResult", "open_archive"]
_HOMES = {"Archive": "archive", "open_archive": "archive", "ArchiveError": "db", "IngestResult": "ingest"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
