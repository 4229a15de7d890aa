"""Build and run the daemon: event log, device registry, services, and one gRPC server per endpoint.

``Daemon(config)`` wires everything; ``await daemon.start()`` binds every endpoint and opens the devices;
``await daemon.stop()`` stops accepting calls, lets running operations finish (grace period) and closes
the devices. Tests bind a temporary Unix socket; see ``tests/integration/daemon``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from .camera.store import ReadingStore
from .config import Config, Endpoint
from .errors import ErrorInterceptor
from .events import EventLog
from .printing import PrintQueue
from .registry import DeviceRegistry, DeviceSlot
from .roles import RoleInterceptor
from .services import SERVICE_MODULES, Service
from .sessions import ResidentSessions

_LOGGER = logging.getLogger(__name__)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class Daemon:
    def __init__(self, config: Config) -> None:
        self.config = config
        config.storage_dir.mkdir(parents=True, exist_ok=True)
        self.events = EventLog(config.storage_dir / "events.sqlite3")
        self.registry = DeviceRegistry(config.devices, self.events)
        self.print_queue: PrintQueue = PrintQueue(
            config.storage_dir, self.registry, self.events, config.options.printing
        )
        self.health = health.aio.HealthServicer()  # type: ignore[attr-defined]
        self.sessions: ResidentSessions | None = None  # set by daemon.services.card
        self.camera_readings: ReadingStore | None = None  # set by daemon.services.camera
        self.services: list[Service] = [
            importlib.import_module(name).create(self) for name in SERVICE_MODULES
        ]
        self.servers: list[grpc.aio.Server] = []
        self.addresses: list[str] = []
        self._health_task: asyncio.Task[None] | None = None

    def _build_server(self, endpoint: Endpoint) -> grpc.aio.Server:
        server = grpc.aio.server(
            interceptors=[
                RoleInterceptor(endpoint.role, from_certificate=bool(endpoint.tcp)),
                ErrorInterceptor(),
            ],
            options=[("grpc.so_reuseport", 0)],
        )
        names = [health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME]
        for service in self.services:
            service.add_to_server(server)
            names += service.service_names
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        reflection.enable_server_reflection(names, server)
        return server

    async def start(self) -> None:
        self.events.bind_loop(asyncio.get_running_loop())
        self.registry.start()
        for service in self.services:  # recovery (journals, pending jobs) happens before any call
            await service.start()
        for endpoint in self.config.endpoints:
            server = self._build_server(endpoint)
            if endpoint.unix is not None:
                endpoint.unix.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileNotFoundError):
                    endpoint.unix.unlink()
                server.add_insecure_port(endpoint.address)
            else:
                server.add_secure_port(endpoint.address, _server_credentials(endpoint))
            await server.start()
            if endpoint.unix is not None:
                os.chmod(endpoint.unix, endpoint.mode)
            self.servers.append(server)
            self.addresses.append(endpoint.address)
            _LOGGER.info("listening", extra={"address": endpoint.address, "role": endpoint.role.name.lower()})
        await self.health.set("", SERVING)
        self._health_task = asyncio.get_running_loop().create_task(self._follow_device_health())

    async def _follow_device_health(self) -> None:
        """Each device has its own health entry, "frontyard.device.<slot>" (STYLE habit 9)."""
        async for event in self.events.watch(self.events.last_sequence):
            if not event.HasField("state_changed"):
                continue
            slot = event.device.removeprefix("devices/")
            serving = event.state_changed.state in _SERVING_STATES
            await self.health.set(f"frontyard.device.{slot}", SERVING if serving else NOT_SERVING)

    async def stop(self, grace: float = 5.0) -> None:
        await self.health.enter_graceful_shutdown()
        if self._health_task is not None:
            self._health_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._health_task
        await asyncio.gather(*(server.stop(grace) for server in self.servers))
        for service in reversed(self.services):
            await service.stop()
        await self.registry.stop()
        self.events.close()
        for endpoint in self.config.endpoints:
            if endpoint.unix is not None:
                with contextlib.suppress(FileNotFoundError):
                    endpoint.unix.unlink()
        _LOGGER.info("stopped")

    def slot_names(self) -> list[str]:
        return list(self.registry.slots)

    def slot(self, name: str) -> DeviceSlot:
        return self.registry.get(name)


_SERVING_STATES = {2, 3}  # IDLE, BUSY


def _server_credentials(endpoint: Endpoint) -> grpc.ServerCredentials:
    assert endpoint.tls_ca and endpoint.tls_cert and endpoint.tls_key
    return grpc.ssl_server_credentials(
        [(Path(endpoint.tls_key).read_bytes(), Path(endpoint.tls_cert).read_bytes())],
        root_certificates=Path(endpoint.tls_ca).read_bytes(),
        require_client_auth=True,
    )
