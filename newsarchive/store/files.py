"""Ingesting page files from disk: which files a directory holds, and the batch run over them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..items import ParsedPage
from .archive import Archive

# In a directory, these are pages (expected-output JSON and notes beside them are not).
# A file named explicitly is always tried.
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".txt", ""})


@dataclass
class IngestSummary:
    files: int = 0
    stored: int = 0
    already_archived: int = 0
    failed: int = 0
    new_items: int = 0
    sightings: int = 0
    window_conflicts: int = 0

    def line(self) -> str:
        return (
            f"{self.files} files: {self.stored} pages stored, {self.already_archived} already "
            f"archived, {self.failed} failed; {self.new_items} new items, "
            f"{self.sightings} sightings"
            + (
                f"; warning: {self.window_conflicts} sightings with an age that does not fit "
                "their item's other sightings (see window_conflicts)"
                if self.window_conflicts
                else ""
            )
        )


def page_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The named files, and the page files under named directories (recursively, sorted)."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for found in sorted(path.rglob("*")):
            relative = found.relative_to(path).parts
            if (
                found.is_file()
                and found.suffix.lower() in PAGE_SUFFIXES
                and not any(part.startswith(".") for part in relative)
            ):
                yield found


def ingest_files(
    archive: Archive,
    paths: Iterable[Path],
    fetched_at: datetime | None = None,
    on_error: Callable[[Path, str], None] = lambda path, reason: None,
    summary: IngestSummary | None = None,
    url: str | None = None,
) -> IngestSummary:
    """Parse and store each file; a file that holds no page is reported and skipped. Each
    stored page keeps the file's absolute path; `url` (for a single file) is the URL it was
    fetched from, stored on the page and used to resolve its links.

    `summary` (a new one by default) is updated as batches are committed, so that a caller
    interrupted half-way can say what was stored.
    """
    from ..parse.files import PageFileError, parse_file

    summary = summary if summary is not None else IngestSummary()

    def parsed() -> Iterator[tuple[ParsedPage, bytes, str]]:
        for path in page_files(paths):
            summary.files += 1
            try:
                page = parse_file(path, fetched_at, url)
                data = path.read_bytes()
            except (PageFileError, OSError) as exc:
                summary.failed += 1
                on_error(path, str(exc))
                continue
            yield page, data, str(path.absolute())

    for result in archive.ingest_many(parsed()):
        summary.stored += result.stored
        summary.already_archived += not result.stored
        summary.new_items += result.new_items
        summary.sightings += result.sightings
        summary.window_conflicts += result.window_conflicts
    return summary
