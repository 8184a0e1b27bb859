"""A crawl run: sources -> frontier -> fetch -> parse_page -> archive, and its summary.

A source is a section listing (its next pages are followed up to `pages`), a feed, or an
article page; the article links found on sources go into the frontier, and every due article
is fetched once, parsed and stored with its sidebar. Sources are fetched every run
(conditionally, with the stored ETag / Last-Modified); archived articles are not fetched again
unless `refresh` is set. Links found on article pages that were not sources are not followed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Connection

from ..items import ParsedPage
from ..parse import parse_page
from ..store.archive import Archive, parser_version
from ..store.db import with_retries
from ..store.ingest import IngestResult, PageRecord, store_pages
from ..urls import normalize_url
from .discover import Discovery, discover, looks_like_feed
from .frontier import Frontier, StoredResponse
from .http import HttpClient, HttpPolicy, Response
from .robots import Robots

log = logging.getLogger("newsarchive.crawl")
Progress = Callable[[Sequence[str]], Iterable[str]]
# Parsed pages are stored in batches (one transaction each, whole pages only): this many pages,
# or what was fetched in this many seconds, whichever comes first.
BATCH_PAGES = 50
BATCH_SECONDS = 2.0


@dataclass(frozen=True)
class CrawlOptions:
    pages: int = 3  # listing pages per listing source, the first included
    refresh: bool = False  # fetch archived articles again
    policy: HttpPolicy = field(default_factory=HttpPolicy)


@dataclass
class CrawlSummary:
    """What a run did. `failures` holds (url, error) of every page that failed."""

    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    new_items: int = 0
    sightings: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (f"fetched {self.fetched}, not modified {self.not_modified}, failed {self.failed}, "
                f"new items {self.new_items}, sightings {self.sightings} in {self.seconds:.1f} s")


def normalize_sources(sources: Iterable[str]) -> list[str]:
    """Sources as normalized URLs; UnsupportedURL names the first one that is not http(s)."""
    return list(dict.fromkeys(normalize_url(source) for source in sources))


def read_sources_file(text: str) -> list[str]:
    """One source per line; blank lines and `#` comments (whole-line or trailing) ignored."""
    sources = []
    for line in text.removeprefix("\ufeff").splitlines():  # a byte-order mark from Notepad
        line = line.split(" #")[0].strip()
        if line and not line.startswith("#"):
            sources.append(line)
    return sources


def crawl(archive: Archive, sources: Sequence[str], options: CrawlOptions | None = None,
          progress: Progress | None = None) -> CrawlSummary:
    """Crawl the sources (URLs) into the archive; see the module docstring."""
    with _Run(archive, options or CrawlOptions()) as run:
        for source in normalize_sources(sources):
            run.crawl_source(source)
        run.fetch_due(progress)
        return run.finish()


def fetch(archive: Archive, urls: Sequence[str], options: CrawlOptions | None = None,
          progress: Progress | None = None) -> CrawlSummary:
    """Fetch, parse and store exactly the given pages (no discovery)."""
    with _Run(archive, options or CrawlOptions()) as run:
        targets = normalize_sources(urls)
        run.frontier.add(targets, None, None, run.now())
        for url in progress(targets) if progress else targets:
            run.visit(url, source=True)
        return run.finish()


@dataclass(frozen=True)
class _Parsed:
    """A fetched document waiting to be stored: its URLs (requested, final), response, page."""

    urls: list[str]
    response_id: int
    page: ParsedPage | None  # None for feeds
    body: bytes
    kind: str | None


class _Run:
    def __init__(self, archive: Archive, options: CrawlOptions) -> None:
        self.archive = archive
        self.options = options
        self.frontier = Frontier(archive.engine)
        self.client = HttpClient(options.policy)
        self.robots = Robots(self.client)
        self.summary = CrawlSummary()
        self.started = time.monotonic()
        self.refresh: set[str] = set()  # archived articles to fetch again (--refresh)
        self.visited: set[str] = set()  # fetched this run: nothing twice
        self.queued: list[_Parsed] = []  # parsed, response stored, page not yet stored
        self.queued_since = 0.0

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    @staticmethod
    def now() -> datetime:
        return datetime.now(timezone.utc).replace(microsecond=0)

    def finish(self) -> CrawlSummary:
        self.flush()
        self.summary.seconds = time.monotonic() - self.started
        return self.summary

    # --- sources ---------------------------------------------------------------------------
    def crawl_source(self, source: str) -> None:
        self.frontier.add([source], None, None, self.now())
        entry = self.frontier.get(source)
        if entry is not None and entry.waiting(self.now()):  # cron runs more often than that
            log.info("not due before %s (it failed): %s", entry.next_due_at, source)
            return
        page_url, discovered_from = source, None
        for _ in range(max(self.options.pages, 1)):
            if discovered_from is not None:
                self.frontier.add([page_url], "listing", discovered_from, self.now())
            found = self.visit(page_url, source=True, named=discovered_from is None)
            if found is None:
                return
            self._add_articles(found.articles, page_url)
            following = [url for url in found.next_pages if url not in self.visited]
            if found.is_feed or not following:
                return
            page_url, discovered_from = following[0], page_url

    def _add_articles(self, articles: list[str], found_on: str) -> None:
        self.frontier.add(articles, "article", found_on, self.now())
        if self.options.refresh:
            self.refresh.update(articles)

    # --- articles --------------------------------------------------------------------------
    def fetch_due(self, progress: Progress | None = None) -> None:
        due = [url for url in self.frontier.due(self.now()) if url not in self.visited]
        due += sorted(self.refresh - set(due) - self.visited)
        for url in progress(due) if progress else due:
            self.visit(url, source=False)

    # --- one URL ---------------------------------------------------------------------------
    def visit(self, url: str, *, source: bool, named: bool | None = None) -> Discovery | None:
        """Fetch (or resume) one URL and store it; its links when it is a source.

        `named`: the user named the URL (a source, not a next page): robots.txt refusing it is
        then an error, not a skipped link."""
        if url in self.visited:
            return None
        self.visited.add(url)
        entry = self.frontier.get(url)
        if entry is not None and entry.state == "fetched":
            stored = self.frontier.latest_response(url)
            if stored is not None:  # a killed run stored the response but not the page
                return self._store(url, stored.id, stored.response, source)
        rules = self.robots.rules_for(url)
        if rules.unreachable:
            self._fail(url, Response(url, url, None, error=rules.unreachable), count=False)
            return None
        if not rules.allows(url):
            self._disallowed(url, source if named is None else named)
            return None
        conditional = source or url in self.refresh
        response = self.client.get(
            url,
            etag=entry.etag if entry and conditional else None,
            last_modified=entry.last_modified if entry and conditional else None,
            allow=self.robots.allows,
            have=None if conditional else self.frontier.is_archived,
        )
        response.fetched_at = response.fetched_at.replace(microsecond=0)
        if response.not_modified:
            return self._not_modified(url, response, source)
        if response.redirected:
            log.info("%s redirects to %s, archived already", url, response.final_url)
            self.flush()  # the target's page may still be queued: its id is needed
            self.frontier.mark_redirected(url, response)
            return None
        if not response.ok:
            self._fail(url, response)
            return None
        kind = "feed" if looks_like_feed(response.body or b"", response.content_type) else None
        response_id = self.frontier.store_response(url, response, kind)
        return self._store(url, response_id, response, source)

    def _store(self, url: str, response_id: int, response: Response,
               source: bool) -> Discovery | None:
        """Parse a stored response and queue the page for storing; its links when a source.

        A redirect's target is marked done with the URL, so it is not fetched again as a link
        of its own.
        """
        body = response.body or b""
        self.summary.fetched += 1
        log.info("fetched %s (%d bytes)", url, len(body))
        urls = list(dict.fromkeys([url, response.final_url]))
        if len(urls) > 1:
            self.frontier.add(urls[1:], None, url, self.now())
            self.visited.update(urls)
        if looks_like_feed(body, response.content_type):
            self._queue(_Parsed(urls, response_id, None, body, "feed"))
            return discover(body, response.final_url, response.content_type) if source else None
        page = parse_page(body, response.fetched_at, response.final_url,
                          http_charset=response.charset)
        for warning in page.warnings:
            log.info("%s: %s", url, warning)
        if not page.is_page:
            log.warning("not a wire page, kept unparsed: %s", url)
        self._queue(_Parsed(urls, response_id, page, body,
                            {"listing": "listing", "article": "article"}.get(page.kind)))
        return (discover(body, response.final_url, response.content_type, page, response.charset)
                if source else None)

    def _queue(self, parsed: _Parsed) -> None:
        if not self.queued:
            self.queued_since = time.monotonic()
        self.queued.append(parsed)
        if (len(self.queued) >= BATCH_PAGES
                or time.monotonic() - self.queued_since >= BATCH_SECONDS):
            self.flush()

    def flush(self) -> None:
        """Store the queued pages and mark their URLs done: one transaction, whole pages."""
        batch, self.queued = self.queued, []
        if not batch:
            return
        pages = [entry for entry in batch if entry.page is not None and entry.page.is_page]
        version = parser_version()

        def work(connection: Connection) -> list[IngestResult]:
            records = [PageRecord.of(page, entry.body, version) for entry in pages if (page := entry.page)]
            results = store_pages(connection, records) if records else []
            page_ids = {id(entry): result.page_id for entry, result in zip(pages, results)}
            for entry in batch:
                for url in entry.urls:
                    self.frontier.mark_done(connection, url, entry.response_id,
                                            page_ids.get(id(entry)), entry.kind)
            return results

        for result in with_retries(self.archive.engine, work):
            self.summary.new_items += result.new_items
            self.summary.sightings += result.sightings

    def _not_modified(self, url: str, response: Response, source: bool) -> Discovery | None:
        self.summary.not_modified += 1
        log.info("not modified: %s", url)
        self.frontier.mark_not_modified(url, response)
        if not source:
            return None
        stored = self.frontier.latest_response(url)
        if stored is None:
            return None
        return self._links_of(stored)

    def _links_of(self, stored: StoredResponse) -> Discovery:
        response = stored.response
        page = None
        if not looks_like_feed(stored.body, response.content_type):
            page = parse_page(stored.body, stored.fetched_at, stored.final_url,
                              http_charset=response.charset)
        return discover(stored.body, stored.final_url, response.content_type, page,
                        response.charset)

    def _disallowed(self, url: str, named: bool) -> None:
        response = Response(url, url, None, error="disallowed by robots.txt", permanent=True)
        if named:
            self._fail(url, response)
        else:
            log.info("skipped, disallowed by robots.txt: %s", url)
            self.frontier.mark_failed(url, response, self.now())

    def _fail(self, url: str, response: Response, *, count: bool = True) -> None:
        state = self.frontier.mark_failed(url, response, self.now(), count=count)
        error = response.error or f"HTTP {response.status}"
        if state == "given_up":
            error += " (given up)"
        self.summary.failed += 1
        self.summary.failures.append((url, error))
        log.error("failed %s: %s", url, error)
