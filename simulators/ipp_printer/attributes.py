"""What the virtual printer says about itself and its jobs: Printer and Job attributes.

The simulator is an A4, one-sided, monochrome PDF printer. ``printer_attributes`` lists every attribute
RFC 8011 section 5.4 and PWG 5100.12 section 6.2 require (checked by CUPS's ``ipptool`` with
``ipp-1.1.test``, ``ipp-2.0.test`` and ``get-printer-attributes.test``); ``job_attributes`` every Job
Description attribute of RFC 8011 section 5.3. ``select`` applies a request's ``requested-attributes``,
group names (``all``, ``printer-description``, ``job-description``, ``job-template``) included.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from simulators.ipp_printer import wire
from simulators.ipp_printer.engine import CANCELED, Job, VirtualPrinter

STARTED = time.time()

# Operations (RFC 8011 section 5.2.2). Not offered: Print-URI and Send-URI (the simulator fetches nothing).
PRINT_JOB, VALIDATE_JOB, CREATE_JOB, SEND_DOCUMENT = 0x0002, 0x0004, 0x0005, 0x0006
CANCEL_JOB, GET_JOB_ATTRIBUTES, GET_JOBS, GET_PRINTER_ATTRIBUTES = 0x0008, 0x0009, 0x000A, 0x000B
OPERATIONS = (
    PRINT_JOB,
    VALIDATE_JOB,
    CREATE_JOB,
    SEND_DOCUMENT,
    CANCEL_JOB,
    GET_JOB_ATTRIBUTES,
    GET_JOBS,
    GET_PRINTER_ATTRIBUTES,
)
DOCUMENT_FORMATS = ("application/pdf", "application/octet-stream")
A4 = "iso_a4_210x297mm"
A4_SIZE = wire.Collection(
    ((wire.T_INTEGER, "x-dimension", [21000]), (wire.T_INTEGER, "y-dimension", [29700]))
)
A4_MEDIA_COL = wire.Collection(
    (
        (wire.T_BEG_COLL, "media-size", [A4_SIZE]),
        (wire.T_KEYWORD, "media-type", ["stationery"]),
    )
)
MULTIPLE_OPERATION_TIME_OUT_S = 60  # advertised; a created job waits for its document until canceled
DPI_300 = (300, 300, 3)  # cross-feed, feed, units (3 = dots per inch)
PORTRAIT, NONE_FINISHING, NORMAL_QUALITY = 3, 3, 4

PRINTER_GROUPS = frozenset({"all", "printer-description", "job-template"})
JOB_GROUPS = frozenset({"all", "job-description", "job-template"})
GET_JOBS_DEFAULT = frozenset({"job-id", "job-uri"})  # RFC 8011 section 4.2.6.1


def up_time(moment: float | None = None) -> int:
    """Seconds since the simulator started, at least 1 (RFC 8011 ``printer-up-time``)."""
    return max(1, int((moment if moment is not None else time.time()) - STARTED) + 1)


def select(
    attrs: Iterable[wire.Attribute], requested: list[str], groups: frozenset[str], default: frozenset[str]
) -> list[wire.Attribute]:
    """The attributes named in ``requested`` (a group name selects all; empty means ``default``)."""
    wanted = frozenset(requested) if requested else default
    if wanted & groups:
        return list(attrs)
    return [attr for attr in attrs if attr[1] in wanted]


def printer_attributes(printer: VirtualPrinter, endpoint: str) -> list[wire.Attribute]:
    state, reasons = printer.printer_state()
    active = sum(1 for job in list(printer.jobs.values()) if job.state < CANCELED)
    web = "http://" + endpoint.removeprefix("ipp://").split("/", 1)[0] + "/"
    return [
        # RFC 8011 section 5.4: required Printer Description attributes
        (wire.T_URI, "printer-uri-supported", [endpoint]),
        (wire.T_KEYWORD, "uri-security-supported", ["none"]),
        (wire.T_KEYWORD, "uri-authentication-supported", ["none"]),
        (wire.T_NAME, "printer-name", ["FrontyardA4"]),
        (wire.T_TEXT, "printer-info", ["Frontyard virtual A4 form printer"]),
        (wire.T_TEXT, "printer-location", ["Simulated counter (loopback)"]),
        (wire.T_URI, "printer-more-info", [web]),
        (wire.T_TEXT, "printer-make-and-model", ["Frontyard Virtual A4 Printer"]),
        (wire.T_ENUM, "printer-state", [state]),
        (wire.T_KEYWORD, "printer-state-reasons", list(reasons)),
        (wire.T_TEXT, "printer-state-message", [{3: "Idle", 4: "Printing", 5: "Stopped"}[state]]),
        (wire.T_BOOLEAN, "printer-is-accepting-jobs", [True]),
        (wire.T_INTEGER, "queued-job-count", [active]),
        (wire.T_INTEGER, "printer-up-time", [up_time()]),
        (wire.T_TEXT, "printer-firmware-string-version", ["sim-1.0"]),
        (wire.T_KEYWORD, "ipp-versions-supported", ["1.1", "2.0"]),
        (wire.T_ENUM, "operations-supported", list[object](OPERATIONS)),
        (wire.T_CHARSET, "charset-configured", ["utf-8"]),
        (wire.T_CHARSET, "charset-supported", ["utf-8"]),
        (wire.T_LANGUAGE, "natural-language-configured", ["en"]),
        (wire.T_LANGUAGE, "generated-natural-language-supported", ["en", "ja"]),
        (wire.T_MIME, "document-format-default", ["application/pdf"]),
        (wire.T_MIME, "document-format-supported", list[object](DOCUMENT_FORMATS)),
        (wire.T_KEYWORD, "compression-supported", ["none"]),
        (wire.T_KEYWORD, "pdl-override-supported", ["not-attempted"]),
        (wire.T_BOOLEAN, "color-supported", [False]),
        (wire.T_INTEGER, "pages-per-minute", [max(1, round(printer.ppm))]),
        (wire.T_BOOLEAN, "multiple-document-jobs-supported", [False]),
        (wire.T_INTEGER, "multiple-operation-time-out", [MULTIPLE_OPERATION_TIME_OUT_S]),
        # Job Template attributes: defaults and supported values (PWG 5100.12 section 6.2)
        (wire.T_INTEGER, "copies-default", [1]),
        (wire.T_RANGE, "copies-supported", [(1, 99)]),
        (wire.T_ENUM, "finishings-default", [NONE_FINISHING]),
        (wire.T_ENUM, "finishings-supported", [NONE_FINISHING]),
        (wire.T_KEYWORD, "media-default", [A4]),
        (wire.T_KEYWORD, "media-supported", [A4]),
        (wire.T_KEYWORD, "media-ready", [A4]),
        (wire.T_BEG_COLL, "media-col-default", [A4_MEDIA_COL]),
        (wire.T_BEG_COLL, "media-col-ready", [A4_MEDIA_COL]),
        (wire.T_KEYWORD, "media-col-supported", ["media-size", "media-type"]),
        (wire.T_BEG_COLL, "media-size-supported", [A4_SIZE]),
        (wire.T_KEYWORD, "media-type-supported", ["stationery"]),
        (wire.T_ENUM, "orientation-requested-default", [PORTRAIT]),
        (wire.T_ENUM, "orientation-requested-supported", [PORTRAIT]),
        (wire.T_KEYWORD, "output-bin-default", ["face-down"]),
        (wire.T_KEYWORD, "output-bin-supported", ["face-down"]),
        (wire.T_ENUM, "print-quality-default", [NORMAL_QUALITY]),
        (wire.T_ENUM, "print-quality-supported", [NORMAL_QUALITY]),
        (wire.T_RESOLUTION, "printer-resolution-default", [DPI_300]),
        (wire.T_RESOLUTION, "printer-resolution-supported", [DPI_300]),
        (wire.T_KEYWORD, "sides-default", ["one-sided"]),
        (wire.T_KEYWORD, "sides-supported", ["one-sided"]),
    ]


def job_attributes(job: Job, endpoint: str) -> list[wire.Attribute]:
    def moment(at: float | None) -> tuple[int, list[object]]:
        return (wire.T_NO_VALUE, [None]) if at is None else (wire.T_INTEGER, [up_time(at)])

    processing_tag, processing = moment(job.processing_at)
    completed_tag, completed = moment(job.completed_at)
    return [
        (wire.T_INTEGER, "job-id", [job.job_id]),
        (wire.T_URI, "job-uri", [f"{endpoint}/{job.job_id}"]),
        (wire.T_URI, "job-printer-uri", [endpoint]),
        (wire.T_NAME, "job-name", [job.name]),
        (wire.T_NAME, "job-originating-user-name", [job.user]),
        (wire.T_ENUM, "job-state", [job.state]),
        (wire.T_KEYWORD, "job-state-reasons", list(job.reasons)),
        (wire.T_TEXT, "job-state-message", [job.message or "OK"]),
        (wire.T_INTEGER, "time-at-creation", [up_time(job.created)]),
        (processing_tag, "time-at-processing", processing),
        (completed_tag, "time-at-completed", completed),
        (wire.T_INTEGER, "job-printer-up-time", [up_time()]),
        (wire.T_INTEGER, "job-impressions-completed", [len(job.printed)]),
        (wire.T_INTEGER, "job-media-sheets-completed", [len(job.printed)]),
        (wire.T_INTEGER, "copies", [job.copies]),
    ]
