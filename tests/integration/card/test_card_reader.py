"""The driver through real pcscd + vpcd + the virtual card (simulators/mynumber_card)."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator

import pytest

from drivers.mynumber import CardStatus, MyNumberCardReader, PinKind, Sex, open_device
from drivers.mynumber.errors import CardRemoved, NotMyNumberCard, PinBlocked, TlvError, WrongPin
from simulators.personas import card_holders, persona
from tests.fixtures.card import CardSimulator

pytestmark = pytest.mark.integration


@pytest.fixture
def reader(card_sim: CardSimulator) -> Iterator[MyNumberCardReader]:
    device = open_device(card_sim.endpoint)
    device.open()
    try:
        yield device
    finally:
        device.close()


@pytest.mark.parametrize("persona_id", [member.id for member in card_holders()])
def test_every_card_holder_reads_basic_info(
    card_sim: CardSimulator, reader: MyNumberCardReader, persona_id: str
) -> None:
    member = persona(persona_id)
    card_sim.insert(persona_id)
    assert reader.card_status() is CardStatus.MY_NUMBER_CARD
    assert reader.pin_tries_left(PinKind.TEXT) == 3
    info = reader.read_basic_info(member.text_pin or "")
    assert info.name == f"{member.family_name}\u3000{member.given_name}"
    assert unicodedata.normalize("NFKC", info.address) == member.household.address
    assert info.birth_date == member.birth
    assert info.sex is (Sex.MALE if member.sex == "male" else Sex.FEMALE)
    assert reader.last_operation_apdus == 2


def test_three_wrong_pins_block_with_tries_shown_before_each(
    card_sim: CardSimulator, reader: MyNumberCardReader
) -> None:
    card_sim.insert("P2")
    seen = []
    for expected_after in (2, 1):
        seen.append(reader.pin_tries_left())
        with pytest.raises(WrongPin) as caught:
            reader.read_basic_info("0000")
        assert caught.value.tries_left == expected_after
        assert caught.value.reason == "pin_wrong"
    seen.append(reader.pin_tries_left())
    with pytest.raises(PinBlocked) as blocked:
        reader.read_basic_info("0000")
    assert blocked.value.reason == "pin_blocked"
    assert seen == [3, 2, 1]
    assert reader.pin_tries_left() == 0
    with pytest.raises(PinBlocked):
        reader.read_basic_info(persona("P2").text_pin or "")  # right PIN, but blocked: not even sent
    assert card_sim.state()["tries"]["text"] == 0


def test_removal_mid_read_raises_card_removed(card_sim: CardSimulator, reader: MyNumberCardReader) -> None:
    card_sim.insert("P1")
    assert reader.pin_tries_left() == 3
    card_sim.post("remove_mid_apdu", after_apdus=1)  # VERIFY answered, the READ is cut
    with pytest.raises(CardRemoved) as caught:
        reader.read_basic_info("1234")
    assert caught.value.reason == "card_removed"
    assert reader._session is None  # nothing of the card kept
    card_sim.insert("P3")
    assert reader.read_basic_info(persona("P3").text_pin or "").name.endswith("一郎")


def test_foreign_card_is_not_a_my_number_card(card_sim: CardSimulator, reader: MyNumberCardReader) -> None:
    card_sim.insert_foreign_card()
    assert reader.card_status() is CardStatus.OTHER_CARD
    with pytest.raises(NotMyNumberCard) as caught:
        reader.read_basic_info("1234")
    assert caught.value.message_ja == "マイナンバーカードではありません。"
    assert caught.value.reason == "not_my_number_card"


def test_corrupted_tlv_is_a_clear_error(card_sim: CardSimulator, reader: MyNumberCardReader) -> None:
    card_sim.insert("P1")
    card_sim.post("corrupt_tlv", on=True)
    with pytest.raises(TlvError, match="DF21") as caught:
        reader.read_basic_info("1234")
    assert caught.value.reason == "tlv_invalid"


def test_refused_short_ef_falls_back_within_four_apdus(
    card_sim: CardSimulator, reader: MyNumberCardReader
) -> None:
    card_sim.insert("P4")
    card_sim.post("refuse_short_ef", on=True)
    reader.pin_tries_left()
    info = reader.read_basic_info(persona("P4").text_pin or "")
    assert info.birth_date == persona("P4").birth
    assert reader.last_operation_apdus <= 4
    reader.pin_tries_left()
    card_sim.post("clear_log")
    reader.read_basic_info(persona("P4").text_pin or "")
    assert reader.last_operation_apdus == 3  # remembered: no second short-EF attempt
    assert not any(header.startswith("00 B0 8") for header in card_sim.state()["apdu_log"])


def test_my_number_check_digit_and_integrity(card_sim: CardSimulator, reader: MyNumberCardReader) -> None:
    card_sim.insert("P9")
    assert reader.read_my_number("7777") == persona("P9").my_number
    reader.check_integrity("7777")


def test_signature_verified_against_certificate(card_sim: CardSimulator, reader: MyNumberCardReader) -> None:
    card_sim.insert("P1")
    assert reader.pin_tries_left(PinKind.AUTH) == 3
    result = reader.authenticate("1234", b"frontyard-challenge")
    assert result.signature_valid
    assert len(result.signature) == 256
    certificate = reader.read_auth_certificate()
    assert certificate.serial == result.serial
    assert certificate.key_bits == 2048


def test_no_personal_data_in_logs(
    card_sim: CardSimulator, reader: MyNumberCardReader, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = []
    for persona_id in ("P1", "P8"):
        member = persona(persona_id)
        card_sim.insert(persona_id)
        reader.read_basic_info(member.text_pin or "")
        reader.read_my_number(member.text_pin or "")
        with pytest.raises(WrongPin):
            reader.read_basic_info("9999" if member.text_pin != "9999" else "8888")
        secrets += [member.my_number or "", member.text_pin or "", member.family_name, member.given_name]
        secrets += [member.birth_date.replace("-", ""), member.household.address]
    card_sim.remove()
    logs = caplog.text + card_sim.log()
    assert "verify" in caplog.text.lower() or "20 00 80" in caplog.text  # the trace was captured
    for secret in secrets:
        assert secret not in logs
    assert "XX XX XX XX" in caplog.text


def test_wait_for_change_reports_insert_and_remove(
    card_sim: CardSimulator, reader: MyNumberCardReader
) -> None:
    first = reader.wait_for_change(0.2)  # initial state
    assert any(event.reader == card_sim.reader for event in first)
    card_sim.insert("P10")
    events = reader.wait_for_change(3.0)
    assert [event.kind.value for event in events] == ["card_inserted"]
    assert events[0].atr.hex().upper().startswith("3B88")
    card_sim.remove()
    events = reader.wait_for_change(3.0)
    assert [event.kind.value for event in events] == ["card_removed"]


def test_cli_status_and_pin_status(card_sim: CardSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    from drivers.mynumber import cli

    card_sim.insert("P11")
    assert cli.main(["--uri", card_sim.endpoint, "status"]) == 0
    assert cli.main(["--uri", card_sim.endpoint, "pin-status"]) == 0
    out = capsys.readouterr().out
    assert "my_number_card" in out
    assert "あと3回" in out
    assert "sign" in out
    card_sim.remove()
    assert cli.main(["--uri", "pcsc://NoSuchReader", "status"]) == 1
    assert "reader_absent" in capsys.readouterr().err
