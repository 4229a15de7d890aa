"""The four counter documents: content, masking, no personal data fields."""

from __future__ import annotations

from datetime import datetime

from daemon.receipts import (
    UNKNOWN_PAYMENT_INSTRUCTION,
    CertificateLine,
    PaymentInput,
    PaymentItem,
    RequestInput,
    TicketInput,
    UnknownPaymentInput,
    mask_card_number,
    numbered_ticket,
    payment_slip,
    request_receipt,
    unknown_payment_slip,
)
from drivers.escpos import Cut, QrCode, TextSize
from drivers.escpos.document import TextLine

AT = datetime(2026, 4, 1, 9, 30)


def test_ticket_has_big_number_counter_and_time() -> None:
    receipt = numbered_ticket(TicketInput("指宿市", 7, "2番窓口", AT))
    big = [b for b in receipt.blocks if isinstance(b, TextLine) and b.text == "007"]
    assert big
    assert big[0].size is TextSize.DOUBLE
    assert "窓口：2番窓口" in receipt.text_lines()
    assert "2026年04月01日 09:30" in receipt.text_lines()
    assert isinstance(receipt.blocks[-1], Cut)


def test_request_receipt_sums_fees_and_carries_qr() -> None:
    receipt = request_receipt(
        RequestInput(
            "指宿市",
            "A-012",
            (CertificateLine("住民票の写し", 2, 300), CertificateLine("印鑑登録証明書", 1, 300)),
            AT,
            qr_payload="R20260401-012.MAC",
        )
    )
    lines = receipt.text_lines()
    assert any(line.startswith("手数料合計") and line.endswith("900円") for line in lines)
    assert any(line.startswith("住民票の写し") and line.endswith("2通 600円") for line in lines)
    assert [b.payload for b in receipt.blocks if isinstance(b, QrCode)] == ["R20260401-012.MAC"]


def test_payment_slip_masks_card() -> None:
    receipt = payment_slip(
        PaymentInput(
            "指宿市", "O-1", (PaymentItem("住民票交付手数料", 600),), "クレジット", "VISA", "123456",
            "4111111111111111", AT,
        )
    )  # fmt: skip
    text = "\n".join(receipt.text_lines())
    assert "4111111111111111" not in text
    assert "カード番号：************1111" in text
    assert "承認番号：123456" in text


def test_mask_card_number() -> None:
    assert mask_card_number("4111-1111-1111-1234") == "************1234"
    assert mask_card_number("XXXXXXXXXXXX9876") == "************9876"


def test_unknown_payment_slip_tells_staff_what_to_do() -> None:
    receipt = unknown_payment_slip(UnknownPaymentInput("指宿市", "O-9", 450, "000123", AT))
    lines = receipt.text_lines()
    assert "".join(lines[-2:]) == UNKNOWN_PAYMENT_INSTRUCTION
    assert "端末通番：000123" in lines
    assert "金額：450円" in lines
