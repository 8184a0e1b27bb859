"""What a batch of stored pages changes beyond items and sightings: headline windows and stories.

Called by the ingest batch (`store.ingest`) after it wrote its items and sightings, in the same
transaction, so every path that stores pages (ingest, crawl, import, reparse) derives the same.

- `store_headlines`: the `Net binnen` headlines of the batch's pages (table `headlines`).
- `rederive_headline_windows`: items whose title matches a headline (or that are linked, as
  teaser and article, to one that does) get their window re-derived from all their evidence
  (`store.evidence.derive_window`): sightings and headlines, in observation order.
- `group_stories`: new and changed items are put in their story (`store.stories`).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, delete, func, literal_column, or_, select, type_coerce, update
from sqlalchemy.types import NullType

from ..items import Headline, PublicationWindow
from .db import among, chunks, in_bound_list, insert_rows, update_many
from .evidence import Derivation, Evidence, WindowSource, derive_window, whole_seconds
from .headlines import clock_windows, title_anchors, title_folded, titles_match
from .models import HEADLINES, ITEM_KEYS, ITEM_PLACES, ITEMS, PAGES, PLACES, SIGHTINGS, STORIES
from .stories import MAX_APART, StoryText, stored_story_texts, versions_among

TITLE_KINDS = ("title_head", "title_tail")
HEADLINE_COLUMNS = ("page_id", "position", "section", "clock", "title", "title_folded", "title_head",
                    "title_tail", "url")
DERIVED_WINDOW_COLUMNS = ("published_earliest", "published_latest", "window_source", "window_conflicts")
ROUNDING = timedelta(seconds=1)


# headlines ---------------------------------------------------------------------------------


def store_headlines(connection: Connection, pages: Sequence[tuple[int, Sequence[Headline]]]) -> None:
    """The headlines of pages stored now (never stored before: a plain insert)."""
    rows = []
    for page_id, headlines in pages:
        for position, headline in enumerate(headlines):
            folded = title_folded(headline.title)
            rows.append((page_id, position, headline.section, headline.time, headline.title, folded,
                         *title_anchors(folded), headline.url))
    insert_rows(connection, HEADLINES, HEADLINE_COLUMNS, rows)


def write_title_keys(connection: Connection, titles: dict[int, str | None], replace: bool) -> None:
    """The title anchors of items (new ones, or retitled ones when `replace`)."""
    ids = list(titles)
    if replace:
        for condition in among(connection, ITEM_KEYS.c.item_id, ids):
            connection.execute(delete(ITEM_KEYS).where(ITEM_KEYS.c.kind.in_(TITLE_KINDS), condition))
    # the items' title keys were deleted above or never written (new items): a plain insert
    rows = [
        (kind, anchor, item_id)
        for item_id, title in titles.items() if title
        for kind, anchor in zip(TITLE_KINDS, title_anchors(title_folded(title)))
    ]
    insert_rows(connection, ITEM_KEYS, ("kind", "key", "item_id"), rows)


@dataclass(frozen=True)
class _Titled:
    id: int
    kind: str
    title: str | None
    content_key: str
    lead_key: str | None
    window_source: str
    first_seen_at: datetime


def rederive_headline_windows(
    connection: Connection, headline_pages: Sequence[int], touched: Sequence[int]
) -> None:
    """Re-derive the windows of the items a batch may have given headline evidence: items
    matching the headlines of `headline_pages`, and `touched` items (new, retitled, or sighted
    again while their window came from a headline); each with its linked teasers/articles."""
    ids = set(touched) | _items_matching_headlines(connection, headline_pages)
    if not ids:
        return
    items = {i: titled for condition in among(connection, ITEMS.c.id, sorted(ids))
             for i, titled in _titled(connection, condition).items()}
    expanded = set(items)  # whose linked items are among `items` now
    items = {**items, **_linked(connection, list(items.values()))}
    derivations = headline_derivations(connection, list(items.values()), expanded=expanded)
    rows = [
        (d.window.earliest if d.window else None, d.window.latest if d.window else None,
         d.source.value, d.conflicts, item_id)
        for item_id, d in derivations.items()
        if _rests_on_headlines(d) or items[item_id].window_source == WindowSource.HEADLINE
    ]
    if rows:
        update_many(connection, ITEMS, DERIVED_WINDOW_COLUMNS, rows)


def _rests_on_headlines(derivation: Derivation) -> bool:
    return any(step.evidence.source is WindowSource.HEADLINE for step in derivation.steps)


def headline_derivations(
    connection: Connection, items: Sequence[_Titled], every: bool = False,
    expanded: Collection[int] = (),
) -> dict[int, Derivation]:
    """Each item's window from its sightings and the headlines of its title (for a teaser,
    also of the titles of the articles it is linked to), by store/evidence.py. `expanded`:
    ids of items whose linked items are all among `items` (not looked up again)."""
    if not items:
        return {}
    linked = _linked_pairs(connection, items, expanded)
    # a teaser takes the headlines of its articles' titles too; an article only its own
    groups = {item.id: [item, *(linked.get(item.id, ()) if item.kind == "teaser" else ())] for item in items}
    titles = {
        item_id: {title_folded(t.title) for t in group if t.title} for item_id, group in groups.items()
    }
    headlines = _headlines_for({t for values in titles.values() for t in values}, connection)
    if not every:  # only what headlines bear on, or bore on before: the rest keeps its window
        groups = {
            item_id: group for item_id, group in groups.items()
            if group[0].window_source == WindowSource.HEADLINE or any(headlines.get(t) for t in titles[item_id])
        }
    sightings = _sighting_evidence(connection, sorted(groups))
    result = {}
    for item_id, group in groups.items():
        evidence = list(sightings.get(item_id, ()))
        for title in titles[item_id]:
            evidence += headlines.get(title, ())
        result[item_id] = derive_window(evidence, first_seen_at=group[0].first_seen_at)
    return result


def explain_window(connection: Connection, item_id: int) -> Derivation | None:
    """How the item's window follows from its evidence, step by step (for `show`)."""
    items = list(_titled(connection, ITEMS.c.id == item_id).values())
    return headline_derivations(connection, items, every=True).get(item_id) if items else None


