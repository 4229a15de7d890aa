"""The card monitor: reader and card changes become ``CardEvent``s, prefetches and resident sessions.

Two halves (docs/STYLE.md habits 10 and 11):

- a background thread (not the device worker) calls the driver's ``wait_for_change(0.5)``, which waits
  on its own PC/SC context in 0.5 s slices, and hands what it sees to the asyncio loop; it stops within a
  second of :meth:`CardMonitor.stop`;
- a task on the loop turns those changes into state: on insert it probes the card through the device
  worker (one SELECT, then the text PIN's retry counter, which also primes the card so that the read
  after the PIN costs two APDUs), starts a resident session for a My Number card, and publishes a
  ``CardEvent`` (``Event.card``); on removal, or when the reader disappears, it wipes the session.

RPC handlers read :meth:`CardMonitor.snapshot`; they never poll the reader themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import card_pb2, events_pb2

from drivers.base import DeviceBusy, DeviceError, DeviceUnavailable
from drivers.licence import LicencePinStatus
from drivers.mynumber import CardStatus, MyNumberCardReader, PinKind, ReaderEvent, ReaderEventKind
from drivers.mynumber.errors import CardAbsent, CardRemoved

from ..events import EventLog
from ..registry import DeviceSlot
from ..sessions import EndReason, ResidentSessions
from . import licence as licence_card

_LOGGER = logging.getLogger(__name__)

WAIT_SLICE_S = 0.5
PROBE_BUSY_RETRIES = 30
PROBE_BUSY_DELAY_S = 0.1
_SESSION_PRESENCES = (card_pb2.CARD_PRESENCE_MY_NUMBER_CARD, card_pb2.CARD_PRESENCE_DRIVERS_LICENCE)


@dataclass(frozen=True)
class _Resync:
    """The thread saw the reader come back after an error: ask the card again."""


_Item = list[ReaderEvent] | DeviceError | _Resync


def _probe_card(device: object) -> tuple[CardStatus, int | None, LicencePinStatus | None]:
    """On the device worker: what is in the reader, and the text PIN's tries left (primes the card);
    for another card, whether it is a 運転免許証 and its PIN1 status (daemon/card/licence.py)."""
    assert isinstance(device, MyNumberCardReader)
    status = device.card_status()
    tries = device.pin_tries_left(PinKind.TEXT) if status is CardStatus.MY_NUMBER_CARD else None
    licence = licence_card.probe(device) if status is CardStatus.OTHER_CARD else None
    return status, tries, licence


class _WaitThread:
    """Calls ``wait_for_change`` on whatever device the slot holds and delivers the results."""

    def __init__(self, slot: DeviceSlot, deliver: Callable[[_Item], None]) -> None:
        self._slot = slot
        self._deliver = deliver
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"card-monitor-{slot.config.slot}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        failed, strikes = False, 0
        while not self._stop.is_set():
            device = self._slot.device
            if not isinstance(device, MyNumberCardReader):
                if not failed:
                    failed = True
                    self._deliver(DeviceUnavailable(f"{self._slot.name} is not open", reason="reader_absent"))
                self._stop.wait(WAIT_SLICE_S)
                continue
            try:
                events = device.wait_for_change(WAIT_SLICE_S)
            except DeviceError as exc:
                error: DeviceError = exc
                last_error = self._slot.last_error
                if self._slot.device is not device and last_error is not None:
                    # The registry closed the device under our wait: its error is the real cause.
                    error = DeviceUnavailable(last_error.message, reason=last_error.reason)
                strikes += 1
                # A one-off PC/SC failure is asked again first: the next wait tells a dead pcscd
                # (reader_absent) from a hiccup.
                if not failed and (isinstance(error, DeviceUnavailable) or strikes > 1):
                    failed = True
                    self._deliver(error)
                self._stop.wait(WAIT_SLICE_S if failed else 0.05)
                continue
            except Exception:  # a bug must not kill presence detection silently
                _LOGGER.exception("card monitor wait failed")
                self._stop.wait(WAIT_SLICE_S)
                continue
            strikes = 0
            if failed:
                failed = False
                if not events:
                    self._deliver(_Resync())
            if events:
                self._deliver(events)


class CardMonitor:
    """Owns the cached card state of the card slot and the resident session's life."""

    def __init__(self, slot: DeviceSlot | None, sessions: ResidentSessions, events: EventLog) -> None:
        self.slot = slot
        self.sessions = sessions
        self.events = events
        self.readers: dict[str, card_pb2.CardEvent] = {}
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._thread: _WaitThread | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def device_name(self) -> str:
        return self.slot.name if self.slot is not None else ""

    # -- life ------------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.slot is None:
            return
        self._task = self._loop.create_task(self._process(), name="card-monitor")
        self._thread = _WaitThread(self.slot, self._deliver)
        self._thread.start()

    async def stop(self) -> None:
        if self._thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._thread.stop)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _deliver(self, item: _Item) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed while we were waiting
                loop.call_soon_threadsafe(self._queue.put_nowait, item)

    # -- state -----------------------------------------------------------------------------------------
    def snapshot(self) -> list[card_pb2.CardEvent]:
        """The current state of every reader (a CARD_PRESENCE_READER_ABSENT entry when there is none)."""
        if not self.readers:
            return [self._event("", card_pb2.CARD_PRESENCE_READER_ABSENT, reason="reader_absent")]
        current = self.sessions.current
        result = []
        for event in self.readers.values():
            copy = card_pb2.CardEvent()
            copy.CopyFrom(event)
            copy.session = current.name if current and event.presence in _SESSION_PRESENCES else ""
            result.append(copy)
        return result

    def reader_of_session(self) -> str:
        for name, event in self.readers.items():
            if event.presence in _SESSION_PRESENCES:
                return name
        return next(iter(self.readers), "")

    def publish(self, event: card_pb2.CardEvent) -> None:
        """Cache ``event`` as its reader's state and put it on the global stream (loop thread only)."""
        self.readers[event.reader] = event
        self.events.publish(events_pb2.Event(device=self.device_name, card=event))

    def update_tries(self, tries_left: int) -> None:
        """After a VERIFY: show the new retry counter on the reader of the card."""
        reader = self.reader_of_session()
        previous = self.readers.get(reader)
        if previous is None or previous.presence != card_pb2.CARD_PRESENCE_MY_NUMBER_CARD:
            return
        event = self._event(reader, previous.presence, session=self._session_name(), tries=tries_left)
        self.publish(event)

    def update_licence_tries(self, tries_left: int) -> None:
        """After a licence VERIFY: show PIN1's new retry counter."""
        reader = self.reader_of_session()
        previous = self.readers.get(reader)
        if previous is None or previous.presence != card_pb2.CARD_PRESENCE_DRIVERS_LICENCE:
            return
        event = self._event(reader, previous.presence, session=self._session_name())
        event.licence_pin_tries_left = tries_left
        event.licence_pin_set = previous.licence_pin_set
        self.publish(event)

    def _session_name(self) -> str:
        current = self.sessions.current
        return current.name if current is not None else ""

    def _event(
        self, reader: str, presence: int, *, session: str = "", reason: str = "", tries: int | None = None
    ) -> card_pb2.CardEvent:
        stamp = Timestamp()
        stamp.GetCurrentTime()
        event = card_pb2.CardEvent(
            reader=reader,
            presence=presence,  # type: ignore[arg-type]
            session=session,
            event_time=stamp,
            reason=reason,
        )
        if tries is not None:
            event.text_tries_left = tries
        return event

    # -- processing (loop) -----------------------------------------------------------------------------
    async def _process(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._handle(item)
            except Exception:
                _LOGGER.exception("card monitor could not handle a change")

    async def _handle(self, item: _Item) -> None:
        if isinstance(item, DeviceError):
            _LOGGER.info("card reader unavailable", extra={"reason": item.reason, "error": str(item)})
            self._all_absent(item.reason or "reader_absent")
            return
        if isinstance(item, _Resync):
            name = self.slot.health.model if self.slot is not None else ""
            await self._probe(name or self.reader_of_session())
            return
        for change in item:
            _LOGGER.info("card reader change", extra={"change": change.kind.value, "reader": change.reader})
            if change.kind is ReaderEventKind.READER_ADDED:
                self.publish(self._event(change.reader, card_pb2.CARD_PRESENCE_NO_CARD))
            elif change.kind is ReaderEventKind.CARD_INSERTED:
                await self._probe(change.reader)
            elif change.kind is ReaderEventKind.CARD_REMOVED:
                self._end_session(EndReason.CARD_REMOVED)
                self.publish(self._event(change.reader, card_pb2.CARD_PRESENCE_NO_CARD))
            elif change.kind is ReaderEventKind.READER_REMOVED:
                self._end_session(EndReason.CARD_REMOVED)
                self.publish(
                    self._event(change.reader, card_pb2.CARD_PRESENCE_READER_ABSENT, reason="reader_absent")
                )

    def _all_absent(self, reason: str) -> None:
        self._end_session(EndReason.CARD_REMOVED)
        readers = list(self.readers) or [""]
        for reader in readers:
            previous = self.readers.get(reader)
            if previous is None or previous.presence != card_pb2.CARD_PRESENCE_READER_ABSENT:
                self.publish(self._event(reader, card_pb2.CARD_PRESENCE_READER_ABSENT, reason=reason))

    def _end_session(self, reason: EndReason) -> None:
        self.sessions.end_current(reason)

    async def _probe(self, reader: str) -> None:
        assert self.slot is not None
        for _ in range(PROBE_BUSY_RETRIES):
            try:
                status, tries, licence = await self.slot.call(_probe_card, operation="card_probe")
                break
            except DeviceBusy:
                await asyncio.sleep(PROBE_BUSY_DELAY_S)
            except (CardRemoved, CardAbsent):
                return  # the removal follows as its own change
            except DeviceUnavailable as exc:
                self._all_absent(exc.reason)
                return
            except DeviceError as exc:
                _LOGGER.info("card does not answer", extra={"reason": exc.reason})
                self._end_session(EndReason.CARD_REMOVED)
                self.publish(self._event(reader, card_pb2.CARD_PRESENCE_UNRESPONSIVE, reason=exc.reason))
                return
        else:
            _LOGGER.warning("card probe skipped: the reader stayed busy")
            return
        if status is CardStatus.MY_NUMBER_CARD:
            session = self.sessions.start()
            self.publish(
                self._event(reader, card_pb2.CARD_PRESENCE_MY_NUMBER_CARD, session=session.name, tries=tries)
            )
        elif licence is not None:
            session = self.sessions.start()
            event = self._event(reader, card_pb2.CARD_PRESENCE_DRIVERS_LICENCE, session=session.name)
            event.licence_pin_tries_left, event.licence_pin_set = licence.tries_left, licence.pin_set
            self.publish(event)
        elif status is CardStatus.OTHER_CARD:
            self._end_session(EndReason.CARD_REMOVED)
            self.publish(self._event(reader, card_pb2.CARD_PRESENCE_OTHER_CARD, reason="not_my_number_card"))
        else:
            self._end_session(EndReason.CARD_REMOVED)
            self.publish(self._event(reader, card_pb2.CARD_PRESENCE_NO_CARD))
