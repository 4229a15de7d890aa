"""The life-event questionnaire: only the questions this household needs, answers → facts.

``pending(household, answered=…)`` lists the questions whose ``ask_if`` is not false for the facts known
now: household questions first (a *members* question asks 「…の方はいますか。どなたですか」 once for the
household), then each member's questions, naming the member. ``answer(household, question_id, value,
person_id)`` returns the record with the facts set. Asking again after each answer gives the branching.

An answer of ``None`` is 「わからない」 (only where the question allows it): the facts stay unknown and the
procedures that depend on them are listed 「該当する場合」 (``frontyard.lifeevents``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from frontyard import conditions
from frontyard.catalog import load_toml
from frontyard.errors import AnswerError, CatalogError, ConditionError
from frontyard.facts import living, resolver
from frontyard.household import Dog, Household, Insurance, LifeEvent, PensionClass, Person, age_on
from frontyard.municipality import Municipality, load_municipality
from frontyard.text import EMPTY, LocalizedText, localized

AnswerValue = bool | int | str | tuple[str, ...] | None
FactValue = bool | str | None
Answered = Collection[tuple[str, str | None]]
_MAX_COUNT = 20


class AnswerKind(enum.StrEnum):
    BOOL = "bool"
    COUNT = "count"
    CHOICE = "choice"
    MULTI = "multi"  # any of the choices
    MEMBERS = "members"  # any of the eligible members


@dataclass(frozen=True)
class ChoiceSpec:
    value: str
    label: LocalizedText
    sets: dict[str, FactValue]


@dataclass(frozen=True)
class Question:
    question_id: str
    events: tuple[LifeEvent, ...]
    person_scope: bool
    kind: AnswerKind
    text: LocalizedText
    ask_if: conditions.Expr
    fact: str = ""  # bool / count / members: the fact it sets (choice and multi: see ChoiceSpec.sets)
    eligible: conditions.Expr | None = None  # members: who can be chosen
    choice_specs: tuple[ChoiceSpec, ...] = ()
    allows_unknown: bool = False
    help: LocalizedText = EMPTY
    staff_check: LocalizedText = EMPTY

    @property
    def text_ja(self) -> str:
        return self.text.ja

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choice_specs)

    def facts(self) -> tuple[str, ...]:
        """Every fact this question may set."""
        if self.fact:
            return (self.fact,)
        names: list[str] = []
        for choice in self.choice_specs:
            names.extend(name for name in choice.sets if name not in names)
        return tuple(names)


@dataclass(frozen=True)
class PendingQuestion:
    question: Question
    person_id: str | None  # the member it is asked about; None for a household question
    members: tuple[str, ...] = ()  # members questions: the person_ids that can be chosen


# Facts a question may set besides the plain flags of Person / Household.
_PERSON_SPECIAL = frozenset({"employer_insured", "kokuho_insured", "insurance", "is_mother"})
_HOUSEHOLD_SPECIAL = frozenset({"dogs", "dog_vaccinated_this_year"})


def _settable(person_scope: bool, name: str) -> bool:
    target = Person if person_scope else Household
    fields = {field.name for field in dataclasses.fields(target)}
    return name in fields or name in (_PERSON_SPECIAL if person_scope else _HOUSEHOLD_SPECIAL)


def _question(raw: dict[str, Any]) -> Question:
    qid = raw["id"]
    kind = AnswerKind(raw["kind"])
    choices = tuple(
        ChoiceSpec(
            item["value"],
            localized(item["label"], f"{qid}.{item['value']}"),
            {name: None if fact == "unknown" else fact for name, fact in item["sets"].items()},
        )
        for item in raw.get("choice", ())
    )
    question = Question(
        question_id=qid,
        events=tuple(LifeEvent(event) for event in raw["events"]),
        person_scope=raw["scope"] == "person",
        kind=kind,
        text=localized(raw["text"], qid),
        ask_if=conditions.parse(raw["ask_if"]),
        fact=raw.get("fact", ""),
        eligible=conditions.parse(raw["eligible"]) if "eligible" in raw else None,
        choice_specs=choices,
        allows_unknown=bool(raw.get("unknown", False)),
        help=localized(raw["help"], qid) if "help" in raw else EMPTY,
        staff_check=localized(raw["staff_check"], qid) if "staff_check" in raw else EMPTY,
    )
    if (kind in (AnswerKind.CHOICE, AnswerKind.MULTI)) != bool(choices) or (
        kind is AnswerKind.MEMBERS and question.eligible is None
    ):
        raise CatalogError(f"question {qid!r}: choices or eligible do not match kind {kind}")
    person_facts = question.person_scope or kind is AnswerKind.MEMBERS
    for name in question.facts():
        if not _settable(person_facts, name):
            raise CatalogError(f"question {qid!r} sets unknown fact {name!r}")
    if question.allows_unknown and not question.staff_check.ja:
        raise CatalogError(f"question {qid!r}: 「わからない」 needs a staff_check")
    return question


@functools.cache
def load_questions() -> tuple[Question, ...]:
    try:
        return tuple(_question(raw) for raw in load_toml("questionnaire.toml")["question"])
    except (KeyError, ValueError, TypeError, ConditionError) as exc:
        raise CatalogError(f"invalid questionnaire data: {exc!r}") from exc


@functools.cache
def _labels() -> tuple[dict[str, LocalizedText], dict[str, LocalizedText]]:
    raw = load_toml("questionnaire.toml")
    labels = {key: localized(value, key) for key, value in raw["labels"].items()}
    relationships = {key: localized(value, key) for key, value in raw["relationships"].items()}
    return labels, relationships


def label(key: str) -> LocalizedText:
    """A fixed label: ``unknown`` (わからない) or ``none`` (いない・ない)."""
    return _labels()[0][key]


def relationship_label(relationship: str) -> LocalizedText:
    return _labels()[1].get(relationship, LocalizedText(relationship, relationship, relationship))


def person_label(person: Person) -> LocalizedText:
    """How a question names the person: the name when known, else the relationship (a newborn: 赤ちゃん)."""
    if person.name:
        return LocalizedText(person.name, person.name, person.name)
    if person.newborn:
        return label("newborn")
    return relationship_label(person.relationship)


def question_text(question: Question, person: Person | None) -> LocalizedText:
    """The question's text with ``{person}`` filled in (per register)."""
    if person is None:
        return question.text
    who = person_label(person)
    return LocalizedText(
        question.text.ja.replace("{person}", who.ja),
        question.text.ja_easy.replace("{person}", who.ja_easy),
        question.text.en.replace("{person}", who.en),
    )


