"""Japanese holidays and open days, against the official lists (内閣府「国民の祝日」)."""

import datetime as dt

import pytest

from frontyard.errors import CalendarError
from frontyard.jpcalendar import (
    add_open_days,
    autumnal_equinox_day,
    holidays,
    is_open_day,
    next_open_day,
    vernal_equinox_day,
)


def _days(year: int, *month_days: tuple[int, int]) -> list[dt.date]:
    return [dt.date(year, month, day) for month, day in month_days]


HOLIDAYS_2024 = _days(
    2024, (1, 1), (1, 8), (2, 11), (2, 12), (2, 23), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6),
    (7, 15), (8, 11), (8, 12), (9, 16), (9, 22), (9, 23), (10, 14), (11, 3), (11, 4), (11, 23),
)  # fmt: skip
HOLIDAYS_2025 = _days(
    2025, (1, 1), (1, 13), (2, 11), (2, 23), (2, 24), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6),
    (7, 21), (8, 11), (9, 15), (9, 23), (10, 13), (11, 3), (11, 23), (11, 24),
)  # fmt: skip
HOLIDAYS_2026 = _days(
    2026, (1, 1), (1, 12), (2, 11), (2, 23), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6),
    (7, 20), (8, 11), (9, 21), (9, 22), (9, 23), (10, 12), (11, 3), (11, 23),
)  # fmt: skip


@pytest.mark.parametrize(
    ("year", "expected"), [(2024, HOLIDAYS_2024), (2025, HOLIDAYS_2025), (2026, HOLIDAYS_2026)]
)
def test_holiday_lists(year: int, expected: list[dt.date]) -> None:
    assert list(holidays(year)) == expected


def test_2019_enthronement_and_citizens_holidays() -> None:
    days = holidays(2019)
    assert days[dt.date(2019, 5, 1)] == "天皇の即位の日"
    assert days[dt.date(2019, 4, 30)] == "国民の休日"
    assert days[dt.date(2019, 5, 2)] == "国民の休日"
    assert days[dt.date(2019, 10, 22)].startswith("即位礼")
    assert dt.date(2019, 12, 23) not in days
    assert dt.date(2019, 2, 23) not in days


def test_olympic_years_moved_holidays() -> None:
    assert holidays(2020)[dt.date(2020, 7, 24)] == "スポーツの日"
    assert holidays(2020)[dt.date(2020, 8, 10)] == "山の日"
    assert dt.date(2020, 10, 12) not in holidays(2020)
    assert holidays(2021)[dt.date(2021, 8, 9)] == "振替休日"  # 山の日 8/8 was a Sunday


def test_happy_monday_before_and_after_2003() -> None:
    assert holidays(2002)[dt.date(2002, 9, 15)] == "敬老の日"
    assert holidays(2002)[dt.date(2002, 7, 20)] == "海の日"
    assert holidays(2003)[dt.date(2003, 9, 15)] == "敬老の日"  # third Monday
    assert dt.date(2003, 7, 20) not in holidays(2003)


def test_citizens_holiday_in_silver_week_2009_and_2015() -> None:
    assert holidays(2009)[dt.date(2009, 9, 22)] == "国民の休日"
    assert holidays(2015)[dt.date(2015, 9, 22)] == "国民の休日"


@pytest.mark.parametrize(
    ("year", "spring", "autumn"),
    [(2000, 20, 23), (2012, 20, 22), (2024, 20, 22), (2025, 20, 23), (2030, 20, 23)],
)
def test_equinox_formula(year: int, spring: int, autumn: int) -> None:
    assert vernal_equinox_day(year) == spring
    assert autumnal_equinox_day(year) == autumn


def test_year_end_closure_and_weekends() -> None:
    assert not is_open_day(dt.date(2025, 12, 29))
    assert not is_open_day(dt.date(2026, 1, 2))
    assert next_open_day(dt.date(2025, 12, 27)) == dt.date(2026, 1, 5)
    assert next_open_day(dt.date(2025, 9, 23)) == dt.date(2025, 9, 24)
    assert next_open_day(dt.date(2025, 9, 24)) == dt.date(2025, 9, 24)
    assert add_open_days(dt.date(2025, 9, 19), 3) == dt.date(2025, 9, 25)


def test_years_outside_range_are_refused() -> None:
    with pytest.raises(CalendarError):
        holidays(1999)
    with pytest.raises(CalendarError):
        holidays(2100)


def test_every_year_has_sixteen_to_twenty_four_holidays() -> None:
    for year in range(2000, 2100):
        days = holidays(year)
        assert 15 <= len(days) <= 24, year
        assert all(day.year == year for day in days)
