"""The polite HTTP client against a real server on 127.0.0.1: delays, retries, caps, redirects."""

from __future__ import annotations

import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from fixture_site import SO_TIMESTAMPNS

from newsarchive import __version__
from newsarchive.fetch.clock import ManualClock, unix, wall_time_of
from newsarchive.fetch.errors import REASON_CLASSES, DeadlineExceeded, FailureReason, FetchError, StatusError
from newsarchive.fetch.http import HostClock, HttpClient, HttpPolicy, parse_retry_after
from newsarchive.fetch.transport import system_resolver

FAST = HttpPolicy(delay=0.0, connect_timeout=2, timeout=2, retries=2, backoff=0.05,
                  max_bytes=50_000, contact="https://example.org/contact")
TOLERANCE = 0.01  # scheduling noise between the client's clock and the server's


def gaps(requests):
    return [later.at - earlier.at for earlier, later in zip(requests, requests[1:])]


@pytest.fixture
def client():
    with HttpClient(FAST) as http:
        yield http


def policy(**changes) -> HttpPolicy:
    return HttpPolicy(**{**FAST.__dict__, **changes})


def test_user_agent_names_tool_version_and_contact(fixture_site, client):
    client.get(fixture_site.url("/nieuws/binnenland"))
    (request,) = fixture_site.requested("/nieuws/binnenland")
    assert request.headers["user-agent"] == (
        f"newsarchive/{__version__} (+https://example.org/contact)"
    )


def test_requests_to_one_host_are_spaced_by_the_delay(fixture_site):
    with HttpClient(policy(delay=0.15)) as http:
        for article in fixture_site.articles[:4]:
            assert http.get(fixture_site.url(article.path)).ok
    times = sorted(fixture_site.requests, key=lambda request: request.at)
    assert len(times) == 4
    assert min(gaps(times)) >= 0.15 - TOLERANCE


@pytest.mark.skipif(SO_TIMESTAMPNS is None, reason="arrivals are the kernel's receive times on Linux")
def test_a_hosts_log_times_a_request_by_its_arrival_not_by_when_the_server_read_it(fixture_site):
    """The request logs politeness is read off time a request by when it reached the host: a
    server thread busy with the previous request (or starved of the GIL by the crawler in the
    same process) reads the next late, and would log two requests closer than they came."""
    fixture_site.hold_after = 0  # the article's answer waits for `release`
    article = fixture_site.articles[0].path
    with socket.create_connection((fixture_site.address, int(fixture_site.base.rsplit(":", 1)[1]))
                                  ) as connection:
        for path in (article, "/feed.xml"):  # the second while the first is held
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        sent = time.monotonic()
        time.sleep(0.2)
        fixture_site.release.set()
        connection.settimeout(5)
        answered = b""
        while answered.count(b"HTTP/1.1 200") < 2:
            answered += connection.recv(65536)
    first, second = fixture_site.requests
    assert (first.path, second.path) == (article, "/feed.xml")
    assert second.at <= sent  # not 0.2 s later, when the server got round to it


def test_a_slow_name_lookup_is_no_part_of_the_delay(fixture_site):
    """The delay runs from when the request went out, connected: a lookup (or a connect) that
    took 3 s on the injected clock does not count as time the host had since our request."""
    clock = ManualClock()
    port = int(fixture_site.base.rsplit(":", 1)[1])

    def slow_lookup(host: str, port: int) -> list:
        clock.advance(3.0)
        return system_resolver("127.0.0.1", port)

    with HttpClient(policy(delay=2.0, delay_margin=0.05, timeout=30, connect_timeout=10), clock,
                    resolve=slow_lookup) as http:
        assert http.get(f"http://localhost:{port}/nieuws/binnenland").ok
        assert http.get(f"http://localhost:{port}/feed.xml").ok  # on the kept-alive connection
    assert clock.slept == [pytest.approx(2.05)]


def test_a_steady_moment_as_wall_time_errs_late_when_a_thread_is_held_up_between_reads():
    """A host's next allowed time is kept as wall time for every crawl; converting from the
    steady clock reads both clocks, and a thread held up between the two reads must make it
    later (another crawl waits a little longer), never earlier (it would ask too soon)."""

    class HeldUpClock(ManualClock):
        def monotonic(self) -> float:
            self.advance(0.1)  # descheduled just before the read
            return super().monotonic()

    clock = HeldUpClock()
    steady, wall = ManualClock().monotonic(), unix(ManualClock().now())  # the same moment
    assert wall_time_of(clock, steady + 2.0) >= wall + 2.0


