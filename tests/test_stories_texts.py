"""What the story rule reads and how it compares: texts kept per process while an item is
unchanged (read again when another connection changed it), and the bitmap bound of the
similarity, on both sides of it."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from store_pages import T0, hours, listing, teaser

from newsarchive.store import derive
from newsarchive.store.models import ITEM_PLACES, ITEMS, PLACES
from newsarchive.store.stories import (
    MIN_SIMILARITY,
    Shingles,
    _similar,
    same_story,
    similarity,
    stored_story_texts,
    story_text,
    versions_among,
    words_of,
)

FIRST = ("Bij Goes is een nieuwe fietsbrug over het kanaal geopend. Fietsers hoeven daardoor niet "
         "langer twee kilometer om te rijden.")
OTHER = "In Goes is het nieuwe stadskantoor in gebruik genomen door de gemeente."


def read(archive, item_id):
    with archive.engine.connect() as connection:
        return derive._story_texts(connection, [item_id])[item_id][0]


def test_a_kept_text_is_read_again_after_another_connection_changed_the_item(archive):
    archive.ingest(listing(T0, teaser("GOES", FIRST)), b"one")
    with archive.engine.connect() as connection:
        item_id = connection.execute(select(ITEMS.c.id)).scalar_one()
    first = read(archive, item_id)
    assert read(archive, item_id) is first  # unchanged: the same object, its shingles built
    assert (first.words, first.places, first.first_seen_at) == (words_of(FIRST), {"goes"}, T0)

    with archive.engine.begin() as other:  # as another process would, behind this one's back
        other.execute(update(ITEMS).values(body=OTHER))
    assert read(archive, item_id).words == words_of(OTHER)

    with archive.engine.begin() as other:
        other.execute(update(ITEMS).values(first_seen_at=T0 + hours(3)))
    assert read(archive, item_id).first_seen_at == T0 + hours(3)

    with archive.engine.begin() as other:
        place_id = other.execute(
            PLACES.insert().values(name="VLISSINGEN", name_folded="vlissingen").returning(PLACES.c.id)
        ).scalar_one()
        other.execute(update(ITEM_PLACES).values(place_id=place_id))
    now = read(archive, item_id)
    assert (now.words, now.places, now.first_seen_at) == (words_of(OTHER), {"vlissingen"}, T0 + hours(3))


def stories_of(archive) -> dict[str, int]:
    with archive.engine.connect() as connection:
        return dict(connection.execute(select(ITEMS.c.body, ITEMS.c.story_id)).all())


def test_versions_48_hours_apart_join_and_a_second_more_does_not(archive):
    """Candidates are read only when first seen near a new item: never fewer than the rule's."""
    second, third, fourth = (FIRST.replace("twee", word) for word in ("drie", "vier", "vijf"))
    archive.ingest(listing(T0, teaser("GOES", FIRST)), b"first")
    archive.ingest(listing(T0 + hours(48), teaser("GOES", second)), b"second")
    archive.ingest(listing(T0 + hours(96) + timedelta(seconds=1), teaser("GOES", third)), b"third")
    stories = stories_of(archive)
    assert stories[FIRST] == stories[second] != stories[third]
    # 48 hours after the second, a second before the third: it joins them all
    archive.ingest(listing(T0 + hours(96), teaser("GOES", fourth)), b"fourth")
    assert len(set(stories_of(archive).values())) == 1


def test_the_candidates_read_are_first_seen_within_48_hours_and_a_second_of_an_item():
    texts = {1: (story_text(1, ("GOES",), FIRST, T0), None), 2: (story_text(2, ("GOES",), OTHER, T0 + hours(5)), 1)}
    assert derive._seen_near(texts, [1, 2, 3]) == (T0 - hours(48) - timedelta(seconds=1),
                                                  T0 + hours(53) + timedelta(seconds=1))
    assert derive._seen_near(texts, [3]) is None


def test_story_text_is_kept_while_its_parts_are_equal():
    first = story_text(10**9, ("GOES",), FIRST, T0)
    assert story_text(10**9, ["GOES"], FIRST, T0) is first
    assert story_text(10**9, ("GOES",), OTHER, T0).words == words_of(OTHER)
    assert story_text(10**9, ("GOES",), FIRST, T0 + hours(1)).first_seen_at == T0 + hours(1)
    assert story_text(10**9, ("UTRECHT",), FIRST, T0).places == {"utrecht"}


def shingles(values, words=10):
    return Shingles(frozenset(values), words)


def test_shingles_on_one_bit_are_counted_as_spare():
    # 10 words: a bitmap of 128 bits; 1, 129 and 257 are all on bit 1
    clashing = shingles({1, 129, 257, 5})
    assert (clashing.mask, clashing.spare) == ((1 << 1) | (1 << 5), 2)


def test_the_bound_decides_below_the_threshold_and_the_sets_decide_at_it():
    # oracle: Jaccard 5/15 (bits apart: the bound alone says no), 8/12 and exactly 4/8 (yes)
    assert not _similar(shingles(range(10)), shingles([*range(5), *range(100, 105)]))
    assert _similar(shingles(range(10)), shingles([*range(8), 100, 101]))
    assert _similar(shingles(range(6)), shingles([*range(4), 50, 51]))
    # every bit shared, no shingle shared: the bound lets it through, the sets say no
    assert not _similar(shingles(range(10)), shingles(range(128, 138)))
    assert not _similar(shingles(()), shingles(()))


