"""Driver → simulator process over TCP: documents read back, paper-out reprint, faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from daemon.receipts import (
    UNKNOWN_PAYMENT_INSTRUCTION,
    CertificateLine,
    PaymentInput,
    PaymentItem,
    RequestInput,
    TicketInput,
    UnknownPaymentInput,
    numbered_ticket,
    payment_slip,
    request_receipt,
    unknown_payment_slip,
)
from drivers.escpos import (
    CoverOpenError,
    MalformedStatusError,
    PaperOutError,
    PrinterOfflineError,
    ReceiptPrinter,
    open_device,
)
from tests.fixtures.escpos import EscposSimulator
from tests.support.control import ControlError

pytestmark = pytest.mark.integration
AT = datetime(2026, 4, 1, 9, 30)
REQUEST = RequestInput(
    "指宿市",
    "A-012",
    (CertificateLine("住民票の写し", 2, 300), CertificateLine("印鑑登録証明書", 1, 300)),
    AT,
    qr_payload="R20260401-012.3F9A",
)


@pytest.fixture
def printer(escpos_sim: EscposSimulator) -> Iterator[ReceiptPrinter]:
    device = open_device(escpos_sim.uri("tm-m30-jp"))
    device.open()
    try:
        yield device
    finally:
        device.close()


def test_four_documents_read_back(printer: ReceiptPrinter, escpos_sim: EscposSimulator) -> None:
    payment = PaymentInput(
        "指宿市", "O-1", (PaymentItem("住民票交付手数料", 600),), "クレジット", "VISA", "123456",
        "4111111111111111", AT,
    )  # fmt: skip
    documents = [
        numbered_ticket(TicketInput("指宿市", 7, "2番窓口", AT)),
        request_receipt(REQUEST),
        payment_slip(payment),
        unknown_payment_slip(UnknownPaymentInput("指宿市", "O-9", 450, "000123", AT)),
    ]
    for document in documents:
        assert printer.print_receipt(document).completed
    ticket, request, slip, staff = escpos_sim.receipts()
    assert all(receipt["status"] == "complete" for receipt in (ticket, request, slip, staff))
    assert "007" in ticket["text"]
    assert "整理券" in ticket["text"]
    assert "A-012" in request["text"]
    assert request["qr"] == ["R20260401-012.3F9A"]
    assert any(line.startswith("手数料合計") and line.endswith("900円") for line in request["text"])
    assert "カード番号：************1111" in slip["text"]
    assert not any("4111111111111111" in line for line in slip["text"])
    assert "".join(staff["text"][-2:]) == UNKNOWN_PAYMENT_INSTRUCTION
    assert next(line for line in ticket["lines"] if line["text"] == "007")["size"] == [2, 2]


def test_paper_runs_out_mid_receipt_then_reprint(
    printer: ReceiptPrinter, escpos_sim: EscposSimulator
) -> None:
    receipt = request_receipt(REQUEST)
    escpos_sim.post("roll", {"remaining_mm": 20})
    outcome = printer.print_receipt(receipt)
    assert not outcome.completed
    assert "media-empty" in outcome.reasons
    with pytest.raises(PaperOutError) as info:
        printer.print_receipt(receipt)
    assert info.value.message_ja.startswith("用紙がありません")
    escpos_sim.post("refill")
    assert printer.print_receipt(receipt).completed
    statuses = [receipt["status"] for receipt in escpos_sim.receipts()]
    assert statuses == ["partial", "complete"]
    partial, complete = escpos_sim.receipts()
    assert partial["length_mm"] <= 20
    assert complete["qr"] == ["R20260401-012.3F9A"]


def test_cover_open_is_refused(printer: ReceiptPrinter, escpos_sim: EscposSimulator) -> None:
    escpos_sim.post("cover", {"open": True})
    health = printer.check_health()
    assert not health.ready
    assert "cover-open" in health.reasons
    with pytest.raises(CoverOpenError):
        printer.print_receipt(numbered_ticket(TicketInput("指宿市", 1, "1番", AT)))
    assert escpos_sim.receipts() == []


def test_offline_and_back(printer: ReceiptPrinter, escpos_sim: EscposSimulator) -> None:
    ticket = numbered_ticket(TicketInput("指宿市", 2, "1番", AT))
    escpos_sim.post("offline", {"on": True})
    with pytest.raises(PrinterOfflineError):
        printer.print_receipt(ticket)
    escpos_sim.post("offline", {"on": False})
    assert printer.print_receipt(ticket).completed
    assert [receipt["status"] for receipt in escpos_sim.receipts()] == ["complete"]


def test_near_end_is_a_warning(printer: ReceiptPrinter, escpos_sim: EscposSimulator) -> None:
    escpos_sim.post("paper", {"state": "near_end"})
    assert printer.check_health().reasons == ("paper-near-end",)
    assert printer.print_receipt(numbered_ticket(TicketInput("指宿市", 3, "1番", AT))).completed


def test_malformed_status_is_a_clear_error(printer: ReceiptPrinter, escpos_sim: EscposSimulator) -> None:
    escpos_sim.post("garbage_status", {"on": True})
    with pytest.raises(MalformedStatusError, match="0xFF") as info:
        printer.print_receipt(numbered_ticket(TicketInput("指宿市", 4, "1番", AT)))
    assert info.value.reason == "malformed_status"
    escpos_sim.post("garbage_status", {"on": False})
    assert printer.check_health().ready


def test_control_api_rejects_unknown_and_bad_bodies(escpos_sim: EscposSimulator) -> None:
    with pytest.raises(ControlError) as unknown:
        escpos_sim.post("explode")
    assert unknown.value.code == 404
    with pytest.raises(ControlError) as bad:
        escpos_sim.post("cover", {"open": "yes"})
    assert bad.value.code == 400
