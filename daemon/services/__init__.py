"""The gRPC services of kiosk.v1, one module per service.

Each module listed in ``SERVICE_MODULES`` defines ``create(daemon) -> Service``. The daemon creates every
service once, starts them (in this order) before it listens, adds each to every endpoint's server, and
stops them (in reverse order) after the servers have stopped. Servicers read cached state and raise
domain errors; the interceptors in ``daemon.errors`` and ``daemon.roles`` do the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import grpc

if TYPE_CHECKING:
    from ..server import Daemon

SERVICE_MODULES: tuple[str, ...] = (
    "daemon.services.device",
    "daemon.services.payment",
    "daemon.services.printer",
    "daemon.services.card",
    "daemon.services.frontyard",
    "daemon.services.camera",
)


class Service(Protocol):
    #: Full proto service names this object serves (for server reflection), e.g. "kiosk.v1.CardService".
    service_names: tuple[str, ...]

    def add_to_server(self, server: grpc.aio.Server) -> None:
        """Register the servicer(s) on one endpoint's server."""

    async def start(self) -> None:
        """Recover and start background work; runs before the daemon accepts any call."""

    async def stop(self) -> None:
        """Finish or journal in-flight work; runs after the servers have stopped."""


class ServiceFactory(Protocol):
    def __call__(self, daemon: Daemon) -> Service: ...
