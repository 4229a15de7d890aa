"""ResidentSessions with a fake clock: countdown, warnings, wipes, and the events they publish."""

from __future__ import annotations

import datetime

import pytest
from google.rpc import error_details_pb2
from kiosk.v1 import card_pb2

from daemon.errors import error_metadata, status_for
from daemon.sessions import BasicInfo, EndReason, ResidentSessions, SessionNotFound
from drivers.mynumber import Sex
from drivers.mynumber.errors import PinBlocked, WrongPin

INFO = BasicInfo("指宿\u3000太郎", "鹿児島県指宿市十町２４２４番地", datetime.date(1958, 4, 1), Sex.MALE)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def published() -> list[card_pb2.SessionEvent]:
    return []


@pytest.fixture
def sessions(clock: FakeClock, published: list[card_pb2.SessionEvent]) -> ResidentSessions:
    return ResidentSessions(published.append, idle_timeout_s=120, warn_before_s=20, clock=clock)


def kinds(published: list[card_pb2.SessionEvent]) -> list[str]:
    return [card_pb2.SessionEventKind.Name(event.kind) for event in published]


def test_countdown_warns_once_then_wipes_on_idle_timeout(
    sessions: ResidentSessions, clock: FakeClock, published: list[card_pb2.SessionEvent]
) -> None:
    session = sessions.start()
    session.set_basic_info(INFO)
    session.attach("frontyard.visit", "visits/1")
    clock.now += 99
    sessions.tick()
    assert kinds(published) == ["SESSION_EVENT_KIND_STARTED"]
    clock.now += 1.5  # 19.5 s left
    sessions.tick()
    sessions.tick()
    assert kinds(published) == ["SESSION_EVENT_KIND_STARTED", "SESSION_EVENT_KIND_EXPIRING"]
    assert published[-1].seconds_left in (19, 20) and published[-1].expire_time.seconds > 0
    clock.now += 19.5
    sessions.tick()
    assert kinds(published)[-1] == "SESSION_EVENT_KIND_ENDED"
    assert published[-1].reason == "idle_timeout" and published[-1].session == session.name
    assert session.basic_info is None and session.attached("frontyard.visit") is None
    assert not session.active and sessions.current is None
    with pytest.raises(SessionNotFound) as gone:
        sessions.get(session.name)
    assert gone.value.reason == "session_not_found"
    with pytest.raises(SessionNotFound):
        session.attach("x", 1)


def test_extend_and_activity_restart_the_countdown(
    sessions: ResidentSessions, clock: FakeClock, published: list[card_pb2.SessionEvent]
) -> None:
    session = sessions.start()
    clock.now += 110
    sessions.tick()
    assert kinds(published)[-1] == "SESSION_EVENT_KIND_EXPIRING"
    assert session.extend() == 120
    assert kinds(published)[-1] == "SESSION_EVENT_KIND_EXTENDED"
    clock.now += 110
    sessions.tick()
    sessions.touch(session)  # a call on the session while the warning is out
    assert kinds(published)[-2:] == ["SESSION_EVENT_KIND_EXPIRING", "SESSION_EVENT_KIND_EXTENDED"]
    clock.now += 119
    sessions.tick()
    assert session.active and sessions.get(session.name) is session
    assert sessions.message(session).seconds_left == 1


def test_a_new_card_ends_the_previous_session_and_end_wipes(
    sessions: ResidentSessions, published: list[card_pb2.SessionEvent]
) -> None:
    first = sessions.start()
    first.set_basic_info(INFO)
    second = sessions.start()
    assert first.name != second.name and first.name.startswith("sessions/")
    assert (published[1].kind, published[1].reason) == (card_pb2.SESSION_EVENT_KIND_ENDED, "card_removed")
    assert first.basic_info is None
    assert sessions.get(second.name.removeprefix("sessions/")) is second  # bare id accepted
    sessions.end(second.name, EndReason.ENDED)
    assert published[-1].reason == "ended"
    with pytest.raises(SessionNotFound):
        sessions.end(second.name)
    assert sessions.end_current(EndReason.CARD_REMOVED) == ""


def test_events_and_reprs_carry_no_personal_data(
    sessions: ResidentSessions, published: list[card_pb2.SessionEvent]
) -> None:
    session = sessions.start()
    session.set_basic_info(INFO)
    sessions.end_current(EndReason.CARD_REMOVED)
    for event in published:
        data = event.SerializeToString()
        assert INFO.name.encode() not in data and INFO.address.encode() not in data
    assert "太郎" not in repr(session) and "太郎" not in repr(INFO)


def test_bad_timeouts_are_refused(published: list[card_pb2.SessionEvent]) -> None:
    with pytest.raises(ValueError, match="idle_timeout_s"):
        ResidentSessions(published.append, idle_timeout_s=0)


def test_pin_errors_carry_tries_left_in_error_info_metadata() -> None:
    assert error_metadata(WrongPin(2)) == {"tries_left": "2"}
    assert error_metadata(PinBlocked()) == {"tries_left": "0"}
    assert error_metadata(ValueError("x")) == {}
    status = status_for(WrongPin(1))
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert (info.reason, dict(info.metadata)) == ("pin_wrong", {"tries_left": "1"})
    assert "1 try left" in status.message
