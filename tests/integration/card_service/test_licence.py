"""運転免許証 through the real daemon, a private pcscd + vpcd and the virtual card's licence personality."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable

import grpc
import pytest
from kiosk.v1 import application_pb2, card_pb2, visit_pb2
from PIL import Image

from daemon.errors import error_reason
from simulators.licence_card.personas import LICENCE_PERSONAS, LicencePersona, licence_persona
from tests.fixtures.card_service import CardDaemon
from tests.integration.card_service.test_card_service import ended, error_info, global_events, scan_targets
from tests.support.frontyard import FrontyardStub

pytestmark = pytest.mark.integration

StartCardDaemon = Callable[..., CardDaemon]
GETA = "\u3013"


def insert_licence(card: CardDaemon, persona_id: str) -> card_pb2.CardEvent:
    card.bench.card.post("insert_licence", persona=persona_id)
    return card.watch.expect(card_pb2.CARD_PRESENCE_DRIVERS_LICENCE)


def outside_jis_x_0208(char: str) -> bool:
    if "!" <= char <= "~":
        return False  # ASCII: the licence holds its full-width form
    try:
        encoded = char.encode("euc_jp")
    except UnicodeEncodeError:
        return True
    return len(encoded) != 2 or encoded[0] < 0xA1


def expected(text: str, missing: str = "") -> str:
    """``text`` as the licence carries it: 外字 and 欠字 as 〓, compared after NFKC (full-width digits)."""
    marked = "".join(GETA if outside_jis_x_0208(c) or c in missing else c for c in text)
    return unicodedata.normalize("NFKC", marked)


def assert_text(text: card_pb2.LicenceText, wanted: str, missing: str = "") -> None:
    assert unicodedata.normalize("NFKC", text.text) == expected(wanted, missing)
    positions = [i for i, c in enumerate(text.text) if c == GETA]
    assert [c.position for c in text.characters] == positions
    assert text.needs_confirmation == bool(positions)
    for character in text.characters:
        if character.gaiji:
            glyph = Image.open(io.BytesIO(character.glyph_png))
            assert glyph.size == (32, 32)
            assert glyph.convert("L").getextrema()[0] == 0, "the glyph has ink"
        else:
            assert not character.glyph_png, "a 欠字 has no image"


def test_every_licence_persona_reads_exactly(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    for person in [p for p in LICENCE_PERSONAS if not p.blocked]:
        event = insert_licence(card, person.id)
        assert event.session.startswith("sessions/")
        assert (event.licence_pin_set, event.licence_pin_tries_left) == (person.pin is not None, 3)
        status = card.kiosk.GetLicencePinStatus(card_pb2.GetLicencePinStatusRequest())
        assert (status.pin_set, status.tries_left) == (person.pin is not None, 3)
        licence = card.kiosk.ReadLicence(card_pb2.ReadLicenceRequest(pin=person.pin or ""))
        assert licence.session == event.session
        assert_text(licence.name, person.name)
        assert_text(licence.kana, person.kana)
        assert_text(licence.address, person.address, person.missing)
        assert datetime.date.fromisoformat(licence.birth_date) == person.resident.birth
        assert datetime.date.fromisoformat(licence.expiry_date) == person.expiry_date
        assert licence.licence_number == person.number
        gaiji = any(outside_jis_x_0208(c) for c in person.name + person.address) or bool(person.missing)
        assert licence.needs_confirmation == gaiji
        assert card.kiosk.GetSession(card_pb2.GetSessionRequest(name=licence.session)).has_licence
        card.remove()
        with pytest.raises(grpc.RpcError) as gone:
            card.kiosk.GetSession(card_pb2.GetSessionRequest(name=licence.session))
        assert error_reason(gone.value) == "session_not_found"
    assert_no_licence_data(card)


def test_wrong_pin_is_not_retried_and_a_blocked_pin_sends_nothing(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    insert_licence(card, "L1")
    with pytest.raises(grpc.RpcError) as wrong:
        card.kiosk.ReadLicence(card_pb2.ReadLicenceRequest(pin="0000"))
    assert error_reason(wrong.value) == "pin_wrong"
    assert error_info(wrong.value).metadata["tries_left"] == "2"
    assert card.bench.card.state()["tries"]["pin1"] == 2, "one VERIFY, no retry"
    assert card.watch.expect(card_pb2.CARD_PRESENCE_DRIVERS_LICENCE).licence_pin_tries_left == 2
    event = insert_licence(card, "L5")
    assert event.licence_pin_tries_left == 0
    card.bench.card.post("clear_log")
    with pytest.raises(grpc.RpcError) as blocked:
        card.kiosk.ReadLicence(card_pb2.ReadLicenceRequest(pin=licence_persona("L5").pin or ""))
    assert error_reason(blocked.value) == "pin_blocked"
    log = card.bench.card.state()["apdu_log"]
    assert "00 A4 04 0C" not in log, "DF1 never selected: no VERIFY was sent"
    assert_no_licence_data(card)


def test_corrupt_data_and_removal_are_typed_errors(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    session = insert_licence(card, "L2").session
    card.bench.card.post("corrupt_tlv", on=True)
    with pytest.raises(grpc.RpcError) as corrupt:
        card.kiosk.ReadLicence(card_pb2.ReadLicenceRequest(pin=licence_persona("L2").pin or ""))
    assert error_reason(corrupt.value) == "licence_data_invalid"
    assert not card.kiosk.GetSession(card_pb2.GetSessionRequest(name=session)).has_licence
    card.bench.card.post("corrupt_tlv", on=False)
    card.bench.card.post("remove_mid_apdu", after_apdus=2)
    with pytest.raises(grpc.RpcError) as removed:
        card.kiosk.ReadLicence(card_pb2.ReadLicenceRequest(pin=licence_persona("L2").pin or ""))
    assert error_reason(removed.value) == "card_removed"
    assert global_events(card, ended("card_removed", session))
    assert_no_licence_data(card)


def test_fallbacks_without_short_ef_ids_or_extended_length(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    insert_licence(card, "L4")
    card.bench.card.post("refuse_short_ef", on=True)
    card.bench.card.post("refuse_extended", on=True)
    person = licence_persona("L4")
    licence = card.kiosk.ReadLicence(card_pb2.ReadLicenceRequest(pin=person.pin or ""))
    assert_text(licence.name, person.name)
    assert_text(licence.address, person.address, person.missing)


def test_pcsc_scan_names_the_licence(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    insert_licence(card, "L1")
    if shutil.which("pcsc_scan") is None:
        pytest.fail("pcsc_scan (pcsc-tools) is needed")
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(card.bench.pcscd.socket_path)}
    scan = subprocess.run(["pcsc_scan", "-t", "5"], env=env, capture_output=True, timeout=20, text=True)
    assert "Driving License card of Japan" in scan.stdout, scan.stdout[-2000:]


def licence_secrets(person: LicencePersona) -> dict[str, str]:
    fullwidth = str.maketrans("0123456789", "０１２３４５６７８９")
    return {
        "name": person.name,
        "kana": person.kana,
        "address": person.address,
        "address (licence form)": person.address.translate(fullwidth),
        "licence number": person.number,
    }


def assert_no_licence_data(card: CardDaemon, outbox_allowed: bool = False) -> None:
    """No licence data in the log or storage; names and addresses only in the outbox when it is allowed
    (a completed visit's applications, as the privacy proof allows)."""
    for where, data in scan_targets(card).items():
        in_outbox = outbox_allowed and "/storage/outbox/" in where
        for person in LICENCE_PERSONAS:
            for what, secret in licence_secrets(person).items():
                if in_outbox and what != "licence number":
                    continue
                assert secret.encode() not in data, f"{person.id}'s {what} is in {where}"
            if person.pin:
                pin = re.escape(person.pin.encode())
                assert not re.search(rb"(?<![0-9A-Za-z])" + pin + rb"(?![0-9A-Za-z])", data), where


def test_tennyu_adds_a_member_by_licence_with_the_gaiji_image(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    person = licence_persona("L2")  # 髙橋: 髙 is outside JIS X 0208
    insert_licence(card, person.id)
    licence = card.kiosk.ReadLicence(card_pb2.ReadLicenceRequest(pin=person.pin or ""))
    frontyard = FrontyardStub(card.daemon.channel("kiosk"))
    visit = frontyard.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date="2025-09-09")
    )
    visit = frontyard.AddMember(
        visit_pb2.AddMemberRequest(visit=visit.name, from_licence_session=licence.session)
    )
    member = visit.members[0]
    assert (member.from_licence, member.from_card, member.needs_confirmation) == (True, False, True)
    assert member.relationship == "世帯主"
    assert member.name == licence.name.text and member.name.startswith(GETA)
    assert [c.position for c in member.name_characters] == [0]
    glyph = Image.open(io.BytesIO(member.name_characters[0].glyph_png))
    card_glyph = Image.open(io.BytesIO(licence.name.characters[0].glyph_png))
    assert glyph.convert("1").tobytes() == card_glyph.convert("1").tobytes(), "the card's own image"
    assert member.furigana == licence.kana.text
    assert member.birth_date == licence.birth_date
    assert unicodedata.normalize("NFKC", visit.facts.old_address) == expected(person.address)
    evaluation = frontyard.EvaluateVisit(visit_pb2.EvaluateVisitRequest(visit=visit.name))
    names = [f.value for form in evaluation.forms for f in form.fields if f.value.endswith("健一")]
    assert names and all(name.startswith(GETA) for name in names), "screens show 〓, never a guess"
    completed = frontyard.CompleteVisit(visit_pb2.CompleteVisitRequest(visit=visit.name))
    staff = FrontyardStub(card.daemon.channel("staff"))
    values = [
        field.value
        for name in completed.applications
        for field in staff.GetApplication(application_pb2.GetApplicationRequest(name=name)).form.fields
    ]
    filed = [value for value in values if value.endswith("健一")]
    assert filed and all(value.startswith(GETA) for value in filed), "the outbox keeps 〓 (the PDF the image)"
    assert not any("\U000f0000" <= char <= "\U000fffff" for value in values for char in value)
    card.remove()
    assert_no_licence_data(card, outbox_allowed=True)