def _items_matching_headlines(connection: Connection, page_ids: Sequence[int]) -> set[int]:
    if not page_ids:
        return set()
    folded: set[str] = set()
    for condition in among(connection, HEADLINES.c.page_id, list(page_ids)):
        folded.update(connection.execute(select(HEADLINES.c.title_folded).where(condition)).scalars())
    return {item_id for ids in _items_with_titles(connection, folded).values() for item_id in ids}


def _items_with_titles(connection: Connection, folded: set[str]) -> dict[str, set[int]]:
    """For each folded title, the items whose title matches it (found through the anchors)."""
    anchors: dict[str, set[str]] = {}
    for title in folded:
        for anchor in title_anchors(title):
            anchors.setdefault(anchor, set()).add(title)
    candidates: set[int] = set()
    for condition in among(connection, ITEM_KEYS.c.key, sorted(anchors)):
        candidates.update(connection.execute(
            select(ITEM_KEYS.c.item_id).where(ITEM_KEYS.c.kind.in_(TITLE_KINDS), condition)
        ).scalars())
    found: dict[str, set[int]] = {}
    for condition in among(connection, ITEMS.c.id, sorted(candidates)):
        for item_id, title in connection.execute(select(ITEMS.c.id, ITEMS.c.title).where(condition)):
            own = title_folded(title or "")
            for headline in folded:
                if titles_match(own, headline):
                    found.setdefault(headline, set()).add(item_id)
    return found


def _headlines_for(folded: set[str], connection: Connection) -> dict[str, list[Evidence]]:
    """For each folded item title, the evidence of the headlines whose title matches it."""
    anchors = {a for title in folded for a in title_anchors(title)}
    found: dict[str, list[Evidence]] = {}
    ordered = sorted(anchors)
    for head, tail in zip(among(connection, HEADLINES.c.title_head, ordered),
                          among(connection, HEADLINES.c.title_tail, ordered)):
        statement = (
            select(HEADLINES, PAGES.c.fetched_at)
            .join(PAGES, PAGES.c.id == HEADLINES.c.page_id)
            .where(or_(head, tail))
        )
        seen: set[tuple[int, int]] = set()
        for row in connection.execute(statement):
            if (row.page_id, row.position) in seen:
                continue
            seen.add((row.page_id, row.position))
            evidence = headline_evidence(row)
            for title in folded:
                if titles_match(title, row.title_folded):
                    bucket = found.setdefault(title, [])
                    if evidence not in bucket:
                        bucket.append(evidence)
    return found


def headline_evidence(row: Any) -> Evidence:
    return Evidence(
        WindowSource.HEADLINE, row.fetched_at, row.page_id, row.position,
        tuple(whole_seconds(w) for w in clock_windows(row.clock, row.fetched_at)),
        f"- {row.section} {row.clock} {row.title}",
    )


