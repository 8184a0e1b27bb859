"""One cron run over hostile sources: each ends in bounded time with its reason recorded, the
run goes on to the next source, nothing off the site is asked, and no credential or cookie
reaches the archive, the log or the screen."""

from __future__ import annotations

import base64
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from fixture_site import LISTING
from hostile_server import HostileServer, page, response, trickle
from sqlalchemy import MetaData, select

from newsarchive.cli import cli
from newsarchive.fetch.errors import FailureReason
from newsarchive.fetch.frontier import FRONTIER
from newsarchive.store.archive import open_archive

SECRETS = (b"redacteur", b"topgeheim", b"koekjesgeheim", b"lekkage")
DEADLINE = "0.5"


def listing(port: int) -> str:
    teasers = "\n".join(
        f'<li><a href="/nieuws/bericht-{n}"><h3>ANP Dijk bij Kruiningen wordt verhoogd {n}</h3></a>'
        f"<p>KRUININGEN (ANP) - Het waterschap begint met werk aan de dijk, deel {n}.</p>"
        f"<span>{n} uur geleden</span></li>"
        for n in (1, 2)
    )
    leak = (f'<li><a href="http://lek:lekkage@127.0.0.1:{port}/nieuws/bericht-3"><h3>ANP Een '
            "link met een wachtwoord erin</h3></a><p>GOES (ANP) - Deze link volgen we niet."
            "</p><span>3 uur geleden</span></li>")
    return (f"<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Zeeland</title>"
            f"</head><body><main><h1>Zeeland</h1><ul>{teasers}\n{leak}</ul></main></body></html>")


def article(n: int) -> str:
    return (f"<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"></head><body><main>"
            f"<article><h1>Dijk bij Kruiningen wordt verhoogd {n}</h1>"
            f"<p><strong>KRUININGEN (ANP)</strong> - Het waterschap begint maandag met het "
            f"verhogen van de dijk, deel {n}. Het werk duurt een half jaar.</p></article>"
            f"</main></body></html>")


@pytest.fixture
def servers():
    names = ("main", "other_host", "busy", "odd_delay", "long_delay", "slow_robots", "down")
    addresses = tuple(f"127.0.0.{n}" for n in range(1, len(names) + 1))
    started = {name: HostileServer(address).start() for name, address in zip(names, addresses)}
    started["other_port"] = HostileServer().start()
    yield started
    for server in started.values():
        server.stop()


def archive_contents(db: str) -> bytes:
    """Every value of every table of the archive as bytes: where a secret would be, whichever
    database keeps it. (Raw response bodies are kept as the server sent them, compressed: a
    page may well show a link with a password in it, as the listing here does.)"""
    values: list[bytes] = []
    with open_archive(db) as archive, archive.engine.connect() as connection:
        tables = MetaData()
        tables.reflect(connection)
        for table in tables.sorted_tables:
            for row in connection.execute(select(table)):
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        values.append(bytes(value))
                    elif value is not None:
                        values.append(str(value).encode())
    return b"\n".join(values)


