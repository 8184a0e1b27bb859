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
import zlib
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
    def _prefixes(self) -> dict[int, frozenset[int]]:
        return {}

    @property
    def all_shingles(self) -> frozenset[int]:
        """`shingles_of_first(len(self.words))` (the shorter text of every comparison uses all
        of its own)."""
        return self.shingles_of_first(len(self.words))

    def shingles_of_first(self, count: int) -> frozenset[int]:
        """The hashes of `shingles(self.words[:count])`, kept per count (the versions of a
        story mostly have one length)."""
        found = self._prefixes.get(count)
        if found is None:
            if count < SHINGLE:
                found = frozenset({hash(self.words[:count])} if count and self.words else ())
            else:
                found = frozenset(self.shingle_hashes[: count - SHINGLE + 1])
            self._prefixes[count] = found
        return found

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        """`signature_keys(self)`."""
        return signature_keys(self)


def story_text(
    item_id: int, places: Sequence[str], body: str, first_seen_at: datetime
) -> StoryText:
    return _story_text(item_id, frozenset(fold(p) for p in places), body, first_seen_at)


@functools.lru_cache(maxsize=8192)
def _story_text(item_id: int, places: frozenset[str], body: str, first_seen_at: datetime) -> StoryText:
    """The texts of recent items, by everything they are made of (so a text read again is the
    same object, with the shingle sets it built): every batch of pages reads its candidates'
    texts again, mostly the same items."""
    return StoryText(item_id, places, words_of(body), first_seen_at)


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
    return (
        bool(a.places & b.places)
        and abs(a.first_seen_at - b.first_seen_at) <= MAX_APART
        and _text_similarity(a, b) >= MIN_SIMILARITY
    )


def _text_similarity(a: StoryText, b: StoryText) -> float:
    """`similarity(a.words, b.words)`, from the texts' own shingles."""
    shorter, longer = (a, b) if len(a.words) <= len(b.words) else (b, a)
    count = len(shorter.words)
    first, second = shorter.all_shingles, longer.shingles_of_first(count)
    if not first or not second:
        return 0.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


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
