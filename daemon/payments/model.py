"""The payment journal's vocabulary: states, fee lines, payments and terminal operations.

State machine of a payment (``PaymentState``)::

    CREATED → SENT → IN_PROGRESS → APPROVED | DECLINED | CANCELLED | UNKNOWN
    APPROVED → COMMITTED | VOIDED | REFUND_REQUIRED | REFUNDED
    COMMITTED | REFUND_REQUIRED → REFUNDED
    UNKNOWN → APPROVED | DECLINED | CANCELLED   (the terminal's log told, or staff resolved)
    DECLINED | CANCELLED → CREATED              (the client pays the order again: a new sequence number)

Every terminal command (sale, void, refund) is a ``TerminalOp`` journaled with its own sequence number
before the terminal is asked; an op whose state is not final is *unsettled* and recovery asks the
terminal's log about it (``find_transaction``) before anything new runs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class PaymentState(enum.StrEnum):
    CREATED = "created"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    VOIDED = "voided"
    COMMITTED = "committed"
    REFUND_REQUIRED = "refund_required"
    REFUNDED = "refunded"


TRANSITIONS: dict[PaymentState, frozenset[PaymentState]] = {
    PaymentState.CREATED: frozenset({PaymentState.SENT}),
    PaymentState.SENT: frozenset(
        {
            PaymentState.IN_PROGRESS,
            PaymentState.APPROVED,
            PaymentState.DECLINED,
            PaymentState.CANCELLED,
            PaymentState.UNKNOWN,
        }
    ),
    PaymentState.IN_PROGRESS: frozenset(
        {PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.CANCELLED, PaymentState.UNKNOWN}
    ),
    PaymentState.APPROVED: frozenset(
        {
            PaymentState.COMMITTED,
            PaymentState.VOIDED,
            PaymentState.REFUND_REQUIRED,
            PaymentState.REFUNDED,
        }
    ),
    PaymentState.COMMITTED: frozenset({PaymentState.REFUNDED, PaymentState.VOIDED}),
    PaymentState.REFUND_REQUIRED: frozenset({PaymentState.REFUNDED, PaymentState.VOIDED}),
    PaymentState.UNKNOWN: frozenset(
        {PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.CANCELLED, PaymentState.UNKNOWN}
    ),
    PaymentState.DECLINED: frozenset({PaymentState.CREATED}),
    PaymentState.CANCELLED: frozenset({PaymentState.CREATED}),
    PaymentState.VOIDED: frozenset(),
    PaymentState.REFUNDED: frozenset(),
}

#: States in which the order has been charged (the sale is approved on the terminal).
CHARGED = frozenset(
    {PaymentState.APPROVED, PaymentState.COMMITTED, PaymentState.REFUND_REQUIRED, PaymentState.REFUNDED}
)
#: States in which a new Sale of the same order starts a new attempt.
RETRYABLE = frozenset({PaymentState.DECLINED, PaymentState.CANCELLED})


class InvalidTransition(Exception):
    """A state change the state machine does not allow (a bug, never a user error)."""


def check_transition(old: PaymentState, new: PaymentState) -> None:
    if new not in TRANSITIONS[old]:
        raise InvalidTransition(f"payment state {old} cannot become {new}")


class OpKind(enum.StrEnum):
    SALE = "sale"
    VOID = "void"
    REFUND = "refund"


class OpState(enum.StrEnum):
    CREATED = "created"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # final: the terminal's own log says 処理未了


UNSETTLED_OPS = frozenset({OpState.CREATED, OpState.SENT, OpState.IN_PROGRESS})


@dataclass(frozen=True)
class FeeLine:
    fee_code: str
    subject: str  # 科目
    quantity: int
    unit_price_yen: int

    @property
    def amount_yen(self) -> int:
        return self.quantity * self.unit_price_yen


@dataclass(frozen=True)
class SaleOrder:
    order_id: str
    amount_yen: int
    method: str  # drivers.payment.PaymentMethod value
    lines: tuple[FeeLine, ...] = ()


@dataclass(frozen=True)
class TerminalOp:
    sequence_number: int
    order_id: str
    kind: OpKind
    state: OpState
    amount_yen: int
    brand: str = ""
    approval_number: str = ""
    trace_number: int | None = None
    result_code: int | None = None
    close_number: int | None = None
    created: float = 0.0
    updated: float = 0.0

    @property
    def settled(self) -> bool:
        return self.state not in UNSETTLED_OPS


class SlipOutcome(enum.StrEnum):
    """What became of a payment's staff slip (``Payment.staff_slip``); a slip that could not be printed
    is ``not_printed:<reason>`` (``not_printed:no_receipt_printer``, ``not_printed:held`` …)."""

    NONE = ""  # none yet: not needed, or waiting for the grace period of an UNKNOWN payment
    QUEUED = "queued"  # journaled in the print queue, which reprints it after a restart
    PRINTED = "printed"


#: States that need a staff slip: 障害伝票 for UNKNOWN, 返金指示 for REFUND_REQUIRED.
SLIP_STATES = frozenset({PaymentState.UNKNOWN, PaymentState.REFUND_REQUIRED})


@dataclass(frozen=True)
class Payment:
    order_id: str
    amount_yen: int
    method: str
    state: PaymentState
    sale_sequence_number: int
    lines: tuple[FeeLine, ...] = ()
    brand: str = ""
    approval_number: str = ""
    masked_pan: str = ""
    trace_number: int | None = None
    reason: str = ""
    refund_instruction: str = ""
    staff_slip: str = ""
    staff_note: str = ""
    issued_job: str = ""
    sale_date: str = ""  # ISO date of the approval (daemon clock)
    issue_failed: bool = False  # the certificate was not issued: the charge must be voided or refunded
    created: float = 0.0
    updated: float = 0.0
    settlement_pending: bool = False

    @property
    def name(self) -> str:
        return f"payments/{self.order_id}"

    @property
    def slip_owed(self) -> bool:
        """A staff slip is needed and was neither printed nor handed to the print queue."""
        return self.state in SLIP_STATES and self.staff_slip not in (SlipOutcome.QUEUED, SlipOutcome.PRINTED)