def test_a_run_over_hostile_sources_records_every_reason_and_goes_on(servers, fixture_site,
                                                                   archive_url, tmp_path):
    main, other_host, other_port = servers["main"], servers["other_host"], servers["other_port"]
    main.route("/nieuws/lijst", *page(listing(main.port), "Set-Cookie: sessie=koekjesgeheim"))
    for n in (1, 2, 3):
        main.route(f"/nieuws/bericht-{n}", *page(article(n)))
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
    # a 429, or a 503 without a usable Retry-After, pauses its whole host: each on its own
    hostile = {  # URL -> the line the run prints for it (a pattern)
        main.route("/traag", *([head + b"Content-Length: 400\r\n\r\n"] + trickle(b"a" * 400, 0.05))):
            re.escape(f"timed out: no complete response within {DEADLINE} s"),
        servers["down"].route("/drukte", response("503 Service Unavailable", ["Retry-After: \xb2"])):
            r"HTTP 503 \(host paused (6[0-9]|7[0-5]) s\)",  # 60 s, jitter
        servers["busy"].route("/druk", response("429 Too Many Requests",
                                                ["Retry-After: 99999999999999999999"])):
            re.escape("HTTP 429 (Retry-After 86400 s is over the cap) (host paused 86400 s)"),
        main.route("/lengte", response("200 OK", ["Content-Type: text/html", "Content-Length: \xb2"],
                                       b"<p>x</p>")):
            re.escape("Content-Length '²' is not a length (given up)"),
        main.route("/naar-host", response("302 Found", [f"Location: {other_host.url('/')}"])):
            re.escape(f"redirect to another site or port: {other_host.url('/')} (given up)"),
        main.route("/naar-poort", response("302 Found", [f"Location: {other_port.url('/')}"])):
            re.escape(f"redirect to another site or port: {other_port.url('/')} (given up)"),
        main.route("/naar-metadata", response("302 Found", ["Location: http://169.254.169.254/"])):
            re.escape("redirect to another site or port: http://169.254.169.254/ (given up)"),
        main.route("/naar-intranet", response("302 Found", ["Location: http://10.1.2.3/"])):
            re.escape("redirect to another site or port: http://10.1.2.3/ (given up)"),
        main.route("/nergens", response("302 Found")):
            re.escape("HTTP 302 without a Location header (given up)"),
        servers["slow_robots"].url("/nieuws/x"):
            re.escape(f"robots.txt unavailable (timed out: no complete response within {DEADLINE} s); "
                      f"skipping 127.0.0.6:{servers['slow_robots'].port} this run"),
    }
    servers["long_delay"].route("/robots.txt", response(
        "200 OK", ["Content-Type: text/plain"], b"User-agent: *\nCrawl-delay: 100000\n"))
    servers["slow_robots"].route("/robots.txt", *(
        [b"HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n"] + trickle(b"#" * 200, 0.05)))
    servers["odd_delay"].route("/robots.txt", response(
        "200 OK", ["Content-Type: text/plain"], b"User-agent: *\nCrawl-delay: 1e20\n"))
    odd = servers["odd_delay"].route("/nieuws/bericht-9", *page(article(9)))
    latin1 = main.route("/oud", response("301 Moved", [b"Location: /nieuws/caf\xe9"]))
    main.route("/nieuws/caf%E9", *page(article(4)))
    source = main.url("/nieuws/lijst").replace("http://", "http://redacteur:topgeheim@")
    db, log = archive_url, tmp_path / "crawl.log"

    started = time.monotonic()
    result = CliRunner().invoke(cli, [
        "crawl", source, *hostile, servers["long_delay"].url("/nieuws/x"), odd, latin1, fixture_site.url(LISTING), "--pages", "1",
        "--delay", "0", "--timeout", DEADLINE, "--retries", "1", "--db", db,
        "--log-file", str(log)], catch_exceptions=False)
    seconds = time.monotonic() - started

    assert result.exit_code == 1
    failed = {line.split(": ", 2)[1].removeprefix("failed "): line.split(": ", 2)[2]
              for line in result.stderr.splitlines() if line.startswith("newsarchive: failed ")}
    # a pause of the whole host is no failure of the URL: one warning line, the URL waits
    pauses = {servers["down"].url("/drukte"), servers["busy"].url("/druk")}
    assert set(failed) == set(hostile) - pauses
    for url, pattern in hostile.items():
        if url not in pauses:
            assert re.fullmatch(pattern, failed[url]), (url, failed[url])
    paused = {line.split(" ", 2)[1]: line for line in result.stderr.splitlines()
              if " asked for a pause (" in line}
    assert re.fullmatch(r"newsarchive: \S+ asked for a pause \(HTTP 503\): nothing is asked of it for "
                        r"(6[0-9]|7[0-5]) s", paused[f"127.0.0.7:{servers['down'].port}"])
    assert paused[f"127.0.0.3:{servers['busy'].port}"] == (
        f"newsarchive: 127.0.0.3:{servers['busy'].port} asked for a pause (HTTP 429 (Retry-After 86400 s "
        "is over the cap)): nothing is asked of it for 86400 s")
    # one line per event: a robots.txt that cannot be read fails the URL and skips its host
    slow_robots = f"127.0.0.6:{servers['slow_robots'].port}"
    assert len([line for line in result.stderr.splitlines() if slow_robots in line]) == 1
    assert [line for line in result.stderr.splitlines()
            if not line.startswith("newsarchive: ")] == [result.stderr.splitlines()[-1]]
    long_delay = f"127.0.0.5:{servers['long_delay'].port}"
    assert (f"newsarchive: skipping {long_delay} this run: robots.txt asks for a Crawl-delay of "
            "100000 s, over --max-crawl-delay 60 s") in result.stderr.splitlines()
    assert servers["long_delay"].paths() == ["/robots.txt"]
    assert seconds < 30  # three deadlines of 0.5 s twice, and the rest at loopback speed
    # the run went on: the good sources and their articles are all archived
    assert [hit.path for hit in main.requested("/nieuws/bericht-1")] == ["/nieuws/bericht-1"]
    assert main.requested("/nieuws/bericht-3") == []  # its link carries credentials
    assert len(servers["odd_delay"].requested("/nieuws/bericht-9")) == 1
    assert main.requested("/nieuws/caf%E9") != []
    listed = [a.path for a in fixture_site.listing_articles(1)]
    assert all(fixture_site.count(path) == 1 for path in listed)
    # nothing off the site was asked
    assert other_host.hits == [] and other_port.hits == []
    # the credentials went to the source only
    (asked,) = main.requested("/nieuws/lijst")
    assert asked.headers["authorization"] == "Basic " + base64.b64encode(
        b"redacteur:topgeheim").decode()
    assert [hit.path for hit in main.hits if "authorization" in hit.headers] == ["/nieuws/lijst"]
    # no secret anywhere: every value of the archive (and, on SQLite, its files), log, screen
    stored = archive_contents(db) + b"".join(
        path.read_bytes() for path in tmp_path.iterdir() if path.name.startswith("archive.db"))
    assert b"Het waterschap begint" in stored  # the archived items are read
    for secret in SECRETS:
        assert secret not in stored and secret not in log.read_bytes(), secret
        assert secret.decode() not in result.output, secret
    assert "the Location header holds bytes that are not UTF-8" in log.read_text()
    # the 429 of twenty digits is due again in a day, not in 3 * 10**12 years
    with open_archive(db) as archive, archive.engine.connect() as connection:
        due = connection.execute(select(FRONTIER.c.next_due_at).where(
            FRONTIER.c.url == servers["busy"].url("/druk"))).scalar_one()
        urls = set(connection.execute(select(FRONTIER.c.url)).scalars())
        reasons = dict(connection.execute(select(FRONTIER.c.url, FRONTIER.c.failure_reason)
                                          .where(FRONTIER.c.url.in_(list(hostile)))).all())
    assert reasons == {url: reason.value for url, reason in zip(hostile, [
        FailureReason.DEADLINE, FailureReason.HTTP_STATUS, FailureReason.RETRY_AFTER_TOO_LONG,
        FailureReason.BAD_HEADER, *[FailureReason.REDIRECT_OFF_SITE] * 4,
        FailureReason.REDIRECT_WITHOUT_LOCATION, FailureReason.ROBOTS_UNAVAILABLE])}
    due = due.replace(tzinfo=timezone.utc) if due.tzinfo is None else due
    assert timedelta(hours=23) < due - datetime.now(timezone.utc) <= timedelta(days=1)
    assert main.url("/nieuws/lijst") in urls and not any("@" in url for url in urls)


