"""The life-event questionnaire: only the questions this household needs, answers → facts.

``pending(household)`` lists the questions whose ``ask_if`` holds for the facts known now (per member for
person questions); ``answer(household, question_id, value, person_id)`` returns the record with that fact
set. Asking again after each answer gives the branching: a dog brings the vaccination question, a child
under 6 the childcare question.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass
from typing import Any

from frontyard import conditions
from frontyard.catalog import load_toml
from frontyard.errors import AnswerError, CatalogError, ConditionError
from frontyard.facts import resolver
from frontyard.household import Dog, Household, Insurance, LifeEvent, PensionClass, Person
from frontyard.municipality import Municipality, load_municipality

AnswerValue = bool | int | str
_MAX_COUNT = 20


class AnswerKind(enum.StrEnum):
    BOOL = "bool"
    COUNT = "count"
    CHOICE = "choice"


@dataclass(frozen=True)
class Question:
    question_id: str  # also the fact it sets
    events: tuple[LifeEvent, ...]
    person_scope: bool
    kind: AnswerKind
    text_ja: str
    ask_if: conditions.Expr
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class PendingQuestion:
    question: Question
    person_id: str | None  # the member it is asked about; None for a household question


def _question(raw: dict[str, Any]) -> Question:
    question = Question(
        question_id=raw["id"],
        events=tuple(LifeEvent(event) for event in raw["events"]),
        person_scope=raw["scope"] == "person",
        kind=AnswerKind(raw["kind"]),
        text_ja=raw["text_ja"],
        ask_if=conditions.parse(raw["ask_if"]),
        choices=tuple(raw.get("choices", ())),
    )
    target = Person if question.person_scope else Household
    settable = {field.name for field in dataclasses.fields(target)} | {"dog_vaccinated_this_year"}
    if question.question_id not in settable:
        raise CatalogError(f"question {question.question_id!r} sets no fact of {target.__name__}")
    return question


@functools.cache
def load_questions() -> tuple[Question, ...]:
    try:
        return tuple(_question(raw) for raw in load_toml("questionnaire.toml")["question"])
    except (KeyError, ValueError, ConditionError) as exc:
        raise CatalogError(f"invalid questionnaire data: {exc!r}") from exc


def pending(household: Household, municipality: Municipality | None = None) -> tuple[PendingQuestion, ...]:
    """The questions to ask now: household questions first, then each member's, in data order."""
    municipality = municipality or load_municipality()
    found: list[PendingQuestion] = []
    questions = [question for question in load_questions() if household.event in question.events]
    for question in (q for q in questions if not q.person_scope):
        if conditions.holds(question.ask_if, resolver(household, municipality)):
            found.append(PendingQuestion(question, None))
    for person in household.members:
        for question in (q for q in questions if q.person_scope):
            if conditions.holds(question.ask_if, resolver(household, municipality, person)):
                found.append(PendingQuestion(question, person.person_id))
    return tuple(found)


def _checked(question: Question, value: AnswerValue) -> AnswerValue:
    if question.kind is AnswerKind.BOOL and isinstance(value, bool):
        return value
    if question.kind is AnswerKind.COUNT and type(value) is int and 0 <= value <= _MAX_COUNT:
        return value
    if question.kind is AnswerKind.CHOICE and isinstance(value, str) and value in question.choices:
        return value
    raise AnswerError(f"answer of the wrong kind for question {question.question_id!r}")


def _person_value(question_id: str, value: AnswerValue) -> Any:
    if question_id == "insurance":
        return Insurance(str(value))
    if question_id == "pension_class":
        return PensionClass(int(value))
    return value


def answer(
    household: Household, question_id: str, value: AnswerValue, person_id: str | None = None
) -> Household:
    """The record with one answer applied; ``AnswerError`` for an unknown question, member or bad value."""
    questions = {question.question_id: question for question in load_questions()}
    question = questions.get(question_id)
    if question is None or (person_id is None) == question.person_scope:
        raise AnswerError(f"unknown question {question_id!r} for this scope")
    checked = _checked(question, value)
    if not question.person_scope:
        if question_id == "dogs":
            return dataclasses.replace(household, dogs=tuple(Dog() for _ in range(int(checked))))
        if question_id == "dog_vaccinated_this_year":
            dogs = tuple(
                dataclasses.replace(dog, vaccinated_this_year=bool(checked)) for dog in household.dogs
            )
            return dataclasses.replace(household, dogs=dogs)
        changes: dict[str, Any] = {question_id: checked}
        return dataclasses.replace(household, **changes)
    if person_id not in {person.person_id for person in household.members}:
        raise AnswerError("unknown household member")
    person_changes: dict[str, Any] = {question_id: _person_value(question_id, checked)}
    members = tuple(
        dataclasses.replace(person, **person_changes) if person.person_id == person_id else person
        for person in household.members
    )
    return dataclasses.replace(household, members=members)
