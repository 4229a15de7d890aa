"""A terminal with ``[fleet]``: its visits carry its channel, and it leaves the export to the back office."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from kiosk.v1 import application_pb2, certificate_pb2

from backoffice.records import Stream
from daemon.camera.store import ReadingStore
from daemon.errors import FailedPrecondition
from daemon.fleet.sources import ApplicationSource
from daemon.fleet.watermarks import FILE_NAME, Watermarks
from daemon.options import FrontyardOptions
from daemon.services.frontyard import FrontyardServiceRunner
from daemon.sessions import ResidentSessions
from daemon.visits.kpi_store import visit_from_json, visit_to_json
from daemon.visits.outbox_store import PersistentOutbox
from daemon.visits.settings import frontyard_settings
from frontyard.kpi import Visit
from tests.support.fleet_stores import sample_form
from tests.unit.visits.test_certificate_flow import INFO, RecordingEvents, RecordingPrinter


def counter_tablet(tmp_path: Path, *, fleet: bool) -> tuple[FrontyardServiceRunner, ResidentSessions]:
    sessions = ResidentSessions(lambda event: None)
    terminal_id = "tablet-01" if fleet else ""
    options = FrontyardOptions(channel="counter")
    settings = frontyard_settings(options, tmp_path / "var", fleet_terminal_id=terminal_id)
    runner = FrontyardServiceRunner(
        settings,
        tmp_path / "var",
        events=RecordingEvents(),
        printer=RecordingPrinter(),
        sessions=sessions,
        readings=ReadingStore(),
    )
    return runner, sessions


async def test_a_certificate_request_at_a_counter_tablet_is_recorded_with_its_channel(tmp_path: Path) -> None:
    runner, sessions = counter_tablet(tmp_path, fleet=True)
    session = sessions.start()
    session.set_basic_info(INFO)
    request = await runner.certificates.CreateCertificateRequest(
        certificate_pb2.CreateCertificateRequestRequest(
            session=session.name, kind=certificate_pb2.CERTIFICATE_KIND_JUMINHYO, copies=1
        ),
        None,  # type: ignore[arg-type]
    )
    await runner.certificates.PrintCertificateRequest(
        certificate_pb2.PrintCertificateRequestRequest(name=request.name),
        None,  # type: ignore[arg-type]
    )
    (visit,) = runner.flows.kpis.visits()
    assert (visit.channel, visit.counter) == ("counter", "らくらく窓口")
    runner.flows.close()


async def test_with_fleet_the_terminal_refuses_to_export_and_names_the_back_office(tmp_path: Path) -> None:
    runner, _ = counter_tablet(tmp_path, fleet=True)
    with pytest.raises(FailedPrecondition) as refused:
        await runner.applications.ExportApplications(
            application_pb2.ExportApplicationsRequest(),
            None,  # type: ignore[arg-type]
        )
    assert refused.value.reason == "exported_by_back_office"
    assert "back-office" in str(refused.value) and "バックオフィス" in refused.value.message_ja
    runner.flows.close()

    alone, _ = counter_tablet(tmp_path / "alone", fleet=False)
    exported = await alone.applications.ExportApplications(
        application_pb2.ExportApplicationsRequest(),
        None,  # type: ignore[arg-type]
    )
    assert list(exported.applications) == []  # without [fleet] the terminal exports, as before
    alone.flows.close()


def test_a_visit_row_written_before_the_channel_existed_still_loads_as_a_kiosk_visit() -> None:
    moment = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    visit = Visit(
        "R-0001", "改革後", "書かない窓口", ("JUKI_TENNYU",), moment, moment, moment, channel="counter"
    )
    document = json.loads(visit_to_json(visit))
    assert visit_from_json(json.dumps(document)).channel == "counter"
    del document["channel"]  # a row of an older release
    assert visit_from_json(json.dumps(document)).channel == "kiosk"


def test_a_release_after_a_purge_of_the_newest_released_rows_gets_a_new_forward_sequence(
    tmp_path: Path,
) -> None:
    moment = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    outbox = PersistentOutbox(tmp_path / "outbox")
    try:
        for number in (1, 2):
            package = outbox.add(sample_form(), b"%PDF-1.7", f"20260401-SHIMIN-000{number}", moment)
            outbox.release(package.package_id, "1234", moment)
            outbox.mark_exported(package.package_id, moment)
        assert len(outbox.purge(moment, 0)) == 2  # every released row is gone
        later = outbox.add(sample_form(), b"%PDF-1.7", "20260401-SHIMIN-0003", moment)
        outbox.release(later.package_id, "1234", moment)
    finally:
        outbox.close()
    source = ApplicationSource(tmp_path / "outbox" / "outbox.sqlite3", "t1")
    (record,) = source.read(0, 10).records
    assert record.seq == 3 and source.last_seq() == 3
    source.close()


def test_with_fleet_a_forwarded_release_past_its_retention_is_purged_at_the_terminal(tmp_path: Path) -> None:
    moment = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    outbox = PersistentOutbox(tmp_path / "outbox")
    try:
        released = []
        for number in (1, 2, 3):
            package = outbox.add(sample_form(), b"%PDF-1.7", f"20260401-SHIMIN-000{number}", moment)
            released.append(outbox.release(package.package_id, "1234", moment).package_id)
        later = moment + dt.timedelta(days=31)
        assert outbox.purge_forwarded(moment + dt.timedelta(days=29), 30, forwarded=3) == ()  # in retention
        assert outbox.purge_forwarded(later, 30, forwarded=2) == tuple(released[:2])  # the third not sent
        assert [summary.package_id for summary in outbox.list()] == released[2:]
    finally:
        outbox.close()


def test_the_front_yard_purge_reads_the_forwarder_watermark_of_its_terminal(tmp_path: Path) -> None:
    moment = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    runner, _ = counter_tablet(tmp_path, fleet=True)
    flows = runner.flows
    for number in (1, 2):
        package = flows.outbox.add(sample_form(), b"%PDF-1.7", f"20260401-SHIMIN-000{number}", moment)
        flows.outbox.release(package.package_id, "1234", moment)
    later = moment + dt.timedelta(days=31)
    assert flows.purge(later) == 0  # nothing forwarded yet
    Watermarks(tmp_path / "var" / FILE_NAME, "tablet-01").advance(Stream.APPLICATIONS, 1)
    assert flows.purge(later) == 1 and len(flows.outbox.list()) == 1
    flows.close()
