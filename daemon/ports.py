"""The narrow protocols a service receives instead of the whole daemon (see ``daemon.server``).

``create_server`` builds one of each collaborator (event log, registry, print queue, resident sessions,
camera readings) and hands every service only the protocols it uses, so a test gives a service a small
stand-in that type-checks::

    EventPublisher   publish an event on WatchEvents           EventLog
    PrintSubmitter   journal a receipt or a PDF as a print job  PrintQueue
    JobWaiter        wait for a print job to settle             PrintQueue
    SessionLookup    the active resident session of a name      ResidentSessions
    ReadingLookup    a held camera reading; forget a visit's    ReadingStore
    DeviceStates     every slot's current state                 DeviceRegistry
    EventFeed        follow the event log                       EventLog
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

from kiosk.v1 import events_pb2

from drivers.escpos.document import Receipt

from .camera.store import HeldReading
from .printing.model import JobState
from .sessions import ResidentSession


class EventPublisher(Protocol):
    def publish(self, event: events_pb2.Event) -> object:
        """Number, persist and deliver ``event`` (thread-safe)."""


class PrintSubmitter(Protocol):
    async def submit_receipt(self, receipt: Receipt, *, title: str, order_id: str = "") -> str:
        """Journal a receipt for the receipt printer; returns the job name ("jobs/12")."""

    async def submit_pdf(
        self, pdf: bytes, *, title: str, pages: int, copies: int = 1, order_id: str = ""
    ) -> str:
        """Journal a PDF for the A4 printer; ``pages`` is the page count of one copy."""


class JobWaiter(Protocol):
    async def wait(self, job_name: str, timeout: float | None = None) -> JobState:  # noqa: ASYNC109
        """Until the job is COMPLETED, CANCELLED or FAILED; after ``timeout`` its state then."""


class SessionLookup(Protocol):
    def get(self, name: str) -> ResidentSession:
        """The active session called ``name``; ``SessionNotFound`` otherwise."""


class ReadingLookup(Protocol):
    def get(self, name: str) -> HeldReading:
        """The held reading called ``name``; ``ReadingNotFound`` otherwise."""

    def drop_visit(self, visit: str) -> int:
        """Forget every reading of ``visit``; returns how many."""


class DeviceStates(Protocol):
    def describe(self) -> Mapping[str, Any]:
        """Slot name → its current ``DeviceState`` value."""


class EventFeed(Protocol):
    @property
    def last_sequence(self) -> int:
        """The sequence number of the newest event."""

    def watch(self, after: int) -> AsyncIterator[events_pb2.Event]:
        """Every event after ``after``, then new ones as they come."""
