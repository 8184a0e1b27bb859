"""The `newsarchive` command line: argument handling and output only.

Each command calls one library function (parse, store, fetch, query) and prints its result.
Errors the user must act on are one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import click

from . import __version__

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
