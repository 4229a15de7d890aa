"""Resident-facing text in three registers: ``ja``, ``ja_easy`` (やさしい日本語) and ``en``.

Every word a resident reads comes from labelled data, never from an identifier. ``ja_easy`` marks furigana
inline as ``{漢字|かんじ}``; ``plain`` drops the readings. An empty ``ja_easy`` or ``en`` means "not written
yet": show ``ja``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from frontyard.errors import CatalogError

_RUBY = re.compile(r"\{([^{}|]+)\|([^{}|]+)\}")


@dataclass(frozen=True)
class LocalizedText:
    ja: str
    ja_easy: str = ""
    en: str = ""


EMPTY = LocalizedText("")


def plain(text: str) -> str:
    """``ja_easy`` without its furigana marks: ``{住所|じゅうしょ}`` → ``住所``."""
    return _RUBY.sub(r"\1", text)


def localized(raw: Any, what: str) -> LocalizedText:
    """A ``{ ja = …, ja_easy = …, en = … }`` table from the data files (``ja`` is required)."""
    if isinstance(raw, str):
        return LocalizedText(raw)
    if not isinstance(raw, dict) or not isinstance(raw.get("ja"), str) or not raw["ja"]:
        raise CatalogError(f"{what}: text needs at least 'ja'")
    unknown = set(raw) - {"ja", "ja_easy", "en"}
    if unknown:
        raise CatalogError(f"{what}: unknown text keys {sorted(unknown)}")
    return LocalizedText(raw["ja"], str(raw.get("ja_easy", "")), str(raw.get("en", "")))
