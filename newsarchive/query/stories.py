"""Stories: `search_stories` (one row per story the filter's items belong to) and the versions
of one story with what changed between them (`story_versions`, for `show`).

A story's versions are in time order: by the start of their publication window (first sight
when unknown), then first sight, then identity (`content_key`), so the order does not depend
on the order in which pages were archived. Its outlets are the hosts of the pages that showed
any version, each with the first time that host showed one.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from ..store.reader import ArchiveReader
from ..urls import host_of
from ..values import iso
from .filters import ItemFilter
from .search import matching_ids
from .tables import AGENCIES, ITEM_AGENCIES, ITEMS, PAGES, SIGHTINGS

STORY_FIELDS = ("story_id", "dateline", "title", "body", "versions", "first_seen_at",
                "last_seen_at", "published_earliest", "published_latest", "outlets")
WALK = 200  # item ids read at a time while collecting a page of stories


@dataclass(frozen=True)
class Outlet:
    site: str  # host[:port] of the pages that showed the story
    first_seen_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "first_seen_at": iso(self.first_seen_at)}


@dataclass(frozen=True)
class StoryRow:
    """One story as `query --stories` prints it: its newest version's text, its versions'
    ids in time order, its first version's window, its outlets."""

    story_id: int
    dateline: str | None
    title: str | None
    body: str
    versions: tuple[int, ...]
    first_seen_at: datetime
    last_seen_at: datetime
    published_earliest: datetime | None
    published_latest: datetime | None
    outlets: tuple[Outlet, ...]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["versions"] = list(self.versions)
        data["outlets"] = [outlet.to_dict() for outlet in self.outlets]
        for name in ("first_seen_at", "last_seen_at", "published_earliest", "published_latest"):
            data[name] = iso(data[name])
        return data


@dataclass(frozen=True)
class Version:
    """One version of a story and what changed since the version before it."""

    id: int
    kind: str
    title: str | None
    dateline: str | None
    agencies: tuple[str, ...]
    body: str
    first_seen_at: datetime
    published_earliest: datetime | None
    published_latest: datetime | None
    changes: tuple[tuple[str, str], ...]  # (field, word diff) against the previous version

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["agencies"] = list(self.agencies)
        data["changes"] = {name: diff for name, diff in self.changes}
        for name in ("first_seen_at", "published_earliest", "published_latest"):
            data[name] = iso(data[name])
        return data


def search_stories(archive: ArchiveReader, query: ItemFilter) -> list[StoryRow]:
    """The stories of the items `query` selects, in the order of their first matching item;
    `limit` and `offset` count stories."""
    with archive.engine.connect() as connection:
        story_ids = _story_page(connection, query)
        return load_stories(connection, story_ids)


def _story_page(connection: Connection, query: ItemFilter) -> list[int]:
    wanted = query.offset + query.limit
    found: dict[int, None] = {}
    offset = 0
    while len(found) < wanted:
        ids = matching_ids(connection, replace(query, limit=WALK, offset=offset))
        if not ids:
            break
        rows = dict(connection.execute(
            select(ITEMS.c.id, ITEMS.c.story_id).where(ITEMS.c.id.in_(ids))
        ).all())
        for item_id in ids:
            if rows.get(item_id) is not None:
                found.setdefault(rows[item_id], None)
        offset += WALK
    return list(found)[query.offset : wanted]


def load_stories(connection: Connection, story_ids: Sequence[int]) -> list[StoryRow]:
    """The rows of these stories, in this order."""
    if not story_ids:
        return []
    members = _members(connection, story_ids)
    outlets = _outlets(connection, story_ids)
    rows = []
    for story_id in story_ids:
        versions = members.get(story_id)
        if not versions:
            continue
        first, newest = versions[0], versions[-1]
        rows.append(StoryRow(
            story_id=story_id, dateline=newest.dateline, title=newest.title, body=newest.body,
            versions=tuple(v.id for v in versions),
            first_seen_at=min(v.first_seen_at for v in versions),
            last_seen_at=max(v.last_seen_at for v in versions),
            published_earliest=first.published_earliest, published_latest=first.published_latest,
            outlets=outlets.get(story_id, ()),
        ))
    return rows


