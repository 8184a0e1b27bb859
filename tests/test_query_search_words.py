"""`--search`: what a newcomer types matches as written; the full syntax only when asked for."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from store_pages import T0, hours, listing, teaser

from newsarchive.cli import cli
from newsarchive.query import ItemFilter, QueryError, search_items
from newsarchive.store.archive import Archive

# Invented wire copy with the words the full-text syntax trips over.
BODIES = {
    "TEHERAN": "Khamenei's opvolger spreekt om 16.00 uur over het Midden-Oosten.",
    "BRUSSEL": "De NAVO-chef vraagt bondgenoten om meer steun voor Oekraïne.",
    "DEN HAAG": "Het kabinet bespreekt de begroting met de oppositie.",
    "PARIJS": "Een bericht van ANP/AFP over het oosten van het land, niet over het midden.",
}


@pytest.fixture
def searched(archive: Archive) -> Archive:
    teasers = [teaser(dateline, body, agencies=("ANP",), window=(T0 - hours(n + 1), T0 - hours(n)))
               for n, (dateline, body) in enumerate(BODIES.items())]
    archive.ingest(listing(T0, *teasers), b"a listing with searchable words")
    return archive


def found(archive: Archive, text: str, syntax: str = "words") -> list[str]:
    rows = search_items(archive, ItemFilter(search=text, search_syntax=syntax, limit=50))  # type: ignore[arg-type]
    return [row.dateline for row in rows]


@pytest.mark.parametrize("text, datelines", [
    ("Midden-Oosten", ["TEHERAN"]),  # FTS5 syntax: "no such column: Oosten"
    ("midden-oosten", ["TEHERAN"]),
    ("NAVO-chef", ["BRUSSEL"]),
    ("Khamenei's", ["TEHERAN"]),
    ("16.00", ["TEHERAN"]),
    ("ANP/AFP", ["PARIJS"]),
    ("oekraine steun", ["BRUSSEL"]),  # every word, accents folded
    ("oosten midden", ["TEHERAN", "PARIJS"]),  # separate words: anywhere, any order
    ('"drones AND', []),
    ("NOT", []),
])
def test_words_match_as_written_on_both_databases(searched, text, datelines):
    assert found(searched, text) == datelines


def test_the_full_syntax_is_there_when_asked_for(searched):
    assert found(searched, "kabinet OR chef*", syntax="fts") == ["BRUSSEL", "DEN HAAG"]
    assert found(searched, '"het oosten"', syntax="fts") == ["PARIJS"]


def test_full_syntax_that_does_not_parse_is_a_query_error_on_sqlite(searched):
    if searched.dialect != "sqlite":
        pytest.skip("PostgreSQL's websearch syntax accepts any text")
    with pytest.raises(QueryError, match="cannot search for 'Midden-Oosten'"):
        found(searched, "Midden-Oosten", syntax="fts")


@pytest.mark.parametrize("text", ["", "   ", "- / ."])
def test_a_search_with_no_words_is_refused(text):
    with pytest.raises(QueryError, match="nothing to search for|an empty --search"):
        ItemFilter(search=text)


def test_the_cli_searches_words_by_default(searched, archive_url):
    result = CliRunner().invoke(cli, ["query", "--db", archive_url, "--search", "Midden-Oosten",
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert [line.split(",")[3] for line in result.stdout.splitlines()] == ["dateline", "TEHERAN"]
    fts = CliRunner().invoke(cli, ["query", "--db", archive_url, "--search", "chef*",
                                   "--search-syntax", "fts", "--format", "csv"])
    assert [line.split(",")[3] for line in fts.stdout.splitlines()] == ["dateline", "BRUSSEL"]
