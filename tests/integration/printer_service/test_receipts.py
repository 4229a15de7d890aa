"""Receipt jobs through the daemon process and the ESC/POS simulator: printing, faults, Retry and Clear."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from kiosk.v1 import events_pb2, printer_pb2

from daemon.errors import error_reason
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.printer_service import FAST, STATE, connect

pytestmark = pytest.mark.integration


def complete(sim: EscposSimulator) -> list[dict[str, Any]]:
    return [receipt for receipt in sim.receipts() if receipt["complete"]]


def ticket_numbers(sim: EscposSimulator) -> list[str]:
    """The big number of each complete ticket, in printing order."""
    return [next(line for line in r["text"] if line.isdigit() and len(line) == 3) for r in complete(sim)]


def test_a_ticket_prints_once_with_progress_and_completion_events(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator
) -> None:
    client = connect(start_daemon({"receipt": ("escpos", escpos_sim.uri())}, extra=FAST))
    job = client.ticket(42)
    assert job.name.startswith("jobs/") and job.device == "devices/receipt"
    done = client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert (done.done, done.total, done.attempts) == (1, 1, 1)
    printed = complete(escpos_sim)
    assert len(printed) == 1 and "042" in printed[0]["text"]
    events = client.events(
        0, lambda e: e.print_job.name == job.name and e.print_job.state == STATE.JOB_STATE_COMPLETED
    )
    mine = [e for e in events if job.name in (e.progress.operation_id, e.completed.operation_id)]
    assert [e.progress.step for e in mine if e.HasField("progress")] == ["queued", "printing"]
    assert mine[-1].completed.result == "printed"
    jobs = [e.print_job for e in events if e.HasField("print_job") and e.print_job.name == job.name]
    assert [j.state for j in jobs] == [
        STATE.JOB_STATE_QUEUED,
        STATE.JOB_STATE_PRINTING,
        STATE.JOB_STATE_COMPLETED,
    ]


def test_paper_out_mid_receipt_holds_then_reprints_the_whole_receipt_once(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator
) -> None:
    client = connect(start_daemon({"receipt": ("escpos", escpos_sim.uri())}, extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
    escpos_sim.post("roll", {"remaining_mm": 15})
    job = client.ticket(5)
    held = client.wait_job(job.name, STATE.JOB_STATE_HELD, reason="paper_out")
    assert held.message_ja and held.done == 0
    events = client.events(0, lambda e: e.failed.operation_id == job.name)
    assert events[-1].failed.reason == "paper_out"
    assert list(events[-1].failed.actions) == [events_pb2.ERROR_ACTION_RETRY, events_pb2.ERROR_ACTION_CLEAR]
    assert [r["status"] for r in escpos_sim.receipts()] == ["partial"]
    escpos_sim.post("refill")
    done = client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert done.attempts == 2
    assert [r["status"] for r in escpos_sim.receipts()] == ["partial", "complete"]
    assert "005" in complete(escpos_sim)[0]["text"]


def test_cover_open_holds_later_jobs_in_order_retry_and_cancel(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator
) -> None:
    client = connect(start_daemon({"receipt": ("escpos", escpos_sim.uri())}, extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
    escpos_sim.post("cover", {"open": True})
    first, second, third = client.ticket(1), client.ticket(2), client.ticket(3)
    client.wait_job(first.name, STATE.JOB_STATE_HELD, reason="cover_open")
    assert client.job(second.name).state == STATE.JOB_STATE_QUEUED, "FIFO: the held head blocks the rest"
    with pytest.raises(grpc.RpcError) as denied:
        client.kiosk.CancelJob(printer_pb2.CancelJobRequest(name=second.name))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    cancelled = client.staff.CancelJob(printer_pb2.CancelJobRequest(name=second.name)).job
    assert cancelled.state == STATE.JOB_STATE_CANCELLED
    retried = client.staff.RetryJob(printer_pb2.RetryJobRequest(name=first.name)).job
    assert retried.state == STATE.JOB_STATE_HELD
    escpos_sim.post("cover", {"open": False})
    client.wait_job(first.name, STATE.JOB_STATE_COMPLETED)
    client.wait_job(third.name, STATE.JOB_STATE_COMPLETED)
    assert ticket_numbers(escpos_sim) == ["001", "003"]
    with pytest.raises(grpc.RpcError) as finished:
        client.staff.CancelJob(printer_pb2.CancelJobRequest(name=first.name))
    assert error_reason(finished.value) == "job_finished"
    listed = client.staff.ListJobs(printer_pb2.ListJobsRequest(state=STATE.JOB_STATE_COMPLETED, page_size=1))
    assert [j.name for j in listed.jobs] == [third.name] and listed.next_page_token
    rest = client.staff.ListJobs(
        printer_pb2.ListJobsRequest(state=STATE.JOB_STATE_COMPLETED, page_token=listed.next_page_token)
    )
    assert [j.name for j in rest.jobs] == [first.name] and not rest.next_page_token


def test_cancel_a_held_job_prints_nothing(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator
) -> None:
    client = connect(start_daemon({"receipt": ("escpos", escpos_sim.uri())}, extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
    escpos_sim.post("offline", {"on": True})
    job = client.ticket(9)
    client.wait_job(job.name, STATE.JOB_STATE_HELD, reason="printer_offline")
    client.staff.CancelJob(printer_pb2.CancelJobRequest(name=job.name))
    escpos_sim.post("offline", {"on": False})
    events = client.events(0, lambda e: e.completed.operation_id == job.name)
    assert events[-1].completed.result == "cancelled"
    assert escpos_sim.receipts() == []


def test_many_receipts_queue_in_order_and_are_never_refused_busy(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator
) -> None:
    client = connect(start_daemon({"receipt": ("escpos", escpos_sim.uri())}, extra=FAST))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        jobs = list(pool.map(client.ticket, range(10, 16)))
    for job in jobs:
        client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    by_id = sorted(jobs, key=lambda job: int(job.name.split("/")[1]))
    printed = ticket_numbers(escpos_sim)
    assert len(printed) == len(jobs)
    numbers_by_job = {job.name: f"{n:03d}" for n, job in zip(range(10, 16), jobs, strict=True)}
    assert printed == [numbers_by_job[job.name] for job in by_id], "printed in journal (FIFO) order"


def test_malformed_status_fails_the_job_with_its_reason_and_retry_prints_it(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator
) -> None:
    client = connect(start_daemon({"receipt": ("escpos", escpos_sim.uri())}, extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
    escpos_sim.post("garbage_status", {"on": True})
    job = client.ticket(11)
    failed = client.wait_job(job.name, STATE.JOB_STATE_FAILED, reason="malformed_status")
    assert "0xx1xx10" in failed.message and failed.message_ja
    escpos_sim.post("garbage_status", {"on": False})
    assert (
        client.staff.RetryJob(printer_pb2.RetryJobRequest(name=job.name)).job.state == STATE.JOB_STATE_QUEUED
    )
    client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert len(complete(escpos_sim)) == 1
