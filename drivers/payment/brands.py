"""Brand rules as data: which method a brand belongs to, whether it can be voided or refunded on the terminal.

| brand                               | method | void (取消)               | refund on terminal (返品) |
|-------------------------------------|--------|---------------------------|---------------------------|
| VISA, MASTERCARD, JCB, AMEX, DINERS | CREDIT | same day, before end-of-day | yes, no day limit known |
| TRANSIT_IC (交通系IC)               | EMONEY | never after completion    | no: refund at the counter |
| ID, QUICPAY (postpaid)              | EMONEY | same day, before end-of-day | within 60 days          |
| WAON                                | EMONEY | same day, before end-of-day | within 14 days          |
| NANACO, RAKUTEN_EDY                 | EMONEY | never                     | no: refund at the counter |
| PAYPAY, D_BARAI, AU_PAY, RAKUTEN_PAY | QR    | same day, before end-of-day | yes, no day limit known |

Assumptions (from device-anchors.md §4.3 and frontyard-domain.md §6.1; check against the contract with the
指定納付受託者): a void is only possible inside the open terminal batch (before end-of-day), as multi-payment
terminals do; transit IC allows only "last transaction, card not used since" at the terminal, which a
counter cannot promise, so we treat it as never voidable; Edy and nanaco cannot be cancelled at all.
Many municipalities refund nothing at the terminal (還付 through 歳出): the daemon may be stricter.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from drivers.payment.model import Brand, PaymentMethod


@dataclass(frozen=True)
class BrandRule:
    brand: Brand
    method: PaymentMethod
    label_ja: str
    void_before_end_of_day: bool
    refund_on_terminal: bool
    refund_days: int | None = None  # None: no limit known (when refund_on_terminal)


_CREDIT = PaymentMethod.CREDIT
_EMONEY = PaymentMethod.EMONEY
_QR = PaymentMethod.QR

BRAND_RULES: dict[Brand, BrandRule] = {
    rule.brand: rule
    for rule in (
        BrandRule(Brand.VISA, _CREDIT, "VISA", True, True),
        BrandRule(Brand.MASTERCARD, _CREDIT, "Mastercard", True, True),
        BrandRule(Brand.JCB, _CREDIT, "JCB", True, True),
        BrandRule(Brand.AMEX, _CREDIT, "American Express", True, True),
        BrandRule(Brand.DINERS, _CREDIT, "Diners Club", True, True),
        BrandRule(Brand.TRANSIT_IC, _EMONEY, "交通系IC", False, False),
        BrandRule(Brand.ID, _EMONEY, "iD", True, True, 60),
        BrandRule(Brand.QUICPAY, _EMONEY, "QUICPay", True, True, 60),
        BrandRule(Brand.WAON, _EMONEY, "WAON", True, True, 14),
        BrandRule(Brand.NANACO, _EMONEY, "nanaco", False, False),
        BrandRule(Brand.RAKUTEN_EDY, _EMONEY, "楽天Edy", False, False),
        BrandRule(Brand.PAYPAY, _QR, "PayPay", True, True),
        BrandRule(Brand.D_BARAI, _QR, "d払い", True, True),
        BrandRule(Brand.AU_PAY, _QR, "au PAY", True, True),
        BrandRule(Brand.RAKUTEN_PAY, _QR, "楽天ペイ", True, True),
    )
}


def can_void(brand: Brand, *, batch_open: bool) -> bool:
    """True when a sale of ``brand`` can still be voided; ``batch_open``: no end-of-day since the sale."""
    rule = BRAND_RULES.get(brand)
    return rule is not None and rule.void_before_end_of_day and batch_open


def can_refund(brand: Brand, *, sale_date: datetime.date, today: datetime.date) -> bool:
    """True when a sale of ``brand`` made on ``sale_date`` can be refunded on the terminal ``today``."""
    rule = BRAND_RULES.get(brand)
    if rule is None or not rule.refund_on_terminal:
        return False
    return rule.refund_days is None or (today - sale_date).days <= rule.refund_days
