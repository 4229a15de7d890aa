"""The clerk's case table: households written as data, with the procedures that must and must not appear.

``load_cases(path)`` reads the TOML table (``tests/cases/clerk_cases.toml``); ``check(case)`` evaluates the
household as written and as the questionnaire would rebuild it from the household's own answers, and
returns what is wrong (empty: the case passes). The format is described at the top of the table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontyard.errors import CatalogError
from frontyard.household import Dog, Household, Insurance, LifeEvent, PensionClass, Person, Sex
from frontyard.interview import interview
from frontyard.lifeevents import Evaluation, evaluate

DEFAULT_EVENT_DATE = dt.date(2025, 9, 9)
UNKNOWN = "unknown"  # how the table writes a fact the resident does not know
_MEMBER_KEYS = frozenset({"id", "rel", "age", "born"})


@dataclass(frozen=True)
class Case:
    case_id: str
    note: str
    household: Household
    must: tuple[str, ...]
    must_not: tuple[str, ...]
    if_applicable: tuple[str, ...]
    persons: dict[str, tuple[str, ...]]


def _fact(value: Any) -> Any:
    return None if value == UNKNOWN else value


def _person(raw: dict[str, Any], event_date: dt.date) -> Person:
    if "born" in raw:
        birth = dt.date.fromisoformat(raw["born"])
    elif raw.get("newborn"):
        birth = event_date
    else:
        birth = dt.date(event_date.year - int(raw["age"]), 1, 15)
    facts: dict[str, Any] = {key: _fact(value) for key, value in raw.items() if key not in _MEMBER_KEYS}
    if "insurance" in facts:
        facts["insurance"] = Insurance(facts["insurance"] or "unknown")
    if "sex" in facts:
        facts["sex"] = Sex(facts["sex"])
    if "pension_class" in facts:
        facts["pension_class"] = PensionClass(int(facts["pension_class"]))
    return dataclasses.replace(Person(raw["id"], raw["rel"], f"{raw['rel']}の氏名", None, birth), **facts)


def _household(raw: dict[str, Any]) -> Household:
    event_date = dt.date.fromisoformat(raw["event_date"]) if "event_date" in raw else DEFAULT_EVENT_DATE
    members = tuple(_person(member, event_date) for member in raw["members"])
    facts: dict[str, Any] = {key: _fact(value) for key, value in raw.get("household", {}).items()}
    dogs = int(facts.pop("dogs", 0))
    vaccinated = bool(facts.pop("dog_vaccinated", False))
    head = facts.pop("head", members[0].person_id)
    mother = facts.pop("mother", None)
    return Household(
        event=LifeEvent(raw["event"]),
        event_date=event_date,
        members=members,
        head_id=head,
        filer_id=head,
        mother_id=mother,
        new_address="指宿市十町0000番地",
        phone="0993-00-0000",
        dogs=tuple(Dog(vaccinated_this_year=vaccinated) for _ in range(dogs)),
        **facts,
    )


def _case(raw: dict[str, Any]) -> Case:
    return Case(
        case_id=raw["id"],
        note=raw.get("note", ""),
        household=_household(raw),
        must=tuple(raw.get("must", ())),
        must_not=tuple(raw.get("must_not", ())),
        if_applicable=tuple(raw.get("if_applicable", ())),
        persons={key: tuple(value) for key, value in raw.get("persons", {}).items()},
    )


def load_cases(path: Path) -> tuple[Case, ...]:
    try:
        return tuple(_case(raw) for raw in tomllib.loads(path.read_text(encoding="utf-8"))["case"])
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"invalid case table {path.name}: {exc!r}") from exc


def _problems(case: Case, evaluation: Evaluation, how: str) -> list[str]:
    found = set(evaluation.ids())
    sure = {item.procedure_id for item in evaluation.procedures if not item.conditional}
    maybe = found - sure
    problems = [f"{how}: {pid} missing" for pid in case.must if pid not in sure]
    problems += [f"{how}: {pid} must not appear" for pid in case.must_not if pid in found]
    problems += [f"{how}: {pid} not listed 該当する場合" for pid in case.if_applicable if pid not in maybe]
    for pid, persons in case.persons.items():
        if pid in found and evaluation.get(pid).person_ids != persons:
            problems.append(f"{how}: {pid} is for {evaluation.get(pid).person_ids}, not {persons}")
    return problems


def check(case: Case) -> list[str]:
    """What is wrong with the case (empty: it passes), as written and through the questionnaire."""
    direct = evaluate(case.household)
    problems = _problems(case, direct, "as written")
    asked = evaluate(interview(case.household).household)
    if asked.ids() != direct.ids():
        problems.append(f"through the questionnaire: {asked.ids()} instead of {direct.ids()}")
    problems += _problems(case, asked, "through the questionnaire")
    return problems
