"""kiosk.v1.CardService through the real daemon process, a private pcscd + vpcd and the virtual card."""

from __future__ import annotations

import datetime
import re
import time
import unicodedata
from collections.abc import Callable

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from kiosk.v1 import card_pb2, common_pb2, device_pb2, device_pb2_grpc, events_pb2

from daemon.errors import error_reason
from simulators.personas import card_holders, persona
from tests.fixtures.card_service import CardDaemon
from tests.support.devices import wait_device_state

pytestmark = pytest.mark.integration

StartCardDaemon = Callable[..., CardDaemon]


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info
    raise AssertionError("no ErrorInfo in the status")


def test_every_card_holder_reads_basic_info(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    for member in card_holders():
        inserted = card.insert(member.id)
        assert inserted.session.startswith("sessions/")
        assert inserted.text_tries_left == 3
        info = card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=member.text_pin))
        assert info.session == inserted.session
        assert info.name == member.full_name
        assert unicodedata.normalize("NFKC", info.address) == member.household.address
        assert datetime.date.fromisoformat(info.birth_date) == member.birth
        assert info.sex == (common_pb2.SEX_MALE if member.sex == "male" else common_pb2.SEX_FEMALE)
        session = card.kiosk.GetSession(card_pb2.GetSessionRequest(name=info.session))
        assert session.has_basic_info
        card.remove()
        with pytest.raises(grpc.RpcError) as gone:
            card.kiosk.GetSession(card_pb2.GetSessionRequest(name=info.session))
        assert error_reason(gone.value) == "session_not_found"
    assert_no_personal_data(card)


def scan_targets(card: CardDaemon) -> dict[str, bytes]:
    """The daemon's log and every file under its storage directory."""
    targets = {"daemon log": card.daemon.log().encode()}
    for path in (card.daemon.directory / "storage").rglob("*"):
        if path.is_file():
            targets[str(path)] = path.read_bytes()
    return targets


def assert_no_personal_data(card: CardDaemon) -> None:
    targets = scan_targets(card)
    assert len(targets) >= 2, "the event log must be among the scanned files"
    for member in card_holders():
        address = member.household.address
        secrets = {
            "my_number": member.my_number or "",
            "name": member.full_name,
            "given name": member.given_name,
            "address": address,
            "address (card form)": unicodedata.normalize("NFKC", address).translate(
                str.maketrans("0123456789-", "０１２３４５６７８９－")
            ),
        }
        pins = {member.text_pin or "", member.auth_pin or "", member.sign_pin or ""}
        for where, data in targets.items():
            for what, secret in secrets.items():
                assert secret.encode() not in data, f"{member.id}'s {what} is in {where}"
            for pin in pins:
                assert not re.search(
                    rb"(?<![0-9A-Za-z])" + re.escape(pin.encode()) + rb"(?![0-9A-Za-z])", data
                ), f"{member.id}'s PIN is in {where}"


def global_events(
    card: CardDaemon, until: Callable[[events_pb2.Event], bool], timeout: float = 15
) -> list[events_pb2.Event]:
    stub = device_pb2_grpc.DeviceServiceStub(card.daemon.channel("kiosk"))
    events = []
    call = stub.WatchEvents(device_pb2.WatchEventsRequest(after_sequence=0), timeout=timeout)
    for event in call:
        events.append(event)
        if until(event):
            call.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs: Call.cancel is untyped
            break
    return events


def ended(reason: str, session: str) -> Callable[[events_pb2.Event], bool]:
    def match(event: events_pb2.Event) -> bool:
        payload = event.resident_session
        return (
            event.HasField("resident_session")
            and payload.kind == card_pb2.SESSION_EVENT_KIND_ENDED
            and payload.session == session
            and payload.reason == reason
        )

    return match


def test_three_wrong_pins_block_with_tries_shown_before_each(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    member = persona("P2")
    assert card.insert("P2").text_tries_left == 3
    shown = []
    for expected_after in (2, 1):
        shown.append(card.kiosk.GetPinStatus(card_pb2.GetPinStatusRequest()).text_tries_left)
        with pytest.raises(grpc.RpcError) as wrong:
            card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin="0000"))
        info = error_info(wrong.value)
        assert info.reason == "pin_wrong"
        assert info.metadata["tries_left"] == str(expected_after)
        assert f"{expected_after} tr" in (wrong.value.details() or "")
        assert card.watch.expect(card_pb2.CARD_PRESENCE_MY_NUMBER_CARD).text_tries_left == expected_after
    shown.append(card.kiosk.GetPinStatus(card_pb2.GetPinStatusRequest()).text_tries_left)
    with pytest.raises(grpc.RpcError) as blocked:
        card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin="0000"))
    assert error_info(blocked.value).reason == "pin_blocked"
    assert error_info(blocked.value).metadata["tries_left"] == "0"
    assert shown == [3, 2, 1]
    status = card.kiosk.GetPinStatus(card_pb2.GetPinStatusRequest())
    assert (status.text_tries_left, status.auth_tries_left, status.sign_tries_left) == (0, 3, 5)
    with pytest.raises(grpc.RpcError) as still_blocked:  # the right PIN is not even sent
        card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=member.text_pin))
    assert error_reason(still_blocked.value) == "pin_blocked"
    assert card.bench.card.state()["tries"]["text"] == 0
    assert_no_personal_data(card)


