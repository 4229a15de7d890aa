"""Parse Japanese dates as printed on ID documents: 和暦 (昭和63年4月1日, 平成元年, 令和2年…) and 西暦.

Accepts full-width digits and spaces (NFKC), leading zeros (令和05年03月01日), 元年, a trailing 生 or
まで有効, and Latin era initials (S63.4.1). Every failure raises ``WarekiError`` and nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from drivers.camera.errors import WarekiError

# (era, first day, last day) — the last day is the day before the next era began.
ERAS: tuple[tuple[str, dt.date, dt.date], ...] = (
    ("明治", dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
    ("大正", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    ("昭和", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    ("平成", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    ("令和", dt.date(2019, 5, 1), dt.date(9999, 12, 31)),
)
_ERA_BY_NAME = {name: (first, last) for name, first, last in ERAS}
_ERA_INITIALS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

_WAREKI = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHR])\.?(元|\d{1,2})[年.](\d{1,2})[月.](\d{1,2})日?")
_SEIREKI = re.compile(r"(\d{4})[年./-](\d{1,2})[月./-](\d{1,2})日?")
_MAX_INPUT = 64


def normalise(text: str) -> str:
    """NFKC (full-width digits to ASCII) and every kind of space removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise WarekiError(f"no such day: {year:04d}-{month:02d}-{day:02d}") from exc


def parse_wareki(text: str) -> dt.date:
    """``昭和63年4月1日`` → ``date(1988, 4, 1)``; also accepts a 西暦 date (``1988年4月1日``)."""
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        raise WarekiError("date text missing or too long")
    flat = normalise(text)
    for suffix in ("まで有効", "生"):
        flat = flat.removesuffix(suffix)
    match = _WAREKI.fullmatch(flat)
    if match is None:
        seireki = _SEIREKI.fullmatch(flat)
        if seireki is None:
            raise WarekiError("not a date in 和暦 or 西暦 form")
        return _make_date(int(seireki[1]), int(seireki[2]), int(seireki[3]))
    era = _ERA_INITIALS.get(match[1], match[1])
    era_year = 1 if match[2] == "元" else int(match[2])
    if era_year < 1:
        raise WarekiError("era year 0 does not exist")
    first, last = _ERA_BY_NAME[era]
    date = _make_date(first.year + era_year - 1, int(match[3]), int(match[4]))
    if not first <= date <= last:
        raise WarekiError(f"{era} does not cover that day")
    return date


def find_date(text: str) -> dt.date:
    """The first 和暦 or 西暦 date found anywhere in ``text`` (OCR lines carry labels and noise)."""
    flat = normalise(text)[:256]
    for pattern in (_WAREKI, _SEIREKI):
        for match in pattern.finditer(flat):
            try:
                return parse_wareki(match[0])
            except WarekiError:
                continue
    raise WarekiError("no date found")