def _candidates(question: Question, household: Household) -> tuple[Person, ...]:
    return household.members if question.fact == "deceased" else living(household)


def eligible_members(
    question: Question, household: Household, municipality: Municipality, answered: Answered = ()
) -> tuple[str, ...]:
    """A members question's choices: eligible members whose fact is not already known (a card read)."""
    assert question.eligible is not None
    return tuple(
        person.person_id
        for person in _candidates(question, household)
        if (question.fact, person.person_id) not in answered
        and conditions.truth(question.eligible, resolver(household, municipality, person)) is not False
    )


def pending(
    household: Household, municipality: Municipality | None = None, answered: Answered = ()
) -> tuple[PendingQuestion, ...]:
    """The questions to ask now: household questions first, then each member's, in data order.

    ``answered`` holds ``(question_id, person_id)`` pairs already answered, and ``(fact, person_id)`` pairs
    known otherwise (a card read gives ``has_mn_card``)."""
    municipality = municipality or load_municipality()
    found: list[PendingQuestion] = []
    questions = [question for question in load_questions() if household.event in question.events]
    for question in (q for q in questions if not q.person_scope):
        if (question.question_id, None) in answered:
            continue
        if conditions.truth(question.ask_if, resolver(household, municipality)) is False:
            continue
        if question.kind is AnswerKind.MEMBERS:
            members = eligible_members(question, household, municipality, answered)
            if members:
                found.append(PendingQuestion(question, None, members))
            continue
        found.append(PendingQuestion(question, None))
    for person in household.members:
        for question in (q for q in questions if q.person_scope):
            if (question.question_id, person.person_id) in answered:
                continue
            if conditions.truth(question.ask_if, resolver(household, municipality, person)) is not False:
                found.append(PendingQuestion(question, person.person_id))
    return tuple(found)


def _checked(question: Question, value: AnswerValue) -> AnswerValue:
    if value is None:
        if question.allows_unknown:
            return None
        raise AnswerError(
            f"question {question.question_id!r} does not offer 'unknown'",
            reason="unknown_not_offered",
            message_ja="この質問では「わからない」は選べません。",
        )
    kind = question.kind
    if kind is AnswerKind.BOOL and isinstance(value, bool):
        return value
    if kind is AnswerKind.COUNT and type(value) is int and 0 <= value <= _MAX_COUNT:
        return value
    if kind is AnswerKind.CHOICE and isinstance(value, str) and value in question.choices:
        return value
    if isinstance(value, tuple) and _valid_selection(question, value):
        return tuple(dict.fromkeys(value))
    raise AnswerError(f"answer of the wrong kind for question {question.question_id!r}")


def _valid_selection(question: Question, value: tuple[str, ...]) -> bool:
    """A members answer is checked against the members offered (in ``answer``); a multi answer here."""
    if question.kind is AnswerKind.MEMBERS:
        return True
    return question.kind is AnswerKind.MULTI and set(value) <= set(question.choices)


