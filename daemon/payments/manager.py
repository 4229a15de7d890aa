"""The payment manager: sale, void, refund, pay → issue → commit and recovery over the journal.

Synchronous and single-flight: the daemon runs every method that takes a ``terminal`` on the payment
terminal's worker thread (``DeviceSlot.call``); tests call it directly. The rules it keeps
(docs/DESIGN.md principle 4):

- a terminal command is journaled (with the sequence number it will carry) before the terminal is asked;
- when an answer is missing, the terminal's own log (``find_transaction``) settles the journal; when the
  terminal cannot be reached the payment is ``UNKNOWN`` with ``settlement_pending`` and recovery settles
  it later; nothing new runs on the terminal while an operation is unsettled;
- a Sale of an order that is not DECLINED or CANCELLED returns the journaled payment: never a second charge;
- ``UNKNOWN`` and ``REFUND_REQUIRED`` call ``on_attention`` (the daemon prints a staff slip).

Errors are the domain's (``daemon.payments.errors``, reason key in brackets): ``InvalidOrder``
[invalid_order, order_conflict, resolution_required], ``PaymentNotFound`` [payment_not_found],
``RecoveryPending``, ``WrongState``, ``NotOnTerminal`` [void_not_allowed, refund_not_on_terminal],
``SettlementPending``. A payment whose certificate could not be issued carries ``issue_failed``: a void
that fails then leaves it REFUND_REQUIRED.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from drivers.base import DeviceError
from drivers.payment import (
    Brand,
    Outcome,
    PaymentMethod,
    PaymentTerminal,
    SaleProgress,
    SaleResult,
    TerminalBusy,
    TerminalRefused,
    TransactionRecord,
    can_refund,
    can_void,
    ignore_progress,
)
from drivers.payment.brands import BRAND_RULES

from .errors import (
    InvalidOrder,
    NotOnTerminal,
    PaymentNotFound,
    RecoveryPending,
    SettlementPending,
    WrongState,
)
from .journal import PaymentJournal
from .model import RETRYABLE, OpKind, OpState, Payment, PaymentState, SaleOrder, TerminalOp

_LOGGER = logging.getLogger(__name__)

ORDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_OP_STATE = {
    Outcome.APPROVED: OpState.APPROVED,
    Outcome.DECLINED: OpState.DECLINED,
    Outcome.CANCELLED: OpState.CANCELLED,
    Outcome.UNKNOWN: OpState.UNKNOWN,
}
_SALE_STATE = {
    Outcome.APPROVED: PaymentState.APPROVED,
    Outcome.DECLINED: PaymentState.DECLINED,
    Outcome.CANCELLED: PaymentState.CANCELLED,
    Outcome.UNKNOWN: PaymentState.UNKNOWN,
}

PaymentListener = Callable[[Payment], None]


def _ignore(payment: Payment) -> None:
    """A listener that does nothing."""


@dataclass(frozen=True)
class RecoveryReport:
    settled: int
    unsettled: int
    terminal_reachable: bool


def brand_of(text: str) -> Brand:
    try:
        return Brand(text)
    except ValueError:
        return Brand.UNKNOWN


class PaymentManager:
    def __init__(
        self,
        journal: PaymentJournal,
        *,
        on_change: PaymentListener = _ignore,
        on_attention: PaymentListener = _ignore,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.journal = journal
        self.on_change = on_change
        self.on_attention = on_attention
        self.today = today
        self.recovered = False

    # ---- reads --------------------------------------------------------------------------------------

    def get(self, order_id: str) -> Payment:
        payment = self.journal.find_payment(order_id)
        if payment is None:
            raise PaymentNotFound("no payment of this name")
        return payment

    # ---- recovery -----------------------------------------------------------------------------------

    def recover(self, terminal: PaymentTerminal) -> RecoveryReport:
        """Settle every unsettled terminal operation from the terminal's log; keep sequence numbers fresh."""
        try:
            status = terminal.status()
        except DeviceError as exc:
            _LOGGER.warning("recovery: terminal unreachable", extra={"reason": exc.reason})
            return RecoveryReport(0, len(self.journal.unsettled_ops()), False)
        last = status.last_sequence_number
        if last is not None and last >= self.journal.next_sequence():
            if last > self.journal.max_sequence():
                _LOGGER.warning("terminal used sequence numbers the journal never gave", extra={"last": last})
            self.journal.reserve_above(last)
        settled = unsettled = 0
        for op in self.journal.unsettled_ops():
            if self._settle(terminal, op, busy_checked=status.busy):
                settled += 1
            else:
                unsettled += 1
        self.recovered = unsettled == 0
        _LOGGER.info("recovery done", extra={"settled": settled, "unsettled": unsettled})
        return RecoveryReport(settled, unsettled, True)

    def has_unsettled(self) -> bool:
        return not self.recovered or bool(self.journal.unsettled_ops())

    def ensure_recovered(self, terminal: PaymentTerminal) -> None:
        if self.has_unsettled():
            report = self.recover(terminal)
            if report.unsettled or not report.terminal_reachable:
                raise RecoveryPending(f"{report.unsettled} terminal operation(s) not settled yet")

    def _settle(self, terminal: PaymentTerminal, op: TerminalOp, *, busy_checked: bool = False) -> bool:
        """Ask the terminal's log about ``op``; False when it cannot tell yet (unreachable or busy)."""
        try:
            record = terminal.find_transaction(op.sequence_number)
            if record is None and (busy_checked or terminal.status().busy):
                return False
        except DeviceError as exc:
            _LOGGER.info(
                "settle: terminal cannot tell", extra={"seq": op.sequence_number, "reason": exc.reason}
            )
            return False
        if record is None:
            self._apply(op, Outcome.CANCELLED, None, reason="not_processed")
        else:
            if record.kind.value != op.kind.value:
                _LOGGER.error("terminal log kind differs", extra={"seq": op.sequence_number})
            self._apply(op, record.outcome, record, reason=_reason(record.outcome))
        return True

    # ---- applying an outcome ------------------------------------------------------------------------

    def _apply(
        self, op: TerminalOp, outcome: Outcome, details: SaleResult | TransactionRecord | None, *, reason: str
    ) -> Payment:
        op_fields: dict[str, object] = {}
        if details is not None:
            op_fields = {
                "brand": details.brand.value,
                "approval_number": details.approval_number,
                "trace_number": details.trace_number,
            }
            if isinstance(details, SaleResult):
                op_fields["result_code"] = details.result_code
        payment = self.journal.payment(op.order_id)
        state: PaymentState | None = None
        fields: dict[str, object] = {}
        attention = False
        if op.kind is OpKind.SALE:
            if op.sequence_number != payment.sale_sequence_number:
                _LOGGER.error("settled a superseded sale", extra={"seq": op.sequence_number})
            state = _SALE_STATE[outcome]
            if details is not None:
                fields = {
                    "brand": details.brand.value,
                    "approval_number": details.approval_number,
                    "masked_pan": details.masked_pan,
                    "trace_number": details.trace_number,
                }
            if outcome is Outcome.APPROVED:
                fields["sale_date"] = self.today().isoformat()
            attention = outcome is Outcome.UNKNOWN
        elif op.kind is OpKind.VOID:
            if outcome is Outcome.APPROVED:
                state, reason = PaymentState.VOIDED, "voided"
            elif payment.issue_failed or payment.state is PaymentState.REFUND_REQUIRED:
                state, attention = PaymentState.REFUND_REQUIRED, True
                fields["refund_instruction"] = refund_instruction(payment, f"取消が{_ja(outcome)}")
                reason = "issue_failed"
            else:
                reason = f"void_{outcome.value}"
        elif outcome is Outcome.APPROVED:
            state, reason = PaymentState.REFUNDED, "refunded"
        else:
            reason = f"refund_{outcome.value}"
        self.journal.update_op(
            op.sequence_number,
            _OP_STATE[outcome],
            payment_state=state,
            reason=reason,
            payment_fields=fields,
            **op_fields,
        )
        updated = self.journal.payment(op.order_id)
        _LOGGER.info(
            "payment settled",
            extra={"order": op.order_id, "seq": op.sequence_number, "kind": op.kind, "state": updated.state},
        )
        self.on_change(updated)
        if attention:
            self.on_attention(updated)
        return updated

    def _run(self, terminal: PaymentTerminal, op: TerminalOp, command: Callable[[], SaleResult]) -> Payment:
        """Send one journaled command; settle from the terminal's log when its answer is missing."""
        try:
            result = command()
        except (TerminalBusy, TerminalRefused) as exc:  # a negative acknowledgement: nothing started
            return self._apply(op, Outcome.CANCELLED, None, reason=exc.reason)
        except DeviceError as exc:
            _LOGGER.warning("answer missing", extra={"seq": op.sequence_number, "reason": exc.reason})
            if self._settle(terminal, self.journal.op(op.sequence_number)):
                return self.journal.payment(op.order_id)
            self.recovered = False
            return self._unreachable(op)
        return self._apply(op, result.outcome, result, reason=_reason(result.outcome))

    def _unreachable(self, op: TerminalOp) -> Payment:
        payment = self.journal.payment(op.order_id)
        if op.kind is OpKind.SALE:
            payment = self.journal.update_payment(
                op.order_id, PaymentState.UNKNOWN, reason="terminal_unreachable"
            )
        elif op.kind is OpKind.VOID and payment.issue_failed:
            instruction = refund_instruction(
                payment, f"取消の結果が未確認（端末通番 {op.sequence_number} を確認）"
            )
            payment = self.journal.update_payment(
                op.order_id, PaymentState.REFUND_REQUIRED, refund_instruction=instruction
            )
        else:
            return payment
        self.on_change(payment)
        self.on_attention(payment)
        return payment

    # ---- operations ---------------------------------------------------------------------------------

    def sale(
        self,
        terminal: PaymentTerminal,
        order: SaleOrder,
        progress: Callable[[SaleProgress], None] = ignore_progress,
    ) -> Payment:
        """Charge ``order`` once; returns the journaled payment (its state is the outcome)."""
        method = validate_order(order)
        existing = self.journal.find_payment(order.order_id)
        if existing is not None:
            if existing.amount_yen != order.amount_yen:
                raise InvalidOrder("this order exists with another amount", reason="order_conflict")
            if existing.state not in RETRYABLE and not existing.settlement_pending:
                return existing
        self.ensure_recovered(terminal)
        existing = self.journal.find_payment(order.order_id)
        if existing is not None and existing.state not in RETRYABLE:
            return existing
        payment, op = self.journal.create_sale(order)
        self.on_change(payment)
        seq = op.sequence_number
        self.journal.update_op(seq, OpState.SENT, payment_state=PaymentState.SENT)
        self.on_change(self.journal.payment(order.order_id))
        started = False

        def on_step(step: SaleProgress) -> None:
            nonlocal started
            if not started:
                started = True
                self.journal.update_op(seq, OpState.IN_PROGRESS, payment_state=PaymentState.IN_PROGRESS)
            progress(step)

        return self._run(terminal, op, lambda: terminal.sale(seq, order.amount_yen, method, on_step))

    def void(self, terminal: PaymentTerminal, order_id: str) -> Payment:
        """Void (取消) an approved sale on the terminal; the brand and the open batch must allow it."""
        payment = self.get(order_id)
        if payment.state not in (PaymentState.APPROVED, PaymentState.COMMITTED, PaymentState.REFUND_REQUIRED):
            raise WrongState(f"payments/{order_id} is {payment.state}, not approved")
        if not can_void(brand_of(payment.brand), batch_open=self._batch_open(payment)):
            raise NotOnTerminal(
                f"{payment.brand} cannot be voided now",
                reason="void_not_allowed",
                message_ja="この決済は取消できません。返金の手続きをしてください。",
            )
        self.ensure_recovered(terminal)
        op = self.journal.create_op(order_id, OpKind.VOID, payment.amount_yen)
        self.journal.update_op(op.sequence_number, OpState.SENT)
        return self._run(
            terminal, op, lambda: terminal.void(op.sequence_number, payment.sale_sequence_number)
        )

    def refund(
        self,
        terminal: PaymentTerminal,
        order_id: str,
        progress: Callable[[SaleProgress], None] = ignore_progress,
    ) -> Payment:
        """Refund (返品) the whole amount on the terminal, where the brand allows it."""
        payment = self.get(order_id)
        if payment.state not in (PaymentState.APPROVED, PaymentState.COMMITTED, PaymentState.REFUND_REQUIRED):
            raise WrongState(f"payments/{order_id} is {payment.state}, not approved")
        sale_date = dt.date.fromisoformat(payment.sale_date) if payment.sale_date else self.today()
        if not can_refund(brand_of(payment.brand), sale_date=sale_date, today=self.today()):
            raise NotOnTerminal(
                f"{payment.brand} cannot be refunded on the terminal",
                reason="refund_not_on_terminal",
                message_ja="この決済は端末で返金できません。窓口で返金（還付）の手続きをしてください。",
            )
        self.ensure_recovered(terminal)
        op = self.journal.create_op(order_id, OpKind.REFUND, payment.amount_yen)
        self.journal.update_op(op.sequence_number, OpState.SENT)
        seq, original, amount = op.sequence_number, payment.sale_sequence_number, payment.amount_yen
        return self._run(terminal, op, lambda: terminal.refund(seq, original, amount, progress))

    def commit(
        self, terminal: PaymentTerminal | None, order_id: str, *, issued: bool, job: str = ""
    ) -> Payment:
        """Pay → issue → commit: COMMITTED when issued, else void, else REFUND_REQUIRED with instructions.

        ``terminal`` may be None when ``issued`` (nothing to ask the terminal).
        """
        payment = self.get(order_id)
        if payment.state is PaymentState.COMMITTED or (
            not issued and payment.state in (PaymentState.VOIDED, PaymentState.REFUND_REQUIRED)
        ):
            return payment
        if payment.state is not PaymentState.APPROVED:
            raise WrongState(f"payments/{order_id} is {payment.state}, not approved")
        if issued:
            committed = self.journal.update_payment(
                order_id, PaymentState.COMMITTED, reason="issued", issued_job=job
            )
            self.on_change(committed)
            return committed
        payment = self.journal.update_payment(
            order_id, reason="issue_failed", issued_job=job, issue_failed=True
        )
        if terminal is None:
            why = "端末に接続できません"
        elif can_void(brand_of(payment.brand), batch_open=self._batch_open(payment)):
            try:
                return self.void(terminal, order_id)
            except (DeviceError, NotOnTerminal, RecoveryPending, WrongState) as exc:
                why = f"取消できませんでした（{exc.reason}）"
        else:
            why = "このブランドは取消できません"
        instruction = refund_instruction(payment, why)
        required = self.journal.update_payment(
            order_id, PaymentState.REFUND_REQUIRED, refund_instruction=instruction
        )
        self.on_change(required)
        self.on_attention(required)
        return required

    def resolve(self, order_id: str, outcome: PaymentState, resolution: str) -> Payment:
        """Staff settle an UNKNOWN payment, or record a refund made outside the terminal; ``resolution``
        is the code of what they checked (``services.payment.RESOLUTIONS``), never free text."""
        payment = self.get(order_id)
        if not resolution.strip():
            raise InvalidOrder(
                "resolution: say what was checked (terminal_journal, acquirer_confirmed …)",
                reason="resolution_required",
                message_ja="何で確認したかを選んでください。",
            )
        if payment.settlement_pending:
            raise SettlementPending("the terminal's log has not settled this payment yet")
        allowed = {
            PaymentState.UNKNOWN: (PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.CANCELLED),
            PaymentState.REFUND_REQUIRED: (PaymentState.REFUNDED,),
        }.get(payment.state, ())
        if outcome not in allowed:
            raise WrongState(f"payments/{order_id} is {payment.state}; cannot resolve it as {outcome}")
        extra = {"sale_date": self.today().isoformat()} if outcome is PaymentState.APPROVED else {}
        resolved = self.journal.update_payment(
            order_id, outcome, reason="staff_resolved", staff_note=resolution.strip(), **extra
        )
        self.on_change(resolved)
        return resolved

    def _batch_open(self, payment: Payment) -> bool:
        op = self.journal.op(payment.sale_sequence_number)
        return op.close_number is None


