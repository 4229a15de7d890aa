"""和暦 formatting: every date from 1873 on, era boundaries, 元年."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontyard.render.wareki import ERAS, format_wareki, to_wareki


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
        (dt.date(1873, 1, 1), "明治6年1月1日"),
    ],
)
def test_era_boundaries(date: dt.date, text: str) -> None:
    assert format_wareki(date) == text


def test_before_gregorian_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="1873"):
        format_wareki(dt.date(1872, 12, 31))


@given(st.dates(min_value=dt.date(1873, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_date_formats_consistently(date: dt.date) -> None:
    wareki = to_wareki(date)
    era = next(era for era in ERAS if era.name == wareki.era)
    assert date >= era.start
    newer = [e for e in ERAS if e.start > era.start]
    assert all(date < e.start for e in newer)
    assert wareki.year == date.year - era.start.year + 1 >= 1
    text = format_wareki(date)
    assert text.startswith(wareki.era)
    assert text.endswith(f"{date.month}月{date.day}日")
    assert ("元年" in text) == (wareki.year == 1)
