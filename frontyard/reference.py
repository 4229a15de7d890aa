"""The report's reference household: 3 generations, 7 people and a dog, moving in (spec §1.4).

Synthetic persons (no real resident). The composition is the spec's illustrative reconstruction:
grandfather 78 (後期高齢, 要介護認定), grandmother 72 (国保, 身体障害者手帳), father 45 (被用者保険, 世帯主,
届出人), mother 42 (his dependant), children 15 (中学3年), 10 and 3 (保育が必要), a dog; from another
prefecture into a new dwelling on city water. Cards: the four adults (``cards="adults"``), everyone,
or no one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from frontyard.household import Dog, Household, Insurance, LifeEvent, PensionClass, Person, Sex

reference_event_date = dt.date(2025, 9, 9)  # 異動日 (a Tuesday); +14 days is 秋分の日
reference_move_out_date = dt.date(2025, 9, 7)  # 転出予定日

_ADULTS = ("p1", "p2", "p3", "p4")


def reference_household(cards: str = "adults") -> Household:
    """The reference household; ``cards`` is ``"adults"`` (default), ``"all"`` or ``"none"``."""
    members: tuple[Person, ...] = (
        Person("p1", "世帯主", "指宿 太郎", "いぶすき たろう", dt.date(1980, 5, 5), Sex.MALE,
               insurance=Insurance.EMPLOYEE, pension_class=PensionClass.SECOND),
        Person("p2", "妻", "指宿 花子", "いぶすき はなこ", dt.date(1983, 1, 20), Sex.FEMALE,
               insurance=Insurance.EMPLOYEE_DEPENDENT, pension_class=PensionClass.THIRD),
        Person("p3", "父", "指宿 一郎", "いぶすき いちろう", dt.date(1947, 2, 11), Sex.MALE,
               insurance=Insurance.KOUKI, kaigo_nintei=True),
        Person("p4", "母", "指宿 良子", "いぶすき よしこ", dt.date(1953, 7, 30), Sex.FEMALE,
               insurance=Insurance.KOKUHO, shintai_techo=True, techo_number="第0000号"),
        Person("p5", "子", "指宿 一花", "いぶすき いちか", dt.date(2010, 6, 15), Sex.FEMALE,
               insurance=Insurance.EMPLOYEE_DEPENDENT),
        Person("p6", "子", "指宿 健太", "いぶすき けんた", dt.date(2015, 5, 20), Sex.MALE,
               insurance=Insurance.EMPLOYEE_DEPENDENT),
        Person("p7", "子", "指宿 結衣", "いぶすき ゆい", dt.date(2022, 3, 3), Sex.FEMALE,
               insurance=Insurance.EMPLOYEE_DEPENDENT),
    )  # fmt: skip
    holders = {"adults": _ADULTS, "all": tuple(p.person_id for p in members), "none": ()}[cards]
    members = tuple(dataclasses.replace(p, has_mn_card=p.person_id in holders) for p in members)
    return Household(
        event=LifeEvent.TENNYU,
        event_date=reference_event_date,
        members=members,
        head_id="p1",
        filer_id="p1",
        move_out_date=reference_move_out_date,
        new_address="鹿児島県指宿市十町0000番地",
        old_address="福岡県福岡市中央区天神0丁目0番0号",
        phone="0993-00-0000",
        from_other_prefecture=True,
        new_dwelling_on_public_water=True,
        needs_childcare=True,
        dogs=(Dog("ポチ", "柴", "茶", Sex.MALE, 2020, "福岡第0000号", vaccinated_this_year=True),),
    )
