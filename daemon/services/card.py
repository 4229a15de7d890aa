"""kiosk.v1.CardService: card presence, PIN status, the reads of a resident session, and its countdown.

Every card operation runs on the card slot's worker (``slot.call``); the PIN is passed to the driver once
and never retried (docs/DESIGN.md principle 5). Errors are the driver's typed errors (``pin_wrong`` carries
``tries_left`` in ``ErrorInfo.metadata``). Reads go into the resident sessions store (daemon/sessions.py,
built by ``daemon.server.create_server``), which is wiped on card removal, ``EndSession`` or the idle
timeout.

Options (``[options.card]``): ``idle_timeout_s`` (120), ``warn_before_s`` (20), ``verify_integrity``
(false: when true, ReadBasicInfo also checks EF 0003's hashes, at the cost of a second VERIFY).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import card_pb2, card_pb2_grpc, common_pb2

from drivers.base import DeviceUnavailable
from drivers.mynumber import AuthResult, BasicInfo, CertificateInfo, MyNumberCardReader, PinKind, Sex
from drivers.mynumber.errors import CardRemoved, PinBlocked, WrongPin
from frontyard.municipality import MyNumberPurpose

from .. import inputs
from ..card import licence as licence_card
from ..card.monitor import CardMonitor
from ..errors import FailedPrecondition, InvalidArgument
from ..events import EventLog
from ..options import CardOptions
from ..registry import DeviceSlot
from ..sessions import EndReason, ResidentSession, ResidentSessions

_LOGGER = logging.getLogger(__name__)
Context = grpc.aio.ServicerContext[Any, Any]
T = TypeVar("T")

TICK_S = 0.2
AUTH_CERTIFICATE_KEY = "card.auth_certificate_serial"
_SEX = {
    Sex.MALE: common_pb2.SEX_MALE,
    Sex.FEMALE: common_pb2.SEX_FEMALE,
    Sex.NOT_APPLICABLE: common_pb2.SEX_NOT_APPLICABLE,
    Sex.NOT_KNOWN: common_pb2.SEX_UNSPECIFIED,
}


def _reader(device: object) -> MyNumberCardReader:
    if not isinstance(device, MyNumberCardReader):
        raise FailedPrecondition("the card slot is not a My Number card reader", reason="no_card_reader")
    return device


def _read_basic_info(pin: str, verify_integrity: bool) -> Callable[[object], tuple[BasicInfo, bool]]:
    def run(device: object) -> tuple[BasicInfo, bool]:
        reader = _reader(device)
        if verify_integrity:
            reader.check_integrity(pin)  # one VERIFY; a wrong PIN stops here, nothing is retried
        return reader.read_basic_info(pin), verify_integrity

    return run


def _pin_status(device: object) -> card_pb2.PinStatus:
    reader = _reader(device)
    sign = reader.pin_tries_left(PinKind.SIGN)
    auth = reader.pin_tries_left(PinKind.AUTH)
    text = reader.pin_tries_left(PinKind.TEXT)  # last: leaves the card primed for the text PIN
    return card_pb2.PinStatus(text_tries_left=text, auth_tries_left=auth, sign_tries_left=sign)


def _authenticate(pin: str, challenge: bytes) -> Callable[[object], tuple[AuthResult, CertificateInfo]]:
    def run(device: object) -> tuple[AuthResult, CertificateInfo]:
        reader = _reader(device)
        result = reader.authenticate(pin, challenge)
        return result, reader.read_auth_certificate()

    return run


class CardService(card_pb2_grpc.CardServiceServicer):
    def __init__(
        self, slot: DeviceSlot | None, sessions: ResidentSessions, monitor: CardMonitor, events: EventLog
    ) -> None:
        self.slot = slot
        self.sessions = sessions
        self.monitor = monitor
        self.events = events
        self.verify_integrity = False
        self.purposes: dict[str, MyNumberPurpose] = {}  # the municipality's 利用事務, by code

    def _slot(self) -> DeviceSlot:
        if self.slot is None:
            raise FailedPrecondition("no card reader is configured", reason="no_card_reader")
        return self.slot

    async def _call(self, function: Callable[[object], T], operation: str, pin_kind: PinKind | None) -> T:
        """Run on the card worker; wipe the session if the card left, show the new PIN counter."""
        try:
            return await self._slot().call(function, operation=operation)
        except CardRemoved:
            self.sessions.end_current(EndReason.CARD_REMOVED)
            raise
        except (WrongPin, PinBlocked) as exc:
            if pin_kind is PinKind.TEXT:
                self.monitor.update_tries(exc.tries_left)
            raise
        except DeviceUnavailable:
            self.sessions.end_current(EndReason.CARD_REMOVED)
            raise

    def _touch_current(self) -> ResidentSession | None:
        session = self.sessions.current
        if session is not None:
            self.sessions.touch(session)
        return session

    async def WatchCard(
        self, request: card_pb2.WatchCardRequest, context: Context
    ) -> AsyncIterator[card_pb2.CardEvent]:
        after = self.events.last_sequence
        for event in self.monitor.snapshot():
            yield event
        async for item in self.events.watch(after):
            if item.HasField("card"):
                yield item.card

    async def GetPinStatus(
        self, request: card_pb2.GetPinStatusRequest, context: Context
    ) -> card_pb2.PinStatus:
        self._touch_current()
        return await self._call(_pin_status, "pin_status", None)

    async def ReadBasicInfo(
        self, request: card_pb2.ReadBasicInfoRequest, context: Context
    ) -> card_pb2.BasicInfo:
        session = self._touch_current()
        info, verified = await self._call(
            _read_basic_info(request.pin, self.verify_integrity), "read_basic_info", PinKind.TEXT
        )
        if session is None or not session.active:
            session = self.sessions.start()
        session.set_basic_info(info)
        self.sessions.touch(session)
        _LOGGER.info("basic info read", extra={"session": session.name})
        return card_pb2.BasicInfo(
            session=session.name,
            name=info.name,
            address=info.address,
            birth_date=info.birth_date.isoformat(),
            sex=_SEX[info.sex],
            integrity_verified=verified,
        )

    async def ReadMyNumber(
        self, request: card_pb2.ReadMyNumberRequest, context: Context
    ) -> card_pb2.MyNumber:
        purpose = request.purpose.strip()
        if not purpose:
            raise InvalidArgument(
                "a purpose is required to read the 個人番号",
                reason="purpose_required",
                message_ja="個人番号を読み取る目的を選んでください。",
            )
        inputs.check_code(self.purposes, "purpose", purpose, what="purpose", what_ja="市が定める利用事務")
        inputs.check_note("purpose_note", request.purpose_note)  # kept nowhere until the audit log (issue 17)
        session = self._touch_current()
        session_name = session.name if session is not None else ""
        number = await self._call(
            lambda d: _reader(d).read_my_number(request.pin), "read_my_number", PinKind.TEXT
        )
        _LOGGER.info("my number read", extra={"purpose": purpose, "session": session_name})
        return card_pb2.MyNumber(my_number=number)

    async def ListMyNumberPurposes(
        self, request: card_pb2.ListMyNumberPurposesRequest, context: Context
    ) -> card_pb2.ListMyNumberPurposesResponse:
        return card_pb2.ListMyNumberPurposesResponse(
            purposes=[
                card_pb2.MyNumberPurpose(code=p.code, label_ja=p.label_ja, label_en=p.label_en, basis=p.basis)
                for p in self.purposes.values()
            ]
        )

    async def AuthenticateResident(
        self, request: card_pb2.AuthenticateResidentRequest, context: Context
    ) -> card_pb2.AuthenticationResult:
        session = self._touch_current()
        challenge = os.urandom(32)
        result, certificate = await self._call(
            _authenticate(request.pin, challenge), "authenticate", PinKind.AUTH
        )
        if session is None or not session.active:
            session = self.sessions.start()
        if result.signature_valid:
            session.authenticated = True
            session.attach(AUTH_CERTIFICATE_KEY, str(result.serial))
        _LOGGER.info(
            "resident authenticated",
            extra={"session": session.name, "signature_valid": result.signature_valid},
        )
        not_after = Timestamp()
        not_after.FromDatetime(certificate.not_after)
        return card_pb2.AuthenticationResult(
            session=session.name,
            signature_valid=result.signature_valid,
            certificate_subject=result.subject,
            certificate_serial=f"{result.serial:X}",
            certificate_expire_time=not_after,
        )

    async def GetLicencePinStatus(
        self, request: card_pb2.GetLicencePinStatusRequest, context: Context
    ) -> card_pb2.LicencePinStatus:
        self._touch_current()
        status = await self._call(licence_card.pin_status, "licence_pin_status", None)
        return card_pb2.LicencePinStatus(pin_set=status.pin_set, tries_left=status.tries_left)

    async def ReadLicence(self, request: card_pb2.ReadLicenceRequest, context: Context) -> card_pb2.Licence:
        session = self._touch_current()
        try:
            licence = await self._call(licence_card.read_licence(request.pin), "read_licence", None)
        except (WrongPin, PinBlocked) as exc:
            self.monitor.update_licence_tries(exc.tries_left)
            raise
        if session is None or not session.active:
            session = self.sessions.start()
        session.attach(licence_card.LICENCE_KEY, licence)
        self.sessions.touch(session)
        _LOGGER.info("licence read", extra={"session": session.name, "gaiji": len(licence.glyphs)})
        return licence_card.licence_message(licence, session.name)

    async def EndSession(
        self, request: card_pb2.EndSessionRequest, context: Context
    ) -> card_pb2.EndSessionResponse:
        inputs.check(inputs.SESSION, "session", request.session)
        self.sessions.end(request.session, EndReason.ENDED)
        return card_pb2.EndSessionResponse()

    async def GetSession(
        self, request: card_pb2.GetSessionRequest, context: Context
    ) -> card_pb2.ResidentSession:
        inputs.check(inputs.SESSION, "name", request.name)
        return self.sessions.message(self.sessions.get(request.name))

    async def ExtendSession(
        self, request: card_pb2.ExtendSessionRequest, context: Context
    ) -> card_pb2.ResidentSession:
        inputs.check(inputs.SESSION, "name", request.name)
        self.sessions.extend(request.name)
        return self.sessions.message(self.sessions.get(request.name))


class CardServiceRunner:
    service_names = ("kiosk.v1.CardService",)

    def __init__(
        self,
        options: CardOptions,
        slot: DeviceSlot | None,
        sessions: ResidentSessions,
        events: EventLog,
        purposes: dict[str, MyNumberPurpose],
    ) -> None:
        self.sessions = sessions
        self.monitor = CardMonitor(slot, sessions, events)
        self.servicer = CardService(slot, sessions, self.monitor, events)
        self.servicer.verify_integrity = options.verify_integrity
        self.servicer.purposes = purposes  # the municipality's 利用事務
        self._timer: asyncio.Task[None] | None = None

    def add_to_server(self, server: grpc.aio.Server) -> None:
        card_pb2_grpc.add_CardServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        await self.monitor.start()
        self._timer = asyncio.get_running_loop().create_task(self._tick(), name="resident-session-timer")

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                self.sessions.tick()
            except Exception:
                _LOGGER.exception("session timer failed")

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        await self.monitor.stop()
        self.sessions.end_current(EndReason.ENDED)
