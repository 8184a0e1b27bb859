"""WARC out and in: export is deterministic and standards-correct (warcio check, CDXJ), an
exported archive imported into a fresh one exports to the same bytes and holds the same items,
and WARCs written by other tools (wget, warcio's capture_http, WARC/1.0) import."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_site import LISTING
from reparse_corpus import documents, snapshot
from sqlalchemy import text
from store_pages import T0, layout_a_html

from newsarchive.fetch.crawl import crawl
from newsarchive.pipeline import IngestSummary, ingest_documents, ingest_files
from newsarchive.store.archive import open_archive
from newsarchive.warc import export_warc, write_cdxj

BIN = Path(sys.executable).parent


def crawl_settings():
    from test_crawl_run import OPTIONS

    return OPTIONS


def build(archive, fixture_site, tmp_path: Path) -> None:
    """Crawled pages (twice: the second run's listings answer 304) and two ingested files."""
    crawl(archive, [fixture_site.url(LISTING)], crawl_settings())
    crawl(archive, [fixture_site.url(LISTING)], crawl_settings())
    files = tmp_path / "files"
    files.mkdir()
    for n, doc in enumerate(documents(2)):
        (files / f"page-{n}.html").write_bytes(doc.data)
    ingest_files(archive, [files], T0)


def export(archive, path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        export_warc(archive, out, path.name)
    return path.read_bytes()


def records(path: Path) -> list[tuple[str, str | None, dict]]:
    from warcio.archiveiterator import ArchiveIterator

    found = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                          dict(record.rec_headers.headers)))
    return found


def test_export_import_export_gives_the_same_bytes_and_the_same_archive(
        archive, fixture_site, tmp_path):
    build(archive, fixture_site, tmp_path)
    first = export(archive, tmp_path / "a" / "out.warc.gz")
    assert export(archive, tmp_path / "again" / "out.warc.gz") == first
    with open_archive(str(tmp_path / "b.db")) as other:
        summary = ingest_files(other, [tmp_path / "a" / "out.warc.gz"])
        assert summary.failed == 0 and summary.stored == 33 + 2
        assert export(other, tmp_path / "b" / "out.warc.gz") == first
        assert snapshot(other, with_ids=False) == snapshot(archive, with_ids=False)
        again = ingest_files(other, [tmp_path / "a" / "out.warc.gz"])  # idempotent
        assert (again.stored, again.already_archived) == (0, 35)
        assert export(other, tmp_path / "c" / "out.warc.gz") == first


def test_exported_records_follow_the_standard(archive, fixture_site, tmp_path):
    build(archive, fixture_site, tmp_path)
    path = tmp_path / "out.warc.gz"
    export(archive, path)
    kinds = [kind for kind, _, _ in records(path)]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == kinds.count("request") == 33  # 3 listings, 30 articles
    assert kinds.count("revisit") == 3  # the second run's three listing pages: 304
    assert kinds.count("resource") == 2 and kinds.count("metadata") == 33 + 2
    by_id = {headers["WARC-Record-ID"]: (kind, uri, headers) for kind, uri, headers in records(path)}
    for kind, uri, headers in by_id.values():
        # W3C ISO 8601 in UTC, six fraction digits where the fetch moment has a fraction
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z", headers["WARC-Date"])
        if kind == "request":
            assert by_id[headers["WARC-Concurrent-To"]][:2] == ("response", uri)
        if kind == "revisit":
            assert headers["WARC-Profile"].endswith("/revisit/server-not-modified")
            original = by_id[headers["WARC-Refers-To"]]
            assert original[:2] == ("response", headers["WARC-Refers-To-Target-URI"])
            assert original[2]["WARC-Date"] == headers["WARC-Refers-To-Date"] <= headers["WARC-Date"]
    # one gzip member per record
    members = path.read_bytes().count(b"\x1f\x8b\x08")
    assert members >= len(by_id)
    for command in (["check", "-v"], ["index"]):
        result = subprocess.run([str(BIN / "warcio"), *command, str(path)], capture_output=True)
        assert result.returncode == 0, result.stdout + result.stderr
    write_cdxj(path, tmp_path / "out.cdxj")
    indexed = [json.loads(line.split(" ", 2)[2]) for line in
               (tmp_path / "out.cdxj").read_text().splitlines()]
    responses = {uri for kind, uri, _ in records(path) if kind == "response"}
    assert {entry["url"] for entry in indexed if entry.get("status") == "200"
            and entry["url"] in responses} == responses


