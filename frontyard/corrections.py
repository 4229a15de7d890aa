"""Staff corrections of a filled form in the outbox (「職員が確認・修正」).

A correction names a field by its key and gives the new value as text, read by the field's kind: an ISO
date (or 和暦 such as 令和7年4月1日) for a date, ``true``/``false`` for a checkbox, one of the choices for a
choice, digits and hyphens for a phone number, and free text otherwise. Empty text clears the field,
which is then missing again if the form requires it. ``furigana`` applies to name fields only.

Errors name the field key and the rule, never the value (it may be personal data).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.errors import CorrectionError
from frontyard.render.wareki import ERAS, WarekiDate, to_wareki

MAX_TEXT = 200
_PHONE = re.compile(r"0\d{1,4}-?\d{1,4}-?\d{3,4}")
_WAREKI = re.compile(r"(\w{2})(元|\d{1,2})年(\d{1,2})月(\d{1,2})日")
_ERA_START = {era.name: era.start for era in ERAS}
_TRUE, _FALSE = {"true", "1", "yes", "はい"}, {"false", "0", "no", "いいえ", ""}


@dataclass(frozen=True)
class FieldCorrection:
    key: str
    value: str
    furigana: str | None = None  # None: keep the field's furigana


def correct_form(form: FilledForm, corrections: Sequence[FieldCorrection]) -> FilledForm:
    """``form`` with each correction applied and ``missing`` computed again."""
    if not corrections:
        raise CorrectionError("no correction given", reason="correction_empty")
    by_key = {item.key: item for item in form.fields}
    for correction in corrections:
        if correction.key not in by_key:
            raise CorrectionError(
                f"{form.form_id} has no field with this key",  # the key is not repeated: it may be anything
                reason="correction_unknown_field",
                message_ja="修正する項目がこの書類にありません。",
            )
        by_key[correction.key] = _corrected(by_key[correction.key], correction)
    fields = tuple(by_key[item.key] for item in form.fields)
    return dataclasses.replace(form, fields=fields, missing=missing_keys(fields))


def missing_keys(fields: Sequence[FormField]) -> tuple[str, ...]:
    """Keys of required fields without a value (an unticked checkbox is an answer, not a gap)."""
    return tuple(item.key for item in fields if item.required and item.value is None)


def _corrected(field: FormField, correction: FieldCorrection) -> FormField:
    value = parse_value(field, correction.value)
    furigana = field.furigana
    if correction.furigana is not None:
        if field.kind is not FieldKind.NAME:
            raise _invalid(field, "furigana belongs to name fields only")
        furigana = _text(field, correction.furigana) or ""
    return dataclasses.replace(field, value=value, furigana=furigana)


def parse_value(field: FormField, text: str) -> str | bool | dt.date | None:
    """The typed value of ``text`` for ``field``'s kind; ``None`` for empty text (not for a checkbox)."""
    if field.kind is FieldKind.CHECKBOX:
        answer = text.strip().casefold()
        if answer not in _TRUE | _FALSE:
            raise _invalid(field, "a checkbox takes true or false")
        return answer in _TRUE
    cleaned = _text(field, text)
    if cleaned is None:
        return None
    if field.kind is FieldKind.DATE:
        return _date(field, cleaned)
    if field.kind is FieldKind.CHOICE and cleaned not in field.choices:
        raise _invalid(field, f"one of {', '.join(field.choices)}")
    if field.kind is FieldKind.PHONE and not _PHONE.fullmatch(cleaned):
        raise _invalid(field, "a phone number is digits with optional hyphens, starting with 0")
    return cleaned


def _text(field: FormField, text: str) -> str | None:
    cleaned = unicodedata.normalize("NFC", text).strip()
    if len(cleaned) > MAX_TEXT:
        raise _invalid(field, f"at most {MAX_TEXT} characters")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in cleaned):
        raise _invalid(field, "control characters are not allowed")
    if field.kind is FieldKind.PHONE:
        cleaned = unicodedata.normalize("NFKC", cleaned).replace("ー", "-").replace("−", "-")
    return cleaned or None


def _date(field: FormField, text: str) -> dt.date:
    normalized = unicodedata.normalize("NFKC", text)
    wareki = _WAREKI.fullmatch(normalized)
    try:
        if wareki is None:
            return dt.date.fromisoformat(normalized)
        era, year_text, month, day = wareki.groups()
        year = 1 if year_text == "元" else int(year_text)
        date = dt.date(_ERA_START[era].year + year - 1, int(month), int(day))
        if to_wareki(date) != WarekiDate(era, year, int(month), int(day)):
            raise ValueError("the date is outside its era")  # e.g. 平成32年, 令和元年1月1日
        return date
    except (ValueError, KeyError):
        raise _invalid(field, "a date is YYYY-MM-DD or 和暦 (令和7年4月1日)") from None


def _invalid(field: FormField, rule: str) -> CorrectionError:
    return CorrectionError(
        f"{field.key}: {rule}",
        message_ja=f"「{field.label}」の修正内容を確認してください。",
    )
