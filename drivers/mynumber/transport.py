"""PC/SC transport over pcscd (the only module that imports ``smartcard``).

Uses pyscard's low-level ``smartcard.scard`` API: one context per transport, reader chosen by a
case-insensitive substring of its name, card changes through ``SCardGetStatusChange`` including the
``\\\\?PnP?\\Notification`` pseudo-reader, waited for in short slices so that :meth:`cancel` (or
``close``) stops a wait within half a second. No CardMonitor singleton, no callbacks on foreign threads.
PC/SC error codes are translated here into the driver's errors (``raise … from``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from smartcard import scard

from drivers.mynumber.apdu import format_exchange
from drivers.mynumber.errors import (
    CardAbsent,
    CardError,
    CardRemoved,
    CardTimeout,
    CardTransportError,
    ReaderAbsent,
)
from drivers.mynumber.model import ReaderEvent, ReaderEventKind

_LOGGER = logging.getLogger(__name__)
PNP_READER = "\\\\?PnP?\\Notification"
_SLICE_MS = 500
_U32 = 0xFFFFFFFF
# SCARD_F_COMM_ERROR: pcsc-lite's answer when pcscd dies while a call waits on its socket.
_NO_SERVICE = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_F_COMM_ERROR,
}
_REMOVED = {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD}
_READER_GONE = {scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE}


def _code(result: Any) -> int:
    return int(result) & _U32


def _establish() -> int:
    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if _code(result) != scard.SCARD_S_SUCCESS:
        raise ReaderAbsent(f"pcscd is not reachable: {_message(_code(result))}", code=_code(result))
    return int(context)


def _message(code: int) -> str:
    return f"{scard.SCardGetErrorMessage(code)} (0x{code:08X})"


class PcscTransport:
    """A :class:`drivers.mynumber.model.CardTransport` over pcscd for the reader matching ``pattern``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._context: int | None = None
        self._monitor_context: int | None = None
        self._card: int | None = None
        self._protocol = 0
        self._states: dict[str, int] = {}
        self._cancelled = threading.Event()
        self._lock = threading.Lock()

    # -- context and readers -------------------------------------------------------------------------
    def _ctx(self) -> int:
        if self._context is None:
            self._context = _establish()
        return self._context

    def _monitor_ctx(self) -> int:
        # A second context: pcsc-lite serialises calls per context, so waits must not block transmits.
        if self._monitor_context is None:
            self._monitor_context = _establish()
        return self._monitor_context

    def _fail(self, code: int, what: str) -> CardError:
        if code in _NO_SERVICE:
            self._drop_context()
            return ReaderAbsent(f"{what}: pcscd went away: {_message(code)}", code=code)
        if code in _READER_GONE:
            return ReaderAbsent(f"{what}: reader unavailable: {_message(code)}", code=code)
        if code in _REMOVED:
            return CardRemoved(f"{what}: card removed: {_message(code)}", code=code)
        if code == scard.SCARD_E_TIMEOUT:
            return CardTimeout(f"{what}: timed out: {_message(code)}", code=code)
        return CardTransportError(f"{what}: {_message(code)}", code=code)

    def _drop_context(self) -> None:
        self._card = None
        for context in (self._context, self._monitor_context):
            if context is not None:
                scard.SCardReleaseContext(context)
        self._context = self._monitor_context = None

    def list_readers(self) -> list[str]:
        return self._list_readers(self._ctx())

    def _list_readers(self, context: int) -> list[str]:
        result, readers = scard.SCardListReaders(context, [])
        code = _code(result)
        if code == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if code != scard.SCARD_S_SUCCESS:
            raise self._fail(code, "list readers")
        return [str(name) for name in readers]

    def reader_name(self) -> str:
        wanted = self.pattern.casefold()
        for name in self.list_readers():
            if wanted in name.casefold():
                return name
        raise ReaderAbsent(f"no reader matches {self.pattern!r}")

    def _reader_state(self, reader: str) -> tuple[int, bytes]:
        result, states = scard.SCardGetStatusChange(self._ctx(), 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        code = _code(result)
        if code != scard.SCARD_S_SUCCESS:
            raise self._fail(code, "reader state")
        _, event_state, atr = states[0]
        return int(event_state), bytes(atr)

    def card_present(self) -> bool:
        state, _ = self._reader_state(self.reader_name())
        return bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE

    # -- card ----------------------------------------------------------------------------------------
    def connect(self) -> bytes:
        reader = self.reader_name()
        if self._card is not None:
            self.disconnect()
        result, card, protocol = scard.SCardConnect(
            self._ctx(),
            reader,
            scard.SCARD_SHARE_EXCLUSIVE,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        code = _code(result)
        if code in _REMOVED:
            raise CardAbsent(f"no card on {reader!r}", code=code)
        if code == scard.SCARD_E_SHARING_VIOLATION:
            raise CardTransportError(f"{reader!r} is in use by another program", code=code)
        if code != scard.SCARD_S_SUCCESS:
            raise self._fail(code, "connect")
        self._card, self._protocol = int(card), int(protocol)
        _, atr = self._reader_state(reader)
        _LOGGER.debug("connected to %r, ATR %s", reader, atr.hex(" ").upper())
        return atr

    @property
    def connected(self) -> bool:
        return self._card is not None

    def transmit(self, command: bytes | bytearray) -> bytes:
        if self._card is None:
            raise CardAbsent("not connected to a card")
        with self._lock:
            result, response = scard.SCardTransmit(self._card, self._protocol, list(command))
        code = _code(result)
        if code != scard.SCARD_S_SUCCESS:
            _LOGGER.debug("%s (%s)", format_exchange(command, None), _message(code))
            error = self._transmit_error(code)
            self.disconnect()
            raise error
        raw = bytes(response)
        _LOGGER.debug("%s", format_exchange(command, raw))
        if len(raw) < 2:  # vpcd answers "nothing" when the card left mid-APDU
            error = self._transmit_error(scard.SCARD_E_NOT_TRANSACTED)
            self.disconnect()
            raise error
        return raw

    def _transmit_error(self, code: int) -> CardError:
        if code in _REMOVED or code in _READER_GONE or code in _NO_SERVICE:
            return self._fail(code, "transmit")
        # NOT_TRANSACTED / COMM errors: when the card left the field mid-APDU this is a removal, which
        # pcscd reports at its next presence poll (≤ 0.4 s): wait up to 1 s for it.
        try:
            present = self._wait_absent(1000)
        except CardError:
            present = False
        if not present:
            return CardRemoved(f"transmit: card removed: {_message(code)}", code=code)
        return self._fail(code, "transmit")

    def still_connected(self) -> bool:
        """True if the connected card is the same one still in the field (SCardStatus, no APDU)."""
        if self._card is None:
            return False
        result = scard.SCardStatus(self._card)[0]
        if _code(result) != scard.SCARD_S_SUCCESS:
            self.disconnect()
            return False
        return True

    def _wait_absent(self, timeout_ms: int) -> bool:
        """True if the card is still present after up to ``timeout_ms``."""
        reader = self.reader_name()
        state, _ = self._reader_state(reader)
        deadline = time.monotonic() + timeout_ms / 1000
        while state & scard.SCARD_STATE_PRESENT and time.monotonic() < deadline:
            left = max(1, int((deadline - time.monotonic()) * 1000))
            result, states = scard.SCardGetStatusChange(self._ctx(), left, [(reader, state)])
            if _code(result) != scard.SCARD_S_SUCCESS:
                break
            state = int(states[0][1]) & ~scard.SCARD_STATE_CHANGED
        return bool(state & scard.SCARD_STATE_PRESENT)

    def disconnect(self, unpower: bool = False) -> None:
        card, self._card = self._card, None
        if card is not None:
            disposition = scard.SCARD_UNPOWER_CARD if unpower else scard.SCARD_LEAVE_CARD
            scard.SCardDisconnect(card, disposition)

    # -- monitoring ------------------------------------------------------------------------------------
    def wait_for_change(self, timeout_s: float) -> list[ReaderEvent]:
        """Wait in ≤ 0.5 s slices for a reader or card change; the first call reports the current cards."""
        deadline = time.monotonic() + max(timeout_s, 0.0)
        self._cancelled.clear()
        while True:
            events = self._poll(min(_SLICE_MS, max(0, int((deadline - time.monotonic()) * 1000))))
            if events or self._cancelled.is_set() or time.monotonic() >= deadline:
                return events

    def _poll(self, timeout_ms: int) -> list[ReaderEvent]:
        context = self._monitor_ctx()
        all_readers = self._list_readers(context)
        wanted = self.pattern.casefold()
        readers = [name for name in all_readers if wanted in name.casefold()]
        states = [(name, self._states.get(name, scard.SCARD_STATE_UNAWARE)) for name in readers]
        states.append((PNP_READER, len(all_readers) << 16))
        result, new_states = scard.SCardGetStatusChange(context, timeout_ms, states)
        code = _code(result)
        if code == scard.SCARD_E_TIMEOUT or code == scard.SCARD_E_CANCELLED:
            return []
        if code != scard.SCARD_S_SUCCESS:
            raise self._fail(code, "wait for change")
        events: list[ReaderEvent] = []
        seen = set()
        for name, event_state, atr in new_states:
            if name == PNP_READER:
                continue
            seen.add(name)
            old = self._states.get(name)
            now = int(event_state) & ~scard.SCARD_STATE_CHANGED
            self._states[name] = now
            was_present = old is not None and bool(old & scard.SCARD_STATE_PRESENT)
            is_present = bool(now & scard.SCARD_STATE_PRESENT)
            if old is None:
                events.append(ReaderEvent(ReaderEventKind.READER_ADDED, name))
            if is_present and not was_present:
                events.append(ReaderEvent(ReaderEventKind.CARD_INSERTED, name, bytes(atr)))
            elif was_present and not is_present:
                events.append(ReaderEvent(ReaderEventKind.CARD_REMOVED, name))
        for name in [name for name in self._states if name not in seen]:
            del self._states[name]
            events.append(ReaderEvent(ReaderEventKind.READER_REMOVED, name))
        return events

    def cancel(self) -> None:
        """Stop a ``wait_for_change`` running on another thread (returns ``[]`` there)."""
        self._cancelled.set()
        if self._monitor_context is not None:
            scard.SCardCancel(self._monitor_context)

    def close(self) -> None:
        try:
            self.disconnect(unpower=True)
        except Exception:
            _LOGGER.debug("disconnect failed while closing", exc_info=True)
        self._drop_context()
