"""The simulator's two servers: raw TCP ESC/POS (like port 9100) and the HTTP JSON control API.

Control API (``POST`` bodies are JSON objects):

| request                              | effect                                                |
|--------------------------------------|-------------------------------------------------------|
| ``GET /state``                       | status flags, roll, receipts printed (text, QR, PNG)   |
| ``POST /paper {"state": "ok"|"near_end"|"out"}`` | set the paper sensor                       |
| ``POST /cover {"open": bool}``       | open or close the cover                               |
| ``POST /offline {"on": bool}``       | take the printer offline / back online                 |
| ``POST /roll {"remaining_mm": n}``   | paper present; it runs out after ``n`` mm              |
| ``POST /refill``                     | new roll: paper ok, no limit                           |
| ``POST /garbage_status {"on": bool}``| answer ``DLE EOT`` with malformed bytes               |
| ``POST /clear``                      | forget printed receipts and reset every fault         |
"""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
from collections.abc import Callable
from typing import Any

from simulators.control import ControlApi
from simulators.escpos_printer.model import PrinterModel
from simulators.escpos_printer.parser import StreamParser

_LOGGER = logging.getLogger(__name__)
READ_CHUNK = 65536


class EscposServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], model: PrinterModel) -> None:
        self.model = model
        super().__init__(address, _EscposHandler)


class _EscposHandler(socketserver.BaseRequestHandler):
    server: EscposServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        parser = StreamParser()
        model = self.server.model
        try:
            while True:
                chunk = sock.recv(READ_CHUNK)
                if not chunk:
                    break
                reply = b"".join(model.apply(command) for command in parser.feed(chunk))
                if reply:
                    sock.sendall(reply)
        except OSError as exc:
            _LOGGER.info("printer connection ended: %s", exc)
        finally:
            if parser.pending:
                _LOGGER.warning(
                    "connection closed inside a command: %s", parser.pending[:16].hex(" ").upper()
                )
            model.connection_closed()


def _bool(body: dict[str, Any], key: str) -> bool:
    value = body.get(key)
    if not isinstance(value, bool):
        raise ValueError(f"{key!r} must be true or false")
    return value


def _paper(model: PrinterModel, body: dict[str, Any]) -> None:
    state = body.get("state")
    if state not in ("ok", "near_end", "out"):
        raise ValueError("'state' must be ok, near_end or out")
    model.paper = str(state)
    if state == "out":
        model.remaining_mm = 0.0
    elif model.remaining_mm == 0.0:
        model.remaining_mm = None


def _roll(model: PrinterModel, body: dict[str, Any]) -> None:
    remaining = body.get("remaining_mm")
    if not isinstance(remaining, int | float) or isinstance(remaining, bool) or remaining < 0:
        raise ValueError("'remaining_mm' must be a number >= 0")
    model.remaining_mm = float(remaining)
    model.paper = "ok" if remaining > 0 else "out"


def _refill(model: PrinterModel, body: dict[str, Any]) -> None:
    model.paper, model.remaining_mm = "ok", None


def _clear(model: PrinterModel, body: dict[str, Any]) -> None:
    model.paper, model.remaining_mm = "ok", None
    model.cover_open = model.offline = model.garbage_status = False
    model.receipts.clear()
    model.skipped_bytes = 0
    model.status_queries = 0
    for path in model.receipt_dir.glob("*"):
        path.unlink()


ACTIONS: dict[str, Callable[[PrinterModel, dict[str, Any]], None]] = {
    "paper": _paper,
    "cover": lambda model, body: setattr(model, "cover_open", _bool(body, "open")),
    "offline": lambda model, body: setattr(model, "offline", _bool(body, "on")),
    "roll": _roll,
    "refill": _refill,
    "garbage_status": lambda model, body: setattr(model, "garbage_status", _bool(body, "on")),
    "clear": _clear,
}


def control_api(model: PrinterModel) -> ControlApi:
    """The control API of the table above: each action runs under the model's lock."""

    def locked(action: Callable[[PrinterModel, dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
        def run(body: dict[str, Any]) -> None:
            with model.lock:
                action(model, body)

        return run

    return ControlApi(
        "escpos_printer", model.snapshot, {name: locked(action) for name, action in ACTIONS.items()}
    )


def serve_in_threads(*servers: socketserver.BaseServer) -> list[threading.Thread]:
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    return threads