def validate_order(order: SaleOrder) -> PaymentMethod:
    if not ORDER_ID.match(order.order_id):
        raise InvalidOrder("order_id: 1-64 letters, digits, '.', '_' or '-'")
    if not 0 < order.amount_yen <= 9_999_999:
        raise InvalidOrder(f"amount out of range: {order.amount_yen}")
    if order.lines and sum(line.amount_yen for line in order.lines) != order.amount_yen:
        raise InvalidOrder("the fee lines do not add up to the amount")
    if any(line.quantity <= 0 or line.unit_price_yen < 0 or not line.subject for line in order.lines):
        raise InvalidOrder("each fee line needs a 科目, a quantity and a price")
    try:
        return PaymentMethod(order.method)
    except ValueError:
        raise InvalidOrder(f"unknown payment method {order.method!r}") from None


def refund_instruction(payment: Payment, why: str) -> str:
    """Exact staff instructions: amount, brand, approval number and terminal trace number."""
    rule = BRAND_RULES.get(brand_of(payment.brand))
    label = rule.label_ja if rule else payment.brand or "不明"
    where = "端末で返品操作" if rule is not None and rule.refund_on_terminal else "窓口で返金（還付）手続き"
    return (
        f"証明書を発行できませんでした。{why}。{where}をしてください："
        f"金額 {payment.amount_yen:,}円、ブランド {label}、承認番号 {payment.approval_number or 'なし'}、"
        f"端末通番 {payment.trace_number if payment.trace_number is not None else '不明'}"
        f"（取引通番 {payment.sale_sequence_number}）"
    )


def _reason(outcome: Outcome) -> str:
    return {Outcome.UNKNOWN: "result_unknown"}.get(outcome, outcome.value)


def _ja(outcome: Outcome) -> str:
    return {
        Outcome.DECLINED: "拒否されました",
        Outcome.CANCELLED: "中止されました",
        Outcome.UNKNOWN: "処理未了です",
    }.get(outcome, "できませんでした")
