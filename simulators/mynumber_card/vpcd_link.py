"""The vpcd side of the virtual card: a TCP client to pcscd's vpcd (length-prefixed frames).

vpcd sends 1-byte control frames (00 power off, 01 power on, 02 reset, 04 get ATR) and APDU frames; the
card answers GET ATR and APDUs. ``TCP_QUICKACK`` is set after every read, else each APDU waits for TCP's
delayed ACK. Insertion = connect, removal = close the socket (vpcd ejects the card on its next presence
poll). While a card is inserted the link reconnects whenever the connection drops (pcscd restarted).
An empty ATR is never sent: vpcd 3.3 then stops asking and a later insertion would go unseen.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from typing import Protocol

_LOGGER = logging.getLogger(__name__)
POWER_OFF, POWER_ON, RESET, GET_ATR = 0, 1, 2, 4


class LinkClosedError(Exception):
    """The vpcd connection ended (pcscd stopped, or the card was pulled)."""


class VpcdLink:
    """Keeps one connection to vpcd alive; ``handler`` owns all card behaviour."""

    def __init__(self, host: str, port: int, handler: LinkHandler) -> None:
        self.host, self.port = host, port
        self.handler = handler
        self.connected = threading.Event()
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="vpcd-link", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.drop()
        self._thread.join(timeout=3)

    def insert(self) -> None:
        """Connect to vpcd (a card enters the field)."""
        self._wanted.set()

    def drop(self) -> None:
        """Close the connection now (the card leaves the field) and stay away until ``insert``."""
        self._wanted.clear()
        with self._lock:
            sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _run(self) -> None:
        warned = False
        while not self._stop.is_set():
            if not self._wanted.wait(0.2):
                continue
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
            except OSError as exc:
                if not warned:
                    _LOGGER.warning(
                        "cannot reach vpcd on %s:%d (%s); is pcscd running?", self.host, self.port, exc
                    )
                    warned = True
                self._stop.wait(0.2)
                continue
            warned = False
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sock = sock
            self.connected.set()
            _LOGGER.info("connected to vpcd on %s:%d", self.host, self.port)
            try:
                self._serve(sock)
            except (LinkClosedError, OSError) as exc:
                _LOGGER.info("vpcd link closed: %s", exc)
            finally:
                with self._lock:
                    self._sock = None
                self.connected.clear()
                sock.close()
                self.handler.on_disconnect()

    def _recv_exact(self, sock: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = sock.recv(size - len(data))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            if not chunk:
                raise LinkClosedError("vpcd closed the connection")
            data += chunk
        return data

    def _serve(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            (length,) = struct.unpack(">H", self._recv_exact(sock, 2))
            payload = self._recv_exact(sock, length) if length else b""
            if length == 1:
                reply = self.handler.on_control(payload[0])
            else:
                reply = self.handler.on_apdu(payload)
                if reply is None:  # the card leaves the field mid-APDU
                    raise LinkClosedError("card removed mid-APDU")
            if reply is not None:
                sock.sendall(struct.pack(">H", len(reply)) + reply)


class LinkHandler(Protocol):
    """What the link calls; the simulator implements it."""

    def on_control(self, code: int) -> bytes | None:
        """Answer a control frame: bytes for GET ATR (empty = no card), None for power/reset."""

    def on_apdu(self, command: bytes) -> bytes | None:
        """Answer an APDU; None pulls the card out of the field mid-APDU."""

    def on_disconnect(self) -> None:
        """The connection ended."""