def _sighting_evidence(connection: Connection, item_ids: list[int]) -> dict[int, list[Evidence]]:
    found: dict[int, list[Evidence]] = {}
    for condition in among(connection, SIGHTINGS.c.item_id, item_ids):
        statement = (
            select(SIGHTINGS, PAGES.c.fetched_at, PAGES.c.page_published_source)
            .join(PAGES, PAGES.c.id == SIGHTINGS.c.page_id)
            .where(condition, SIGHTINGS.c.window_earliest.is_not(None))
        )
        for row in connection.execute(statement):
            article = row.position == 0  # a lead article: its page's own date
            found.setdefault(row.item_id, []).append(Evidence(
                WindowSource.METADATA if article else WindowSource.RELATIVE_AGE,
                row.fetched_at, row.page_id, row.position,
                (PublicationWindow(row.window_earliest, row.window_latest),),
                (row.page_published_source or "metadata") if article else (row.age_text or ""),
            ))
    return found


def _titled(connection: Connection, condition: Any) -> dict[int, _Titled]:
    statement = select(
        ITEMS.c.id, ITEMS.c.kind, ITEMS.c.title, ITEMS.c.content_key, ITEMS.c.lead_key,
        ITEMS.c.window_source, ITEMS.c.first_seen_at,
    ).where(condition)
    return {row.id: _Titled(*row) for row in connection.execute(statement)}


def _linked(connection: Connection, items: list[_Titled]) -> dict[int, _Titled]:
    """The teasers of these articles and the articles of these teasers (see `item_links`)."""
    found: dict[int, _Titled] = {}
    leads = [i.lead_key for i in items if i.kind == "article" and i.lead_key]
    keys = [i.content_key for i in items if i.kind == "teaser"]
    # the kind tested here, not in SQL: given `kind = ?`, SQLite searches the kind index
    # (every article of the archive) instead of the lead_key index
    for condition in among(connection, ITEMS.c.content_key, leads):
        found.update({i: t for i, t in _titled(connection, condition).items() if t.kind == "teaser"})
    for condition in among(connection, ITEMS.c.lead_key, keys):
        found.update({i: t for i, t in _titled(connection, condition).items() if t.kind == "article"})
    return found


def _linked_pairs(
    connection: Connection, items: Sequence[_Titled], expanded: Collection[int] = ()
) -> dict[int, list[_Titled]]:
    others = {**{i.id: i for i in items}, **_linked(connection, [i for i in items if i.id not in expanded])}
    by_content = {i.content_key: i for i in others.values() if i.kind == "teaser"}
    by_lead: dict[str, list[_Titled]] = {}
    for i in others.values():
        if i.kind == "article" and i.lead_key:
            by_lead.setdefault(i.lead_key, []).append(i)
    pairs: dict[int, list[_Titled]] = {}
    for item in items:
        if item.kind == "article" and item.lead_key and item.lead_key in by_content:
            pairs[item.id] = [by_content[item.lead_key]]
        elif item.kind == "teaser":
            pairs[item.id] = by_lead.get(item.content_key, [])
    return pairs


# stories -----------------------------------------------------------------------------------


def group_stories(connection: Connection, new: Sequence[StoryText], changed: Sequence[int]) -> None:
    """Put `new` items (as the batch knows them), and `changed` ones (text, places or first
    sight changed), into their stories: connected groups of `same_story`."""
    if new or changed:
        _regroup(connection, {text.item_id: (text, None) for text in new}, set(changed))