def test_a_decoded_body_is_exported_without_content_encoding(archive, tmp_path):
    from newsarchive.store.responses import KeptResponse, keep_response

    doc = documents(1)[0]
    headers = {"Content-Type": "text/html; charset=utf-8", "ETag": '"x"',
               "Content-Encoding": "gzip", "Content-Length": "17"}  # as the server sent them
    with archive.engine.begin() as connection:
        keep_response(connection, KeptResponse.of(archive.codec, doc.url, doc.url, 200, headers,
                                                  doc.fetched_at, doc.data))
    path = tmp_path / "out.warc.gz"
    export(archive, path)
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        response = next(r for r in ArchiveIterator(stream) if r.rec_type == "response")
        headers = response.http_headers
        assert headers.get_header("Content-Encoding") is None
        assert headers.get_header("Transfer-Encoding") is None
        assert headers.get_header("Content-Length") == str(len(doc.data))
        assert response.content_stream().read() == doc.data


def test_a_wget_warc_imports_to_the_items_of_a_crawl(archive, fixture_site, tmp_path):
    wget = shutil.which("wget")
    if wget is None:
        pytest.skip("wget is not installed")
    result = subprocess.run(
        [wget, "--recursive", "--level=3", "--no-verbose", "--warc-file=site",
         "--no-warc-keep-log", "--directory-prefix=mirror", "-e", "robots=on",
         fixture_site.url(LISTING)], cwd=tmp_path, capture_output=True, timeout=120)
    assert (tmp_path / "site.warc.gz").exists(), result.stderr
    summary = ingest_files(archive, [tmp_path / "site.warc.gz"])
    assert summary.failed == 0
    with open_archive(str(tmp_path / "crawled.db")) as crawled:
        crawl(crawled, [fixture_site.url(LISTING)], crawl_settings())
        expected = item_texts(crawled)
    assert item_texts(archive) == expected
    assert len(expected) == 60


def item_texts(archive) -> set[tuple]:
    with archive.engine.connect() as connection:
        return set(connection.execute(text(
            "SELECT content_key, kind, title, dateline, body, url FROM items")).all())


