"""The Prometheus endpoint: ``[options.metrics] listen = "127.0.0.1:9464"`` (off when the table is absent).

Served by ``prometheus-client``'s own HTTP thread on a loopback address only (a monitoring system on
another machine scrapes through the kiosk PC's Prometheus agent or an SSH/TLS tunnel). Two sources:

* counters fed from the event log (the daemon's one record of what happened), counted from start-up:
  ``frontyard_operations_total{device,outcome}``, ``frontyard_operation_errors_total{device,reason}``,
  ``frontyard_device_errors_total{device,reason}`` (a device going OFFLINE or ERROR),
  ``frontyard_payment_changes_total{state}``, ``frontyard_resident_sessions_total{event}``;
* values read at scrape time: ``frontyard_device_state{device,state}`` (1 for the current state),
  ``frontyard_print_jobs{state}`` and ``frontyard_payments{state}`` (rows of the journals by state),
  ``frontyard_event_sequence``; ``frontyard_resident_session_active`` follows the session events;
* with ``[fleet]``: ``frontyard_fleet_backlog_rows{stream}``,
  ``frontyard_fleet_forwarded_rows_total{stream}``, ``frontyard_fleet_connected``,
  ``frontyard_fleet_backlog_warning``, ``frontyard_fleet_failures_total``.

No label carries personal data: slot names, enum names and the drivers' stable reason keys only.
Example alert rules: ``install/prometheus/frontyard-alerts.yml``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.v1 import card_pb2, events_pb2, payment_pb2
from prometheus_client import CollectorRegistry, Counter, Gauge, disable_created_metrics, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .device_state import short_name
from .fleet.forwarder import FleetStatus
from .options import MetricsOptions, Options
from .ports import DeviceStates, EventFeed

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

_LOGGER = logging.getLogger(__name__)
State = events_pb2.DeviceState


def read_metrics_settings(options: Options) -> MetricsOptions | None:
    """The endpoint to serve, or None when ``[options.metrics]`` is absent or ``enabled = false``."""
    metrics = options.metrics
    return metrics if metrics is not None and metrics.enabled else None


def _count_by_state(path: Path, table: str) -> dict[str, int]:
    """``SELECT state, count(*)`` from a journal, read-only; empty when the file does not exist yet."""
    if not path.exists():
        return {}
    # The table name is one of two constants below, never input.
    query = f"SELECT state, count(*) FROM {table} GROUP BY state"  # noqa: S608
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)) as db:
        try:
            return {str(state): int(count) for state, count in db.execute(query)}
        except sqlite3.OperationalError:  # table not created yet
            return {}


class _ScrapeTimeCollector(Collector):
    """Reads the daemon's state when Prometheus scrapes (on the HTTP thread; reads only)."""

    def __init__(
        self,
        devices: DeviceStates,
        events: EventFeed,
        storage_dir: Path,
        fleet: Callable[[], FleetStatus] | None = None,
    ) -> None:
        self._devices, self._events, self._storage_dir = devices, events, storage_dir
        self._fleet = fleet

    def collect(self) -> Iterator[Metric]:
        states = GaugeMetricFamily(
            "frontyard_device_state", "1 for the device's current state", labels=["device", "state"]
        )
        for name, current in self._devices.describe().items():
            for value in (
                State.DEVICE_STATE_CLOSED,
                State.DEVICE_STATE_IDLE,
                State.DEVICE_STATE_BUSY,
                State.DEVICE_STATE_ERROR,
                State.DEVICE_STATE_OFFLINE,
            ):
                states.add_metric(
                    [name, short_name(value).lower()],
                    1.0 if current == value else 0.0,
                )
        yield states
        storage = self._storage_dir
        for metric, path, table, help_text in (
            ("frontyard_print_jobs", storage / "print-jobs.sqlite3", "jobs", "print jobs by state"),
            ("frontyard_payments", storage / "payments.sqlite3", "payments", "payments by outcome"),
        ):
            family = GaugeMetricFamily(metric, help_text, labels=["state"])
            for state, count in sorted(_count_by_state(path, table).items()):
                family.add_metric([state.lower()], count)
            yield family
        yield GaugeMetricFamily(
            "frontyard_event_sequence", "last event-log sequence number", value=self._events.last_sequence
        )
        if self._fleet is not None:
            yield from _fleet_families(self._fleet())


