"""Facts for trigger expressions: ``person.*``, ``household.*``, ``event`` and ``muni.*`` as plain values."""

from __future__ import annotations

import dataclasses

from frontyard.conditions import Resolver, Value
from frontyard.errors import ConditionError
from frontyard.household import (
    Household,
    Insurance,
    Person,
    age_at_fiscal_year_end,
    age_on,
    school_age,
)
from frontyard.municipality import Municipality

_PERSON_FLAGS = frozenset(field.name for field in dataclasses.fields(Person) if field.type in ("bool", bool))
_HOUSEHOLD_FLAGS = frozenset(
    field.name for field in dataclasses.fields(Household) if field.type in ("bool", bool)
)


def person_fact(household: Household, person: Person, name: str) -> Value:
    """One fact about ``person``; ages are taken on the event date."""
    if name in _PERSON_FLAGS:
        return bool(getattr(person, name))
    birth = person.birth_date or household.event_date
    day = household.event_date
    derived: dict[str, Value] = {}
    if name == "age":
        derived[name] = age_on(birth, day)
    elif name == "school_age":
        derived[name] = school_age(birth, day)
    elif name == "age_fy":
        derived[name] = age_at_fiscal_year_end(birth, day)
    elif name == "insurance":
        derived[name] = str(person.insurance)
    elif name == "pension_class":
        derived[name] = int(person.pension_class)
    elif name == "sex":
        derived[name] = str(person.sex)
    elif name == "insured":
        derived[name] = person.insured
    elif name == "is_mother":
        derived[name] = household.mother_id == person.person_id
    if name not in derived:
        raise ConditionError(f"unknown person fact {name!r}")
    return derived[name]


def _int_fact(household: Household, person: Person, name: str) -> int:
    value = person_fact(household, person, name)
    assert isinstance(value, int)
    return value


def household_fact(household: Household, name: str) -> Value:
    if name in _HOUSEHOLD_FLAGS:
        return bool(getattr(household, name))
    members = household.members
    if name == "dogs":
        return len(household.dogs)
    if name == "dog_vaccinated_this_year":
        return any(dog.vaccinated_this_year for dog in household.dogs)
    if name == "has_child_until_18_fy_end":
        return any(_int_fact(household, person, "age_fy") <= 18 for person in members)
    if name == "has_preschool_child":
        return any(_int_fact(household, person, "school_age") < 6 for person in members)
    if name == "seikatsu_hogo":
        return any(person.insurance is Insurance.SEIKATSU_HOGO for person in members)
    if name == "kokuho_household":
        return any(person.insurance is Insurance.KOKUHO for person in members)
    if name == "mother_insurance":
        mothers = [person for person in members if person.person_id == household.mother_id]
        return str(mothers[0].insurance) if mothers else "unknown"
    raise ConditionError(f"unknown household fact {name!r}")


def muni_fact(municipality: Municipality, name: str) -> Value:
    if name not in municipality.params:
        raise ConditionError(f"unknown municipal parameter {name!r}")
    return municipality.params[name].value


def resolver(household: Household, municipality: Municipality, person: Person | None = None) -> Resolver:
    """A resolver for ``conditions.evaluate``; ``person.*`` needs ``person``."""

    def resolve(name: str) -> Value:
        scope, _, rest = name.partition(".")
        if name == "event":
            return str(household.event)
        if scope == "person" and person is not None:
            return person_fact(household, person, rest)
        if scope == "household":
            return household_fact(household, rest)
        if scope == "muni":
            return muni_fact(municipality, rest)
        raise ConditionError(f"unknown fact {name!r}")

    return resolve
