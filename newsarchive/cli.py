"""The `newsarchive` command line: argument handling and output only.

Each command calls one library function (parse, store, fetch, query) and prints its result.
Errors the user must act on are one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .terminal import print_line
from .values import ItemKind, to_utc

if TYPE_CHECKING:
    from .store.archive import Archive
    from .store.reader import ArchiveReader

DEFAULT_DB = "newsarchive.db"

db_option = click.option(
    "--db",
    envvar="NEWSARCHIVE_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="Archive: a SQLite file path or any SQLAlchemy URL (env NEWSARCHIVE_DB).",
)


def error(message: str) -> None:
    """One readable line on stderr (above the progress line, when one is shown)."""
    print_line(f"newsarchive: {message}")


class NewsarchiveGroup(click.Group):
    """The root command: every usage error of every command (unknown option, missing
    argument, bad choice or number, ...) is one line on stderr and exit status 2, instead of
    click's usage, hint and error lines; click's other errors are one line too, and a Ctrl-C
    no command handles is `interrupted`, exit status 130. A group given no command still
    shows its help."""

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        given = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(given, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(2)
        except click.UsageError as exc:
            error(usage_error_line(exc, self, given))
            sys.exit(2)
        except click.ClickException as exc:
            error(" ".join(exc.format_message().split()))
            sys.exit(exc.exit_code)
        except click.Abort:
            error("aborted")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C where the command does not handle it itself
            error("interrupted")
            sys.exit(130)


def usage_error_line(exc: click.UsageError, root: click.Group, args: list[str]) -> str:
    """`query: Invalid value for '--limit': 'x' is not a valid integer (help: newsarchive
    query -h)`: the command, click's message on one line, where help is."""
    names: list[str] = []
    if exc.ctx is not None:
        ctx: click.Context | None = exc.ctx
        while ctx is not None and ctx.parent is not None:
            names.insert(0, ctx.info_name or "")
            ctx = ctx.parent
    else:  # raised by the option parser, before the command's context existed
        command: click.Command = root
        for arg in args:
            if not isinstance(command, click.Group) or arg not in command.commands:
                break
            command = command.commands[arg]
            names.append(arg)
    message = " ".join(exc.format_message().split()).removesuffix(".")
    where = " ".join(["newsarchive", *names])
    return f"{' '.join(names) + ': ' if names else ''}{message} (help: {where} -h)"


