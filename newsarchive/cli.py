"""The `newsarchive` command line: argument handling and output only.

Each command calls one library function (parse, store, fetch, query) and prints its result.
Errors the user must act on are one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .items import to_utc

if TYPE_CHECKING:
    from .store.archive import Archive

DEFAULT_DB = "newsarchive.db"

db_option = click.option(
    "--db",
    envvar="NEWSARCHIVE_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="Archive: a SQLite file path or any SQLAlchemy URL (env NEWSARCHIVE_DB).",
)


def error(message: str) -> None:
    """One readable line on stderr."""
    click.echo(f"newsarchive: {message}", err=True)


@click.group()
@click.version_option(__version__, prog_name="newsarchive")
def cli() -> None:
    """Scrape ANP-style news-wire pages into a structured, deduplicated archive."""


# Commands are added below, one section per stage: parse, store (ingest, db), fetch (fetch,
# crawl), query (query, show, stats).


# --- parse -------------------------------------------------------------------------------


def _iso_datetime(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """`--fetched-at`: ISO 8601; a time without offset is UTC; `Z` accepted."""
    if value is None:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return to_utc(datetime.fromisoformat(text))
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}") from None


fetched_at_option = click.option(
    "--fetched-at",
    callback=_iso_datetime,
    metavar="ISO8601",
    help="When the page was fetched (naive = UTC). Default: each file's modification time.",
)


@cli.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@fetched_at_option
@click.option("--url", default=None, help="The URL the page was fetched from.")
def parse_command(paths: tuple[Path, ...], fetched_at: datetime | None, url: str | None) -> None:
    """Parse pages (HTML or text dumps): one JSON object per file on stdout.

    A missing, empty, binary or non-page file is named on stderr; the others are still
    printed, and the exit status is 1.
    """
    from .parse.files import PageFileError, parse_file

    failed = False
    for path in paths:
        try:
            page = parse_file(path, fetched_at, url)
        except PageFileError as exc:
            error(f"{path}: {exc}")
            failed = True
            continue
        click.echo(json.dumps(page.to_dict(), ensure_ascii=False))
    if failed:
        sys.exit(1)


# --- store: ingest, db ----------------------------------------------------------------------


def open_archive_or_exit(db: str, **options: Any) -> Archive:
    """The archive `--db` names, or one line on stderr and exit status 2."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from .store.archive import open_archive
    from .store.db import ArchiveError

    try:
        return open_archive(db, **options)
    except ArchiveError as exc:
        error(f"{db}: {exc}")
    except (ArgumentError, SQLAlchemyError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        error(f"{db}: cannot open the archive: {reason}")
    sys.exit(2)


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@fetched_at_option
@db_option
def ingest_command(paths: tuple[Path, ...], fetched_at: datetime | None, db: str) -> None:
    """Parse pages (files, or directories of .html/.htm/.txt files) and store them.

    The same file at the same fetch time is stored once however often it is ingested. Files
    that hold no page are named on stderr and the exit status is 1; the others are stored.
    """
    from .store.files import ingest_files

    with open_archive_or_exit(db) as archive:
        summary = ingest_files(
            archive, paths, fetched_at, on_error=lambda path, why: error(f"{path}: {why}")
        )
    click.echo(f"newsarchive: ingested {summary.line()}", err=True)
    if summary.failed:
        sys.exit(1)


@cli.group("db")
def db_group() -> None:
    """The archive's schema (Alembic revisions shipped with newsarchive)."""


@db_group.command("upgrade")
@db_option
def db_upgrade_command(db: str) -> None:
    """Create the archive or bring its schema to this newsarchive's newest revision."""
    with open_archive_or_exit(db, upgrade_to_heads=True) as archive:
        click.echo(f"{db}: at revision {', '.join(archive.revisions())} (newest)")


@db_group.command("current")
@db_option
def db_current_command(db: str) -> None:
    """Show the archive's schema revision and whether it is the newest this tool knows."""
    from .store.archive import archive_status
    from .store.db import ArchiveError

    try:
        revisions, state = archive_status(db)
    except ArchiveError as exc:
        error(f"{db}: {exc}")
        sys.exit(2)
    click.echo(f"{db}: {', '.join(revisions) or 'no schema yet'} ({state})")
