"""One step of a receipt job on the ESC/POS printer: print the whole receipt once, or hold it.

| outcome of ``ReceiptPrinter.print_receipt``      | job                                         |
|--------------------------------------------------|---------------------------------------------|
| completed                                        | COMPLETED (1/1)                             |
| ``completed=False`` (paper ran out mid-receipt)  | HELD ``paper_out``; reprinted whole later   |
| refused before sending: paper, cover, offline, cutter | HELD with that reason (nothing printed) |
| transport lost (``DeviceUnavailable``)           | HELD ``device_offline``; reprinted whole    |
| malformed status, bad content, other errors      | FAILED with the driver's reason             |

A HELD job resumes when a fresh health reading says the printer is ready, or at once on RetryJob.
"""

from __future__ import annotations

from typing import cast

from drivers.base import Device, DeviceBusy, DeviceError, DeviceUnavailable
from drivers.escpos import (
    CoverOpenError,
    CutterError,
    PaperOutError,
    PrinterOfflineError,
    PrintOutcome,
    ReceiptPrinter,
)

from ..registry import DeviceSlot
from .book import JobBook, resume_allowed
from .model import Job, JobState
from .receipt_codec import ReceiptCodecError, decode_receipt

HOLDING_ERRORS = (PaperOutError, CoverOpenError, PrinterOfflineError, CutterError)


async def receipt_step(queue: JobBook, slot: DeviceSlot, job: Job) -> None:
    if job.state is JobState.HELD:
        resumed = await resume_allowed(queue, slot, job)
        if resumed is None:
            return
        job = resumed
    queue.clear_retry(job)
    payload = queue.payload(job)
    if payload is None:
        queue.change(job, JobState.FAILED, reason="payload_gone", message="the receipt document is gone")
        return
    try:
        receipt = decode_receipt(payload)
    except ReceiptCodecError as exc:
        queue.change(job, JobState.FAILED, reason="receipt_unreadable", message=str(exc))
        return
    previous = job
    carried = job.reason if job.reason == "reprint_after_restart" else ""
    job = queue.change(
        job,
        JobState.PRINTING,
        attempts=job.attempts + 1,
        reason=carried,
        message=job.message if carried else "",
    )

    def print_it(device: Device) -> PrintOutcome:
        return cast(ReceiptPrinter, device).print_receipt(receipt)

    try:
        outcome = await slot.call(print_it, operation=job.name)
    except DeviceBusy:
        await queue.back_off_busy(job, previous, slot)
        return
    except DeviceUnavailable as exc:
        queue.change_for_error(job, JobState.HELD, exc, reason="device_offline")
        return
    except HOLDING_ERRORS as exc:
        queue.change_for_error(job, JobState.HELD, exc)
        return
    except DeviceError as exc:
        queue.change_for_error(job, JobState.FAILED, exc)
        return
    if outcome.completed:
        queue.change(job, JobState.COMPLETED, done=1, reason=carried, message=job.message if carried else "")
    else:
        queue.change(
            job,
            JobState.HELD,
            reason="paper_out",
            message=f"paper ran out during the receipt (status {outcome.status_after.hex}); "
            "it is printed again after the refill",
            message_ja=PaperOutError.message_ja,
        )
