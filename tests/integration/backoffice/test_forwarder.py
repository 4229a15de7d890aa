"""The forwarder in-process on the daemon's real stores, against a real PostgreSQL (daemon/fleet)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from kiosk.v1 import events_pb2

from backoffice.records import Stream
from backoffice.terminals import add_terminal
from daemon.audit.log import AuditEntry
from daemon.fleet.forwarder import BACKLOG_REASON, BEHIND_REASON, FLEET_DEVICE, FleetForwarder
from daemon.fleet.sources import LocalFiles
from daemon.fleet.watermarks import FILE_NAME, Watermarks
from daemon.options import FleetOptions
from daemon.payments.model import OpState, PaymentState, SaleOrder
from daemon.visits.kpi_store import visit_to_json
from frontyard.kpi import Visit
from tests.fixtures.postgres import BackofficeDatabase
from tests.support.fleet_stores import TerminalStores, sample_form
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
NOW = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class Stores(TerminalStores):
    """One terminal's stores, written the way the daemon writes them."""

    def visit(self, number: int) -> None:
        start = NOW + dt.timedelta(minutes=number)
        started, done = start + dt.timedelta(seconds=90), start + dt.timedelta(seconds=400)
        visit = Visit(f"R-{number:04d}", "改革後", "SHIMIN", ("JUKI_TENNYU",), start, started, done)
        self.kpi.record(dataclasses.replace(visit, writes_baseline=12, writes_ours=2, life_event="tennyu"))

    def device_change(self, state: int, reason: str = "") -> None:
        change = events_pb2.DeviceStateChanged(state=state, reason=reason)  # type: ignore[arg-type]
        self.events.publish(events_pb2.Event(device="devices/receipt", state_changed=change))


class Published:
    """An EventPublisher stand-in that keeps what the forwarder publishes."""

    def __init__(self) -> None:
        self.events: list[events_pb2.Event] = []

    def publish(self, event: events_pb2.Event) -> object:
        self.events.append(event)
        return event


def forwarder_for(
    database: BackofficeDatabase,
    storage: Path,
    tmp_path: Path,
    events: Published | None = None,
    **options: Any,
) -> FleetForwarder:
    password = tmp_path / "terminal.pw"
    password.write_text("pw-t1\n", encoding="utf-8")
    add_terminal(database.admin_dsn, "t1", "本庁", "pw-t1")
    fleet = FleetOptions(
        terminal_id="t1",
        office="本庁",
        database=database.cluster.tcp_dsn("terminal_t1", database.name),
        password_file=password,
        **options,
    )
    sources = LocalFiles(storage, storage / "outbox" / "outbox.sqlite3").sources(
        "t1", {"receipt": "receipt_printer"}
    )
    return FleetForwarder(
        fleet,
        sources,
        Watermarks(storage / FILE_NAME, fleet.terminal_id),
        events,
        devices=lambda: {"receipt": {}},
    )


def central(database: BackofficeDatabase, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database.admin_dsn) as connection:
        return connection.execute(sql).fetchall()


