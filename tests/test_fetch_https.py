"""HTTPS on loopback: a site served with a certificate this test makes (with the `openssl`
command line: a CA of our own and a certificate for 127.0.0.1 it signs), crawled with that CA
given through the settings; a certificate that does not verify is a recorded failure, one line
on stderr, never a traceback."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixture_site import LISTING, FixtureSite
from sqlalchemy import select

from newsarchive.cli import cli
from newsarchive.fetch.crawl import crawl
from newsarchive.fetch.errors import FailureReason
from newsarchive.fetch.frontier import FRONTIER
from newsarchive.fetch.http import HttpClient, HttpPolicy
from newsarchive.fetch.settings import CrawlSettings
from newsarchive.store.archive import open_archive
from newsarchive.store.ingest import ITEMS
from newsarchive.urls import host_of

EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def openssl(folder: Path, *arguments: str) -> None:
    subprocess.run(["openssl", *arguments], cwd=folder, check=True, capture_output=True)


def signed(folder: Path, name: str, names: str, ca: str = "ca") -> tuple[Path, Path]:
    """A key and a certificate for `names` (a subjectAltName value) signed by the CA `ca`."""
    (folder / f"{name}.ext").write_text(f"subjectAltName={names}\n")
    openssl(folder, "req", *EC_KEY, "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={name}")
    openssl(folder, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey",
            f"{ca}.key", "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext",
            "-out", f"{name}.pem")
    return folder / f"{name}.pem", folder / f"{name}.key"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict[str, Path]:
    """Our CA, a certificate it signs for 127.0.0.1, and one for another host."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    openssl(folder, "req", "-x509", *EC_KEY, "-keyout", "ca.key", "-out", "ca.pem", "-days",
            "2", "-subj", "/CN=newsarchive test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    here, here_key = signed(folder, "loopback", "IP:127.0.0.1,DNS:localhost")
    other, other_key = signed(folder, "elsewhere", "DNS:nieuws.example.org")
    return {"ca": folder / "ca.pem", "loopback": here, "loopback.key": here_key,
            "elsewhere": other, "elsewhere.key": other_key}


def https_site(certificates: dict[str, Path], name: str = "loopback") -> FixtureSite:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates[name], certificates[f"{name}.key"])
    return FixtureSite(tls=context)


def test_a_crawl_over_https_with_the_ca_from_the_settings(certificates, archive):
    with https_site(certificates) as site:
        policy = HttpPolicy(delay=0.0, retries=0, ca_certs=str(certificates["ca"]))
        summary = crawl(archive, [site.url(LISTING)], CrawlSettings(pages=1, policy=policy))
        listed = {site.url(article.path) for article in site.listing_articles(1)}
    assert site.base.startswith("https://127.0.0.1:")
    assert (summary.failed, summary.fetched) == (0, 1 + len(listed))
    with archive.engine.connect() as connection:
        urls = set(connection.execute(select(ITEMS.c.url).where(ITEMS.c.kind == "article"))
                   .scalars())
    assert urls == listed


@pytest.mark.parametrize(("server", "ca", "error"), [
    ("loopback", None, "certificate did not verify: unable to get local issuer certificate"),
    ("elsewhere", "ca", "certificate did not verify: IP address mismatch, certificate is not "
                        "valid for '127.0.0.1'."),
])
def test_a_certificate_that_does_not_verify_is_a_recorded_failure(certificates, server, ca,
                                                                  error):
    with https_site(certificates, server) as site, HttpClient(HttpPolicy(
            delay=0.0, retries=2, ca_certs=str(certificates[ca]) if ca else None)) as client:
        response = client.get(site.url(LISTING))
        assert site.requests == []  # no request was sent over it
    assert (response.reason, response.error, response.permanent) == (
        FailureReason.TLS, error, False)


def test_the_crawl_command_names_an_unverified_certificate_in_one_line(certificates, tmp_path):
    db, trusting = str(tmp_path / "news.db"), str(tmp_path / "trusting.db")
    with https_site(certificates) as site:
        source = site.url(LISTING)
        refused = CliRunner().invoke(cli, ["crawl", source, "--delay", "0", "--retries", "0",
                                           "--pages", "1", "--db", db])
        trusted = CliRunner().invoke(cli, ["crawl", source, "--delay", "0", "--retries", "0",
                                           "--pages", "1", "--ca-certs",
                                           str(certificates["ca"]), "--db", trusting])
    assert refused.exit_code == 1
    assert "Traceback" not in refused.output
    unverified = "certificate did not verify: unable to get local issuer certificate"
    # robots.txt is the first request: the source failed, its host is skipped for the run
    assert [line for line in refused.stderr.splitlines() if line.startswith("newsarchive:")] == [
        f"newsarchive: failed {source}: robots.txt unavailable ({unverified}); skipping "
        f"{host_of(source)} this run"]
    assert trusted.exit_code == 0, trusted.output
    for archive_db, expected in ((db, ("failed", "robots_unavailable")),
                                 (trusting, ("done", None))):
        with open_archive(archive_db) as archive, archive.engine.connect() as connection:
            state = connection.execute(select(FRONTIER.c.state, FRONTIER.c.failure_reason)
                                       .where(FRONTIER.c.url == source)).one()
        assert tuple(state) == expected
