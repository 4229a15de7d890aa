"""The back-office console's reads and actions against a real PostgreSQL (the session cluster), logged in
as a ``frontyard_backoffice`` login over TCP like the console: the fleet board and its LISTEN/NOTIFY feed,
the outbox (correct, check, export with the local exporter, who did it), the 効果検証 figures, the daily
close, and the retention purge of personal data."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from backoffice.console import board, closing, figures, outbox
from backoffice.console.__main__ import main as console_main
from backoffice.retention import purge, purge_personal_data
from frontyard import exporter
from frontyard.corrections import FieldCorrection
from frontyard.errors import CorrectionError, OutboxError
from tests.fixtures.postgres import BackofficeDatabase, new_backoffice_database
from tests.support.backoffice_city import (
    CLOSE_DAY,
    FAULTY_TERMINAL,
    FILER_NAME,
    SHORT_CLOSE_YEN,
    STALE_TERMINAL,
    TERMINALS,
    SeededApplication,
    add_console_login,
    heartbeat,
    insert,
    seed_city,
    upsert,
)
from tests.support.postgres import PostgresCluster

pytestmark = pytest.mark.integration

LOGIN, PASSWORD = "console_test", "console test password"
BUSY = frozenset({3, 4})


class City:
    def __init__(self, database: BackofficeDatabase, applications: list[SeededApplication]) -> None:
        self.database = database
        self.applications = applications
        self.dsn = database.cluster.tcp_dsn(LOGIN, database.name) + f" password='{PASSWORD}'"

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.dsn)

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.database.admin_dsn, autocommit=True)

    def row(self, application: SeededApplication, columns: str) -> tuple[Any, ...]:
        with self.admin() as connection:
            found = connection.execute(
                f"SELECT {columns} FROM frontyard.applications WHERE terminal_id = %s AND seq = %s",
                (application.terminal_id, application.seq),
            ).fetchone()
        assert found is not None
        return tuple(found)


@pytest.fixture(scope="module")
def city(postgres_cluster: PostgresCluster) -> City:
    database = new_backoffice_database(postgres_cluster)
    add_console_login(database.admin_dsn, LOGIN, PASSWORD)
    return City(database, seed_city(database.admin_dsn))


def test_board_marks_the_silent_terminal_and_the_faulty_printer(city: City) -> None:
    with city.connect() as connection:
        read = board.read_board(connection, stale_after_s=60)
    by_id = {line.terminal_id: line for line in read.terminals}
    assert set(by_id) == set(TERMINALS)
    assert [t for t, line in by_id.items() if line.stale] == [STALE_TERMINAL]
    assert (by_id[STALE_TERMINAL].seconds_since_seen or 0) >= 590
    forms = {d.slot: d for d in by_id[FAULTY_TERMINAL].devices}["forms"]
    assert (forms.state, forms.reasons) == ("ERROR", ("media_empty",))
    assert {d.state for d in by_id["honcho-01"].devices} == {"IDLE"}


def test_feed_pushes_the_board_when_a_terminal_reports(city: City) -> None:
    async def follow() -> board.Board | None:
        feed = board.FleetFeed(city.dsn, stale_after_s=60, push_every_s=30)
        try:
            async with feed.follow() as queue:
                first = await asyncio.wait_for(queue.get(), timeout=10)
                assert first is not None
                assert {t.terminal_id for t in first.terminals if t.stale} == {STALE_TERMINAL}
                with city.admin() as connection:  # 開聞 speaks again; only the NOTIFY can wake the feed
                    upsert(connection, heartbeat(STALE_TERMINAL, dt.datetime.now(dt.UTC)))
                return await asyncio.wait_for(queue.get(), timeout=10)
        finally:
            await feed.close()

    pushed = asyncio.run(follow())
    assert pushed is not None
    assert not [t.terminal_id for t in pushed.terminals if t.stale]
    assert pushed.version == 2
    with city.admin() as connection:  # silent again for the tests after this one
        upsert(connection, heartbeat(STALE_TERMINAL, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)))


def test_figures_by_office_season_terminal_and_channel(city: City) -> None:
    with city.connect() as connection:
        found = figures.read_figures(connection, None, None, BUSY, "Asia/Tokyo")
    rows = {(row.office, row.season): row for row in found.offices if row.reform == "after"}
    before = [row for row in found.offices if row.reform == "before"]
    assert [(row.office, row.season, row.samples, row.avg_wait_s) for row in before] == [
        ("本庁", "busy", 1, 574.0),
        ("", "busy", 1, 574.0),
    ]
    busy = rows[("本庁", "busy")]
    assert (busy.samples, busy.avg_wait_s, busy.avg_handle_s, busy.writes_saved) == (2, 150.0, 420.0, 8)
    assert rows[("本庁", "quiet")].avg_wait_s == 60.0
    assert rows[("", "busy")].samples == 2 * len(TERMINALS)  # the city-wide row
    samples = {row.terminal_id: row.samples for row in found.terminals}
    assert samples == {**dict.fromkeys(TERMINALS, 3), "honcho-01": 4}
    channels = {(c.office, c.channel, c.kind): c.count for c in found.certificates}
    assert channels[("山川支所", "kiosk", "JUMINHYO")] == 2
    assert channels[("山川支所", "counter", "JUMINHYO")] == 1
    with city.connect() as connection:
        june = figures.read_figures(connection, dt.date(2026, 6, 1), dt.date(2026, 6, 30), BUSY, "Asia/Tokyo")
    assert {row.season for row in june.offices} == {"quiet"}


def test_daily_close_reconciles_each_terminal_and_shows_the_difference(city: City) -> None:
    with city.connect() as connection:
        report = closing.read_close(connection, CLOSE_DAY, "Asia/Tokyo")
    by_id = {row.terminal_id: row for row in report.terminals}
    assert by_id["honcho-01"].matches and by_id["honcho-01"].journal.net_yen == 750
    assert not by_id[STALE_TERMINAL].matches
    assert by_id[STALE_TERMINAL].difference_yen == -SHORT_CLOSE_YEN
    assert report.city.net_yen == 750 * len(TERMINALS)  # the declined sale counts nowhere
    assert report.as_json()["reconciled"] is False
    with city.connect() as connection:
        other_day = closing.read_close(connection, CLOSE_DAY + dt.timedelta(days=1), "Asia/Tokyo")
    assert all(row.reported is None and not row.matches for row in other_day.terminals)


def test_outbox_correct_check_export_records_who_and_purges_after_retention(
    city: City, tmp_path: Path
) -> None:
    missing = next(a for a in city.applications if a.missing_phone)
    with city.connect() as connection:
        listed = outbox.list_applications(connection, outbox.CentralStatus.RELEASED.value)
        assert {item.key for item in listed} == {a.key for a in city.applications}
        key = outbox.ApplicationKey.parse(missing.key)
        assert "filer.phone" in {
            f["key"] for f in outbox.get_application(connection, key)["fields"] if f["missing"]
        }
        corrected = outbox.correct_application(
            connection, key, [FieldCorrection("filer.phone", "0993-22-2111")], "S0001"
        )
        assert corrected == ("filer.phone",)
        with pytest.raises(CorrectionError):  # a bad value is refused, nothing changes
            outbox.correct_application(
                connection, key, [FieldCorrection("filer.phone", "not a phone")], "S0001"
            )
        outbox.check_application(connection, key, "S0002")
        with pytest.raises(OutboxError):
            outbox.check_application(connection, key, "S0002")  # checked once only
    package, pdf, corrected_by, corrections, status, checked_by = city.row(
        missing, "package, pdf, corrected_by, corrections, status, checked_by"
    )
    assert "0993-22-2111" in json.dumps(package, ensure_ascii=False)
    assert bytes(pdf).startswith(b"%PDF") and len(bytes(pdf)) > 1000  # rendered again, not the seed's stub
    assert (corrected_by, corrections, status, checked_by) == ("S0001", ["filer.phone"], "checked", "S0002")

    export_dir = tmp_path / "export"
    with city.connect() as connection:
        written = exporter.export_released(
            outbox.CentralOutbox(connection, "S0003"), export_dir, dt.datetime.now(dt.UTC)
        )
    assert [path.name for path in written] == [missing.application_id]
    manifest = json.loads((written[0] / "package.json").read_text(encoding="utf-8"))
    assert manifest["format"] == exporter.FORMAT and manifest["released_at"] is not None
    assert (written[0] / "form.pdf").read_bytes().startswith(b"%PDF")
    assert city.row(missing, "status, exported_by") == ("exported", "S0003")

    with city.connect() as connection:  # not due yet: a 30-day retention keeps it
        assert purge_personal_data(connection, 30) == ()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    result = purge(city.dsn, 30, export_dir, now=later)
    assert (result.applications, result.directories) == (1, 1)
    assert city.row(missing, "package, pdf, status") == (None, None, "exported")
    assert not (export_dir / missing.application_id).exists()
    others = [a for a in city.applications if a is not missing]
    assert all(city.row(a, "package IS NOT NULL")[0] for a in others)  # not exported: kept
    with city.admin() as connection, connection.cursor() as cursor:  # the terminal forwards it again
        cursor.execute(
            "SELECT * FROM frontyard.applications WHERE terminal_id = %s AND seq = %s",
            (missing.terminal_id, missing.seq),
        )
        assert cursor.fetchone() is not None
    with city.admin() as connection:
        total = connection.execute(
            "SELECT count(*) FROM frontyard.applications WHERE package::text LIKE %s", (f"%{FILER_NAME}%",)
        ).fetchone()
    assert total == (len(others),)


def test_the_console_login_may_not_forward_rows(city: City) -> None:
    from tests.support.backoffice_city import _visit

    with city.connect() as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        insert(connection, _visit("honcho-01", 99, CLOSE_DAY, "kiosk", 1.0, 1.0))


def test_the_purge_command(city: City, capsys: pytest.CaptureFixture[str]) -> None:
    assert console_main(["purge", "--database", city.dsn, "--retention-days", "-1"]) == 2
    assert "保存日数" in capsys.readouterr().err
    assert console_main(["purge", "--database", city.dsn, "--retention-days", "30"]) == 0
    assert "cleared: 0 applications" in capsys.readouterr().out
    nobody = city.database.cluster.tcp_dsn(LOGIN, "no_such_database") + f" password='{PASSWORD}'"
    assert console_main(["purge", "--database", nobody]) == 1
