"""Wording shared by the command lines people read."""

from __future__ import annotations


def count(number: int, noun: str, plural: str | None = None) -> str:
    """`1 file`, `2 files`, `0 files`; `plural` for nouns that do not just take an s."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
