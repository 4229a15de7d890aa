"""Payments: the journal (SQLite, WAL), the manager (sale, void, refund, commit, recovery), daily close."""

from .closing import DailyCloseReport, daily_close
from .errors import RecoveryPending
from .journal import PaymentJournal
from .manager import PaymentManager, RecoveryReport
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
