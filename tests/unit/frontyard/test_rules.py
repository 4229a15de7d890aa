"""One test per trigger rule: the procedure applies with its fact and not without it."""

import dataclasses
import datetime as dt
from typing import Any

import pytest

from frontyard.household import Insurance, LifeEvent, PensionClass, Person
from frontyard.lifeevents import evaluate

from .helpers import EVENT, adult, child, dog, household


def ids(*people: Person, **facts: Any) -> set[str]:
    return set(evaluate(household(*people, **facts)).ids())


def persons(procedure_id: str, *people: Person, **facts: Any) -> tuple[str, ...]:
    evaluation = evaluate(household(*people, **facts))
    return evaluation.get(procedure_id).person_ids if procedure_id in evaluation.ids() else ()


def test_tennyu_always_needs_the_moving_in_notice() -> None:
    assert "JUKI_TENNYU" in ids()


def test_mn_card_continuation_only_for_card_holders() -> None:
    assert persons("MN_KEIZOKU", adult("a", has_mn_card=True), adult("b")) == ("a",)


def test_esign_needs_card_age_15_and_wish() -> None:
    assert "JPKI_SIGN" in ids(adult(has_mn_card=True, wants_esign=True))
    assert "JPKI_SIGN" not in ids(adult(wants_esign=True))
    assert "JPKI_SIGN" not in ids(child("c", 14, has_mn_card=True, wants_esign=True))


def test_inkan_from_15() -> None:
    assert persons("INKAN", adult(wants_inkan=True), child("c", 14, wants_inkan=True)) == ("p1",)


def test_kokuho_for_kokuho_under_75_only() -> None:
    assert "KOKUHO" in ids(adult(insurance=Insurance.KOKUHO))
    assert "KOKUHO" not in ids(adult(insurance=Insurance.EMPLOYEE))
    assert "KOKUHO" not in ids(adult(age=76, insurance=Insurance.KOKUHO))
    assert "KOKUHO" not in ids(
        adult(insurance=Insurance.KOKUHO), adult("b", insurance=Insurance.SEIKATSU_HOGO)
    )


def test_pension_first_class_unlinked_or_new() -> None:
    first = adult(pension_class=PensionClass.FIRST)
    assert "NENKIN_1" not in ids(first)
    assert "NENKIN_1" in ids(dataclasses.replace(first, mn_linked_pension=False))
    assert "NENKIN_1" in ids(dataclasses.replace(first, new_first_class=True))
    assert "NENKIN_1" not in ids(adult(age=61, pension_class=PensionClass.FIRST, new_first_class=True))


def test_kouki_only_from_another_prefecture() -> None:
    elder = adult(age=80, insurance=Insurance.KOUKI)
    assert "KOUKI" in ids(elder, from_other_prefecture=True)
    assert "KOUKI" not in ids(elder, from_other_prefecture=False)
    certified = adult(age=70, kouki_shogai_nintei=True, insurance=Insurance.KOUKI)
    assert "KOUKI" in ids(certified, from_other_prefecture=True)
    assert "KOUKI" in ids(certified, from_abroad=True)
    # 住所地特例: the previous 広域連合 stays the insurer (finding)
    assert "KOUKI" not in ids(dataclasses.replace(elder, jushochi_tokurei=True), from_other_prefecture=True)


def test_kaigo_for_65_and_certified_40_to_64_except_tokurei() -> None:
    assert "KAIGO_SHIKAKU" in ids(adult(age=65))
    assert "KAIGO_SHIKAKU" not in ids(adult(age=64))
    assert "KAIGO_SHIKAKU" in ids(adult(age=50, kaigo_nintei=True))
    assert "KAIGO_SHIKAKU" not in ids(adult(age=39, kaigo_nintei=True))
    assert "KAIGO_SHIKAKU" not in ids(adult(age=80, jushochi_tokurei=True))


def test_kaigo_certificate_carried_over() -> None:
    assert "KAIGO_HIKITSUGI" in ids(adult(age=70, kaigo_nintei=True))
    assert "KAIGO_HIKITSUGI" not in ids(adult(age=70))


def test_child_allowance_until_18_fiscal_year_end() -> None:
    # born 2007-04-01: reaches 18 at the end of 2025-03-31 (FY2024) → no longer covered in FY2025
    assert "JIDOU_TEATE" not in ids(adult(), child("c", 18, birth_date=dt.date(2007, 4, 1)))
    # born 2007-04-02: reaches 18 during FY2025 → covered until 2026-03-31
    assert "JIDOU_TEATE" in ids(adult(), child("c", 18, birth_date=dt.date(2007, 4, 2)))
    assert "JIDOU_TEATE" not in ids(adult(), child("c", 5), claimant_is_civil_servant=True)


