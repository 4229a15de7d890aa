"""A bare grpcio echo service on a Unix socket: the baseline for the daemon's per-call overhead."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import grpc


def _echo(request: bytes, context: Any) -> bytes:
    return request


async def serve(address: str) -> None:
    server = grpc.aio.server()
    handler = grpc.method_handlers_generic_handler(
        "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(_echo)}
    )
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(address)
    await server.start()
    print(json.dumps({"echo": address}), flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