def teasers(links: list[str]) -> str:
    items = "\n".join(
        f'<li><a href="{link}"><h3>ANP Dijk bij Kruiningen wordt verhoogd {n}</h3></a>'
        f"<p>KRUININGEN (ANP) - Het waterschap begint met werk aan de dijk, deel {n}.</p>"
        f"<span>{n} uur geleden</span></li>"
        for n, link in enumerate(links, 1))
    return (f"<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Zeeland</title>"
            f"</head><body><main><h1>Zeeland</h1><ul>{items}</ul></main></body></html>")


@pytest.fixture
def sites():
    started = [HostileServer(f"127.0.0.{n}").start() for n in range(1, 5)]
    yield started
    for server in started:
        server.stop()


def test_a_redirect_to_a_host_whose_crawl_delay_is_over_the_cap_is_one_line(tmp_path):
    """`127.0.0.1:P` redirects to `localhost:P`, another host of the site, whose robots.txt asks
    for a Crawl-delay over --max-crawl-delay: the URL failed and the host is left alone this
    run, said in one line; the page there is not asked."""
    with HostileServer() as server:
        here, other = f"127.0.0.1:{server.port}", f"localhost:{server.port}"
        server.route("/robots.txt", response("200 OK", ["Content-Type: text/plain"],
                                             b"User-agent: *\n"))
        server.route("/robots.txt", response("200 OK", ["Content-Type: text/plain"],
                                             b"User-agent: *\nCrawl-delay: 100000\n"), host=other)
        source = server.route("/oud", response("302 Found", [f"Location: http://{other}/nieuws/a"]))
        result = CliRunner().invoke(cli, ["fetch", source, "--delay", "0", "--timeout", DEADLINE,
                                          "--retries", "0", "--db", str(tmp_path / "news.db")])
        asked = [(hit.headers["host"], hit.path) for hit in server.hits]
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:-1] == [
        f"newsarchive: failed {source}: {other}: robots.txt asks for a Crawl-delay of 100000 s, "
        "over --max-crawl-delay 60 s"]
    assert asked == [(here, "/robots.txt"), (here, "/oud"), (other, "/robots.txt")]


