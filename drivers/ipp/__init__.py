"""IPP driver for the A4 form printer (IPP Everywhere printers, ippeveprinter and CUPS queues).

URI: ``ipp://host:port/ipp/print`` · ``ipps://host:port/ipp/print`` (TLS, ``?insecure=1`` for
self-signed) · ``http://host:port/ipp/print``; optional ``?user=NAME`` (requesting-user-name).

| supports                              | how                                         |
|---------------------------------------|---------------------------------------------|
| print a PDF (copies, sides, media)    | ``FormPrinter.print_pdf`` → job id          |
| job state, reasons, pages completed   | ``job_state``, ``wait_for_job``, ``jobs``   |
| cancel                                | ``cancel``                                  |
| health from printer-state(-reasons)   | ``check_health`` → ``DeviceHealth``         |
| all printer attributes                | ``printer_attributes``                      |
"""

from __future__ import annotations

from drivers.base import DeviceKind, DriverInfo, parse_device_uri
from drivers.ipp.errors import (
    DoorOpenError,
    IppStatusError,
    MalformedResponseError,
    MediaEmptyError,
    MediaJamError,
    PrinterError,
    PrinterNotReadyError,
    PrinterOfflineError,
    PrinterUnreachableError,
)
from drivers.ipp.printer import FormPrinter, JobState, JobStatus
from drivers.ipp.status import PrinterState, PrinterStatus, Severity, StateReason

DRIVER = DriverInfo(
    name="ipp",
    kind=DeviceKind.FORM_PRINTER,
    schemes=("ipp", "ipps", "http", "https"),
    summary="A4 form printer over IPP/1.1 (IPP Everywhere, CUPS queues)",
)


def open_device(uri: str, timeout: float = 10.0) -> FormPrinter:
    """A FormPrinter for ``uri`` (not yet contacted: call ``open()``)."""
    return FormPrinter(parse_device_uri(uri, DRIVER.schemes), timeout=timeout)


__all__ = [
    "DRIVER",
    "DoorOpenError",
    "FormPrinter",
    "IppStatusError",
    "JobState",
    "JobStatus",
    "MalformedResponseError",
    "MediaEmptyError",
    "MediaJamError",
    "PrinterError",
    "PrinterNotReadyError",
    "PrinterOfflineError",
    "PrinterState",
    "PrinterStatus",
    "PrinterUnreachableError",
    "Severity",
    "StateReason",
    "open_device",
]
