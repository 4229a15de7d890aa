"""The gRPC services of kiosk.v1, one module per service.

Each module defines a runner that ``daemon.server.create_server`` builds with the narrow collaborators it
uses (``daemon.ports``). The daemon starts the runners (in the order built) before it listens, adds each
to every endpoint's server, and stops them (in reverse order) after the servers have stopped. Servicers
read cached state and raise domain errors; the interceptors in ``daemon.errors`` and ``daemon.roles`` do
the rest.
"""

from __future__ import annotations

from typing import Protocol

import grpc


class Service(Protocol):
    @property
    def service_names(self) -> tuple[str, ...]:
        """Full proto service names this object serves (for server reflection): "kiosk.v1.CardService"."""

    def add_to_server(self, server: grpc.aio.Server) -> None:
        """Register the servicer(s) on one endpoint's server."""

    async def start(self) -> None:
        """Recover and start background work; runs before the daemon accepts any call."""

    async def stop(self) -> None:
        """Finish or journal in-flight work; runs after the servers have stopped."""