def test_server_error_is_retried_after_a_backoff(fixture_site, client):
    response = client.get(fixture_site.url("/fault/flaky"))
    assert response.ok and b"Hersteld" in response.body
    first, second = fixture_site.requested("/fault/flaky")
    assert second.at - first.at >= FAST.backoff - TOLERANCE


def test_429_waits_as_long_as_retry_after_says(fixture_site, client):
    response = client.get(fixture_site.url("/fault/busy"))
    assert response.ok and b"Na de drukte" in response.body
    first, second = fixture_site.requested("/fault/busy")
    assert second.at - first.at >= 1.0 - TOLERANCE


def test_retry_after_beyond_the_cap_ends_the_attempt_for_this_run(fixture_site):
    fixture_site.retry_after = "3600"
    with HttpClient(policy(retry_after_cap=5)) as http:
        response = http.get(fixture_site.url("/fault/busy"))
    assert response.status == 429 and not response.permanent
    assert response.retry_after == 3600 and "cap" in response.error
    assert fixture_site.count("/fault/busy") == 1


def test_retry_after_is_read_as_seconds_or_http_date():
    now = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    # a date not in the future asks for no wait: no Retry-After (the regular back-off)
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) is None
    assert parse_retry_after(format_datetime(now, usegmt=True), now) is None
    assert parse_retry_after(format_datetime(now + timedelta(seconds=1), usegmt=True), now) == 1
    assert parse_retry_after("morgen", now) is None and parse_retry_after(None, now) is None


def test_response_slower_than_the_deadline_fails_after_retries(fixture_site):
    fixture_site.slow_seconds = 0.6
    with HttpClient(policy(timeout=0.2, retries=1)) as http:
        response = http.get(fixture_site.url("/fault/slow"))
    assert not response.ok and "timed out" in response.error and not response.permanent
    assert fixture_site.count("/fault/slow") == 2


def test_timeouts_are_retried_fewer_times_than_server_errors(fixture_site):
    fixture_site.slow_seconds = 0.6
    with HttpClient(policy(timeout=0.2, retries=3, timeout_retries=1)) as http:
        response = http.get(fixture_site.url("/fault/slow"))
    assert "timed out" in response.error
    assert fixture_site.count("/fault/slow") == 2


def test_connection_closed_mid_body_is_retried_and_the_whole_body_kept(fixture_site, client):
    response = client.get(fixture_site.url("/fault/cut"))
    assert response.ok and response.body.rstrip().endswith(b"</html>")
    assert fixture_site.count("/fault/cut") == 2


def test_body_over_the_cap_is_dropped(fixture_site, client):
    response = client.get(fixture_site.url("/fault/huge"))
    assert response.body is None and response.permanent and "cap" in response.error
    assert fixture_site.count("/fault/huge") == 1


def test_redirect_loop_is_detected(fixture_site, client):
    response = client.get(fixture_site.url("/fault/loop-a"))
    assert response.permanent and response.error.startswith("redirect loop")
    assert response.reason is FailureReason.REDIRECT_LOOP
    assert fixture_site.count("/fault/loop-a") == 1 and fixture_site.count("/fault/loop-b") == 1


def test_redirects_are_followed_and_the_final_url_recorded(fixture_site, client):
    article = fixture_site.articles[2]
    response = client.get(fixture_site.url("/oud/" + article.slug))
    assert response.ok and response.url == fixture_site.url("/oud/" + article.slug)
    assert response.final_url == fixture_site.url(article.path)


def test_redirect_chain_longer_than_the_limit_fails(fixture_site):
    with HttpClient(policy(max_redirects=0)) as http:
        response = http.get(fixture_site.url("/oud/" + fixture_site.articles[0].slug))
    assert response.permanent and "redirects" in response.error


def test_permanent_404_is_not_retried(fixture_site, client):
    response = client.get(fixture_site.url("/fault/gone"))
    assert response.status == 404 and response.permanent
    assert response.reason is FailureReason.HTTP_STATUS
    with pytest.raises(StatusError) as raised:
        response.raise_for_failure()
    assert (raised.value.status, raised.value.permanent) == (404, True)
    assert fixture_site.count("/fault/gone") == 1


def test_unexpected_content_type_is_refused(fixture_site, client):
    response = client.get(fixture_site.url("/logo.png"))
    assert response.body is None and "content type image/png" in response.error
    assert response.reason is FailureReason.CONTENT_TYPE


