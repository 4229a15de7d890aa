"""The A4 form printer over IPP: print a PDF, follow and cancel its job, read printer status.

URI: ``ipp://host:port/ipp/print`` · ``ipps://host:port/ipp/print`` (TLS) · ``http://host:port/…``;
CUPS queues work too (``ipp://cups-host:631/printers/QUEUE``).

| operation                | IPP operation (id)            | method                          |
|--------------------------|-------------------------------|---------------------------------|
| print a PDF              | Print-Job (0x0002)            | ``print_pdf`` → job id          |
| cancel a job             | Cancel-Job (0x0008)           | ``cancel``                      |
| job state and pages done | Get-Job-Attributes (0x0009)   | ``job_state``, ``wait_for_job`` |
| list jobs                | Get-Jobs (0x000A)             | ``jobs``                        |
| printer state, reasons   | Get-Printer-Attributes (0x0B) | ``check_health``, ``status``    |
"""

from __future__ import annotations

import enum
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from drivers.base import DeviceHealth, DeviceUri
from drivers.ipp.errors import IppStatusError, MalformedResponseError
from drivers.ipp.ipp_codec import (
    GroupTag,
    IppAttribute,
    IppMessage,
    IppParseError,
    IppValue,
    LangString,
    ValueTag,
    decode,
    encode,
)
from drivers.ipp.status import (
    PrinterState,
    PrinterStatus,
    error_for_status,
    health_from_status,
    parse_state_reasons,
)
from drivers.ipp.transport import HttpTransport, IppTransport

_LOGGER = logging.getLogger(__name__)


class Operation(enum.IntEnum):
    PRINT_JOB = 0x0002
    CANCEL_JOB = 0x0008
    GET_JOB_ATTRIBUTES = 0x0009
    GET_JOBS = 0x000A
    GET_PRINTER_ATTRIBUTES = 0x000B


class JobState(enum.IntEnum):
    PENDING = 3
    PENDING_HELD = 4
    PROCESSING = 5
    PROCESSING_STOPPED = 6
    CANCELED = 7
    ABORTED = 8
    COMPLETED = 9

    @property
    def finished(self) -> bool:
        return self >= JobState.CANCELED


@dataclass(frozen=True)
class JobStatus:
    job_id: int
    state: JobState
    reasons: tuple[str, ...]
    pages_completed: int
    message: str = ""


_STATUS_ATTRIBUTES = (
    "printer-state",
    "printer-state-reasons",
    "printer-state-message",
    "printer-is-accepting-jobs",
    "printer-make-and-model",
    "printer-firmware-string-version",
)
_JOB_ATTRIBUTES = (
    "job-id",
    "job-state",
    "job-state-reasons",
    "job-state-message",
    "job-impressions-completed",
    "job-media-sheets-completed",
)


def _plain(value: IppValue) -> IppValue:
    return value.text if isinstance(value, LangString) else value


def _as_int(attr: IppAttribute | None, default: int = 0) -> int:
    value = attr.value if attr else None
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _as_strings(attr: IppAttribute | None) -> tuple[str, ...]:
    if attr is None:
        return ()
    return tuple(str(_plain(value)) for value in attr.values if isinstance(_plain(value), str))


def _as_str(attr: IppAttribute | None) -> str:
    strings = _as_strings(attr)
    return strings[0] if strings else ""


