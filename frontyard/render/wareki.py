"""和暦 (Japanese era) dates: 明治 (from the 1873 Gregorian switch), 大正, 昭和, 平成, 令和; year 1 is 元年.

>>> format_wareki(dt.date(2019, 5, 1))
'令和元年5月1日'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FIRST_DATE = dt.date(1873, 1, 1)  # the Gregorian calendar (明治6年1月1日); earlier dates are lunisolar


@dataclass(frozen=True)
class Era:
    name: str
    start: dt.date  # first day of 元年


ERAS = (  # newest first
    Era("令和", dt.date(2019, 5, 1)),
    Era("平成", dt.date(1989, 1, 8)),
    Era("昭和", dt.date(1926, 12, 25)),
    Era("大正", dt.date(1912, 7, 30)),
    Era("明治", dt.date(1868, 1, 25)),
)


@dataclass(frozen=True)
class WarekiDate:
    era: str
    year: int  # 1 = 元年
    month: int
    day: int

    def __str__(self) -> str:
        year = "元" if self.year == 1 else str(self.year)
        return f"{self.era}{year}年{self.month}月{self.day}日"


def to_wareki(date: dt.date) -> WarekiDate:
    """The era date of ``date``; ValueError before 1873-01-01."""
    if date < FIRST_DATE:
        raise ValueError(f"和暦 is only formatted from {FIRST_DATE.isoformat()} on")
    era = next(era for era in ERAS if date >= era.start)
    return WarekiDate(era.name, date.year - era.start.year + 1, date.month, date.day)


def format_wareki(date: dt.date) -> str:
    """``令和7年4月1日`` style text for ``date``."""
    return str(to_wareki(date))