def test_answers_that_stopped_the_archive_are_each_one_page_and_the_run_goes_on(
        sites, archive_url, tmp_path):
    """A link of 9,000 characters, NUL bytes in robots.txt, a robots.txt over 512 KiB: each
    stopped a PostgreSQL archive for good (an index row, a text value it cannot hold) or
    skipped its host for good. Now each is one page's business; a chunk size of `-5` is a
    recorded failure of its URL."""
    long_link, nul_robots, big_robots, elsewhere = sites
    # letters drawn without a pattern PostgreSQL could compress into an index row
    letters = "".join(chr(97 + (n * 7919 + n // 26) % 26) for n in range(9000))
    long_link.route("/lijst", *page(teasers([f"/{letters}", "/nieuws/a", elsewhere.url("/x")])))
    long_link.route("/nieuws/a", *page(article(1)))
    broken = long_link.route("/kapot", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n0\r\n\r\n")
    for server, robots in ((nul_robots, b"User-agent: *\0\nDisallow: /geheim\n\xff\0"),
                           (big_robots, b"User-agent: *\nDisallow: /geheim\n" + b"#" * 600_000)):
        server.route("/robots.txt", response("200 OK", ["Content-Type: text/plain"], robots))
        server.route("/lijst", *page(teasers(["/geheim", "/nieuws/b"])))
        server.route("/nieuws/b", *page(article(2)))
    sources = [long_link.url("/lijst"), broken, nul_robots.url("/lijst"), big_robots.url("/lijst")]

    started = time.monotonic()
    result = CliRunner().invoke(cli, ["crawl", *sources, "--pages", "1", "--delay", "0",
                                      "--timeout", DEADLINE, "--retries", "1", "--db", archive_url],
                                catch_exceptions=False)
    seconds = time.monotonic() - started

    assert result.exit_code == 1, result.output  # a page failed; the archive did not
    assert [line for line in result.stderr.splitlines() if line.startswith("newsarchive: failed")] == [
        f"newsarchive: failed {broken}: malformed response: invalid chunk size b'-5'"]
    assert seconds < 30  # loopback speed; no deadline is waited for
    assert sorted(long_link.paths()) == ["/kapot", "/kapot", "/lijst", "/nieuws/a", "/robots.txt"]
    for server in (nul_robots, big_robots):
        assert server.paths() == ["/robots.txt", "/lijst", "/nieuws/b"]  # /geheim: disallowed
    assert elsewhere.hits == []
    with open_archive(archive_url) as archive, archive.engine.connect() as connection:
        reasons = dict(connection.execute(select(FRONTIER.c.url, FRONTIER.c.failure_reason)
                                          .where(FRONTIER.c.failure_reason.is_not(None))).all())
        urls = set(connection.execute(select(FRONTIER.c.url)).scalars())
    assert reasons == {broken: FailureReason.PROTOCOL.value,
                       nul_robots.url("/geheim"): FailureReason.ROBOTS_DISALLOWED.value,
                       big_robots.url("/geheim"): FailureReason.ROBOTS_DISALLOWED.value}
    assert {long_link.url("/nieuws/a"), nul_robots.url("/nieuws/b"),
            big_robots.url("/nieuws/b")} <= urls
    assert max(len(url) for url in urls) <= 2048
    assert b"Het waterschap begint maandag" in archive_contents(archive_url)


# A value the archive refuses, by the database's own rule: a trigger on items, raising for a
# title holding the word WEIGERD either a data error (SQLSTATE class 22; SQLite: a constraint)
# or an error of the archive itself (PostgreSQL: disk full; SQLite: a table that is not there).
REFUSALS = {
    ("postgresql", "value"): ("22003", "waarde buiten bereik"),
    ("postgresql", "archive"): ("53100", "schijf vol"),
}


def refuse(db: str, failing: str, table: str = "items", column: str = "title") -> str:
    """Install the trigger on `table`, refusing a `column` holding WEIGERD; returns the first
    line the database will say."""
    with open_archive(db) as archive, archive.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            code, message = REFUSALS[("postgresql", failing)]
            connection.exec_driver_sql(
                "CREATE FUNCTION weiger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.{column} LIKE '%%WEIGERD%%' THEN RAISE EXCEPTION '{message}' "
                f"USING ERRCODE = '{code}'; END IF; RETURN NEW; END $$")
            connection.exec_driver_sql(f"CREATE TRIGGER weiger BEFORE INSERT OR UPDATE ON {table} "
                                       "FOR EACH ROW EXECUTE FUNCTION weiger()")
            return message
        action, message = (("SELECT RAISE(ABORT, 'waarde buiten bereik')", "waarde buiten bereik")
                           if failing == "value" else
                           ("SELECT * FROM ontbrekend", "no such table: main.ontbrekend"))
        for event in ("INSERT", "UPDATE"):
            connection.exec_driver_sql(f"CREATE TRIGGER weiger_{event} BEFORE {event} ON {table} "
                                       f"WHEN NEW.{column} LIKE '%WEIGERD%' BEGIN {action}; END")
        return message


def refused_article(n: int) -> str:
    return article(n).replace(f"verhoogd {n}</h1>", f"verhoogd {n} WEIGERD</h1>")


def test_a_value_the_archive_refuses_is_one_page_failed_and_the_run_goes_on(sites, archive_url):
    """The three pages are stored in one batch: the refused one is rolled back alone (a
    savepoint), recorded against its URL with its reason, and the others are archived."""
    server = sites[0]
    urls = [server.route(f"/nieuws/bericht-{n}", *page(refused_article(n) if n == 2 else article(n)))
            for n in (1, 2, 3)]
    said = refuse(archive_url, "value")

    result = CliRunner().invoke(cli, ["crawl", *urls, "--delay", "0", "--timeout", DEADLINE,
                                      "--db", archive_url], catch_exceptions=False)

    assert result.exit_code == 1, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("newsarchive: failed")] == [
        f"newsarchive: failed {urls[1]}: the archive refused a value of the page: {said} (given up)"]
    assert "Traceback" not in result.output
    with open_archive(archive_url) as archive, archive.engine.connect() as connection:
        states = dict(connection.execute(select(FRONTIER.c.url, FRONTIER.c.state)).all())
        reasons = dict(connection.execute(select(FRONTIER.c.url, FRONTIER.c.failure_reason)).all())
        titles = sorted(connection.exec_driver_sql("SELECT title FROM items").scalars())
    assert [states[url] for url in urls] == ["done", "given_up", "done"]
    assert reasons[urls[1]] == FailureReason.STORE_REFUSED.value
    assert titles == ["Dijk bij Kruiningen wordt verhoogd 1", "Dijk bij Kruiningen wordt verhoogd 3"]


def test_a_response_the_archive_refuses_is_one_url_failed_and_the_run_goes_on(sites,
                                                                              archive_url):
    """Refused as the response is kept (before its page is parsed): the same, for that URL."""
    server = sites[0]
    urls = [server.route(f"/nieuws/{name}", *page(article(n)))
            for n, name in ((1, "kade"), (2, "WEIGERD"), (3, "dijk"))]
    said = refuse(archive_url, "value", "crawl_responses", "url")

    result = CliRunner().invoke(cli, ["crawl", *urls, "--delay", "0", "--timeout", DEADLINE,
                                      "--db", archive_url], catch_exceptions=False)

    assert result.exit_code == 1, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("newsarchive: failed")] == [
        f"newsarchive: failed {urls[1]}: the archive refused a value of the page: {said} (given up)"]
    with open_archive(archive_url) as archive, archive.engine.connect() as connection:
        rows = dict(connection.execute(select(FRONTIER.c.url, FRONTIER.c.failure_reason)
                                       .where(FRONTIER.c.state == "given_up")).all())
        stored = connection.exec_driver_sql("SELECT count(*) FROM items").scalar_one()
    assert rows == {urls[1]: FailureReason.STORE_REFUSED.value} and stored == 2


def test_an_archive_that_fails_stops_the_run_with_one_line(sites, archive_url):
    """Not a value of the page but the archive (disk full, a table gone): the run stops with
    one readable line and exit status 2; the URL is not marked failed (the next run resumes)."""
    server = sites[0]
    urls = [server.route(f"/nieuws/bericht-{n}", *page(refused_article(n) if n == 2 else article(n)))
            for n in (1, 2)]
    said = refuse(archive_url, "archive")

    result = CliRunner().invoke(cli, ["crawl", *urls, "--delay", "0", "--timeout", DEADLINE,
                                      "--db", archive_url], catch_exceptions=False)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (
        f"newsarchive: {archive_url}: the archive failed: {said}; the next run resumes")
    assert "Traceback" not in result.output
    with open_archive(archive_url) as archive, archive.engine.connect() as connection:
        reasons = set(connection.execute(select(FRONTIER.c.failure_reason)).scalars())
    assert reasons == {None}


def test_a_short_link_on_a_long_url_is_kept_only_within_2048_characters(sites, archive_url):
    """A listing at a URL of 2040 characters links `bericht-1` (joined: 2048 characters, kept)
    and `bericht-12` (2049... 2050, not): the URL length rule holds where URLs are stored
    (items.url, the frontier), whatever the length of the href."""
    server = sites[0]
    folder = "/" + "a" * (2040 - len(server.url("/")) - 1) + "/"
    source = server.url(folder)
    assert len(source) == 2040
    kept, over = source + "bericht-", source + "bericht-12"
    server.route(folder, *page(teasers(["bericht-", "bericht-12"])))
    server.route(folder + "bericht-", *page(article(1)))

    result = CliRunner().invoke(cli, ["crawl", source, "--pages", "1", "--delay", "0",
                                      "--timeout", DEADLINE, "--db", archive_url],
                                catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert (len(kept), len(over)) == (2048, 2050)
    assert server.paths() == ["/robots.txt", folder, folder + "bericht-"]
    with open_archive(archive_url) as archive, archive.engine.connect() as connection:
        item_urls = list(connection.exec_driver_sql("SELECT url FROM items ORDER BY id").scalars())
        urls = set(connection.execute(select(FRONTIER.c.url)).scalars())
    assert set(item_urls) == {kept, None}  # the teaser linking over 2048: no URL
    assert urls == {source, kept}
