"""The central database's schema and roles, on a real PostgreSQL (docs/FLEET.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest

from backoffice import records
from backoffice.cli import main as backoffice_main
from backoffice.migrate import migrate, migrations
from backoffice.terminals import add_backoffice_login, add_terminal
from tests.fixtures.postgres import BackofficeDatabase
from tests.support.postgres import PostgresCluster

pytestmark = pytest.mark.integration
NOW = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)


def _event(terminal_id: str, seq: int) -> records.DeviceEventRecord:
    return records.DeviceEventRecord(
        terminal_id, seq, NOW, "printer", "receipt_printer", "FAULT", "paper_out", NOW
    )


def _connect_as(
    database: BackofficeDatabase, role: str, password: str
) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(database.cluster.tcp_dsn(role, database.name), password=password, autocommit=True)


def test_migrate_twice_applies_every_file_once(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.create_database("frontyard_migrate_twice")
    first = migrate(dsn)
    second = migrate(dsn)
    assert [m.version for m in first.applied] == [m.version for m in migrations()]
    assert second.applied == () and second.before == second.after == first.after
    versions = postgres_cluster.psql(
        "SELECT version FROM frontyard.schema_version", "frontyard_migrate_twice"
    )
    assert versions.splitlines() == [str(m.version) for m in migrations()]


def test_the_command_migrates_then_says_nothing_to_do(
    postgres_cluster: PostgresCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    dsn = postgres_cluster.create_database("frontyard_cli")
    assert backoffice_main(["migrate", "--database", dsn]) == 0
    assert "migrated from version 0" in capsys.readouterr().out
    assert backoffice_main(["migrate", "--database", dsn]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_the_command_explains_an_unreachable_database_in_both_languages(
    postgres_cluster: PostgresCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    dsn = f"host={postgres_cluster.socket_dir} port=1 user=postgres dbname=postgres connect_timeout=2"
    assert backoffice_main(["migrate", "--database", dsn]) == 1
    error = capsys.readouterr().err
    assert "データベースに接続できません" in error and "cannot connect to the database" in error


def test_a_terminal_inserts_its_own_rows_once_and_never_another_terminals(
    backoffice_database: BackofficeDatabase,
) -> None:
    add_terminal(backoffice_database.admin_dsn, "honcho-01", "本庁", "pw-honcho")
    insert = records.insert_sql(records.Stream.DEVICE_EVENTS)
    with _connect_as(backoffice_database, "terminal_honcho-01", "pw-honcho") as terminal:
        terminal.execute(insert, records.insert_values(_event("honcho-01", 1)))
        terminal.execute(insert, records.insert_values(_event("honcho-01", 1)))  # sent again: no-op
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            terminal.execute(insert, records.insert_values(_event("yamakawa-01", 1)))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            terminal.execute("SELECT fault FROM frontyard.device_events")
    add_terminal(backoffice_database.admin_dsn, "yamakawa-01", "山川支所", "pw-yamakawa")
    with _connect_as(backoffice_database, "terminal_yamakawa-01", "pw-yamakawa") as other:
        other.execute(insert, records.insert_values(_event("yamakawa-01", 1)))
        assert other.execute("SELECT terminal_id, seq FROM frontyard.device_events").fetchall() == [
            ("yamakawa-01", 1)
        ]
    count = backoffice_database.cluster.psql(
        "SELECT terminal_id, seq FROM frontyard.device_events ORDER BY 1", backoffice_database.name
    )
    assert count.splitlines() == ["honcho-01|1", "yamakawa-01|1"]


def test_a_terminal_upserts_only_its_own_heartbeat(backoffice_database: BackofficeDatabase) -> None:
    add_terminal(backoffice_database.admin_dsn, "honcho-01", "本庁", "pw-honcho")
    add_terminal(backoffice_database.admin_dsn, "kaimon-01", "開聞支所", "pw-kaimon")
    own = records.TerminalHeartbeat("honcho-01", "本庁", NOW, 3, {"printer": {"state": "READY"}})
    other = records.TerminalHeartbeat("kaimon-01", "開聞支所", NOW, 0, {})
    with _connect_as(backoffice_database, "terminal_honcho-01", "pw-honcho") as terminal:
        terminal.execute(records.HEARTBEAT_SQL, records.heartbeat_values(own))
        terminal.execute(records.HEARTBEAT_SQL, records.heartbeat_values(own))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            terminal.execute(records.HEARTBEAT_SQL, records.heartbeat_values(other))
    rows = backoffice_database.cluster.psql(
        "SELECT terminal_id, backlog_rows FROM frontyard.terminals ORDER BY 1", backoffice_database.name
    )
    assert rows.splitlines() == ["honcho-01|3", "kaimon-01|"]


def test_the_back_office_reads_every_terminal_and_updates_applications(
    backoffice_database: BackofficeDatabase, tmp_path: Path
) -> None:
    add_terminal(backoffice_database.admin_dsn, "honcho-01", "本庁", "pw-honcho")
    add_backoffice_login(backoffice_database.admin_dsn, "console", "pw-console")
    application = records.ApplicationRecord(
        "honcho-01",
        1,
        NOW,
        "pkg-1",
        "20260401-SHIMIN-0001",
        "tennyu",
        "転入届",
        ("tennyu",),
        "市民課",
        "released",
        NOW,
        "1234",
        {"fields": {}},
        b"%PDF-1.7",
    )
    with _connect_as(backoffice_database, "terminal_honcho-01", "pw-honcho") as terminal:
        terminal.execute(records.insert_sql(records.Stream.APPLICATIONS), records.insert_values(application))
        terminal.execute(
            records.insert_sql(records.Stream.DEVICE_EVENTS), records.insert_values(_event("honcho-01", 7))
        )
    with _connect_as(backoffice_database, "console", "pw-console") as console:
        console.execute("UPDATE frontyard.applications SET status = 'exported', exported_time = now()")
        cursor = console.cursor(row_factory=psycopg.rows.dict_row)
        row = cursor.execute("SELECT * FROM frontyard.applications").fetchone()
        assert row is not None
        read = records.from_row(records.Stream.APPLICATIONS, row)
        assert isinstance(read, records.ApplicationRecord)
        assert (read.application_id, read.procedure_ids, read.status, read.pdf) == (
            "pkg-1",
            ("tennyu",),
            "exported",
            b"%PDF-1.7",
        )
        events = console.execute("SELECT count(*) FROM frontyard.device_events").fetchone()
        assert events == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            console.execute("DELETE FROM frontyard.device_events")


def test_device_events_notify_the_fleet_board(backoffice_database: BackofficeDatabase) -> None:
    add_terminal(backoffice_database.admin_dsn, "honcho-01", "本庁", "pw-honcho")
    with psycopg.connect(backoffice_database.admin_dsn, autocommit=True) as listener:
        listener.execute("LISTEN frontyard_fleet")
        with _connect_as(backoffice_database, "terminal_honcho-01", "pw-honcho") as terminal:
            terminal.execute(
                records.insert_sql(records.Stream.DEVICE_EVENTS),
                records.insert_values(_event("honcho-01", 1)),
            )
        notices = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
    assert notices == ['{"terminal_id" : "honcho-01", "table" : "device_events"}']
