"""Daemon restarts (SIGKILL mid-job) and a printer that goes away and comes back."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from kiosk.v1 import events_pb2, printer_pb2

from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.ipp import IppSimulator
from tests.fixtures.printer_service import FAST, STATE, connect
from tests.support.pdf import make_pdf
from tests.support.processes import PYTHON, free_port, start_with_ready_line
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def test_sigkill_mid_form_job_follows_the_ipp_job_and_never_prints_twice(
    start_daemon: Callable[..., RunningDaemon], ipp_simulator: IppSimulator, tmp_path: Path
) -> None:
    devices = {"forms": ("ipp", ipp_simulator.endpoint)}
    client = connect(start_daemon(devices, tmp_path / "d", extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/forms")
    ipp_simulator.control("speed", {"ppm": 120})  # 0.5 s a page
    request = printer_pb2.PrintFormsRequest(pdf=make_pdf(4), title="出生届", pages=4)
    job = client.staff.PrintForms(request).job
    wait_until(lambda: client.job(job.name).done >= 1, timeout=15, what="the first page printed")
    assert client.job(job.name).state == STATE.JOB_STATE_PRINTING
    client.daemon.stop(signal.SIGKILL)

    client = connect(start_daemon(devices, tmp_path / "d", extra=FAST))
    done = client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert (done.done, done.attempts) == (4, 1)
    (at_printer,) = ipp_simulator.state()["jobs"]
    assert at_printer["printed"] == [1, 2, 3, 4]


def test_sigkill_while_a_receipt_is_being_sent_reprints_it_whole_once(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator, tmp_path: Path
) -> None:
    devices = {"receipt": ("escpos", escpos_sim.uri(timeout=10))}
    client = connect(start_daemon(devices, tmp_path / "d", extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
    simulator = escpos_sim.process.process
    simulator.send_signal(signal.SIGSTOP)  # the printer stops answering: the job is caught mid-send
    try:
        job = client.ticket(77)
        client.wait_job(job.name, STATE.JOB_STATE_PRINTING)
        client.daemon.stop(signal.SIGKILL)
    finally:
        simulator.send_signal(signal.SIGCONT)
    client = connect(start_daemon(devices, tmp_path / "d", extra=FAST))
    done = client.wait_job(job.name, STATE.JOB_STATE_COMPLETED)
    assert (done.reason, done.attempts) == ("reprint_after_restart", 2)
    assert [r["status"] for r in escpos_sim.receipts()] == ["complete"]


def test_held_and_queued_receipts_survive_a_restart(
    start_daemon: Callable[..., RunningDaemon], escpos_sim: EscposSimulator, tmp_path: Path
) -> None:
    devices = {"receipt": ("escpos", escpos_sim.uri())}
    client = connect(start_daemon(devices, tmp_path / "d", extra=FAST))
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
    escpos_sim.post("cover", {"open": True})
    held, queued = client.ticket(1), client.ticket(2)
    client.wait_job(held.name, STATE.JOB_STATE_HELD, reason="cover_open")
    client.daemon.stop(signal.SIGKILL)

    client = connect(start_daemon(devices, tmp_path / "d", extra=FAST))
    assert client.job(held.name).state == STATE.JOB_STATE_HELD
    assert client.job(queued.name).state == STATE.JOB_STATE_QUEUED
    escpos_sim.post("cover", {"open": False})
    client.wait_job(queued.name, STATE.JOB_STATE_COMPLETED)
    assert [r["status"] for r in escpos_sim.receipts()] == ["complete", "complete"]


def test_a_printer_that_goes_away_holds_the_job_until_it_is_back(
    start_daemon: Callable[..., RunningDaemon], tmp_path: Path
) -> None:
    port, state_dir = free_port(), tmp_path / "printer"
    args = [PYTHON, "-m", "simulators.escpos_printer", "--port", str(port), "--state-dir", str(state_dir)]
    state_dir.mkdir()
    printer = start_with_ready_line(args, tmp_path / "sim-1.log")
    try:
        uri = f"tcp://127.0.0.1:{port}?timeout=1"
        client = connect(start_daemon({"receipt": ("escpos", uri)}, extra=FAST))
        client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
        printer.stop(signal.SIGKILL)
        client.wait_device(events_pb2.DEVICE_STATE_OFFLINE, "devices/receipt")
        job = client.ticket(3)
        client.wait_job(job.name, STATE.JOB_STATE_HELD, reason="device_offline")
        printer = start_with_ready_line(args, tmp_path / "sim-2.log")
        client.wait_job(job.name, STATE.JOB_STATE_COMPLETED, timeout=30)
        receipts = sorted(state_dir.glob("receipts/*.json"))
        assert len(receipts) == 1
    finally:
        printer.stop()
