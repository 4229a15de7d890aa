"""Real daemons forward to a real PostgreSQL through its outages: nothing lost, nothing twice, order kept.

Each daemon is a process on the ESC/POS simulator with a ``[fleet]`` table; the test writes visits into
its KPI store the way the daemon does (another writer of the same SQLite file) while the central database
is stopped and restarted, while a daemon is killed -9 mid-forward, and while a streaming standby is
promoted. The cluster is this module's own (the tests stop it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import signal
import sqlite3
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import psycopg
import pytest
from kiosk.v1 import application_pb2, visit_pb2

from backoffice.migrate import migrate
from backoffice.terminals import add_terminal
from daemon.errors import error_reason
from daemon.visits.kpi_store import PersistentKpiRecorder, visit_to_json
from frontyard.kpi import Visit
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.escpos import EscposSimulator
from tests.integration.frontyard_service.test_frontyard_service import enter_reference_household
from tests.support.frontyard import FrontyardStub
from tests.support.postgres import PostgresCluster, new_cluster_root, started_cluster
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
DATABASE = "frontyard"
START = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    cluster = started_cluster()
    try:
        migrate(cluster.create_database(DATABASE))
        yield cluster
    finally:
        cluster.destroy()


def local_visits(kpi_path: Path) -> int:
    with contextlib.closing(sqlite3.connect(kpi_path, timeout=10)) as db:
        return int(db.execute("SELECT count(*) FROM visits").fetchone()[0])


def write_visits(kpi_path: Path, terminal_id: str, first: int, count: int) -> None:
    """Visits ``first`` … committed at once, in the KPI store's own format (as if a busy hour)."""
    rows = []
    for number in range(first, first + count):
        arrived = START + dt.timedelta(seconds=number)
        started, done = arrived + dt.timedelta(seconds=30), arrived + dt.timedelta(seconds=200)
        visit = Visit(
            f"{terminal_id}-{number:05d}", "改革後", "SHIMIN", ("JUKI_TENNYU",), arrived, started, done
        )
        rows.append((visit_to_json(dataclasses.replace(visit, writes_baseline=10, writes_ours=1)),))
    with contextlib.closing(sqlite3.connect(kpi_path, timeout=10)) as db, db:
        db.executemany("INSERT INTO visits (visit) VALUES (?)", rows)


@dataclass
class Terminal:
    """A daemon with ``[fleet]``; the test writes visits into its KPI store (a second writer of the file)."""

    terminal_id: str
    daemon: RunningDaemon
    kpi_path: Path
    written: int

    def record_visits(self, count: int) -> None:
        write_visits(self.kpi_path, self.terminal_id, self.written + 1, count)
        self.written += count

    def local_visits(self) -> int:
        return local_visits(self.kpi_path)


def fleet_table(terminal_id: str, database: str, **extra: float) -> str:
    settings = {"poll_s": 0.1, "heartbeat_s": 0.5, "retry_max_s": 1.0, **extra}
    lines = [
        "[fleet]",
        f'terminal_id = "{terminal_id}"',
        'office = "本庁"',
        f'database = "{database}"',
        'password_file = "terminal.pw"',
        *(f"{key} = {value}" for key, value in settings.items()),
    ]
    return "\n" + "\n".join(lines) + "\n"


@pytest.fixture
def start_terminal(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator, tmp_path: Path
) -> Callable[..., Terminal]:
    def start(
        cluster: PostgresCluster,
        terminal_id: str,
        database: str = "",
        backlog: int = 0,
        options: str = "",
        **extra: float,
    ) -> Terminal:
        """Start the terminal's daemon (again, on the same storage); ``backlog`` visits written before."""
        directory = tmp_path / terminal_id
        kpi_path = directory / "storage" / "kpi.sqlite3"
        if not kpi_path.exists():
            kpi_path.parent.mkdir(parents=True)
            PersistentKpiRecorder(kpi_path).close()  # the store's own table
        written = local_visits(kpi_path)
        write_visits(kpi_path, terminal_id, written + 1, backlog)
        (directory / "terminal.pw").write_text(f"pw-{terminal_id}\n", encoding="utf-8")
        add_terminal(cluster.admin_dsn(DATABASE), terminal_id, "本庁", f"pw-{terminal_id}")
        dsn = database or cluster.tcp_dsn(f"terminal_{terminal_id}", DATABASE)
        devices = {"receipt": ("escpos", escpos_sim.uri())}
        metrics = '\n[options.metrics]\nlisten = "127.0.0.1:0"\n'
        daemon = start_daemon(devices, directory, fleet_table(terminal_id, dsn, **extra) + metrics + options)
        return Terminal(terminal_id, daemon, kpi_path, written + backlog)

    return start


