"""The archive: every wire item once, with every sighting and its narrowest publication window.

    with open_archive("newsarchive.db") as archive:
        result = archive.ingest(parsed_page, raw_bytes)

The schema (models.py, migrations/) is a public interface, documented in the README.
"""

from __future__ import annotations

from .archive import Archive, open_archive
from .db import ArchiveError
from .ingest import IngestResult

__all__ = ["Archive", "ArchiveError", "IngestResult", "open_archive"]
