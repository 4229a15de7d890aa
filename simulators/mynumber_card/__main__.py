"""``python -m simulators.mynumber_card``: a virtual My Number card in pcscd's vpcd reader.

Prints one JSON ready line on stdout once connected to vpcd, e.g.
``{"simulator": "mynumber_card", "endpoint": "pcsc://Virtual%20PCD%2000%2000", "control": "http://127.0.0.1:PORT"}``.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from simulators.mynumber_card.server import CardSimulator, make_control_server

_LOGGER = logging.getLogger("simulators.mynumber_card")
VPCD_PORT = 35963


def _vpcd_listening(port: int, timeout: float) -> bool:
    """Wait until something listens on ``port`` (read from /proc/net/tcp: a probe connection would be
    accepted by vpcd as a card, and its backlog holds a single connection)."""
    table = Path("/proc/net/tcp")
    if not table.exists():
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                return True
        time.sleep(0.1)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.mynumber_card", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="where pcscd's vpcd listens (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=VPCD_PORT, help="vpcd port: 35963 = slot 00, 35964 = slot 01"
    )
    parser.add_argument(
        "--control-port", type=int, default=0, help="HTTP control port on 127.0.0.1 (0 = any)"
    )
    parser.add_argument("--state-dir", type=Path, default=None, help="cache for generated keys")
    parser.add_argument("--insert", metavar="PERSONA", help="start with this persona's card inserted")
    parser.add_argument("--connect-timeout", type=float, default=10.0, help="seconds to wait for vpcd")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    port = VPCD_PORT if args.port == 0 else args.port
    simulator = CardSimulator(args.host, port, args.state_dir)
    control = make_control_server(simulator, args.control_port)
    threading.Thread(target=control.serve_forever, name="control", daemon=True).start()
    simulator.link.start()
    if not _vpcd_listening(port, args.connect_timeout):
        _LOGGER.error(
            "nothing listens on %s:%d; start pcscd --foreground with vsmartcard-vpcd", args.host, port
        )
        control.shutdown()
        return 2
    if args.insert:
        simulator.insert({"persona": args.insert})
    reader = f"Virtual PCD 00 {port - VPCD_PORT:02d}"
    ready = {
        "simulator": "mynumber_card",
        "endpoint": "pcsc://" + urllib.parse.quote(reader),
        "reader": reader,
        "control": f"http://127.0.0.1:{control.server_address[1]}",
    }
    print(json.dumps(ready), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    simulator.link.stop()
    control.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
