"""Twenty terminals forward to one PostgreSQL through a database outage, against direct synchronous inserts.

Each terminal is an in-process ``daemon.fleet`` forwarder (its own thread and connection, default
settings) on its own real local stores (KPI, event log, payment journal, audit log, outbox), fed a
realistic mix per resident: a visit, two audit rows, a sale (five journal rows) for one in three, a
released application with a 20 KB PDF for one in five, a device fault or recovery for one in ten.

Figures (medians over the runs): ``terminals``; ``lag_ms_p50`` / ``lag_ms_p99`` from the local commit to
the central row while the database is up; ``outage_s`` (the database stopped; residents keep being
served) and ``catch_up_s`` (restart → every row central, the back-off's last wait included);
``rows_per_s`` (the drain rate once rows flow again);
``lost`` and ``duplicated`` (local rows missing centrally; natural keys stored twice); the baseline
``direct_rows_per_s``: the same 20 terminals inserting each row synchronously, one transaction per row,
as a daemon without a local store would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from kiosk.v1 import events_pb2

from backoffice import records
from backoffice.migrate import migrate
from backoffice.terminals import add_terminal
from daemon.audit.log import AuditEntry
from daemon.fleet.forwarder import FleetForwarder
from daemon.fleet.sources import Source
from daemon.fleet.watermarks import FILE_NAME, Watermarks
from daemon.options import FleetOptions
from daemon.payments.model import OpState, PaymentState, SaleOrder
from frontyard.kpi import Visit
from tests.support.fleet_stores import TerminalStores, sample_form
from tests.support.postgres import PostgresCluster, started_cluster

TERMINALS = 20
RESIDENT_EVERY_S = (
    0.5  # per terminal: a busy counter at bench speed (a real one serves one every few minutes)
)
PDF = b"%PDF-1.7\n" + bytes(20_000)
STREAM_KEYS = {  # a natural key per stream: a row stored twice under two seqs would show here
    "visits": "visit_id",
    "applications": "application_id",
    "audit_rows": "row_hash",
    "payment_operations": "seq",
    "device_events": "seq",
    "daily_closes": "seq",
}


class Terminal:
    """One terminal's local stores and the residents it serves."""

    def __init__(self, number: int, root: Path) -> None:
        self.terminal_id = f"bench-{number:02d}"
        self.stores = TerminalStores.open(root / self.terminal_id)
        self.storage = self.stores.storage
        self.residents = 0

    def serve_resident(self) -> None:
        self.residents += 1
        number, now = self.residents, dt.datetime.now(dt.UTC)
        visit_id = f"{self.terminal_id}-{number:06d}"
        arrived = now - dt.timedelta(seconds=300)
        self.stores.kpi.record(
            Visit(
                visit_id,
                "改革後",
                "SHIMIN",
                ("JUKI_TENNYU",),
                arrived,
                arrived + dt.timedelta(seconds=60),
                now,
            )
        )
        self.stores.audit.append(AuditEntry("1234", "visit.started", f"visits/{number:032x}"))
        self.stores.audit.append(AuditEntry("1234", "visit.finished", f"visits/{number:032x}"))
        if number % 3 == 0:
            _, sale = self.stores.payments.create_sale(SaleOrder(f"{self.terminal_id}-o{number}", 300, "qr"))
            self.stores.payments.update_op(
                sale.sequence_number, OpState.SENT, payment_state=PaymentState.SENT
            )
            self.stores.payments.update_op(
                sale.sequence_number, OpState.APPROVED, payment_state=PaymentState.APPROVED
            )
        if number % 5 == 0:
            package = self.stores.outbox.add(sample_form(), PDF, f"20260401-SHIMIN-{number:04d}", now)
            self.stores.outbox.release(package.package_id, "1234", dt.datetime.now(dt.UTC))
        if number % 10 == 0:
            state = (
                events_pb2.DeviceState.DEVICE_STATE_ERROR
                if number % 20
                else events_pb2.DeviceState.DEVICE_STATE_IDLE
            )
            change = events_pb2.DeviceStateChanged(state=state, reason="paper_out" if number % 20 else "")
            self.stores.events.publish(events_pb2.Event(device="devices/receipt", state_changed=change))

    def local_rows(self) -> dict[str, int]:
        """Rows of each stream in the local stores (device events: the state changes only)."""
        counts = {}
        for source in self.sources():
            counts[source.stream.value] = (
                len(source.read(0, 10**9).records) if source.stream == "device_events" else source.pending(0)
            )
            source.close()
        return counts

    def sources(self) -> tuple[Source, ...]:
        return self.stores.sources(self.terminal_id)

    def close(self) -> None:
        self.stores.close()


