"""usb://VID:PID through pyusb, without hardware: a backend double feeds the ESC/POS simulator's parser.

Covers printing and status read-back over bulk endpoints, the kernel driver detached, unplug in the
middle of a job and replug (the driver reconnects on the next call), and the clear errors for missing
permissions (naming the udev rule) and a busy interface.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drivers.base import DeviceUnavailable, parse_device_uri
from drivers.escpos import (
    PaperOutError,
    PrinterUnreachableError,
    Receipt,
    ReceiptPrinter,
    TextLine,
    get_profile,
)
from drivers.escpos.printer import open_device
from drivers.escpos.usb_transport import (
    UDEV_RULE,
    UsbAddress,
    UsbClaimedError,
    UsbPermissionError,
    UsbTransport,
    parse_usb_address,
)
from tests.support.usb_double import IN_EP, OUT_EP, UsbPrinterBackend

RECEIPT = Receipt((TextLine("整理券 12番"), TextLine("市民課")))


@pytest.fixture
def backend(tmp_path: Path) -> UsbPrinterBackend:
    return UsbPrinterBackend(tmp_path)


def printer_on(backend: UsbPrinterBackend, **query: int) -> tuple[ReceiptPrinter, UsbTransport]:
    address = UsbAddress(backend.vendor, backend.product, **query)
    transport = UsbTransport(address, timeout=0.2, backend=backend)
    return ReceiptPrinter(transport, get_profile("tm-m30-jp")), transport


def test_uri_names_vendor_product_interface_and_endpoints() -> None:
    uri = parse_device_uri("usb://04b8:0e28?interface=1&in_ep=0x81&out_ep=2&profile=tm-m30-jp", ("usb",))
    assert parse_usb_address(uri) == UsbAddress(0x04B8, 0x0E28, interface=1, in_ep=0x81, out_ep=2)
    assert parse_usb_address(parse_device_uri("usb://0519:0003", ("usb",))).ids == "0519:0003"
    with pytest.raises(ValueError, match="usb://VID:PID"):
        parse_usb_address(parse_device_uri("usb://epson", ("usb",)))
    with pytest.raises(ValueError, match="usb://VID:PID"):
        open_device("usb://04b8:zzzz")


@given(st.text(max_size=40))
@example("-1:0")
@example("04b8:0e28?interface=-1")
@example("04b8:0e28?out_ep=0x100")
@example("１２:34")
def test_malformed_usb_uris_raise_only_value_error(tail: str) -> None:
    try:
        uri = parse_device_uri(f"usb://{tail}", ("usb",))
        address = parse_usb_address(uri)
    except ValueError:
        return
    assert 0 <= address.vendor <= 0xFFFF and 0 <= address.product <= 0xFFFF
    assert all(0 <= value <= 0xFF for value in (address.interface, address.in_ep, address.out_ep))
    assert tail.split(":")[0].isascii()


def test_prints_a_receipt_and_reads_status_over_bulk_endpoints(backend: UsbPrinterBackend) -> None:
    printer, _transport = printer_on(backend)
    printer.open()
    assert backend.detached == 1  # usblp let go of the interface
    health = printer.check_health()
    assert health.ready and health.reasons == ()
    outcome = printer.print_receipt(RECEIPT)
    assert outcome.completed
    assert backend.model.status_queries == 12  # health, before, after: DLE EOT 1..4 each
    assert [receipt["text"] for receipt in backend.model.receipts] == [["整理券 12番", "市民課"]]
    printer.close()
    assert backend.open_handles == 0


def test_endpoints_from_the_descriptors_or_the_query(backend: UsbPrinterBackend) -> None:
    _, found = printer_on(backend)
    found.open()
    assert (found._in_ep, found._out_ep) == (IN_EP, OUT_EP)
    found.close()
    printer, named = printer_on(backend, out_ep=0x03)
    named.open()
    with pytest.raises(PrinterUnreachableError):  # the device has no endpoint 0x03
        printer.check_health()


def test_status_reasons_come_from_the_simulated_printer(backend: UsbPrinterBackend) -> None:
    printer, _ = printer_on(backend)
    backend.model.paper = "out"
    assert "media-empty" in printer.check_health().reasons
    with pytest.raises(PaperOutError):
        printer.print_receipt(RECEIPT)
    assert backend.model.receipts == []


def test_unplug_mid_job_then_replug_reconnects(backend: UsbPrinterBackend) -> None:
    printer, _ = printer_on(backend)
    printer.open()
    backend.unplug_after_bytes = backend.received + 40  # the status query passes, the receipt does not
    with pytest.raises(PrinterUnreachableError, match="unplugged") as failed:
        printer.print_receipt(RECEIPT)
    assert isinstance(failed.value, DeviceUnavailable)  # the registry marks the slot OFFLINE
    with pytest.raises(PrinterUnreachableError, match="no USB device 04b8:0e28"):
        printer.check_health()  # still unplugged: the reconnect finds nothing
    backend.unplug_after_bytes = None
    backend.replug()
    assert printer.check_health().ready  # found again under its new bus address
    assert printer.print_receipt(RECEIPT).completed
    assert len(backend.model.receipts) == 1


def test_permission_denied_names_the_udev_rule(backend: UsbPrinterBackend) -> None:
    backend.deny_access = True
    printer, _ = printer_on(backend)
    with pytest.raises(UsbPermissionError) as denied:
        printer.open()
    assert UDEV_RULE in str(denied.value) and "make install" in str(denied.value)
    assert denied.value.reason == "usb_permission"
    assert "udev" in denied.value.message_ja


def test_interface_claimed_by_another_program_is_busy(backend: UsbPrinterBackend) -> None:
    backend.claimed = True
    printer, _ = printer_on(backend)
    with pytest.raises(UsbClaimedError, match="CUPS") as busy:
        printer.open()
    assert busy.value.reason == "usb_claimed"
    backend.claimed = False
    assert printer.check_health().ready


def test_no_reply_times_out(backend: UsbPrinterBackend) -> None:
    _printer, transport = printer_on(backend)
    transport.open()
    with pytest.raises(PrinterUnreachableError, match="no status reply"):
        transport.read_byte()


def test_absent_device_and_missing_libusb_are_unreachable(backend: UsbPrinterBackend) -> None:
    backend.unplug()
    with pytest.raises(PrinterUnreachableError, match="unplugged or powered off"):
        printer_on(backend)[0].open()
    printer = open_device("usb://04b8:0e28?profile=tm-m30-jp&timeout=0.1")  # libusb, no such device here
    assert isinstance(printer._transport, UsbTransport)
    with pytest.raises(PrinterUnreachableError, match="04b8:0e28"):
        printer.open()
