"""A hostile server cannot stop, hold or mislead the client: every case ends in bounded time
with a typed reason, nothing off the site is asked, no secret is kept.

The servers are raw sockets on loopback (tests/hostile_server.py) that send exactly the bytes
each case needs: numbers that are not numbers, headers in the wrong encoding, responses
trickled a byte at a time, redirects off the site.
"""

from __future__ import annotations

import base64
import http.client
import http.cookiejar
import io
import socket
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from fixture_site import SO_TIMESTAMPNS
from hostile_server import KEEP_OPEN, HostileServer, page, response, trickle

from newsarchive.fetch.clock import ManualClock
from newsarchive.fetch.discover import discover
from newsarchive.fetch.errors import FailureReason, Notice
from newsarchive.fetch.headers import (
    decode_location,
    kept_headers,
    parse_content_length,
    parse_digits,
    parse_retry_after,
)
from newsarchive.fetch.http import BoundedCookieJar, HttpClient, HttpPolicy
from newsarchive.fetch.robots import Robots, robots_text
from newsarchive.fetch.transport import (
    Attempt,
    Watchdog,
    address_kind,
    names_loopback,
    parse_head,
)

DEADLINE = 0.5
FAST = HttpPolicy(delay=0.0, timeout=DEADLINE, connect_timeout=DEADLINE, retries=1,
                  timeout_retries=1, backoff=0.01)
HTML = "<html><body><h1>Kade open</h1><p>VLISSINGEN (ANP) - De kade is weer open.</p></body></html>"


@pytest.fixture
def server():
    with HostileServer() as running:
        yield running


@pytest.fixture
def other_host():
    """A second site on another loopback address: it must never be asked anything."""
    with HostileServer("127.0.0.2") as running:
        yield running


@pytest.fixture
def other_port():
    """The same address, another port: another site, also never asked."""
    with HostileServer() as running:
        yield running


@pytest.fixture
def client():
    with HttpClient(FAST) as http:
        yield http


def timed_get(client, url, **options):
    started = time.monotonic()
    result = client.get(url, **options)
    return result, time.monotonic() - started


@pytest.mark.skipif(SO_TIMESTAMPNS is None, reason="arrivals are the kernel's receive times on Linux")
def test_the_servers_log_times_a_request_by_its_arrival_not_by_when_its_thread_read_it(server):
    """Gaps in the server's log are read as the time a host had between two requests: one that
    came while the connection's thread still played the last script (or was starved of the GIL
    by the client in the same process) is logged when it arrived, not when it was read."""
    server.route("/traag", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", 0.3, b"ok",
                 KEEP_OPEN)
    server.route("/snel", response("200 OK", [], b"ok"), KEEP_OPEN)
    with socket.create_connection((server.host, server.port)) as connection:
        connection.settimeout(5)
        connection.sendall(b"GET /traag HTTP/1.1\r\nHost: x\r\n\r\n")
        answered = b""
        while b"\r\n\r\n" not in answered:  # the head: the thread now sleeps 0.3 s
            answered += connection.recv(65536)
        connection.sendall(b"GET /snel HTTP/1.1\r\nHost: x\r\n\r\n")
        sent = time.monotonic()
        while answered.count(b"HTTP/1.1 200") < 2 or not answered.endswith(b"ok"):
            answered += connection.recv(65536)
    first, second = server.hits
    assert (first.path, second.path) == ("/traag", "/snel")
    assert first.at <= second.at <= sent  # not up to 0.3 s later, when the thread read it


# --- numbers a server sends --------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("0", 0), ("120", 120), (" 7 ", 7), ("000000000000000042", 42),
    ("²", None), ("٣", None), ("+5", None), ("-1", None), ("1e3", None), ("0x10", None),
    ("5 5", None), ("1_000", None), ("", None), ("12.5", None),
])
def test_a_number_is_ascii_digits_and_nothing_else(value, expected):
    assert parse_digits(value) == expected


def test_retry_after_is_clamped_and_superscripts_are_not_digits():
    assert parse_retry_after("99999999999999999999", cap=86400) == 86400
    assert parse_retry_after("86399", cap=86400) == 86399
    assert parse_retry_after("²") is None and parse_retry_after("1e20") is None
    assert parse_retry_after("Wed, 32 Foo 2026 99:99:99 GMT") is None
    assert parse_retry_after("Tue, 17 Mar 99999 12:00:00 GMT") is None


@pytest.mark.parametrize("date", ["Tue, 17 Mar 2026 12:01:30 GMT",  # IMF-fixdate
                                  "Tuesday, 17-Mar-26 12:01:30 GMT",  # RFC 850
                                  "Tue Mar 17 12:01:30 2026"])  # asctime
def test_retry_after_reads_the_three_http_date_forms(date):
    now = datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after(date, now) == 90.0


def test_content_length_is_digits_or_one_value_repeated():
    assert parse_content_length("42") == 42 and parse_content_length("42, 42") == 42
    assert parse_content_length(None) is None
    for value in ("²", "42, 43", "-3", "4 2", "٣"):
        with pytest.raises(ValueError):
            parse_content_length(value)


def test_503_with_a_superscript_retry_after_is_retried_after_the_usual_backoff(server):
    url = server.route("/drukte", response("503 Service Unavailable", ["Retry-After: \xb2"]))
    clock = ManualClock()
    with HttpClient(FAST, clock, spread=lambda: 0.5) as http:
        result = http.get(url)
    assert (result.status, result.reason, result.retry_after) == (
        503, FailureReason.HTTP_STATUS, None)
    assert result.error == "HTTP 503" and not result.permanent
    assert len(server.requested("/drukte")) == 2
    assert clock.slept == [pytest.approx(0.01 + 0.5 * 0.01 / 2)]  # the back-off, not 2 s from `²`


