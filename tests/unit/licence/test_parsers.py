"""The licence parsers: JIS X 0208 text with 外字/欠字, era dates, EF 2F01/000A/0001/0003 (exact values),
and hypothesis with malformed input: every failure is a LicenceDataError / NotDriversLicence, nothing else."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.licence import records
from drivers.licence.errors import LicenceDataError, NotDriversLicence
from drivers.licence.jis import PLACEHOLDER, Placeholder, decode_jis


def HEX(text: str) -> bytes:
    return bytes.fromhex(text)


def tlv(tag: int, value: bytes) -> bytes:
    length = bytes([len(value)]) if len(value) < 0x80 else bytes([0x81, len(value)])
    return bytes([tag]) + length + value


# 山 3B33, 田 4544, 　 2121, 太 4240, 郎 4F3A (JIS X 0208 rows/cells)
YAMADA_TARO = HEX("3B33 4544 2121 4240 4F3A")


def matters(**overrides: bytes) -> bytes:
    fields = {
        0x11: b"\x02",
        0x12: YAMADA_TARO,
        0x13: HEX("2564 255E 2540 2121 253F 256D 2526"),  # ヤマダ　タロウ
        0x16: b"3550401",  # 昭和55年4月1日
        0x17: HEX("456C 357E"),  # 東京
        0x18: b"5040310",
        0x1B: b"5090501",
        0x1C: HEX("3463 3640 4579"),  # 眼鏡等
        0x21: b"461200123450",
    }
    fields.update({int(k[1:], 16): v for k, v in overrides.items()})
    return b"".join(tlv(tag, value) for tag, value in fields.items()).ljust(880, b"\xff")


def test_jis_text_decodes_and_drops_padding() -> None:
    text = decode_jis(YAMADA_TARO + HEX("2121 2121"), "name")
    assert text.text == "山田　太郎"
    assert text.placeholders == ()
    assert not text.needs_confirmation


def test_gaiji_and_missing_are_positions_never_guessed() -> None:
    text = decode_jis(HEX("FFF1 4544 2121 FFFA 4F3A"), "name")
    assert text.text == f"{PLACEHOLDER}田　{PLACEHOLDER}郎"
    assert text.placeholders == (Placeholder(0, 1), Placeholder(3, None))
    assert text.needs_confirmation
    assert text.gaiji_numbers() == {1}
    assert "山" not in repr(text) and "田" not in repr(text)


@pytest.mark.parametrize("data", [HEX("3B"), HEX("0041"), HEX("FFF8"), HEX("7F7F"), HEX("2F21")])
def test_jis_rejects_non_codes(data: bytes) -> None:
    with pytest.raises(LicenceDataError, match="name"):
        decode_jis(data, "name")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"3550401", datetime.date(1980, 4, 1)),
        (b"4010108", datetime.date(1989, 1, 8)),
        (b"5060229", datetime.date(2024, 2, 29)),
        (b"1450730", datetime.date(1912, 7, 30)),
    ],
)
def test_era_dates(value: bytes, expected: datetime.date) -> None:
    assert records.parse_era_date(value, "date") == expected


@pytest.mark.parametrize("value", [b"6010101", b"505023", b"5050230", b"50501a1", b""])
def test_era_dates_reject_malformed(value: bytes) -> None:
    with pytest.raises(LicenceDataError):
        records.parse_era_date(value, "date")


def test_common_data_exact() -> None:
    data = HEX("450B 303039 20220310 20270501 4602 0102")
    common = records.parse_common_data(data)
    assert common.spec_version == "009"
    assert common.issue_date == datetime.date(2022, 3, 10)
    assert common.expiry_date == datetime.date(2027, 5, 1)
    assert (common.manufacturer, common.crypto) == (1, 2)


@pytest.mark.parametrize("data", [HEX("6A82"), HEX("450A 303039"), HEX("FF20 0300"), b""])
def test_other_cards_are_not_licences(data: bytes) -> None:
    with pytest.raises(NotDriversLicence):
        records.parse_common_data(data)


def test_pin_setting() -> None:
    assert records.parse_pin_setting(HEX("C10101")) is True
    assert records.parse_pin_setting(HEX("C10100")) is False
    with pytest.raises(LicenceDataError):
        records.parse_pin_setting(HEX("C102"))


def test_matters_exact() -> None:
    parsed = records.parse_matters(matters())
    assert parsed.name.text == "山田　太郎"
    assert parsed.kana.text == "ヤマダ　タロウ"
    assert parsed.address.text == "東京"
    assert parsed.birth_date == datetime.date(1980, 4, 1)
    assert parsed.issue_date == datetime.date(2022, 3, 10)
    assert parsed.expiry_date == datetime.date(2027, 5, 1)
    assert parsed.number == "461200123450"
    assert parsed.conditions == ("眼鏡等",)
    assert parsed.alias is None
    assert "山田" not in repr(parsed)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"t21": b"46120012345"}, "12 digits"),
        ({"t12": b""}, "name"),
        ({"t16": b"9999999"}, "birth"),
        ({"t17": HEX("45")}, "odd length"),
    ],
)
def test_matters_reject_bad_fields(overrides: dict[str, bytes], message: str) -> None:
    with pytest.raises(LicenceDataError, match=message):
        records.parse_matters(matters(**overrides))


def test_glyphs_exact() -> None:
    bitmap = bytes(range(128))
    data = (tlv(0x48, b"\x01" + bitmap) + tlv(0x49, b"")).ljust(264, b"\xff")
    assert len(data) == 264
    glyphs = records.parse_glyphs(data, "EF03")
    assert list(glyphs) == [1]
    assert (glyphs[1].width, glyphs[1].height, glyphs[1].bitmap) == (32, 32, bitmap)
    assert glyphs[1].ink(15, 0) is True and glyphs[1].ink(14, 0) is False  # byte 1 (x 8..15) is 0x01
    png = glyphs[1].to_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_glyph_size_must_match_bitmap() -> None:
    with pytest.raises(LicenceDataError, match="32x32"):
        records.parse_glyphs(tlv(0x48, b"\x01" + bytes(100)), "EF03")


@given(st.binary(max_size=64))
def test_jis_decoder_fails_only_with_its_own_error(data: bytes) -> None:
    try:
        text = decode_jis(data, "text")
    except LicenceDataError as exc:
        assert "text" in str(exc)
    else:
        assert len(text.text) <= len(data) // 2
        assert all(text.text[p.position] == PLACEHOLDER for p in text.placeholders)


@given(st.binary(max_size=300))
def test_matters_parser_fails_only_with_its_own_error(data: bytes) -> None:
    with contextlib.suppress(LicenceDataError):
        records.parse_matters(data)


@given(st.binary(max_size=60), st.integers(min_value=0, max_value=879), st.binary(min_size=1, max_size=8))
def test_damaged_matters_fail_cleanly(prefix: bytes, position: int, damage: bytes) -> None:
    good = bytearray(matters())
    good[position : position + len(damage)] = damage
    try:
        parsed = records.parse_matters(bytes(good))
    except LicenceDataError:
        return
    assert len(parsed.number) == 12


@given(st.binary(max_size=300))
def test_glyph_and_common_parsers_fail_only_with_their_own_errors(data: bytes) -> None:
    for what in ("EF03", "EF05"):
        with contextlib.suppress(LicenceDataError):
            glyphs = records.parse_glyphs(data, what)
            assert all(len(glyph.bitmap) == 128 for glyph in glyphs.values())
    with contextlib.suppress(NotDriversLicence, LicenceDataError):
        records.parse_common_data(data)
