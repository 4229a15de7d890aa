"""The drivers' parsers on captured device replies (tests/fixtures/captures, docs/STYLE.md habit 4)."""

from __future__ import annotations

import pytest

from drivers.escpos.status import parse_status
from drivers.ipp.ipp_codec import GroupTag, decode
from drivers.zvt.frames import Apdu, decode_apdu, decode_frame, frame_length
from tests.fixtures.captures import capture

ACK = 0x06
SUCCESSFUL_OK, CLIENT_ERROR_NOT_FOUND = 0x0000, 0x0406


def test_ippeveprinter_printer_attributes() -> None:
    message = decode(capture("get-printer-attributes-ippeveprinter.bin"))
    assert (message.code, message.request_id) == (SUCCESSFUL_OK, 1)
    state = message.find("printer-state", GroupTag.PRINTER)
    assert state is not None and state.value in (3, 4, 5)
    formats = message.find("document-format-supported", GroupTag.PRINTER)
    assert formats is not None and "application/pdf" in formats.values
    assert message.find("media-col-default", GroupTag.PRINTER) is not None  # a collection, decoded


def test_ippeveprinter_print_job_and_job_attributes() -> None:
    printed = decode(capture("print-job-ippeveprinter.bin"))
    assert printed.code == SUCCESSFUL_OK
    job_id = printed.find("job-id", GroupTag.JOB)
    assert job_id is not None and job_id.value == 1
    job = decode(capture("get-job-attributes-ippeveprinter.bin"))
    state = job.find("job-state", GroupTag.JOB)
    assert job.code == SUCCESSFUL_OK and state is not None and state.value in (3, 4, 5, 9)


def test_ippeveprinter_error_reply() -> None:
    missing = decode(capture("get-job-attributes-not-found-ippeveprinter.bin"))
    assert missing.code == CLIENT_ERROR_NOT_FOUND
    assert missing.find("job-state") is None


@pytest.mark.parametrize(
    ("state", "flags"),
    [
        ("ok", (False, False, False, False)),
        ("paper-near-end", (False, False, False, True)),
        ("paper-out", (True, False, True, True)),  # a printer stopped by paper end is offline
        ("cover-open", (True, True, False, False)),  # so is one with its cover open
        ("offline", (True, False, False, False)),
    ],
)
def test_escpos_status_replies(state: str, flags: tuple[bool, bool, bool, bool]) -> None:
    status = parse_status(capture(f"status-{state}-escpos-simulator.bin"))
    assert (status.offline, status.cover_open, status.paper_out, status.paper_near_end) == flags, status


def zvt_apdus(stream: bytes) -> list[Apdu]:
    """Split what a terminal sent into APDUs: ACK bytes between ``DLE STX … DLE ETX CRC`` frames."""
    apdus, position = [], 0
    while position < len(stream):
        if stream[position] == ACK:
            position += 1
            continue
        length = frame_length(stream[position:])
        assert length is not None, f"a cut frame at offset {position}"
        apdus.append(decode_apdu(decode_frame(stream[position : position + length])))
        position += length
    return apdus


def test_zvt_approved_sale_ends_with_completion() -> None:
    apdus = zvt_apdus(capture("sale-approved-zvt-simulator.bin"))
    commands = [apdu.command for apdu in apdus]
    assert commands[0] == (0x80, 0x00)  # the terminal acknowledges the authorisation
    assert (0x04, 0x0F) in commands  # status information (the result record)
    assert commands[-1] == (0x06, 0x0F)  # completion


def test_zvt_declined_sale_ends_with_abort_and_its_result_code() -> None:
    apdus = zvt_apdus(capture("sale-declined-zvt-simulator.bin"))
    assert apdus[-1].command == (0x06, 0x1E)  # abort
    assert apdus[-1].data[:1] == b"\x05"  # result code 05: declined
