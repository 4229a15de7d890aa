"""The 異体字 table: characters of names and town names whose family-register form may differ.

``VARIANTS.of("高") == ("髙",)``; ``VARIANTS.common_forms("齊") == ("斎", "斉")``. Pure data from
``data/variants.csv`` (its header names the published source of each row). A *form* is one character,
or one character plus an ideographic variation selector (U+E0100…U+E01EF) for glyph variants such as
the one- or two-dot 辻.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "variants.csv"
VARIATION_SELECTORS = range(0xE0100, 0xE01F0)


class VariantTableError(ValueError):
    """The variant table file is malformed."""


@dataclass(frozen=True)
class VariantGroup:
    common: str  # the form OCR engines are trained on (常用漢字 or the JIS level-1 form)
    variants: tuple[str, ...]
    source: str


class VariantTable:
    def __init__(self, groups: list[VariantGroup]) -> None:
        self._by_common = {group.common: group for group in groups}
        self._by_variant: dict[str, list[VariantGroup]] = {}
        for group in groups:
            for variant in group.variants:
                self._by_variant.setdefault(variant, []).append(group)

    def __len__(self) -> int:
        return len(self._by_common)

    def of(self, form: str) -> tuple[str, ...]:
        """The variant forms of a common form, () when it has none in the table."""
        group = self._by_common.get(form)
        return group.variants if group else ()

    def common_forms(self, form: str) -> tuple[str, ...]:
        """The common forms a variant belongs to (齊: 斎 and 斉), () when ``form`` is no listed variant."""
        return tuple(group.common for group in self._by_variant.get(form, []))

    def siblings(self, form: str) -> frozenset[str]:
        """Every other form of the groups ``form`` belongs to: what it may be confused with."""
        groups = [*self._by_variant.get(form, []), *filter(None, [self._by_common.get(form)])]
        return frozenset(f for group in groups for f in (group.common, *group.variants) if f != form)

    def groups(self) -> list[VariantGroup]:
        return list(self._by_common.values())


def parse_table(lines: list[str]) -> VariantTable:
    """Rows ``common,variants,source`` after ``#`` comments and one header line."""
    try:
        rows = list(csv.reader(line for line in lines if line.strip() and not line.startswith("#")))
    except csv.Error as exc:
        raise VariantTableError(f"variant table: {exc}") from exc
    if not rows or rows[0] != ["common", "variants", "source"]:
        raise VariantTableError("variant table: header 'common,variants,source' missing")
    groups = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 3 or len(row[0]) != 1 or not row[1].split():
            raise VariantTableError(f"variant table: row {number} is not 'character,forms,source'")
        variants = tuple(row[1].split())
        if any(not _is_form(variant) for variant in variants):
            raise VariantTableError(f"variant table: row {number} holds a form that is not one character")
        groups.append(VariantGroup(row[0], variants, row[2]))
    return VariantTable(groups)


def _is_form(text: str) -> bool:
    return len(text) == 1 or (len(text) == 2 and ord(text[1]) in VARIATION_SELECTORS)


def forms(text: str) -> list[str]:
    """``text`` split into forms: a variation selector stays with the character before it."""
    result: list[str] = []
    for char in text:
        if result and ord(char) in VARIATION_SELECTORS:
            result[-1] += char
        else:
            result.append(char)
    return result


VARIANTS = parse_table(TABLE_PATH.read_text(encoding="utf-8").splitlines())
