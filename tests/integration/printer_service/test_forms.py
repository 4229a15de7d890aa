"""Form jobs through the daemon process and the IPP simulator: pages exactly once, media-empty, garbage."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from kiosk.v1 import events_pb2, printer_pb2

from daemon.errors import error_reason
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.ipp import IppSimulator
from tests.fixtures.printer_service import FAST, STATE, Client, connect
from tests.support.pdf import make_pdf

pytestmark = pytest.mark.integration


def print_forms(
    client: Client, pages: int, copies: int = 1, marker: str = "FRONTYARD-TEST"
) -> printer_pb2.Job:
    request = printer_pb2.PrintFormsRequest(
        pdf=make_pdf(pages, marker), title="住民異動届(転入届)", pages=pages, copies=copies
    )
    job: printer_pb2.Job = client.staff.PrintForms(request, timeout=10).job
    return job


def test_forms_print_every_page_once_and_only_staff_may_print_them(
    start_daemon: Callable[..., RunningDaemon], ipp_simulator: IppSimulator
) -> None:
    client = connect(start_daemon({"forms": ("ipp", ipp_simulator.endpoint)}, extra=FAST))
    with pytest.raises(grpc.RpcError) as denied:
        client.kiosk.PrintForms(printer_pb2.PrintFormsRequest(pdf=make_pdf(1), title="出生届", pages=1))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as invalid:
        client.staff.PrintForms(printer_pb2.PrintFormsRequest(pdf=b"not a pdf", title="出生届", pages=1))
    assert error_reason(invalid.value) == "not_pdf"
    job = print_forms(client, pages=2, copies=2)
    done = client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert (done.done, done.total, done.kind) == (4, 4, printer_pb2.JOB_KIND_FORMS)
    (printed,) = ipp_simulator.state()["jobs"]
    assert printed["printed"] == [1, 2, 1, 2]


def test_media_empty_mid_job_holds_and_resumes_with_every_page_once(
    start_daemon: Callable[..., RunningDaemon], ipp_simulator: IppSimulator
) -> None:
    client = connect(start_daemon({"forms": ("ipp", ipp_simulator.endpoint)}, extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/forms")
    ipp_simulator.control("media_empty_after_pages", {"n": 2})
    job = print_forms(client, pages=4)
    held = client.wait_job(job.name, STATE.JOB_STATE_HELD, reason="media_empty")
    assert held.done == 2
    (at_printer,) = ipp_simulator.state()["jobs"]
    assert at_printer["state"] == 6, "the IPP job stays processing-stopped while we wait"
    events = client.events(0, lambda e: e.failed.operation_id == job.name)
    assert events[-1].failed.reason == "media_empty"
    assert list(events[-1].failed.actions) == [events_pb2.ERROR_ACTION_RETRY, events_pb2.ERROR_ACTION_CLEAR]
    ipp_simulator.control("media", {"state": "ok"})
    done = client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert (done.done, done.attempts) == (4, 1)
    (at_printer,) = ipp_simulator.state()["jobs"]
    assert at_printer["printed"] == [1, 2, 3, 4]


def test_a_held_form_job_is_cancelled_at_the_printer(
    start_daemon: Callable[..., RunningDaemon], ipp_simulator: IppSimulator
) -> None:
    client = connect(start_daemon({"forms": ("ipp", ipp_simulator.endpoint)}, extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/forms")
    ipp_simulator.control("media_empty_after_pages", {"n": 1})
    job = print_forms(client, pages=3)
    client.wait_job(job.name, STATE.JOB_STATE_HELD, reason="media_empty")
    cancelled = client.staff.CancelJob(printer_pb2.CancelJobRequest(name=job.name), timeout=15).job
    assert cancelled.state == STATE.JOB_STATE_CANCELLED
    (at_printer,) = ipp_simulator.state()["jobs"]
    assert at_printer["state"] == 7 and at_printer["printed"] == [1]


def test_a_garbled_ipp_response_fails_the_job_with_its_reason_then_retry_prints_once(
    start_daemon: Callable[..., RunningDaemon], ipp_simulator: IppSimulator
) -> None:
    client = connect(start_daemon({"forms": ("ipp", ipp_simulator.endpoint)}, extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/forms")
    ipp_simulator.control("garbage_response", {"on": True})
    job = print_forms(client, pages=1)
    failed = client.wait_job(job.name, STATE.JOB_STATE_FAILED, reason="malformed_response")
    assert failed.message_ja and ipp_simulator.state()["jobs"] == []
    client.staff.RetryJob(printer_pb2.RetryJobRequest(name=job.name))
    client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert len(ipp_simulator.state()["jobs"]) == 1


def test_the_pdf_leaves_the_journal_when_the_job_completes(
    start_daemon: Callable[..., RunningDaemon], ipp_simulator: IppSimulator
) -> None:
    daemon = start_daemon({"forms": ("ipp", ipp_simulator.endpoint)}, extra=FAST)
    client = connect(daemon)
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/forms")
    ipp_simulator.control("media", {"state": "empty"})
    marker = "PERSONA-MARKER-4711"
    job = print_forms(client, pages=1, marker=marker)
    client.wait_job(job.name, STATE.JOB_STATE_HELD, reason="media_empty")
    storage = daemon.directory / "storage"

    def on_disk() -> bool:
        return any(marker.encode() in path.read_bytes() for path in storage.glob("print-jobs.sqlite3*"))

    assert on_disk(), "while the job can still print, its PDF is in the journal"
    ipp_simulator.control("media", {"state": "ok"})
    client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert not on_disk(), "a completed job's PDF is gone from the journal and its WAL"
    assert marker not in daemon.log()
