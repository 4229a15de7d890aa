"""The payment manager's errors: domain categories (``frontyard.errors``), never gRPC status codes.

The daemon's interceptor maps each category to a status code in one table (``daemon.errors``)::

    InvalidOrder          BAD_INPUT  invalid_order, order_conflict, resolution_required
    PaymentNotFound       NOT_FOUND  payment_not_found
    RecoveryPending       CONFLICT   payment_recovery_pending: the terminal's log has not settled yet
    WrongState            CONFLICT   payment_wrong_state
    NotOnTerminal         CONFLICT   void_not_allowed, refund_not_on_terminal
    SettlementPending     CONFLICT   payment_settlement_pending
"""

from __future__ import annotations

from frontyard.errors import BadInput, Conflict, NotFound


class InvalidOrder(BadInput):
    reason = "invalid_order"


class PaymentNotFound(NotFound):
    reason = "payment_not_found"


class RecoveryPending(Conflict):
    reason = "payment_recovery_pending"
    message_ja = "決済端末の取引結果を確認中です。しばらくお待ちください。"


class WrongState(Conflict):
    reason = "payment_wrong_state"
    message_ja = "この支払いはいまの状態ではこの操作ができません。"


class NotOnTerminal(Conflict):
    """The brand or the closed batch does not allow this on the terminal."""


class SettlementPending(Conflict):
    reason = "payment_settlement_pending"
