"""``JobBook``: what one step of a print job may do with the queue, and nothing more.

The job kinds (``receipt_jobs``, ``form_jobs``) receive a ``JobBook``; ``PrintQueue`` implements it.
The job modules therefore never import the queue, and the queue's sets and flags stay its own.
"""

from __future__ import annotations

from typing import Any, Protocol

from drivers.base import DeviceError

from ..registry import DeviceSlot
from .model import MANUAL_REASONS, Job, JobState


class JobBook(Protocol):
    hold_poll_s: float  # how often a HELD job looks at its printer again
    follow_poll_s: float  # how often a submitted IPP job is asked about

    @property
    def stopping(self) -> bool:
        """The daemon is stopping: a step returns at its next check."""

    def current(self, job: Job) -> Job:
        """The job as the journal has it now."""

    def payload(self, job: Job) -> bytes | None:
        """The job's document, or None when it was purged."""

    def change(self, job: Job, state: JobState, **changes: Any) -> Job:
        """Journal a state change and publish it (reason and message default to empty)."""

    def change_for_error(self, job: Job, state: JobState, error: DeviceError, reason: str = "") -> Job:
        """``change`` with the error's reason, message and Japanese message."""

    def progress(self, job: Job, done: int) -> Job:
        """Journal and publish the count of pages (or receipts) done."""

    def record_ipp_job(self, job: Job, ipp_job_id: int) -> Job:
        """Journal the printer's job id at once: from now on the job is followed, never resubmitted."""

    def retry_requested(self, job: Job) -> bool:
        """An operator asked to retry this HELD job now."""

    def clear_retry(self, job: Job) -> None: ...

    def cancel_requested(self, job: Job) -> bool:
        """An operator asked to cancel this job at the printer."""

    def clear_cancel(self, job: Job) -> None: ...

    async def back_off_busy(self, job: Job, previous: Job, slot: DeviceSlot) -> None:
        """The printer was busy with something else: put ``job`` back as ``previous`` and wait a little."""

    async def pause(self, slot: DeviceSlot, seconds: float) -> None:
        """Sleep up to ``seconds``; a submit, retry, cancel or stop wakes it early."""

    async def device_ready(self, slot: DeviceSlot) -> bool:
        """A fresh health reading says the printer can print."""


async def resume_allowed(book: JobBook, slot: DeviceSlot, job: Job) -> Job | None:
    """For a HELD job: the job (re-read) when it may run now, else None after a short pause."""
    if not book.retry_requested(job) and (job.reason in MANUAL_REASONS or not await book.device_ready(slot)):
        await book.pause(slot, book.hold_poll_s)
        return None
    current = book.current(job)
    return current if current.state is JobState.HELD else None