def story_versions(connection: Connection, story_id: int) -> tuple[tuple[Version, ...], tuple[Outlet, ...]]:
    """A story's versions in time order, each with its word diff to the one before, and its
    outlets."""
    members = _members(connection, [story_id]).get(story_id, [])
    agencies = _agencies(connection, [m.id for m in members])
    versions: list[Version] = []
    previous: Any = None
    for member in members:
        own = agencies.get(member.id, ())
        changes: list[tuple[str, str]] = []
        if previous is not None:
            for name, old, new in (("title", previous.title, member.title),
                                   ("agencies", "/".join(agencies.get(previous.id, ())), "/".join(own)),
                                   ("body", previous.body, member.body)):
                if (old or "") != (new or ""):
                    changes.append((name, word_diff(old or "", new or "")))
        versions.append(Version(member.id, member.kind, member.title, member.dateline, own, member.body,
                                member.first_seen_at, member.published_earliest, member.published_latest,
                                tuple(changes)))
        previous = member
    return tuple(versions), _outlets(connection, [story_id]).get(story_id, ())


def word_diff(old: str, new: str) -> str:
    """Words removed as `[-...-]`, added as `{+...+}`, the rest as it was."""
    before, after = old.split(), new.split()
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(" ".join(before[i1:i2]))
            continue
        if i2 > i1:
            parts.append("[-" + " ".join(before[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + " ".join(after[j1:j2]) + "+}")
    return " ".join(parts)


def _members(connection: Connection, story_ids: Sequence[int]) -> dict[int, list[Any]]:
    statement = (
        select(ITEMS.c.id, ITEMS.c.story_id, ITEMS.c.kind, ITEMS.c.title, ITEMS.c.dateline,
               ITEMS.c.body, ITEMS.c.first_seen_at, ITEMS.c.last_seen_at,
               ITEMS.c.published_earliest, ITEMS.c.published_latest)
        .where(ITEMS.c.story_id.in_(list(story_ids)))
        .order_by(func.coalesce(ITEMS.c.published_earliest, ITEMS.c.first_seen_at),
                  ITEMS.c.first_seen_at, ITEMS.c.content_key)
    )
    found: dict[int, list[Any]] = {}
    for row in connection.execute(statement):
        found.setdefault(row.story_id, []).append(row)
    return found


def _agencies(connection: Connection, item_ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    statement = (
        select(ITEM_AGENCIES.c.item_id, AGENCIES.c.name)
        .join(AGENCIES, AGENCIES.c.id == ITEM_AGENCIES.c.agency_id)
        .where(ITEM_AGENCIES.c.item_id.in_(item_ids))
        .order_by(ITEM_AGENCIES.c.item_id, ITEM_AGENCIES.c.position)
    )
    for item_id, name in connection.execute(statement):
        found.setdefault(item_id, []).append(name)
    return {item_id: tuple(names) for item_id, names in found.items()}


def _outlets(connection: Connection, story_ids: Sequence[int]) -> dict[int, tuple[Outlet, ...]]:
    statement = (
        select(ITEMS.c.story_id, PAGES.c.url, func.min(PAGES.c.fetched_at))
        .join(SIGHTINGS, SIGHTINGS.c.item_id == ITEMS.c.id)
        .join(PAGES, PAGES.c.id == SIGHTINGS.c.page_id)
        .where(ITEMS.c.story_id.in_(list(story_ids)), PAGES.c.url.is_not(None))
        .group_by(ITEMS.c.story_id, PAGES.c.url)
    )
    first: dict[int, dict[str, datetime]] = {}
    for story_id, url, seen in connection.execute(statement):
        sites = first.setdefault(story_id, {})
        site = host_of(url)
        sites[site] = min(seen, sites.get(site, seen))
    return {
        story_id: tuple(Outlet(site, seen) for site, seen in sorted(sites.items(), key=lambda s: (s[1], s[0])))
        for story_id, sites in first.items()
    }