def _fleet_families(status: FleetStatus) -> Iterator[Metric]:
    """``[fleet]`` only: rows waiting per stream, rows sent, the connection and its failures."""
    backlog = GaugeMetricFamily(
        "frontyard_fleet_backlog_rows", "local rows not yet in the central database", labels=["stream"]
    )
    sent = CounterMetricFamily(
        "frontyard_fleet_forwarded_rows", "rows sent to the central database", labels=["stream"]
    )
    for stream, rows in sorted(status.backlog.items()):
        backlog.add_metric([stream], rows)
    for stream, rows in sorted(status.forwarded.items()):
        sent.add_metric([stream], rows)
    yield backlog
    yield sent
    yield GaugeMetricFamily(
        "frontyard_fleet_connected", "1 while the central database answers", value=int(status.connected)
    )
    yield GaugeMetricFamily(
        "frontyard_fleet_backlog_warning",
        "1 while the backlog is past its bound",
        value=int(status.backlog_warning),
    )
    yield CounterMetricFamily(
        "frontyard_fleet_failures", "lost connections and failed batches", value=status.failures
    )


class Metrics:
    """The registry, its event-fed counters and the HTTP server (``start`` / ``stop``)."""

    def __init__(
        self,
        settings: MetricsOptions,
        *,
        devices: DeviceStates,
        events: EventFeed,
        storage_dir: Path,
        fleet: Callable[[], FleetStatus] | None = None,  # with [fleet]: the forwarder's status
    ) -> None:
        self.events = events
        self.settings = settings
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series
        self.registry = CollectorRegistry(auto_describe=True)
        self.operations = Counter(
            "frontyard_operations",
            "device operations by outcome",
            ["device", "outcome"],
            registry=self.registry,
        )
        self.operation_errors = Counter(
            "frontyard_operation_errors",
            "failed operations by reason",
            ["device", "reason"],
            registry=self.registry,
        )
        self.device_errors = Counter(
            "frontyard_device_errors",
            "a device went OFFLINE or ERROR, by reason",
            ["device", "reason"],
            registry=self.registry,
        )
        self.payment_changes = Counter(
            "frontyard_payment_changes",
            "payments reaching a state (approved, declined, unknown …)",
            ["state"],
            registry=self.registry,
        )
        self.sessions = Counter(
            "frontyard_resident_sessions", "resident session events", ["event"], registry=self.registry
        )
        self.session_active = Gauge(
            "frontyard_resident_session_active", "1 while a resident is served", registry=self.registry
        )
        self.registry.register(_ScrapeTimeCollector(devices, events, storage_dir, fleet))
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None
        self.url = ""

    def count(self, event: events_pb2.Event) -> None:
        device = event.device.removeprefix("devices/")
        which = event.WhichOneof("payload")
        if which == "completed":
            self.operations.labels(device, "completed").inc()
        elif which == "failed":
            self.operations.labels(device, "failed").inc()
            self.operation_errors.labels(device, event.failed.reason or "unknown").inc()
        elif which == "state_changed" and event.state_changed.state in (
            State.DEVICE_STATE_OFFLINE,
            State.DEVICE_STATE_ERROR,
        ):
            self.device_errors.labels(device, event.state_changed.reason or "unknown").inc()
        elif which == "payment_changed":
            state = payment_pb2.PaymentState.Name(event.payment_changed.state).lower()
            self.payment_changes.labels(state.removeprefix("payment_state_")).inc()
        elif which == "resident_session":
            kind = card_pb2.SessionEventKind.Name(event.resident_session.kind).lower()
            self.sessions.labels(kind.removeprefix("session_event_kind_")).inc()
            self.session_active.set(
                0 if event.resident_session.kind == card_pb2.SESSION_EVENT_KIND_ENDED else 1
            )

    async def _follow_events(self) -> None:
        async for event in self.events.watch(self.events.last_sequence):
            self.count(event)

    def start(self) -> None:
        self._server, self._thread = start_http_server(
            self.settings.port, addr=self.settings.host, registry=self.registry
        )
        host, port = self._server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        self.url = f"http://{host}:{port}/metrics"
        self._task = asyncio.get_running_loop().create_task(self._follow_events(), name="metrics-events")
        _LOGGER.info("metrics endpoint listening", extra={"address": self.url})

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
