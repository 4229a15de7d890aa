"""The ZVT link layer over a byte channel, pure (no I/O of its own): serial framing with ACK/NAK and
retries (``FramedLink``), or bare APDUs as ZVT sends them over TCP (``BareLink``).

Timers: T1 waits for ACK/NAK after a frame; T2 is the gap allowed between bytes inside a frame or APDU.
A frame is sent at most 1 + ``retries`` (3) times: again after a NAK or when T1 runs out.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from drivers.payment.errors import TerminalTimeout
from drivers.zvt.frames import (
    ACK,
    DLE,
    NAK,
    STX,
    ZvtFrameError,
    apdu_length,
    decode_frame,
    encode_frame,
    frame_length,
)

_LOGGER = logging.getLogger(__name__)

Clock = Callable[[], float]


class ByteChannel(Protocol):
    """Bytes to and from the terminal; ``read`` returns b"" when ``timeout`` passes and raises
    ``TerminalDisconnected`` when the line is gone."""

    def write(self, data: bytes) -> None: ...

    def read(self, size: int, timeout: float) -> bytes: ...

    def close(self) -> None: ...


class Link(Protocol):
    def send(self, apdu: bytes) -> None: ...

    def receive(self, timeout: float) -> bytes | None: ...

    def close(self) -> None: ...


class FramedLink:
    """``DLE STX … DLE ETX CRC`` frames, each answered with ACK or NAK."""

    def __init__(
        self,
        channel: ByteChannel,
        *,
        t1: float = 5.0,
        t2: float = 1.0,
        retries: int = 3,
        clock: Clock = time.monotonic,
    ) -> None:
        self._channel = channel
        self._t1, self._t2, self._retries, self._clock = t1, t2, retries, clock
        self._pending: deque[bytes] = deque()

    def close(self) -> None:
        self._channel.close()

    def send(self, apdu: bytes) -> None:
        frame = encode_frame(apdu)
        for attempt in range(1 + self._retries):
            self._channel.write(frame)
            answer = self._await_ack()
            if answer == ACK:
                return
            _LOGGER.info(
                "frame %s by the terminal (attempt %d)", "NAKed" if answer else "not ACKed", attempt + 1
            )
        raise TerminalTimeout(f"terminal did not ACK a frame after {1 + self._retries} attempts")

    def _await_ack(self) -> int | None:
        deadline = self._clock() + self._t1
        while (remaining := deadline - self._clock()) > 0:
            byte = self._channel.read(1, remaining)
            if not byte:
                return None
            if byte[0] in (ACK, NAK):
                return byte[0]
            if byte[0] == DLE:  # the terminal started a frame of its own: take it, then keep waiting
                apdu = self._read_frame_after_dle()
                if apdu is not None:
                    self._pending.append(apdu)
        return None

    def receive(self, timeout: float) -> bytes | None:
        if self._pending:
            return self._pending.popleft()
        deadline = self._clock() + timeout
        bad_frames = 0
        while (remaining := deadline - self._clock()) > 0:
            byte = self._channel.read(1, remaining)
            if not byte:
                return None
            if byte[0] != DLE:
                _LOGGER.debug("ignoring byte %02X outside a frame", byte[0])
                continue
            try:
                apdu = self._read_frame_after_dle()
            except ZvtFrameError:
                bad_frames += 1
                if bad_frames > self._retries:
                    raise
                continue
            if apdu is not None:
                return apdu
        return None

    def _read_frame_after_dle(self) -> bytes | None:
        """Read the rest of a frame whose DLE was read; ACK a good one, NAK a bad one (and raise)."""
        buffer = bytearray([DLE])
        second = self._channel.read(1, self._t2)
        if second != bytes([STX]):
            return None
        buffer += second
        while True:
            try:
                total = frame_length(bytes(buffer))
            except ZvtFrameError:
                self._channel.write(bytes([NAK]))
                raise
            if total is not None:
                break
            byte = self._channel.read(1, self._t2)
            if not byte:
                self._channel.write(bytes([NAK]))
                raise ZvtFrameError(f"frame truncated after {len(buffer)} bytes (T2)")
            buffer += byte
        try:
            apdu = decode_frame(bytes(buffer))
        except ZvtFrameError:
            self._channel.write(bytes([NAK]))
            raise
        self._channel.write(bytes([ACK]))
        return apdu


class BareLink:
    """Bare APDUs (ZVT over TCP): no framing, no ACK; TCP does the rest."""

    def __init__(self, channel: ByteChannel, *, t2: float = 1.0, clock: Clock = time.monotonic) -> None:
        self._channel, self._t2, self._clock = channel, t2, clock

    def close(self) -> None:
        self._channel.close()

    def send(self, apdu: bytes) -> None:
        self._channel.write(apdu)

    def receive(self, timeout: float) -> bytes | None:
        first = self._channel.read(1, timeout)
        if not first:
            return None
        buffer = bytearray(first)
        while (total := apdu_length(bytes(buffer))) is None or len(buffer) < total:
            want = 1 if total is None else total - len(buffer)
            chunk = self._channel.read(want, self._t2)
            if not chunk:
                raise ZvtFrameError(f"APDU truncated after {len(buffer)} bytes (T2)")
            buffer += chunk
        return bytes(buffer)