def central_visits(cluster: PostgresCluster, terminal_id: str) -> list[tuple[int, str]]:
    """(seq, visit id) of one terminal in the order the rows were received (then by seq)."""
    with psycopg.connect(cluster.admin_dsn(DATABASE)) as connection:
        rows = connection.execute(
            "SELECT seq, visit_id FROM frontyard.visits WHERE terminal_id = %s ORDER BY received_time, seq",
            (terminal_id,),
        ).fetchall()
    return [(int(seq), str(visit)) for seq, visit in rows]


def assert_exactly_once_in_order(cluster: PostgresCluster, terminal: Terminal) -> None:
    rows = central_visits(cluster, terminal.terminal_id)
    expected = [(n, f"{terminal.terminal_id}-{n:05d}") for n in range(1, terminal.written + 1)]
    assert rows == expected  # every visit, once, received in local order


def arrived(cluster: PostgresCluster, terminal: Terminal) -> int:
    with psycopg.connect(cluster.admin_dsn(DATABASE)) as connection:
        row = connection.execute(
            "SELECT count(*) FROM frontyard.visits WHERE terminal_id = %s", (terminal.terminal_id,)
        ).fetchone()
    return int(row[0]) if row else 0


def test_three_terminals_forward_through_a_database_outage(
    cluster: PostgresCluster, start_terminal: Callable[..., Terminal], escpos_sim: EscposSimulator
) -> None:
    terminals = [start_terminal(cluster, f"outage-{n}", backlog_warn_rows=30) for n in range(3)]
    for terminal in terminals:
        terminal.record_visits(40)
    escpos_sim.post("cover", open=True)  # a device fault on every terminal, forwarded as it happens
    wait_until(lambda: all(arrived(cluster, t) == 40 for t in terminals), timeout=30, what="the first visits")
    wait_until(lambda: device_states(cluster) >= {(t.terminal_id, "ERROR") for t in terminals}, timeout=30,
               what="the cover-open faults")  # fmt: skip

    cluster.stop()  # the back office goes away mid-stream; residents keep being served
    for terminal in terminals:
        terminal.record_visits(40)
    escpos_sim.post("cover", open=False)
    scrapes = [t.daemon.process.ready["metrics"] for t in terminals]
    during_outage = {
        'frontyard_fleet_backlog_rows{stream="visits"} 40.0',
        "frontyard_fleet_backlog_warning 1.0",
        "frontyard_fleet_connected 0.0",
    }
    wait_until(
        lambda: all(during_outage <= set(metric_lines(scrape)) for scrape in scrapes),
        timeout=20,
        what="the backlog and its warning in every terminal's metrics",
    )
    assert all(t.local_visits() == 80 for t in terminals)
    cluster.start()
    for terminal in terminals:
        terminal.record_visits(20)

    wait_until(lambda: all(arrived(cluster, t) == 100 for t in terminals), timeout=60, what="the catch-up")
    for terminal in terminals:
        assert_exactly_once_in_order(cluster, terminal)
    wait_until(lambda: device_states(cluster) >= {(t.terminal_id, "IDLE") for t in terminals}, timeout=30,
               what="the recoveries")  # fmt: skip
    # the backlog warning was on each device board (a devices/fleet state change), and was forwarded too
    assert {(t.terminal_id, "ERROR") for t in terminals} <= device_states(cluster, "fleet")
    with psycopg.connect(cluster.admin_dsn(DATABASE)) as connection:
        wait_until(
            lambda: (
                connection.execute(
                    "SELECT count(*) FROM frontyard.terminals WHERE terminal_id LIKE 'outage-%%'"
                    " AND backlog_rows = 0 AND last_seen_time > now() - interval '10 seconds'"
                ).fetchone()
                == (3,)
            ),
            what="three fresh heartbeats with no backlog",
        )
        devices = connection.execute("SELECT devices FROM frontyard.terminals WHERE terminal_id = 'outage-0'")
        assert devices.fetchone() == ({"receipt": {"kind": "receipt_printer", "state": "IDLE", "fault": ""}},)


