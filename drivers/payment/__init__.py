"""The payment terminal port (UnifiedPOS CAT semantics).

Each terminal family is one adapter package that implements ``PaymentTerminal`` and exports its own
``DRIVER`` and ``open_device(uri)``: ZVT is ``drivers.zvt``. A new family (say a vendor's JET-S protocol)
adds ``drivers/<family>/`` with its codec, transport and one ``terminal.py`` adapter; nothing here changes.
"""

from drivers.payment.brands import BRAND_RULES, BrandRule, can_refund, can_void
from drivers.payment.errors import (
    FrameError,
    PaymentError,
    ResultUnknown,
    TerminalBusy,
    TerminalDisconnected,
    TerminalRefused,
    TerminalTimeout,
)
from drivers.payment.model import (
    Brand,
    BrandTotals,
    DailyTotals,
    Outcome,
    PaymentMethod,
    PaymentTerminal,
    ProgressCallback,
    SaleProgress,
    SaleResult,
    TerminalStatus,
    TransactionKind,
    TransactionRecord,
    ignore_progress,
)

__all__ = [
    "BRAND_RULES",
    "Brand",
    "BrandRule",
    "BrandTotals",
    "DailyTotals",
    "FrameError",
    "Outcome",
    "PaymentError",
    "PaymentMethod",
    "PaymentTerminal",
    "ProgressCallback",
    "ResultUnknown",
    "SaleProgress",
    "SaleResult",
    "TerminalBusy",
    "TerminalDisconnected",
    "TerminalRefused",
    "TerminalStatus",
    "TerminalTimeout",
    "TransactionKind",
    "TransactionRecord",
    "can_refund",
    "can_void",
    "ignore_progress",
]
