"""A plain TCP byte channel for the ZVT driver in tests.

pyserial's ``socket://`` close sleeps 0.3 s and leaks the socket when the peer is already gone
(``shutdown`` raises before ``close``); the stateful test closes lines hundreds of times, so it talks to
the simulator through this channel instead. The framing, codec and terminal adapter are the real ones.
"""

from __future__ import annotations

import select
import socket
import urllib.parse

from drivers.payment import TerminalDisconnected


class TcpChannel:
    def __init__(self, uri: str) -> None:
        parts = urllib.parse.urlsplit(uri)
        try:
            self._sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2)
        except OSError as exc:
            raise TerminalDisconnected(f"cannot connect: {exc}") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise TerminalDisconnected(f"write failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        try:
            poller = select.poll()
            poller.register(self._sock, select.POLLIN)
            if not poller.poll(max(timeout, 0.0) * 1000):
                return b""
            data = self._sock.recv(size)
        except (OSError, ValueError) as exc:
            raise TerminalDisconnected(f"read failed: {exc}") from exc
        if not data:
            raise TerminalDisconnected("the terminal closed the line")
        return data

    def close(self) -> None:
        self._sock.close()


def factory(uri: str) -> tuple[TcpChannel, bool]:
    return TcpChannel(uri), True
