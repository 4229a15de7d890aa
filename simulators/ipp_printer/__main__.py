"""Entry point: ``python -m simulators.ipp_printer``."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from simulators.ipp_printer.engine import VirtualPrinter
from simulators.ipp_printer.server import make_servers

_LOGGER = logging.getLogger("simulators.ipp_printer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.ipp_printer", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--state-dir", type=Path, default=None, help="jobs are kept in STATE_DIR/jobs")
    parser.add_argument("--ppm", type=float, default=30.0, help="printing speed in pages per minute")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    state_dir = args.state_dir or Path(tempfile.mkdtemp(prefix="ipp-printer-"))
    printer = VirtualPrinter(state_dir, ppm=args.ppm)
    ipp, control = make_servers(printer, args.host, args.port, args.control_port)
    printer.start()
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in (ipp, control)]
    for thread in threads:
        thread.start()
    done = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    ready = {
        "simulator": "ipp_printer",
        "endpoint": f"ipp://{args.host}:{ipp.server_address[1]}/ipp/print",
        "control": f"http://{args.host}:{control.server_address[1]}",
        "state_dir": str(state_dir),
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    done.wait()
    _LOGGER.info("stopping")
    for server in (ipp, control):
        server.shutdown()
        server.server_close()
    printer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
