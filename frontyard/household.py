"""The household record: people, dogs and household facts, as the questionnaire and card reads fill them.

Ages follow Japanese law (年齢計算ニ関スル法律): ``school_age`` is the age on April 1 of the fiscal year
(学齢; a child born on April 1 is in the earlier grade), ``age_fy`` the age reached by the end of the fiscal
year (March 31), so "up to 18歳年度末" is ``age_fy <= 18``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNSPECIFIED = "unspecified"


class Insurance(enum.StrEnum):
    KOKUHO = "kokuho"  # 国民健康保険
    EMPLOYEE = "employee"  # 被用者保険 本人
    EMPLOYEE_DEPENDENT = "employee_dependent"  # 被用者保険 被扶養者
    KOUKI = "kouki"  # 後期高齢者医療
    SEIKATSU_HOGO = "seikatsu_hogo"  # 生活保護 (医療扶助)
    NONE = "none"  # not yet insured (a newborn, or after leaving employer insurance)


class PensionClass(enum.IntEnum):
    NONE = 0
    FIRST = 1
    SECOND = 2
    THIRD = 3


class LifeEvent(enum.StrEnum):
    TENNYU = "tennyu"  # 転入
    BIRTH = "birth"  # 出生
    NONE = "none"  # a visit without a life event (a certificate request)


@dataclass(frozen=True)
class Person:
    """One member of the household. ``person_id`` is a local key (``p1``), never a national number."""

    person_id: str
    relationship: str  # 続柄 to the head: 世帯主, 妻, 子, 父, 母 …
    name: str | None = None
    furigana: str | None = None
    birth_date: dt.date | None = None
    sex: Sex = Sex.UNSPECIFIED
    has_mn_card: bool = False
    insurance: Insurance = Insurance.NONE
    pension_class: PensionClass = PensionClass.NONE
    mn_linked_pension: bool = True
    new_first_class: bool = False
    kaigo_nintei: bool = False  # 要介護・要支援認定 held
    jushochi_tokurei: bool = False  # moving into a 住所地特例施設
    kouki_shogai_nintei: bool = False
    shintai_techo: bool = False
    ryouiku_techo: bool = False
    seishin_techo: bool = False
    uses_shogai_service: bool = False
    pregnant: bool = False
    foreign_mid_long_term: bool = False
    wants_inkan: bool = False
    wants_esign: bool = False
    newborn: bool = False
    previous_school: str | None = None  # 前在籍校
    techo_number: str | None = None
    birth_weight_g: int | None = None

    @property
    def insured(self) -> bool:
        return self.insurance is not Insurance.NONE and self.insurance is not Insurance.SEIKATSU_HOGO


@dataclass(frozen=True)
class Dog:
    name: str | None = None
    breed: str | None = None
    color: str | None = None
    sex: Sex = Sex.UNSPECIFIED
    birth_year: int | None = None
    old_tag_number: str | None = None  # 旧鑑札番号
    vaccinated_this_year: bool = False


@dataclass(frozen=True)
class Household:
    """Everything the flow knows about one household for one life event."""

    event: LifeEvent
    event_date: dt.date  # 異動日 (転入) or 出生日
    members: tuple[Person, ...]
    head_id: str  # 世帯主
    filer_id: str  # 届出人 (the person at the counter)
    mother_id: str | None = None  # 出生: the newborn's mother
    visit_date: dt.date | None = None  # 届出日; None: the event date
    move_out_date: dt.date | None = None  # 転出予定日 (児童手当 15日特例)
    new_address: str | None = None
    old_address: str | None = None
    phone: str | None = None
    bank_account: str | None = None
    vehicle_number: str | None = None  # 原付の車台番号
    from_other_prefecture: bool = False
    new_dwelling_on_public_water: bool = False
    needs_childcare: bool = False
    single_parent: bool = False
    income_ok: bool = True
    claimant_is_civil_servant: bool = False
    owns_gentsuki: bool = False
    owns_kei_or_moto: bool = False
    dogs: tuple[Dog, ...] = field(default=())

    @property
    def filed_date(self) -> dt.date:
        return self.visit_date or self.event_date

    def member(self, person_id: str) -> Person:
        for person in self.members:
            if person.person_id == person_id:
                return person
        raise KeyError(person_id)

    @property
    def head(self) -> Person:
        return self.member(self.head_id)

    @property
    def filer(self) -> Person:
        return self.member(self.filer_id)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on ``day`` (civil age)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def fiscal_year_start(day: dt.date) -> dt.date:
    year = day.year if day.month >= 4 else day.year - 1
    return dt.date(year, 4, 1)


def school_age(birth: dt.date, day: dt.date) -> int:
    """Age on April 1 of the fiscal year containing ``day`` (the 学年 basis)."""
    return age_on(birth, fiscal_year_start(day))


def age_at_fiscal_year_end(birth: dt.date, day: dt.date) -> int:
    """Age reached by the end of March 31 of the fiscal year containing ``day`` (age counts up the day
    before the birthday, so this is the civil age on the next April 1)."""
    return age_on(birth, dt.date(fiscal_year_start(day).year + 1, 4, 1))
