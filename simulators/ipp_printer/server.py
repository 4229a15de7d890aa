"""The simulator's two HTTP servers: IPP on ``/ipp/print`` and the JSON control API."""

from __future__ import annotations

import json
import logging
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from simulators.ipp_printer import wire
from simulators.ipp_printer.engine import CANCELED, COMPLETED, Job, VirtualPrinter

_LOGGER = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024
OPERATIONS = {
    0x0002: "print_job",
    0x0008: "cancel_job",
    0x0009: "get_job",
    0x000A: "get_jobs",
    0x000B: "get_printer",
}
STARTED = time.monotonic()


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
        try:
            request = wire.parse_request(body)
            if request.version[0] not in (1, 2):
                raise IppError(0x0503, f"IPP version {request.version} not supported")
            handler = OPERATIONS.get(request.operation)
            if handler is None:
                raise IppError(0x0501, f"operation 0x{request.operation:04x} not supported")
            if (
                request.attr("attributes-charset") is None
                or request.attr("attributes-natural-language") is None
            ):
                raise IppError(0x0400, "missing attributes-charset or attributes-natural-language")
            response = wire.Response(0x0000, request.request_id)
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
        response = wire.Response(status, request_id)
        _operation_group(response, message)
        return response

    # ------------------------------------------------------------ operations

    def _op_print_job(self, request: wire.Request, response: wire.Response) -> None:
        doc_format = request.attr("document-format") or "application/pdf"
        if doc_format not in ("application/pdf", "application/octet-stream"):
            raise IppError(0x040A, f"document-format {doc_format} not supported")
        if not request.data.startswith(b"%PDF-"):
            raise IppError(0x0411, "document is not a PDF (no %PDF- header)")
        copies = request.attr("copies", wire.JOB_GROUP) or 1
        if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= 99:
            raise IppError(0x040B, "copies must be 1..99")
        name = request.attr("job-name")
        user = request.attr("requesting-user-name")
        job = self.server.printer.submit(
            request.data, name if isinstance(name, str) else "untitled", str(user or "anonymous"), copies
        )
        _job_group(response, job, self.server.endpoint, frozenset())

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
        _job_group(response, self._job(request), self.server.endpoint, _requested(request))

    def _op_get_jobs(self, request: wire.Request, response: wire.Response) -> None:
        which = request.attr("which-jobs") or "not-completed"
        for job in list(self.server.printer.jobs.values()):
            done = job.state >= CANCELED
            if which == "all" or (which == "completed") == done:
                _job_group(response, job, self.server.endpoint, _requested(request))

    def _op_cancel_job(self, request: wire.Request, response: wire.Response) -> None:
        job = self._job(request)
        if not self.server.printer.cancel(job.job_id):
            raise IppError(0x0404, f"job {job.job_id} is already finished")

    def _op_get_printer(self, request: wire.Request, response: wire.Response) -> None:
        printer = self.server.printer
        state, reasons = printer.printer_state()
        active = sum(1 for job in list(printer.jobs.values()) if job.state < CANCELED)
        attrs: list[tuple[int, str, list[object]]] = [
            (wire.T_URI, "printer-uri-supported", [self.server.endpoint]),
            (wire.T_KEYWORD, "uri-security-supported", ["none"]),
            (wire.T_NAME, "printer-name", ["FrontyardA4"]),
            (wire.T_ENUM, "printer-state", [state]),
            (wire.T_KEYWORD, "printer-state-reasons", list(reasons)),
            (wire.T_TEXT, "printer-state-message", [{3: "Idle", 4: "Printing", 5: "Stopped"}[state]]),
            (wire.T_BOOLEAN, "printer-is-accepting-jobs", [True]),
            (wire.T_TEXT, "printer-make-and-model", ["Frontyard Virtual A4 Printer"]),
            (wire.T_TEXT, "printer-firmware-string-version", ["sim-1.0"]),
            (wire.T_KEYWORD, "ipp-versions-supported", ["1.1", "2.0"]),
            (wire.T_ENUM, "operations-supported", list[object](sorted(OPERATIONS))),
            (wire.T_MIME, "document-format-supported", ["application/pdf"]),
            (wire.T_MIME, "document-format-default", ["application/pdf"]),
            (wire.T_KEYWORD, "media-supported", ["iso_a4_210x297mm"]),
            (wire.T_KEYWORD, "media-default", ["iso_a4_210x297mm"]),
            (wire.T_KEYWORD, "sides-supported", ["one-sided"]),
            (wire.T_RANGE, "copies-supported", [(1, 99)]),
            (wire.T_INTEGER, "pages-per-minute", [max(1, round(printer.ppm))]),
            (wire.T_INTEGER, "queued-job-count", [active]),
            (wire.T_INTEGER, "printer-up-time", [max(1, int(time.monotonic() - STARTED))]),
        ]
        wanted = _requested(request)
        group = response.group(wire.PRINTER_GROUP)
        group.extend(attr for attr in attrs if not wanted or attr[1] in wanted)


