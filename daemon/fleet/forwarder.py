"""The forwarder: local streams → the central database, at least once, idempotent, in order per stream.

One thread of its own (residents never wait on it; it only reads the local stores). Each cycle, for each
stream: read up to ``batch_rows`` records after the stream's watermark, insert them in local order in one
central transaction (``INSERT … ON CONFLICT (terminal_id, seq) DO NOTHING``), and only after the commit
advance the watermark. A crash between the commit and the watermark sends the batch again, and the
database drops the copies. Every ``heartbeat_s`` it upserts its ``terminals`` row (device states and
backlog).

When the database or the network fails, the connection is dropped and retried with a doubling back-off
(0.5 s … ``retry_max_s``); a libpq connection string naming several hosts with
``target_session_attrs=read-write`` finds the promoted standby on the next attempt. When the backlog grows
past ``backlog_warn_rows`` the forwarder publishes a ``devices/fleet`` state change to ERROR with reason
``fleet_backlog`` (the staff console's device board shows it) and again IDLE once it has halved.

A terminal restored from an older backup would number new rows with local sequences the database already
has (and ``ON CONFLICT`` would drop them). So on its first connection the forwarder compares, per stream,
the local store's highest sequence with the central one for this terminal: a stream whose local store is
behind is refused (not forwarded, an ERROR log and a ``devices/fleet`` state change with reason
``fleet_sequence_behind``), also after a restart (the watermark file keeps it), until the terminal is
given a new ``terminal_id``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk.v1 import events_pb2

from backoffice import records
from backoffice.records import Stream
from backoffice.terminals import RoleError, read_password_file

from ..options import FleetOptions
from ..ports import EventPublisher
from .sources import Source, close_all

if TYPE_CHECKING:
    import psycopg  # imported when forwarding starts: a daemon without [fleet] never loads it (~11 MB)
from .watermarks import Watermarks

_LOGGER = logging.getLogger(__name__)
FLEET_DEVICE = "devices/fleet"
BACKLOG_REASON = "fleet_backlog"
BEHIND_REASON = "fleet_sequence_behind"
_FIRST_RETRY_S = 0.5


@dataclass
class FleetStatus:
    """What the metrics endpoint and the heartbeat report (read from other threads: copies only)."""

    connected: bool = False
    backlog: dict[str, int] = field(default_factory=dict)
    forwarded: dict[str, int] = field(default_factory=dict)  # rows sent since start (copies included)
    failures: int = 0  # lost connections and failed transactions since start
    last_commit_time: float = 0.0
    backlog_warning: bool = False
    refused: tuple[str, ...] = ()  # streams whose local store is behind the central one (a restore)

    @property
    def backlog_rows(self) -> int:
        return sum(self.backlog.values())


class FleetForwarder:
    def __init__(
        self,
        options: FleetOptions,
        sources: Sequence[Source],
        watermarks: Watermarks,
        events: EventPublisher | None = None,
        devices: Callable[[], dict[str, Any]] = dict,
    ) -> None:
        self.options = options
        self.sources = tuple(sources)
        self.watermarks = watermarks
        self.events = events
        self.devices = devices  # the heartbeat's device summary: slot -> {"kind", "state", "fault"}
        self._status = FleetStatus(forwarded={source.stream.value: 0 for source in sources})
        self._status_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: psycopg.Connection[tuple[Any, ...]] | None = None
        self._next_heartbeat = 0.0
        self._sequences_checked = False
        self._refused: set[Stream] = set(watermarks.refused)  # refused before a restart stay refused

    # --- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fleet-forwarder", daemon=True)
        self._thread.start()
        _LOGGER.info("fleet forwarder started", extra={"terminal": self.options.terminal_id})

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._disconnect()
        close_all(self.sources)

    def status(self) -> FleetStatus:
        with self._status_lock:
            return dataclasses.replace(
                self._status, backlog=dict(self._status.backlog), forwarded=dict(self._status.forwarded)
            )

    # --- the loop ------------------------------------------------------------------------------------

    def _run(self) -> None:
        import psycopg

        retry_s = 0.0
        while not self._stop.is_set():
            try:
                moved = self.forward_once()
                retry_s = 0.0
                if not moved:
                    self._stop.wait(self.options.poll_s)
            except (psycopg.Error, OSError, RoleError) as exc:
                self._disconnect()
                retry_s = min(max(retry_s * 2, _FIRST_RETRY_S), self.options.retry_max_s)
                with self._status_lock:
                    self._status.connected = False
                    self._status.failures += 1
                # the exception class only: a libpq message may quote the connection string
                _LOGGER.warning(
                    "fleet database unreachable; retrying",
                    extra={"error": type(exc).__name__, "retry_s": retry_s},
                )
                self._refresh_backlog()
                self._stop.wait(retry_s)

    def forward_once(self) -> bool:
        """One pass over every stream (and the heartbeat when due); True when rows were sent."""
        if not self._sequences_checked:
            self._check_sequences()
        moved = False
        for source in self.sources:
            if source.stream not in self._refused:
                moved |= self._forward(source)
        self._refresh_backlog()
        if time.monotonic() >= self._next_heartbeat:
            self._heartbeat()
            self._next_heartbeat = time.monotonic() + self.options.heartbeat_s
        return moved

    def _forward(self, source: Source) -> bool:
        after = self.watermarks.get(source.stream)
        batch = source.read(after, self.options.batch_rows)
        if batch.watermark == after:
            return False
        if batch.records:
            connection = self._connect()
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany(
                    records.insert_sql(source.stream), [records.insert_values(r) for r in batch.records]
                )
        self.watermarks.advance(source.stream, batch.watermark)  # only after the central commit
        with self._status_lock:
            self._status.connected = self._connection is not None
            self._status.forwarded[source.stream.value] += len(batch.records)
            self._status.last_commit_time = time.time()
        return True

    def _check_sequences(self) -> None:
        """Refuse each stream whose local store is behind what the database already has of it."""
        connection = self._connect()
        for source in self.sources:
            if source.stream in self._refused:
                continue
            # the table name comes from the Stream enum; the terminal reads only its own keys (RLS)
            sql = f"SELECT coalesce(max(seq), 0) FROM {records.SCHEMA}.{source.stream.value} WHERE terminal_id = %s"  # noqa: E501, S608
            row = connection.execute(sql, (self.options.terminal_id,)).fetchone()
            central, local = (int(row[0]) if row else 0), source.last_seq()
            if local < central:
                self._refused.add(source.stream)
                self.watermarks.refuse(source.stream)
                _LOGGER.error(
                    "fleet stream behind the back office (restored from an older backup?)",
                    extra={"stream": source.stream.value, "local_seq": local, "central_seq": central},
                )
        self._sequences_checked = True
        with self._status_lock:
            self._status.refused = tuple(sorted(stream.value for stream in self._refused))
        if self._refused:
            _LOGGER.error(
                "fleet streams not forwarded: give this terminal a new terminal_id / 記録がバックオフィスより"
                "古いため送信を止めました。新しい terminal_id を設定してください",
                extra={"streams": ",".join(sorted(stream.value for stream in self._refused))},
            )
            self._publish_fleet_state(error=True, reason=BEHIND_REASON)

    def _heartbeat(self) -> None:
        beat = records.TerminalHeartbeat(
            terminal_id=self.options.terminal_id,
            office=self.options.office,
            last_seen_time=dt.datetime.now(dt.UTC),
            backlog_rows=self.status().backlog_rows,
            devices=self.devices(),
        )
        connection = self._connect()
        with connection.transaction():
            connection.execute(records.HEARTBEAT_SQL, records.heartbeat_values(beat))
        with self._status_lock:
            self._status.connected = True

    # --- connection ----------------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        import psycopg

        if self._connection is not None and not self._connection.closed:
            return self._connection
        password = (
            read_password_file(self.options.password_file) if self.options.password_file is not None else None
        )
        extra: dict[str, Any] = {"password": password} if password is not None else {}
        self._connection = psycopg.connect(
            self.options.database,
            autocommit=True,  # each batch is its own explicit transaction
            connect_timeout=5,
            application_name=f"frontyard-{self.options.terminal_id}",
            # a dead network is noticed in seconds, not at the kernel's two hours
            keepalives=1,
            keepalives_idle=5,
            keepalives_interval=2,
            keepalives_count=3,
            options="-c statement_timeout=30000",
            **extra,
        )
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            import psycopg

            with contextlib.suppress(psycopg.Error):
                self._connection.close()
            self._connection = None

    # --- backlog -------------------------------------------------------------------------------------

    def _refresh_backlog(self) -> None:
        backlog = {
            source.stream.value: source.pending(self.watermarks.get(source.stream)) for source in self.sources
        }
        total = sum(backlog.values())
        with self._status_lock:
            self._status.backlog = backlog
            warned = self._status.backlog_warning
            if not warned and total > self.options.backlog_warn_rows:
                self._status.backlog_warning = True
            elif warned and total <= self.options.backlog_warn_rows // 2:
                self._status.backlog_warning = False
            changed = warned != self._status.backlog_warning
        if changed:
            self._publish_backlog_state(warning=not warned, rows=total)

    def _publish_backlog_state(self, *, warning: bool, rows: int) -> None:
        if warning:
            _LOGGER.warning(
                "fleet backlog past its bound", extra={"rows": rows, "bound": self.options.backlog_warn_rows}
            )
        else:
            _LOGGER.info("fleet backlog back under its bound", extra={"rows": rows})
        self._publish_fleet_state(error=warning, reason=BACKLOG_REASON)

    def _publish_fleet_state(self, *, error: bool, reason: str) -> None:
        """A ``devices/fleet`` state change: ERROR with ``reason``, or IDLE again."""
        if self.events is None:
            return
        state = events_pb2.DeviceState
        change = events_pb2.DeviceStateChanged(
            previous_state=state.DEVICE_STATE_IDLE if error else state.DEVICE_STATE_ERROR,
            state=state.DEVICE_STATE_ERROR if error else state.DEVICE_STATE_IDLE,
            status_reasons=[reason.replace("_", "-")] if error else [],
            reason=reason if error else "",
        )
        self.events.publish(events_pb2.Event(device=FLEET_DEVICE, state_changed=change))