@pytest.mark.parametrize("retry_after, read, slept", [
    ("Tue, 17 Mar 2026 11:00:00 GMT", None, 0.0125),  # an hour ago: the regular back-off
    ("Tue, 17 Mar 2026 12:00:00 GMT", None, 0.0125),  # now: asks for no wait either
    ("0", 0.0, 0.0125),  # not a retry at once
    # two seconds ahead: as asked (and at the second attempt, 12:00:02, no more)
    ("Tue, 17 Mar 2026 12:00:02 GMT", None, 2.0),
])
def test_a_retry_after_that_asks_for_no_wait_gets_the_regular_backoff(server, retry_after,
                                                                      read, slept):
    """The date is read on the injected clock (12:00); the back-off is 0.01 s and half its
    jitter. `read`: the Retry-After of the last attempt."""
    url = server.route("/drukte", response("503 Service Unavailable",
                                           [f"Retry-After: {retry_after}"]))
    clock = ManualClock(datetime(2026, 3, 17, 12, 0, tzinfo=timezone.utc))
    with HttpClient(FAST, clock, spread=lambda: 0.5) as http:
        result = http.get(url)
    assert (result.status, result.reason) == (503, FailureReason.HTTP_STATUS)
    assert result.retry_after == read
    assert len(server.requested("/drukte")) == 2
    assert clock.slept == [pytest.approx(slept)]


def test_429_with_a_retry_after_of_twenty_digits_pauses_the_host_for_a_day(server, client):
    url = server.route("/druk", response("429 Too Many Requests",
                                         ["Retry-After: 99999999999999999999"]))
    result = client.get(url)
    assert (result.status, result.reason, result.retry_after) == (
        429, FailureReason.RETRY_AFTER_TOO_LONG, 86400.0)
    assert len(server.requested("/druk")) == 1
    assert 86000 < client.spacing.paused_for(f"127.0.0.1:{server.port}") <= 86400


def test_content_length_superscript_is_a_bad_header_not_a_crash(server, client):
    url = server.route("/lengte", response("200 OK", ["Content-Type: text/html",
                                                      "Content-Length: \xb2"], b"<p>x</p>"))
    result = client.get(url)
    assert (result.reason, result.permanent, result.body) == (FailureReason.BAD_HEADER, True, None)
    assert result.error == "Content-Length '²' is not a length"
    assert len(server.requested("/lengte")) == 1


@pytest.mark.parametrize("status_line", [b"HTTP/1.1 \xd9\xa2\xd9\xa0\xd9\xa0 OK", b"HTTP/1.1 999 Wat",
                                         b"HTTP/1.1 2OO OK", b"ICY 200 OK"])
def test_a_status_that_is_not_three_ascii_digits_is_a_malformed_response(server, client,
                                                                          status_line):
    url = server.route("/status", status_line + b"\r\nContent-Length: 2\r\n\r\nok")
    result = client.get(url)
    assert result.reason is FailureReason.PROTOCOL and result.error.startswith(
        "malformed response")
    assert result.status is None and result.body is None


# --- headers in other encodings ----------------------------------------------------------
def test_location_bytes_decode_as_utf8_where_valid_else_percent_encoded():
    assert decode_location("/nieuws/caf\xc3\xa9") == ("/nieuws/café", Notice.LOCATION_UTF8_AS_LATIN1)
    assert decode_location("/nieuws/caf\xe9") == ("/nieuws/caf%E9", Notice.LOCATION_RAW_BYTES)
    assert decode_location("/nieuws/cafe") == ("/nieuws/cafe", None)


def test_a_latin1_byte_in_location_is_followed_percent_encoded(server, client):
    url = server.route("/oud", response("302 Found", [b"Location: /nieuws/caf\xe9"]))
    server.route("/nieuws/caf%E9", *page(HTML))
    result = client.get(url)
    assert result.ok and result.final_url == server.url("/nieuws/caf%E9")
    assert result.notices == [Notice.LOCATION_RAW_BYTES]


def test_latin1_bytes_in_the_location_of_two_hops_are_one_notice(server, client):
    url = server.route("/oud", response("302 Found", [b"Location: /ouder/caf\xe9"]))
    server.route("/ouder/caf%E9", response("302 Found", [b"Location: /nieuws/caf\xe9"]))
    server.route("/nieuws/caf%E9", *page(HTML))
    result = client.get(url)
    assert result.ok and result.final_url == server.url("/nieuws/caf%E9")
    assert result.notices == [Notice.LOCATION_RAW_BYTES]


def test_a_utf8_location_is_read_as_utf8_not_latin1(server, client):
    url = server.route("/oud", response("301 Moved", ["Location: /nieuws/café".encode()]))
    server.route("/nieuws/caf%C3%A9", *page(HTML))
    result = client.get(url)
    assert result.ok and result.final_url == server.url("/nieuws/caf%C3%A9")
    assert result.notices == [Notice.LOCATION_UTF8_AS_LATIN1]
    assert server.paths() == ["/oud", "/nieuws/caf%C3%A9"]