@dataclass
class Fleet:
    cluster: PostgresCluster
    database: str
    terminals: list[Terminal]
    forwarders: list[FleetForwarder]
    stopping: threading.Event

    def residents(self) -> None:
        """Serve a resident at every terminal every RESIDENT_EVERY_S until stopped (one thread)."""
        while not self.stopping.is_set():
            began = time.monotonic()
            for terminal in self.terminals:
                terminal.serve_resident()
            self.stopping.wait(max(RESIDENT_EVERY_S - (time.monotonic() - began), 0.0))

    def central_rows(self) -> int:
        total = 0
        with psycopg.connect(self.cluster.admin_dsn(self.database)) as connection:
            for stream in STREAM_KEYS:
                row = connection.execute(f"SELECT count(*) FROM frontyard.{stream}").fetchone()
                total += int(row[0]) if row else 0
        return total


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)] if ordered else 0.0


@contextlib.contextmanager
def _fleet(cluster: PostgresCluster, run: int, root: Path) -> Iterator[Fleet]:
    database = f"bench_fleet_{run}"
    migrate(cluster.create_database(database))
    terminals = [Terminal(n, root / f"run{run}") for n in range(TERMINALS)]
    forwarders = []
    for terminal in terminals:
        password = terminal.storage / "terminal.pw"
        password.write_text(f"pw-{terminal.terminal_id}\n", encoding="utf-8")
        add_terminal(cluster.admin_dsn(database), terminal.terminal_id, "本庁", f"pw-{terminal.terminal_id}")
        options = FleetOptions(
            terminal_id=terminal.terminal_id,
            office="本庁",
            database=cluster.tcp_dsn(f"terminal_{terminal.terminal_id}", database),
            password_file=password,
        )
        forwarders.append(
            FleetForwarder(
                options, terminal.sources(), Watermarks(terminal.storage / FILE_NAME, options.terminal_id)
            )
        )
    fleet = Fleet(cluster, database, terminals, forwarders, threading.Event())
    try:
        yield fleet
    finally:
        fleet.stopping.set()
        for forwarder in forwarders:
            forwarder.stop()
        for terminal in terminals:
            terminal.close()


def _lags_ms(fleet: Fleet, since: dt.datetime, until: dt.datetime) -> list[float]:
    with psycopg.connect(fleet.cluster.admin_dsn(fleet.database)) as connection:
        lags: list[float] = []
        for stream in STREAM_KEYS:
            rows = connection.execute(
                f"SELECT extract(epoch FROM received_time - recorded_time) * 1000 FROM frontyard.{stream}"
                " WHERE recorded_time BETWEEN %s AND %s",
                (since, until),
            ).fetchall()
            lags += [float(row[0]) for row in rows]
        return lags


def _lost_and_duplicated(fleet: Fleet) -> tuple[int, int]:
    lost = duplicated = 0
    with psycopg.connect(fleet.cluster.admin_dsn(fleet.database)) as connection:
        for terminal in fleet.terminals:
            local = terminal.local_rows()
            for stream, key in STREAM_KEYS.items():
                total, distinct = connection.execute(
                    f"SELECT count(*), count(DISTINCT {key}) FROM frontyard.{stream} WHERE terminal_id = %s",
                    (terminal.terminal_id,),
                ).fetchone() or (0, 0)
                lost += max(local[stream] - int(distinct), 0)
                duplicated += int(total) - int(distinct)
    return lost, duplicated


