"""Staff slips: 障害伝票 for UNKNOWN (built by ``daemon.receipts``), 返金指示 for REFUND_REQUIRED.

Slips carry the order id, amount, brand, approval and sequence numbers: never a name or a card number.
"""

from __future__ import annotations

import datetime as dt

from drivers.escpos.document import Align, Cut, Feed, Receipt, Rule, TextLine, TextSize

from ..receipts import UnknownPaymentInput, unknown_payment_slip
from .model import Payment, PaymentState


def staff_slip(payment: Payment, municipality: str, now: dt.datetime | None = None) -> Receipt:
    """The slip staff need for ``payment`` (UNKNOWN or REFUND_REQUIRED)."""
    moment = now or dt.datetime.now().astimezone()
    if payment.state is PaymentState.UNKNOWN:
        return unknown_payment_slip(
            UnknownPaymentInput(
                municipality=municipality,
                order_id=payment.order_id,
                amount=payment.amount_yen,
                terminal_sequence=str(payment.sale_sequence_number),
                occurred_at=moment,
            )
        )
    blocks = (
        TextLine(municipality, align=Align.CENTER),
        TextLine("返金指示", size=TextSize.DOUBLE, bold=True, align=Align.CENTER),
        TextLine("職員用", bold=True, align=Align.CENTER),
        Rule(),
        TextLine(f"注文番号：{payment.order_id}"),
        TextLine(f"金額：{payment.amount_yen:,}円"),
        TextLine(f"発生時刻：{moment:%Y年%m月%d日 %H:%M}"),
        Rule(),
        TextLine(payment.refund_instruction),
        Feed(2),
        Cut(),
    )
    return Receipt(blocks, kind="refund_required", metadata={"order": payment.order_id})
