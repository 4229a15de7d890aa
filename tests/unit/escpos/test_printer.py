"""ReceiptPrinter over a scripted transport: status before/after, refusals, reprint outcome."""

from __future__ import annotations

import pytest

from drivers.base import DeviceUnavailable, UnknownSchemeError
from drivers.escpos import (
    DRIVER,
    CoverOpenError,
    MalformedStatusError,
    PaperOutError,
    PrinterOfflineError,
    PrinterUnreachableError,
    Receipt,
    ReceiptPrinter,
    TextLine,
    get_profile,
    open_device,
)
from tests.unit.escpos.helpers import HEX, ScriptedTransport

OK = HEX("12 12 12 12")
RECEIPT = Receipt((TextLine("整理券"),))


def make(*status_sets: bytes) -> tuple[ReceiptPrinter, ScriptedTransport]:
    transport = ScriptedTransport(*status_sets)
    return ReceiptPrinter(transport, get_profile("tm-m30-jp")), transport


def test_status_queries_are_dle_eot_1_to_4() -> None:
    printer, transport = make(OK)
    assert printer.read_status().can_print
    assert transport.writes == [HEX("10 04 01"), HEX("10 04 02"), HEX("10 04 03"), HEX("10 04 04")]


def test_print_sends_receipt_between_two_status_reads() -> None:
    printer, transport = make(OK, OK)
    outcome = printer.print_receipt(RECEIPT)
    assert outcome.completed
    assert len(transport.writes) == 9
    assert transport.writes[4].startswith(HEX("1B 40 1C 43 01 1C 26"))
    assert outcome.bytes_sent == len(transport.writes[4])


def test_paper_out_during_job_is_incomplete() -> None:
    printer, _ = make(OK, HEX("1A 32 12 7E"))
    outcome = printer.print_receipt(RECEIPT)
    assert not outcome.completed
    assert "media-empty" in outcome.reasons


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [
        ("1A 32 12 7E", PaperOutError, "paper_out"),
        ("1A 16 12 12", CoverOpenError, "cover_open"),
        ("1A 12 12 12", PrinterOfflineError, "printer_offline"),
    ],
)
def test_refused_before_sending(status: str, error: type[Exception], reason: str) -> None:
    printer, transport = make(HEX(status))
    with pytest.raises(error) as info:
        printer.print_receipt(RECEIPT)
    assert getattr(info.value, "reason", None) == reason
    assert len(transport.writes) == 4  # only the status queries


def test_near_end_warns_in_health_but_prints() -> None:
    printer, _ = make(*[HEX("12 12 12 1E")] * 3)
    health = printer.check_health()
    assert health.ready
    assert health.reasons == ("paper-near-end",)
    assert printer.print_receipt(RECEIPT).completed


def test_malformed_status_reports_hex() -> None:
    printer, _ = make(HEX("FF FF FF FF"))
    with pytest.raises(MalformedStatusError, match="0xFF"):
        printer.read_status()


def test_unreachable_reconnects_on_next_call() -> None:
    printer, transport = make(OK)
    transport.fail_writes = True
    with pytest.raises(PrinterUnreachableError) as info:
        printer.read_status()
    assert isinstance(info.value, DeviceUnavailable)
    transport.fail_writes = False
    assert printer.read_status().can_print
    assert transport.opened == 2


def test_open_device_uri_handling() -> None:
    assert DRIVER.schemes == ("tcp", "usb", "serial")
    printer = open_device("tcp://127.0.0.1:9?profile=tm-p20-jp")
    assert printer.profile.dot_width == 384
    with pytest.raises(UnknownSchemeError, match="tcp://"):
        open_device("ipp://127.0.0.1/x")
    with pytest.raises(ValueError, match="profile"):
        open_device("tcp://127.0.0.1:9?profile=nope")


def test_connection_refused_is_unreachable() -> None:
    from tests.support.processes import free_port

    printer = open_device(f"tcp://127.0.0.1:{free_port()}?timeout=1")
    with pytest.raises(PrinterUnreachableError, match="cannot open"):
        printer.check_health()
