"""Processes around the simulated terminal: TCP listener or pty, control API, ready line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import tempfile
import threading
import tty
from pathlib import Path
from typing import Any

from simulators.control import ControlApi, ControlServer, make_control_server
from simulators.zvt_terminal.engine import DroppedError, Terminal
from simulators.zvt_terminal.store import TransactionLog
from simulators.zvt_terminal.wire import BareLink, ClosedError, FdPipe, FramedLink, SocketPipe, WireError

_LOGGER = logging.getLogger(__name__)


class Lines:
    """Open ECR connections, so /disconnect and /power_loss can drop them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipes: set[SocketPipe] = set()

    def add(self, pipe: SocketPipe) -> None:
        with self._lock:
            self._pipes.add(pipe)

    def remove(self, pipe: SocketPipe) -> None:
        with self._lock:
            self._pipes.discard(pipe)

    def drop_all(self) -> int:
        with self._lock:
            pipes, self._pipes = list(self._pipes), set()
        for pipe in pipes:
            pipe.close()
        return len(pipes)


def serve_line(terminal: Terminal, link: FramedLink | BareLink, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            raw = link.receive(0.5)
            if raw is not None:
                terminal.handle(link, raw)
        except DroppedError:
            _LOGGER.info("scenario: dropping the line")
            return
        except ClosedError:
            return
        except (WireError, IndexError, KeyError, ValueError) as exc:
            _LOGGER.warning("unreadable request ignored: %s", type(exc).__name__)


def serve_tcp(
    listener: socket.socket, terminal: Terminal, lines: Lines, bare: bool, stop: threading.Event
) -> None:
    def one(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pipe = SocketPipe(conn)
        lines.add(pipe)
        try:
            serve_line(terminal, BareLink(pipe) if bare else FramedLink(pipe), stop)
        finally:
            lines.remove(pipe)
            pipe.close()

    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=one, args=(conn,), daemon=True).start()


def control_api(terminal: Terminal, lines: Lines) -> ControlApi:
    """``script {"outcomes": [...], "brand": ...}``, ``delay {"ms": n}``, ``disconnect``, ``power_loss``,
    ``clear``; ``GET /log`` shows the transaction log."""

    def script(body: dict[str, Any]) -> None:
        outcomes = body.get("outcomes", [])
        if not isinstance(outcomes, list):
            raise ValueError("outcomes must be a list")
        terminal.script([str(outcome) for outcome in outcomes], body.get("brand"))

    def delay(body: dict[str, Any]) -> None:
        with terminal.lock:
            terminal.delay_ms = int(body["ms"])

    def power_loss(body: dict[str, Any]) -> dict[str, Any]:
        dropped = lines.drop_all()
        terminal.reset()
        terminal.log.reload()
        return {"dropped": dropped, "records": len(terminal.log.records)}

    return ControlApi(
        "zvt_terminal",
        terminal.state,
        {
            "script": script,
            "delay": delay,
            "disconnect": lambda body: {"dropped": lines.drop_all()},
            "power_loss": power_loss,
            "clear": lambda body: terminal.reset(),
        },
        views={"log": lambda: {"log": terminal.log.snapshot(), "batch": terminal.log.batch}},
    )


def control_server(host: str, port: int, terminal: Terminal, lines: Lines) -> ControlServer:
    return make_control_server(control_api(terminal, lines), host, port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.zvt_terminal", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--state-dir", type=Path, default=None)
    parser.add_argument("--pty", action="store_true", help="serve on a pty instead of TCP")
    parser.add_argument("--bare", action="store_true", help="bare APDUs over TCP (tcp://), no serial framing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    state_dir = args.state_dir or Path(tempfile.mkdtemp(prefix="zvt-terminal-"))
    terminal = Terminal(TransactionLog(state_dir))
    lines = Lines()
    stop = threading.Event()
    if args.pty:
        master, slave = os.openpty()
        tty.setraw(slave)
        endpoint = os.ttyname(slave)
        link = FramedLink(FdPipe(master))
        threading.Thread(target=serve_line, args=(terminal, link, stop), daemon=True).start()
    else:
        listener = socket.create_server((args.host, args.port))
        port = listener.getsockname()[1]
        endpoint = f"{'tcp' if args.bare else 'socket'}://{args.host}:{port}"
        thread_args = (listener, terminal, lines, args.bare, stop)
        threading.Thread(target=serve_tcp, args=thread_args, daemon=True).start()
    control = control_server(args.host, args.control_port, terminal, lines)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ready = {
        "simulator": "zvt_terminal",
        "endpoint": endpoint,
        "control": f"http://{args.host}:{control.server_address[1]}",
        "state_dir": str(state_dir),
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    stop.wait()
    control.shutdown()
    lines.drop_all()
    return 0
