"""The virtual licence's card OS (simulators/licence_card) behaves as the sources describe the chip."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulators.licence_card.card_data import LICENCE_ATR, build_licence
from simulators.licence_card.card_os import LicenceCardOS
from simulators.licence_card.personas import LICENCE_PERSONAS, licence_persona

SELECT_MF = bytes.fromhex("00A40000")
SELECT_DF1 = bytes.fromhex("00A4040C10A0000002310100000000000000000000")
READ_EF01 = bytes.fromhex("00B08100000370")


def card(persona_id: str = "L1") -> LicenceCardOS:
    person = licence_persona(persona_id)
    return LicenceCardOS(build_licence(person), blocked=person.blocked)


def sw(response: bytes) -> str:
    return response[-2:].hex().upper()


def test_files_have_the_specified_sizes() -> None:
    for person in LICENCE_PERSONAS:
        files = build_licence(person)
        assert len(files.mf[0x2F01]) == 17
        assert len(files.mf[0x000A]) == 3
        assert (len(files.df1[1]), len(files.df1[3]), len(files.df1[5])) == (880, 264, 663)


def test_pin1_guards_df1_and_power_off_forgets_it() -> None:
    os = card()
    assert sw(os.process(SELECT_DF1)) == "9000"
    assert sw(os.process(READ_EF01)) == "6982"
    assert sw(os.process(SELECT_MF)) == "9000"
    assert sw(os.process(bytes.fromhex("0020008104") + b"1357")) == "9000"
    os.process(SELECT_DF1)
    answer = os.process(READ_EF01)
    assert sw(answer) == "9000" and len(answer) == 882
    os.power_off()
    os.process(SELECT_DF1)
    assert sw(os.process(READ_EF01)) == "6982"


def test_three_wrong_pins_block_and_the_query_uses_no_try() -> None:
    os = card()
    query = bytes.fromhex("00200081")
    assert sw(os.process(query)) == "63C3"
    assert sw(os.process(query)) == "63C3"
    answers = [sw(os.process(bytes.fromhex("0020008104") + b"0000")) for _ in range(4)]
    assert answers == ["63C2", "63C1", "63C0", "6984"]
    assert sw(os.process(query)) == "63C0"
    assert sw(os.process(bytes.fromhex("0020008104") + b"1357")) == "6984", "blocked: even the right PIN"


def test_unset_pin_is_four_asterisks_and_blocked_persona_starts_blocked() -> None:
    os = card("L3")
    assert os.process(bytes.fromhex("00B08A0003"))[:3] == bytes.fromhex("C10100")
    assert sw(os.process(bytes.fromhex("0020008104") + b"****")) == "9000"
    assert sw(card("L5").process(bytes.fromhex("00200081"))) == "63C0"


@pytest.mark.parametrize(
    ("flag", "command", "status"),
    [("refuse_short_ef", READ_EF01, "6A86"), ("refuse_extended", bytes.fromhex("00B00000000370"), "6700")],
)
def test_faults(flag: str, command: bytes, status: str) -> None:
    os = card()
    os.process(bytes.fromhex("0020008104") + b"1357")
    os.process(SELECT_DF1)
    os.process(bytes.fromhex("00A4020C020001"))
    setattr(os, flag, True)
    assert sw(os.process(command)) == status


def test_atr_is_pcsc_tools_japanese_driving_licence() -> None:
    listing = Path("/usr/share/pcsc/smartcard_list.txt")
    if not listing.exists():
        pytest.fail("pcsc-tools' smartcard_list.txt is missing (Debian pcsc-tools)")
    text = listing.read_text(encoding="utf-8", errors="replace")
    entry = LICENCE_ATR.hex(" ").upper()
    assert entry in text
    following = text[text.index(entry) :].splitlines()[1]
    assert "Driving License card of Japan" in following
