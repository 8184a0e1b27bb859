"""The frozen dataclasses a parse builds many of set their fields in one step (their own
`__init__`, see items.py); each must behave as the `__init__` @dataclass would generate:
the same fields from the same arguments, equality, hash, repr, immutability, `replace`."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import datetime, timedelta, timezone

import pytest

from newsarchive.items import Item, Lead, PublicationWindow, _one_step_init

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


@pytest.mark.parametrize("cls", CLASSES)
def test_the_one_step_init_takes_the_parameters_of_the_generated_one(cls: type) -> None:
    plain = dataclasses.dataclass(frozen=True)(type(cls.__name__, (), {"__annotations__": dict(cls.__annotations__),
        **{f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}}))
    mine = inspect.signature(cls.__init__).parameters
    assert [(p.name, p.default, p.kind) for p in mine.values()] == [
        (p.name, p.default, p.kind) for p in inspect.signature(plain.__init__).parameters.values()
    ]


def test_a_new_field_is_set_by_the_one_step_init_without_writing_it_twice() -> None:
    @_one_step_init
    @dataclasses.dataclass(frozen=True)
    class Pair:
        left: int
        right: str = "r"

    assert (vars(Pair(1)), vars(Pair(2, right="x"))) == ({"left": 1, "right": "r"}, {"left": 2, "right": "x"})
    with pytest.raises(TypeError):
        Pair()  # type: ignore[call-arg]


def test_a_field_with_a_default_factory_is_refused() -> None:
    with pytest.raises(TypeError, match="only plain fields"):
        @_one_step_init
        @dataclasses.dataclass(frozen=True)
        class Listed:
            names: list[str] = dataclasses.field(default_factory=list)
