"""The counter's receipts as typed documents: pure builders over plain dataclass inputs.

| builder                | slip              | shows                                                |
|------------------------|-------------------|------------------------------------------------------|
| numbered_ticket()      | 整理券            | big number, counter, time                            |
| request_receipt()      | 受付票            | reception number, certificates, copies, fee, QR      |
| payment_slip()         | お支払い明細      | items (科目), method, brand, approval, masked card   |
| unknown_payment_slip() | 障害伝票 (staff)  | order id, amount, terminal sequence, time, what to do |

No builder takes a name, address, birth date or 個人番号; the reception QR payload is passed in as an
opaque string (a same-day reception id and MAC). Card numbers are masked again here, whatever comes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from drivers.escpos.document import Align, Block, Cut, Feed, QrCode, Receipt, Rule, TextLine, TextSize

UNKNOWN_PAYMENT_INSTRUCTION = "決済結果不明：端末の取引履歴を確認し、二重請求に注意"


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y年%m月%d日 %H:%M")


def _pair(left: str, right: str, columns: int = 48) -> TextLine:
    """``left`` and ``right`` on one line, padded for a 48-column (576-dot) printer; full-width = 2."""
    used = sum(2 if ord(char) > 0xFF else 1 for char in left + right)
    return TextLine(left + " " * max(1, columns - used) + right)


def mask_card_number(card_number: str) -> str:
    """Keep only the last 4 digits: ``************1234`` (an already-masked input stays masked)."""
    digits = [char for char in card_number if char.isdigit() or char in "*Xx"]
    tail = "".join(digits[-4:]).replace("X", "*").replace("x", "*")
    return "*" * max(0, len(digits) - 4) + tail


def _header(municipality: str, title: str) -> list[Block]:
    return [
        TextLine(municipality, align=Align.CENTER),
        TextLine(title, size=TextSize.DOUBLE, bold=True, align=Align.CENTER),
        Rule(),
    ]


@dataclass(frozen=True)
class TicketInput:
    municipality: str
    number: int
    counter: str
    issued_at: datetime
    waiting: int | None = None


def numbered_ticket(ticket: TicketInput) -> Receipt:
    """整理券: the number as large as the printer prints text."""
    blocks: list[Block] = [
        *_header(ticket.municipality, "整理券"),
        TextLine("番号", align=Align.CENTER),
        TextLine(f"{ticket.number:03d}", size=TextSize.DOUBLE, bold=True, align=Align.CENTER),
        TextLine(f"窓口：{ticket.counter}", align=Align.CENTER),
        TextLine(_time(ticket.issued_at), align=Align.CENTER),
    ]
    if ticket.waiting is not None:
        blocks.append(TextLine(f"お待ちの方：{ticket.waiting}人", align=Align.CENTER))
    blocks += [TextLine("番号が呼ばれるまでお待ちください", align=Align.CENTER), Feed(2), Cut()]
    return Receipt(tuple(blocks), kind="ticket", metadata={"number": str(ticket.number)})


@dataclass(frozen=True)
class CertificateLine:
    name: str  # 住民票の写し
    copies: int
    fee_per_copy: int


@dataclass(frozen=True)
class RequestInput:
    municipality: str
    reception_number: str
    certificates: tuple[CertificateLine, ...]
    received_at: datetime
    qr_payload: str  # same-day reception id + MAC; never personal data
    counter: str = ""


def request_receipt(request: RequestInput) -> Receipt:
    """受付票: what was requested, the fee, and the reception QR the next counter scans."""
    total = sum(line.copies * line.fee_per_copy for line in request.certificates)
    blocks: list[Block] = [
        *_header(request.municipality, "受付票"),
        TextLine("受付番号", align=Align.CENTER),
        TextLine(request.reception_number, size=TextSize.DOUBLE, bold=True, align=Align.CENTER),
        TextLine(_time(request.received_at), align=Align.CENTER),
        Rule(),
    ]
    for line in request.certificates:
        blocks.append(_pair(line.name, f"{line.copies}通 {_yen(line.copies * line.fee_per_copy)}"))
    blocks += [Rule(), _pair("手数料合計", _yen(total))]
    if request.counter:
        blocks.append(TextLine(f"{request.counter}へお進みください"))
    blocks += [QrCode(request.qr_payload), TextLine("この票を窓口でお見せください", align=Align.CENTER)]
    blocks += [Feed(2), Cut()]
    return Receipt(tuple(blocks), kind="request", metadata={"reception": request.reception_number})


@dataclass(frozen=True)
class PaymentItem:
    subject: str  # 科目: 住民票の写し交付手数料
    amount: int


@dataclass(frozen=True)
class PaymentInput:
    municipality: str
    order_id: str
    items: tuple[PaymentItem, ...]
    method: str  # クレジット, 電子マネー, QRコード
    brand: str  # VISA, nanaco, PayPay
    approval_number: str
    card_number: str  # masked here again
    paid_at: datetime


def payment_slip(payment: PaymentInput) -> Receipt:
    """お支払い明細 for the resident."""
    total = sum(item.amount for item in payment.items)
    blocks: list[Block] = [*_header(payment.municipality, "お支払い明細"), TextLine(_time(payment.paid_at))]
    blocks.append(TextLine(f"注文番号：{payment.order_id}"))
    blocks.append(Rule())
    blocks += [_pair(item.subject, _yen(item.amount)) for item in payment.items]
    blocks += [
        Rule(),
        TextLine(_pair("合計", _yen(total)).text, bold=True),
        TextLine(f"お支払い方法：{payment.method}"),
        TextLine(f"ブランド：{payment.brand}"),
        TextLine(f"承認番号：{payment.approval_number}"),
        TextLine(f"カード番号：{mask_card_number(payment.card_number)}"),
        Feed(2),
        Cut(),
    ]
    return Receipt(tuple(blocks), kind="payment", metadata={"order": payment.order_id})


@dataclass(frozen=True)
class UnknownPaymentInput:
    municipality: str
    order_id: str
    amount: int
    terminal_sequence: str
    occurred_at: datetime


def unknown_payment_slip(slip: UnknownPaymentInput) -> Receipt:
    """障害伝票 for staff: a payment whose outcome is unknown (処理未了) and must not be retried blindly."""
    blocks: list[Block] = [
        *_header(slip.municipality, "障害伝票"),
        TextLine("職員用", bold=True, align=Align.CENTER),
        TextLine(f"注文番号：{slip.order_id}"),
        TextLine(f"金額：{_yen(slip.amount)}"),
        TextLine(f"端末通番：{slip.terminal_sequence}"),
        TextLine(f"発生時刻：{_time(slip.occurred_at)}"),
        Rule(),
        TextLine(UNKNOWN_PAYMENT_INSTRUCTION.split("：")[0] + "：", bold=True),
        TextLine(UNKNOWN_PAYMENT_INSTRUCTION.split("：")[1]),
        Feed(2),
        Cut(),
    ]
    return Receipt(tuple(blocks), kind="unknown_payment", metadata={"order": slip.order_id})
