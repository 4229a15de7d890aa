"""``python -m simulators.camera``: an MJPEG camera of rendered documents, with a control API."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from types import FrameType

from simulators.camera.server import create_servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.camera", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--state-dir", default=None, help="unused: the camera keeps no files")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--fps", type=float, default=8.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    stream, control, _state = create_servers(
        args.host, args.port, args.control_port, width=args.width, height=args.height, fps=args.fps
    )
    for server in (stream, control):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready = {
        "simulator": "camera",
        "endpoint": f"http://{args.host}:{stream.server_address[1]}/stream.mjpg",
        "control": f"http://{args.host}:{control.server_address[1]}",
    }
    print(json.dumps(ready), flush=True)
    stopped = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    stopped.wait()
    for server in (stream, control):
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
