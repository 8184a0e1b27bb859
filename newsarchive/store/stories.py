"""Stories: the rule that makes two items versions of one wire story, and its signatures.

Two items are versions of one story (`same_story`) when all of these hold:
- their places overlap (the same dateline, or `IZJOEM/LONDEN` and `LONDEN`);
- they were first seen at most `MAX_APART` (48 hours) apart;
- their texts are near duplicates from the start: the shorter body, as words (folded: case,
  accents and punctuation ignored), against the longer body cut to as many words, has a
  Jaccard similarity of word `SHINGLE`-grams (3 words) of at least `MIN_SIMILARITY` (0.5).
  So a corrected word or two, a teaser that is an article's first paragraph, and a body that
  was extended at its end are versions; a follow-up that quotes the first story further down
  is not (it starts differently), nor is another story from the same place.
A story is a connected group of this relation (a version may link to its story through
another version), so the grouping does not depend on the order in which items arrive.

Candidates are found through signatures, never by comparing with every item: a MinHash of
the shingles of a body's first `LEAD_WORDS` words (one permutation, `PERMUTATIONS` bins),
each value combined with each place into one key (`item_keys`, kind `story`). Versions share
at least one key with high probability (at the rule's similarity 0.5 and eight filled bins:
1 - 0.5^8, 99.6%; identical starts always).
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from .keys import fold

SHINGLE = 3
MIN_SIMILARITY = 0.5
MAX_APART = timedelta(hours=48)
_MICROSECOND = timedelta(microseconds=1)
_MAX_APART_US = MAX_APART // _MICROSECOND
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAIVE_EPOCH = datetime(1970, 1, 1)
LEAD_WORDS = 40
PERMUTATIONS = 8
_WORD = re.compile(r"\w+")



class Shingles:
    """The hashes of the shingles of a text's first words, and a bitmap of them: bit `hash %
    width` of each, the width from the word count (so the two sets of a comparison have one),
    8 to 16 bits a shingle, so few share a bit. `_similar` bounds the common shingles of two
    sets by their bitmaps, mostly without intersecting the sets."""

    __slots__ = ("hashes", "mask", "size", "spare")

    def __init__(self, hashes: frozenset[int], words: int) -> None:
        width = 1 << max(6, (8 * words).bit_length())
        mask = 0
        for value in hashes:
            mask |= 1 << (value % width)
        self.hashes, self.mask, self.size = hashes, mask, len(hashes)
        self.spare = self.size - mask.bit_count()  # shingles on a bit another one set


class StoryText:
    """What the rule looks at of one item. Its shingles are kept as hashes (Python's, of the
    word tuples: two different shingles of one comparison sharing a 64-bit hash is a chance of
    about 1 in 10^15), and each set of them once built: a text is compared with many candidates,
    in many batches (`story_text` keeps the texts of recent items).

    Slots, the first sight as an int and the place set shared by the texts of one dateline
    (`_place_set`): a batch compares each new item with a few hundred candidates, and what it
    reads of each should be few objects."""

    __slots__ = ("item_id", "places", "words", "first_seen_at", "seen_us", "count", "all_shingles",
                 "_prefixes", "_hashes", "_keys")

    def __init__(self, item_id: int, places: frozenset[str], words: tuple[str, ...],
                 first_seen_at: datetime) -> None:
        self.item_id = item_id
        self.places = _place_set(places)  # folded
        self.words = words  # the body's folded words
        self.first_seen_at = first_seen_at
        # exactly what subtracting two first sights tells, in microseconds (aware: from UTC's epoch)
        self.seen_us = (first_seen_at - (_NAIVE_EPOCH if first_seen_at.tzinfo is None else _EPOCH)) // _MICROSECOND
        self.count = len(words)
        self._prefixes: dict[int, Shingles] = {}
        self._hashes: tuple[int, ...] | None = None
        self._keys: frozenset[str] | None = None
        # `shingles_of_first(count)`: the shorter text of every comparison uses all of its own
        self.all_shingles = self.shingles_of_first(self.count)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoryText) and (
            (self.item_id, self.places, self.words, self.first_seen_at)
            == (other.item_id, other.places, other.words, other.first_seen_at))

    def __hash__(self) -> int:
        return hash((self.item_id, self.places, self.words, self.first_seen_at))

    def __repr__(self) -> str:
        return f"StoryText({self.item_id!r}, {set(self.places)!r}, {self.count} words, {self.first_seen_at!r})"

    @property
    def shingle_hashes(self) -> tuple[int, ...]:
        """The hashes of the body's shingles in order (a comparison takes a prefix)."""
        if self._hashes is None:
            words = self.words
            self._hashes = tuple(hash(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
        return self._hashes

    def shingles_of_first(self, count: int) -> Shingles:
        """The shingles of `self.words[:count]` (as `shingles`, hashed), kept per count (the
        versions of a story mostly have one length)."""
        found = self._prefixes.get(count)
        if found is None:
            if count < SHINGLE:
                hashes = frozenset({hash(self.words[:count])} if count and self.words else ())
            else:
                hashes = frozenset(self.shingle_hashes[: count - SHINGLE + 1])
            found = self._prefixes[count] = Shingles(hashes, count)
        return found

    @property
    def keys(self) -> frozenset[str]:
        """`signature_keys(self)`."""
        if self._keys is None:
            self._keys = signature_keys(self)
        return self._keys


_place_sets: dict[frozenset[str], frozenset[str]] = {}


def _place_set(places: frozenset[str]) -> frozenset[str]:
    """One object for equal place sets, so `isdisjoint` of two texts of one dateline is an
    identity test (no reading of the other's set)."""
    found = _place_sets.get(places)
    if found is None:
        if len(_place_sets) >= 65536:
            _place_sets.clear()
        found = _place_sets[places] = places
    return found


RECENT_TEXTS = 8192  # as many as the cache of texts before: long articles keep large sets
# per item: places, body, first sight, its text, and the first sight as the database gave it
_recent: OrderedDict[int, tuple[tuple[str, ...], str, datetime, StoryText, Any]] = OrderedDict()
_recent_lock = threading.Lock()


def story_text(
    item_id: int, places: Sequence[str], body: str, first_seen_at: datetime, stored: Any = None
) -> StoryText:
    """The item's text; the same object as last time while the item's places, body and first
    sight are what they were (compared, not hashed: every batch of pages reads its candidates'
    texts again, mostly the same items, and so keeps the shingle sets they built). Kept for the
    `RECENT_TEXTS` items used last. `stored`: the first sight as read from the database, if so
    (`stored_story_texts`)."""
    places = tuple(places)
    with _recent_lock:
        kept = _recent.get(item_id)
        if kept is not None and kept[1] == body and kept[2] == first_seen_at and kept[0] == places:
            if kept[4] != stored:
                _recent[item_id] = (*kept[:4], stored)
            _recent.move_to_end(item_id)
            return kept[3]
    text = StoryText(item_id, frozenset(fold(p) for p in places), words_of(body), first_seen_at)
    with _recent_lock:
        _recent[item_id] = (places, body, first_seen_at, text, stored)
        _recent.move_to_end(item_id)
        if len(_recent) > RECENT_TEXTS:
            _recent.popitem(last=False)
    return text


def stored_story_texts(
    rows: Iterable[tuple[int, tuple[str, ...], str, Any]], seen_at: Callable[[Any], datetime]
) -> dict[int, StoryText]:
    """`story_text` of items read from the database, as (id, places, body, first sight as the
    driver gave it): while that first sight is the one kept, the same text without making the
    moment again (most of a batch's candidates are the previous batch's), under one lock."""
    found: dict[int, StoryText] = {}
    others = []
    with _recent_lock:
        for row in rows:
            item_id, places, body, stored = row
            kept = _recent.get(item_id)
            if kept is not None and kept[4] == stored and stored is not None and kept[1] == body \
                    and kept[0] == places:
                _recent.move_to_end(item_id)
                found[item_id] = kept[3]
            else:
                others.append(row)
    for item_id, places, body, stored in others:
        found[item_id] = story_text(item_id, places, body, seen_at(stored), stored)
    return found


@functools.lru_cache(maxsize=4096)
def words_of(body: str) -> tuple[str, ...]:
    """The folded words of a text (as `keys.fold`, a word at a time: most are ASCII)."""
    return tuple(word if word.isascii() else fold(word) for word in _WORD.findall(body.casefold()))


def shingles(words: Sequence[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Jaccard of the shingles of the shorter text and of the longer cut to its length."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    first, second = shingles(shorter), shingles(longer[: len(shorter)])
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def same_story(a: StoryText, b: StoryText) -> bool:
    """The rule of the module docstring."""
    return bool(versions_among(a, (b,)))


def versions_among(text: StoryText, others: Iterable[StoryText]) -> list[StoryText]:
    """Those of `others` that are versions of `text` (`same_story`): the places, the first
    sights (as ints), the lengths and `_similar` in one loop, inlined, since most candidates
    of a batch fail the bound and a call per pair cost more than the tests themselves."""
    places, seen, count, own, prefixes = text.places, text.seen_us, text.count, text.all_shingles, text._prefixes
    apart, least = _MAX_APART_US, MIN_SIMILARITY
    found = []
    for other in others:
        if places.isdisjoint(other.places) or abs(seen - other.seen_us) > apart:
            continue
        other_count = other.count
        if other_count == count:
            first, second = own, other.all_shingles
        elif count < other_count:
            first, second = own, other._prefixes.get(count) or other.shingles_of_first(count)
        else:
            first, second = other.all_shingles, prefixes.get(other_count) or text.shingles_of_first(other_count)
        # `_similar`, inlined
        if not first.size or not second.size:
            if 0.0 >= least:
                found.append(other)
            continue
        size = first.size + second.size
        most = (first.spare if first.spare < second.spare else second.spare) + (first.mask & second.mask).bit_count()
        if most / (size - most) < least:
            continue
        common = len(first.hashes & second.hashes)
        if common / (size - common) >= least:
            found.append(other)
    return found


def _similar(first: Shingles, second: Shingles) -> bool:
    """Whether the Jaccard of the two sets reaches MIN_SIMILARITY. A shingle of one set whose
    bit the other's bitmap lacks is not in the other, so they have at most `most` shingles in
    common; the Jaccard grows with the common count, so most pairs are told apart by that."""
    if not first.hashes or not second.hashes:
        return 0.0 >= MIN_SIMILARITY
    size = len(first.hashes) + len(second.hashes)
    most = min(first.spare, second.spare) + (first.mask & second.mask).bit_count()
    if most / (size - most) < MIN_SIMILARITY:
        return False
    common = len(first.hashes & second.hashes)
    return common / (size - common) >= MIN_SIMILARITY


def minhash(words: Sequence[str]) -> tuple[int | None, ...]:
    """A one-permutation MinHash of the shingles of the first LEAD_WORDS words: each shingle's
    CRC-32 falls into one of PERMUTATIONS bins by its low bits, each bin keeps its least value
    (None for an empty bin). Two texts agree in a bin with probability about their Jaccard
    similarity, at the cost of one (C-speed, stable) hash per shingle."""
    bins: list[int | None] = [None] * PERMUTATIONS
    lead = words[:LEAD_WORDS]
    for start in range(max(1, len(lead) - SHINGLE + 1)) if lead else ():
        hashed = zlib.crc32(" ".join(lead[start : start + SHINGLE]).encode())
        index, value = hashed % PERMUTATIONS, hashed // PERMUTATIONS
        current = bins[index]
        if current is None or value < current:
            bins[index] = value
    return tuple(bins)


def signature_keys(text: StoryText) -> frozenset[str]:
    """The keys under which the item is found as a candidate: (place, bin, MinHash value)."""
    values = [(index, value) for index, value in enumerate(minhash(text.words)) if value is not None]
    return frozenset(
        hashlib.blake2b(f"{place}\x1f{index}\x1f{value}".encode(), digest_size=8).hexdigest()
        for place in text.places
        for index, value in values
    )
