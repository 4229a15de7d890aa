"""Small builders for households in tests."""

import dataclasses
import datetime as dt

from frontyard.household import Dog, Household, Insurance, LifeEvent, Person

EVENT = dt.date(2025, 9, 9)


def born(age: int, month: int = 1, day: int = 15) -> dt.date:
    """A birth date giving ``age`` on the event date (2025-09-09) for months before September."""
    return dt.date(EVENT.year - age, month, day)


def household(*people: Person, event: LifeEvent = LifeEvent.TENNYU, **facts: object) -> Household:
    if not people:
        people = (adult(),)
    values: dict[str, object] = {
        "event": event,
        "event_date": EVENT,
        "members": people,
        "head_id": people[0].person_id,
        "filer_id": people[0].person_id,
        "new_address": "新住所",
        "old_address": "旧住所",
        "phone": "0000",
    }
    values.update(facts)
    return Household(**values)  # type: ignore[arg-type]


def adult(person_id: str = "p1", age: int = 45, **facts: object) -> Person:
    base = Person(person_id, "世帯主", "氏名", "しめい", born(age), insurance=Insurance.EMPLOYEE)
    return dataclasses.replace(base, **facts)  # type: ignore[arg-type]


def child(person_id: str, age: int, **facts: object) -> Person:
    base = Person(person_id, "子", "子の氏名", "こ", born(age), insurance=Insurance.EMPLOYEE_DEPENDENT)
    return dataclasses.replace(base, **facts)  # type: ignore[arg-type]


def dog(vaccinated: bool = False) -> Dog:
    return Dog("犬", vaccinated_this_year=vaccinated)
