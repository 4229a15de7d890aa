"""FormPrinter through a scripted transport: exact requests, parsed responses, error mapping."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from drivers.base import parse_device_uri
from drivers.ipp import DRIVER, FormPrinter, JobState, errors, open_device
from drivers.ipp.ipp_codec import GroupTag, IppMessage, ValueTag, decode, encode

PDF = b"%PDF-1.4\n%test\n"


class ScriptedTransport:
    """Answers each request with the next scripted response (given the request, to echo its id)."""

    def __init__(self, *responses: object) -> None:
        self.responses = list(responses)
        self.requests: list[IppMessage] = []
        self.closed = False

    def post(self, body: bytes) -> bytes:
        request = decode(body)
        self.requests.append(request)
        answer = self.responses.pop(0)
        if isinstance(answer, bytes):
            return answer
        assert callable(answer)
        return encode(answer(request))

    def close(self) -> None:
        self.closed = True


Reply = Callable[[IppMessage], IppMessage]


def RSP(status: int = 0, **groups: list[tuple[str, int, tuple[object, ...]]]) -> Reply:
    def build(request: IppMessage) -> IppMessage:
        message = IppMessage(code=status, request_id=request.request_id)
        message.group(GroupTag.OPERATION).add("attributes-charset", ValueTag.CHARSET, "utf-8")
        for name, attrs in groups.items():
            group = message.group({"printer": GroupTag.PRINTER, "job": GroupTag.JOB}[name])
            for attr_name, tag, values in attrs:
                group.add(attr_name, tag, *values)  # type: ignore[arg-type]
        return message

    return build


def IDLE(*reasons: str) -> Reply:
    return RSP(
        printer=[
            ("printer-state", ValueTag.ENUM, (3,)),
            ("printer-state-reasons", ValueTag.KEYWORD, reasons or ("none",)),
            ("printer-make-and-model", ValueTag.TEXT, ("Test A4",)),
        ]
    )


def STOPPED(*reasons: str) -> Reply:
    return RSP(
        printer=[("printer-state", ValueTag.ENUM, (5,)), ("printer-state-reasons", ValueTag.KEYWORD, reasons)]
    )


def _printer(transport: ScriptedTransport) -> FormPrinter:
    return FormPrinter(
        parse_device_uri("ipp://127.0.0.1:8631/ipp/print", DRIVER.schemes), transport=transport
    )


def test_driver_declaration_and_uri_schemes() -> None:
    assert DRIVER.kind == "form_printer"
    device = open_device("http://127.0.0.1:8631/ipp/print")
    assert device.printer_uri == "ipp://127.0.0.1:8631/ipp/print"
    with pytest.raises(ValueError, match="expected one of"):
        open_device("tcp://127.0.0.1:9100")


def test_print_pdf_sends_print_job() -> None:
    job = RSP(job=[("job-id", ValueTag.INTEGER, (42,)), ("job-state", ValueTag.ENUM, (3,))])
    transport = ScriptedTransport(IDLE(), job)
    job_id = _printer(transport).print_pdf(PDF, "forms-1", copies=2)
    assert job_id == 42
    request = transport.requests[1]
    assert request.code == 0x0002
    assert request.data == PDF
    operation = request.groups[0]
    assert [attr.name for attr in operation.attributes][:4] == [
        "attributes-charset",
        "attributes-natural-language",
        "printer-uri",
        "requesting-user-name",
    ]
    assert operation.get("document-format").value == "application/pdf"  # type: ignore[union-attr]
    assert operation.get("job-name").value == "forms-1"  # type: ignore[union-attr]
    job_group = request.find("copies", GroupTag.JOB)
    assert job_group is not None
    assert job_group.value == 2
    assert request.find("media", GroupTag.JOB).value == "iso_a4_210x297mm"  # type: ignore[union-attr]


def test_print_refused_when_media_empty() -> None:
    transport = ScriptedTransport(STOPPED("media-empty-error"))
    with pytest.raises(errors.MediaEmptyError) as info:
        _printer(transport).print_pdf(PDF, "forms")
    assert info.value.reason == "media_empty"
    assert len(transport.requests) == 1  # the job was never sent


def test_print_rejects_non_pdf() -> None:
    with pytest.raises(ValueError, match="PDF"):
        _printer(ScriptedTransport()).print_pdf(b"hello", "x")


def test_ipp_error_status_in_hex() -> None:
    transport = ScriptedTransport(IDLE(), RSP(0x0507))
    with pytest.raises(errors.IppStatusError, match="0x0507") as info:
        _printer(transport).print_pdf(PDF, "forms")
    assert info.value.code == 0x0507
    assert info.value.reason == "ipp_error"


def test_malformed_response() -> None:
    transport = ScriptedTransport(b"\x01\x01\x00\x00\x00\x00\x00\x01\x01\x47\x00\x20abc")
    with pytest.raises(errors.MalformedResponseError, match="at byte"):
        _printer(transport).check_health()


def test_request_id_mismatch_is_malformed() -> None:
    transport = ScriptedTransport(lambda request: IppMessage(code=0, request_id=request.request_id + 5))
    with pytest.raises(errors.MalformedResponseError, match="request-id"):
        _printer(transport).status()


def test_job_state_and_health() -> None:
    job = RSP(
        job=[
            ("job-id", ValueTag.INTEGER, (7,)),
            ("job-state", ValueTag.ENUM, (6,)),
            ("job-state-reasons", ValueTag.KEYWORD, ("printer-stopped", "media-empty-error")),
            ("job-impressions-completed", ValueTag.INTEGER, (3,)),
        ]
    )
    transport = ScriptedTransport(job, STOPPED("media-empty-error"), IDLE("toner-low-warning"))
    printer = _printer(transport)
    status = printer.job_state(7)
    assert (status.state, status.pages_completed) == (JobState.PROCESSING_STOPPED, 3)
    assert status.reasons == ("printer-stopped", "media-empty-error")
    assert not status.state.finished
    health = printer.check_health()
    assert (health.ready, health.reasons) == (False, ("media-empty",))
    health = printer.check_health()
    assert (health.ready, health.reasons, health.model) == (True, ("toner-low",), "Test A4")


def test_cancel_sends_job_id() -> None:
    transport = ScriptedTransport(RSP())
    _printer(transport).cancel(9)
    assert transport.requests[0].code == 0x0008
    assert transport.requests[0].find("job-id").value == 9  # type: ignore[union-attr]