class FormPrinter:
    """An IPP Everywhere printer or CUPS queue; synchronous, for one worker thread at a time."""

    def __init__(self, uri: DeviceUri, timeout: float = 10.0, transport: IppTransport | None = None) -> None:
        self.uri = uri
        self.printer_uri = uri.raw.split("?", 1)[0].replace("http://", "ipp://", 1)
        self.printer_uri = self.printer_uri.replace("https://", "ipps://", 1)
        self._transport: IppTransport = transport or HttpTransport(uri, timeout)
        self._request_ids = itertools.count(1)
        self._lock = threading.Lock()
        self.user_name = uri.query.get("user", "frontyard")

    # ------------------------------------------------------------ Device protocol

    def open(self) -> None:
        """Check that the printer answers (Get-Printer-Attributes)."""
        self.status()

    def close(self) -> None:
        self._transport.close()

    def check_health(self) -> DeviceHealth:
        attrs = self.printer_attributes(_STATUS_ATTRIBUTES)
        return health_from_status(
            self._status_from(attrs),
            model=_as_str(attrs.get("printer-make-and-model")),
            firmware=_as_str(attrs.get("printer-firmware-string-version")),
        )

    # ------------------------------------------------------------ operations

    def status(self) -> PrinterStatus:
        return self._status_from(self.printer_attributes(_STATUS_ATTRIBUTES))

    def printer_attributes(self, names: Sequence[str] = ()) -> dict[str, IppAttribute]:
        """Get-Printer-Attributes; all attributes when ``names`` is empty."""
        request = self._request(Operation.GET_PRINTER_ATTRIBUTES)
        if names:
            request.group(GroupTag.OPERATION).add("requested-attributes", ValueTag.KEYWORD, *names)
        response = self._call(request, "Get-Printer-Attributes")
        return {
            attr.name: attr for group in response.groups_of(GroupTag.PRINTER) for attr in group.attributes
        }

    def print_pdf(
        self,
        pdf: bytes,
        job_name: str,
        copies: int = 1,
        *,
        sides: str = "one-sided",
        media: str = "iso_a4_210x297mm",
        check_ready: bool = True,
    ) -> int:
        """Print-Job with ``pdf``; returns the job id. A stopped printer gets ``PrinterNotReadyError``."""
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("print_pdf needs PDF bytes (they must start with %PDF-)")
        if copies < 1:
            raise ValueError("copies must be at least 1")
        if check_ready:
            error = error_for_status(self.status())
            if error is not None:
                raise error
        request = self._request(Operation.PRINT_JOB)
        operation = request.group(GroupTag.OPERATION)
        operation.add("job-name", ValueTag.NAME, job_name)
        operation.add("document-format", ValueTag.MIME_TYPE, "application/pdf")
        job = request.group(GroupTag.JOB)
        if copies != 1:
            job.add("copies", ValueTag.INTEGER, copies)
        job.add("sides", ValueTag.KEYWORD, sides)
        job.add("media", ValueTag.KEYWORD, media)
        request.data = pdf
        response = self._call(request, "Print-Job")
        job_id = _as_int(response.find("job-id", GroupTag.JOB), -1)
        if job_id < 0:
            raise MalformedResponseError("Print-Job response has no job-id")
        _LOGGER.info("IPP job %d submitted (%d bytes, %d copies)", job_id, len(pdf), copies)
        return job_id

    def job_state(self, job_id: int) -> JobStatus:
        request = self._request(Operation.GET_JOB_ATTRIBUTES)
        operation = request.group(GroupTag.OPERATION)
        operation.add("job-id", ValueTag.INTEGER, job_id)
        operation.add("requested-attributes", ValueTag.KEYWORD, *_JOB_ATTRIBUTES)
        response = self._call(request, "Get-Job-Attributes")
        group = next(response.groups_of(GroupTag.JOB), None)
        if group is None:
            raise MalformedResponseError("Get-Job-Attributes response has no job group")
        return self._job_from(group.attributes, job_id)

    def jobs(self, which: str = "not-completed") -> list[JobStatus]:
        """Get-Jobs; ``which`` is ``not-completed``, ``completed`` or ``all``."""
        request = self._request(Operation.GET_JOBS)
        operation = request.group(GroupTag.OPERATION)
        operation.add("which-jobs", ValueTag.KEYWORD, which)
        operation.add("requested-attributes", ValueTag.KEYWORD, *_JOB_ATTRIBUTES)
        response = self._call(request, "Get-Jobs")
        return [self._job_from(group.attributes, -1) for group in response.groups_of(GroupTag.JOB)]

    def cancel(self, job_id: int) -> None:
        request = self._request(Operation.CANCEL_JOB)
        request.group(GroupTag.OPERATION).add("job-id", ValueTag.INTEGER, job_id)
        self._call(request, "Cancel-Job")
        _LOGGER.info("IPP job %d canceled", job_id)

    def wait_for_job(
        self,
        job_id: int,
        timeout: float = 60.0,
        poll_interval: float = 0.2,
        on_progress: Callable[[JobStatus], None] | None = None,
    ) -> JobStatus:
        """Poll until the job is finished or ``timeout`` passes; returns the last status read.

        ``on_progress`` gets every status that differs from the one before (state, reasons, pages).
        """
        deadline = time.monotonic() + timeout
        last: JobStatus | None = None
        while True:
            current = self.job_state(job_id)
            if current != last and on_progress is not None:
                on_progress(current)
            last = current
            if current.state.finished or time.monotonic() >= deadline:
                return current
            time.sleep(poll_interval)

    # ------------------------------------------------------------ plumbing

    def _request(self, operation: Operation) -> IppMessage:
        message = IppMessage(code=operation, request_id=next(self._request_ids))
        group = message.group(GroupTag.OPERATION)
        group.add("attributes-charset", ValueTag.CHARSET, "utf-8")
        group.add("attributes-natural-language", ValueTag.LANGUAGE, "ja")
        group.add("printer-uri", ValueTag.URI, self.printer_uri)
        group.add("requesting-user-name", ValueTag.NAME, self.user_name)
        return message

    def _call(self, request: IppMessage, operation: str) -> IppMessage:
        with self._lock:
            raw = self._transport.post(encode(request))
        try:
            response = decode(raw)
        except IppParseError as exc:
            raise MalformedResponseError(f"{operation}: malformed IPP response: {exc}") from exc
        if response.request_id != request.request_id:
            raise MalformedResponseError(
                f"{operation}: response request-id {response.request_id} != {request.request_id}"
            )
        if response.code >= 0x0100:
            detail = _as_str(response.find("status-message", GroupTag.OPERATION))
            raise IppStatusError(operation, response.code, detail)
        return response

    @staticmethod
    def _status_from(attrs: dict[str, IppAttribute]) -> PrinterStatus:
        raw_state = _as_int(attrs.get("printer-state"), PrinterState.IDLE)
        try:
            state = PrinterState(raw_state)
        except ValueError as exc:
            raise MalformedResponseError(f"unknown printer-state {raw_state}") from exc
        accepting = attrs.get("printer-is-accepting-jobs")
        return PrinterStatus(
            state=state,
            reasons=parse_state_reasons(_as_strings(attrs.get("printer-state-reasons"))),
            message=_as_str(attrs.get("printer-state-message")),
            accepting_jobs=accepting is None or accepting.value is not False,
        )

    @staticmethod
    def _job_from(attributes: list[IppAttribute], job_id: int) -> JobStatus:
        by_name = {attr.name: attr for attr in attributes}
        raw_state = _as_int(by_name.get("job-state"), -1)
        try:
            state = JobState(raw_state)
        except ValueError as exc:
            raise MalformedResponseError(f"unknown job-state {raw_state}") from exc
        pages = _as_int(by_name.get("job-impressions-completed"), -1)
        if pages < 0:
            pages = _as_int(by_name.get("job-media-sheets-completed"), 0)
        return JobStatus(
            job_id=_as_int(by_name.get("job-id"), job_id),
            state=state,
            reasons=tuple(r for r in _as_strings(by_name.get("job-state-reasons")) if r != "none"),
            pages_completed=pages,
            message=_as_str(by_name.get("job-state-message")),
        )