@pytest.mark.parametrize("info, kept, notices", [
    (b"kade\rContent-Length: 3", "kade Content-Length: 3", [Notice.CONTROL_IN_HEADER]),
    (b"kade\0open", "kade open", [Notice.CONTROL_IN_HEADER]),
    (b"kade open", "kade open", []),  # no control character: as it is
])
def test_a_bare_cr_or_nul_in_a_header_line_is_a_space_not_a_line_end(server, client, info, kept,
                                                                      notices):
    """RFC 9112 2.2: a bare CR does not end a header line (http.client's parser would read a
    second Content-Length there, and the response would not frame); the line ends at CRLF or
    LF, as before."""
    body = b"<p>Kade</p>"
    url = server.route("/kop", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Info: " + info
                       + b"\r\nETag: \"v1\"\nContent-Length: %d\r\n\r\n" % len(body) + body)
    result = client.get(url)
    assert (result.ok, result.body, result.notices) == (True, body, notices)
    assert (result.headers["x-info"], result.headers["etag"]) == (kept, '"v1"')
    assert "content-length" in result.headers and result.headers["content-length"] == "11"


def test_headers_are_read_as_utf8_where_valid_and_secrets_are_never_kept():
    kept = kept_headers([("ETag", '"café"'.encode().decode("latin-1")),
                         ("X-Naam", "caf\xe9"), ("Set-Cookie", "sessie=1"),
                         ("Authorization", "Basic eA=="), ("Proxy-Authenticate", "Basic"),
                         ("Vary", "Accept"), ("vary", "Cookie")])
    assert kept == {"etag": '"café"', "x-naam": "café", "vary": "Accept, Cookie"}


def test_set_cookie_is_used_for_the_run_but_not_kept_with_the_response(server, client):
    url = server.route("/muur", response("302 Found", ["Location: /nieuws/a",
                                                       "Set-Cookie: toestemming=ja; Path=/"]))
    server.route("/nieuws/a", *page(HTML, "Set-Cookie: sessie=koekje; Path=/"))
    result = client.get(url)
    assert result.ok and "set-cookie" not in result.headers
    (second,) = server.requested("/nieuws/a")
    assert second.headers["cookie"] == "toestemming=ja"


def test_a_host_keeps_at_most_fifty_cookies(server, client):
    """Sixty cookies in one answer: the first fifty are kept (and sent), the rest dropped; a
    kept cookie set again is replaced even at the bound."""
    cookies = [f"Set-Cookie: c{n:02d}=v; Path=/" for n in range(60)]
    url = server.route("/koek", response("302 Found", ["Location: /nieuws/a", *cookies]))
    server.route("/nieuws/a", *page(HTML, "Set-Cookie: c00=nieuw; Path=/",
                                    "Set-Cookie: c99=te-veel; Path=/"))
    assert client.get(url).ok
    client.get(server.url("/nieuws/a"))
    first, second = server.requested("/nieuws/a")
    assert first.headers["cookie"] == "; ".join(f"c{n:02d}=v" for n in range(50))
    assert second.headers["cookie"] == "; ".join(["c00=nieuw"] + [f"c{n:02d}=v" for n in range(1, 50)])
    assert len(client.cookies) == 50


def test_a_cookie_of_more_than_4096_bytes_is_dropped(server, client):
    """4096 bytes of name and value are kept, 4097 dropped."""
    url = server.route("/groot", *page(HTML, "Set-Cookie: g" + "x" * 4094 + "=1; Path=/",
                                       "Set-Cookie: h" + "x" * 4095 + "=1; Path=/"))
    assert client.get(url).ok and client.get(url).ok
    assert server.requested("/groot")[1].headers["cookie"] == "g" + "x" * 4094 + "=1"


def test_a_cookie_jar_is_true_once_a_cookie_is_kept_and_a_cookie_is_sent_from_then_on(server,
                                                                                       client):
    url = server.route("/a", *page(HTML))
    server.route("/b", *page(HTML, "Set-Cookie: sessie=1; Path=/"))
    assert not client.cookies and client.get(url).ok and not client.cookies
    assert client.get(server.url("/b")).ok and client.cookies
    assert client.get(url).ok
    first, second = server.requested("/a")
    assert "cookie" not in first.headers and second.headers["cookie"] == "sessie=1"


def test_the_cookies_of_a_run_are_at_most_3000():
    jar = BoundedCookieJar()
    for host in range(61):
        for n in range(50):
            jar.set_cookie(http.cookiejar.Cookie(
                0, f"c{n}", "v", None, False, f"h{host}.example", False, False, "/", True,
                False, None, False, None, None, {}))
    assert len(jar) == 3000  # 60 hosts of 50; the 61st gets none
    assert {cookie.domain for cookie in jar} == {f"h{host}.example" for host in range(60)}


# --- bodies that do not match their Content-Length ---------------------------------------
def test_a_body_shorter_than_its_content_length_is_retried_and_recorded(server, client):
    url = server.route("/kort", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                b"Content-Length: 500\r\n\r\n<html>afgebroken")
    result = client.get(url)
    assert (result.reason, result.permanent) == (FailureReason.BODY_TOO_SHORT, False)
    assert result.error.startswith("body shorter than its Content-Length")
    assert len(server.requested("/kort")) == 2