def _regroup(connection: Connection, texts: dict[int, tuple[StoryText, int | None]], changed: set[int]) -> None:
    texts.update(_story_texts(connection, sorted(changed)))
    affected = sorted(texts)
    dirty = {story for i in changed if i in texts and (story := texts[i][1]) is not None}
    members = _members(connection, dirty)
    texts.update(_story_texts(connection, sorted(set(members) - set(texts))))
    # signatures: the affected items' own, replaced
    for condition in among(connection, ITEM_KEYS.c.item_id, sorted(changed)):
        connection.execute(delete(ITEM_KEYS).where(ITEM_KEYS.c.kind == "story", condition))
    keys = {i: texts[i][0].keys for i in affected if i in texts}
    # the affected items' keys were deleted above or never written: a plain insert
    insert_rows(connection, ITEM_KEYS, ("kind", "key", "item_id"),
                [("story", k, i) for i, ks in keys.items() for k in sorted(ks)])
    # edges: from every item whose edges may have changed (affected, members of dirty stories)
    edge_items = sorted(set(affected) | set(members))
    for i in edge_items:
        if i not in keys and i in texts:
            keys[i] = texts[i][0].keys
    wanted = sorted({k for i in edge_items for k in keys.get(i, ())})
    by_key: dict[str, list[int]] = {}
    statement = _keyed_statement(connection.dialect.name)
    for part in _bound_chunks(connection.dialect.name, wanted):
        for key, item_ids in connection.execute(statement, {"keys": part}).all():
            by_key[key] = list(map(int, item_ids.split(",")))
    candidates = set().union(*by_key.values())
    texts.update(_story_texts(connection, sorted(candidates - set(texts)), _seen_near(texts, edge_items)))
    parent: dict[Any, Any] = {}

    def find(node: Any) -> Any:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: Any, b: Any) -> None:
        parent[find(a)] = find(b)

    edge_set = set(edge_items)
    # each pair once (the rule is symmetric): the same components as comparing every pair that
    # shares a key. Only a pair of two edge items can come up twice (once from each). Pairs
    # joined already (through other items, or the candidate's story) are compared all the same:
    # testing for that cost about what it saved (1.5 % more pairs on the fixture site's pages).
    compared: set[tuple[int, int]] = set()
    text_of = {c: known[0] for c, known in texts.items()}
    read = set(text_of)  # a set: `dict.keys() & s` would copy the keys for every item
    for i in edge_items:
        find(i)
        if i not in texts:  # gone meanwhile: no keys, no candidates
            continue
        found = set().union(*[by_key.get(key, ()) for key in keys.get(i, ())]) & read
        found.discard(i)
        inside = found & edge_set
        found -= inside
        others = list(map(text_of.__getitem__, found))
        for c in inside:
            pair = (i, c) if i < c else (c, i)
            if pair not in compared:
                compared.add(pair)
                others.append(text_of[c])
        for version in versions_among(texts[i][0], others):  # in any order: the same components
            c = version.item_id
            union(i, c)
            if c not in edge_set and (story := texts[c][1]) is not None:
                union(c, ("story", story))  # a candidate outside the edge items stands for its story
    components: dict[Any, list[Any]] = {}
    for node in list(parent):
        components.setdefault(find(node), []).append(node)
    _assign(connection, list(components.values()), texts, dirty)


def _assign(connection: Connection, components: list[list[Any]],
            texts: dict[int, tuple[StoryText, int | None]], dirty: set[int]) -> None:
    """Give each component its story: a story's id is the smallest id of its items (each story
    so far is a unit whose id is already that), so ids need no sequence and a singleton's story
    has its item's id."""
    plans: list[tuple[list[int], list[int], int]] = []
    for nodes in components:
        item_ids = [n for n in nodes if isinstance(n, int)]
        units = [n[1] for n in nodes if isinstance(n, tuple)]
        plans.append((item_ids, units, min([*item_ids, *units])))
    targets = {target for _, _, target in plans}
    existing = dirty | {u for _, units, _ in plans for u in units}
    existing |= {story for item_ids, _, _ in plans for i in item_ids if (story := texts[i][1]) is not None}
    fresh = [{"id": target} for _, _, target in plans if target not in existing]
    if fresh:
        connection.execute(STORIES.insert(), fresh)
    own: list[int] = []  # items whose story takes their own id: most new items
    moved: list[dict[str, int]] = []
    for item_ids, units, target in plans:
        for i in item_ids:
            if texts[i][1] != target:
                (own.append(i) if i == target else moved.append({"item_id": i, "story": target}))
        for unit in units:
            if unit != target:
                connection.execute(update(ITEMS).where(ITEMS.c.story_id == unit).values(story_id=target))
    for condition in among(connection, ITEMS.c.id, own):
        connection.execute(update(ITEMS).where(condition).values(story_id=ITEMS.c.id))
    if moved:
        connection.execute(
            update(ITEMS).where(ITEMS.c.id == bindparam("item_id")).values(story_id=bindparam("story")), moved
        )
    for condition in among(connection, STORIES.c.id, sorted(existing - targets)):
        connection.execute(delete(STORIES).where(condition))


