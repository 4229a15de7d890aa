"""和暦 parser: valid dates round-trip through an independent formatter; malformed text raises WarekiError."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.camera.errors import WarekiError
from drivers.camera.wareki import find_date, parse_wareki

ERA_STARTS = [
    ("令和", dt.date(2019, 5, 1)),
    ("平成", dt.date(1989, 1, 8)),
    ("昭和", dt.date(1926, 12, 25)),
    ("大正", dt.date(1912, 7, 30)),
    ("明治", dt.date(1868, 1, 25)),
]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def format_wareki(date: dt.date, *, gannen: bool, pad: bool, full_width: bool, suffix: str) -> str:
    for era, start in ERA_STARTS:
        if date >= start:
            year = date.year - start.year + 1
            shown = "元" if year == 1 and gannen else (f"{year:02d}" if pad else str(year))
            month, day = (f"{date.month:02d}", f"{date.day:02d}") if pad else (str(date.month), str(date.day))
            text = f"{era}{shown}年{month}月{day}日{suffix}"
            return text.translate(FULL_WIDTH) if full_width else text
    raise AssertionError("date before 明治")


@given(
    st.dates(min_value=dt.date(1868, 1, 25), max_value=dt.date(2099, 12, 31)),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", "生", "まで有効"]),
)
def test_every_valid_date_round_trips(
    date: dt.date, gannen: bool, pad: bool, full_width: bool, suffix: str
) -> None:
    text = format_wareki(date, gannen=gannen, pad=pad, full_width=full_width, suffix=suffix)
    assert parse_wareki(text) == date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昭和63年4月1日", dt.date(1988, 4, 1)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("令和2年12月31日", dt.date(2020, 12, 31)),
        ("昭和６３年　４月　１日生", dt.date(1988, 4, 1)),
        ("令和05年03月01日まで有効", dt.date(2023, 3, 1)),
        ("2034年4月1日まで有効", dt.date(2034, 4, 1)),
        ("S63.4.1", dt.date(1988, 4, 1)),
    ],
)
def test_known_dates(text: str, expected: dt.date) -> None:
    assert parse_wareki(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "昭和64年1月8日",
        "平成31年5月1日",
        "令和0年1月1日",
        "平成2年2月30日",
        "大正16年1月1日",
        "昭和年4月1日",
        "",
        "生",
    ],
)
def test_impossible_dates_raise(text: str) -> None:
    with pytest.raises(WarekiError):
        parse_wareki(text)


def test_find_date_in_noisy_line() -> None:
    assert find_date("生年月日 昭和33年 4月 1日生 性別") == dt.date(1958, 4, 1)
    with pytest.raises(WarekiError):
        find_date("氏名 指宿")


@given(st.text(max_size=80))
def test_malformed_text_raises_only_wareki_error(text: str) -> None:
    try:
        result = parse_wareki(text)
    except WarekiError:
        return
    assert isinstance(result, dt.date)


@given(st.text(alphabet="明治大正昭和平成令和元年月日生0123456789０１２３ .", max_size=30))
def test_date_like_text_raises_only_wareki_error(text: str) -> None:
    for parser in (parse_wareki, find_date):
        with contextlib.suppress(WarekiError):
            assert isinstance(parser(text), dt.date)
