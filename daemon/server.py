"""The composition root: ``create_server(config)`` builds every collaborator once, in order, and the daemon
starts and stops them in one explicit order.

Built, in this order (each receives only what it uses; see ``daemon.ports``)::

    EventLog          events.sqlite3; every service publishes through it
    AuditLog          audit.sqlite3; hash-chained rows of every audited staff action (``daemon.audit``)
    DeviceRegistry    one slot (worker + monitor) per configured device
    PrintQueue        print-jobs.sqlite3 and one worker per printer (a PrintSubmitter / JobWaiter)
    ResidentSessions  the card holder's data for one visit (a SessionLookup)
    ReadingStore      camera readings held in memory (a ReadingLookup)
    StaffAccounts     staff.sqlite3; accounts for sign-in (``daemon.staff``)
    FleetForwarder    with ``[fleet]`` only: local stores -> the central database (``daemon.fleet``)
    the services      device, payment, printer, card, frontyard, camera (``daemon.services``), staff

``await daemon.start()``: the registry opens the devices, the print queue recovers its journal and starts
its workers, the services recover (payments, card monitor, outbox purge), then every endpoint listens.
``await daemon.stop()``: the endpoints stop accepting calls (grace period), the services stop in reverse
order (the payment service waits for its staff slips), then the print queue (the slips were its last
jobs), the registry (closing the devices) and the event log. Tests bind a temporary Unix socket; see
``tests/integration/daemon``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from kiosk.v1 import events_pb2

from drivers.base import DeviceKind
from frontyard.municipality import load_municipality

from .audit.interceptor import AuditInterceptor
from .audit.log import AuditLog
from .audit.startup import check_audit_end
from .camera.store import ReadingStore
from .config import Config, Endpoint
from .errors import ErrorInterceptor
from .events import EventLog
from .fleet import FleetForwarder, fleet_forwarder
from .migrations import finish_new_stores, prepare_storage
from .printing import PrintQueue
from .registry import DeviceRegistry
from .roles import RoleInterceptor
from .services import Service
from .services.camera import CameraServiceRunner
from .services.card import CardServiceRunner
from .services.device import DeviceServiceRunner
from .services.frontyard import FrontyardServiceRunner
from .services.payment import PaymentRunner
from .services.printer import PrinterServiceRunner
from .sessions import ResidentSessions
from .staff.accounts import StaffAccounts
from .staff.directory import staff_directory
from .staff.guard import StaffGuardInterceptor
from .staff.identity import StaffIdentity
from .staff.service import StaffServiceRunner
from .staff.tokens import StaffTokens
from .visits.settings import frontyard_settings

_LOGGER = logging.getLogger(__name__)

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def create_server(config: Config) -> Daemon:
    """Build the daemon's collaborators in order; nothing runs until ``Daemon.start``."""
    config.storage_dir.mkdir(parents=True, exist_ok=True)
    migration = prepare_storage(config)  # refuses newer files; backs up, then migrates older ones
    options = config.options
    events = EventLog(config.storage_dir / "events.sqlite3")
    audit = AuditLog(config.storage_dir / "audit.sqlite3")
    check_audit_end(audit, events)  # rows cut off the end or a rolled-back file: an event at start
    registry = DeviceRegistry(config.devices, events)
    print_queue = PrintQueue(config.storage_dir, registry, events, options.printing)
    card_reader = registry.find(DeviceKind.CARD_READER)
    card_device = card_reader.name if card_reader is not None else ""
    sessions = ResidentSessions(
        lambda event: events.publish(events_pb2.Event(device=card_device, resident_session=event)),
        idle_timeout_s=options.card.idle_timeout_s,
        warn_before_s=options.card.warn_before_s,
    )
    readings = ReadingStore(options.camera.reading_ttl_s)
    town = load_municipality(options.frontyard.municipality)  # its tables check request codes (issue 21)
    accounts = StaffAccounts(config.storage_dir / "staff.sqlite3", staff_directory(options.staff))
    tokens = StaffTokens()  # sign-ins of callers other than the UI server (daemon.staff.tokens)
    slip_printer = print_queue if registry.find(DeviceKind.RECEIPT_PRINTER) is not None else None
    services: list[Service] = [
        DeviceServiceRunner(registry, events),
        PaymentRunner(
            options.payment,
            config.storage_dir,
            terminal=registry.find(DeviceKind.PAYMENT_TERMINAL),
            events=events,
            slip_printer=slip_printer,
            jobs=print_queue,
            fees=town.fees,
        ),
        PrinterServiceRunner(print_queue, options.printing.municipality, town),
        CardServiceRunner(options.card, card_reader, sessions, events, town.my_number_purposes),
        FrontyardServiceRunner(
            frontyard_settings(
                options.frontyard,
                config.storage_dir,
                fleet_terminal_id=config.fleet.terminal_id if config.fleet else "",
            ),
            config.storage_dir,
            events=events,
            printer=print_queue,
            sessions=sessions,
            readings=readings,
        ),
        CameraServiceRunner(registry, events, readings, options.camera.ocr_engine),
        StaffServiceRunner(accounts, audit, events, tokens),
    ]
    finish_new_stores(migration)  # the stores just created start at the current schema version
    fleet = fleet_forwarder(config, events, registry)
    return Daemon(config, events, registry, print_queue, services, audit, accounts, tokens, fleet)


