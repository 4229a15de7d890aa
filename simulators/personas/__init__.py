"""Synthetic residents for simulators and tests: households and their members (``residents.json``).

Every persona is invented; every ``my_number`` passes the official check digit. The address printed on (and
stored in) a persona's card is the household's current ``address``. Members without a card have
``has_card`` false and ``my_number``/PINs ``None``.

Usage::

    from simulators.personas import load_households, persona
    taro = persona("P1")
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESIDENTS_PATH = Path(__file__).resolve().parent / "residents.json"


@dataclass(frozen=True)
class Persona:
    """One synthetic resident; ``repr`` hides everything but the id."""

    id: str
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    birth_date: str
    sex: str
    relationship: str
    has_card: bool
    my_number: str | None
    text_pin: str | None
    auth_pin: str | None
    sign_pin: str | None
    household_id: str = ""

    def __repr__(self) -> str:
        return f"Persona(id={self.id!r})"

    @property
    def full_name(self) -> str:
        """The name as the card stores it: family name, U+3000, given name."""
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def birth(self) -> datetime.date:
        return datetime.date.fromisoformat(self.birth_date)

    @property
    def household(self) -> Household:
        return _households_by_id()[self.household_id]


@dataclass(frozen=True)
class Household:
    """One household: its current address (also the card address of its members) and members."""

    id: str
    address: str
    phone: str
    moving_in_from: str | None
    members: tuple[Persona, ...]

    def __repr__(self) -> str:
        return f"Household(id={self.id!r}, members={len(self.members)})"


_PERSONA_KEYS = (
    "id",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birth_date",
    "sex",
    "relationship",
    "has_card",
    "my_number",
    "text_pin",
    "auth_pin",
    "sign_pin",
)


def _parse_household(raw: dict[str, Any]) -> Household:
    members = tuple(
        Persona(**{key: member[key] for key in _PERSONA_KEYS}, household_id=raw["id"])
        for member in raw["members"]
    )
    return Household(raw["id"], raw["address"], raw["phone"], raw["moving_in_from"], members)


@functools.cache
def load_households() -> tuple[Household, ...]:
    """All households of ``residents.json`` (parsed once)."""
    data = json.loads(RESIDENTS_PATH.read_text(encoding="utf-8"))
    return tuple(_parse_household(raw) for raw in data["households"])


@functools.cache
def _households_by_id() -> dict[str, Household]:
    return {household.id: household for household in load_households()}


def all_personas() -> tuple[Persona, ...]:
    return tuple(member for household in load_households() for member in household.members)


def persona(persona_id: str) -> Persona:
    """The persona with this id; ``KeyError`` if there is none."""
    for member in all_personas():
        if member.id == persona_id:
            return member
    raise KeyError(f"no persona {persona_id!r}")


def card_holders() -> tuple[Persona, ...]:
    """Every persona that has a My Number card."""
    return tuple(member for member in all_personas() if member.has_card)
