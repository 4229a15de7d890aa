"""One step of a form job on the IPP printer: submit once, then follow the IPP job to its end.

Submission journals PRINTING, checks the printer (Get-Printer-Attributes), sends Print-Job and journals
the IPP job id at once. A failure *during* Print-Job leaves the outcome unknown: the job is HELD with
``outcome_unknown`` and never resubmitted by itself. Following polls Get-Job-Attributes:

| IPP job-state              | job                                                      |
|----------------------------|----------------------------------------------------------|
| pending, processing        | PRINTING, ``done`` = job-impressions-completed            |
| processing-stopped         | HELD, the printer's reason (``media_empty``); resumes at the same page |
| completed                  | COMPLETED                                                 |
| canceled                   | CANCELLED                                                 |
| aborted                    | FAILED ``ipp_job_aborted`` (RetryJob submits it again)    |
| job unknown to the printer | HELD ``outcome_unknown`` (RetryJob submits it again)      |
"""

from __future__ import annotations

from typing import cast

from drivers.base import Device, DeviceBusy, DeviceError, DeviceUnavailable
from drivers.ipp import FormPrinter, IppStatusError, JobStatus, MalformedResponseError
from drivers.ipp import JobState as IppJobState
from drivers.ipp.status import PrinterStatus, error_for_status, parse_state_reason

from ..registry import DeviceSlot
from .book import JobBook, resume_allowed
from .model import SETTLED_STATES, Job, JobState

IPP_NOT_FOUND = 0x0406
IPP_NOT_POSSIBLE = 0x0404
MALFORMED_BEFORE_HOLD = 3
_STOP_REASONS = {
    "media-empty": "media_empty",
    "media-needed": "media_empty",
    "media-jam": "media_jam",
    "door-open": "door_open",
    "offline": "printer_offline",
}


def stop_reason(reasons: tuple[str, ...]) -> str:
    """The job's stop reason key from its job-state-reasons (``media-empty-error`` → ``media_empty``)."""
    for raw in reasons:
        parsed = parse_state_reason(raw)
        if parsed is not None and parsed.keyword in _STOP_REASONS:
            return _STOP_REASONS[parsed.keyword]
    return "printer_stopped"


async def form_step(queue: JobBook, slot: DeviceSlot, job: Job) -> None:
    if job.ipp_job_id is None:
        submitted = await _submit(queue, slot, job)
        if submitted is None:
            return
        job = submitted
    await _follow(queue, slot, job)


async def _submit(queue: JobBook, slot: DeviceSlot, job: Job) -> Job | None:
    if job.state is JobState.HELD:
        resumed = await resume_allowed(queue, slot, job)
        if resumed is None:
            return None
        job = resumed
    queue.clear_retry(job)
    pdf = queue.payload(job)
    if pdf is None:
        queue.change(job, JobState.FAILED, reason="payload_gone", message="the PDF is gone")
        return None
    previous = job
    job = queue.change(job, JobState.PRINTING, attempts=job.attempts + 1)

    def read_status(device: Device) -> PrinterStatus:
        return cast(FormPrinter, device).status()

    try:
        status = await slot.call(read_status, operation=job.name)
    except DeviceBusy:
        await queue.back_off_busy(job, previous, slot)
        return None
    except DeviceUnavailable as exc:
        queue.change_for_error(job, JobState.HELD, exc, reason="device_offline")
        return None
    except DeviceError as exc:
        queue.change_for_error(job, JobState.FAILED, exc)
        return None
    not_ready = error_for_status(status)
    if not_ready is not None:
        queue.change_for_error(job, JobState.HELD, not_ready)
        return None

    def print_it(device: Device) -> int:
        return cast(FormPrinter, device).print_pdf(
            pdf, f"frontyard {job.name}", job.copies, check_ready=False
        )

    try:
        ipp_job_id = await slot.call(print_it, operation=job.name)
    except DeviceBusy:
        await queue.back_off_busy(job, previous, slot)
        return None
    except IppStatusError as exc:  # the printer answered "no": no job was created
        queue.change_for_error(job, JobState.FAILED, exc)
        return None
    except DeviceError as exc:  # no answer, or a garbled one: the job may or may not exist
        queue.change(job, JobState.HELD, reason="outcome_unknown", message=f"Print-Job: {exc}")
        return None
    return queue.record_ipp_job(job, ipp_job_id)