def test_a_body_longer_than_its_content_length_is_kept_as_declared_with_a_notice(server, client):
    url = server.route("/lang", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                b"Content-Length: 12\r\n\r\n<p>Kade</p>\nEN NOG MEER BYTES", KEEP_OPEN)
    server.route("/daarna", *page(HTML))
    result = client.get(url)
    assert result.ok and result.body == b"<p>Kade</p>\n"
    assert result.notices == [Notice.BODY_LONGER_THAN_DECLARED]
    assert client.get(server.url("/daarna")).ok  # asked on a new connection: the old one closed
    assert [(hit.path, hit.connection) for hit in server.hits] == [("/lang", 1), ("/daarna", 2)]


def test_a_redirect_without_location_is_a_recorded_failure(server, client):
    url = server.route("/nergens", response("302 Found", ["Content-Type: text/html"]))
    result = client.get(url)
    assert (result.reason, result.permanent, result.status) == (
        FailureReason.REDIRECT_WITHOUT_LOCATION, True, 302)
    assert result.error == "HTTP 302 without a Location header" and not result.redirected


def test_a_feed_with_an_entity_bomb_gives_its_links_unexpanded(server, client):
    """Entities in the feed's DOCTYPE (feedparser keeps those without references in them, and
    expat expands each use: a feed of 4 MB became 466 MB): the internal subset is not read,
    the entries' links are, their entity references not expanded."""
    subset = "\n".join(['<!ENTITY e0 "kade">', *(
        f'<!ENTITY e{n} "' + f"&e{n - 1};" * 10 + '">' for n in range(1, 4))])
    feed = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{subset}\n]>\n<rss version="2.0"><channel>'
            f"<title>&e0;</title><item><title>&e2;</title><link>{server.url('/nieuws/a')}</link>"
            f"</item><item><link>{server.url('/nieuws/b?van=&e0;')}</link></item></channel></rss>")
    url = server.route("/feed", response("200 OK", ["Content-Type: application/rss+xml"],
                                         feed.encode()))
    result = client.get(url)
    assert result.ok and result.body == feed.encode()
    found = discover(result.body, url, result.content_type)
    assert found.is_feed and found.articles[0] == server.url("/nieuws/a")
    assert len(found.articles) == 2 and "kade" not in found.articles[1]  # `&e0;` as it is


# --- a server that trickles --------------------------------------------------------------
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"


# Each trickle takes 10 s or more per attempt, a byte at a time (never a pause as long as the
# deadline): a client whose deadline restarts with every byte read would take 20 s or more.
TRICKLE_SECONDS = 10.0


@pytest.mark.parametrize("name, steps", [
    ("status line", trickle(b"HTTP/1.1 200 " + b"O" * 200 + b"K\r\n", 0.05) + [30.0]),
    ("headers", [b"HTTP/1.1 200 OK\r\n"] + trickle(b"X-Traag: " + b"a" * 200 + b"\r\n", 0.05)),
    ("body", [HEAD + b"Content-Length: 400\r\n\r\n"] + trickle(b"<p>" + b"a" * 397, 0.05)),
    ("chunks", [HEAD + b"Transfer-Encoding: chunked\r\n\r\n"] + [
        step for _ in range(200) for step in (b"1\r\na\r\n", 0.05)]),
    ("silence", [HEAD, 30.0]),
])
def test_a_trickling_server_costs_at_most_the_deadline_per_attempt(server, client, name, steps):
    """The deadline is of the whole response, in real time (the server trickles in real time,
    so this test needs it): the bound is generous on the side that cannot flake, the deadlines
    plus 5 s, still far below what a per-read timeout would take (2 x TRICKLE_SECONDS)."""
    assert sum(step for step in steps if isinstance(step, float)) >= TRICKLE_SECONDS, name
    url = server.route("/traag", *steps)
    result, seconds = timed_get(client, url)
    assert (result.reason, result.permanent) == (FailureReason.DEADLINE, False), name
    assert result.error == f"timed out: no complete response within {DEADLINE:g} s"
    attempts = len(server.requested("/traag"))
    assert attempts == 2  # one retry after a timeout (timeout_retries)
    assert seconds < attempts * DEADLINE + 5.0 < attempts * TRICKLE_SECONDS, (name, seconds)


class WatchedClock(ManualClock):
    """A ManualClock that tells when the client's deadline watchdog has looked at it: two
    looks after a point mean it compared the time of the first with the deadline and went on."""

    WATCHDOG = "newsarchive-deadlines"  # the name of transport.py's watchdog thread

    def __init__(self) -> None:
        super().__init__()
        self.looks = 0
        self.looked = threading.Condition()

    def monotonic(self) -> float:
        if threading.current_thread().name == self.WATCHDOG:
            with self.looked:
                self.looks += 1
                self.looked.notify_all()
        return super().monotonic()

    def watchdog_looks_twice(self, fetching: threading.Thread) -> None:
        """Until the watchdog looked twice from now, or the fetch ended; the timeout only
        bounds a hang (a watchdog that never reads this clock), which fails."""
        with self.looked:
            until = self.looks + 2
            assert self.looked.wait_for(lambda: self.looks >= until or not fetching.is_alive(), 30)


def test_the_deadline_runs_on_the_injected_clock(server):
    """A 60 s deadline passes when the injected clock says so, not after 60 real seconds."""
    clock = WatchedClock()
    policy = HttpPolicy(delay=0.0, timeout=60.0, retries=0)
    url = server.route("/traag", *([HEAD + b"Content-Length: 900\r\n\r\n"]
                                   + trickle(b"a" * 900, 0.05)))
    outcome = {}
    with HttpClient(policy, clock) as http:
        fetching = threading.Thread(target=lambda: outcome.update(result=http.get(url)))
        fetching.start()
        clock.watchdog_looks_twice(fetching)
        assert fetching.is_alive()  # 60 s of the deadline are left
        clock.advance(59.9)
        clock.watchdog_looks_twice(fetching)
        assert fetching.is_alive()  # 0.1 s are left
        clock.advance(0.2)
        fetching.join(30)  # the watchdog looks every POLL (0.05 s): far less than 45 s of trickle
    assert not fetching.is_alive()
    assert outcome["result"].reason is FailureReason.DEADLINE


