"""The in-memory visit book: members, facts, the questionnaire without repeats, expiry."""

from __future__ import annotations

import datetime as dt

import pytest

from daemon.errors import FailedPrecondition, InvalidArgument, NotFound
from daemon.visits.book import CardHolder, VisitBook
from frontyard.household import LifeEvent, Person, Sex
from frontyard.municipality import load_municipality

NOW = dt.datetime(2025, 9, 9, 10, 0, tzinfo=dt.UTC)
HOLDER = CardHolder("見本 太郎", "福岡県見本市1番地", dt.date(1980, 5, 5), Sex.MALE)


def new_book() -> tuple[VisitBook, str]:
    book = VisitBook(load_municipality())
    record = book.create(LifeEvent.TENNYU, dt.date(2025, 9, 9), dt.date(2025, 9, 9), NOW)
    return book, record.name


def asked(book: VisitBook, name: str) -> set[tuple[str, str | None]]:
    return {(item.question.question_id, item.person_id) for item in book.pending(name)}


def test_card_member_fills_the_old_address_and_is_not_asked_about_a_card() -> None:
    book, name = new_book()
    book.add_member(
        name, Person("", "世帯主", HOLDER.name, None, HOLDER.birth_date, HOLDER.sex, True), HOLDER, NOW
    )
    record = book.get(name)
    assert record.household.old_address == HOLDER.address
    assert record.household.head_id == record.household.filer_id == "p1"
    assert record.card_read == NOW and record.card_person_ids == {"p1"}
    assert ("mn_card_holders", None) not in asked(book, name)  # the only member came by card
    assert ("employer_insurance", None) in asked(book, name)


def test_a_typed_card_holder_is_not_offered_in_the_card_question() -> None:
    book, name = new_book()
    book.add_member(name, Person("", "世帯主", birth_date=dt.date(1980, 1, 1), has_mn_card=True), None, NOW)
    book.add_member(name, Person("", "妻", birth_date=dt.date(1982, 1, 1)), None, NOW)
    offered = next(q.members for q in book.pending(name) if q.question.question_id == "mn_card_holders")
    assert offered == ("p2",)


def test_an_answer_is_not_asked_again_and_can_bring_new_questions() -> None:
    book, name = new_book()
    book.add_member(name, Person("", "世帯主", birth_date=dt.date(1980, 1, 1)), None, NOW)
    assert ("dogs", None) in asked(book, name)
    assert ("dog_vaccinated_this_year", None) not in asked(book, name)
    book.answer(name, "dogs", 1, None)
    questions = asked(book, name)
    assert ("dogs", None) not in questions
    assert ("dog_vaccinated_this_year", None) in questions
    assert len(book.get(name).household.dogs) == 1


def test_facts_are_validated() -> None:
    book, name = new_book()
    book.add_member(name, Person("", "世帯主"), None, NOW)
    book.add_member(name, Person("", "妻"), None, NOW)
    book.set_facts(name, {"phone": "0993-00-0000", "move_out_date": "2025-09-07", "filer_person_id": "p2"})
    household = book.get(name).household
    assert (household.phone, household.move_out_date, household.filer_id) == (
        "0993-00-0000",
        dt.date(2025, 9, 7),
        "p2",
    )
    with pytest.raises(InvalidArgument) as unknown:
        book.set_facts(name, {"head_person_id": "p9"})
    assert unknown.value.reason == "member_not_found"
    with pytest.raises(InvalidArgument) as bad_date:
        book.set_facts(name, {"move_out_date": "yesterday"})
    assert bad_date.value.reason == "invalid_date"
    with pytest.raises(InvalidArgument):
        book.set_facts(name, {"income": "high"})


def test_evaluation_needs_members_and_take_wipes_the_visit() -> None:
    book, name = new_book()
    with pytest.raises(FailedPrecondition):
        book.evaluation(name)
    book.add_member(name, Person("", "世帯主", birth_date=dt.date(1980, 1, 1)), None, NOW)
    _, evaluation = book.evaluation(name)
    assert "JUKI_TENNYU" in evaluation.ids()
    book.take(name)
    assert len(book) == 0
    with pytest.raises(NotFound):
        book.get(name)


def test_old_visits_expire() -> None:
    book, name = new_book()
    book.create(LifeEvent.BIRTH, dt.date(2025, 9, 9), dt.date(2025, 9, 9), NOW + dt.timedelta(hours=11))
    with pytest.raises(NotFound):
        book.get(name)
    assert len(book) == 1
