"""Why a field read from a document must be confirmed by staff: variant characters and look-alikes.

``review_name("髙橋\u3000健ニ") -> Review(value="髙橋\u3000健二", reasons=(VARIANT_CHARACTER,))``

A field is returned unflagged only if the recogniser could have told every character apart:

- **Variant characters** (``variants.VARIANTS``): a common form (高, 崎, 吉 …) is always flagged, because
  the true character may be a variant the recogniser cannot produce (𠮷 and 﨑 are in no engine's
  character set) or one it folds into the common form (PP-OCR read 髙橋 as 高橋 at 0.99). A variant the
  engine itself read is kept unflagged only when it is the sole variant of its common form (德, 櫻); a
  form of a group with several variants (邉 / 邊, 齋 / 齊) is flagged, since engines confuse them.
- **Look-alikes** in names (二/ニ, 一/ー, 口/ロ, 力/カ, 夕/タ …): a name part is kanji, katakana or
  hiragana, not mixed at one character. A look-alike is changed to the script of the rest of its part;
  when the part gives no single script (all look-alikes, or kanji mixed with kana) it is flagged. A digit
  or Latin letter in a name is flagged.
- **Addresses**: the prefecture and municipality are official names written in common forms; the town
  name and the rest get the variant check, and a katakana look-alike between two kanji becomes kanji.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from drivers.camera.variants import VARIANTS, VariantTable, forms


class FlagReason(enum.StrEnum):
    """A stable key the UI translates; ``MESSAGES`` holds the staff-readable text."""

    UNREADABLE = "unreadable"  # nothing usable was read, or it did not parse
    LOW_CONFIDENCE = "low_confidence"  # below the threshold, or the readings disagree
    VARIANT_CHARACTER = "variant_character"  # 異体字の可能性
    LOOKALIKE_CHARACTER = "lookalike_character"  # 二/ニ, 一/ー … not decided by context
    OUTSIDE_CHARSET = "outside_charset"  # a character the recogniser cannot produce


MESSAGES: dict[FlagReason, tuple[str, str]] = {
    FlagReason.UNREADABLE: ("読み取れませんでした。入力してください。", "Could not be read; please type it."),
    FlagReason.LOW_CONFIDENCE: ("読み取りの確信度が低いです。", "Low reading confidence."),
    FlagReason.VARIANT_CHARACTER: ("異体字の可能性があります。", "May contain a variant character (異体字)."),
    FlagReason.LOOKALIKE_CHARACTER: (
        "似た文字（二/ニ など）の区別ができません。",
        "Look-alike characters (二/ニ …) could not be told apart.",
    ),
    FlagReason.OUTSIDE_CHARSET: (
        "読み取れない文字が含まれます。",
        "Holds a character the reader cannot read.",
    ),
}

# kanji → katakana look-alike, and hiragana → katakana look-alike
KANJI_KATAKANA = {"二": "ニ", "一": "ー", "口": "ロ", "力": "カ", "夕": "タ", "工": "エ", "八": "ハ",
                  "卜": "ト", "才": "オ", "千": "チ", "三": "ミ"}  # fmt: skip
HIRAGANA_KATAKANA = {"へ": "ヘ", "べ": "ベ", "ぺ": "ペ", "り": "リ"}


class Script(enum.Enum):
    KANJI = "kanji"
    KATAKANA = "katakana"
    HIRAGANA = "hiragana"
    OTHER = "other"


_TO_KANJI = {kana: kanji for kanji, kana in KANJI_KATAKANA.items()}
_TO_HIRAGANA = {kata: hira for hira, kata in HIRAGANA_KATAKANA.items()}
_LOOKALIKES = set(KANJI_KATAKANA) | set(KANJI_KATAKANA.values()) | set(HIRAGANA_KATAKANA)
_LOOKALIKES |= set(HIRAGANA_KATAKANA.values())
_PREFIX = re.compile(
    r"^(?:北海道|東京都|京都府|大阪府|[^都道府県]{2,3}県)"
    r"(?:[^市区町村]{1,5}郡[^町村]{1,5}[町村]|[^市]{1,5}市[^区]{1,4}区|[^市区町村]{1,5}[市区町村])"
)


@dataclass(frozen=True)
class Review:
    value: str
    reasons: tuple[FlagReason, ...]


def script_of(char: str) -> Script:
    code = ord(char[0])
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code >= 0x20000:
        return Script.KANJI
    if char in "々〆":
        return Script.KANJI
    if 0x30A0 <= code <= 0x30FF:
        return Script.KATAKANA
    if 0x3040 <= code <= 0x309F:
        return Script.HIRAGANA
    return Script.OTHER


def variant_reasons(text: str, table: VariantTable = VARIANTS) -> tuple[FlagReason, ...]:
    """``(VARIANT_CHARACTER,)`` when a form of ``text`` may stand for another in the variant table."""
    for form in forms(text):
        if table.of(form):  # a common form: the register may hold a variant
            return (FlagReason.VARIANT_CHARACTER,)
        commons = table.common_forms(form)
        if commons and table.siblings(form) != set(commons[:1]):  # not the sole variant of one form
            return (FlagReason.VARIANT_CHARACTER,)
    return ()


def charset_reasons(text: str, charset: frozenset[str] | None) -> tuple[FlagReason, ...]:
    """``(OUTSIDE_CHARSET,)`` when a character of ``text`` is one the recogniser cannot produce (then it
    came from a correction, not from the recogniser, and nobody read it)."""
    if charset is None:
        return ()
    if any(not char.isspace() and char not in charset for char in text):
        return (FlagReason.OUTSIDE_CHARSET,)
    return ()


def _part_in_context(part: str) -> tuple[str, bool]:
    """One name part with its look-alikes in the script of the rest; False when that is ambiguous."""
    context = {script_of(char) for char in part if char not in _LOOKALIKES}
    lookalikes = [char for char in part if char in _LOOKALIKES]
    if not lookalikes:
        return part, True
    if len(context) != 1:
        return part, False
    script = context.pop()
    out = []
    for char in part:
        if char not in _LOOKALIKES or script_of(char) is script:
            out.append(char)
        elif script is Script.KANJI and char in _TO_KANJI:
            out.append(_TO_KANJI[char])
        elif script is Script.KATAKANA and char in KANJI_KATAKANA:
            out.append(KANJI_KATAKANA[char])
        elif script is Script.KATAKANA and char in HIRAGANA_KATAKANA:
            out.append(HIRAGANA_KATAKANA[char])
        elif script is Script.HIRAGANA and char in _TO_HIRAGANA:
            out.append(_TO_HIRAGANA[char])
        else:
            return part, False
    return "".join(out), True


def review_name(value: str, charset: frozenset[str] | None = None) -> Review:
    """Look-alikes settled by context (or flagged), then the variant and character-set checks."""
    reasons: list[FlagReason] = []
    parts = []
    for part in re.split(r"(\s+)", value):
        if part.isspace() or not part:
            parts.append(part)
            continue
        fixed, decided = _part_in_context(part)
        if not decided or any(script_of(char) is Script.OTHER for char in fixed):
            reasons.append(FlagReason.LOOKALIKE_CHARACTER)
        parts.append(fixed)
    fixed_value = "".join(parts)
    reasons += variant_reasons(fixed_value)
    reasons += charset_reasons(fixed_value, charset)
    return Review(fixed_value, tuple(dict.fromkeys(reasons)))


def split_address(value: str) -> tuple[str, str]:
    """(prefecture and municipality, the rest); ("", value) when no prefecture leads the address."""
    match = _PREFIX.match(value)
    return (match.group(0), value[match.end() :]) if match else ("", value)


def review_address(value: str, charset: frozenset[str] | None = None) -> Review:
    """Katakana look-alikes between kanji become kanji; the town name gets the variant check, the
    official prefecture and municipality only a check for variant forms read in them."""
    chars = list(value)
    for index in range(1, len(chars) - 1):
        if chars[index] in _TO_KANJI and all(
            script_of(chars[side]) is Script.KANJI for side in (index - 1, index + 1)
        ):
            chars[index] = _TO_KANJI[chars[index]]
    fixed = "".join(chars)
    official, rest = split_address(fixed)
    reasons = list(variant_reasons(rest))
    if any(VARIANTS.common_forms(form) for form in forms(official)):
        reasons.append(FlagReason.VARIANT_CHARACTER)
    reasons += charset_reasons(fixed, charset)
    return Review(fixed, tuple(dict.fromkeys(reasons)))
