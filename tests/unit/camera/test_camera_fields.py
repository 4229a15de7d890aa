"""Field parsers of the reading pipeline, the vote between a name's readings, and that readings never show
personal data in their repr."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.camera.errors import WarekiError
from drivers.camera.layouts import DocumentType, FieldKind, FieldName
from drivers.camera.reading import (
    CONFIDENCE_THRESHOLD,
    DocumentReading,
    FieldReading,
    agreed_reading,
    parse_field,
)
from drivers.camera.review import FlagReason


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.sampled_from(["", " ", "　"]))
def test_licence_number_round_trips(digits: str, gap: str) -> None:
    printed = f"第{gap}{digits[:6]}{gap}{digits[6:]}{gap}号".translate(str.maketrans("0123", "０１２３"))
    assert parse_field(FieldKind.DIGITS12, printed) == digits


def test_digit_lookalikes_are_mapped() -> None:
    assert parse_field(FieldKind.DIGITS12, "第 12345678901O 号") == "123456789010"


@given(st.text(max_size=60), st.sampled_from(list(FieldKind)))
def test_malformed_fields_raise_only_value_errors(text: str, kind: FieldKind) -> None:
    try:
        value = parse_field(kind, text)
    except (ValueError, WarekiError):
        return
    assert value


def test_text_field_strips_labels_and_normalises_spaces() -> None:
    assert parse_field(FieldKind.TEXT, "氏名 指宿 太郎") == "指宿\u3000太郎"
    assert parse_field(FieldKind.DATE, "昭和33年4月1日生") == "1958-04-01"
    with pytest.raises(ValueError, match="empty"):
        parse_field(FieldKind.TEXT, "氏名")


def test_a_majority_of_readings_wins_with_its_best_confidence() -> None:
    readings = [
        ("斎藤\u3000和志", 0.91),
        ("斎藤\u3000和也", 0.70),
        ("斎藤和也", 0.85),
        ("斎藤\u3000和也", 0.60),
    ]
    assert agreed_reading(readings) == ("斎藤和也", 0.85)  # three of four, spaces ignored


def test_disputed_readings_are_flagged() -> None:
    two_against_two = [
        ("加藤\u3000和也", 0.9),
        ("加藤\u3000和志", 0.95),
        ("加藤\u3000和也", 0.85),
        ("加藤\u3000和志", 0.9),
    ]
    all_differ = [("山本\u3000葵", 0.7), ("山本\u3000壮", 0.92), ("山本\u3000半", 0.71)]
    two_of_four = [
        ("有村\u3000葵", 0.9),
        ("有村\u3000壮", 0.6),
        ("有村\u3000葵", 0.85),
        ("有村\u3000英", 0.5),
    ]
    assert agreed_reading(two_against_two)[1] < CONFIDENCE_THRESHOLD
    assert agreed_reading(all_differ) == ("山本\u3000壮", 0.5)
    assert agreed_reading(two_of_four) == ("有村\u3000葵", 0.5)


def test_unreadable_readings_do_not_vote() -> None:
    assert agreed_reading([("", 0.0), ("林\u3000誠", 0.83), ("", 0.0)]) == ("林\u3000誠", 0.5)
    assert agreed_reading([("", 0.0), ("", 0.0), ("林誠", 0.6), ("林\u3000誠", 0.8)]) == ("林\u3000誠", 0.5)
    assert agreed_reading([("", 0.0), ("", 0.0)]) == ("", 0.0)


def test_repr_hides_personal_data() -> None:
    reading = DocumentReading(
        DocumentType.DRIVERS_LICENCE,
        {
            FieldName.NAME: FieldReading("指宿\u3000太郎", 0.95),
            FieldName.BIRTH_DATE: FieldReading("1958-04-01", 0.5, (FlagReason.LOW_CONFIDENCE,)),
        },
    )
    shown = repr(reading) + repr(reading.fields)
    assert "指宿" not in shown
    assert "1958" not in shown
    assert "birth_date" in repr(reading)
    assert reading.needs_confirmation
