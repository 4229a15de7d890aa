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


# 続柄 a member may be given (住民票の続柄; the kiosk's list in kiosk_ui/static/js/lifeevent.js and the
# labels in questionnaire.toml). Any other value is refused: staff type names into free text (issue 21).
RELATIONSHIPS = frozenset({
    "世帯主", "本人", "妻", "夫", "子", "長男", "長女", "二男", "次男", "二女", "次女", "三男", "三女",
    "子の妻", "子の夫", "孫", "父", "母", "妻の父", "妻の母", "夫の父", "夫の母", "祖父", "祖母",
    "兄", "姉", "弟", "妹", "兄弟姉妹", "叔父", "叔母", "伯父", "伯母", "甥", "姪", "縁故者", "同居人",
    "その他",
})  # fmt: skip


class Insurance(enum.StrEnum):
    KOKUHO = "kokuho"  # 国民健康保険
    EMPLOYEE = "employee"  # 被用者保険 本人
    EMPLOYEE_DEPENDENT = "employee_dependent"  # 被用者保険 被扶養者
    KOUKI = "kouki"  # 後期高齢者医療
    SEIKATSU_HOGO = "seikatsu_hogo"  # 生活保護 (医療扶助)
    NONE = "none"  # not asked yet, or not yet insured (a newborn, or after leaving employer insurance)
    UNKNOWN = "unknown"  # the resident answered 「わからない」: staff check it


class PensionClass(enum.IntEnum):
    NONE = 0
    FIRST = 1
    SECOND = 2
    THIRD = 3


class LifeEvent(enum.StrEnum):
    TENNYU = "tennyu"  # 転入
    BIRTH = "birth"  # 出生
    TENSHUTSU = "tenshutsu"  # 転出 (to another municipality or abroad)
    TENKYO = "tenkyo"  # 転居 (within the city)
    MARRIAGE = "marriage"  # 婚姻
    DIVORCE = "divorce"  # 離婚
    DEATH = "death"  # 死亡 (おくやみ)
    NONE = "none"  # a visit without a life event (a certificate request)


# A fact the resident may not know is ``bool | None``: None means 「わからない」 (unknown), and a procedure
# that depends on it is listed 「該当する場合」 for staff to check, never silently dropped.
Maybe = bool | None


@dataclass(frozen=True)
class Person:
    """One member of the household. ``person_id`` is a local key (``p1``), never a national number."""

    person_id: str
    relationship: str  # 続柄 to the head: 世帯主, 妻, 子, 父, 母 …
    name: str | None = None
    furigana: str | None = None
    birth_date: dt.date | None = None
    sex: Sex = Sex.UNSPECIFIED
    has_mn_card: Maybe = False
    insurance: Insurance = Insurance.NONE
    pension_class: PensionClass = PensionClass.NONE
    mn_linked_pension: Maybe = True
    new_first_class: bool = False
    kaigo_nintei: Maybe = False  # 要介護・要支援認定 held
    jushochi_tokurei: Maybe = False  # moving into a 住所地特例施設 (介護, 後期高齢, 国保)
    kouki_shogai_nintei: Maybe = False
    has_techo: Maybe = False  # holds a 障害者手帳 (which one: shintai/ryouiku/seishin_techo)
    shintai_techo: Maybe = False
    ryouiku_techo: Maybe = False
    seishin_techo: Maybe = False
    severe_disability: Maybe = False  # 重度心身障害 (身障1・2級, 療育A …): 重度心身障害者医療費助成
    uses_shogai_service: Maybe = False
    pregnant: Maybe = False
    foreign: Maybe = False  # not a Japanese national
    foreign_mid_long_term: Maybe = False  # 中長期在留者 (holds a 在留カード)
    wants_inkan: bool = False
    wants_esign: bool = False
    newborn: bool = False
    low_birth_weight: Maybe = False  # under 2,500 g (母子保健法 第18条)
    name_changes: bool = False  # 婚姻・離婚: the surname changes
    keeps_married_name: bool = False  # 離婚: keeps the married surname (婚氏続称)
    joins_employer_insurance: Maybe = False  # this event: joins a 被用者保険 (own job or as a dependant)
    leaves_employer_insurance: Maybe = False  # this event: leaves a 被用者保険 (divorce, job loss)
    deceased: bool = False  # 死亡: the person who died
    receives_pension: Maybe = False  # 死亡: the deceased received a public pension
    inkan_registered: Maybe = False  # holds a 印鑑登録 here
    previous_school: str | None = None  # 前在籍校
    school_grade: int | None = None  # staff correction: 1-9 (小1〜中3), 0 = not enrolled; None: from birth
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
    from_abroad: bool = False  # 国外からの転入
    to_abroad: bool = False  # 国外への転出
    new_dwelling_on_public_water: bool = False  # the resident opens a city-water contract
    water_stop: bool = False  # 転出・転居: the resident closes a city-water contract in their name
    water_landlord: bool = False  # water billed by the landlord / management (no city contract)
    water_in_deceased_name: Maybe = False  # 死亡: the water contract is in the deceased's name
    needs_childcare: bool = False
    attends_nursery: bool = False  # 転出: a child attends a 保育所 here
    changes_school: bool = False  # 転居: the children change school
    single_parent: Maybe = False
    jidou_teate_receiving: Maybe = False  # 児童手当 already received (額改定, not a new 認定請求)
    income_ok: bool = True
    claimant_is_civil_servant: Maybe = False
    owns_gentsuki: bool = False
    owns_kei_or_moto: bool = False
    merges_household: bool = False  # 婚姻: two households become one (世帯合併・世帯主変更)
    head_leaves: bool = False  # 離婚: the 世帯主 leaves the household
    owns_real_estate: Maybe = False  # 死亡: land or a building in the deceased's name
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


def grade_of(person: Person, day: dt.date) -> int:
    """The compulsory-school grade (1 = 小1 … 9 = 中3; 0 = none): staff's correction (a repeated grade, a
    child not yet enrolled) when given, else from the birth date (学校教育法 第17条)."""
    if person.school_grade is not None:
        return person.school_grade
    if person.birth_date is None:
        return 0
    years = school_age(person.birth_date, day)
    return years - 5 if 6 <= years <= 14 else 0


def age_at_fiscal_year_end(birth: dt.date, day: dt.date) -> int:
    """Age reached by the end of March 31 of the fiscal year containing ``day`` (age counts up the day
    before the birthday, so this is the civil age on the next April 1)."""
    return age_on(birth, dt.date(fiscal_year_start(day).year + 1, 4, 1))