def metric_lines(url: str) -> list[str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode()).splitlines()


def device_states(cluster: PostgresCluster, slot: str = "receipt") -> set[tuple[str, str]]:
    with psycopg.connect(cluster.admin_dsn(DATABASE)) as connection:
        rows = connection.execute(
            "SELECT terminal_id, state FROM frontyard.device_events WHERE slot = %s", (slot,)
        )
        return {(str(terminal), str(state)) for terminal, state in rows}


def test_a_terminal_killed_mid_forward_resends_and_the_database_keeps_one_copy(
    cluster: PostgresCluster, start_terminal: Callable[..., Terminal]
) -> None:
    # a backlog written before the start (small batches), so that the kill lands mid-forward
    terminal = start_terminal(cluster, "killed", backlog=1500, batch_rows=5)
    wait_until(lambda: arrived(cluster, terminal) > 0, timeout=30, what="forwarding to begin")
    terminal.daemon.stop(signal.SIGKILL)
    at_kill = arrived(cluster, terminal)
    assert at_kill < 1500, "the kill came after the whole backlog: nothing was tested"
    start_terminal(cluster, "killed", batch_rows=500)
    wait_until(lambda: arrived(cluster, terminal) == 1500, timeout=60, what="the rest after the restart")
    assert_exactly_once_in_order(cluster, terminal)


def test_a_promoted_standby_takes_over_without_losing_a_row(start_terminal: Callable[..., Terminal]) -> None:
    primary = started_cluster()
    standby = PostgresCluster.standby_of(primary, new_cluster_root())
    try:
        standby.start()
        migrate(primary.create_database(DATABASE))
        # a commit the forwarder sees is on the standby too (synchronous replication)
        primary.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
        primary.psql("SELECT pg_reload_conf()")
        wait_until(lambda: primary.psql("SELECT sync_state FROM pg_stat_replication") == "sync",
                   what="the standby in sync")  # fmt: skip
        dsn = (
            f"host=127.0.0.1,127.0.0.1 port={primary.port},{standby.port} dbname={DATABASE}"
            " user=terminal_failover target_session_attrs=read-write sslmode=disable connect_timeout=2"
        )
        terminal = start_terminal(primary, "failover", dsn)
        terminal.record_visits(200)
        wait_until(lambda: arrived(primary, terminal) > 0, timeout=30, what="forwarding to the primary")
        primary.kill()
        terminal.record_visits(100)
        standby.promote()
        wait_until(lambda: arrived(standby, terminal) == 300, timeout=60, what="the rest on the new primary")
        assert_exactly_once_in_order(standby, terminal)
    finally:
        standby.destroy()
        primary.destroy()


def test_a_counter_tablet_visit_arrives_with_its_channel_and_the_export_is_left_to_the_back_office(
    cluster: PostgresCluster, start_terminal: Callable[..., Terminal]
) -> None:
    options = '\n[options.frontyard]\nchannel = "counter"\n'
    terminal = start_terminal(cluster, "tablet-01", options=options)
    kiosk, staff = (
        FrontyardStub(terminal.daemon.channel("kiosk")),
        FrontyardStub(terminal.daemon.channel("staff")),
    )
    name = enter_reference_household(kiosk)
    kiosk.CompleteVisit(visit_pb2.CompleteVisitRequest(visit=name))
    wait_until(lambda: arrived(cluster, terminal) == 1, timeout=30, what="the visit in the back office")
    with psycopg.connect(cluster.admin_dsn(DATABASE)) as connection:
        row = connection.execute(
            "SELECT channel, counter, life_event FROM frontyard.visits WHERE terminal_id = 'tablet-01'"
        ).fetchone()
    assert row == ("counter", "書かない窓口", "tennyu")
    with pytest.raises(grpc.RpcError) as refused:
        staff.ExportApplications(application_pb2.ExportApplicationsRequest())
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(refused.value) == "exported_by_back_office"
    terminal.daemon.stop()
