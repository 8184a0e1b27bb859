"""The `newsarchive` command line: argument handling and output only.

Each command calls one library function (parse, store, fetch, query) and prints its result.
Errors the user must act on are one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from . import __version__
from .items import to_utc

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