@given(st.frozensets(st.integers(-300, 300), max_size=60), st.frozensets(st.integers(-300, 300), max_size=60),
       st.integers(0, 40))
def test_similar_is_the_jaccard_of_the_sets_reaching_the_threshold(a, b, words):
    """Oracle: the plain Jaccard of the two sets; small values and bitmaps make bits clash."""
    jaccard = len(a & b) / len(a | b) if a and b else 0.0
    assert _similar(Shingles(a, words), Shingles(b, words)) == (jaccard >= MIN_SIMILARITY)



def test_a_kept_text_is_read_again_after_another_connection_renamed_its_place(archive):
    archive.ingest(listing(T0, teaser("GOES", FIRST)), b"one")
    with archive.engine.connect() as connection:
        item_id = connection.execute(select(ITEMS.c.id)).scalar_one()
    first = read(archive, item_id)
    with archive.engine.begin() as other:
        other.execute(update(PLACES).values(name="KAPELLE", name_folded="kapelle"))
    now = read(archive, item_id)
    assert now is not first
    assert (now.words, now.places, now.first_seen_at) == (words_of(FIRST), {"kapelle"}, T0)


def test_a_first_sight_read_as_another_value_of_the_same_moment_keeps_the_text():
    """The driver's value is compared first; another one is made a moment and compared again."""
    def seen_at(value):
        return {"a": T0, "b": T0, "c": T0 + timedelta(microseconds=1)}[value]

    item_id = 10**9 + 1
    first = stored_story_texts([(item_id, ("GOES",), FIRST, "a")], seen_at)[item_id]
    assert stored_story_texts([(item_id, ("GOES",), FIRST, "a")], seen_at)[item_id] is first
    assert stored_story_texts([(item_id, ("GOES",), FIRST, "b")], seen_at)[item_id] is first
    later = stored_story_texts([(item_id, ("GOES",), FIRST, "c")], seen_at)[item_id]
    assert later is not first and later.first_seen_at == T0 + timedelta(microseconds=1)
    changed = stored_story_texts([(item_id, ("GOES",), OTHER, "c")], seen_at)[item_id]
    assert changed.words == words_of(OTHER)
    moved = stored_story_texts([(item_id, ("VLISSINGEN",), OTHER, "c")], seen_at)[item_id]
    assert moved.places == {"vlissingen"}


def test_first_sights_48_hours_apart_are_near_enough_and_a_microsecond_more_is_not():
    first = story_text(10**9 + 2, ("GOES",), FIRST, T0)
    at_limit = story_text(10**9 + 3, ("GOES",), FIRST, T0 + hours(48))
    past_limit = story_text(10**9 + 4, ("GOES",), FIRST, T0 + hours(48) + timedelta(microseconds=1))
    before = story_text(10**9 + 5, ("GOES",), FIRST, T0 - hours(48))
    assert versions_among(first, [at_limit, past_limit, before]) == [at_limit, before]
    assert (at_limit.seen_us - first.seen_us, past_limit.seen_us - first.seen_us) == (48 * 3600 * 10**6, 48 * 3600 * 10**6 + 1)


def test_texts_of_one_dateline_share_one_place_set():
    one = story_text(10**9 + 6, ("GOES",), FIRST, T0)
    other = story_text(10**9 + 7, ("Goes",), OTHER, T0)
    assert one.places is other.places and one.places == {"goes"}


PLACE_NAMES = st.lists(st.sampled_from(["GOES", "Goes", "VLISSINGEN", "IZJOEM"]), max_size=2)
MOMENTS = st.sampled_from([0, 1, 48 * 3600 * 10**6 - 1, 48 * 3600 * 10**6, 48 * 3600 * 10**6 + 1, -48 * 3600 * 10**6 - 1])
WORDS = st.lists(st.sampled_from(["de", "brug", "over", "het", "kanaal", "in", "goes"]), max_size=12)


@given(st.tuples(PLACE_NAMES, MOMENTS, WORDS), st.lists(st.tuples(PLACE_NAMES, MOMENTS, WORDS), max_size=6))
def test_versions_among_are_the_candidates_the_rule_joins(text, candidates):
    """Oracle: the rule as the module docstring states it, from the plain parts: folded places
    overlap, first sights at most 48 hours apart, the Jaccard of word tuples (`similarity`)."""
    def made(item_id, parts):
        places, moment, words = parts
        return story_text(item_id, places, " ".join(words), T0 + timedelta(microseconds=moment))

    mine = made(10**10, text)
    others = [made(10**10 + 1 + n, parts) for n, parts in enumerate(candidates)]
    expected = [
        other for other, (places, moment, words) in zip(others, candidates)
        if {p.casefold() for p in text[0]} & {p.casefold() for p in places}
        and abs(moment - text[1]) <= 48 * 3600 * 10**6
        and similarity(words_of(" ".join(text[2])), words_of(" ".join(words))) >= MIN_SIMILARITY
    ]
    assert versions_among(mine, others) == expected
    assert [other for other in others if same_story(mine, other)] == expected
