"""APDU builders (exact bytes), status-word mapping and trace masking."""

from collections.abc import Callable

import pytest

from drivers.mynumber import apdu
from drivers.mynumber.errors import (
    CardStatusError,
    FileNotFound,
    PinBlocked,
    SecurityNotSatisfied,
    WrongParameters,
    WrongPin,
)


def HEX(text: str) -> bytes:
    return bytes.fromhex(text)


def test_builders_exact_bytes() -> None:
    assert apdu.select_df(HEX("D3921000310001010408")) == HEX("00A4040C0AD3921000310001010408")
    assert apdu.select_ef(0x0011) == HEX("00A4020C020011")
    assert apdu.verify(b"1234") == bytearray(HEX("0020008004 31323334"))
    assert apdu.verify(b"1234", p2=0x91) == bytearray(HEX("0020009104 31323334"))
    assert apdu.verify_query() == HEX("00200080")
    assert apdu.read_binary(0, 7) == HEX("00B0000007")
    assert apdu.read_binary(0x0107, 256) == HEX("00B0010700")
    assert apdu.read_binary_sfi(2, 256) == HEX("00B0820000")
    assert apdu.read_binary_extended(4, 0x061F) == HEX("00B00004 00061F")
    digest = bytes(51)
    assert apdu.sign(digest) == HEX("802A008033") + digest + b"\x00"


@pytest.mark.parametrize(
    "call",
    [
        lambda: apdu.select_ef(0x10000),
        lambda: apdu.read_binary(0x8000, 1),
        lambda: apdu.read_binary(0, 0),
        lambda: apdu.read_binary_sfi(0, 1),
        lambda: apdu.verify(b""),
    ],
)
def test_builders_reject_bad_arguments(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        call()


@pytest.mark.parametrize(
    ("sw", "kind", "reason"),
    [
        (0x63C2, WrongPin, "pin_wrong"),
        (0x63C0, PinBlocked, "pin_blocked"),
        (0x6984, PinBlocked, "pin_blocked"),
        (0x6982, SecurityNotSatisfied, "security_not_satisfied"),
        (0x6A82, FileNotFound, "file_not_found"),
        (0x6A86, WrongParameters, "wrong_parameters"),
        (0x6F00, CardStatusError, "card_status"),
    ],
)
def test_status_words_map_to_typed_errors(sw: int, kind: type[Exception], reason: str) -> None:
    error = apdu.status_error(sw, "op")
    assert type(error) is kind
    assert error.reason == reason
    assert error.code == sw
    assert f"SW={sw:04X}" in str(error)
    assert error.message_ja


def test_wrong_pin_carries_tries_and_japanese_warning() -> None:
    error = apdu.status_error(0x63C1, "verify")
    assert isinstance(error, WrongPin)
    assert error.tries_left == 1
    assert "あと1回" in error.message_ja
    assert "1 try left" in str(error)


def test_check_passes_9000_through() -> None:
    response = apdu.parse_response(HEX("01029000"))
    assert apdu.check(response, "x").data == HEX("0102")


def test_trace_masks_verify_and_read_data() -> None:
    assert apdu.format_command(apdu.verify(b"1234")) == "00 20 00 80 04 XX XX XX XX"
    assert apdu.format_command(apdu.verify_query()) == "00 20 00 80"
    number = HEX("FF100C") + b"526018159084" + HEX("FFFF9000")
    line = apdu.format_exchange(apdu.read_binary_sfi(1, 256), number)
    assert b"526018159084".hex(" ").upper() not in line
    assert "35 32 36" not in line
    assert line.endswith("FF 10 0C …(14 bytes masked) 90 00")
    assert apdu.format_exchange(apdu.select_ef(2), HEX("9000")) == "> 00 A4 02 0C 02 00 02 < 90 00"
