"""DriversLicenceReader through a scripted transport: exact APDUs, the PIN sent once and zeroed, fallbacks."""

from __future__ import annotations

import pytest

from drivers.licence import DriversLicenceReader, LicencePinBlocked, NotDriversLicence
from drivers.mynumber import apdu
from drivers.mynumber.errors import InvalidPinFormat, WrongPin
from drivers.mynumber.model import ReaderEvent
from tests.unit.licence.test_parsers import matters, tlv

ATR = bytes.fromhex("3B888001000000009181C100D8")
SELECT_MF = "00A40000"
COMMON = "450B30303920220310202705014602 0102"
PIN_SET, PIN_UNSET = "C10101", "C10100"
QUERY = "00200081"
SELECT_DF1 = "00A4040C10A0000002310100000000000000000000"
READ_EF01 = "00B08100000370"
READ_EF03 = "00B08300000108"
OK = "9000"
GAIJI_NAME = bytes.fromhex("FFF1 4544 2121 4240 4F3A")  # 外字1 田　太郎
EF03 = (tlv(0x48, b"\x01" + bytes([0xF0] * 128)) + tlv(0x49, b"")).ljust(264, b"\xff")


class Scripted:
    def __init__(self, script: list[tuple[str, str | bytes]]) -> None:
        self.script = [(bytes.fromhex(c), r if isinstance(r, bytes) else bytes.fromhex(r)) for c, r in script]
        self.sent: list[bytearray | bytes] = []
        self.connected = False
        self.unpowered = 0

    def list_readers(self) -> list[str]:
        return ["Scripted 00"]

    def reader_name(self) -> str:
        return "Scripted 00"

    def card_present(self) -> bool:
        return True

    def connect(self) -> bytes:
        self.connected = True
        return ATR

    def still_connected(self) -> bool:
        return self.connected

    def transmit(self, command: bytes | bytearray) -> bytes:
        assert self.script, f"unexpected APDU {bytes(command).hex().upper()}"
        expected, response = self.script.pop(0)
        assert bytes(command) == expected
        self.sent.append(command)  # the object itself: VERIFY's must be zeroed afterwards
        return response

    def disconnect(self, unpower: bool = False) -> None:
        self.connected = False
        self.unpowered += unpower

    def wait_for_change(self, timeout_s: float) -> list[ReaderEvent]:
        return []

    def close(self) -> None:
        self.connected = False


PROBE: list[tuple[str, str | bytes]] = [(SELECT_MF, OK), ("00A4020C022F01", OK), ("00B0000011", COMMON + OK)]


def primed(pin_setting: str = PIN_SET, tries: str = "63C3") -> list[tuple[str, str | bytes]]:
    """What the driver sends before the PIN when nothing was probed yet (EF 2F01, EF 000A, retry query)."""
    return [*PROBE, ("00B08A0003", pin_setting + OK), (QUERY, tries)]


def test_probe_status_and_read_cost_four_apdus_after_the_pin() -> None:
    body = matters(t12=GAIJI_NAME)
    script = [
        *primed(),
        ("0020008104 31333537", OK),
        (SELECT_DF1, OK),
        (READ_EF01, body + bytes.fromhex(OK)),
        (READ_EF03, EF03 + bytes.fromhex(OK)),
    ]
    transport = Scripted(script)
    reader = DriversLicenceReader(transport)
    assert reader.probe().expiry_date.isoformat() == "2027-05-01"
    status = reader.pin_status()
    assert (status.pin_set, status.tries_left) == (True, 3)
    licence = reader.read_licence("1357")
    assert reader.apdus_after_pin == 4
    assert licence.matters.name.text == "〓田　太郎"
    assert licence.needs_confirmation
    assert licence.glyphs[1].bitmap == bytes([0xF0] * 128)
    sent_verify = [c for c in transport.sent if isinstance(c, bytearray)]
    assert sent_verify == [bytearray(9)]  # the VERIFY command object was zeroed after sending
    assert transport.unpowered == 1 and not transport.script


def test_no_gaiji_skips_ef03() -> None:
    transport = Scripted(
        [*primed(), ("0020008104 31333537", OK), (SELECT_DF1, OK), (READ_EF01, matters() + bytes.fromhex(OK))]
    )
    reader = DriversLicenceReader(transport)
    assert reader.read_licence(bytearray(b"1357")).matters.name.text == "山田　太郎"
    assert reader.apdus_after_pin == 3


