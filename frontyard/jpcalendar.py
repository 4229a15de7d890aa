"""Japanese national holidays (祝日法) for 2000–2099 and the city hall's open days.

Rules implemented: fixed-date holidays, Happy Monday (成人の日, 海の日, 敬老の日, スポーツの日), 春分/秋分 by
the usual approximation formula, the 2019/2020/2021 special dates, 振替休日 (since 2007: the next day that
is not a holiday; before: the Monday), 国民の休日 (a weekday between two holidays). A city hall is closed on
weekends, holidays and 12/29–1/3 (年末年始).
"""

from __future__ import annotations

import datetime as dt
import functools

from frontyard.errors import CalendarError

FIRST_YEAR = 2000
LAST_YEAR = 2099
_SUNDAY = 6
_MONDAY = 0


def _nth_monday(year: int, month: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (_MONDAY - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (nth - 1))


def vernal_equinox_day(year: int) -> int:
    """Day of March of 春分の日 (formula valid 1980–2099)."""
    return int(20.8431 + 0.242194 * (year - 1980) - int((year - 1980) / 4))


def autumnal_equinox_day(year: int) -> int:
    """Day of September of 秋分の日 (formula valid 1980–2099)."""
    return int(23.2488 + 0.242194 * (year - 1980) - int((year - 1980) / 4))


def _named_holidays(year: int) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {
        dt.date(year, 1, 1): "元日",
        _nth_monday(year, 1, 2): "成人の日",
        dt.date(year, 2, 11): "建国記念の日",
        dt.date(year, 3, vernal_equinox_day(year)): "春分の日",
        dt.date(year, 5, 3): "憲法記念日",
        dt.date(year, 5, 5): "こどもの日",
        dt.date(year, 9, autumnal_equinox_day(year)): "秋分の日",
        dt.date(year, 11, 3): "文化の日",
        dt.date(year, 11, 23): "勤労感謝の日",
    }
    if year >= 2007:
        days[dt.date(year, 4, 29)] = "昭和の日"
        days[dt.date(year, 5, 4)] = "みどりの日"
    else:
        days[dt.date(year, 4, 29)] = "みどりの日"
    if year <= 2018:
        days[dt.date(year, 12, 23)] = "天皇誕生日"
    elif year >= 2020:
        days[dt.date(year, 2, 23)] = "天皇誕生日"
    if year == 2019:
        days[dt.date(2019, 5, 1)] = "天皇の即位の日"
        days[dt.date(2019, 10, 22)] = "即位礼正殿の儀の行われる日"
    specials = {
        2020: (dt.date(2020, 7, 23), dt.date(2020, 7, 24), dt.date(2020, 8, 10)),
        2021: (dt.date(2021, 7, 22), dt.date(2021, 7, 23), dt.date(2021, 8, 8)),
    }
    if year in specials:
        umi, sports, yama = specials[year]
    else:
        umi = dt.date(year, 7, 20) if year <= 2002 else _nth_monday(year, 7, 3)
        sports = _nth_monday(year, 10, 2)
        yama = dt.date(year, 8, 11)
    days[umi] = "海の日"
    days[sports] = "スポーツの日" if year >= 2020 else "体育の日"
    if year >= 2016:
        days[yama] = "山の日"
    days[dt.date(year, 9, 15) if year <= 2002 else _nth_monday(year, 9, 3)] = "敬老の日"
    return days


@functools.cache
def holidays(year: int) -> dict[dt.date, str]:
    """All national holidays of ``year`` (祝日, 振替休日, 国民の休日), date → name, in date order."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarError(f"year {year} outside {FIRST_YEAR}-{LAST_YEAR}")
    named = _named_holidays(year)
    result = dict(named)
    for day in sorted(named):
        if day.weekday() != _SUNDAY:
            continue
        substitute = day + dt.timedelta(days=1)
        if year >= 2007:
            while substitute in result:
                substitute += dt.timedelta(days=1)
        if substitute not in result:
            result[substitute] = "振替休日"
    for day in sorted(named):
        between = day + dt.timedelta(days=1)
        after = day + dt.timedelta(days=2)
        if after in named and between not in result and between.weekday() != _SUNDAY:
            result[between] = "国民の休日"
    return dict(sorted(result.items()))


def holiday_name(day: dt.date) -> str | None:
    return holidays(day.year).get(day)


def is_year_end_closure(day: dt.date) -> bool:
    """12/29–1/3, when city halls and コンビニ交付 are closed."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_open_day(day: dt.date) -> bool:
    """True when the city hall is open: a weekday, not a holiday, not 12/29–1/3."""
    return day.weekday() < 5 and holiday_name(day) is None and not is_year_end_closure(day)


def next_open_day(day: dt.date) -> dt.date:
    """``day`` itself when open, else the first open day after it."""
    while not is_open_day(day):
        day += dt.timedelta(days=1)
    return day


def add_open_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th open day after ``day`` (count >= 0; 0 gives ``next_open_day(day)``)."""
    result = next_open_day(day)
    for _ in range(count):
        result = next_open_day(result + dt.timedelta(days=1))
    return result
