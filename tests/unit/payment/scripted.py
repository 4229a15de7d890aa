"""A scripted byte channel with a fake clock, and tiny helpers for exact-bytes tests."""

from __future__ import annotations

from collections import deque
from typing import cast

from drivers.payment.errors import TerminalDisconnected
from drivers.zvt.frames import encode_frame

ACK = b"\x06"
NAK = b"\x15"


def HEX(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def FRAME(apdu_hex: str) -> bytes:
    return encode_frame(HEX(apdu_hex))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedChannel:
    """Steps: ("w", bytes) the driver must write exactly this; ("r", bytes) the terminal sends this;
    ("t", seconds) time passes before the next step; ("eof", b"") the line drops."""

    def __init__(self, clock: FakeClock, steps: list[tuple[str, object]]) -> None:
        self.clock = clock
        self.steps: deque[tuple[str, object]] = deque(steps)
        self.readable = bytearray()
        self.written = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written += data
        expected = bytearray()
        while self.steps and self.steps[0][0] == "w" and len(expected) < len(data):
            expected += cast(bytes, self.steps.popleft()[1])
        assert bytes(expected) == data, f"driver wrote {data.hex(' ')}, script expected {expected.hex(' ')}"
        self._release()

    def _release(self) -> None:
        while self.steps and self.steps[0][0] == "r":
            self.readable += cast(bytes, self.steps.popleft()[1])

    def read(self, size: int, timeout: float) -> bytes:
        self._release()
        if not self.readable and self.steps and self.steps[0][0] == "eof":
            raise TerminalDisconnected("scripted line drop")
        if not self.readable and self.steps and self.steps[0][0] == "t":
            _, seconds = self.steps.popleft()
            passed = min(float(seconds), timeout)  # type: ignore[arg-type]
            self.clock.now += passed
            if passed < float(seconds):  # type: ignore[arg-type]
                self.steps.appendleft(("t", float(seconds) - passed))  # type: ignore[arg-type]
                return b""
            self._release()
        if not self.readable:
            self.clock.now += timeout
            return b""
        chunk = bytes(self.readable[:size])
        del self.readable[:size]
        return chunk

    def close(self) -> None:
        self.closed = True

    def done(self) -> bool:
        return not self.steps and not self.readable