def test_removal_mid_read_is_a_clean_error_and_wipes_the_session(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    session = card.insert("P1").session
    card.bench.card.post("remove_mid_apdu", after_apdus=1)  # VERIFY answered, the READ is cut
    with pytest.raises(grpc.RpcError) as removed:
        card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P1").text_pin))
    assert error_reason(removed.value) == "card_removed"
    assert removed.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as gone:
        card.kiosk.GetSession(card_pb2.GetSessionRequest(name=session))
    assert error_reason(gone.value) == "session_not_found"
    assert global_events(card, ended("card_removed", session))
    card.watch.expect(card_pb2.CARD_PRESENCE_NO_CARD)
    assert_no_personal_data(card)


def test_a_card_that_is_not_a_my_number_card(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    card.bench.card.post("insert_foreign_card")
    event = card.watch.expect(card_pb2.CARD_PRESENCE_OTHER_CARD)
    assert (event.reason, event.session) == ("not_my_number_card", "")
    with pytest.raises(grpc.RpcError) as refused:
        card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin="1234"))
    assert error_reason(refused.value) == "not_my_number_card"
    assert "マイナンバーカードではありません" in error_info_message_ja(refused.value)


def error_info_message_ja(error: grpc.RpcError) -> str:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    for detail in status.details:
        localized = error_details_pb2.LocalizedMessage()
        if detail.Unpack(localized):
            return str(localized.message)
    return ""


def test_corrupted_tlv_is_a_clear_error(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    card.insert("P8")
    card.bench.card.post("corrupt_tlv", on=True)
    with pytest.raises(grpc.RpcError) as corrupt:
        card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P8").text_pin))
    assert error_reason(corrupt.value) == "tlv_invalid"
    assert "DF21" in (corrupt.value.details() or "")
    assert error_info_message_ja(corrupt.value)
    session = card.kiosk.GetSession(card_pb2.GetSessionRequest(name=card.watch.seen[-1].session))
    assert not session.has_basic_info, "nothing of a rejected read is kept"


def device_state(card: CardDaemon, state: int, timeout: float = 15) -> device_pb2.Device:
    return wait_device_state(card.daemon.channel("kiosk"), "devices/card", state, timeout)


def test_reader_unplugged_goes_offline_wipes_and_comes_back(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    session = card.insert("P9").session
    card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P9").text_pin))
    card.bench.pcscd.stop()  # the reader (and pcscd with it) is gone
    absent = card.watch.expect(card_pb2.CARD_PRESENCE_READER_ABSENT)
    assert absent.reason == "reader_absent"
    offline = device_state(card, events_pb2.DEVICE_STATE_OFFLINE)
    assert offline.last_error.reason == "reader_absent"
    assert global_events(card, ended("card_removed", session))
    with pytest.raises(grpc.RpcError) as unavailable:
        card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P9").text_pin))
    assert unavailable.value.code() == grpc.StatusCode.UNAVAILABLE
    assert error_reason(unavailable.value) in ("reader_absent", "device_offline")
    with pytest.raises(grpc.RpcError):
        card.kiosk.GetSession(card_pb2.GetSessionRequest(name=session))

    card.bench.pcscd.start()  # plugged in again, the card still on it
    back = card.watch.expect(card_pb2.CARD_PRESENCE_MY_NUMBER_CARD, timeout=30)
    assert back.session and back.session != session
    device_state(card, events_pb2.DEVICE_STATE_IDLE)


def test_idle_timeout_warns_then_wipes(card_daemon: StartCardDaemon) -> None:
    card = card_daemon(idle_timeout_s=2.5, warn_before_s=1.5)
    session = card.insert("P10").session
    card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P10").text_pin))
    events = global_events(card, ended("idle_timeout", session))
    kinds = [e.resident_session.kind for e in events if e.resident_session.session == session]
    assert kinds == [
        card_pb2.SESSION_EVENT_KIND_STARTED,
        card_pb2.SESSION_EVENT_KIND_EXPIRING,
        card_pb2.SESSION_EVENT_KIND_ENDED,
    ]
    expiring = next(
        e.resident_session for e in events if e.resident_session.kind == card_pb2.SESSION_EVENT_KIND_EXPIRING
    )
    assert 0 < expiring.seconds_left <= 2 and expiring.expire_time.seconds > 0
    with pytest.raises(grpc.RpcError) as gone:
        card.kiosk.GetSession(card_pb2.GetSessionRequest(name=session))
    assert error_reason(gone.value) == "session_not_found"
    assert_no_personal_data(card)


def test_extend_session_restarts_the_countdown(card_daemon: StartCardDaemon) -> None:
    card = card_daemon(idle_timeout_s=3, warn_before_s=2.5)
    session = card.insert("P11").session

    def expiring(event: events_pb2.Event) -> bool:
        return event.resident_session.kind == card_pb2.SESSION_EVENT_KIND_EXPIRING

    global_events(card, expiring)
    extended = card.kiosk.ExtendSession(card_pb2.ExtendSessionRequest(name=session))
    assert extended.name == session and extended.seconds_left == 3
    events = global_events(card, lambda e: e.resident_session.kind == card_pb2.SESSION_EVENT_KIND_EXTENDED)
    assert events[-1].resident_session.session == session
    assert card.kiosk.GetSession(card_pb2.GetSessionRequest(name=session)).seconds_left >= 1


def test_end_session_wipes_and_a_new_read_starts_a_new_session(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    member = persona("P4")
    first = card.insert("P4").session
    read = card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=member.text_pin))
    assert read.session == first
    card.kiosk.EndSession(card_pb2.EndSessionRequest(session=first))
    assert global_events(card, ended("ended", first))
    with pytest.raises(grpc.RpcError) as gone:
        card.kiosk.EndSession(card_pb2.EndSessionRequest(session=first))
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND
    again = card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=member.text_pin))
    assert again.session.startswith("sessions/") and again.session != first


