"""MyNumberCardReader driven through a scripted transport: exact APDUs, no sleeps, no pcscd."""

from __future__ import annotations

import pytest

from drivers.base import DeviceKind
from drivers.mynumber import DRIVER, MyNumberCardReader, PinKind
from drivers.mynumber.card import reader_pattern
from drivers.mynumber.errors import InvalidPinFormat, NotMyNumberCard, PinBlocked, WrongPin
from drivers.mynumber.model import ReaderEvent
from tests.unit.card.samples import SPEC_EF_0002

ATR = bytes.fromhex("3B888001000041E0B381A1003B")
SELECT_TEXT = "00A4040C0AD3921000310001010408"
SELECT_PIN = "00A4020C020011"
QUERY = "00200080"
OK = "9000"


class ScriptedTransport:
    """Answers each command with the next scripted response after checking it byte for byte."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script = [(bytes.fromhex(c), bytes.fromhex(r)) for c, r in script]
        self.sent: list[bytes] = []
        self.connects = 0
        self.disconnects: list[bool] = []
        self.connected = False

    def list_readers(self) -> list[str]:
        return ["Scripted Reader 00"]

    def reader_name(self) -> str:
        return "Scripted Reader 00"

    def card_present(self) -> bool:
        return True

    def connect(self) -> bytes:
        self.connects += 1
        self.connected = True
        return ATR

    def still_connected(self) -> bool:
        return self.connected

    def transmit(self, command: bytes | bytearray) -> bytes:
        assert self.script, f"unexpected APDU {bytes(command).hex().upper()}"
        expected, response = self.script.pop(0)
        assert bytes(command) == expected
        self.sent.append(bytes(command))
        return response

    def disconnect(self, unpower: bool = False) -> None:
        self.connected = False
        self.disconnects.append(unpower)

    def wait_for_change(self, timeout_s: float) -> list[ReaderEvent]:
        return []

    def close(self) -> None:
        self.connected = False


def reader_for(script: list[tuple[str, str]]) -> tuple[MyNumberCardReader, ScriptedTransport]:
    transport = ScriptedTransport(script)
    return MyNumberCardReader(transport), transport


def test_driver_info_and_uri() -> None:
    assert DRIVER.kind is DeviceKind.CARD_READER
    assert DRIVER.schemes == ("pcsc",)
    assert reader_pattern("pcsc://Virtual%20PCD%2000%2000") == "Virtual PCD 00 00"
    with pytest.raises(ValueError, match="pcsc://"):
        reader_pattern("tcp://127.0.0.1:1")


def test_primed_read_is_two_apdus_and_powers_off() -> None:
    reader, transport = reader_for(
        [
            (SELECT_TEXT, OK),
            (SELECT_PIN, OK),
            (QUERY, "63C3"),
            ("0020008004 31323334", OK),
            ("00B0820000", SPEC_EF_0002.hex() + OK),
        ]
    )
    assert reader.pin_tries_left() == 3
    pin = bytearray(b"1234")
    info = reader.read_basic_info(pin)
    assert info.name == "山田\u3000太郎"
    assert reader.last_operation_apdus == 2
    assert transport.disconnects == [True]
    assert transport.script == []


def test_refused_short_ef_falls_back_and_is_remembered() -> None:
    reader, transport = reader_for(
        [
            (SELECT_TEXT, OK),
            (SELECT_PIN, OK),
            (QUERY, "63C3"),
            ("0020008004 31323334", OK),
            ("00B0820000", "6A86"),
            ("00A4020C020002", OK),
            ("00B0000000", SPEC_EF_0002.hex() + OK),
            # second card session, same ATR: no short-EF attempt
            (SELECT_TEXT, OK),
            (SELECT_PIN, OK),
            (QUERY, "63C3"),
            ("0020008004 31323334", OK),
            ("00A4020C020002", OK),
            ("00B0000000", SPEC_EF_0002.hex() + OK),
        ]
    )
    reader.read_basic_info("1234")
    assert reader.last_operation_apdus == 4  # VERIFY, refused short-EF READ, SELECT, READ
    reader.read_basic_info("1234")
    assert reader.last_operation_apdus == 3
    assert transport.script == []


def test_wrong_pin_is_never_retried_and_keeps_session() -> None:
    reader, transport = reader_for(
        [(SELECT_TEXT, OK), (SELECT_PIN, OK), (QUERY, "63C3"), ("0020008004 30303030", "63C2")]
    )
    with pytest.raises(WrongPin) as caught:
        reader.read_basic_info("0000")
    assert caught.value.tries_left == 2
    assert transport.script == []  # exactly one VERIFY went out
    assert transport.disconnects == []


def test_blocked_pin_is_not_sent() -> None:
    reader, transport = reader_for([(SELECT_TEXT, OK), (SELECT_PIN, OK), (QUERY, "63C0")])
    with pytest.raises(PinBlocked):
        reader.read_basic_info("1234")
    assert all(command[1] != 0x20 or len(command) == 4 for command in transport.sent)


def test_bad_pin_format_sends_nothing() -> None:
    reader, transport = reader_for([])
    with pytest.raises(InvalidPinFormat):
        reader.read_basic_info("12a4")
    with pytest.raises(InvalidPinFormat):
        reader.authenticate("123", b"x")
    assert transport.sent == []


def test_foreign_card() -> None:
    reader, _ = reader_for([(SELECT_TEXT, "6A82")])
    with pytest.raises(NotMyNumberCard, match="not a My Number card"):
        reader.pin_tries_left(PinKind.TEXT)


def test_pin_buffer_is_zeroed() -> None:
    reader, _ = reader_for(
        [(SELECT_TEXT, OK), (SELECT_PIN, OK), (QUERY, "63C3"), ("0020008004 31323334", "63C2")]
    )
    pin = bytearray(b"1234")
    with pytest.raises(WrongPin):
        reader.read_basic_info(pin)
    assert pin == bytearray(b"1234")  # the caller's buffer is the caller's; our copy is zeroed