def test_a_watchdog_gone_idle_is_woken_by_the_next_attempt():
    """With no attempt left the watchdog waits without end; the next attempt wakes it, and
    its socket is cut off once the injected clock passes its deadline."""
    clock = WatchedClock()
    watchdog = Watchdog(clock.monotonic)
    with watchdog.guard(Attempt("127.0.0.1", 60.0, 60.0, clock.monotonic)):
        with clock.looked:
            assert clock.looked.wait_for(lambda: clock.looks >= 2, 30)
    with clock.looked:  # a look after the attempt left: the watchdog saw none, went idle
        until = clock.looks + 1
        assert clock.looked.wait_for(lambda: clock.looks >= until, 30)
    ours, theirs = socket.socketpair()
    try:
        with watchdog.guard(Attempt("127.0.0.1", 1.0, 1.0, clock.monotonic)) as attempt:
            attempt.watch(ours)
            clock.advance(0.9)
            assert not attempt.expired
            clock.advance(0.2)
            ours.settimeout(30)  # bounds a hang only: an unwoken watchdog fails here
            assert ours.recv(1) == b"" and attempt.expired
    finally:
        watchdog.close()
        ours.close()
        theirs.close()


# --- a body over the cap, streamed ---------------------------------------------------------
def chunked(*parts: bytes) -> list[bytes]:
    """Each part as one chunk of a chunked body, sent on its own."""
    return [b"%x\r\n%s\r\n" % (len(part), part) for part in parts]


@pytest.mark.parametrize("last_chunk", [b"", b"!"], ids=["at_cap", "one_byte_over"])
def test_a_chunked_body_is_capped_as_it_streams(server, last_chunk):
    """Ten chunks of 100 bytes fill a 1000-byte cap exactly; one byte more is refused as it
    arrives: the server then goes silent without ending the body, so a client that waited
    for the whole body (or trusted a length) would run into the deadline instead."""
    parts = [b"<p>" + b"a" * 93 + b"</p>"] * 10 + ([last_chunk] if last_chunk else [])
    ending = [30.0] if last_chunk else [b"0\r\n\r\n"]
    url = server.route("/stroom", HEAD + b"Transfer-Encoding: chunked\r\n\r\n", *chunked(*parts), *ending)
    # On an injected clock that stands still the deadline never comes: only a client that
    # refuses the byte over the cap as it arrives is done before the server's 30 s silence.
    with HttpClient(replace(FAST, max_bytes=1000), ManualClock()) as http:
        result, seconds = timed_get(http, url)
    if last_chunk:
        assert (result.body, result.reason, result.error) == (
            None, FailureReason.TOO_LARGE, "body is over the 1000 byte cap")
        assert seconds < 20.0  # generous: the silence is 30 s
    else:
        assert result.ok and result.body == b"".join(parts)
    assert len(server.requested("/stroom")) == 1


# --- redirects off the site --------------------------------------------------------------
def test_redirects_off_the_site_are_not_followed(server, other_host, other_port, client):
    targets = {
        "/naar-host": other_host.url("/nieuws/a"),
        "/naar-poort": other_port.url("/nieuws/a"),
        "/naar-metadata": "http://169.254.169.254/latest/meta-data/",
        "/naar-intranet": "http://10.1.2.3/admin",
        "/naar-localhost-poort": f"http://localhost:{other_port.port}/",
    }
    for path, target in targets.items():
        url = server.route(path, response("302 Found", [f"Location: {target}"]))
        result = client.get(url)
        assert (result.reason, result.permanent, result.body) == (
            FailureReason.REDIRECT_OFF_SITE, True, None), path
        assert result.error.startswith("redirect to another site or port: "), path
    assert other_host.hits == [] and other_port.hits == []


def test_a_redirect_to_another_scheme_or_with_credentials_is_refused(server, client):
    for path, target, reason in [
        ("/ftp", "ftp://127.0.0.1/x", FailureReason.REDIRECT_SCHEME),
        ("/file", "file:///etc/passwd", FailureReason.REDIRECT_SCHEME),
        ("/inlog", f"http://wie:wat@127.0.0.1:{server.port}/x", FailureReason.CREDENTIALS),
    ]:
        result = client.get(server.route(path, response("302 Found", [f"Location: {target}"])))
        assert result.reason is reason, path
        assert "wat" not in result.error
    assert "/x" not in server.paths()


def test_a_redirect_within_the_site_is_followed(server, client):
    url = server.route("/oud", response("301 Moved", [f"Location: http://localhost:{server.port}/nieuws/a"]))
    server.route("/nieuws/a", *page(HTML))
    result = client.get(url)
    assert result.ok and result.final_url == f"http://localhost:{server.port}/nieuws/a"