def test_every_stream_arrives_once_with_its_columns(
    backoffice_database: BackofficeDatabase, tmp_path: Path
) -> None:
    stores = Stores.open(tmp_path / "storage")
    try:
        for number in (1, 2, 3):
            stores.visit(number)
        stores.device_change(events_pb2.DeviceState.DEVICE_STATE_ERROR, "paper_out")
        stores.events.publish(
            events_pb2.Event(device="devices/receipt", progress=events_pb2.OperationProgress())
        )
        stores.device_change(events_pb2.DeviceState.DEVICE_STATE_IDLE)
        stores.audit.append(AuditEntry("1234", "application.released", "applications/abc"))
        _, sale = stores.payments.create_sale(SaleOrder("order-1", 300, "credit"))
        stores.payments.update_op(sale.sequence_number, OpState.SENT, payment_state=PaymentState.SENT)
        stores.payments.update_op(sale.sequence_number, OpState.APPROVED, payment_state=PaymentState.APPROVED)
        stores.payments.record_close(1, True, "close-1.csv", [sale.sequence_number])
        package = stores.outbox.add(sample_form(), b"%PDF-1.7 sample", "20260401-SHIMIN-0001", NOW)
        stores.outbox.add(
            sample_form(), b"%PDF-1.7 other", "20260401-SHIMIN-0002", NOW
        )  # awaits its check: not sent
        stores.outbox.release(package.package_id, "1234", NOW)

        forwarder = forwarder_for(backoffice_database, stores.storage, tmp_path)
        assert forwarder.forward_once()
        first = forwarder.status()
        assert not forwarder.forward_once()  # nothing new: nothing sent
        assert forwarder.status().forwarded == first.forwarded and first.backlog_rows == 0
        forwarder.stop()
    finally:
        stores.close()

    visits = central(
        backoffice_database,
        "SELECT seq, visit_id, wait_s, handle_s, writes_saved, life_event FROM frontyard.visits ORDER BY seq",
    )
    assert visits == [(n, f"R-{n:04d}", 90.0, 310.0, 10, "tennyu") for n in (1, 2, 3)]
    events = central(
        backoffice_database,
        "SELECT seq, slot, device_kind, state, fault FROM frontyard.device_events ORDER BY seq",
    )
    assert [row[1:] for row in events] == [
        ("receipt", "receipt_printer", "ERROR", "paper_out"),
        ("receipt", "receipt_printer", "IDLE", ""),
    ]
    operations = central(
        backoffice_database,
        "SELECT payment_id, operation, amount_yen, state FROM frontyard.payment_operations ORDER BY seq",
    )
    assert operations == [
        ("order-1", "payment", 300, "created"),
        ("order-1", "sale", 300, "sent"),
        ("order-1", "payment", 300, "sent"),
        ("order-1", "sale", 300, "approved"),
        ("order-1", "payment", 300, "approved"),
    ]
    closes = central(
        backoffice_database,
        "SELECT close_number, sales_count, sales_yen, reconciled FROM frontyard.daily_closes",
    )
    assert closes == [(1, 1, 300, True)]
    audit = central(backoffice_database, "SELECT seq, actor_id, action, resource FROM frontyard.audit_rows")
    assert audit == [(1, "1234", "application.released", "applications/abc")]
    applications = central(
        backoffice_database,
        "SELECT seq, application_id, status, pdf, package->>'form_id' FROM frontyard.applications",
    )
    assert applications == [(1, package.package_id, "released", b"%PDF-1.7 sample", "juki-tennyu")]
    beat = central(
        backoffice_database,
        "SELECT office, backlog_rows, devices FROM frontyard.terminals WHERE terminal_id = 't1'",
    )
    assert beat == [("本庁", 0, {"receipt": {}})]
    saved = json.loads((stores.storage / FILE_NAME).read_text(encoding="utf-8"))
    assert saved["visits"] == 3 and saved["device_events"] == 3 and saved["applications"] == 1


def test_a_lost_watermark_sends_again_and_the_database_keeps_one_copy(
    backoffice_database: BackofficeDatabase, tmp_path: Path
) -> None:
    stores = Stores.open(tmp_path / "storage")
    try:
        for number in range(1, 8):
            stores.visit(number)
        forwarder = forwarder_for(backoffice_database, stores.storage, tmp_path, batch_rows=3)
        while forwarder.forward_once():
            pass
        forwarder.stop()
        (stores.storage / FILE_NAME).unlink()  # as if the terminal died before saving it
        again = forwarder_for(backoffice_database, stores.storage, tmp_path, batch_rows=3)
        while again.forward_once():
            pass
        assert again.status().forwarded["visits"] == 7  # all sent a second time …
        again.stop()
    finally:
        stores.close()
    rows = central(
        backoffice_database, "SELECT count(*), count(DISTINCT visit_id), max(seq) FROM frontyard.visits"
    )
    assert rows == [(7, 7, 7)]  # … and stored once


def test_an_unreachable_database_raises_the_backlog_warning_and_residents_keep_writing(
    backoffice_database: BackofficeDatabase, tmp_path: Path
) -> None:
    stores = Stores.open(tmp_path / "storage")
    published = Published()
    forwarder = forwarder_for(
        backoffice_database, stores.storage, tmp_path, published, backlog_warn_rows=3, poll_s=0.05
    )
    unreachable = "host=127.0.0.1 port=1 dbname=x user=y"
    forwarder.options = dataclasses.replace(forwarder.options, database=unreachable)
    try:
        forwarder.start()
        for number in range(1, 6):
            stores.visit(number)  # the local commit never waits on the central database
        wait_until(lambda: published.events, what="the backlog warning")
        wait_until(lambda: forwarder.status().failures >= 2, what="a retry")
    finally:
        forwarder.stop()
        stores.close()
    warning = published.events[0]
    assert warning.device == FLEET_DEVICE and warning.state_changed.reason == BACKLOG_REASON
    status = forwarder.status()
    assert status.backlog["visits"] == 5 and status.backlog_warning and not status.connected


