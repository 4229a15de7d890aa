"""Payments: the journal (SQLite, WAL), the manager (sale, void, refund, commit, recovery), daily close."""

from .closing import DailyCloseReport, daily_close
from .journal import PaymentJournal
from .manager import PaymentManager, RecoveryPending, RecoveryReport
from .model import FeeLine, OpKind, OpState, Payment, PaymentState, SaleOrder, TerminalOp

__all__ = [
    "DailyCloseReport",
    "FeeLine",
    "OpKind",
    "OpState",
    "Payment",
    "PaymentJournal",
    "PaymentManager",
    "PaymentState",
    "RecoveryPending",
    "RecoveryReport",
    "SaleOrder",
    "TerminalOp",
    "daily_close",
]