class Daemon:
    """The running daemon: its collaborators (built by ``create_server``), servers and lifecycle."""

    def __init__(
        self,
        config: Config,
        events: EventLog,
        registry: DeviceRegistry,
        print_queue: PrintQueue,
        services: list[Service],
        audit: AuditLog,
        accounts: StaffAccounts,
        tokens: StaffTokens,
        fleet: FleetForwarder | None = None,
    ) -> None:
        self.config = config
        self.events = events
        self.registry = registry
        self.print_queue = print_queue
        self.services = services
        self.audit = audit
        self.accounts = accounts
        self.tokens = tokens
        self.fleet = fleet
        self.health = health.aio.HealthServicer()  # type: ignore[attr-defined]
        self.servers: list[grpc.aio.Server] = []
        self.addresses: list[str] = []
        self._health_task: asyncio.Task[None] | None = None

    def _build_server(self, endpoint: Endpoint) -> grpc.aio.Server:
        identity = StaffIdentity(self.tokens, endpoint.role)
        server = grpc.aio.server(
            interceptors=[
                RoleInterceptor(endpoint.role, from_certificate=bool(endpoint.tcp)),
                StaffGuardInterceptor(self.accounts, identity),  # a signed-in person per staff call
                ErrorInterceptor(),
                # innermost: it sees the handler's own outcome
                AuditInterceptor(self.audit, identity),
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
        await self.print_queue.start()  # recovery (journals, pending jobs) happens before any call
        for service in self.services:
            await service.start()
        if self.fleet is not None:
            self.fleet.start()  # its own thread; it only reads the stores the services commit to
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
        """Each device has its own health entry, "frontyard.device.<slot>" (docs/STYLE.md habit 9)."""
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
        if self.fleet is not None:
            await asyncio.to_thread(self.fleet.stop)
        for service in reversed(self.services):
            await service.stop()
        await self.print_queue.stop()  # after the services: the payment service's staff slips wait on it
        await self.registry.stop()
        self.events.close()
        self.audit.close()
        for endpoint in self.config.endpoints:
            if endpoint.unix is not None:
                with contextlib.suppress(FileNotFoundError):
                    endpoint.unix.unlink()
        _LOGGER.info("stopped")


_SERVING_STATES = {2, 3}  # IDLE, BUSY


def _server_credentials(endpoint: Endpoint) -> grpc.ServerCredentials:
    assert endpoint.tls_ca and endpoint.tls_cert and endpoint.tls_key
    return grpc.ssl_server_credentials(
        [(Path(endpoint.tls_key).read_bytes(), Path(endpoint.tls_cert).read_bytes())],
        root_certificates=Path(endpoint.tls_ca).read_bytes(),
        require_client_auth=True,
    )
