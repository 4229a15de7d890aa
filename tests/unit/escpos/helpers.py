"""Tiny helpers for driver tests: HEX() and a scripted transport that records writes."""

from __future__ import annotations

from collections import deque

from drivers.escpos.errors import PrinterUnreachableError


def HEX(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


class ScriptedTransport:
    """Replies to DLE EOT n from a queue of status sets; records every write."""

    def __init__(self, *status_sets: bytes) -> None:
        self.status_sets = deque(status_sets)
        self.current = b""
        self.writes: list[bytes] = []
        self.replies: deque[int] = deque()
        self.opened = 0
        self.fail_writes = False

    def open(self) -> None:
        self.opened += 1

    def close(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        if self.fail_writes:
            raise PrinterUnreachableError("scripted write failure")
        self.writes.append(data)
        if data[:2] == b"\x10\x04" and len(data) == 3:
            if data[2] == 1:
                self.current = self.status_sets.popleft()
            self.replies.append(self.current[data[2] - 1])

    def read_byte(self) -> int:
        if not self.replies:
            raise PrinterUnreachableError("scripted timeout")
        return self.replies.popleft()