# --- addresses ---------------------------------------------------------------------------
@pytest.mark.parametrize("address, kind", [
    ("93.184.215.14", None), ("2a00:1450:4001:80b::200e", None),
    ("127.0.0.1", "loopback"), ("127.9.9.9", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("fd00::1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "reserved"), ("::ffff:10.0.0.1", "private"), ("::ffff:127.0.0.1", "loopback"),
])
def test_every_address_but_a_global_one_is_named_for_what_it_is(address, kind):
    assert address_kind(address) == kind


def test_only_a_loopback_url_may_reach_loopback():
    assert names_loopback("127.0.0.2") and names_loopback("localhost") and names_loopback("[::1]")
    assert not names_loopback("10.0.0.1") and not names_loopback("localhost.example.nl")
    assert not names_loopback("news.example.nl")


def test_a_host_name_that_resolves_to_loopback_is_refused_after_resolution(server, client):
    """The check runs on resolved addresses: a name that is not a loopback name but resolves
    to 127.0.0.1 (here the machine's own name, as /etc/hosts often has it) is refused."""
    name = socket.gethostname()
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, server.port)}
    except OSError:
        addresses = set()
    if not addresses or not all(address_kind(a) == "loopback" for a in addresses):
        pytest.skip(f"{name} does not resolve to loopback here")
    server.route("/", *page(HTML))
    result = client.get(f"http://{name}:{server.port}/")
    assert (result.reason, result.permanent) == (FailureReason.ADDRESS_REFUSED, True)
    assert result.error.startswith(f"{name.lower()} is at 127.") and "a loopback address" in result.error
    assert server.hits == []


