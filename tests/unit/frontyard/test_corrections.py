"""Staff corrections of an outbox form: each kind's rules, missing keys, and errors without values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontyard.corrections import MAX_TEXT, FieldCorrection, correct_form, parse_value
from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.errors import CorrectionError, OutboxError
from frontyard.outbox import Outbox, PackageStatus
from frontyard.render.wareki import format_wareki

NOW = dt.datetime(2025, 9, 9, 10, 0, tzinfo=dt.UTC)


def make_form() -> FilledForm:
    """A fresh form per test (a module-level FilledForm would look like a leak to the memory tests)."""
    return FilledForm(
        "juki-tennyu", "住民異動届", "JUKI_TENNYU", "市民課",
        (
            FormField("head.name", "氏名", FieldKind.NAME, "見本 太郎", furigana="みほん たろう"),
            FormField("head.birth_date", "生年月日", FieldKind.DATE, dt.date(1980, 5, 5), wareki=True),
            FormField("head.phone", "電話番号", FieldKind.PHONE, None),
            FormField("head.sex", "性別", FieldKind.CHOICE, "男", choices=("男", "女")),
            FormField("consent", "同意", FieldKind.CHECKBOX, True),
            FormField("note", "備考", FieldKind.TEXT, None, required=False),
        ),
        missing=("head.phone",),
    )  # fmt: skip


DATE_FIELD = FormField("head.birth_date", "生年月日", FieldKind.DATE)
TEXT_FIELD = FormField("note", "備考", FieldKind.TEXT, required=False)


def _field(form: FilledForm, key: str) -> FormField:
    return next(item for item in form.fields if item.key == key)


def test_a_correction_fills_a_missing_field_and_clears_its_gap() -> None:
    corrected = correct_form(make_form(), [FieldCorrection("head.phone", "０９０ー１２３４ー５６７８")])
    assert _field(corrected, "head.phone").value == "090-1234-5678"
    assert corrected.missing == ()
    assert _field(corrected, "head.name") == _field(make_form(), "head.name")


def test_clearing_a_required_field_makes_it_missing_again() -> None:
    corrected = correct_form(make_form(), [FieldCorrection("head.name", "  ")])
    assert _field(corrected, "head.name").value is None
    assert corrected.missing == ("head.name", "head.phone")


def test_each_kind_reads_its_own_text() -> None:
    corrected = correct_form(
        make_form(),
        [
            FieldCorrection("head.name", "見本 次郎", furigana="みほん じろう"),
            FieldCorrection("head.birth_date", "昭和55年5月6日"),
            FieldCorrection("head.sex", "女"),
            FieldCorrection("consent", "false"),
            FieldCorrection("note", "転居届は郵送"),
        ],
    )
    assert [item.value for item in corrected.fields] == [
        "見本 次郎", dt.date(1980, 5, 6), None, "女", False, "転居届は郵送"
    ]  # fmt: skip
    assert _field(corrected, "head.name").furigana == "みほん じろう"


@pytest.mark.parametrize(
    ("key", "text", "furigana"),
    [
        ("head.birth_date", "令和元年4月1日", None),  # still 平成 then
        ("head.birth_date", "2025-02-30", None),
        ("head.sex", "その他", None),
        ("head.phone", "abc", None),
        ("consent", "maybe", None),
        ("note", "a\x00b", None),
        ("note", "x" * (MAX_TEXT + 1), None),
        ("note", "ok", "ふりがな"),  # furigana on a text field
        ("unknown.key", "x", None),
    ],
)
def test_a_value_the_field_cannot_take_is_refused_without_echoing_it(
    key: str, text: str, furigana: str | None
) -> None:
    with pytest.raises(CorrectionError) as error:
        correct_form(make_form(), [FieldCorrection(key, text, furigana)])
    assert error.value.reason.startswith("correction_")
    assert text not in str(error.value)
    assert text not in error.value.message_ja


def test_no_correction_is_refused() -> None:
    with pytest.raises(CorrectionError) as error:
        correct_form(make_form(), [])
    assert error.value.reason == "correction_empty"


@given(st.dates(min_value=dt.date(1873, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_round_trip_as_iso_and_as_wareki(date: dt.date) -> None:
    assert parse_value(DATE_FIELD, date.isoformat()) == date
    if date >= dt.date(1912, 7, 30):  # 大正 on (明治 is printed but not typed at the counter)
        assert parse_value(DATE_FIELD, format_wareki(date)) == date


@given(st.text(max_size=MAX_TEXT + 20))
def test_any_text_is_either_taken_clean_or_refused_with_the_rule(text: str) -> None:
    field = TEXT_FIELD
    try:
        value = parse_value(field, text)
    except CorrectionError as error:
        assert error.reason == "correction_invalid"
        return
    assert value is None or (isinstance(value, str) and value == value.strip() and len(value) <= MAX_TEXT)


def test_the_memory_outbox_keeps_corrections_until_the_check() -> None:
    outbox = Outbox()
    summary = outbox.add(make_form(), b"%PDF-1", "20250909-SHIMIN-0001", NOW)
    fixed = correct_form(make_form(), [FieldCorrection("head.phone", "090-1234-5678")])
    corrected = outbox.correct(summary.package_id, fixed, b"%PDF-2", "s7", NOW)
    assert (corrected.missing, corrected.corrected_by, corrected.corrected_fields) == (
        (),
        "s7",
        ("head.phone",),
    )
    package = outbox.get(summary.package_id)
    assert (package.form, package.pdf) == (fixed, b"%PDF-2")
    outbox.release(summary.package_id, "s7", NOW)
    with pytest.raises(OutboxError) as error:
        outbox.correct(summary.package_id, make_form(), b"%PDF-3", "s7", NOW)
    assert error.value.reason == "outbox_not_correctable"
    assert outbox.get(summary.package_id).status is PackageStatus.RELEASED