def _one_run(
    cluster: PostgresCluster, run: int, root: Path, steady_s: float, outage_s: float
) -> dict[str, float]:
    with _fleet(cluster, run, root) as fleet:
        for forwarder in fleet.forwarders:
            forwarder.start()
        residents = threading.Thread(target=fleet.residents, name="residents")
        steady_from = dt.datetime.now(dt.UTC)
        residents.start()
        time.sleep(steady_s)
        cluster.stop()
        # rows committed in the last second before the stop may wait for the outage: not steady state
        steady_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        stopped = time.monotonic()
        time.sleep(outage_s)  # residents keep being served; the backlog grows
        fleet.stopping.set()
        residents.join()
        local_total = sum(sum(t.local_rows().values()) for t in fleet.terminals)
        outage = time.monotonic() - stopped
        cluster.start()
        restarted = time.monotonic()
        central_before = fleet.central_rows()
        draining_from = 0.0  # when the first forwarder is back (the back-off ends) and rows flow again
        while (central := fleet.central_rows()) < local_total and time.monotonic() - restarted < 300:
            if not draining_from and central > central_before:
                draining_from = time.monotonic()
            time.sleep(0.05)
        caught_up = time.monotonic()
        catch_up = caught_up - restarted
        drain_s = caught_up - (draining_from or restarted)
        lags = _lags_ms(fleet, steady_from, steady_until)
        lost, duplicated = _lost_and_duplicated(fleet)
        return {
            "lag_ms_p50": statistics.median(lags) if lags else 0.0,
            "lag_ms_p99": _percentile(lags, 0.99),
            "outage_s": outage,
            "catch_up_s": catch_up,
            "rows_per_s": (local_total - central_before) / drain_s if drain_s > 0 else 0.0,
            "lost": lost,
            "duplicated": duplicated,
            "rows": local_total,
        }


def _direct_rows_per_s(cluster: PostgresCluster, run: int, seconds: float) -> float:
    """The baseline: each terminal inserts each row as it happens, one synchronous transaction per row."""
    database = f"bench_direct_{run}"
    migrate(cluster.create_database(database))
    counts = [0] * TERMINALS
    deadline = time.monotonic() + seconds

    def terminal(number: int) -> None:
        terminal_id = f"bench-{number:02d}"
        add_terminal(cluster.admin_dsn(database), terminal_id, "本庁", f"pw-{terminal_id}")
        dsn = cluster.tcp_dsn(f"terminal_{terminal_id}", database)
        with psycopg.connect(dsn, password=f"pw-{terminal_id}", autocommit=True) as connection:
            sql = records.insert_sql(records.Stream.VISITS)
            while time.monotonic() < deadline:
                counts[number] += 1
                now = dt.datetime.now(dt.UTC)
                visit_id = f"{terminal_id}-{counts[number]}"
                seq, procedures = counts[number], ("JUKI_TENNYU",)
                row = records.VisitRecord(terminal_id, seq, now, visit_id, "改革後", "", "SHIMIN", procedures,
                                          "kiosk", now, now, now, 60.0, 240.0, 0, 0, 0)  # fmt: skip
                connection.execute(sql, records.insert_values(row))

    began = time.monotonic()
    threads = [threading.Thread(target=terminal, args=(n,)) for n in range(TERMINALS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - began)


def run(quick: bool) -> dict[str, float | int | str]:
    logging.getLogger("daemon.fleet").setLevel(logging.ERROR)  # the outage's retries are expected
    runs, steady_s, outage_s = (1, 5.0, 5.0) if quick else (3, 15.0, 30.0)
    root = Path(tempfile.mkdtemp(prefix="frontyard-bench-fleet-"))
    cluster = started_cluster()
    try:
        results = [_one_run(cluster, n, root, steady_s, outage_s) for n in range(runs)]
        direct = [_direct_rows_per_s(cluster, n, 3.0 if quick else 5.0) for n in range(runs)]
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)
    figures: dict[str, float | int | str] = {"terminals": TERMINALS, "runs": runs}
    for key in ("lag_ms_p50", "lag_ms_p99", "outage_s", "catch_up_s", "rows_per_s"):
        figures[key] = round(statistics.median(r[key] for r in results), 1)
    figures["lost"] = int(max(r["lost"] for r in results))  # the worst run, not the median
    figures["duplicated"] = int(max(r["duplicated"] for r in results))
    figures["rows_per_run"] = int(statistics.median(r["rows"] for r in results))
    figures["direct_rows_per_s"] = round(statistics.median(direct), 1)
    figures["rows_per_s_ratio"] = round(float(figures["rows_per_s"]) / float(figures["direct_rows_per_s"]), 2)
    return figures
