"""A crawl run: sources -> frontier -> fetch -> pipeline (parse, store), and its summary.

A source is a section listing (its next pages are followed up to `pages`), a feed, or an
article page; the article links found on sources go into the frontier, and every due article
is fetched once, parsed and stored with its sidebar. Sources are fetched every run
(conditionally, with the stored ETag / Last-Modified) unless another crawl of the archive
fetched them since this run started; archived articles are not fetched again unless `refresh`
is set. Links found on article pages that were not sources are not followed.

`settings.workers` workers (threads) share the work of a run, and any number of runs
(processes, machines on PostgreSQL) share one archive: each worker claims one URL at a time
from the frontier with a lease on the URL and its host (frontier.py, politeness.py), so no URL
is fetched by two workers and no host is asked by two at once or sooner than its delay.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection

from ..items import ParsedPage, RawDocument
from ..parse import parse_page
from ..pipeline import parse_document, prepare, raw_document, store_records
from ..store.archive import Archive
from ..store.crawl_models import FrontierState, RunStatus, UrlKind
from ..store.db import database_reason, is_data_error, is_database_error, with_retries
from ..store.ingest import IngestResult, PageRecord
from ..urls import Credentials, host_of, normalize_url, split_credentials
from .clock import Clock, SystemClock, unix, wall_time_of
from .discover import Discovery, discover, looks_like_feed
from .errors import FailureReason, RobotsRefused, StatusError
from .frontier import Claim, Frontier, StoredResponse, Work
from .http import HttpClient, Response
from .politeness import Hosts, HostState
from .robots import HostRules, fetch_robots, robots_url_of, verdict
from .runs import HostCounts, Outcome, end_run, start_run
from .settings import CrawlSettings

log = logging.getLogger("newsarchive.crawl")
Progress = Callable[[str], None]  # called with each URL a worker has finished
REAP_INTERVAL = 5.0  # seconds between two looks for claims of crawls that are gone
CrawlOptions = CrawlSettings  # the name of the settings before they held every tunable


@dataclass
class CrawlSummary:
    """What a run did. `failures` holds (url, error) of every page that failed; `skipped_hosts`
    (host, why) the hosts left alone this run."""

    fetched: int = 0
    not_modified: int = 0
    failed: int = 0  # given up or not
    given_up: int = 0
    new_items: int = 0
    sightings: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped_hosts: list[tuple[str, str]] = field(default_factory=list)
    links_left_out: int = 0  # new links over --max-new-links, not queued
    stopped_at_deadline: bool = False  # --max-runtime ended the claiming
    hosts: dict[str, HostCounts] = field(default_factory=dict)  # the counts per host

    def count(self, url: str, outcome: Outcome) -> None:
        """One URL's outcome, counted for the run and for its host."""
        counts = self.hosts.setdefault(host_of(url), HostCounts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        if outcome == "given_up":
            self.failed += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def status(self) -> RunStatus:
        return RunStatus.SOME_FAILED if self.failed else RunStatus.OK

    def line(self) -> str:
        return (f"fetched {self.fetched}, not modified {self.not_modified}, failed {self.failed}, "
                f"new items {self.new_items}, sightings {self.sightings} in {self.seconds:.1f} s")


def normalize_sources(sources: Iterable[str]) -> list[str]:
    """Sources as normalized URLs; UnsupportedURL names the first one that is not http(s).
    A source may carry credentials (`user:password@`): the run takes them off (`_Run.named`)
    before the URL is stored or logged."""
    return list(dict.fromkeys(normalize_url(source, credentials=True) for source in sources))


def read_sources_file(text: str) -> list[str]:
    """One source per line; blank lines and `#` comments (whole-line or trailing) ignored."""
    sources = []
    for line in text.removeprefix("\ufeff").splitlines():  # a byte-order mark from Notepad
        line = line.split(" #")[0].strip()
        if line and not line.startswith("#"):
            sources.append(line)
    return sources


def crawl(archive: Archive, sources: Sequence[str], settings: CrawlSettings | None = None,
          progress: Progress | None = None, *, clock: Clock | None = None) -> CrawlSummary:
    """Crawl the sources (URLs) into the archive; see the module docstring."""
    return _run(archive, sources, settings or CrawlSettings(), progress, clock, crawling=True)


def fetch(archive: Archive, urls: Sequence[str], settings: CrawlSettings | None = None,
          progress: Progress | None = None, *, clock: Clock | None = None) -> CrawlSummary:
    """Fetch, parse and store exactly the given pages (no discovery)."""
    return _run(archive, urls, settings or CrawlSettings(), progress, clock, crawling=False)


def _run(archive: Archive, urls: Sequence[str], settings: CrawlSettings,
         progress: Progress | None, clock: Clock | None, *, crawling: bool) -> CrawlSummary:
    with _Run(archive, settings, clock or SystemClock(), progress, articles=crawling) as run:
        targets = run.named(urls)
        run_id = start_run(archive.engine, "crawl" if crawling else "fetch", run.owner,
                           len(targets), run.now())
        status = RunStatus.ERROR
        try:
            run.frontier.add(targets, None, None, run.now())
            for url in targets:
                run.want(_Wanted(url, url, settings.pages - 1 if crawling else 0, named=True,
                                 discover=crawling))
            summary = run.run()
            status = summary.status
            return summary
        except KeyboardInterrupt:
            status = RunStatus.INTERRUPTED
            raise
        finally:
            end_run(archive.engine, run_id, status, run.summary.hosts, run.summary.new_items,
                    run.summary.sightings, run.now())


@dataclass(frozen=True)
class _Wanted:
    """A URL this run fetches whatever its state: a source, a next page, a --refresh article."""

    url: str
    source: str  # the source it was found from (itself for a source): the --max-new-links unit
    pages_left: int  # listing pages still to follow after this one
    named: bool  # the user named it: robots.txt refusing it is an error, not a skipped link
    discover: bool  # take its links


@dataclass
class _Visit:
    """A host a job holds the lease of: its delay, its robots.txt verdict, and what to write to
    its row when the job ends."""

    delay: float
    rules: HostRules | None = None
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class _Job:
    """One claimed URL being handled by a worker: its host's visit, and those of the other
    hosts of the site its redirects lead to (`others`, leased for the job as well)."""

    claim: Claim
    wanted: _Wanted | None
    started: float  # monotonic: requests to a host sent since then are this job's
    visit: _Visit
    others: dict[str, _Visit] = field(default_factory=dict)
    released: bool = False  # the claim's host was released with the stored response

    def visits(self) -> dict[str, _Visit]:
        return {self.claim.host: self.visit, **self.others}


@dataclass(frozen=True)
class _Parsed:
    """A fetched document waiting to be stored: its URLs (requested, final), response, page."""

    urls: list[str]
    response_id: int
    page: ParsedPage | None  # None for feeds
    document: RawDocument
    kind: str | None


def blocks_host(response: Response) -> bool:
    """The answer asks for a pause of the whole host: a 429 (too many requests: from us), or a
    503 without Retry-After (the server is overloaded). A 503 with Retry-After is about the
    resource: that URL waits as long as asked (frontier.py), the host's other pages do not."""
    return response.status == 429 or (response.status == 503 and response.retry_after is None)


def is_page_fault(exc: Exception) -> bool:
    """The exception is the business of the page being handled (a value the archive refuses,
    a bug on a page no code expected): recorded against its URL, and the run goes on. Any other
    error of the database is the archive's: the run stops with one line."""
    return not is_database_error(exc) or is_data_error(exc)


def worker_id() -> str:
    """`host:pid:random`: who holds a lease (the pid lets a run on the same machine see that
    the holder is gone)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _process_is_gone(owner: str) -> bool:
    name, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if name != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists (another user's)
        return False
    return False


class _Run:
    def __init__(self, archive: Archive, settings: CrawlSettings, clock: Clock,
                 progress: Progress | None, *, articles: bool) -> None:
        self.archive = archive
        self.settings = settings
        self.clock = clock
        self.progress = progress
        self.articles = articles
        self.frontier = Frontier(archive.engine, archive.codec)
        self.hosts = Hosts(archive.engine, settings.backoff)
        self.owner = worker_id()
        self.summary = CrawlSummary()
        self.started = clock.monotonic()
        # sources are not fetched again when another crawl fetched them since we started
        self.fresh_since = clock.now() if articles else None
        self.deadline = (None if settings.max_runtime is None
                         else self.started + settings.max_runtime)
        self.looking = threading.Lock()  # held by the one idle worker looking for work
        # set when a job releases its host: the idle worker looks again once that host may be
        # asked (`look_at`, monotonic: the archive cannot say when one of our hosts becomes
        # free, we can)
        self.released = threading.Event()
        self.lock = threading.RLock()  # the fields below
        self.look_at = math.inf
        self.wanted: dict[str, _Wanted] = {}
        self.visited: set[str] = set()  # claimed this run: nothing twice
        self.skipped: dict[str, str] = {}  # host -> why it is left alone this run
        self.links_left: dict[str, int] = {}  # source -> new links it may still add
        self.rules_cache: dict[tuple[str, float | None], HostRules] = {}
        self.busy = 0  # jobs in hand
        self.queued: list[_Parsed] = []  # parsed, response stored, page not yet stored
        self.queued_since = 0.0
        self.fatal: BaseException | None = None
        self.reaped = 0.0  # when we last looked for claims of crawls that are gone
        # credentials of named sources, by URL without them: sent to that URL only, in memory
        self.credentials: dict[str, Credentials] = {}

    def __enter__(self) -> _Run:
        self._reap()
        return self

    def __exit__(self, *exc: object) -> None:
        self.frontier.release_all(self.owner)

    def now(self) -> datetime:
        return self.clock.now()

    def named(self, sources: Iterable[str]) -> list[str]:
        """The URLs the user named, normalized and without credentials (kept for them)."""
        urls = []
        for source in normalize_sources(sources):
            url, credentials = split_credentials(source)
            if credentials is not None:
                self.credentials[url] = credentials
            urls.append(url)
        return list(dict.fromkeys(urls))

    def want(self, wanted: _Wanted) -> None:
        with self.lock:
            if wanted.url not in self.visited:
                self.wanted.setdefault(wanted.url, wanted)

    def _reap(self) -> None:
        """End the leases of crawls on this machine whose process is gone (kill -9): their
        URLs need not wait for the lease to run out."""
        self.reaped = self.clock.monotonic()
        for owner in self.frontier.lease_owners():
            if _process_is_gone(owner):
                log.info("taking over the claims of a crawl that is gone (%s)", owner)
                self.frontier.release_all(owner)

    # --- the workers -----------------------------------------------------------------------
    def run(self) -> CrawlSummary:
        count = self.settings.workers
        # one client for every worker: one host is asked by one worker at a time, so its
        # connection is kept alive from one worker to the next, and so are the run's cookies
        with HttpClient(self.settings.policy, self.clock) as client:
            if count == 1:
                self._worker(client)
            else:
                threads = [threading.Thread(target=self._worker, args=(client,),
                                            name=f"crawl-{n}", daemon=True)
                           for n in range(count)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    while thread.is_alive():
                        thread.join(0.2)
        if self.fatal is not None:
            raise self.fatal
        self.flush()
        self.summary.seconds = self.clock.monotonic() - self.started
        return self.summary

    def _worker(self, client: HttpClient) -> None:
        try:
            while self.fatal is None:
                job = self._next_job()
                if job is None:
                    return
                try:
                    self._handle(job, client)
                except Exception as exc:  # noqa: BLE001 - recorded against the URL, run goes on
                    if not is_page_fault(exc):
                        raise
                    self._page_failed(job.claim.url, exc)
                finally:
                    self._release(job, client)
        except BaseException as exc:
            with self.lock:
                self.fatal = self.fatal or exc

    def _next_job(self) -> _Job | None:
        """A claimed URL, once there is one; None when the run is over. One idle worker at a
        time looks (and sleeps until the next host may be asked, or one of our jobs releases
        its host), the others wait their turn: a host that becomes free costs one claim, not
        one per idle worker."""
        with self.looking:
            while self.fatal is None:
                with self.lock:  # what is released from now on, the claim and outlook see
                    self.released.clear()
                    self.look_at = math.inf
                job = self._claim()
                if job is not None:
                    return job
                pause = self._idle()
                if pause is None:
                    return None
                self._wait(pause)
        return None

    def _wait(self, pause: float) -> None:
        """Sleep `pause` seconds, or until a host one of our jobs released since may be asked
        (a host released with its delay still to run is no reason to look at once: the
        claim would find nothing and the outlook say what we know already)."""
        deadline = self.clock.monotonic() + pause
        while (left := deadline - self.clock.monotonic()) > 0:
            self.clock.wait(self.released, left)
            with self.lock:
                self.released.clear()
                look_at, self.look_at = self.look_at, math.inf
            if look_at <= self.clock.monotonic():
                return
            deadline = min(deadline, look_at)

    def _look_again(self, next_allowed: float | None) -> None:
        """Tell the idle worker a host was released that may be asked at `next_allowed` (Unix
        seconds; None: now)."""
        at = -math.inf
        if next_allowed is not None:
            at = next_allowed - unix(self.clock.now()) + self.clock.monotonic()
        with self.lock:
            self.look_at = min(self.look_at, at)
            self.released.set()

    def _work(self) -> Work:
        return Work(frozenset(self.wanted), self.articles, self.fresh_since,
                    frozenset(self.skipped))

    def _past_deadline(self) -> bool:
        if self.deadline is None or self.clock.monotonic() < self.deadline:
            return False
        if not self.summary.stopped_at_deadline:
            self.summary.stopped_at_deadline = True
            log.warning("--max-runtime reached: no new URLs claimed; the next run goes on")
        return True

    def _claim(self) -> _Job | None:
        with self.lock:
            if self._past_deadline():
                return None
            claim = self.frontier.claim(self.owner, self._work(), self.clock.now(),
                                        self.settings.lease)
            if claim is None:
                return None
            self.busy += 1
            self.visited.add(claim.url)
            wanted = self.wanted.pop(claim.url, None)
        return _Job(claim, wanted, self.clock.monotonic(), _Visit(self.settings.policy.delay))

    def _idle(self) -> float | None:
        """How long to wait before trying to claim again; None when the run is over."""
        with self.lock:
            if self._past_deadline():
                return None if self.busy == 0 else self.settings.idle_poll
            busy, work = self.busy, self._work()
        if self.clock.monotonic() - self.reaped >= REAP_INTERVAL:
            self._reap()
        wait = self.frontier.outlook(self.owner, work, self.clock.now(),
                                     horizon=self.settings.max_crawl_delay,
                                     include_leased=self.settings.wait)
        if wait is None:
            # a sibling's page may still bring links (and a lease of another crawl may end)
            return self.settings.idle_poll if busy else None
        return min(max(wait, 0.01), self.settings.idle_poll)

    def _release(self, job: _Job, client: HttpClient) -> None:
        """End the job's leases; each host it asked may be asked again its delay after the
        job's last request to it was sent (not after the response ended: a slow server does not
        slow the crawl of the others down)."""
        for host, visit in job.visits().items():
            if not (job.released and host == job.claim.host):
                next_allowed = self._next_allowed(client, host, job.started)
                self.hosts.release(host, self.owner, next_allowed, **visit.values)
                self._look_again(next_allowed)
        with self.lock:
            self.busy -= 1
            last = self.busy == 0
        if last:  # the run may be over: the idle worker says so at once
            self._look_again(None)
        if self.progress is not None:
            self.progress(job.claim.url)

    def _next_allowed(self, client: HttpClient, host: str, since: float) -> float | None:
        """When `host` may be asked next (Unix seconds) after this worker's requests to it
        since `since`; None when it sent none."""
        sent = client.spacing.last_sent(host)
        ready = client.spacing.next_allowed(host)
        if sent is None or sent < since or ready is None:
            return None
        # to the microsecond, rounded up: a claim at exactly that time finds the host free
        return math.ceil(wall_time_of(self.clock, ready) * 1e6) / 1e6

    # --- one URL ---------------------------------------------------------------------------
    def _handle(self, job: _Job, client: HttpClient) -> None:
        url, entry, wanted = job.claim.url, job.claim.entry, job.wanted
        if entry.state == FrontierState.FETCHED:
            stored = self.frontier.latest_response(url)
            if stored is not None:  # a killed run stored the response but not the page
                self._follow(job, self._store(url, stored.id, stored.response, wanted))
                return
        rules = self._rules(job, client)
        if rules is None:
            return
        if rules.unreachable:  # one line: the URL failed, and why its host is skipped
            self._fail(url, Response(url, url, None, error=rules.unreachable,
                                     reason=FailureReason.ROBOTS_UNAVAILABLE), count=False,
                       shown=f"{rules.unreachable}; skipping {job.claim.host} this run")
            return
        if not rules.allows(url):
            self._disallowed(url, wanted.named if wanted else False)
            return
        conditional = wanted is not None
        response = client.get(
            url,
            etag=entry.etag if conditional else None,
            last_modified=entry.last_modified if conditional else None,
            allow=lambda target: self._allows(target, job, rules, client),
            have=self._asked_this_run if conditional else self.frontier.is_archived,
            credentials=self.credentials.get(url),
        )
        response.fetched_at = self.now()  # the run's clock is the one time source of a crawl
        for notice in response.notices:
            log.warning("%s: %s", url, notice.text)
        if response.not_modified:
            self._reached(url, response.final_url)
            self._follow(job, self._not_modified(url, response, wanted))
            return
        if response.redirected:
            log.info("%s redirects to %s, archived already", url, response.final_url)
            self.flush()  # the target's page may still be queued: its id is needed
            self.frontier.mark_redirected(url, response)
            return
        if not response.ok:
            self._failed_response(job, response)
            return
        kind = UrlKind.FEED if looks_like_feed(response.body or b"", response.content_type) else None
        # no more requests to the host in this job: it is released with the response
        next_allowed = self._next_allowed(client, job.claim.host, job.started)
        response_id = self.frontier.store_response(
            url, response, kind, also=lambda connection: self.hosts.release_in(
                connection, job.claim.host, self.owner, next_allowed, **job.visit.values))
        job.released = True
        self._look_again(next_allowed)
        with self.lock:
            self.summary.count(url, "fetched")
        self._follow(job, self._store(url, response_id, response, wanted))

    def _asked_this_run(self, url: str) -> bool:
        """A redirect's target this run has asked and archived already: a wanted URL (asked
        whatever its state: a source, a --refresh article) is not led there a second time."""
        with self.lock:
            asked = url in self.visited
        return asked and self.frontier.is_archived(url)

    def _reached(self, url: str, final: str) -> None:
        """`url` redirected to `final`, which was asked with it: not asked again this run as
        a wanted URL of its own (unless its links are wanted: a source)."""
        if final == url:
            return
        with self.lock:
            self.visited.update((url, final))
            if final in self.wanted and not self.wanted[final].discover:
                del self.wanted[final]

    def _rules(self, job: _Job, client: HttpClient) -> HostRules | None:
        """The host's robots.txt verdict (fetched under our lease when the cached one is older
        than a day); None when the host is skipped this run (its Crawl-delay is over the cap)."""
        host, url = job.claim.host, job.claim.url
        rules = self._robots(host, url, job.visit, client, job.claim.robots_fetched_at)
        if rules.unreachable:
            self._skip(host, rules.unreachable, announce=False)  # the URL's failure says so
            return rules
        too_long = self._crawl_delay_over_cap(rules)
        if too_long is not None:
            self._skip(host, too_long)
            self.frontier.release(url, self.owner)
            return None
        return rules

    def _robots(self, host: str, url: str, visit: _Visit, client: HttpClient,
                fetched_at: float | None = None) -> HostRules:
        """The verdict of `host`'s robots.txt: the cached one while it is fresh (in memory when
        the claim says when it was fetched, else read from the host's row), else fetched now
        (the caller holds the host's lease) and put in the visit's row values. The visit's
        delay becomes the host's (its Crawl-delay, when longer than ours)."""
        moment = unix(self.clock.now())
        ttl = self.settings.robots_ttl
        rules: HostRules | None = None
        if fetched_at is not None and moment - fetched_at < ttl:
            with self.lock:
                rules = self.rules_cache.get((host, fetched_at))
        if rules is None:
            state = self.hosts.get(host)
            if state is not None and state.robots_fresh(moment, ttl):
                rules = self._cached_rules(state)
        if rules is None:
            response = fetch_robots(client, robots_url_of(url))
            rules = verdict(response, robots_url_of(url))
            if not rules.unreachable:
                visit.values.update(self.hosts.robots_values(
                    response.status, response.body, moment, rules.crawl_delay))
        visit.rules = rules
        visit.delay = max(visit.delay, min(rules.crawl_delay or 0.0,
                                           self.settings.max_crawl_delay))
        client.spacing.set_delay(host, visit.delay)
        return rules

    def _crawl_delay_over_cap(self, rules: HostRules) -> str | None:
        delay = rules.crawl_delay
        if delay is None or delay <= self.settings.max_crawl_delay:
            return None
        return (f"robots.txt asks for a Crawl-delay of {delay:g} s, over --max-crawl-delay "
                f"{self.settings.max_crawl_delay:g} s")

    def _cached_rules(self, state: HostState) -> HostRules:
        key = (state.host, state.robots_fetched_at)
        with self.lock:
            if key not in self.rules_cache:
                self.rules_cache[key] = state.rules()
            return self.rules_cache[key]

    def _allows(self, target: str, job: _Job, rules: HostRules, client: HttpClient) -> bool:
        """robots.txt on a redirect's target: our host's rules, or those of the other host of
        the site, whose lease the job takes first (waiting for it within the request deadline),
        so its robots.txt and the redirected request keep that host's politeness. Raises
        FetchError when the other host cannot be asked."""
        host = host_of(target)
        if host == job.claim.host:
            return rules.allows(target)
        if host not in job.others:
            self._lease_other(host)
            visit = job.others[host] = _Visit(self.settings.policy.delay)
            other = self._robots(host, target, visit, client)
            if other.unreachable:
                raise RobotsRefused(f"{host}: {other.unreachable}", permanent=False,
                                    reason=FailureReason.ROBOTS_UNAVAILABLE)
            too_long = self._crawl_delay_over_cap(other)
            if too_long is not None:
                self._skip(host, too_long, announce=False)  # the URL's failure says so
                raise RobotsRefused(f"{host}: {too_long}", permanent=False,
                                    reason=FailureReason.CRAWL_DELAY_TOO_LONG)
        other_rules = job.others[host].rules
        return other_rules is not None and other_rules.allows(target)

    def _lease_other(self, host: str) -> None:
        """Take the lease of `host` (a redirect's target) once it is free and may be asked;
        StatusError (the host is paused for us) when that is not within the request deadline."""
        timeout = self.settings.policy.timeout
        deadline = self.clock.monotonic() + timeout
        while True:
            with self.lock:
                skipped = self.skipped.get(host)
            if skipped is not None:
                raise StatusError(f"{host} is skipped this run: {skipped}",
                                  reason=FailureReason.HOST_PAUSED)
            moment = unix(self.clock.now())
            wait = self.hosts.lease(host, self.owner, moment, moment + self.settings.lease)
            if wait is None:
                return
            if self.clock.monotonic() + wait > deadline:
                raise StatusError(f"the redirect's host {host} may not be asked within "
                                  f"{timeout:g} s", reason=FailureReason.HOST_PAUSED)
            self.clock.sleep(min(wait, self.settings.idle_poll))

    def _skip(self, host: str, why: str, *, announce: bool = True) -> None:
        with self.lock:
            if host in self.skipped:
                return
            self.skipped[host] = why
            self.summary.skipped_hosts.append((host, why))
        (log.warning if announce else log.info)("skipping %s this run: %s", host, why)

    def _failed_response(self, job: _Job, response: Response) -> None:
        """A failed fetch. One that asks the host for a pause blocks the whole host and is no
        failure of the URL: it waits (in the frontier, reason recorded) until the block ends,
        this run or a later one."""
        url, host = job.claim.url, job.claim.host
        if not blocks_host(response):
            self._fail(url, response)
            return
        state = self.hosts.get(host)
        assert state is not None
        now = unix(self.clock.now())
        error = response.error or f"HTTP {response.status}"
        values = self.hosts.block_values(state, now, response.retry_after, error)
        job.visit.values.update(values)
        until = float(values["blocked_until"])
        log.warning("%s asked for a pause (%s): nothing is asked of it for %.0f s", host, error,
                    until - now)
        due = datetime.fromtimestamp(until, self.now().tzinfo) + timedelta(seconds=1)  # to the second
        self.frontier.mark_failed(url, response, self.now(), count=False, due=due)

    def _follow(self, job: _Job, found: Discovery | None) -> None:
        """Queue what a wanted page links to: its articles, and its next page."""
        wanted = job.wanted
        if found is None or wanted is None or not wanted.discover:
            return
        url = job.claim.url
        self._add_articles(found.articles, url, wanted.source)
        if found.is_feed or wanted.pages_left <= 0:
            return
        with self.lock:
            following = [link for link in found.next_pages if link not in self.visited]
        if following:
            self.frontier.add(following[:1], UrlKind.LISTING, url, self.now())
            self.want(_Wanted(following[0], wanted.source, wanted.pages_left - 1, named=False,
                              discover=True))

    def _add_articles(self, articles: list[str], found_on: str, source: str) -> None:
        with self.lock:
            budget = self.links_left.setdefault(source, self.settings.max_new_links)
        added, left_out = self.frontier.add(articles, UrlKind.ARTICLE, found_on, self.now(),
                                            limit=budget)
        with self.lock:
            self.links_left[source] -= added
            self.summary.links_left_out += left_out
        if left_out:
            log.warning("%s: %d new links over --max-new-links %d (per source and run) not "
                        "queued", found_on, left_out, self.settings.max_new_links)
        if self.settings.refresh:
            for article in articles:
                self.want(_Wanted(article, source, 0, named=False, discover=False))

    def _store(self, url: str, response_id: int, response: Response,
               wanted: _Wanted | None) -> Discovery | None:
        """Parse a stored response and queue the page for storing; its links when wanted.

        A redirect's target is marked done with the URL, so it is not fetched again as a link
        of its own.
        """
        body = response.body or b""
        log.info("fetched %s (%d bytes)", url, len(body))
        urls = list(dict.fromkeys([url, response.final_url]))
        if len(urls) > 1:
            self.frontier.add(urls[1:], None, url, self.now())
            self._reached(url, response.final_url)
        links = wanted is not None and wanted.discover
        document = raw_document(body, response.fetched_at, response.final_url,
                                headers=response.headers)
        if looks_like_feed(body, response.content_type):
            self._queue(_Parsed(urls, response_id, None, document, UrlKind.FEED))
            return discover(body, response.final_url, response.content_type) if links else None
        page = parse_document(document, with_links=links)
        for warning in page.warnings:
            log.info("%s: %s", url, warning)
        if not page.is_page:
            log.warning("not a wire page, kept unparsed: %s", url)
        kinds = {"listing": UrlKind.LISTING, "article": UrlKind.ARTICLE}
        self._queue(_Parsed(urls, response_id, page, document, kinds.get(page.kind)))
        return (discover(body, response.final_url, response.content_type, page, response.charset)
                if links else None)

    def _queue(self, parsed: _Parsed) -> None:
        with self.lock:
            if not self.queued:
                self.queued_since = self.clock.monotonic()
            self.queued.append(parsed)
            full = (len(self.queued) >= self.settings.batch_pages
                    or self.clock.monotonic() - self.queued_since >= self.settings.batch_seconds)
        if full:
            self.flush()

    def flush(self) -> None:
        """Store the queued pages and mark their URLs done: one transaction, whole pages.
        A batch that fails on a page (a value the archive refuses, a bug) is stored again with
        a savepoint per page: the page that fails is rolled back alone and recorded against its
        URL. When the archive itself fails (gone, locked, full), the run stops."""
        with self.lock:
            batch, self.queued = self.queued, []
        if not batch:
            return
        try:
            records = self._records(batch)
            self._count(with_retries(self.archive.engine,
                                     lambda connection: self._store_in(connection, records)))
        except Exception as exc:  # noqa: BLE001 - find the page that breaks it, store the others
            if not is_page_fault(exc):
                raise
            self._store_each(batch)

    def _store_each(self, batch: list[_Parsed]) -> None:
        """The batch in one transaction, each page in a savepoint of its own."""
        prepared, unprepared = [], []
        for entry in batch:  # outside the transaction (`prepare` reads the codec's own)
            try:
                prepared.append(self._records([entry]))
            except Exception as exc:  # noqa: BLE001 - this page's, recorded against it
                if not is_page_fault(exc):
                    raise
                unprepared.append((entry.urls[0], exc))

        def work(connection: Connection) -> tuple[list[IngestResult], list[tuple[str, Exception]]]:
            results, failed = [], list(unprepared)
            for records in prepared:
                try:
                    with connection.begin_nested():
                        results += self._store_in(connection, records)
                except Exception as exc:  # noqa: BLE001 - this page's, recorded against it
                    if not is_page_fault(exc):
                        raise
                    failed.append((records[0][0].urls[0], exc))
            return results, failed

        results, failed = with_retries(self.archive.engine, work)
        self._count(results)
        for url, fault in failed:
            self._page_failed(url, fault)

    def _records(self, batch: list[_Parsed]) -> list[tuple[_Parsed, PageRecord | None]]:
        """Each queued entry with its wire page ready to store (None: kept unparsed, a feed)."""
        pages = [entry for entry in batch if entry.page is not None and entry.page.is_page]
        records = prepare(self.archive, [(entry.document, entry.page) for entry in pages
                                         if entry.page is not None],
                          bodies_kept=True)  # with the responses (frontier.store_response)
        stored = {id(entry): record for entry, record in zip(pages, records)}
        return [(entry, stored.get(id(entry))) for entry in batch]

    def _store_in(self, connection: Connection,
                  records: list[tuple[_Parsed, PageRecord | None]]) -> list[IngestResult]:
        """Store the pages and mark their URLs done, in the caller's transaction."""
        pages = [(entry, record) for entry, record in records if record is not None]
        results = store_records(connection, [record for _, record in pages])
        page_ids = {id(entry): result.page_id for (entry, _), result in zip(pages, results)}
        self.frontier.mark_all_done(connection, [
            (url, entry.response_id, page_ids.get(id(entry)), entry.kind)
            for entry, _ in records for url in entry.urls])
        return results

    def _count(self, results: list[IngestResult]) -> None:
        with self.lock:
            for result in results:
                self.summary.new_items += result.new_items
                self.summary.sightings += result.sightings

    def _not_modified(self, url: str, response: Response,
                      wanted: _Wanted | None) -> Discovery | None:
        with self.lock:
            self.summary.count(url, "not_modified")
        log.info("not modified: %s", url)
        self.frontier.mark_not_modified(url, response)
        if wanted is None or not wanted.discover:
            return None
        stored = self.frontier.latest_response(url)
        return None if stored is None else self._links_of(stored)

    def _links_of(self, stored: StoredResponse) -> Discovery:
        response = stored.response
        page = None
        if not looks_like_feed(stored.body, response.content_type):
            page = parse_page(stored.body, stored.fetched_at, stored.final_url,
                              http_charset=response.charset, with_links=True)
        return discover(stored.body, stored.final_url, response.content_type, page,
                        response.charset)

    def _disallowed(self, url: str, named: bool) -> None:
        response = Response(url, url, None, error="disallowed by robots.txt", permanent=True,
                            reason=FailureReason.ROBOTS_DISALLOWED)
        if named:
            self._fail(url, response)
        else:
            log.info("skipped, disallowed by robots.txt: %s", url)
            self.frontier.mark_failed(url, response, self.now())

    def _page_failed(self, url: str, exc: Exception) -> None:
        """An exception of one page (`is_page_fault`), recorded against its URL and given up:
        a value the archive refused (`store_refused`), else a crash of the crawler."""
        if not is_data_error(exc):
            self._crashed(url, exc)
            return
        log.info("the archive refused %s", url, exc_info=exc)  # the statement: --log-file only
        error = f"the archive refused a value of the page: {database_reason(exc)}"
        self._fail(url, Response(url, url, None, error=error, permanent=True,
                                 reason=FailureReason.STORE_REFUSED))

    def _crashed(self, url: str, exc: Exception) -> None:
        """An exception while handling the URL: recorded against it, given up at once (so it
        cannot crash every later run), the run goes on."""
        detail = " ".join(str(exc).split())[:200]
        error = f"crashed the crawler: {type(exc).__name__}" + (f": {detail}" if detail else "")
        log.info("the crash on %s", url, exc_info=exc)  # the traceback goes to --log-file only
        self._fail(url, Response(url, url, None, error=error, permanent=True,
                                 reason=FailureReason.HANDLER_CRASHED))

    def _fail(self, url: str, response: Response, *, count: bool = True,
              due: datetime | None = None, shown: str | None = None) -> None:
        """Record the failure; `shown`: what the line says instead of the recorded error."""
        state = self.frontier.mark_failed(url, response, self.now(), count=count, due=due)
        error = shown or response.error or f"HTTP {response.status}"
        if state == FrontierState.GIVEN_UP:
            error += " (given up)"
        with self.lock:
            self.summary.count(url, "given_up" if state == FrontierState.GIVEN_UP else "failed")
            self.summary.failures.append((url, error))
        log.error("failed %s: %s", url, error)
