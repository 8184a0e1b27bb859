"""The frozen dataclasses a parse builds many of set their fields in one step (their own
`__init__`, see items.py); each must behave as the `__init__` @dataclass would generate:
the same fields from the same arguments, equality, hash, repr, immutability, `replace`."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from newsarchive.items import Item, Lead, PublicationWindow

EARLY = datetime(2026, 3, 17, 9, 0, tzinfo=timezone.utc)
WINDOW = PublicationWindow(EARLY, EARLY + timedelta(hours=1))
ARGUMENTS = {
    PublicationWindow: (EARLY, EARLY + timedelta(minutes=5)),
    Lead: ("Titel", "GOES", ("GOES",), ("ANP",), ("Eerste.", "Tweede."), "BIJDRAGE ANNE"),
    Item: ("Titel", "GOES", ("GOES",), ("ANP", "RTR"), "Tekst.", "3 uur geleden", WINDOW, "https://x.nl/a"),
}
CLASSES = list(ARGUMENTS)


def generated(cls: type, *values: object) -> object:
    """An instance as the generated frozen __init__ makes it: each field by its own setattr."""
    instance = object.__new__(cls)
    for field, value in zip(dataclasses.fields(cls), values, strict=True):
        object.__setattr__(instance, field.name, value)
    return instance


@pytest.mark.parametrize("cls", CLASSES)
def test_positional_arguments_set_the_fields_in_their_order(cls: type) -> None:
    values = ARGUMENTS[cls]
    built = cls(*values)
    assert [getattr(built, f.name) for f in dataclasses.fields(cls)] == list(values)
    assert vars(built) == vars(generated(cls, *values))


@pytest.mark.parametrize("cls", CLASSES)
def test_keyword_arguments_and_equality_hash_repr_as_generated(cls: type) -> None:
    values = ARGUMENTS[cls]
    names = [f.name for f in dataclasses.fields(cls)]
    built = cls(**dict(zip(names, values, strict=True)))
    reference = generated(cls, *values)
    assert built == reference
    assert hash(built) == hash(reference)
    assert repr(built) == repr(reference)
    assert dataclasses.astuple(built) == dataclasses.astuple(reference)


@pytest.mark.parametrize("cls", CLASSES)
def test_a_different_field_value_is_a_different_instance(cls: type) -> None:
    values = ARGUMENTS[cls]
    for at, value in enumerate(values):
        other = value + timedelta(seconds=1) if isinstance(value, datetime) else None
        changed = (*values[:at], other, *values[at + 1 :])
        assert cls(*values) != cls(*changed)
        assert cls(*changed) == generated(cls, *changed)


@pytest.mark.parametrize("cls", CLASSES)
def test_fields_cannot_be_set_or_deleted(cls: type) -> None:
    built = cls(*ARGUMENTS[cls])
    name = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(built, name)


@pytest.mark.parametrize("cls", CLASSES)
def test_replace_gives_a_new_instance_with_one_field_changed(cls: type) -> None:
    values = ARGUMENTS[cls]
    last = dataclasses.fields(cls)[-1].name
    replaced = dataclasses.replace(cls(*values), **{last: values[0]})
    assert getattr(replaced, last) == values[0]
    assert replaced == generated(cls, *values[:-1], values[0])


def test_defaults_are_the_declared_ones() -> None:
    item = Item("T", "GOES", ("GOES",), (), "Tekst.", None, None)
    lead = Lead("T", None, (), (), ())
    assert (item.url, lead.byline) == (None, None)
    assert vars(item) == vars(generated(Item, "T", "GOES", ("GOES",), (), "Tekst.", None, None, None))
