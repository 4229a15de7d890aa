"""Facts for trigger expressions: ``person.*``, ``household.*``, ``event`` and ``muni.*`` as plain values."""

from __future__ import annotations

import dataclasses

from frontyard.conditions import Resolver, Value
from frontyard.errors import ConditionError
from frontyard.household import (
    Household,
    Insurance,
    PensionClass,
    Person,
    age_at_fiscal_year_end,
    age_on,
    grade_of,
    school_age,
)
from frontyard.municipality import Municipality

_FLAG_TYPES = ("bool", bool, "Maybe")
_PERSON_FLAGS = frozenset(field.name for field in dataclasses.fields(Person) if field.type in _FLAG_TYPES)
_HOUSEHOLD_FLAGS = frozenset(
    field.name for field in dataclasses.fields(Household) if field.type in _FLAG_TYPES
)
SPOUSES = frozenset({"妻", "夫"})
_EMPLOYER = (Insurance.EMPLOYEE, Insurance.EMPLOYEE_DEPENDENT)


def insurance_of(household: Household, person: Person) -> Insurance:
    """The person's insurance; someone 75+ (or 65+ with the 障害認定) not asked about it is in 後期高齢
    (高齢者医療確保法 第50条)."""
    if person.insurance is not Insurance.NONE or person.newborn or person.birth_date is None:
        return person.insurance
    if age_on(person.birth_date, household.event_date) >= 75 or person.kouki_shogai_nintei is True:
        return Insurance.KOUKI
    return person.insurance


def living(household: Household) -> tuple[Person, ...]:
    """The members who are alive (死亡: everyone but the deceased)."""
    return tuple(person for person in household.members if not person.deceased)


def person_fact(household: Household, person: Person, name: str) -> Value:
    """One fact about ``person``; ages are taken on the event date."""
    if name == "has_techo":
        return _any_flag(person.has_techo, person.shintai_techo, person.ryouiku_techo, person.seishin_techo)
    if name in _PERSON_FLAGS:
        flag = getattr(person, name)
        return None if flag is None else bool(flag)
    birth = person.birth_date or household.event_date
    day = household.event_date
    derived: dict[str, Value] = {}
    if name == "age":
        derived[name] = age_on(birth, day)
    elif name == "school_age":
        derived[name] = school_age(birth, day)
    elif name == "school_grade":
        derived[name] = grade_of(person, day)
    elif name == "age_fy":
        derived[name] = age_at_fiscal_year_end(birth, day)
    elif name == "insurance":
        insurance = insurance_of(household, person)
        derived[name] = None if insurance is Insurance.UNKNOWN else str(insurance)
    elif name == "employer_insured":
        insurance = insurance_of(household, person)
        derived[name] = None if insurance is Insurance.UNKNOWN else insurance in _EMPLOYER
    elif name == "kokuho_insured":
        insurance = insurance_of(household, person)
        derived[name] = None if insurance is Insurance.UNKNOWN else insurance is Insurance.KOKUHO
    elif name == "is_head":
        derived[name] = household.head_id == person.person_id
    elif name == "is_spouse":
        derived[name] = person.relationship in SPOUSES
    elif name == "pension_class":
        derived[name] = int(person.pension_class)
    elif name == "sex":
        derived[name] = str(person.sex)
    elif name == "insured":
        insurance = insurance_of(household, person)
        derived[name] = (
            None
            if insurance is Insurance.UNKNOWN
            else insurance not in (Insurance.NONE, Insurance.SEIKATSU_HOGO)
        )
    elif name == "first_class":  # 国民年金 第1号: 20-59 and neither employed nor a dependant (国年法 第7条)
        insurance = insurance_of(household, person)
        if not 20 <= age_on(birth, day) < 60:
            derived[name] = False
        elif person.pension_class is not PensionClass.NONE:
            derived[name] = person.pension_class is PensionClass.FIRST
        else:
            derived[name] = None if insurance is Insurance.UNKNOWN else insurance is Insurance.KOKUHO
    elif name == "is_mother":
        derived[name] = household.mother_id == person.person_id
    if name not in derived:
        raise ConditionError(f"unknown person fact {name!r}")
    return derived[name]


def _any_flag(*flags: bool | None) -> bool | None:
    if any(flag is True for flag in flags):
        return True
    return None if None in flags else False


def _partner(household: Household, person: Person) -> bool:
    """The 世帯主 or a spouse (one of the couple at the head of the household)."""
    return person.relationship in SPOUSES or person.person_id == household.head_id


def _int_fact(household: Household, person: Person, name: str) -> int:
    value = person_fact(household, person, name)
    assert isinstance(value, int)
    return value


def household_fact(household: Household, name: str) -> Value:
    if name in _HOUSEHOLD_FLAGS:
        flag = getattr(household, name)
        return None if flag is None else bool(flag)
    members = living(household)
    deceased = [person for person in household.members if person.deceased]
    if name == "dogs":
        return len(household.dogs)
    if name == "dog_vaccinated_this_year":
        return any(dog.vaccinated_this_year for dog in household.dogs)
    if name == "has_child_until_18_fy_end":
        return any(_int_fact(household, person, "age_fy") <= 18 for person in members)
    if name == "has_older_child":  # 出生: a child up to 18歳年度末 other than the newborn
        return any(_int_fact(household, p, "age_fy") <= 18 for p in members if not p.newborn)
    if name == "has_school_child":
        return any(1 <= _int_fact(household, person, "school_grade") <= 9 for person in members)
    if name == "couple":  # the 世帯主 lives with a spouse: not a ひとり親 household
        return any(person.relationship in SPOUSES for person in members) and any(
            person.person_id == household.head_id for person in members
        )
    if name == "mother_known":
        return household.mother_id is not None
    if name == "deceased_known":
        return bool(deceased)
    if name == "deceased_is_head":
        return any(person.person_id == household.head_id for person in deceased)
    if name == "spouse_deceased":  # the 世帯主 or the spouse died, and the other is left
        return any(_partner(household, person) for person in deceased) and any(
            _partner(household, person) for person in members
        )
    if name == "adult_survivors":
        return sum(1 for person in members if _int_fact(household, person, "age") >= 15)
    if name == "members":
        return len(members)
    if name == "has_preschool_child":
        return any(_int_fact(household, person, "school_age") < 6 for person in members)
    if name == "seikatsu_hogo":
        return any(person.insurance is Insurance.SEIKATSU_HOGO for person in members)
    if name == "kokuho_household":
        return any(insurance_of(household, person) is Insurance.KOKUHO for person in members)
    if name == "mother_insurance":
        mothers = [person for person in members if person.person_id == household.mother_id]
        if not mothers or mothers[0].insurance in (Insurance.UNKNOWN, Insurance.NONE):
            return None
        return str(mothers[0].insurance)
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