def test_warc_10_files_revisits_and_other_types_import(archive, tmp_path):
    """A WARC/1.0 file written by warcio: a chunked, gzipped response, an identical-payload
    revisit of it (a second fetch), an image; the image is counted and skipped."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = layout_a_html("Een kop", ["GOES (ANP) - Een bericht van ons."],
                         [("TEHERAN (ANP) - Een ander bericht.", "1 uur geleden")], "Zeeland")
    packed = gzip.compress(page.encode("utf-8"))
    chunked = f"{len(packed):x}\r\n".encode() + packed + b"\r\n0\r\n\r\n"
    path = tmp_path / "old.warc"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False, warc_version="1.0")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                              ("Content-Encoding", "gzip"),
                                              ("Transfer-Encoding", "chunked")], protocol="HTTP/1.1")
        response = writer.create_warc_record(
            "http://wire.example/a", "response", payload=io.BytesIO(chunked), length=len(chunked),
            http_headers=headers, warc_headers_dict={"WARC-Date": "2026-03-17T12:00:00Z"})
        writer.write_record(response)
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        revisit = writer.create_revisit_record(
            "http://wire.example/a", digest, "http://wire.example/a", "2026-03-17T12:00:00Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2026-03-17T13:00:00Z"})
        writer.write_record(revisit)
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "http://wire.example/logo.png", "response", payload=io.BytesIO(b"\x89PNG...."),
            length=8, http_headers=image))
    summary = ingest_files(archive, [tmp_path])
    assert (summary.stored, summary.failed) == (2, 0)
    assert summary.skipped == {"responses of type image/png": 1}
    with archive.engine.connect() as connection:
        pages = connection.execute(text(
            "SELECT url, fetched_at, warc_record_id IS NOT NULL FROM pages ORDER BY fetched_at")).all()
    assert [(url, ok) for url, _, ok in pages] == [("http://wire.example/a", True)] * 2
    assert "1 responses of type image/png" in summary.line()


def test_a_warc_written_by_warcio_capture_http_imports(archive, fixture_site, tmp_path):
    import urllib.request

    from warcio.capture_http import capture_http  # records http.client (requests' urllib3 not)

    path = tmp_path / "captured.warc.gz"
    url = fixture_site.url(fixture_site.articles[0].path)
    with capture_http(str(path)):
        urllib.request.urlopen(url, timeout=5).read()
    summary = ingest_files(archive, [path])
    assert (summary.stored, summary.failed) == (1, 0)
    with archive.engine.connect() as connection:
        assert connection.execute(text("SELECT url FROM pages")).scalar() == url


def test_a_damaged_warc_is_one_error_and_the_rest_is_ingested(archive, tmp_path):
    (tmp_path / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08 not really gzip")
    doc = documents(1)[0]
    (tmp_path / "page.html").write_bytes(doc.data)
    errors = []
    summary = ingest_files(archive, [tmp_path], T0, on_error=lambda p, why: errors.append(p.name))
    assert (summary.stored, summary.failed, errors) == (1, 1, ["broken.warc.gz"])


def test_ingested_documents_keep_their_warc_record_id(archive):
    doc = documents(1)[0]
    from dataclasses import replace

    list(ingest_documents(archive, [replace(doc, warc_record_id="<urn:uuid:1>")]))
    with archive.engine.connect() as connection:
        assert connection.execute(text("SELECT warc_record_id FROM pages")).scalar() == "<urn:uuid:1>"
    assert IngestSummary().line().startswith("0 files")


def test_the_export_command_writes_the_warc_and_its_index(tmp_path):
    from click.testing import CliRunner

    from newsarchive.cli import cli

    db = str(tmp_path / "a.db")
    with open_archive(db) as archive:
        list(ingest_documents(archive, documents(3)))
    out = tmp_path / "out.warc.gz"
    result = CliRunner().invoke(cli, ["warc", "export", str(out), "--cdxj", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.output == (f"newsarchive: wrote {out}: 0 responses (with their requests), "
                             "0 revisits, 3 resources, 3 metadata records\n")
    assert [kind for kind, _, _ in records(out)] == ["warcinfo"] + ["resource", "metadata"] * 3
    lines = (tmp_path / "out.warc.gz.cdxj").read_text().splitlines()
    assert len([line for line in lines if '"mime": "text/html"' in line]) == 3
    missing = CliRunner().invoke(cli, ["warc", "export", str(tmp_path / "no" / "x.warc.gz"),
                                       "--db", db])
    assert missing.exit_code == 2 and missing.output.startswith("newsarchive: ")
    assert "cannot write" in missing.output


def test_progress_counts_every_byte_of_the_warc_files(archive, tmp_path):
    with open_archive(str(tmp_path / "a.db")) as source:
        list(ingest_documents(source, documents(4)))
        export(source, tmp_path / "w" / "out.warc.gz")
    read: list[int] = []
    summary = ingest_files(archive, [tmp_path / "w"], progress=read.append)
    assert summary.stored == 4
    assert sum(read) == (tmp_path / "w" / "out.warc.gz").stat().st_size and len(read) > 4
