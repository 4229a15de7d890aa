"""The simulator's two HTTP servers: IPP on ``/ipp/print`` (RFC 8011 operations, checked against CUPS's
``ipptool``) and the JSON control API."""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simulators.control import ControlApi, ControlServer, make_control_server
from simulators.ipp_printer import wire
from simulators.ipp_printer.attributes import (
    CANCEL_JOB,
    CREATE_JOB,
    DOCUMENT_FORMATS,
    GET_JOB_ATTRIBUTES,
    GET_JOBS,
    GET_JOBS_DEFAULT,
    GET_PRINTER_ATTRIBUTES,
    JOB_GROUPS,
    PRINT_JOB,
    PRINTER_GROUPS,
    SEND_DOCUMENT,
    VALIDATE_JOB,
    job_attributes,
    printer_attributes,
    select,
)
from simulators.ipp_printer.engine import CANCELED, COMPLETED, Job, VirtualPrinter

_LOGGER = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024
OPERATIONS = {
    PRINT_JOB: "print_job",
    VALIDATE_JOB: "validate_job",
    CREATE_JOB: "create_job",
    SEND_DOCUMENT: "send_document",
    CANCEL_JOB: "cancel_job",
    GET_JOB_ATTRIBUTES: "get_job",
    GET_JOBS: "get_jobs",
    GET_PRINTER_ATTRIBUTES: "get_printer",
}
SUPPORTED_MAJOR_VERSIONS = (1, 2)


class IppError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    printer: VirtualPrinter
    endpoint: str


class IppHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.debug("ipp %s", format % args)

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return bytes(chunks)
                chunks += self.rfile.read(size)
                self.rfile.readline()
                if len(chunks) > MAX_BODY:
                    raise ValueError("request too large")
        length = int(self.headers.get("Content-Length", "0"))
        if length > MAX_BODY:
            raise ValueError("request too large")
        return self.rfile.read(length)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._send(200, b"Frontyard virtual A4 printer: POST application/ipp to /ipp/print\n", "text/plain")

    def do_POST(self) -> None:
        try:
            body = self._body()
        except ValueError:
            self.close_connection = True
            self._send(413, b"too large\n", "text/plain")
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/ipp":
            self._send(400, b"Content-Type must be application/ipp\n", "text/plain")
            return
        printer = self.server.printer
        if printer.garbage_next:
            printer.control(garbage_next=False)
            request_id = body[4:8] if len(body) >= 8 else b"\x00\x00\x00\x01"
            garbage = b"\x01\x01\x00\x00" + request_id + b"\x01\x47\x00\x12attributes-charset\x00\x40utf"
            self._send(200, garbage, "application/ipp")
            return
        self._send(200, self._answer(body).to_bytes(), "application/ipp")

    def _answer(self, body: bytes) -> wire.Response:
        request_id = int.from_bytes(body[4:8], "big", signed=True) if len(body) >= 8 else 0
        version = (body[0], body[1]) if len(body) >= 2 and body[0] in SUPPORTED_MAJOR_VERSIONS else (1, 1)
        try:
            request = wire.parse_request(body)
            _check_envelope(request)
            handler = OPERATIONS.get(request.operation)
            if handler is None:
                raise IppError(0x0501, f"operation 0x{request.operation:04x} not supported")
            response = wire.Response(0x0000, request.request_id, version=version)
            _operation_group(response, "successful-ok")
            getattr(self, f"_op_{handler}")(request, response)
            return response
        except wire.WireError as exc:
            status, message = 0x0400, f"bad request: {exc}"
        except IppError as exc:
            status, message = exc.status, str(exc)
        except Exception:  # never crash on a request: answer server-error-internal-error
            _LOGGER.exception("IPP request failed")
            status, message = 0x0500, "internal error"
        response = wire.Response(status, request_id, version=version)
        _operation_group(response, message)
        return response

    # ------------------------------------------------------------ operations

    def _op_print_job(self, request: wire.Request, response: wire.Response) -> None:
        copies = _check_job_request(request)
        _check_document(request.data)
        job = self.server.printer.submit(request.data, _job_name(request), _user(request), copies)
        _created_job_group(response, job, self.server.endpoint)

    def _op_validate_job(self, request: wire.Request, response: wire.Response) -> None:
        _check_job_request(request)

    def _op_create_job(self, request: wire.Request, response: wire.Response) -> None:
        copies = _check_job_request(request)
        job = self.server.printer.create(_job_name(request), _user(request), copies)
        _created_job_group(response, job, self.server.endpoint)

    def _op_send_document(self, request: wire.Request, response: wire.Response) -> None:
        last = request.attr("last-document")
        if not isinstance(last, bool):
            raise IppError(0x0400, "last-document missing")
        if not last:
            raise IppError(0x040B, "one document per job: last-document must be true")
        job = self._job(request)
        _check_job_request(request)
        _check_document(request.data)
        if not self.server.printer.attach(job, request.data):
            raise IppError(0x0404, f"job {job.job_id} is not waiting for a document")
        _created_job_group(response, job, self.server.endpoint)

    def _job(self, request: wire.Request) -> Job:
        job_id = request.attr("job-id")
        job_uri = request.attr("job-uri")
        if job_id is None and isinstance(job_uri, str) and job_uri.rsplit("/", 1)[-1].isdigit():
            job_id = int(job_uri.rsplit("/", 1)[-1])
        if not isinstance(job_id, int):
            raise IppError(0x0400, "job-id missing")
        job = self.server.printer.jobs.get(job_id)
        if job is None:
            raise IppError(0x0406, f"job {job_id} not found")
        return job

    def _op_get_job(self, request: wire.Request, response: wire.Response) -> None:
        attrs = job_attributes(self._job(request), self.server.endpoint)
        requested = _requested(request)
        response.group(wire.JOB_GROUP).extend(select(attrs, requested, JOB_GROUPS, frozenset({"all"})))

    def _op_get_jobs(self, request: wire.Request, response: wire.Response) -> None:
        which = request.attr("which-jobs") or "not-completed"
        if which not in ("completed", "not-completed", "all"):
            raise IppError(0x040B, f"which-jobs {which} not supported")
        limit = request.attr("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            raise IppError(0x0400, "limit must be a positive integer")
        mine = request.attr("my-jobs") is True
        user = _user(request)
        jobs = [
            job
            for job in list(self.server.printer.jobs.values())
            if (which == "all" or (which == "completed") == (job.state >= CANCELED))
            and (not mine or job.user == user)
        ]
        for job in jobs[:limit] if isinstance(limit, int) else jobs:
            attrs = job_attributes(job, self.server.endpoint)
            selected = select(attrs, _requested(request), JOB_GROUPS, GET_JOBS_DEFAULT)
            response.group(wire.JOB_GROUP).extend(selected)

    def _op_cancel_job(self, request: wire.Request, response: wire.Response) -> None:
        job = self._job(request)
        if not self.server.printer.cancel(job.job_id):
            raise IppError(0x0404, f"job {job.job_id} is already finished")

    def _op_get_printer(self, request: wire.Request, response: wire.Response) -> None:
        document_format = request.attr("document-format")
        if document_format is not None and document_format not in DOCUMENT_FORMATS:
            raise IppError(0x040A, f"document-format {document_format} not supported")
        attrs = printer_attributes(self.server.printer, self.server.endpoint)
        selected = select(attrs, _requested(request), PRINTER_GROUPS, frozenset({"all"}))
        response.group(wire.PRINTER_GROUP).extend(selected)


def _check_envelope(request: wire.Request) -> None:
    """What every request must carry (RFC 8011 sections 4.1.1, 4.1.4, 4.1.8 and 4.2)."""
    if request.version[0] not in SUPPORTED_MAJOR_VERSIONS:
        raise IppError(0x0503, f"IPP version {request.version} not supported")
    if request.request_id <= 0:
        raise IppError(0x0400, "request-id must be 1 or more")
    operation = next((attrs for tag, attrs in request.groups if tag == wire.OP_GROUP), None)
    names = list(operation or {})
    if names[:2] != ["attributes-charset", "attributes-natural-language"]:
        raise IppError(0x0400, "attributes-charset and attributes-natural-language must come first")
    charset = str(request.attr("attributes-charset")).lower()
    if charset not in ("utf-8", "us-ascii"):
        raise IppError(0x040D, f"attributes-charset {charset} not supported")
    job_addressed = request.operation in (CANCEL_JOB, GET_JOB_ATTRIBUTES) and request.attr("job-uri")
    if request.attr("printer-uri") is None and not job_addressed:
        raise IppError(0x0400, "printer-uri missing")


def _check_job_request(request: wire.Request) -> int:
    """Validate a Print-Job or Validate-Job request; the number of copies."""
    doc_format = request.attr("document-format") or "application/pdf"
    if doc_format not in DOCUMENT_FORMATS:
        raise IppError(0x040A, f"document-format {doc_format} not supported")
    compression = request.attr("compression") or "none"
    if compression != "none":
        raise IppError(0x040F, f"compression {compression} not supported")
    copies = request.attr("copies", wire.JOB_GROUP) or 1
    if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= 99:
        raise IppError(0x040B, "copies must be 1..99")
    return copies


def _check_document(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise IppError(0x0411, "document is not a PDF (no %PDF- header)")


def _job_name(request: wire.Request) -> str:
    name = request.attr("job-name")
    return name if isinstance(name, str) and name else "untitled"


def _created_job_group(response: wire.Response, job: Job, endpoint: str) -> None:
    """The job attributes a job-creating operation answers with (RFC 8011 section 4.2.1.2)."""
    wanted = frozenset({"job-id", "job-uri", "job-state", "job-state-reasons", "job-state-message"})
    attrs = job_attributes(job, endpoint)
    response.group(wire.JOB_GROUP).extend(attr for attr in attrs if attr[1] in wanted)


def _user(request: wire.Request) -> str:
    user = request.attr("requesting-user-name")
    return user if isinstance(user, str) and user else "anonymous"


def _requested(request: wire.Request) -> list[str]:
    return [str(name) for name in request.attr_list("requested-attributes")]


def _operation_group(response: wire.Response, message: str) -> None:
    response.group(wire.OP_GROUP).extend(
        [
            (wire.T_CHARSET, "attributes-charset", ["utf-8"]),
            (wire.T_LANGUAGE, "attributes-natural-language", ["en"]),
            (wire.T_TEXT, "status-message", [message]),
        ]
    )


def control_api(printer: VirtualPrinter) -> ControlApi:
    """Faults and scenarios: ``media {"state": "ok"|"empty"}``, ``jam``/``offline``/``garbage_response``
    ``{"on": bool}``, ``speed {"ppm": n}``, ``media_empty_after_pages {"n": n}``, ``clear``."""

    def media(body: dict[str, Any]) -> None:
        if body["state"] not in ("ok", "empty"):
            raise ValueError("state must be 'ok' or 'empty'")
        printer.control(media_empty=body["state"] == "empty")

    def speed(body: dict[str, Any]) -> None:
        ppm = float(body["ppm"])
        if not 0 < ppm <= 100_000:
            raise ValueError("ppm must be in (0, 100000]")
        printer.control(ppm=ppm)

    def media_empty_after_pages(body: dict[str, Any]) -> None:
        count = int(body["n"])
        if count < 1:
            raise ValueError("n must be at least 1")
        printer.control(empty_after_pages=count)

    return ControlApi(
        "ipp_printer",
        printer.snapshot,
        {
            "media": media,
            "jam": lambda body: printer.control(jam=bool(body["on"])),
            "offline": lambda body: printer.control(offline=bool(body["on"])),
            "speed": speed,
            "media_empty_after_pages": media_empty_after_pages,
            "garbage_response": lambda body: printer.control(garbage_next=bool(body["on"])),
            "clear": lambda body: printer.clear(),
        },
    )


def make_servers(
    printer: VirtualPrinter, host: str, port: int, control_port: int
) -> tuple[ThreadingHTTPServer, ControlServer]:
    ipp = _Server((host, port), IppHandler)
    ipp.printer = printer
    ipp.endpoint = f"ipp://{host}:{ipp.server_address[1]}/ipp/print"
    return ipp, make_control_server(control_api(printer), host, control_port)


__all__ = ["COMPLETED", "IppHandler", "control_api", "make_servers"]