async def _follow(queue: JobBook, slot: DeviceSlot, job: Job) -> None:
    ipp_job_id = job.ipp_job_id
    assert ipp_job_id is not None
    malformed = 0
    while not queue.stopping:
        job = queue.current(job)
        if job.state in SETTLED_STATES or job.ipp_job_id != ipp_job_id:
            return
        if queue.cancel_requested(job) and await _cancel_at_printer(queue, slot, job, ipp_job_id):
            return

        def read_job(device: Device) -> JobStatus:
            return cast(FormPrinter, device).job_state(ipp_job_id)

        try:
            status = await slot.call(read_job, operation=job.name)
        except DeviceBusy:
            await queue.pause(slot, queue.follow_poll_s)
            continue
        except DeviceUnavailable as exc:
            if (job.state, job.reason) != (JobState.HELD, "device_offline"):
                queue.change_for_error(job, JobState.HELD, exc, reason="device_offline")
            await queue.pause(slot, queue.hold_poll_s)
            continue
        except IppStatusError as exc:
            if exc.status == IPP_NOT_FOUND:
                queue.change(
                    job,
                    JobState.HELD,
                    reason="outcome_unknown",
                    ipp_job_id=None,
                    message=f"the printer does not know IPP job {ipp_job_id}: {exc}",
                )
                return
            malformed += 1
            error: DeviceError = exc
        except MalformedResponseError as exc:
            malformed += 1
            error = exc
        else:
            malformed = 0
            queue.clear_retry(job)
            if _apply(queue, job, status):
                return
            await queue.pause(slot, queue.follow_poll_s)
            continue
        if malformed >= MALFORMED_BEFORE_HOLD and (job.state, job.reason) != (JobState.HELD, error.reason):
            queue.change_for_error(job, JobState.HELD, error)
        await queue.pause(
            slot, queue.follow_poll_s if malformed < MALFORMED_BEFORE_HOLD else queue.hold_poll_s
        )


def _apply(queue: JobBook, job: Job, status: JobStatus) -> bool:
    """Journal what the printer says about the job; True when the job is settled."""
    done = min(status.pages_completed, job.total)
    if status.state is IppJobState.COMPLETED:
        queue.change(job, JobState.COMPLETED, done=done or job.total)
        return True
    if status.state is IppJobState.CANCELED:
        queue.change(job, JobState.CANCELLED, done=done, reason="cancelled_at_printer")
        return True
    if status.state is IppJobState.ABORTED:
        queue.change(
            job,
            JobState.FAILED,
            done=done,
            reason="ipp_job_aborted",
            ipp_job_id=None,
            message=f"the printer aborted IPP job {status.job_id}: {', '.join(status.reasons)}",
        )
        return True
    if status.state is IppJobState.PROCESSING_STOPPED:
        reason = stop_reason(status.reasons)
        if (job.state, job.reason, job.done) != (JobState.HELD, reason, done):
            queue.change(
                job,
                JobState.HELD,
                done=done,
                reason=reason,
                message=f"IPP job {status.job_id} stopped: {', '.join(status.reasons)}",
            )
        return False
    if job.state is not JobState.PRINTING:
        queue.change(job, JobState.PRINTING, done=done)
    elif done != job.done:
        queue.progress(job, done)
    return False


async def _cancel_at_printer(queue: JobBook, slot: DeviceSlot, job: Job, ipp_job_id: int) -> bool:
    """Cancel-Job; True when the job is settled (cancelled, or already finished at the printer)."""

    def cancel_it(device: Device) -> None:
        cast(FormPrinter, device).cancel(ipp_job_id)

    try:
        await slot.call(cancel_it, operation=job.name)
    except IppStatusError as exc:
        if exc.status not in (IPP_NOT_POSSIBLE, IPP_NOT_FOUND):
            return False
        queue.clear_cancel(job)  # already finished there: the next poll tells how
        if exc.status == IPP_NOT_FOUND:
            queue.change(job, JobState.CANCELLED, reason="")
            return True
        return False
    except DeviceError:
        return False
    queue.clear_cancel(job)
    queue.change(job, JobState.CANCELLED, reason="")
    return True