def test_unset_pin_sends_the_default_pin_and_needs_none() -> None:
    transport = Scripted(
        [
            *primed(PIN_UNSET),
            ("0020008104 2A2A2A2A", OK),
            (SELECT_DF1, OK),
            (READ_EF01, matters() + bytes.fromhex(OK)),
        ]
    )
    reader = DriversLicenceReader(transport)
    assert reader.read_licence(None).matters.number == "461200123450"


def test_wrong_pin_is_reported_once_and_never_retried() -> None:
    transport = Scripted([*primed(), ("0020008104 30303030", "63C2")])
    reader = DriversLicenceReader(transport)
    with pytest.raises(WrongPin) as raised:
        reader.read_licence("0000")
    assert raised.value.tries_left == 2
    assert "0000" not in str(raised.value)
    assert not transport.script


def test_blocked_pin_sends_no_verify() -> None:
    transport = Scripted(primed(tries="63C0"))
    with pytest.raises(LicencePinBlocked) as raised:
        DriversLicenceReader(transport).read_licence("1357")
    assert raised.value.reason == "pin_blocked" and "公安委員会" not in str(raised.value)
    assert "運転免許センター" in raised.value.message_ja
    assert all(bytes(c[:2]) != bytes.fromhex("0020") or len(c) == 4 for c in transport.sent)


@pytest.mark.parametrize("pin", ["123", "12a4", "12345", ""])
def test_bad_pin_format_sends_nothing(pin: str) -> None:
    transport = Scripted(primed())
    with pytest.raises(InvalidPinFormat):
        DriversLicenceReader(transport).read_licence(pin)
    assert all(len(c) == 4 or bytes(c[1:2]) != b"\x20" for c in transport.sent)


def test_pin_required_when_the_card_has_one() -> None:
    with pytest.raises(InvalidPinFormat, match="enter"):
        DriversLicenceReader(Scripted(primed())).read_licence(None)


def test_refused_short_ef_and_extended_fall_back_to_select_and_chunks() -> None:
    body = matters()
    script = [
        *primed(),
        ("0020008104 31333537", OK),
        (SELECT_DF1, OK),
        (READ_EF01, "6700"),
        ("00B0810000", "6A86"),
        ("00A4020C020001", OK),
        ("00B0000000", body[:256] + bytes.fromhex(OK)),
        ("00B0010000", body[256:512] + bytes.fromhex(OK)),
        ("00B0020000", body[512:768] + bytes.fromhex(OK)),
        ("00B0030070", body[768:] + bytes.fromhex(OK)),
    ]
    reader = DriversLicenceReader(Scripted(script))
    assert reader.read_licence("1357").matters.name.text == "山田　太郎"


def test_a_my_number_card_is_not_a_licence() -> None:
    with pytest.raises(NotDriversLicence) as raised:
        DriversLicenceReader(Scripted([(SELECT_MF, "6A86")])).probe()
    assert raised.value.reason == "not_drivers_licence"
    # A My Number card with its text AP selected answers SELECT MF with 9000: EF 2F01 still tells.
    transport = Scripted([(SELECT_MF, OK), ("00A4020C022F01", "6A82")])
    with pytest.raises(NotDriversLicence):
        DriversLicenceReader(transport).read_licence("1357")
    assert not any(bytes(c[:2]) == b"\x00\x20" for c in transport.sent), "no VERIFY to a non-licence"


def test_trace_masks_the_pin_and_the_data() -> None:
    line = apdu.format_exchange(bytes.fromhex("002000810431333537"), matters() + b"\x90\x00")
    assert "31 33" not in line and "XX XX XX XX" in line
    assert "masked" in apdu.format_exchange(bytes.fromhex(READ_EF01), matters() + b"\x90\x00")


def test_pin_setting_without_short_ef_ids_selects_the_file() -> None:
    script: list[tuple[str, str | bytes]] = [
        *PROBE,
        ("00B08A0003", "6A86"),
        ("00A4020C02000A", OK),
        ("00B0000003", PIN_UNSET + OK),
        (QUERY, "63C3"),
    ]
    status = DriversLicenceReader(Scripted(script)).pin_status()
    assert (status.pin_set, status.tries_left) == (False, 3)