def _requested(request: wire.Request) -> frozenset[str]:
    names = frozenset(str(name) for name in request.attr_list("requested-attributes"))
    return frozenset() if "all" in names else names


def _operation_group(response: wire.Response, message: str) -> None:
    response.group(wire.OP_GROUP).extend(
        [
            (wire.T_CHARSET, "attributes-charset", ["utf-8"]),
            (wire.T_LANGUAGE, "attributes-natural-language", ["en"]),
            (wire.T_TEXT, "status-message", [message]),
        ]
    )


def _job_group(response: wire.Response, job: Job, endpoint: str, wanted: frozenset[str]) -> None:
    attrs: list[tuple[int, str, list[object]]] = [
        (wire.T_INTEGER, "job-id", [job.job_id]),
        (wire.T_URI, "job-uri", [f"{endpoint}/{job.job_id}"]),
        (wire.T_NAME, "job-name", [job.name]),
        (wire.T_ENUM, "job-state", [job.state]),
        (wire.T_KEYWORD, "job-state-reasons", list(job.reasons)),
        (wire.T_TEXT, "job-state-message", [job.message or "OK"]),
        (wire.T_INTEGER, "job-impressions-completed", [len(job.printed)]),
        (wire.T_INTEGER, "job-media-sheets-completed", [len(job.printed)]),
        (wire.T_INTEGER, "copies", [job.copies]),
    ]
    group = response.group(wire.JOB_GROUP)
    group.extend(attr for attr in attrs if not wanted or attr[1] in wanted or attr[1] == "job-id")


class ControlHandler(BaseHTTPRequestHandler):
    """``GET /state``; ``POST /<action>`` with a JSON object (see ``actions``)."""

    server: _Server
    actions: ClassVar[tuple[str, ...]] = (
        "media",
        "jam",
        "offline",
        "speed",
        "media_empty_after_pages",
        "garbage_response",
        "clear",
    )

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.debug("control %s", format % args)

    def _json(self, status: int, payload: object) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/state":
            self._json(200, self.server.printer.snapshot())
        else:
            self._json(404, {"error": f"unknown path {self.path}", "actions": list(self.actions)})

    def do_POST(self) -> None:
        action = self.path.strip("/")
        try:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("body must be a JSON object")
        except ValueError as exc:
            self._json(400, {"error": f"bad JSON body: {exc}"})
            return
        if action not in self.actions:
            self._json(404, {"error": f"unknown action {action!r}", "actions": list(self.actions)})
            return
        try:
            self._apply(action, body)
        except (KeyError, TypeError, ValueError) as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": f"bad arguments for {action}: {exc!r}"})
            return
        _LOGGER.info("control: %s %s", action, body)
        self._json(200, self.server.printer.snapshot())

    def _apply(self, action: str, body: dict[str, Any]) -> None:
        printer = self.server.printer
        if action == "media":
            if body["state"] not in ("ok", "empty"):
                raise ValueError("state must be 'ok' or 'empty'")
            printer.control(media_empty=body["state"] == "empty")
        elif action in ("jam", "offline"):
            printer.control(**{action: bool(body["on"])})
        elif action == "speed":
            ppm = float(body["ppm"])
            if not 0 < ppm <= 100_000:
                raise ValueError("ppm must be in (0, 100000]")
            printer.control(ppm=ppm)
        elif action == "media_empty_after_pages":
            count = int(body["n"])
            if count < 1:
                raise ValueError("n must be at least 1")
            printer.control(empty_after_pages=count)
        elif action == "garbage_response":
            printer.control(garbage_next=bool(body["on"]))
        else:
            printer.clear()


def make_servers(
    printer: VirtualPrinter, host: str, port: int, control_port: int
) -> tuple[ThreadingHTTPServer, ThreadingHTTPServer]:
    ipp = _Server((host, port), IppHandler)
    ipp.printer = printer
    ipp.endpoint = f"ipp://{host}:{ipp.server_address[1]}/ipp/print"
    control = _Server((host, control_port), ControlHandler)
    control.printer = printer
    control.endpoint = ipp.endpoint
    return ipp, control


__all__ = ["COMPLETED", "ControlHandler", "IppHandler", "make_servers"]
