"""``python -m kiosk_ui.server``: serve the kiosk pages on loopback and bridge them to the daemon.

The pages are thin: every decision and every device call lives in the daemon. This server only
translates HTTP (JSON, server-sent events) to the daemon's gRPC API.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import uvicorn
from google.protobuf import json_format
from kiosk.v1 import device_pb2, device_pb2_grpc
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

PAGES = Path(__file__).parent / "pages"


def create_app(daemon_address: str) -> Starlette:
    channel = grpc.aio.insecure_channel(daemon_address)
    devices = device_pb2_grpc.DeviceServiceStub(channel)

    async def index(request: Request) -> Response:
        return HTMLResponse((PAGES / "index.html").read_text(encoding="utf-8"))

    async def list_devices(request: Request) -> Response:
        try:
            reply = await devices.ListDevices(device_pb2.ListDevicesRequest(), timeout=5)
        except grpc.aio.AioRpcError as exc:
            return JSONResponse({"error": exc.code().name, "message": exc.details()}, status_code=503)
        return JSONResponse(json_format.MessageToDict(reply, preserving_proto_field_name=True))

    async def events(request: Request) -> Response:
        after = int(request.query_params.get("after", "0"))

        async def stream() -> AsyncIterator[str]:
            call = devices.WatchEvents(device_pb2.WatchEventsRequest(after_sequence=after))
            async for event in call:
                data = json.dumps(json_format.MessageToDict(event, preserving_proto_field_name=True))
                yield f"id: {event.sequence}\ndata: {data}\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/", index),
            Route("/api/devices", list_devices),
            Route("/api/events", events),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk_ui.server", description="Serve the Frontyard kiosk UI."
    )
    parser.add_argument(
        "--daemon", default="unix:run/kiosk.sock", help="daemon gRPC address (default %(default)s)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="listen port (default %(default)s)")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.daemon), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
