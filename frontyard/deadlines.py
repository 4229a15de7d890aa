"""Deadlines: base date + days, moved to the next open day (weekends, 祝日, 12/29–1/3 closed).

A deadline is never before the event date: a rule whose day has passed at the visit (水道 should be
filed before moving) gives the visit date, marked "至急".
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from frontyard.catalog import DeadlineBase, DeadlineKind, Procedure
from frontyard.household import Household
from frontyard.jpcalendar import is_open_day, next_open_day
from frontyard.municipality import Municipality


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None  # None: no fixed date (see label)
    label: str  # 「2025年9月24日まで」「速やかに」「期限なし」
    unknown: bool = False  # the municipal parameter behind it is a placeholder


def base_date(household: Household, base: DeadlineBase) -> dt.date:
    if base is DeadlineBase.FILED_DATE:
        return household.filed_date
    if base is DeadlineBase.MOVE_OUT_NEXT_DAY:
        return (household.move_out_date or household.event_date) + dt.timedelta(days=1)
    return household.event_date


def _last_open_day_of_month(day: dt.date) -> dt.date:
    candidate = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    while not is_open_day(candidate) and candidate > day:
        candidate -= dt.timedelta(days=1)
    return candidate if is_open_day(candidate) else next_open_day(day)


def _label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日まで"


def compute_deadline(procedure: Procedure, household: Household, municipality: Municipality) -> Deadline:
    rule = procedure.deadline
    unknown = False
    days = rule.days
    if rule.kind is DeadlineKind.NONE:
        return Deadline(None, "期限なし")
    if rule.kind is DeadlineKind.PROMPTLY:
        return Deadline(None, "速やかに")
    if rule.kind is DeadlineKind.AT_VISIT:
        return Deadline(max(household.filed_date, household.event_date), "本日中(届出と同時に)")
    if rule.kind is DeadlineKind.MONTH_END:
        day = _last_open_day_of_month(max(base_date(household, rule.base), household.event_date))
        return Deadline(day, _label(day) + "(目安)", unknown=True)
    if rule.kind is DeadlineKind.MUNI_PARAM:
        param = municipality.deadline_days.get(procedure.procedure_id)
        if param is None:
            return Deadline(None, "期限は窓口でご確認ください", unknown=True)
        days, unknown = int(param.value), param.unknown
    start = base_date(household, rule.base)
    day = next_open_day(start + dt.timedelta(days=days - 1 if rule.inclusive else days))
    floor = max(household.filed_date, household.event_date)
    if day < floor:
        return Deadline(floor, "至急(期限を過ぎています)", unknown)
    return Deadline(day, _label(day), unknown)