@click.group(cls=NewsarchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
def cli() -> None:
    """Scrape ANP-style news-wire pages into a structured, deduplicated archive.

    \b
    Examples:
        newsarchive ingest fixtures/ --fetched-at 2026-03-17T12:00:00Z
        newsarchive query --agency AFP --since 24h
        newsarchive crawl --sources sources.txt --log-file crawl.log
    """


# Commands are added below, one section per stage: parse, store (ingest, db), fetch (fetch,
# crawl), query (query, show, stats).


# --- parse -------------------------------------------------------------------------------


FIRST_FETCH_YEAR, LAST_FETCH_YEAR = 1900, 9998


def _iso_datetime(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """`--fetched-at`: ISO 8601; a time without offset is UTC; `Z` accepted."""
    if value is None:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = to_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}") from None
    if not FIRST_FETCH_YEAR <= moment.year <= LAST_FETCH_YEAR:
        # Ages count back from it (`3 jaar geleden`): a moment near the calendar's ends has none.
        raise click.BadParameter(
            f"{value!r} is not a plausible fetch time (years {FIRST_FETCH_YEAR}-{LAST_FETCH_YEAR})")
    return moment


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

    \b
    Examples:
        newsarchive parse page.html --url https://regio.example.nl/nieuws/x
        newsarchive parse dumps/*.txt --fetched-at 2026-03-17T12:00:00Z | jq .title
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


def database_reason(exc: Exception) -> str:
    """The first line of what the database driver said (store.db, imported when needed)."""
    from .store.db import database_reason as reason

    return reason(exc)


@contextmanager
def archive_errors(db: str) -> Iterator[None]:
    """What the archive or its driver raises, as one line on stderr and exit status 2."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from .store.db import ArchiveError, is_malformed

    try:
        yield
    except ArchiveError as exc:
        error(f"{db}: {exc}")
    except ImportError as exc:  # a URL whose driver is not installed (mysql://, ...)
        error(f"{db}: cannot open the archive: its database driver is not installed ({exc})")
    except (ArgumentError, SQLAlchemyError) as exc:
        if is_malformed(exc):
            error(f"{db}: the archive is damaged ({database_reason(exc)}); see `newsarchive db check`")
        else:
            error(f"{db}: the archive failed: {database_reason(exc)}")
    else:
        return
    sys.exit(2)


def open_archive_or_exit(db: str, **options: Any) -> Archive:
    """The archive `--db` names, to write (created when new), or one line and exit status 2."""
    from .store.archive import open_archive

    with archive_errors(db):
        return open_archive(db, **options)
    raise AssertionError("unreachable")


def open_reader_or_exit(db: str) -> ArchiveReader:
    """The archive `--db` names, to read (never created nor changed), or one line and exit 2."""
    from .store.reader import open_reader

    with archive_errors(db):
        return open_reader(db)
    raise AssertionError("unreachable")


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@fetched_at_option
@click.option("--url", default=None,
              help="The URL the page was fetched from (one file only): stored with the page and "
                   "used to resolve its links.")
@db_option
def ingest_command(paths: tuple[Path, ...], fetched_at: datetime | None, url: str | None,
                   db: str) -> None:
    """Parse pages (files, or directories of .html/.htm/.txt files) and store them.

    The same file at the same fetch time is stored once however often it is ingested. Each
    stored page keeps the file's path. Files that hold no page are named on stderr and the
    exit status is 1; the others are stored.

    \b
    Examples:
        newsarchive ingest saved-pages/ --fetched-at 2026-03-17T12:00:00Z
        newsarchive ingest page.html --url https://regio.example.nl/nieuws/x
    """
    from sqlalchemy.exc import SQLAlchemyError

    from .pipeline import IngestSummary, ingest_files

    if url is not None and (len(paths) != 1 or paths[0].is_dir()):
        error("--url names the URL of one page: give exactly one file with it")
        sys.exit(2)
    summary = IngestSummary()
    with open_archive_or_exit(db) as archive, _warc_progress(paths) as progress:
        try:
            ingest_files(archive, paths, fetched_at,
                         on_error=lambda path, why: error(f"{path}: {why}"), summary=summary,
                         url=url, progress=progress)
        except KeyboardInterrupt:
            error(f"interrupted; kept what was stored: {summary.line()}")
            sys.exit(130)
        except SQLAlchemyError as exc:
            error(f"{db}: the archive failed: {database_reason(exc)}; "
                  f"kept what was stored: {summary.line()}")
            sys.exit(2)
    click.echo(f"newsarchive: ingested {summary.line()}", err=True)
    if summary.failed:
        sys.exit(1)


def _warc_progress(paths: tuple[Path, ...]) -> Any:
    """Progress over the bytes of the WARC files among `paths`, on a terminal only."""
    from .store.files import is_warc, page_files

    return _progress_bar("importing WARC", lambda: sum(
        path.stat().st_size for path in page_files(paths) if is_warc(path) and path.is_file()))


@contextmanager
def _progress_bar(label: str, total: Callable[[], int], noun: str | None = None
                  ) -> Iterator[Callable[[int], None] | None]:
    """`with _progress_bar(label, total) as progress`: a status line on stderr that `progress(n)`
    moves n of `total()` on (bytes, or `noun`s); on a terminal only (`total` is not even asked
    otherwise), else None. Messages printed meanwhile go above it (newsarchive.terminal)."""
    from .terminal import share_meter, status_line

    length = total() if _stderr_is_terminal() else 0
    if not length:
        yield None
        return
    with status_line() as status:
        yield share_meter(status, label, length, noun)


@cli.group("db")
def db_group() -> None:
    """The archive's schema (Alembic revisions shipped with newsarchive).

    \b
    Examples:
        newsarchive db current
        newsarchive db check --full
    """


@db_group.command("upgrade")
@db_option
def db_upgrade_command(db: str) -> None:
    """Create the archive or bring its schema to this newsarchive's newest revision.

    \b
    Example:
        newsarchive db upgrade --db newsarchive.db
    """
    with open_archive_or_exit(db, upgrade_to_heads=True) as archive:
        click.echo(f"{db}: at revision {', '.join(archive.revisions())} (newest)")


@db_group.command("current")
@db_option
def db_current_command(db: str) -> None:
    """Show the archive's schema revision and whether it is the newest this tool knows.

    \b
    Example:
        newsarchive db current --db postgresql+psycopg://postgres@127.0.0.1/news
    """
    from .store.reader import archive_status

    with archive_errors(db):
        revisions, state = archive_status(db)
    click.echo(f"{db}: {', '.join(revisions)} ({state})")


@db_group.command("check")
@click.option("--full", is_flag=True,
              help="SQLite's integrity_check (reads every index too; slower) instead of quick_check.")
@db_option
def db_check_command(full: bool, db: str) -> None:
    """Check that the SQLite file is sound (PRAGMA quick_check, or integrity_check with --full).

    Exit status 0 when it is, 1 when SQLite reports damage (the first problems are printed),
    2 when there is no archive. A damaged archive is refused by every writing command: restore
    a copy, or recover it with: sqlite3 archive.db .recover | sqlite3 recovered.db

    \b
    Example:
        newsarchive db check --db newsarchive.db --full
    """
    from .store.db import ArchiveDamaged
    from .store.reader import integrity_problems, read_only_engine

    with archive_errors(db):
        try:
            engine = read_only_engine(db)
        except ArchiveDamaged as exc:
            error(f"{db}: damaged: {exc}")
            sys.exit(1)
        if engine.dialect.name != "sqlite":
            engine.dispose()
            click.echo(f"{db}: nothing to check: the database server keeps its own files sound")
            return
        try:
            problems = integrity_problems(engine, full=full)
        finally:
            engine.dispose()
    if not problems:
        click.echo(f"{db}: ok ({'integrity_check' if full else 'quick_check'})")
        return
    for problem in problems[:10]:
        error(f"{db}: damaged: {problem}")
    sys.exit(1)


# --- fetch: fetch, crawl --------------------------------------------------------------------


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    from .fetch.settings import parse_duration

    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _fetch_options(command: Any) -> Any:
    """The options `fetch` and `crawl` share: politeness, concurrency, cron behaviour, output."""
    options = [
        click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     metavar="SECONDS",
                     help="At least this long between two requests to one host, across all "
                          "workers and crawls of the archive (a longer robots.txt Crawl-delay "
                          "wins)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0,
                     show_default=True, metavar="SECONDS",
                     help="Deadline of one attempt at a URL: connect, headers and body together."),
        click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
                     help="Further attempts after a connection error, 429 or 5xx."),
        click.option("--contact", default=None, metavar="URL",
                     help="Contact URL in our User-Agent (newsarchive/<version> (+URL))."),
        click.option("--ca-certs", type=click.Path(exists=True, dir_okay=False), default=None,
                     metavar="FILE",
                     help="Check HTTPS servers against the certificates in this PEM file "
                          "(default: certifi's, else the system's)."),
        click.option("--workers", type=click.IntRange(min=1, max=256), default=1,
                     show_default=True,
                     help="URLs fetched at once by this process (never two at once per host)."),
        click.option("--max-runtime", callback=_duration, metavar="DURATION",
                     help="Stop claiming new URLs this long after the start (90s, 10m, 2h); "
                          "pages in hand are finished."),
        click.option("--max-crawl-delay", type=click.FloatRange(min=0), default=60.0,
                     show_default=True, metavar="SECONDS",
                     help="Skip, for this run, a host whose robots.txt asks for a longer "
                          "Crawl-delay."),
        click.option("--wait", is_flag=True,
                     help="Before ending, also wait for the URLs other crawls of the archive "
                          "hold: until they are done, or their claim runs out and this run "
                          "takes them over."),
        click.option("--quiet", "-q", is_flag=True, help="Print only errors."),
        click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also log every request and its outcome to this file."),
        db_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run_fetching(db: str, quiet: bool, log_file: Path | None, work: Any) -> None:
    """Set up output, run `work(archive, progress)`, report and exit."""
    import logging

    logger = logging.getLogger("newsarchive.crawl")
    handlers = _log_handlers(quiet, log_file)
    for handler in handlers:
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        with resumable_errors(db), open_archive_or_exit(db) as archive, \
                _fetch_progress(quiet) as progress:
            summary = work(archive, progress)
    except SystemExit as exc:
        if exc.code == 130:  # Ctrl-C: the log says so too (INFO: the console already did)
            logger.info("INTERRUPTED the next run resumes where this one stopped")
        raise
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
            handler.close()
    if log_file is not None:
        with open(log_file, "a", encoding="utf-8") as handle:
            handle.write(f"{log_time(datetime.now().timestamp())} SUMMARY {summary.line()}\n")
    if not quiet:
        click.echo(summary.line(), err=True)
    if summary.failed:
        sys.exit(1)


@contextmanager
def resumable_errors(db: str) -> Iterator[None]:
    """For commands a rerun resumes: Ctrl-C and a failing archive as one line and an exit."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except KeyboardInterrupt:
        error("interrupted; the next run resumes where this one stopped")
        sys.exit(130)
    except SQLAlchemyError as exc:
        error(f"{db}: the archive failed: {database_reason(exc)}; the next run resumes")
        sys.exit(2)


def log_time(timestamp: float) -> str:
    """The one time format of the log file: ISO 8601, local time with its offset, seconds."""
    return datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def _log_file_formatter() -> Any:
    """`<log_time> LEVEL message`: every line of the log file in one time format."""
    import logging

    class IsoFormatter(logging.Formatter):
        def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
            return log_time(record.created)

        def format(self, record: logging.LogRecord) -> str:
            """A traceback's lines (a crashed handler's) start with the time and level too."""
            first, *more = super().format(record).splitlines() or [""]
            head = f"{self.formatTime(record)} {record.levelname} "
            return "\n".join([first, *(head + "  " + line for line in more)])

    return IsoFormatter("%(asctime)s %(levelname)s %(message)s")


def _log_handlers(quiet: bool, log_file: Path | None) -> list[Any]:
    import logging

    class Console(logging.Handler):
        """Warnings on stderr, above the progress line."""

        def emit(self, record: logging.LogRecord) -> None:
            try:
                print_line(self.format(record))
            except Exception:  # noqa: BLE001 - logging's own rule: never raise from emit
                self.handleError(record)

    console = Console()
    console.setLevel(logging.ERROR if quiet else logging.WARNING)
    console.setFormatter(logging.Formatter("newsarchive: %(message)s"))
    handlers: list[logging.Handler] = [console]
    if log_file is not None:
        try:
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            error(f"cannot open the log file: {exc}")
            sys.exit(2)
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(_log_file_formatter())
        handlers.append(file_handler)
    return handlers


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def _fetch_progress(quiet: bool) -> Iterator[Any]:
    """A counter on the terminal, moved on by each URL the workers finish (None: no terminal)."""
    from .terminal import counter, status_line

    if quiet or not _stderr_is_terminal():
        yield None
        return
    with status_line() as status:
        yield counter(status, "fetching", "URL")


def _crawl_settings(options: dict[str, Any], **crawl: Any) -> Any:
    """The CrawlSettings of the shared options (and the crawl-only ones in `crawl`)."""
    from .fetch.http import DEFAULT_CONTACT, HttpPolicy
    from .fetch.settings import CrawlSettings

    policy = HttpPolicy(delay=options["delay"], timeout=options["timeout"],
                        retries=options["retries"],
                        contact=options["contact"] or DEFAULT_CONTACT,
                        ca_certs=options["ca_certs"])
    return CrawlSettings(workers=options["workers"], max_runtime=options["max_runtime"],
                         max_crawl_delay=options["max_crawl_delay"], wait=options["wait"],
                         policy=policy, **crawl)


def _checked_urls(urls: list[str]) -> list[str]:
    """The URLs normalized, or one line naming the bad one and exit status 2."""
    from .fetch.crawl import normalize_sources
    from .urls import UnsupportedURL

    try:
        return normalize_sources(urls)
    except UnsupportedURL as exc:
        error(str(exc))
        sys.exit(2)


@cli.command("fetch")
@click.argument("urls", nargs=-1, required=True)
@_fetch_options
def fetch_command(urls: tuple[str, ...], **options: Any) -> None:
    """Fetch, parse and store the given pages (politely: robots.txt, delay, retries).

    Exit status 0 when all went well, 1 when some pages failed (each named on stderr), 2 for
    usage or configuration errors. The last line sums up the run.

    \b
    Example:
        newsarchive fetch https://regio.example.nl/nieuws/een-artikel --delay 2
    """
    from .fetch.crawl import fetch

    targets = _checked_urls(list(urls))
    settings = _crawl_settings(options, pages=1)
    _run_fetching(options["db"], options["quiet"], options["log_file"],
                  lambda archive, progress: fetch(archive, targets, settings, progress))


@cli.command("crawl")
@click.argument("sources", nargs=-1)
@click.option("--sources", "sources_file", type=click.File("r", encoding="utf-8"),
              help="Read sources from this file: one URL a line, # comments.")
@click.option("--pages", type=click.IntRange(min=1), default=3, show_default=True,
              help="Listing pages to read per listing source (next-page links followed).")
@click.option("--refresh", is_flag=True, help="Fetch archived articles again (conditionally).")
@click.option("--max-new-links", type=click.IntRange(min=0), default=1000, show_default=True,
              help="New URLs one source may add to the frontier in one run.")
@_fetch_options
def crawl_command(sources: tuple[str, ...], sources_file: Any, pages: int, refresh: bool,
                  max_new_links: int, **options: Any) -> None:
    """Crawl sources (section listings, RSS/Atom feeds, article pages) into the archive.

    Article links on the sources (teasers, sidebar items, feed entries on the same site) are
    fetched once, parsed and stored; listings are fetched every run. Made for cron: crawls
    that overlap share the work (no URL fetched twice, each host's delay kept across all of
    them); a killed run's URLs return to the others. Exit status 0 when all went well, 1 when
    some pages failed (each named on stderr), 2 for usage or configuration errors.

    \b
    Examples:
        newsarchive crawl https://regio.example.nl/nieuws/buitenland --pages 2
        newsarchive crawl --sources sources.txt --quiet --log-file crawl.log
    """
    from .fetch.crawl import crawl, read_sources_file

    listed = list(sources) + (read_sources_file(sources_file.read()) if sources_file else [])
    if not listed:
        error("no sources: give URLs or --sources FILE")
        sys.exit(2)
    targets = _checked_urls(listed)
    settings = _crawl_settings(options, pages=pages, refresh=refresh,
                               max_new_links=max_new_links)
    _run_fetching(options["db"], options["quiet"], options["log_file"],
                  lambda archive, progress: crawl(archive, targets, settings, progress))


# --- reparse ------------------------------------------------------------------------------


@cli.command("reparse")
@click.option("--all", "everything", is_flag=True, help="Parse every page again.")
@click.option("--parser-older-than", metavar="VERSION",
              help="Parse again the pages an older parser read (default: older than this one).")
@click.option("--since", callback=_iso_datetime, metavar="ISO8601",
              help="Only pages fetched at or after this moment.")
@click.option("--until", callback=_iso_datetime, metavar="ISO8601",
              help="Only pages fetched at or before this moment.")
@click.option("--shard", default="0/1", show_default=True, metavar="I/N",
              help="Parse only the pages whose id is I modulo N (N processes or machines).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Parser processes.")
@db_option
def reparse_command(everything: bool, parser_older_than: str | None, since: datetime | None,
                    until: datetime | None, shard: str, workers: int, db: str) -> None:
    """Derive the archive again from its raw bytes with this newsarchive's parser.

    The selected pages are parsed again, then the archive is rebuilt from every page in fetch
    order: as if all its raw material had been ingested afresh. Item ids stay. Killed, it
    resumes on the next run; shards share the work and the last one rebuilds.

    \b
    Examples:
        newsarchive reparse
        newsarchive reparse --all --workers 2
    """
    from .reparse import ReparseError, Selection, Shard, pages_to_parse, reparse

    if everything and parser_older_than:
        error("give --all or --parser-older-than, not both")
        sys.exit(2)
    try:
        chosen = Shard.parse(shard)
    except ReparseError as exc:
        error(str(exc))
        sys.exit(2)
    selection = Selection(everything, parser_older_than, since, until)
    with resumable_errors(db), open_archive_or_exit(db) as archive:
        try:
            with _progress_bar("reparsing", partial(pages_to_parse, archive, selection, chosen),
                               "page") as progress:
                summary = reparse(archive, selection, chosen, workers, progress)
        except ReparseError as exc:
            error(str(exc))
            sys.exit(1)
    click.echo(f"newsarchive: {summary.line()}", err=True)


# --- warc -----------------------------------------------------------------------------------


@cli.group("warc")
def warc_group() -> None:
    """WARC files (ISO 28500): export the archive's raw material. (Import: ingest FILE.warc.gz.)

    Examples:
        newsarchive warc export news.warc.gz --cdxj
        newsarchive ingest site.warc.gz
    """


@warc_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", callback=_iso_datetime, metavar="ISO8601",
              help="Only fetches at or after this moment.")
@click.option("--until", callback=_iso_datetime, metavar="ISO8601",
              help="Only fetches at or before this moment.")
@click.option("--cdxj", is_flag=True, help="Also write a CDXJ index beside it (OUT.cdxj).")
@db_option
def warc_export_command(out: Path, since: datetime | None, until: datetime | None, cdxj: bool,
                        db: str) -> None:
    """Write every fetch and ingested file as WARC/1.1 records (gzip, one member per record).

    The same archive always gives the same bytes (record ids derived from the fetches).

    Examples:
        newsarchive warc export news.warc.gz --cdxj
        newsarchive warc export day.warc.gz --since 2026-03-17T00:00Z --until 2026-03-18T00:00Z
    """
    from .warc import export_warc, write_cdxj

    partial_path = out.with_name(out.name + ".part")
    with resumable_errors(db), open_archive_or_exit(db) as archive:
        try:
            with open(partial_path, "wb") as handle:
                summary = export_warc(archive, handle, out.name, since, until)
            partial_path.replace(out)
            if cdxj:
                write_cdxj(out, out.with_name(out.name + ".cdxj"))
        except OSError as exc:
            error(f"{out}: cannot write: {exc.strerror or exc}")
            sys.exit(2)
    click.echo(f"newsarchive: wrote {out}: {summary.line()}", err=True)


# --- query: query, show, stats --------------------------------------------------------------


# Largest LIMIT, OFFSET and id the databases take (a signed 64-bit integer); larger is clamped.
MAX_INT64 = 2**63 - 1


# The output rule of every command that prints records (query, show, stats), stated once.
PIPED_FORMAT = "jsonl"
FORMAT_RULE = "a table on a terminal; JSON Lines (jsonl, one object a line) when piped or redirected"


def _format_option(choices: tuple[str, ...]) -> Any:
    return click.option("--format", "fmt", type=click.Choice(choices), default=None,
                        help=f"Output format. Default: {FORMAT_RULE}.")


def _chosen_format(fmt: str | None) -> str:
    return fmt or ("table" if sys.stdout.isatty() else PIPED_FORMAT)


@contextmanager
def output_to_stdout() -> Iterator[None]:
    """A reader that closed the pipe (`query | head -1`) ends the command quietly, status 0."""
    import os

    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Later flushes (at exit) must not complain either: stdout goes nowhere from here on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


class _Count(click.IntRange):
    """A count or an id: at least `min`; one beyond what the databases take is clamped."""

    def __init__(self, minimum: int) -> None:
        super().__init__(min=minimum)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return super().convert(min(click.INT.convert(value, param, ctx), MAX_INT64), param, ctx)


def _count_option(name: str, default: int, help_text: str, minimum: int = 1) -> Any:
    return click.option(name, type=_Count(minimum), default=default, show_default=True,
                        metavar="N", help=help_text)


@cli.command("query")
@click.option("--dateline", metavar="TEXT", help="The whole dateline, any case and accents: teheran.")
@click.option("--place", "places", multiple=True, metavar="TEXT",
              help="A place of the dateline: londen finds IZJOEM/LONDEN. Repeatable (all).")
@click.option("--agency", "agencies", multiple=True, metavar="TEXT",
              help="An agency: AFP finds ANP/AFP/RTR. Repeatable (all of them).")
@click.option("--section", metavar="TEXT",
              help="The section (any case): Buitenland, Sport, Middelburg...")
@click.option("--kind", type=click.Choice([kind.value for kind in ItemKind]),
              help="Lead articles only, or sidebar and listing teasers only.")
@click.option("--since", metavar="WHEN",
              help="Published at or after (window overlap): ISO date/time or 30m, 24h, 7d, 2w.")
@click.option("--until", metavar="WHEN",
              help="Published at or before (window overlap); a date means its whole day.")
@click.option("--by", type=click.Choice(["published", "seen"]), default="published",
              show_default=True,
              help="Time of --since/--until/--order: publication window or first sight.")
@click.option("--search", metavar="TEXT",
              help="Full-text search of title, dateline and body: every word must occur, as "
                   "written (Midden-Oosten, 16.00); accents and case folded.")
@click.option("--search-syntax", type=click.Choice(["words", "fts"]), default="words",
              show_default=True,
              help="fts: the database's own query syntax instead (SQLite FTS5: OR, NOT, "
                   "\"a phrase\", prefix*; PostgreSQL: websearch).")
@click.option("--order", type=click.Choice(["newest", "oldest", "relevance"]),
              default="newest", show_default=True,
              help="Newest or oldest first (on the --by axis), or best --search match first.")
@_count_option("--limit", 20, "How many items (or stories) to print at most.")
@_count_option("--offset", 0, "How many to skip first (for the next page).", minimum=0)
@click.option("--stories", is_flag=True,
              help="One row per story of the matching items (limit and offset count stories).")
@_format_option(("table", "json", "jsonl", "csv"))
@db_option
def query_command(dateline: str | None, places: tuple[str, ...], agencies: tuple[str, ...],
                  section: str | None, kind: str | None, since: str | None, until: str | None,
                  by: str, search: str | None, search_syntax: str, order: str, limit: int,
                  offset: int, stories: bool, fmt: str | None, db: str) -> None:
    """Items of the archive, filtered (all filters combine), newest first.

    \b
    Examples:
        newsarchive query --agency AFP --since 24h
        newsarchive query --place londen --search "drones" --format csv > londen.csv
        newsarchive query --section sport --by seen --order oldest --limit 100
    """
    from .query import ItemFilter, QueryError, iter_items, parse_moment
    from .query.output import write_items

    now = to_utc(datetime.now().astimezone())
    try:
        item_filter = ItemFilter(
            dateline=dateline, places=places, agencies=agencies, section=section,
            kind=kind,  # type: ignore[arg-type]
            since=parse_moment(since, now=now) if since is not None else None,
            until=parse_moment(until, now=now, end_of_day=True) if until is not None else None,
            by=by, search=search, search_syntax=search_syntax,  # type: ignore[arg-type]
            order=order, limit=limit, offset=offset,  # type: ignore[arg-type]
        )
        with open_reader_or_exit(db) as archive, archive_errors(db), output_to_stdout():
            if stories:
                from .query.output import write_stories
                from .query.stories import search_stories

                write_stories(search_stories(archive, item_filter), _chosen_format(fmt), sys.stdout)
            else:
                write_items(iter_items(archive, item_filter), _chosen_format(fmt), sys.stdout)
    except QueryError as exc:
        error(str(exc))
        sys.exit(2)


@cli.command("show")
@click.argument("item_id", type=_Count(0), metavar="ID")
@_format_option(("table", "json", "jsonl"))
@db_option
def show_command(item_id: int, fmt: str | None, db: str) -> None:
    """One item: its window and how it was derived, every sighting, the same story's article
    or teasers, and earlier titles or agency lists. A missing ID: one line, exit status 1.

    \b
    Example:
        newsarchive show 42 --format json
    """
    from .query.output import write_detail
    from .query.show import show_item

    with open_reader_or_exit(db) as archive, archive_errors(db):
        detail = show_item(archive, item_id)
    if detail is None:
        error(f"no item {item_id} in {db}")
        sys.exit(1)
    with output_to_stdout():
        write_detail(detail, _chosen_format(fmt), sys.stdout)


@cli.command("stats")
@_count_option("--top", 10, "How many datelines and warning pages to list.")
@_count_option("--days", 14, "How many recent days to count.")
@_format_option(("table", "json", "jsonl"))
@db_option
def stats_command(top: int, days: int, fmt: str | None, db: str) -> None:
    """Items and sightings per agency, dateline, section and day; fetch times; size; warnings.

    \b
    Example:
        newsarchive stats --top 20 --days 30
    """
    from .query.output import write_stats
    from .query.stats import archive_stats

    with open_reader_or_exit(db) as archive, archive_errors(db):
        stats = archive_stats(archive, top=top, days=days)
    with output_to_stdout():
        write_stats(stats, _chosen_format(fmt), sys.stdout)


# --- see: report, datasette --------------------------------------------------------------


@cli.command("report")
@click.option("--since", metavar="WHEN",
              help="Start of the period: ISO date/time or 30m, 24h, 7d, 2w before now. "
                   "Default: 7 days before --until.")
@click.option("--until", metavar="WHEN",
              help="End of the period, not included (a date: through its whole day). "
                   "Default: the end of the hour of the archive's newest sighting.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("report.html"), show_default=True, help="The HTML file to write.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write each chart's numbers as DIR/<chart>.csv.")
@db_option
def report_command(since: str | None, until: str | None, out: Path, csv_dir: Path | None,
                   db: str) -> None:
    """One self-contained HTML file (charts and their numbers) about a period of the archive:
    volume per agency and section, top datelines and places, how exact the times are, crawl
    health. Opens offline, also on a phone.

    \b
    Example:
        newsarchive report --since 7d --out week.html --csv week-csv/
    """
    from datetime import timedelta

    from sqlalchemy.exc import SQLAlchemyError

    from .query import QueryError, parse_moment
    from .query.filters import DATE_ONLY

    try:
        from .report import build_report, render_html, write_csvs
    except ImportError as exc:
        error(f"the report needs matplotlib ({exc.name} is missing): "
              "pip install 'newsarchive[report]'")
        sys.exit(2)
    now = to_utc(datetime.now().astimezone())
    try:
        start = parse_moment(since, now=now) if since else None
        end = parse_moment(until, now=now) if until else None
        if until and end is not None and DATE_ONLY.match(until.strip()):
            end += timedelta(days=1)  # a date: through its whole day
        with open_reader_or_exit(db) as archive:  # read only: no check of the whole file
            report = build_report(archive, start, end, now=now)
    except QueryError as exc:
        error(str(exc))
        sys.exit(2)
    except SQLAlchemyError as exc:
        error(f"{db}: the archive failed: {database_reason(exc)}")
        sys.exit(2)
    try:
        out.write_text(render_html(report), encoding="utf-8")
        written = write_csvs(report, csv_dir) if csv_dir is not None else []
    except OSError as exc:
        error(f"cannot write the report: {exc.strerror or exc}: {exc.filename}")
        sys.exit(2)
    click.echo(f"newsarchive: wrote {out} ({report.items} items, {len(report.sections)} charts"
               + (f"; {len(written)} CSV files in {csv_dir}" if written else "") + ")", err=True)


@cli.command("datasette")
@click.argument("archive", required=False, envvar="NEWSARCHIVE_DB", default=DEFAULT_DB)
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on; 0 takes a free one.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--metadata", "print_metadata", is_flag=True,
              help="Print the metadata (JSON) for datasette ARCHIVE --metadata FILE, and exit.")
def datasette_command(archive: str, port: int, host: str, print_metadata: bool) -> None:
    """Serve a SQLite archive in Datasette with our metadata: Items first (newest first,
    search, facets), descriptions of every table and column, canned queries.

    \b
    Example:
        newsarchive datasette newsarchive.db --port 8001
    """
    from .browse import database_name, datasette_metadata, serve
    from .store.db import ArchiveError
    from .store.reader import STATE_TEXT, archive_status

    path = Path(archive)
    if print_metadata:
        click.echo(json.dumps(datasette_metadata(database_name(path)), indent=2,
                              ensure_ascii=False))
        return
    if "://" in archive:
        error(f"{archive}: Datasette serves SQLite files only")
        sys.exit(2)
    if not path.is_file():
        error(f"{archive}: no archive there")
        sys.exit(2)
    try:
        _, state = archive_status(archive)
    except ArchiveError as exc:
        error(f"{archive}: {exc}")
        sys.exit(2)
    if state != STATE_TEXT["current"]:
        error(f"{archive}: the archive's schema is {state}")
        sys.exit(2)
    try:
        serve(path, host, port, lambda url: click.echo(f"newsarchive: Datasette at {url}",
                                                       err=True))
    except ImportError:
        error("Datasette is not installed: pip install 'newsarchive[datasette]'")
        sys.exit(2)
    except OSError as exc:
        error(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        sys.exit(2)
