"""基本4情報 decoding (the spec's synthetic EF 0002), the 個人番号 check digit, integrity hashes."""

import datetime
import hashlib

import pytest

from drivers.mynumber import text_ap
from drivers.mynumber.errors import CardDataError, CardIntegrityError, TlvError
from simulators.personas import card_holders
from tests.unit.card.samples import SPEC_EF_0002


def test_spec_example_decodes() -> None:
    info = text_ap.parse_basic_info(SPEC_EF_0002)
    assert info.name == "山田\u3000太郎"
    assert info.address == "東京都千代田区千代田１－１"
    assert info.birth_date == datetime.date(1980, 1, 1)
    assert info.sex is text_ap.Sex.MALE
    assert "山田" not in repr(info)
    assert "1980" not in repr(info)


def test_spec_example_with_filler_decodes() -> None:
    assert text_ap.parse_basic_info(SPEC_EF_0002 + b"\xff" * 10).name == "山田\u3000太郎"


def test_wrong_offset_table_is_tlv_error() -> None:
    corrupt = bytearray(SPEC_EF_0002)
    corrupt[8] += 1  # DF23 offset 0x20 -> 0x21
    with pytest.raises(TlvError, match="DF21 says DF23"):
        text_ap.parse_basic_info(bytes(corrupt))


def test_bad_date_and_sex_are_data_errors() -> None:
    bad_date = SPEC_EF_0002.replace(b"19800101", b"19801301")
    with pytest.raises(CardDataError, match="calendar"):
        text_ap.parse_basic_info(bad_date)
    with pytest.raises(CardDataError, match="sex"):
        text_ap.parse_basic_info(SPEC_EF_0002[:-1] + b"7")


def test_check_digit_known_values() -> None:
    assert text_ap.check_digit("12345678901") == 8  # Σ Pn·Qn = 212, r = 3, 11 - 3 = 8
    for member in card_holders():
        assert member.my_number is not None
        assert text_ap.is_valid_my_number(member.my_number)
    assert not text_ap.is_valid_my_number("123456789012")
    assert not text_ap.is_valid_my_number("１２３")


def test_parse_my_number_validates_check_digit() -> None:
    good = b"\xff\x10\x0c" + b"526018159084" + b"\xff\xff"
    assert text_ap.parse_my_number(good) == "526018159084"
    with pytest.raises(CardIntegrityError):
        text_ap.parse_my_number(b"\xff\x10\x0c" + b"526018159085" + b"\xff\xff")


def test_integrity_hashes() -> None:
    number = b"\xff\x10\x0c" + b"526018159084" + b"\xff\xff"
    signed = SPEC_EF_0002[14:]
    record = (
        b"\xff\x30\x46"
        + b"\xdf\x31\x20"
        + hashlib.sha256(number).digest()
        + b"\xdf\x32\x20"
        + hashlib.sha256(signed).digest()
    )
    text_ap.verify_integrity(number, SPEC_EF_0002, record)
    with pytest.raises(CardIntegrityError, match="EF 0002"):
        text_ap.verify_integrity(number, SPEC_EF_0002.replace(b"19800101", b"19800102"), record)
