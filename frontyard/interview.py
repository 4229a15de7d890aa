"""Run the questionnaire against a known household: how many questions does it need?

``interview(target)`` starts from what the counter knows before any question (members with their names,
birth dates and relationships; who came by My Number card; addresses) and answers every pending question
the way ``target`` would, until nothing is pending. The result says how many questions were asked and
whether the answers lead to the same procedures and forms as ``target`` itself (bench ``household``, the
clerk's case table).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from frontyard.facts import household_fact, person_fact
from frontyard.household import Household, Person
from frontyard.municipality import Municipality, load_municipality
from frontyard.questionnaire import AnswerKind, AnswerValue, PendingQuestion, Question, answer, pending

# What the counter knows about a member before asking anything.
_PERSON_KEPT = ("person_id", "relationship", "name", "furigana", "birth_date", "sex", "newborn",
                "previous_school", "techo_number", "birth_weight_g", "school_grade")  # fmt: skip
_HOUSEHOLD_KEPT = ("event", "event_date", "members", "head_id", "filer_id", "mother_id", "visit_date",
                   "move_out_date", "new_address", "old_address", "phone", "bank_account", "vehicle_number",
                   "income_ok")  # fmt: skip
_MAX_QUESTIONS = 200


@dataclass(frozen=True)
class Interview:
    household: Household  # the record the answers built
    asked: tuple[tuple[str, str | None], ...]  # (question_id, person_id) in order


def blank(target: Household, card_holders: frozenset[str] = frozenset()) -> Household:
    """``target`` as the counter has it before the questionnaire: identities only; card holders known."""
    person_defaults = Person("", "")
    members = tuple(
        dataclasses.replace(
            person_defaults,
            **{name: getattr(person, name) for name in _PERSON_KEPT},
            has_mn_card=person.person_id in card_holders,
        )
        for person in target.members
    )
    household_defaults = Household(target.event, target.event_date, (), "", "")
    kept = {name: getattr(target, name) for name in _HOUSEHOLD_KEPT}
    kept["members"] = members
    return dataclasses.replace(household_defaults, **kept)


def _matches(target: Household, person: Person | None, sets: dict[str, bool | str | None]) -> bool:
    for name, expected in sets.items():
        actual = person_fact(target, person, name) if person else household_fact(target, name)
        if actual != expected:
            return False
    return True


def truthful_answer(question: PendingQuestion, target: Household, municipality: Municipality) -> AnswerValue:
    """The answer ``target`` gives to one pending question (None: 「わからない」 when the fact is unknown)."""
    asked: Question = question.question
    person = target.member(question.person_id) if question.person_id else None
    if asked.kind is AnswerKind.MEMBERS:
        values = [person_fact(target, target.member(pid), asked.fact) for pid in question.members]
        if None in values and asked.allows_unknown:
            return None
        return tuple(pid for pid, value in zip(question.members, values, strict=True) if value is True)
    if asked.kind in (AnswerKind.BOOL, AnswerKind.COUNT):
        value = person_fact(target, person, asked.fact) if person else household_fact(target, asked.fact)
        assert not isinstance(value, str)
        return value
    matching = [choice.value for choice in asked.choice_specs if _matches(target, person, choice.sets)]
    if asked.kind is AnswerKind.MULTI:
        return tuple(matching)
    if matching:
        return matching[0]
    if asked.allows_unknown:
        return None
    raise ValueError(f"{asked.question_id}: no choice fits the household")


def interview(
    target: Household, card_holders: frozenset[str] | None = None, municipality: Municipality | None = None
) -> Interview:
    """Answer the questionnaire as ``target`` would; card holders default to target's card holders."""
    municipality = municipality or load_municipality()
    if card_holders is None:
        card_holders = frozenset(p.person_id for p in target.members if p.has_mn_card is True)
    household = blank(target, card_holders)
    answered: set[tuple[str, str | None]] = {("has_mn_card", pid) for pid in card_holders}
    answered |= {("has_mn_card", p.person_id) for p in target.members if p.newborn}
    asked: list[tuple[str, str | None]] = []
    while len(asked) < _MAX_QUESTIONS:
        questions = pending(household, municipality, answered)
        if not questions:
            break
        question = questions[0]
        value = truthful_answer(question, target, municipality)
        household = answer(
            household, question.question.question_id, value, question.person_id, municipality, answered
        )
        key = (question.question.question_id, question.person_id)
        answered.add(key)
        asked.append(key)
    return Interview(household, tuple(asked))
