"""The story rule (near-duplicate text from the start, places, 48 hours) and its signatures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from newsarchive.store.stories import (
    MIN_SIMILARITY,
    same_story,
    signature_keys,
    similarity,
    story_text,
    words_of,
)

T0 = datetime(2026, 3, 17, 9, 0, tzinfo=timezone.utc)
FIRST = ("Het kabinet wil dat vergunningen voor woningbouw sneller worden afgehandeld. "
         "Gemeenten krijgen daarvoor volgend jaar extra geld van het Rijk.")
EXTENDED = FIRST + (" De Vereniging van Gemeenten noemt het bedrag te laag. Minister De Vries "
                    "verwacht dat de eerste gemeenten in het voorjaar beginnen.")
CORRECTED = FIRST.replace("volgend jaar", "dit jaar")
OTHER_SAME_PLACE = ("Het kabinet trekt geld uit voor de opvang van asielzoekers in kleine "
                    "gemeenten. Burgemeesters hadden daar lang om gevraagd.")
FOLLOW_UP = ("De Tweede Kamer is kritisch over het plan voor snellere vergunningen. Het kabinet "
             "schreef eerder: " + FIRST)


def text(item_id: int, body: str, places=("DEN HAAG",), hours: float = 0):
    return story_text(item_id, places, body, T0 + timedelta(hours=hours))


def test_versions_are_one_story() -> None:
    first = text(1, FIRST)
    assert same_story(first, text(2, EXTENDED, hours=3))  # extended at its end
    assert same_story(first, text(3, CORRECTED, hours=5))  # a word changed
    assert same_story(text(4, EXTENDED), text(5, CORRECTED, hours=1))
    # a teaser of the first paragraph and the article: the places overlap
    assert same_story(text(6, FIRST, places=("DEN HAAG", "BRUSSEL")), text(7, EXTENDED, places=("BRUSSEL",)))


def test_similarity_is_jaccard_of_three_word_shingles_of_the_shorter_length() -> None:
    # oracle: 'a b c d' and 'a b x d' share no 3-word shingle; 'a b c d e' vs 'a b c d f': 2 of 4
    assert similarity(words_of("a b c d"), words_of("a b x d")) == 0.0
    assert similarity(words_of("a b c d e"), words_of("a b c d f")) == 2 / 4
    assert similarity(words_of("a b c d"), words_of("A, b; c d e f g")) == 1.0
    assert similarity(words_of(FIRST), words_of(CORRECTED)) >= MIN_SIMILARITY


def test_near_misses_stay_apart() -> None:
    first = text(1, FIRST)
    assert not same_story(first, text(2, OTHER_SAME_PLACE, hours=2))  # same place, same day
    assert not same_story(first, text(3, FOLLOW_UP, hours=4))  # quotes the first further down
    assert not same_story(first, text(4, EXTENDED, places=("UTRECHT",)))  # another place
    assert not same_story(first, text(5, EXTENDED, hours=48.01))  # more than 48 hours apart
    assert same_story(first, text(6, EXTENDED, hours=48))  # 48 hours: still


def test_versions_share_a_signature_key_and_other_places_do_not() -> None:
    first = signature_keys(text(1, FIRST))
    assert 6 <= len(first) <= 8  # a bin without a shingle gives no key
    assert first & signature_keys(text(2, EXTENDED))
    assert first & signature_keys(text(3, CORRECTED))
    assert not first & signature_keys(text(4, FIRST, places=("UTRECHT",)))
    assert signature_keys(text(5, FIRST)) == first  # stable: the same text, the same keys


WORDS = st.lists(st.sampled_from(["de", "het", "kabinet", "wil", "geld", "gemeenten", "en"]), max_size=14)


@given(WORDS, WORDS)
def test_the_rule_compares_as_the_jaccard_of_word_tuples_does(a, b):
    """The oracle: `similarity` of the words (sets of word tuples); the rule keeps hashes of
    them, and sets built once per text and prefix length (the same text compared twice)."""
    first, second = text(1, " ".join(a)), text(2, " ".join(b))
    expected = similarity(words_of(" ".join(a)), words_of(" ".join(b)))
    assert same_story(first, second) == (expected >= MIN_SIMILARITY)
    assert same_story(second, first) == (expected >= MIN_SIMILARITY)  # again, from the kept sets