def test_sslmode_is_honoured_a_server_without_tls_is_never_used_in_plaintext(
    backoffice_database: BackofficeDatabase, tmp_path: Path
) -> None:
    stores = Stores.open(tmp_path / "storage")
    try:
        stores.visit(1)
        forwarder = forwarder_for(backoffice_database, stores.storage, tmp_path)
        plain = forwarder.options.database.replace("sslmode=disable", "sslmode=require")
        forwarder.options = dataclasses.replace(forwarder.options, database=plain)
        with pytest.raises(psycopg.OperationalError):
            forwarder.forward_once()  # the test cluster has no TLS: refused, not downgraded
        forwarder.stop()
    finally:
        stores.close()
    assert central(backoffice_database, "SELECT count(*) FROM frontyard.visits") == [(0,)]
    assert forwarder.watermarks.get(Stream.VISITS) == 0


def test_visits_carry_the_terminal_channel_and_an_older_row_arrives_as_kiosk(
    backoffice_database: BackofficeDatabase, tmp_path: Path
) -> None:
    stores = Stores.open(tmp_path / "storage")
    try:
        stores.visit(1)
        old = json.loads(visit_to_json(stores.kpi.visits()[0]))
        del old["channel"]  # a row recorded by a release before the channel existed
        with sqlite3.connect(stores.storage / "kpi.sqlite3") as kpi:
            kpi.execute("INSERT INTO visits (visit) VALUES (?)", (json.dumps(old),))
        start = NOW + dt.timedelta(hours=1)
        stores.kpi.record(
            Visit(
                "R-0003", "改革後", "らくらく窓口", ("CERT_JUMINHYO",), start, start, start, channel="counter"
            )
        )
        forwarder = forwarder_for(backoffice_database, stores.storage, tmp_path)
        assert forwarder.forward_once()
        forwarder.stop()
    finally:
        stores.close()
    rows = central(backoffice_database, "SELECT seq, counter, channel FROM frontyard.visits ORDER BY seq")
    assert rows == [(1, "SHIMIN", "kiosk"), (2, "SHIMIN", "kiosk"), (3, "らくらく窓口", "counter")]


def test_a_terminal_restored_from_an_older_backup_refuses_the_streams_it_would_renumber(
    backoffice_database: BackofficeDatabase, tmp_path: Path
) -> None:
    stores = Stores.open(tmp_path / "storage")
    try:
        for number in range(1, 6):
            stores.visit(number)
        forwarder = forwarder_for(backoffice_database, stores.storage, tmp_path)
        assert forwarder.forward_once()
        forwarder.stop()
    finally:
        stores.close()

    restored = Stores.open(tmp_path / "restored")  # the backup held two visits, the watermarks none
    published = Published()
    try:
        for number in (1, 2, 3):  # the third is new, under a sequence the back office has
            restored.visit(number)
        restored.audit.append(AuditEntry("1234", "application.released", "applications/abc"))
        again = forwarder_for(backoffice_database, restored.storage, tmp_path, published)
        assert again.forward_once()  # the audit stream is not behind: it is sent
        status = again.status()
        assert status.refused == ("visits",) and status.forwarded["visits"] == 0
        assert status.forwarded["audit_rows"] == 1 and status.backlog["visits"] == 3
        assert not again.forward_once()
        again.stop()
        for number in range(4, 8):  # past the central sequence now: still refused after a restart
            restored.visit(number)
        restarted = forwarder_for(backoffice_database, restored.storage, tmp_path)
        restarted.forward_once()
        assert restarted.status().refused == ("visits",) and restarted.status().forwarded["visits"] == 0
        restarted.stop()
    finally:
        restored.close()
    (warning,) = published.events
    assert warning.device == FLEET_DEVICE and warning.state_changed.reason == BEHIND_REASON
    assert central(backoffice_database, "SELECT count(*), max(seq) FROM frontyard.visits") == [(5, 5)]
