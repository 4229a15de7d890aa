"""Print forms through the IPP simulator with fault injection, through the real driver."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.ipp import FormPrinter, JobState, errors, open_device
from frontyard.render import render_forms
from frontyard.render.samples import sample_checklist, sample_form, sample_forms
from tests.fixtures.ipp import IppSimulator
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def printer(ipp_simulator: IppSimulator) -> Iterator[FormPrinter]:
    device = open_device(ipp_simulator.endpoint, timeout=5)
    device.open()
    try:
        yield device
    finally:
        device.close()


def _job(sim: IppSimulator, job_id: int) -> dict:  # type: ignore[type-arg]
    return next(job for job in sim.state()["jobs"] if job["job_id"] == job_id)


def test_print_forms_job_completes_and_pdf_stored(ipp_simulator: IppSimulator, printer: FormPrinter) -> None:
    pdf = render_forms(sample_forms()[:2], sample_checklist())
    assert printer.check_health().ready
    job_id = printer.print_pdf(pdf, "forms-test")
    final = printer.wait_for_job(job_id, timeout=20, poll_interval=0.1)
    assert final.state is JobState.COMPLETED
    stored = ipp_simulator.state_dir / "jobs" / f"{job_id}.pdf"
    assert stored.read_bytes() == pdf
    job = _job(ipp_simulator, job_id)
    assert final.pages_completed == job["pages"] == len(job["printed"]) >= 3
    assert sorted(Path(ipp_simulator.state_dir / "jobs").glob(f"{job_id}-*.png"))
    assert [entry.job_id for entry in printer.jobs("completed")] == [job_id]


def test_media_empty_mid_job_stops_then_resumes_every_page_once(
    ipp_simulator: IppSimulator, printer: FormPrinter
) -> None:
    pdf = render_forms([sample_form(0), sample_form(1), sample_form(2)])
    ipp_simulator.control("media_empty_after_pages", {"n": 2})
    job_id = printer.print_pdf(pdf, "forms-media", copies=2)
    wait_until(lambda: printer.job_state(job_id).state is JobState.PROCESSING_STOPPED, what="the job stopped")
    stopped = printer.job_state(job_id)
    assert stopped.pages_completed == 2
    assert "media-empty-error" in stopped.reasons
    health = printer.check_health()
    assert (health.ready, health.reasons) == (False, ("media-empty",))
    with pytest.raises(errors.MediaEmptyError):
        printer.print_pdf(pdf, "refused")
    time.sleep(0.3)
    assert printer.job_state(job_id).pages_completed == 2  # nothing printed while empty
    ipp_simulator.control("media", {"state": "ok"})
    final = printer.wait_for_job(job_id, timeout=20, poll_interval=0.1)
    assert final.state is JobState.COMPLETED
    job = _job(ipp_simulator, job_id)
    assert job["printed"] == list(range(1, job["pages"] + 1)) * 2


def test_offline_and_back(ipp_simulator: IppSimulator, printer: FormPrinter) -> None:
    ipp_simulator.control("offline", {"on": True})
    health = printer.check_health()
    assert not health.ready
    assert "offline" in health.reasons
    with pytest.raises(errors.PrinterOfflineError) as info:
        printer.print_pdf(render_forms([sample_form(3)]), "offline")
    assert info.value.reason == "printer_offline"
    ipp_simulator.control("offline", {"on": False})
    assert printer.check_health().ready
    job_id = printer.print_pdf(render_forms([sample_form(3)]), "online")
    assert printer.wait_for_job(job_id, timeout=20, poll_interval=0.1).state is JobState.COMPLETED


def test_jam_stops_job_until_cleared(ipp_simulator: IppSimulator, printer: FormPrinter) -> None:
    ipp_simulator.control("speed", {"ppm": 120})
    job_id = printer.print_pdf(render_forms(sample_forms()[:3]), "jam")
    wait_until(lambda: printer.job_state(job_id).pages_completed >= 1, what="a page printed")
    ipp_simulator.control("jam", {"on": True})
    wait_until(lambda: printer.job_state(job_id).state is JobState.PROCESSING_STOPPED, what="the job stopped")
    assert "media-jam-error" in printer.job_state(job_id).reasons
    assert printer.check_health().reasons == ("media-jam",)
    ipp_simulator.control("speed", {"ppm": 6000})
    ipp_simulator.control("jam", {"on": False})
    assert printer.wait_for_job(job_id, timeout=20, poll_interval=0.1).state is JobState.COMPLETED
    job = _job(ipp_simulator, job_id)
    assert job["printed"] == list(range(1, job["pages"] + 1))


def test_malformed_response_gives_clear_error(ipp_simulator: IppSimulator, printer: FormPrinter) -> None:
    ipp_simulator.control("garbage_response", {"on": True})
    with pytest.raises(errors.MalformedResponseError, match="malformed IPP response") as info:
        printer.check_health()
    assert info.value.reason == "malformed_response"
    assert printer.check_health().ready  # the next response is fine again


def test_cancel_job(ipp_simulator: IppSimulator, printer: FormPrinter) -> None:
    ipp_simulator.control("speed", {"ppm": 60})
    job_id = printer.print_pdf(render_forms(sample_forms()[:4]), "cancel-me")
    printer.cancel(job_id)
    status = printer.job_state(job_id)
    assert status.state is JobState.CANCELED
    assert status.pages_completed < _job(ipp_simulator, job_id)["pages"] or status.pages_completed == 0
    with pytest.raises(errors.IppStatusError, match="0x0404"):
        printer.cancel(job_id)
    with pytest.raises(errors.IppStatusError, match="0x0406"):
        printer.job_state(9999)


def test_unreachable_printer() -> None:
    from tests.support.processes import free_port

    printer = open_device(f"ipp://127.0.0.1:{free_port()}/ipp/print", timeout=2)
    with pytest.raises(errors.PrinterUnreachableError) as info:
        printer.open()
    printer.close()
    assert info.value.reason == "printer_unreachable"
