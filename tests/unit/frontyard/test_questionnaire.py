"""The questionnaire asks only what this household needs and turns answers into facts."""

import pytest

from frontyard.errors import AnswerError
from frontyard.household import Insurance
from frontyard.lifeevents import evaluate
from frontyard.questionnaire import answer, pending

from .helpers import adult, child, household


def asked(h: object) -> set[tuple[str, str | None]]:
    return {(item.question.question_id, item.person_id) for item in pending(h)}  # type: ignore[arg-type]


def test_branching_by_household_facts() -> None:
    single = household(adult())
    questions = asked(single)
    assert ("dogs", None) in questions
    assert ("dog_vaccinated_this_year", None) not in questions
    assert ("single_parent", None) not in questions
    assert ("needs_childcare", None) not in questions
    with_dog = answer(single, "dogs", 1)
    assert ("dog_vaccinated_this_year", None) in asked(with_dog)
    family = household(adult(), child("c", 3))
    assert {("single_parent", None), ("needs_childcare", None)} <= asked(family)


def test_branching_by_person_facts() -> None:
    questions = asked(household(adult("young", age=30), adult("old", age=70), child("kid", 5)))
    assert ("kaigo_nintei", "old") in questions
    assert ("kaigo_nintei", "young") not in questions
    assert ("jushochi_tokurei", "old") in questions
    assert ("pension_class", "young") in questions
    assert ("pension_class", "old") not in questions
    assert ("wants_inkan", "kid") not in questions


def test_answers_become_facts_and_procedures() -> None:
    h = household(adult(age=70))
    assert "KOKUHO" not in evaluate(h).ids()
    h = answer(h, "insurance", "kokuho", "p1")
    assert h.member("p1").insurance is Insurance.KOKUHO
    assert "KOKUHO" in evaluate(h).ids()
    h = answer(answer(h, "dogs", 2), "dog_vaccinated_this_year", True)
    assert len(h.dogs) == 2
    assert all(d.vaccinated_this_year for d in h.dogs)
    assert {"INU", "KYOUKEN"} <= set(evaluate(h).ids())


@pytest.mark.parametrize(
    ("question", "value", "person"),
    [
        ("dogs", -1, None),
        ("dogs", True, None),
        ("insurance", "gold", "p1"),
        ("from_other_prefecture", "yes", None),
        ("no_such_question", True, None),
        ("insurance", "kokuho", None),
        ("dogs", 1, "p1"),
        ("has_mn_card", True, "p9"),
    ],
)
def test_bad_answers_raise_answer_error(question: str, value: object, person: str | None) -> None:
    with pytest.raises(AnswerError):
        answer(household(adult()), question, value, person)  # type: ignore[arg-type]