class Resolver:
    """A name server that answers as a test says, and logs the names it was asked: the seam
    of DNS rebinding (a name that resolves to an address it should not)."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[tuple]:
        self.asked.append(host)
        address = self.answers[host]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
    ("169.254.169.254", "link-local"), ("::ffff:127.0.0.1", "loopback"),
])
def test_a_name_that_resolves_to_a_refused_address_is_never_connected_to(server, address, kind):
    """Not a loopback name, so no address but a global one is allowed: refused at connect."""
    resolve = Resolver({"nieuws.test": address})
    server.route("/", *page(HTML))
    with HttpClient(FAST, resolve=resolve) as http:
        result = http.get(f"http://nieuws.test:{server.port}/")
    assert (result.reason, result.permanent) == (FailureReason.ADDRESS_REFUSED, True)
    assert result.error == f"nieuws.test is at {address}, a {kind} address: not fetched"
    assert resolve.asked == ["nieuws.test"] and server.hits == []


@pytest.mark.parametrize("address, kind", [("10.1.2.3", "private"),
                                           ("169.254.169.254", "link-local")])
def test_every_hop_is_checked_after_resolution(server, address, kind):
    """A loopback source may reach loopback, and nothing else: `localhost` answering with
    another address (rebinding between the hops) is refused for the redirect and for
    robots.txt, and the name is looked up again for each."""
    resolve = Resolver({"localhost": "127.0.0.1"})
    server.route("/oud", response("302 Found", [f"Location: http://localhost:{server.port}/a"]))
    server.route("/a", *page(HTML))
    with HttpClient(FAST, resolve=resolve) as http:
        assert http.get(server.url("/oud")).ok  # localhost at 127.0.0.1: allowed
        resolve.answers["localhost"] = address
        result = http.get(server.url("/oud"))
        rules = Robots(http).rules_for(f"http://localhost:{server.port}/a")
    assert (result.reason, result.error) == (
        FailureReason.ADDRESS_REFUSED, f"localhost is at {address}, a {kind} address: not fetched")
    assert rules.unreachable == f"robots.txt unavailable (localhost is at {address}, a {kind} address: not fetched)"
    assert resolve.asked == ["localhost"] * 3
    assert server.paths() == ["/oud", "/a", "/oud"]


# --- credentials -------------------------------------------------------------------------
def test_credentials_of_a_url_go_to_that_url_only(server, client):
    url = server.route("/afgeschermd", response("302 Found", ["Location: /nieuws/a"]))
    server.route("/nieuws/a", *page(HTML))
    result = client.get(url.replace("http://", "http://redactie:ge%23heim@"))
    assert result.ok and result.url == url and "geheim" not in repr(result)
    (first,) = server.requested("/afgeschermd")
    assert first.headers["authorization"] == "Basic " + base64.b64encode(b"redactie:ge#heim").decode()
    (second,) = server.requested("/nieuws/a")
    assert "authorization" not in second.headers


# --- robots.txt --------------------------------------------------------------------------
@pytest.mark.parametrize("value, kept", [
    ("1e20", None), ("inf", None), ("nan", None), ("\xb2", None), ("-1", None), ("٣", None),
    ("2", "2"), ("0.5", "0.5"), ("100000", "100000"), ("99999999999999999999", "1e+09"),
])
def test_crawl_delay_is_plain_seconds_and_capped(value, kept):
    text = robots_text(f"User-agent: *\nCrawl-delay: {value}\nDisallow: /p/\n".encode())
    delay_lines = [line for line in text.splitlines() if line.lower().startswith("crawl-delay")]
    assert delay_lines == ([] if kept is None else [f"Crawl-delay: {kept}"])


@pytest.mark.parametrize("value, delay", [("1e20", None), ("100000", 100000.0),
                                          ("99999999999999999999", 1e9), ("0.5", 0.5)])
def test_the_crawl_delay_a_host_gets_is_a_finite_number_of_seconds(server, client, value, delay):
    server.route("/robots.txt", response("200 OK", ["Content-Type: text/plain"],
                                         f"User-agent: *\nCrawl-delay: {value}\n".encode()))
    rules = Robots(client).rules_for(server.url("/nieuws/a"))
    assert rules.crawl_delay == delay and rules.allows(server.url("/nieuws/a"))


def test_a_trickled_robots_txt_ends_at_the_deadline_and_blocks_the_host_this_run(server, client):
    server.route("/robots.txt", *([b"HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n"]
                                  + trickle(b"#" * 300, 0.05)))
    started = time.monotonic()
    rules = Robots(client).rules_for(server.url("/nieuws/a"))
    # real time, as the trickle: generous, and far below the trickle's 15 s per attempt
    assert time.monotonic() - started < 2 * DEADLINE + 5.0
    assert rules.unreachable == f"robots.txt unavailable (timed out: no complete response within {DEADLINE:g} s)"


def test_a_robots_txt_redirect_off_the_site_is_not_followed(server, other_host, client):
    server.route("/robots.txt", response("301 Moved", [f"Location: {other_host.url('/robots.txt')}"]))
    rules = Robots(client).rules_for(server.url("/nieuws/a"))
    assert rules.allows(server.url("/nieuws/a"))  # no rules of its own: RFC 9309
    assert other_host.hits == []


# --- framing: chunk sizes, informational responses, header sections ------------------------
CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize("size_line", [b"5", b"05", b"5;kant=zeeland", b"5 ;x", b"0000000000000005"])
def test_a_chunk_size_in_hex_digits_is_read(server, client, size_line):
    url = server.route("/c", CHUNKED + size_line + b"\r\nKade!\r\n0\r\n\r\n")
    result = client.get(url)
    assert (result.ok, result.body) == (True, b"Kade!")


@pytest.mark.parametrize("size_line, shown", [
    (b"-5", b"-5"), (b"+5", b"+5"), (b"0x5", b"0x5"), (b"1_0", b"1_0"), (b"zz", b"zz"),
    (b"00000000000000005", b"00000000000000005"),  # 17 digits: one over the limit
    (b"5;" + b"e" * 5000, b"5;" + b"e" * 38),  # a chunk-size line over 4096 bytes
])
def test_a_chunk_size_that_is_not_hex_digits_is_a_malformed_response(server, client, size_line,
                                                                      shown):
    url = server.route("/c", CHUNKED + size_line + b"\r\nKade!\r\n0\r\n\r\n")
    result, seconds = timed_get(client, url)
    assert (result.reason, result.error) == (
        FailureReason.PROTOCOL, f"malformed response: invalid chunk size {shown!r}")
    assert seconds < 5.0  # at once, not at the deadline (generous: a loaded machine)


@pytest.mark.parametrize("length, notices, connections", [
    (b"Content-Length: 3\r\n", [Notice.LENGTH_WITH_CHUNKED], [1, 2]),  # framed two ways: hang up
    (b"", [], [1, 1]),  # chunked alone: the connection is kept for the next request
])
def test_chunked_with_a_content_length_is_read_as_chunked_and_the_connection_closed(
        server, client, length, notices, connections):
    """RFC 9112 6.1 and 6.3: Transfer-Encoding overrides Content-Length, and the connection is
    closed after such a response (the server stays open for another request on it)."""
    url = server.route("/beide", CHUNKED[:-2] + length + b"\r\n", *chunked(b"<p>Kade", b"</p>"),
                       b"0\r\n\r\n", KEEP_OPEN)
    server.route("/daarna", *page(HTML))
    first = client.get(url)
    assert (first.ok, first.body, first.notices) == (True, b"<p>Kade</p>", notices)
    assert client.get(server.url("/daarna")).ok
    assert [(hit.path, hit.connection) for hit in server.hits] == [
        ("/beide", connections[0]), ("/daarna", connections[1])]


@pytest.mark.parametrize("coding", ["gzip", "gzip, chunked", "chunked, chunked", "identity"])
def test_a_transfer_coding_other_than_chunked_is_a_bad_header(server, client, coding):
    """We ask for no transfer coding: another cannot be framed (or decoded) as sent."""
    url = server.route("/te", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: "
                       + coding.encode() + b"\r\nContent-Length: 5\r\n\r\n5\r\nKade!\r\n0\r\n\r\n")
    result = client.get(url)
    assert (result.reason, result.permanent, result.body) == (FailureReason.BAD_HEADER, True, None)
    assert result.error == f"Transfer-Encoding {coding!r} is not chunked"
    assert len(server.requested("/te")) == 1


def test_a_body_cut_off_inside_a_chunk_is_too_short(server, client):
    url = server.route("/c", CHUNKED + b"ffffffffffffffff\r\nKade")  # 16 digits: a size
    result = client.get(url)
    assert result.reason == FailureReason.BODY_TOO_SHORT
    assert result.error.startswith("body cut off inside a chunk (")


@pytest.mark.parametrize("continues, reason", [(9, None), (10, FailureReason.PROTOCOL)])
def test_at_most_ten_informational_responses_precede_the_answer(server, client, continues,
                                                                reason):
    url = server.route("/i", b"HTTP/1.1 100 Continue\r\n\r\n" * (continues - 1)
                       + b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                       + response(body=b"<p>Kade</p>"))
    result = client.get(url)
    assert result.reason == reason
    if reason is not None:
        assert result.error == "malformed response: too many informational responses"


def test_endless_100_continue_ends_at_once(server, client):
    url = server.route("/i", b"HTTP/1.1 100 Continue\r\n\r\n" * 5000, 30.0)
    result, seconds = timed_get(client, url)
    assert result.reason == FailureReason.PROTOCOL and seconds < DEADLINE + 5.0


@pytest.mark.parametrize("headers", [
    b"".join(b"X-%d: v\r\n" % n for n in range(10_000)),  # ten thousand headers
    b"X-Nooit: klaar\r\n" * 100_000,  # a header section that never ends
])
def test_a_header_section_without_end_is_a_malformed_response(server, client, headers):
    url = server.route("/h", b"HTTP/1.1 200 OK\r\n" + headers + b"Content-Length: 3\r\n\r\nabc")
    result = client.get(url)
    assert (result.reason, result.error) == (FailureReason.PROTOCOL,
                                             "malformed response: got more than 100 headers")


def test_two_differing_content_lengths_are_a_bad_header(server, client):
    url = server.route("/l", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 3\r\n"
                       b"Content-Length: 5\r\n\r\nabcde")
    result = client.get(url)
    assert (result.reason, result.permanent) == (FailureReason.BAD_HEADER, True)
    assert len(server.requested("/l")) == 1  # not retried: it will not frame itself next time


# --- URLs: length -------------------------------------------------------------------------
def test_a_redirect_to_a_url_over_2048_characters_is_not_followed(server, client):
    base = server.url("/")
    near = "/" + "a" * (2048 - len(base))  # exactly 2048 characters in all
    server.route(near, *page(HTML))
    ok = server.route("/kort", response("302 Found", [f"Location: {near}"]))
    over = server.route("/lang", response("302 Found", [f"Location: {near}b"]))
    assert client.get(ok).ok
    result = client.get(over)
    assert (result.reason, result.permanent) == (FailureReason.UNSUPPORTED_URL, True)
    assert result.error.startswith("redirect to a URL of 2049 characters, over 2048: ")
    assert server.paths() == ["/kort", near, "/lang"]


# --- robots.txt: size and bytes -----------------------------------------------------------
def test_a_robots_txt_over_512_kib_is_read_up_to_512_kib(server, client):
    head = b"User-agent: *\nDisallow: /voor/\n"
    filler = b"#" * (512 * 1024 - len(head) - 1) + b"\n"  # the rules so far: 512 KiB exactly
    body = head + filler + b"Disallow: /na/\n"
    server.route("/robots.txt", response("200 OK", ["Content-Type: text/plain"], body))
    rules = Robots(client).rules_for(server.url("/nieuws/a"))
    assert rules.unreachable is None
    assert not rules.allows(server.url("/voor/x"))
    assert rules.allows(server.url("/na/x"))  # beyond 512 KiB: not read
    assert rules.allows(server.url("/nieuws/a"))


def test_nul_bytes_in_robots_txt_are_dropped_and_its_rules_kept(server, client):
    body = b"User-agent: *\0\nDisallow: /geheim\n\xff\xfe\0\0"
    server.route("/robots.txt", response("200 OK", ["Content-Type: text/plain"], body))
    assert "\0" not in robots_text(body)
    rules = Robots(client).rules_for(server.url("/nieuws/a"))
    assert not rules.allows(server.url("/geheim")) and rules.allows(server.url("/nieuws/a"))


# --- the head, parsed without the email parser -------------------------------------------
@pytest.mark.parametrize("head", [
    b"Content-Type: text/html\r\nContent-Length: 5\r\n\r\n",
    b"X-A:1\r\nX-B: \t twee  \r\nX-C:\r\nX-D:   \r\nx-a: 3\n\n",
    b"X-Naam: caf\xe9\r\nX-Utf: caf\xc3\xa9\r\nX-Nel: a\x85b\x0bc\x0cd\x1ce\r\n\r\n",
    b"X-A: 1\r\n  vervolg\r\nX-B: 2\r\n\r\n",  # a folded line
    b" X-A: 1\r\nX-B: 2\r\n\r\n",  # the first line folded
    b"X-A: 1\r\ngeen dubbelepunt\r\nX-B: 2\r\n\r\n",  # ends the head: the rest is body
    b": geen naam\r\nX-B: 2\r\n\r\n",
    b"From iemand\r\nX-B: 2\r\n\r\n", b"X-A: 1\r\nFrom : iemand\r\n\r\n",
    b"X A: 1\r\nX-B: 2\r\n\r\n", b"X-A: 1\rX-B: 2\r\n\r\n", b"X-A: 1\r\r\n\r\n",
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n",
    b"Content-Type: message/rfc822\r\n\r\n", b"content-type: Message/Delivery-Status\r\n\r\n",
    b"X-A: 1\r\nX-B: 2\r\n",  # the connection closed before the empty line
    b"\r\n", b"",
])
def test_a_head_is_parsed_as_the_email_parser_parses_it(head):
    """The message, every attribute of it, as `http.client.parse_headers` makes it."""
    theirs = http.client.parse_headers(io.BytesIO(head + b"<p>lichaam"))
    ours = parse_head(io.BytesIO(head + b"<p>lichaam"))
    assert message_shape(ours) == message_shape(theirs)


def message_shape(value: object) -> object:
    """A message as plain values: its class and every attribute, nested messages and
    defects included (which are compared by class and text)."""
    if isinstance(value, list):
        return [message_shape(item) for item in value]
    if isinstance(value, http.client.HTTPMessage) or isinstance(value, Exception):
        return (type(value), str(value) if isinstance(value, Exception) else
                {key: message_shape(item) for key, item in vars(value).items()})
    return value
