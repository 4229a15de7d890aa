"""Entry point: ``python -m simulators.escpos_printer [--host] [--port] [--control-port] [--state-dir]``."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path

from simulators.control import make_control_server
from simulators.escpos_printer.model import PrinterModel
from simulators.escpos_printer.server import EscposServer, control_api, serve_in_threads

_LOGGER = logging.getLogger("simulators.escpos_printer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.escpos_printer", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="ESC/POS port (0 = any free port)")
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--state-dir", type=Path, default=None, help="where receipts/NNNN.png go")
    parser.add_argument("--dot-width", type=int, default=576, help="printable dots per line")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the simulator binds to loopback only")
    state_dir = args.state_dir or Path(tempfile.mkdtemp(prefix="escpos-sim-"))
    model = PrinterModel(state_dir, dot_width=args.dot_width)
    printer_server = EscposServer((args.host, args.port), model)
    control_server = make_control_server(control_api(model), args.host, args.control_port)
    serve_in_threads(printer_server, control_server)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ready = {
        "simulator": "escpos_printer",
        "endpoint": f"tcp://{args.host}:{printer_server.server_address[1]}",
        "control": f"http://{args.host}:{control_server.server_address[1]}",
        "state_dir": str(state_dir),
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    _LOGGER.info("ESC/POS printer simulator ready: %s", ready["endpoint"])
    stop.wait()
    printer_server.shutdown()
    control_server.shutdown()
    printer_server.server_close()
    control_server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
