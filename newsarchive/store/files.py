"""Page files on disk: which files a directory holds (newsarchive.pipeline ingests them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

# In a directory, these are pages (expected-output JSON and notes beside them are not).
# A file named explicitly is always tried.
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".txt", ""})
WARC_SUFFIXES = (".warc", ".warc.gz")  # WARC files, imported record by record


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


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
                and (found.suffix.lower() in PAGE_SUFFIXES or is_warc(found))
                and not any(part.startswith(".") for part in relative)
            ):
                yield found
