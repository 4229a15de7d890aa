"""The questionnaire asks only what this household needs, household first, and turns answers into facts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontyard.errors import AnswerError
from frontyard.household import Household, Insurance, LifeEvent
from frontyard.interview import interview
from frontyard.lifeevents import evaluate
from frontyard.questionnaire import AnswerValue, answer, load_questions, pending, question_text
from frontyard.reference import reference_household

from .helpers import adult, child, household


def asked(
    h: Household, answered: frozenset[tuple[str, str | None]] = frozenset()
) -> set[tuple[str, str | None]]:
    return {(item.question.question_id, item.person_id) for item in pending(h, answered=answered)}


def members_offered(h: Household, question_id: str) -> tuple[str, ...]:
    return next(item.members for item in pending(h) if item.question.question_id == question_id)


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
    couple = household(adult(), adult("w", relationship="妻"), child("c", 3))
    assert ("single_parent", None) not in asked(couple)  # a spouse lives here: not a ひとり親 household


def test_household_first_then_who() -> None:
    h = household(adult("young", age=30), adult("old", age=70), child("kid", 5))
    assert members_offered(h, "kaigo_nintei") == ("old",)  # 40+ only
    assert members_offered(h, "wants_inkan") == ("young", "old")  # 15+ only
    order = [item.person_id for item in pending(h)]
    assert order == sorted(order, key=lambda person_id: person_id is not None)  # household questions first
    assert ("techo_kinds", "old") not in asked(h)
    h = answer(h, "techo_holders", ("old",))
    assert ("techo_kinds", "old") in asked(h)
    assert ("techo_kinds", "young") not in asked(h)


def test_residence_card_only_for_foreign_members() -> None:
    h = household(adult("a"), child("baby", 0))
    assert not {q for q in asked(h) if q[0] == "foreign_mid_long_term"}
    h = answer(h, "foreign_members", ("a",))
    assert members_offered(h, "foreign_mid_long_term") == ("a",)


def test_per_person_question_names_the_person() -> None:
    h = answer(household(adult("a", name="指宿 太郎")), "techo_holders", ("a",))
    item = next(q for q in pending(h) if q.person_id == "a")
    text = question_text(item.question, h.member("a"))
    assert "指宿 太郎" in text.ja and "指宿 太郎" in text.ja_easy and "指宿 太郎" in text.en


def test_every_question_has_three_languages_and_unknown_says_what_staff_check() -> None:
    for question in load_questions():
        assert question.text.ja and question.text.ja_easy and question.text.en, question.question_id
        for choice in question.choice_specs:
            assert choice.label.ja and choice.label.en, (question.question_id, choice.value)
        if question.allows_unknown:
            assert question.staff_check.ja and question.staff_check.en, question.question_id


def test_answers_become_facts_and_procedures() -> None:
    h = household(adult(age=50))
    assert "KOKUHO" not in evaluate(h).ids()
    h = answer(h, "employer_insurance", ())
    assert h.member("p1").insurance is Insurance.KOKUHO
    assert "KOKUHO" in evaluate(h).ids()
    h = answer(answer(h, "dogs", 2), "dog_vaccinated_this_year", True)
    assert len(h.dogs) == 2
    assert all(d.vaccinated_this_year for d in h.dogs)
    assert {"INU", "KYOUKEN"} <= set(evaluate(h).ids())


def test_unknown_answer_lists_the_procedure_if_applicable() -> None:
    h = answer(household(adult(age=50)), "employer_insurance", ())
    h = answer(h, "mn_linked_pension", None, "p1")
    assert h.member("p1").mn_linked_pension is None
    item = evaluate(h).get("NENKIN_1")
    assert item.conditional and item.reason_ja.startswith("【該当する場合】")
    linked = answer(h, "mn_linked_pension", True, "p1")
    assert "NENKIN_1" not in evaluate(linked).ids()


def test_reference_household_needs_at_most_twenty_questions_and_keeps_its_procedures() -> None:
    for cards in ("adults", "all", "none"):
        target = reference_household(cards)
        result = interview(target)
        assert len(result.asked) <= 20, (cards, result.asked)
        assert evaluate(result.household).ids() == evaluate(target).ids()


def test_every_event_has_questions() -> None:
    events = {event for question in load_questions() for event in question.events}
    assert events == {event for event in LifeEvent if event is not LifeEvent.NONE}


@pytest.mark.parametrize(
    ("question", "value", "person"),
    [
        ("dogs", -1, None),
        ("dogs", True, None),
        ("dogs", None, None),  # 「わからない」 is not offered for a count
        ("previous_address", "mars", None),
        ("employer_insurance", ("p9",), None),
        ("employer_insurance", "p1", None),
        ("vehicles", ("boat",), None),
        ("no_such_question", True, None),
        ("newborn_insurance", "kokuho", None),
        ("dogs", 1, "p1"),
        ("techo_kinds", ("shintai",), "p9"),
    ],
)
def test_bad_answers_raise_answer_error(question: str, value: AnswerValue, person: str | None) -> None:
    with pytest.raises(AnswerError):
        answer(household(adult()), question, value, person)


ANY_ANSWER = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 30),
    st.text(max_size=12),
    st.tuples(st.sampled_from(["p1", "p2", "p9", "kei", "shintai", "", "gentsuki"])),
    st.lists(st.text(max_size=4), max_size=3).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(
    question_id=st.sampled_from([q.question_id for q in load_questions()] + ["", "nope"]),
    value=ANY_ANSWER,
    person=st.sampled_from([None, "p1", "p2", "p9"]),
    event=st.sampled_from([event for event in LifeEvent if event is not LifeEvent.NONE]),
)
def test_any_malformed_answer_is_an_answer_error_or_a_valid_record(
    question_id: str, value: AnswerValue, person: str | None, event: LifeEvent
) -> None:
    h = household(adult(), child("p2", 4), event=event)
    try:
        result = answer(h, question_id, value, person)
    except AnswerError:
        return
    evaluate(result)  # whatever was accepted still evaluates
    assert [p.person_id for p in result.members] == ["p1", "p2"]