def test_conditional_request_answered_304_is_not_modified(fixture_site, client):
    first = client.get(fixture_site.url("/nieuws/binnenland"))
    again = client.get(fixture_site.url("/nieuws/binnenland"), etag=first.headers["etag"],
                       last_modified="Tue, 17 Mar 2026 11:00:00 GMT")
    assert again.not_modified and again.body is None
    request = fixture_site.requested("/nieuws/binnenland")[-1]
    assert request.headers["if-none-match"] == first.headers["etag"]
    assert request.headers["if-modified-since"] == "Tue, 17 Mar 2026 11:00:00 GMT"


def test_declared_charset_is_reported(fixture_site, client):
    response = client.get(fixture_site.url("/fault/charset"))
    assert response.ok and response.charset == "utf-8"


def test_connection_refused_is_an_error_not_an_exception():
    with HttpClient(policy(retries=1)) as http:
        response = http.get("http://127.0.0.1:9/niets")
    assert response.status is None and response.error.startswith("connection failed")


def test_refused_connection_is_named_in_the_operating_systems_words(client):
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    response = client.get(f"http://127.0.0.1:{port}/nieuws")
    assert response.error == "connection failed: Connection refused"
    assert not response.permanent


def test_every_failure_reason_has_one_exception_class():
    assert set(REASON_CLASSES) == set(FailureReason)
    error = FetchError.of("traag", FailureReason.DEADLINE)
    assert isinstance(error, DeadlineExceeded) and isinstance(error, TimeoutError)
    assert (error.permanent, error.reason, str(error)) == (False, FailureReason.DEADLINE, "traag")
    assert FetchError.of("weg", FailureReason.REDIRECT_OFF_SITE).permanent is True


# --- waits on the injected clock, by value ---------------------------------------------------
def test_the_delay_counts_from_when_a_request_was_sent_not_from_its_end():
    clock = ManualClock()
    spacing = HostClock(clock, margin=0.05)
    spacing.wait("a.example", 0.5)
    spacing.sent("a.example", clock.monotonic(), 0.5)
    clock.advance(0.2)  # the response took 0.2 s: part of the delay, not on top of it
    spacing.wait("a.example", 0.5)
    spacing.wait("b.example", 0.5)  # another host is not held up
    assert clock.slept == [pytest.approx(0.35)]


def test_a_crawl_delay_counts_from_the_robots_txt_request():
    clock = ManualClock()
    spacing = HostClock(clock)
    spacing.wait("a.example", 0.0)
    spacing.sent("a.example", clock.monotonic(), 0.0)
    clock.advance(0.1)
    spacing.set_delay("a.example", 2.0)
    spacing.set_delay("a.example", 1.0)  # never lowered
    spacing.wait("a.example", 0.0)
    assert clock.slept == [pytest.approx(1.9)]


def test_no_delay_no_margin():
    clock = ManualClock()
    spacing = HostClock(clock, margin=0.05)
    for _ in range(3):
        spacing.wait("a.example", 0.0)
        spacing.sent("a.example", clock.monotonic(), 0.0)
    assert clock.slept == []


def test_requests_to_a_host_are_spaced_on_the_injected_clock(fixture_site):
    clock = ManualClock()
    with HttpClient(policy(delay=30.0, delay_margin=0.05), clock) as http:
        for article in fixture_site.articles[:3]:
            assert http.get(fixture_site.url(article.path)).ok
    assert clock.slept == [pytest.approx(30.05), pytest.approx(30.05)]
    assert len(fixture_site.requests) == 3  # and nobody waited a minute for them


def test_the_backoff_between_attempts_is_slept_on_the_injected_clock(fixture_site):
    clock = ManualClock()
    with HttpClient(policy(backoff=4.0), clock, spread=lambda: 0.5) as http:
        started = clock.now()
        response = http.get(fixture_site.url("/fault/flaky"))  # a 500, then the page
    assert response.ok
    assert clock.slept == [4.0 + 0.5 * 4.0 / 2]  # the first back-off, half its jitter
    assert response.fetched_at - started == timedelta(seconds=5)  # the clock's time


def test_a_retry_after_is_slept_on_the_injected_clock(fixture_site):
    clock = ManualClock()
    fixture_site.retry_after = "7"
    with HttpClient(FAST, clock) as http:
        assert http.get(fixture_site.url("/fault/busy")).ok
    assert clock.slept == [7.0]