def _choice_facts(question: Question, value: AnswerValue) -> dict[str, FactValue]:
    """The facts a choice / multi answer sets (unknown: all of them None)."""
    if value is None:
        return dict.fromkeys(question.facts())
    if question.kind is AnswerKind.CHOICE:
        return dict(next(c for c in question.choice_specs if c.value == value).sets)
    assert isinstance(value, tuple)
    facts: dict[str, FactValue] = dict.fromkeys(question.facts(), False)
    for choice in question.choice_specs:
        if choice.value not in value:
            continue
        for name, fact in choice.sets.items():  # true wins over unknown, unknown over false
            if fact is True or (fact is None and facts[name] is False):
                facts[name] = fact
    return facts


def set_person_fact(household: Household, person: Person, name: str, value: FactValue) -> Person:
    """One person fact; ``employer_insured`` and ``insurance`` set the insurance (and pension class)."""
    if name == "employer_insured":
        age = age_on(person.birth_date, household.event_date) if person.birth_date else 0
        if value is None:
            return dataclasses.replace(person, insurance=Insurance.UNKNOWN)
        if value:
            employed = person.insurance in (Insurance.EMPLOYEE, Insurance.EMPLOYEE_DEPENDENT)
            return dataclasses.replace(person, insurance=person.insurance if employed else Insurance.EMPLOYEE)
        pension = PensionClass.FIRST if 20 <= age < 60 else person.pension_class
        return dataclasses.replace(person, insurance=Insurance.KOKUHO, pension_class=pension)
    if name == "insurance":
        return dataclasses.replace(
            person, insurance=Insurance.UNKNOWN if value is None else Insurance(str(value))
        )
    if name == "kokuho_insured":
        if value is None:
            return dataclasses.replace(person, insurance=Insurance.UNKNOWN)
        return dataclasses.replace(person, insurance=Insurance.KOKUHO) if value else person
    if name == "kouki_shogai_nintei" and value:
        return dataclasses.replace(person, kouki_shogai_nintei=True, insurance=Insurance.KOUKI)
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(person, **changes)


def _set_household_fact(household: Household, name: str, value: AnswerValue) -> Household:
    if name == "dogs":
        count = value if isinstance(value, int) else 0
        return dataclasses.replace(household, dogs=tuple(Dog() for _ in range(count)))
    if name == "dog_vaccinated_this_year":
        dogs = tuple(dataclasses.replace(dog, vaccinated_this_year=bool(value)) for dog in household.dogs)
        return dataclasses.replace(household, dogs=dogs)
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(household, **changes)


def _with_person(household: Household, person: Person) -> Household:
    members = tuple(person if p.person_id == person.person_id else p for p in household.members)
    return dataclasses.replace(household, members=members)


def find_question(question_id: str) -> Question:
    for question in load_questions():
        if question.question_id == question_id:
            return question
    raise AnswerError("question_id: no such question")  # the id is not repeated: it may be anything


def answer(
    household: Household,
    question_id: str,
    value: AnswerValue,
    person_id: str | None = None,
    municipality: Municipality | None = None,
    answered: Answered = (),
) -> Household:
    """The record with one answer applied; ``AnswerError`` for an unknown question, member or bad value.

    A members answer is a tuple of person_ids (empty: no one) among the members offered (``answered`` as
    for ``pending``); ``None`` is 「わからない」."""
    question = find_question(question_id)
    if (person_id is None) == question.person_scope:
        raise AnswerError("question_id: no such question for this scope (household or person)")
    checked = _checked(question, value)
    if question.kind is AnswerKind.MEMBERS:
        eligible = eligible_members(question, household, municipality or load_municipality(), answered)
        chosen = checked or ()
        assert isinstance(chosen, tuple)
        if not set(chosen) <= set(eligible):
            raise AnswerError(
                "that member cannot be chosen for this question",
                reason="member_not_offered",
                message_ja="この質問で選べない方が含まれています。",
            )
        if question.fact == "is_mother":  # one member: the household's mother_id
            if len(chosen) > 1:
                raise AnswerError(
                    "choose one mother", reason="one_member_only", message_ja="お一人を選んでください。"
                )
            return dataclasses.replace(household, mother_id=chosen[0] if chosen else None)
        for pid in eligible:
            fact: FactValue = None if checked is None else pid in chosen
            household = _with_person(
                household, set_person_fact(household, household.member(pid), question.fact, fact)
            )
        return household
    facts: dict[str, Any] = {question.fact: checked} if question.fact else _choice_facts(question, checked)
    if not question.person_scope:
        for name, fact_value in facts.items():
            household = _set_household_fact(household, name, fact_value)
        return household
    if person_id not in {person.person_id for person in household.members}:
        raise AnswerError("unknown household member")
    person = household.member(str(person_id))
    for name, fact_value in facts.items():
        person = set_person_fact(household, person, name, fact_value)
    return _with_person(household, person)