def _seen_near(texts: dict[int, tuple[StoryText, int | None]], item_ids: list[int]) -> tuple[datetime, datetime] | None:
    """The first sights a version of one of these items can have (`MAX_APART` from one of
    theirs), a second wider either side for the rounding of stored moments and bounds: in an
    archive of months most items sharing a key with a new one are too old to be its versions."""
    seen = [texts[i][0].first_seen_at for i in item_ids if i in texts]
    if not seen:
        return None
    return min(seen) - MAX_APART - ROUNDING, max(seen) + MAX_APART + ROUNDING


def _story_texts(connection: Connection, item_ids: list[int],
                 seen_between: tuple[datetime, datetime] | None = None) -> dict[int, tuple[StoryText, int | None]]:
    """The items' texts and stories (of those first seen `seen_between`, when given), read with
    their places in one query per chunk; the first sight as the driver gives it, made a moment
    only when it is not the one kept (`stored_story_texts`)."""
    dialect = connection.dialect
    statement = _texts_statement(dialect.name, seen_between is not None)
    bounds = {} if seen_between is None else {"earliest": seen_between[0], "latest": seen_between[1]}
    # (id, places, body, first sight) as `stored_story_texts` takes them, built as read: a row
    # per place, an item's rows one after the other (ordered by id; the ids of the chunks apart)
    rows: list[tuple[int, tuple[str, ...], str, Any]] = []
    story_of: dict[int, int | None] = {}
    for part in _bound_chunks(dialect.name, item_ids):
        last = None
        for item_id, body, first_seen, story_id, place in connection.execute(statement, {"ids": part, **bounds}).all():
            if item_id != last:
                last = item_id
                rows.append((item_id, () if place is None else (place,), body, first_seen))
                story_of[item_id] = story_id
            elif place is not None:
                rows[-1] = (item_id, (*rows[-1][1], place), body, first_seen)
    found = stored_story_texts(rows, _seen_at(dialect))
    return {item_id: (found[item_id], story_id) for item_id, story_id in story_of.items()}


@functools.cache
def _texts_statement(dialect: str, seen_between: bool) -> Any:
    """Built once (per dialect): the ids bound as one list parameter, not coerced one by one."""
    statement = (
        select(ITEMS.c.id, ITEMS.c.body, type_coerce(ITEMS.c.first_seen_at, NullType()), ITEMS.c.story_id,
               PLACES.c.name)
        .select_from(ITEMS.outerjoin(ITEM_PLACES, ITEM_PLACES.c.item_id == ITEMS.c.id)
                     .outerjoin(PLACES, PLACES.c.id == ITEM_PLACES.c.place_id))
        .where(in_bound_list(ITEMS.c.id, "ids", dialect))
        .order_by(ITEMS.c.id, ITEM_PLACES.c.position)
    )
    if seen_between:
        moment = ITEMS.c.first_seen_at.type
        statement = statement.where(ITEMS.c.first_seen_at.between(
            bindparam("earliest", type_=moment), bindparam("latest", type_=moment)))
    return statement


@functools.cache
def _keyed_statement(dialect: str) -> Any:
    """The items under each of some story keys, as `3,17,20`: a row per key, not per item and
    key (a key of a formulaic opening is shared by hundreds). Built once per dialect."""
    if dialect == "postgresql":
        joined = func.string_agg(cast(ITEM_KEYS.c.item_id, Text), literal_column("','"))
    else:
        joined = func.group_concat(ITEM_KEYS.c.item_id, literal_column("','"))
    return (select(ITEM_KEYS.c.key, joined)
            .where(ITEM_KEYS.c.kind == "story", in_bound_list(ITEM_KEYS.c.key, "keys", dialect))
            .group_by(ITEM_KEYS.c.key))


def _seen_at(dialect: Any) -> Callable[[Any], datetime]:
    """What the column's type makes of a first sight as the driver gives it."""
    process = ITEMS.c.first_seen_at.type.dialect_impl(dialect).result_processor(dialect, None)
    return typing.cast(Callable[[Any], datetime], process) if process is not None else (lambda value: value)


def _bound_chunks(dialect: str, values: list[Any]) -> list[list[Any]]:
    """The values for `in_bound_list` parameters, one query each (as `among`)."""
    if not values:
        return []
    return [values] if dialect == "postgresql" else [list(part) for part in chunks(values)]


def _members(connection: Connection, story_ids: set[int]) -> list[int]:
    found: list[int] = []
    for condition in among(connection, ITEMS.c.story_id, sorted(story_ids)):
        found += connection.execute(select(ITEMS.c.id).where(condition)).scalars().all()
    return found
