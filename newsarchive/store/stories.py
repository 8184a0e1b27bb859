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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .keys import fold

SHINGLE = 3
MIN_SIMILARITY = 0.5
MAX_APART = timedelta(hours=48)
LEAD_WORDS = 40
PERMUTATIONS = 8
_WORD = re.compile(r"\w+")



class Shingles:
    """The hashes of the shingles of a text's first words, and a bitmap of them: bit `hash %
    width` of each, the width from the word count (so the two sets of a comparison have one),
    8 to 16 bits a shingle, so few share a bit. `_similar` bounds the common shingles of two
    sets by their bitmaps, mostly without intersecting the sets."""

    __slots__ = ("hashes", "mask", "spare")

    def __init__(self, hashes: frozenset[int], words: int) -> None:
        width = 1 << max(6, (8 * words).bit_length())
        mask = 0
        for value in hashes:
            mask |= 1 << (value % width)
        self.hashes, self.mask = hashes, mask
        self.spare = len(hashes) - mask.bit_count()  # shingles on a bit another one set


@dataclass(frozen=True)
class StoryText:
    """What the rule looks at of one item. Its shingles are kept as hashes (Python's, of the
    word tuples: two different shingles of one comparison sharing a 64-bit hash is a chance of
    about 1 in 10^15), and each set of them once built: a text is compared with many candidates,
    in many batches (`story_text` keeps the texts of recent items)."""

    item_id: int
    places: frozenset[str]  # folded
    words: tuple[str, ...]  # the body's folded words
    first_seen_at: datetime

    @functools.cached_property
    def shingle_hashes(self) -> tuple[int, ...]:
        """The hashes of the body's shingles in order (a comparison takes a prefix)."""
        words = self.words
        return tuple(hash(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))

    @functools.cached_property
    def _prefixes(self) -> dict[int, Shingles]:
        return {}

    @functools.cached_property
    def all_shingles(self) -> Shingles:
        """`shingles_of_first(len(self.words))` (the shorter text of every comparison uses all
        of its own)."""
        return self.shingles_of_first(len(self.words))

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

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        """`signature_keys(self)`."""
        return signature_keys(self)


RECENT_TEXTS = 8192  # as many as the cache of texts before: long articles keep large sets
_recent: OrderedDict[int, tuple[tuple[str, ...], str, datetime, StoryText]] = OrderedDict()
_recent_lock = threading.Lock()


def story_text(
    item_id: int, places: Sequence[str], body: str, first_seen_at: datetime
) -> StoryText:
    """The item's text; the same object as last time while the item's places, body and first
    sight are what they were (compared, not hashed: every batch of pages reads its candidates'
    texts again, mostly the same items, and so keeps the shingle sets they built). Kept for the
    `RECENT_TEXTS` items used last."""
    places = tuple(places)
    with _recent_lock:
        kept = _recent.get(item_id)
        if kept is not None and kept[1] == body and kept[2] == first_seen_at and kept[0] == places:
            _recent.move_to_end(item_id)
            return kept[3]
    text = StoryText(item_id, frozenset(fold(p) for p in places), words_of(body), first_seen_at)
    with _recent_lock:
        _recent[item_id] = (places, body, first_seen_at, text)
        _recent.move_to_end(item_id)
        if len(_recent) > RECENT_TEXTS:
            _recent.popitem(last=False)
    return text


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
    if a.places.isdisjoint(b.places) or abs(a.first_seen_at - b.first_seen_at) > MAX_APART:
        return False
    count_a, count_b = len(a.words), len(b.words)
    if count_a == count_b:
        return _similar(a.all_shingles, b.all_shingles)
    if count_a < count_b:
        return _similar(a.all_shingles, b.shingles_of_first(count_a))
    return _similar(b.all_shingles, a.shingles_of_first(count_b))


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