def test_child_medical_aid_by_municipal_age_and_insurance() -> None:
    assert persons("KODOMO_IRYOU", adult(), child("c", 10), child("d", 10, insurance=Insurance.NONE)) == (
        "c",
    )
    # a single parent's child keeps its medical aid (finding: it was dropped, leaving no aid at all)
    assert "KODOMO_IRYOU" in ids(adult(), child("c", 10), single_parent=True)


def test_single_parent_procedures() -> None:
    found = ids(adult(), child("c", 8), single_parent=True)
    assert {"HITORIOYA_IRYOU", "JIDOU_FUYOU"} <= found
    assert "HITORIOYA_IRYOU" not in ids(adult(), child("c", 8), single_parent=True, income_ok=False)
    assert "JIDOU_FUYOU" not in ids(adult(), child("c", 8))


def test_childcare_below_school_age_when_needed() -> None:
    assert persons("HOIKU", adult(), child("c", 3), child("d", 7), needs_childcare=True) == ("c",)
    assert "HOIKU" not in ids(adult(), child("c", 3))


def test_school_transfer_for_compulsory_school_age() -> None:
    kids = (
        child("a", 5),
        child("b", 6, birth_date=dt.date(2019, 4, 1)),
        child("c", 15, birth_date=dt.date(2010, 4, 2)),
    )
    assert persons("TENNYUGAKU", adult(), *kids) == ("b", "c")
    assert "TENNYUGAKU" not in ids(adult(), child("d", 15, birth_date=dt.date(2010, 4, 1)))


@pytest.mark.parametrize(
    ("flag", "procedure"),
    [("shintai_techo", "SHINSHOU"), ("ryouiku_techo", "RYOUIKU"), ("seishin_techo", "SEISHIN"),
     ("uses_shogai_service", "SHOUGAI_SVC"), ("pregnant", "NINPU_KENSHIN"), ("pregnant", "NINPU_KYUFU"),
     ("foreign_mid_long_term", "GAIKOKU_JUKYO")],
)  # fmt: skip
def test_person_flag_rules(flag: str, procedure: str) -> None:
    flags: dict[str, Any] = {flag: True}
    assert procedure in ids(adult(**flags))
    assert procedure not in ids(adult())


@pytest.mark.parametrize(
    ("flag", "procedure"),
    [("new_dwelling_on_public_water", "SUIDOU"), ("owns_gentsuki", "GENTSUKI"), ("owns_kei_or_moto", "KEI")],
)
def test_household_flag_rules(flag: str, procedure: str) -> None:
    assert procedure in ids(**{flag: True})
    assert procedure not in ids()


def test_dog_rules() -> None:
    assert {"INU"} <= ids(dogs=(dog(),))
    assert "KYOUKEN" not in ids(dogs=(dog(),))
    assert "KYOUKEN" in ids(dogs=(dog(vaccinated=True),))
    assert "INU" not in ids()


def test_birth_event() -> None:
    mother = adult("m", age=30, relationship="妻", insurance=Insurance.KOKUHO)
    baby = Person("b", "子", None, None, EVENT, newborn=True, insurance=Insurance.KOKUHO)
    evaluation = evaluate(household(adult(), mother, baby, event=LifeEvent.BIRTH, mother_id="m"))
    found = set(evaluation.ids())
    assert {
        "SHUSSEI",
        "SHUSSEI_RENRAKU",
        "JIDOU_TEATE",
        "KODOMO_IRYOU",
        "SHUSSAN_ICHIJI",
        "NINPU_KYUFU",
    } <= found
    assert "JUKI_TENNYU" not in found
    assert evaluation.get("SHUSSEI").person_ids == ("b",)
    assert evaluation.get("SHUSSEI").deadline.date == dt.date(2025, 9, 22)  # 14 days incl. 9/9 → 9/22 (Mon)
    assert evaluation.get("KOKUHO").person_ids == ("b",)  # only the newborn joins (finding)


def test_birth_with_employer_insurance_has_no_lump_sum_here() -> None:
    mother = adult("m", age=30, insurance=Insurance.EMPLOYEE)
    baby = Person("b", "子", None, None, EVENT, newborn=True, insurance=Insurance.EMPLOYEE_DEPENDENT)
    found = set(evaluate(household(mother, baby, event=LifeEvent.BIRTH, mother_id="m")).ids())
    assert "SHUSSAN_ICHIJI" not in found
    assert "KOKUHO" not in found


def test_deadline_on_a_closed_day_moves_to_the_next_open_day() -> None:
    new_year = household(event_date=dt.date(2025, 12, 20))  # +14 = 1/3 (closed) → 1/5 (Mon)
    assert evaluate(new_year).get("JUKI_TENNYU").deadline.date == dt.date(2026, 1, 5)


def test_late_visit_gives_an_urgent_deadline_not_a_past_one() -> None:
    late = household(visit_date=dt.date(2025, 10, 20))
    item = evaluate(late).get("JUKI_TENNYU")
    assert item.deadline.date == dt.date(2025, 10, 20)
    assert "至急" in item.deadline.label