def test_authenticate_resident_verifies_the_signature(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    session = card.insert("P3").session
    result = card.kiosk.AuthenticateResident(card_pb2.AuthenticateResidentRequest(pin=persona("P3").auth_pin))
    assert result.signature_valid
    assert result.session == session
    assert result.certificate_subject.startswith("CN=") and result.certificate_serial
    assert result.certificate_expire_time.seconds > time.time()
    assert card.kiosk.GetSession(card_pb2.GetSessionRequest(name=session)).authenticated
    with pytest.raises(grpc.RpcError) as wrong:
        card.kiosk.AuthenticateResident(card_pb2.AuthenticateResidentRequest(pin="0000"))
    assert error_info(wrong.value).metadata["tries_left"] == "2"


def test_read_my_number_needs_staff_and_a_purpose(card_daemon: StartCardDaemon) -> None:
    card = card_daemon()
    member = persona("P1")
    session = card.insert("P1").session
    note = "鷲尾様 認定請求"  # a name in the note: accepted, kept nowhere
    request = card_pb2.ReadMyNumberRequest(pin=member.text_pin, purpose="jidou_teate", purpose_note=note)
    with pytest.raises(grpc.RpcError) as kiosk:
        card.kiosk.ReadMyNumber(request)
    assert kiosk.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as no_purpose:
        card.staff.ReadMyNumber(card_pb2.ReadMyNumberRequest(pin=member.text_pin, purpose="  "))
    assert no_purpose.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(no_purpose.value) == "purpose_required"
    typed = card_pb2.ReadMyNumberRequest(pin=member.text_pin, purpose="児童手当 認定請求")
    with pytest.raises(grpc.RpcError) as free_text:
        card.staff.ReadMyNumber(typed)
    assert error_reason(free_text.value) == "unknown_purpose"
    assert "児童手当" not in str(free_text.value.details())
    codes = [p.code for p in card.staff.ListMyNumberPurposes(card_pb2.ListMyNumberPurposesRequest()).purposes]
    assert "jidou_teate" in codes
    assert card.bench.card.state()["tries"]["text"] == 3, "refused before the card was touched"
    assert card.staff.ReadMyNumber(request).my_number == member.my_number
    logged = [line for line in card.daemon.log().splitlines() if "my number read" in line]
    assert len(logged) == 1 and "jidou_teate" in logged[0] and session in logged[0]
    assert "鷲尾" not in card.daemon.log() and "認定請求" not in card.daemon.log()
    assert_no_personal_data(card)
