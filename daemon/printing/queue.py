"""``PrintQueue``: durable print jobs, one FIFO worker task per printer slot.

A job is journaled (QUEUED) before any printer sees it; the worker of its printer takes the oldest
unsettled job, journals PRINTING, asks the printer, and journals the outcome. The head job blocks the
ones behind it while it is HELD, so receipts come out in order. Each change is published on
WatchEvents (see ``messages.job_events``).

Recovery at start (before the daemon accepts calls): a receipt that was PRINTING when the daemon died
may have printed partly, so it is queued again and printed whole (reason ``reprint_after_restart``); a
form job that has an IPP job id is followed by asking the printer (Get-Job-Attributes), never
resubmitted; one without an IPP job id is HELD with ``outcome_unknown`` for the operator.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Any

from kiosk.v1 import events_pb2

from drivers.base import DeviceError, DeviceKind
from drivers.escpos.document import Receipt

from ..errors import FailedPrecondition, InvalidArgument, NotFound, storage_full
from ..events import EventLog
from ..options import PrintingOptions
from ..redaction import redact_text
from ..registry import DeviceRegistry, DeviceSlot
from .form_jobs import form_step
from .journal import JobJournal
from .messages import job_events
from .model import FINAL_STATES, MESSAGES_JA, SETTLED_STATES, Job, JobKind, JobState, job_id_from_name
from .receipt_codec import encode_receipt_document
from .receipt_jobs import receipt_step

_LOGGER = logging.getLogger(__name__)

PRINTER_KINDS = (DeviceKind.RECEIPT_PRINTER, DeviceKind.FORM_PRINTER)
PURGE_EVERY_S = 60.0
OFFLINE = events_pb2.DEVICE_STATE_OFFLINE


class PrintQueue:
    def __init__(
        self, storage_dir: Path, registry: DeviceRegistry, events: EventLog, options: PrintingOptions
    ) -> None:
        self.journal = JobJournal(storage_dir / "print-jobs.sqlite3")
        self.registry = registry
        self.events = events
        self.hold_poll_s = options.hold_poll_s
        self.follow_poll_s = options.follow_poll_s
        self.failed_payload_ttl_s = options.failed_payload_ttl_s
        self.cancel_timeout_s = options.cancel_timeout_s
        self._retry_requested: set[int] = set()
        self._cancel_requested: set[int] = set()
        self._stopping = False
        self._wake: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._changed = asyncio.Event()
        self._last_purge = 0.0

    # --- the API other services call -------------------------------------------------------------

    async def submit_receipt(self, receipt: Receipt, *, title: str, order_id: str = "") -> str:
        """Journal one receipt for the receipt printer; returns the job name ("jobs/12")."""
        payload = encode_receipt_document(receipt)
        return self._submit(DeviceKind.RECEIPT_PRINTER, JobKind.RECEIPT, title, order_id, 1, 1, payload)

    async def submit_pdf(
        self, pdf: bytes, *, title: str, pages: int, copies: int = 1, order_id: str = ""
    ) -> str:
        """Journal a PDF for the A4 printer; ``pages`` is the page count of one copy."""
        if not pdf.startswith(b"%PDF-"):
            raise InvalidArgument("the document is not a PDF (it must start with %PDF-)", reason="not_pdf")
        if not 1 <= pages <= 10_000:
            raise InvalidArgument(f"pages must be 1..10000, got {pages}", reason="bad_page_count")
        if not 1 <= copies <= 99:
            raise InvalidArgument(f"copies must be 1..99, got {copies}", reason="bad_copies")
        return self._submit(
            DeviceKind.FORM_PRINTER, JobKind.FORMS, title, order_id, pages * copies, copies, pdf
        )

    async def wait(self, job_name: str, timeout: float | None = None) -> JobState:  # noqa: ASYNC109
        """Until the job is COMPLETED, CANCELLED or FAILED; after ``timeout`` its state then (e.g. HELD)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            changed = self._changed
            job = self.get(job_name)
            if job.state in SETTLED_STATES:
                return job.state
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return job.state
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await changed.wait()

    def get(self, job_name: str) -> Job:
        job_id = job_id_from_name(job_name)
        if job_id is None:
            raise InvalidArgument("name: not a job name (jobs/{id})", reason="bad_job_name")
        try:
            return self.journal.get(job_id)
        except KeyError:
            raise NotFound(f"no job {job_name}", reason="job_not_found") from None

    def list(self, state: JobState | None, page_size: int, page_token: str) -> tuple[list[Job], str]:
        size = 50 if page_size <= 0 else min(page_size, 500)
        before = None
        if page_token:
            if not page_token.isdigit():
                raise InvalidArgument("bad page_token", reason="bad_page_token")
            before = int(page_token)
        jobs = self.journal.list(state, before, size + 1)
        next_token = str(jobs[size - 1].id) if len(jobs) > size else ""
        return jobs[:size], next_token

    def retry(self, job_name: str) -> Job:
        """Retry: a HELD job tries now, a FAILED job is queued again."""
        job = self.get(job_name)
        if job.state is JobState.HELD:
            self._retry_requested.add(job.id)
            self.wake(job.device)
            return job
        if job.state is JobState.FAILED:
            if not job.has_payload:
                raise FailedPrecondition(
                    f"{job.name} has no document any more",
                    reason="payload_gone",
                    message_ja=MESSAGES_JA["payload_gone"],
                )
            job = self.change(job, JobState.QUEUED, ipp_job_id=None)
            self.wake(job.device)
            return job
        raise FailedPrecondition(
            f"{job.name} is {job.state.value}; only held or failed jobs can be retried",
            reason="job_not_retryable",
        )

    async def cancel(self, job_name: str) -> Job:
        """Clear: the job will not print. A form job already at the printer is cancelled there too."""
        job = self.get(job_name)
        if job.state in FINAL_STATES:
            raise FailedPrecondition(f"{job.name} is already {job.state.value}", reason="job_finished")
        if job.kind is JobKind.FORMS and job.ipp_job_id is not None:
            self._cancel_requested.add(job.id)
            self.wake(job.device)
            state = await self.wait(job_name, self.cancel_timeout_s)
            if state is not JobState.CANCELLED:
                reason = "job_finished" if state in FINAL_STATES else "cancel_pending"
                raise FailedPrecondition(f"{job.name} is {state.value}; not cancelled", reason=reason)
            return self.get(job_name)
        if job.state is JobState.PRINTING:
            raise FailedPrecondition(f"{job.name} is being sent to the printer", reason="job_printing")
        return self.change(job, JobState.CANCELLED, reason="", message="", message_ja="")

    # --- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Settle what the last run left, then start one worker per printer slot."""
        self.journal.purge_payloads(self.failed_payload_ttl_s)
        for job in self.journal.unsettled():
            if job.state is not JobState.PRINTING:
                continue
            if job.kind is JobKind.RECEIPT:
                _LOGGER.warning(
                    "receipt job was being printed when the daemon stopped: printing it again",
                    extra={"job": job.name},
                )
                self.change(
                    job,
                    JobState.QUEUED,
                    reason="reprint_after_restart",
                    message="the daemon stopped while sending this receipt; it is printed again",
                )
            elif job.ipp_job_id is None:
                self.change(
                    job,
                    JobState.HELD,
                    reason="outcome_unknown",
                    message="the daemon stopped while submitting this job; check the printer",
                )
        for slot in self.registry.slots.values():
            if slot.kind in PRINTER_KINDS:
                self._wake[slot.name] = asyncio.Event()
                self._tasks.append(
                    asyncio.get_running_loop().create_task(self._run(slot), name=f"print-{slot.name}")
                )

    async def stop(self, grace: float = 10.0) -> None:
        """Let a running device call finish (it is journaled), then stop the workers."""
        self._stopping = True
        for event in self._wake.values():
            event.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=grace)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.journal.close()

    # --- what the job steps use (``JobBook``) ----------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self._stopping

    def current(self, job: Job) -> Job:
        return self.journal.get(job.id)

    def payload(self, job: Job) -> bytes | None:
        return self.journal.payload(job.id)

    def record_ipp_job(self, job: Job, ipp_job_id: int) -> Job:
        return self.journal.update(job.id, ipp_job_id=ipp_job_id)

    def retry_requested(self, job: Job) -> bool:
        return job.id in self._retry_requested

    def clear_retry(self, job: Job) -> None:
        self._retry_requested.discard(job.id)

    def cancel_requested(self, job: Job) -> bool:
        return job.id in self._cancel_requested

    def clear_cancel(self, job: Job) -> None:
        self._cancel_requested.discard(job.id)

    def change(self, job: Job, state: JobState, **changes: Any) -> Job:
        """Journal a state change (reason/message default to empty) and publish it."""
        changes.setdefault("reason", "")
        changes.setdefault("message", "")
        changes["message"] = redact_text(str(changes["message"]))
        changes.setdefault("message_ja", MESSAGES_JA.get(changes["reason"], ""))
        updated = self.journal.update(job.id, state=state, **changes)
        self.publish(updated)
        return updated

    def change_for_error(self, job: Job, state: JobState, error: DeviceError, reason: str = "") -> Job:
        reason = reason or error.reason
        message_ja = MESSAGES_JA.get(reason, error.message_ja)
        return self.change(job, state, reason=reason, message=str(error), message_ja=message_ja)

    def progress(self, job: Job, done: int) -> Job:
        updated = self.journal.update(job.id, done=done)
        self.publish(updated)
        return updated

    def publish(self, job: Job) -> None:
        for event in job_events(job):
            self.events.publish(event)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        _LOGGER.info("print job %s", job.state.value, extra={"job": job.name, "reason": job.reason})

    def wake(self, device: str) -> None:
        event = self._wake.get(device)
        if event is not None:
            event.set()

    async def back_off_busy(self, job: Job, previous: Job, slot: DeviceSlot) -> None:
        """The device was busy with something else: put ``job`` back as it was and wait a little."""
        self.change(
            job,
            previous.state,
            reason=previous.reason,
            message=previous.message,
            message_ja=previous.message_ja,
            attempts=previous.attempts,
        )
        await self.pause(slot, self.hold_poll_s)

    async def pause(self, slot: DeviceSlot, seconds: float) -> None:
        """Sleep up to ``seconds``; a submit, retry, cancel or stop wakes it early."""
        event = self._wake[slot.name]
        event.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()

    async def device_ready(self, slot: DeviceSlot) -> bool:
        """A fresh health reading says the printer can print (the registry's state may be stale)."""
        if slot.device is None:
            return False
        try:
            health = await slot.check_health()
        except DeviceError:
            return False
        return health.ready

    # --- internals -------------------------------------------------------------------------------

    def _submit(
        self,
        kind: DeviceKind,
        job_kind: JobKind,
        title: str,
        order_id: str,
        total: int,
        copies: int,
        payload: bytes,
    ) -> str:
        try:
            slot = self.registry.of_kind(kind)
        except KeyError:
            raise FailedPrecondition(
                f"no {kind.value} is configured", reason="printer_not_configured"
            ) from None
        job = self.journal.add(
            device=slot.name,
            kind=job_kind,
            title=title,
            order_id=order_id,
            total=total,
            copies=copies,
            payload=payload,
        )  # a full disk raises here: nothing journaled (the interceptor answers storage_full)
        try:
            self.publish(job)
        except Exception:  # e.g. the event log is full: take the job back so nothing is half-done
            self.journal.remove_unsent(job.id)
            raise
        self.wake(slot.name)
        return job.name

    async def _run(self, slot: DeviceSlot) -> None:
        """The worker of one printer: the oldest unsettled job, one step at a time, until stop.

        Every journal write of an iteration is inside the ``try``: a full disk keeps the job and tries
        again later instead of ending this printer's worker."""
        while not self._stopping:
            self._wake[slot.name].clear()
            try:
                await self._next(slot)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the journal cannot be written: keep the job, try again later
                if storage_full(error) is None:
                    raise
                _LOGGER.error("print journal write failed: storage full", extra={"device": slot.name})
                await self.pause(slot, max(self.hold_poll_s, 1.0))

    async def _next(self, slot: DeviceSlot) -> None:
        if time.monotonic() - self._last_purge > PURGE_EVERY_S:
            self._last_purge = time.monotonic()
            self.journal.purge_payloads(self.failed_payload_ttl_s)
        jobs = self.journal.unsettled(slot.name)
        if not jobs:
            await self.pause(slot, PURGE_EVERY_S)
            return
        job = jobs[0]
        if slot.device is None and job.ipp_job_id is None:  # not open yet, or offline
            if slot.state == OFFLINE and job.state is JobState.QUEUED:
                self.change(job, JobState.HELD, reason="device_offline", message=f"{slot.name} is offline")
            await self.pause(slot, self.hold_poll_s)
            return
        await self._step(slot, job)

    async def _step(self, slot: DeviceSlot, job: Job) -> None:
        try:
            if job.kind is JobKind.RECEIPT:
                await receipt_step(self, slot, job)
            else:
                await form_step(self, slot, job)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not stop the queue: fail this job, keep its document
            if storage_full(error) is not None:
                raise
            _LOGGER.exception("print job step failed", extra={"job": job.name})
            self.change(
                self.journal.get(job.id),
                JobState.FAILED,
                reason="internal",
                message="internal error; see the daemon log",
            )
