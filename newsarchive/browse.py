"""The archive in Datasette: the metadata we generate (titles, descriptions, default sort,
facets, search, hidden internals, canned queries) and `serve`, which runs Datasette with it.

`datasette_metadata(name)` is plain data (what `newsarchive datasette --metadata` prints, for
people who run `datasette ARCHIVE --metadata metadata.json` themselves); `serve` needs the
`datasette` extra.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .store import rollups
from .store.tables import metadata

# Datasette settings we run with: facet suggestions try every column against the whole table
# on every page (up to 50 ms each): off, so that a page of a million items stays quick.
SETTINGS = {"suggest_facets": False}

ITEM_COLUMNS = {
    "id": "The item's number in this archive (stable).",
    "kind": "article: a page's own lead article; teaser: an item shown in a sidebar or listing.",
    "title": "The headline, where the page shows one.",
    "dateline": "The places before the dash, as printed: IZJOEM/LONDEN.",
    "places": "The dateline's places, a JSON array in order.",
    "agencies": "The credited agencies, a JSON array in order: [\"ANP\",\"RTR\"]; [] for "
                "regional copy.",
    "body": "The text after the dateline.",
    "section": "The section of the page it was first stored from (Buitenland, Sport, Middelburg).",
    "url": "Where the page links the item to, normalised.",
    "published_earliest": "The publication window's start (UTC): published at or after this.",
    "published_latest": "The publication window's end (UTC): published at or before this.",
    "window_source": "How the window was derived: relative_age (3 uur geleden), headline, "
                     "metadata (the page's date), teaser (from its article), none.",
    "first_seen_at": "When the archive first saw the item (UTC).",
    "last_seen_at": "When the archive last saw the item (UTC).",
    "sightings": "How many times the item was seen on a page.",
    "story_id": "The story this item is a version of (stories_view).",
}

TABLES: dict[str, dict[str, Any]] = {
    "items_view": {
        "title": "Items",
        "description": "Every wire item once, newest first: lead articles and teasers with "
                       "their agencies, places, publication window and number of sightings. "
                       "Search looks in title, dateline and body (accents and case ignored).",
        "sort_desc": "published_earliest",
        "facets": ["agencies", "section", "kind"],
        "fts_table": "items_fts",
        "fts_pk": "id",
        "label_column": "title",
        "columns": ITEM_COLUMNS,
    },
    "sightings_view": {
        "title": "Sightings",
        "description": "Every time an item was shown on a page: when, where on the page, with "
                       "which age (3 uur geleden) and the window that age implies.",
        "sort_desc": "fetched_at",
        "columns": {
            "page_id": "The page (pages.id).", "item_id": "The item (items_view.id).",
            "page_url": "The page's URL.", "fetched_at": "When the page was fetched (UTC).",
            "page_section": "The page's section.", "position": "Place on the page, from 0.",
            "age_text": "The age as printed.",
            "window_earliest": "The window this sighting implies: start (UTC).",
            "window_latest": "The window this sighting implies: end (UTC).",
        },
    },
    "stories_view": {
        "title": "Stories",
        "description": "Versions of one wire story (reworded, updated, reprinted by other "
                       "outlets), with the sites that showed it.",
        "sort_desc": "first_seen_at",
        "columns": {
            "story_id": "The story's number.", "versions": "Its items, a JSON array in time order.",
            "outlets": "Each site that showed it, with when it was first seen there (JSON).",
            "first_seen_at": "First seen (UTC).", "last_seen_at": "Last seen (UTC).",
        },
    },
    "pages_view": {
        "title": "Pages",
        "description": "Every page observed: a file ingested or a URL fetched at a moment, "
                       "newest first.",
        "sort_desc": "id",
        "columns": {
            "id": "The page's number (in the order pages were stored).",
            "url": "The page's URL.", "fetched_at": "When it was fetched (UTC).",
            "kind": "article or listing.", "section": "Its section heading.",
            "page_published": "The page's own publication date, where it shows one (UTC).",
            "page_published_source": "Where that date was read: json-ld, meta, time element.",
            "content_type": "The Content-Type it was served with.",
            "parser_version": "The parser that read it.",
            "warnings": "What the parser skipped or doubted (JSON array).",
            "source_path": "The file it was ingested from, if any.",
            "warc_record_id": "The WARC record it was imported from, if any.",
        },
    },
    "revisions_view": {
        "title": "Earlier values",
        "description": "A title, agency list, dateline or body an item had before a sighting "
                       "changed it.",
        "columns": {
            "item_id": "The item (items_view.id).", "field": "What changed.",
            "old_value": "The value before.", "new_value": "The value after.",
            "page_id": "The page that showed the new value.",
            "recorded_at": "When the change was stored (UTC).",
        },
    },
    "crawl_runs_view": {
        "title": "Crawl runs",
        "description": "Every run of `newsarchive crawl` or `fetch`, newest first, with what it "
                       "did summed over its hosts. A run without an end was killed (or still "
                       "runs).",
        "sort_desc": "started_at",
        "facets": ["command", "exit_status"],
        "columns": {
            "run_id": "The run's number.", "command": "crawl or fetch.",
            "started_at": "When it started (UTC).",
            "ended_at": "When it ended (UTC); empty: killed, or still running.",
            "exit_status": "0 all went well, 1 some URLs failed, 2 the archive failed, "
                           "130 interrupted; empty without an end.",
            "sources": "URLs named on the command line.",
            "fetched": "Responses with a body stored.", "not_modified": "304 answers.",
            "failed": "URLs that failed, tried again later.",
            "given_up": "URLs that failed for good.", "hosts": "Hosts it asked.",
            "new_items": "Items new to the archive.", "sightings": "Sightings stored.",
        },
    },
    "crawl_frontier_view": {
        "title": "Crawl frontier",
        "description": "Every URL the crawl knows and where it stands: pending, fetched, done, "
                       "failed (tried again from next_due_at) or given_up (with the reason).",
        "facets": ["state", "host"],
        "columns": {
            "state": "pending, fetched, done, failed or given_up.",
            "discovered_from": "The page the link was found on; empty for a source.",
            "last_status": "The last HTTP status.", "last_error": "The last failure.",
            "failure_reason": "The kind of the last failure (timeout, http_status, ...).",
            "given_up_reason": "Why the URL was given up.",
        },
    },
    "crawl_responses_view": {
        "title": "Raw responses",
        "description": "Every response the crawl stored, newest first (status, headers); "
                       "content_hash names its body in raw_bodies (kept once, compressed), so "
                       "any page can be parsed again. A 304 has none.",
        "sort_desc": "id",
        "facets": ["status"],
    },
    "item_links": {"title": "Teasers and their articles",
                   "description": "A teaser and the article of the same story (for queries)."},
    "agencies": {"title": "Agencies", "description": "Agency names as the wire writes them."},
    "places": {"title": "Places", "description": "Places of datelines."},
    "sightings": {"title": "Sightings (table)", "description": "See sightings_view."},
    "stories": {"title": "Stories (table)", "description": "See stories_view."},
    "item_revisions": {"title": "Earlier values (table)", "description": "See revisions_view."},
    "pages": {"title": "Pages (table)", "description": "See pages_view."},
    "crawl_responses": {"title": "Raw responses (table)",
                        "description": "The responses with their bodies (zlib-compressed) and "
                                       "headers; see crawl_responses_view."},
}
# Every table is hidden: people browse the views above, which leave out the tables' internal
# columns (keys, folded names, leases, raw bodies). Datasette lists views in the order they
# were created, items_view first (migration 0013); hidden tables behind "show hidden".
HIDDEN = (*sorted(table.name for table in metadata.sorted_tables
                  if not table.info.get("is_view")), *rollups.TABLES, "alembic_version")

QUERIES: dict[str, dict[str, Any]] = {
    "items_per_day_by_agency": {
        "title": "Items per day by agency",
        "description": "Items per UTC day of publication (first sight when unknown) and agency, "
                       "newest day first. Leave `since` empty for every day.",
        "sql": "SELECT substr(coalesce(items.published_earliest, items.first_seen_at), 1, 10) "
               "AS day, agencies.name AS agency, count(*) AS items FROM items "
               "JOIN item_agencies ON item_agencies.item_id = items.id "
               "JOIN agencies ON agencies.id = item_agencies.agency_id "
               "WHERE :since = '' OR coalesce(items.published_earliest, items.first_seen_at) "
               ">= :since GROUP BY day, agency ORDER BY day DESC, items DESC",
    },
    "newest_from_dateline": {
        "title": "Newest from a dateline",
        "description": "The 50 newest items of one dateline, written in lower case without "
                       "accents: teheran, ile longue, izjoem/londen.",
        "sql": "SELECT items_view.* FROM items_view WHERE items_view.id IN (SELECT items.id "
               "FROM items WHERE items.dateline_folded = lower(:dateline) "
               "ORDER BY items.published_earliest DESC, items.id DESC LIMIT 50) "
               "ORDER BY items_view.published_earliest DESC, items_view.id DESC",
    },
    "stories_with_several_outlets": {
        "title": "Stories with several outlets",
        "description": "The 100 newest stories shown by more than one site, with their sites.",
        "sql": "SELECT story_id, dateline, title, json_array_length(outlets) AS outlet_count, "
               "outlets, first_seen_at FROM stories_view "
               "WHERE json_array_length(outlets) > 1 ORDER BY first_seen_at DESC LIMIT 100",
    },
    "failing_sources": {
        "title": "Failing sources",
        "description": "URLs the crawl failed on (failing now, or given up), the sources given "
                       "to `crawl` first.",
        "sql": "SELECT url, discovered_from IS NULL AS is_source, state, failure_count, "
               "last_status, last_error, given_up_reason, last_fetched_at, next_due_at "
               "FROM crawl_frontier WHERE state IN ('failed', 'given_up') "
               "ORDER BY is_source DESC, last_fetched_at DESC",
    },
}


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for the archive served under the name `database` (the file's
    name without `.db`)."""
    tables = {name: dict(meta) for name, meta in TABLES.items()}
    for name in HIDDEN:
        tables[name] = {**tables.get(name, {}), "hidden": True}
    return {
        "title": "newsarchive",
        "description_html": (
            "A news-wire archive made by newsarchive. Start with "
            f'<a href="/{database}/items_view">Items</a> (newest first, with search and '
            "facets per agency list, section and kind), or a query below."
        ),
        "databases": {
            database: {
                "description_html": (
                    f'Browse <a href="/{database}/items_view">Items</a> first; '
                    f'<a href="/{database}/stories_view">Stories</a>, '
                    f'<a href="/{database}/sightings_view">Sightings</a>, the pages and '
                    f'the crawl (<a href="/{database}/crawl_runs_view">runs</a>, frontier, '
                    "responses) are the views below; the tables under them are hidden."
                ),
                "tables": tables,
                "queries": QUERIES,
            }
        },
    }


def database_name(path: Path) -> str:
    """The name Datasette gives a database file: its name without the suffix."""
    return path.stem


def serve(path: Path, host: str, port: int, on_ready: Callable[[str], None]) -> None:
    """Run Datasette on `path` with our metadata until interrupted. `port` 0 takes a free
    port; `on_ready` gets the URL of the items view once the socket listens."""
    import uvicorn
    from datasette.app import Datasette  # type: ignore[import-untyped]

    datasette = Datasette([str(path)], metadata=datasette_metadata(database_name(path)),
                          settings=SETTINGS)
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(128)  # connections wait in the backlog until uvicorn accepts them
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    server = uvicorn.Server(uvicorn.Config(datasette.app(), log_level="warning",
                                           lifespan="on"))
    on_ready(f"http://{shown}:{bound}/{database_name(path)}/items_view")
    server.run(sockets=[listener])
