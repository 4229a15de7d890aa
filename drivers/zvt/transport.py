"""The only module of the ZVT driver that touches pyserial (and through it, sockets).

| URI                                   | channel                         | link            |
|---------------------------------------|---------------------------------|-----------------|
| ``/dev/ttyUSB0``, ``/dev/pts/3``      | serial port, 9600 8N2           | serial framing  |
| ``serial:///dev/ttyUSB0?baud=9600``   | serial port                     | serial framing  |
| ``socket://127.0.0.1:20007``          | TCP, serial framing over it     | serial framing  |
| ``rfc2217://host:port``               | RFC 2217 serial server          | serial framing  |
| ``tcp://127.0.0.1:20007``             | TCP                             | bare APDUs      |

pyserial errors are translated here into ``TerminalDisconnected``.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import urllib.parse

import serial

from drivers.payment.errors import TerminalDisconnected

_LOGGER = logging.getLogger(__name__)

SCHEMES = ("serial", "socket", "rfc2217", "tcp")


class SerialChannel:
    """A ``ByteChannel`` over a pyserial port object."""

    def __init__(self, port: serial.SerialBase) -> None:
        self._port = port

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise TerminalDisconnected(f"write to the terminal failed: {exc}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        try:
            self._port.timeout = max(timeout, 0.0)
            return bytes(self._port.read(size))
        except (serial.SerialException, OSError) as exc:
            raise TerminalDisconnected(f"the terminal line is gone: {exc}") from exc

    def close(self) -> None:
        # pyserial's socket:// close() skips close() when shutdown() fails on a line the terminal already
        # dropped (leaking the socket) and then sleeps 0.3 s; close the socket ourselves first.
        sock = getattr(self._port, "_socket", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            self._port._socket = None
            self._port.is_open = False
            return
        try:
            self._port.close()
        except (serial.SerialException, OSError) as exc:
            _LOGGER.debug("closing the terminal line: %s", exc)


def open_channel(uri: str, *, connect_timeout: float = 5.0) -> tuple[SerialChannel, bool]:
    """Open the line named by ``uri``; return (channel, framed). Our own query keys are ignored here."""
    parts = urllib.parse.urlsplit(uri)
    query = dict(urllib.parse.parse_qsl(parts.query))
    framed = True
    if parts.scheme in ("", "serial"):
        url = parts.path
        kwargs: dict[str, object] = {
            "baudrate": int(query.get("baud", "9600")),
            "stopbits": serial.STOPBITS_TWO,
        }
    elif parts.scheme in ("socket", "rfc2217", "tcp"):
        framed = parts.scheme != "tcp"
        scheme = "socket" if parts.scheme == "tcp" else parts.scheme
        url = f"{scheme}://{parts.netloc}"
        kwargs = {}
    else:
        known = ", ".join(f"{scheme}://" for scheme in SCHEMES)
        raise TerminalDisconnected(
            f"unknown terminal URI scheme {parts.scheme!r}: expected {known} or /dev/tty…"
        )
    try:
        port = serial.serial_for_url(url, timeout=connect_timeout, **kwargs)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise TerminalDisconnected(f"cannot open terminal line {url}: {exc}") from exc
    sock = getattr(port, "_socket", None)  # socket://: small frames and ACK bytes must not wait for Nagle
    if isinstance(sock, socket.socket):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return SerialChannel(port), framed
