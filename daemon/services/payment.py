"""kiosk.v1.PaymentService: sale with progress, void, refund, pay → issue → commit, daily close.

The journal lives in ``<storage_dir>/payments.sqlite3``; the close CSVs in ``<storage_dir>/payments/``.
Every manager method that talks to the terminal runs on the terminal's worker (``DeviceSlot.call``), so
journal and terminal see one operation at a time. A sale runs as its own task: a client that disconnects
does not stop it, and a retry of the same order attaches to it. A background task settles unsettled
operations at start-up and whenever the terminal is back. Options (``[options.payment]``):
``municipality`` (slip header), ``slip_timeout_s``, ``slip_grace_s``.

Staff slips go to the receipt printer through the print queue, which the daemon stops only after this
service (``daemon.server``). A 返金指示 (REFUND_REQUIRED) prints at once, and so does the 障害伝票 of a
payment the terminal itself answered UNKNOWN (処理未了: only staff can settle it). A payment UNKNOWN because
the terminal could not be reached (``settlement_pending``) gets its 障害伝票 only when the terminal's log
has not settled it within ``slip_grace_s``: a brief drop that settles by itself within seconds needs none.
A slip owed when the daemon stopped (never printed, or not printable then) is printed at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from kiosk.v1 import common_pb2, events_pb2, payment_pb2, payment_pb2_grpc

from drivers.base import DeviceError
from drivers.payment import PaymentTerminal, SaleProgress
from frontyard.municipality import Fee

from .. import inputs
from ..errors import FailedPrecondition, InvalidArgument
from ..options import PaymentOptions
from ..payments import FeeLine, Payment, PaymentJournal, PaymentManager, PaymentState, SaleOrder, daily_close
from ..payments.closing import SubjectTotal
from ..payments.model import SLIP_STATES, SlipOutcome
from ..payments.slips import staff_slip
from ..ports import EventPublisher, JobWaiter, PrintSubmitter
from ..registry import DeviceSlot

_LOGGER = logging.getLogger(__name__)
Context = grpc.aio.ServicerContext[Any, Any]
T = TypeVar("T")

METHODS = {
    "credit": payment_pb2.PAYMENT_METHOD_CREDIT,
    "emoney": payment_pb2.PAYMENT_METHOD_EMONEY,
    "qr": payment_pb2.PAYMENT_METHOD_QR,
}
METHOD_NAMES = {number: name for name, number in METHODS.items()}
STEPS = {
    SaleProgress.PRESENT_CARD: payment_pb2.SALE_STEP_PRESENT_CARD,
    SaleProgress.PIN_ON_TERMINAL: payment_pb2.SALE_STEP_PIN_ON_TERMINAL,
    SaleProgress.PROCESSING: payment_pb2.SALE_STEP_PROCESSING,
    SaleProgress.REMOVE_CARD: payment_pb2.SALE_STEP_REMOVE_CARD,
}
IDLE = events_pb2.DEVICE_STATE_IDLE


def state_to_proto(state: PaymentState) -> payment_pb2.PaymentState:
    return payment_pb2.PaymentState.Value(f"PAYMENT_STATE_{state.name}")  # type: ignore[return-value]


def state_from_proto(value: int) -> PaymentState:
    """The journal's state for a proto enum value; an unknown or UNSPECIFIED value is InvalidArgument."""
    try:
        return PaymentState[payment_pb2.PaymentState.Name(value).removeprefix("PAYMENT_STATE_")]
    except (KeyError, ValueError):  # ValueError: a number the enum does not define
        raise InvalidArgument(
            f"unknown payment state {value}", reason="invalid_state", message_ja="支払い状態の値が不正です。"
        ) from None


def _stamp(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def payment_message(payment: Payment) -> payment_pb2.Payment:
    return payment_pb2.Payment(
        name=payment.name,
        order_id=payment.order_id,
        amount=common_pb2.Money(yen=payment.amount_yen),
        lines=[
            payment_pb2.FeeLine(
                fee_code=line.fee_code,
                subject=line.subject,
                quantity=line.quantity,
                unit_price=common_pb2.Money(yen=line.unit_price_yen),
            )
            for line in payment.lines
        ],
        method=METHODS.get(payment.method, payment_pb2.PAYMENT_METHOD_UNSPECIFIED),
        state=state_to_proto(payment.state),
        brand=payment.brand,
        approval_number=payment.approval_number,
        masked_pan=payment.masked_pan,
        terminal_sequence_number=payment.sale_sequence_number,
        trace_number=payment.trace_number or 0,
        reason=payment.reason,
        refund_instruction=payment.refund_instruction,
        staff_slip=payment.staff_slip,
        create_time=_stamp(payment.created),
        update_time=_stamp(payment.updated),
        settlement_pending=payment.settlement_pending,
    )


def subject_totals_message(item: SubjectTotal) -> payment_pb2.SubjectTotals:
    return payment_pb2.SubjectTotals(
        fee_code=item.fee_code,
        subject=item.subject,
        method=METHODS.get(item.method, payment_pb2.PAYMENT_METHOD_UNSPECIFIED),
        brand=item.brand,
        sales_count=item.counts.sales_count,
        sales_amount=common_pb2.Money(yen=item.counts.sales_yen),
        voids_count=item.counts.voids_count,
        voids_amount=common_pb2.Money(yen=item.counts.voids_yen),
        refunds_count=item.counts.refunds_count,
        refunds_amount=common_pb2.Money(yen=item.counts.refunds_yen),
    )


def order_id_of(name: str) -> str:
    if not name.startswith("payments/") or len(name) <= len("payments/"):
        raise InvalidArgument("name: expected a name like payments/ORDER", reason="invalid_name")
    return inputs.check(inputs.PAYMENT, "name", name).removeprefix("payments/")


def subject_of(line: payment_pb2.FeeLine, fees: dict[str, Fee]) -> str:
    """The line's 科目, or the one 会計課 books for its fee code when the line names none."""
    subjects = fees[line.fee_code].subjects
    return line.subject or (subjects[0] if subjects else "")


# What staff checked before resolving a payment by hand (ResolvePaymentRequest.resolution): the code is
# kept in the journal; a free-text note is not (it may hold a name).
RESOLUTIONS = {
    "terminal_journal": "端末の取引履歴で確認 / terminal journal checked",
    "acquirer_confirmed": "決済事業者に照会 / confirmed with the acquirer",
    "resident_receipt": "お客様控えで確認 / resident's receipt checked",
    "refunded_in_cash": "現金で返金 / refunded in cash",
}


def check_sale(request: payment_pb2.SaleRequest, fees: dict[str, Fee]) -> None:
    """The order id and every fee line against their grammar and the fee table, before the terminal."""
    inputs.check(inputs.ORDER_ID, "order_id", request.order_id)
    for line in request.lines:
        inputs.check_code(fees, "lines.fee_code", line.fee_code, what="fee code", what_ja="手数料コード")
        subjects = fees[line.fee_code].subjects
        if line.subject and subjects and line.subject not in subjects:
            raise inputs.InvalidInput(
                "lines.subject", f"the 科目 of the fee code ({', '.join(subjects)})",
                reason="unknown_subject", rule_ja="手数料コードの科目",
            )  # fmt: skip


class PaymentRunner:
    service_names = ("kiosk.v1.PaymentService",)

    def __init__(
        self,
        options: PaymentOptions,
        storage_dir: Path,
        *,
        terminal: DeviceSlot | None,
        events: EventPublisher,
        slip_printer: PrintSubmitter | None,
        jobs: JobWaiter,
        fees: dict[str, Fee],
    ) -> None:
        """``slip_printer`` is None when no receipt printer is configured; ``jobs`` follows print jobs;
        ``fees`` is the municipality's fee table a sale's lines are checked against."""
        self.terminal = terminal
        self.events = events
        self.slip_printer = slip_printer
        self.jobs = jobs
        self.municipality = options.municipality
        self.slip_timeout_s = options.slip_timeout_s
        self.slip_grace_s = options.slip_grace_s
        self.closes_dir = storage_dir / "payments"
        self.fees = fees
        self.journal = PaymentJournal(storage_dir / "payments.sqlite3")
        self.manager = PaymentManager(self.journal, on_change=self._published, on_attention=self._attention)
        self.sales: dict[str, asyncio.Task[Payment]] = {}
        self.watchers: dict[str, list[asyncio.Queue[SaleProgress]]] = {}
        self.slip_tasks: set[asyncio.Task[Any]] = set()  # staff slips being printed; stop waits for them
        self._loop: asyncio.AbstractEventLoop | None = None
        self._recovery: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._printing_slips: set[str] = set()  # order ids whose slip is being printed

    def add_to_server(self, server: grpc.aio.Server) -> None:
        payment_pb2_grpc.add_PaymentServiceServicer_to_server(PaymentServicer(self), server)

    # ---- the terminal -------------------------------------------------------------------------------

    def slot(self) -> DeviceSlot:
        if self.terminal is None:
            raise FailedPrecondition(
                "no payment terminal is configured", reason="payment_terminal_not_configured"
            )
        return self.terminal

    async def on_terminal(self, function: Callable[[PaymentTerminal], T], operation: str) -> T:
        slot = self.slot()

        def run(device: Any) -> T:
            return function(device)

        return await slot.call(run, operation=operation)

    # ---- lifecycle ----------------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._recovery = self._loop.create_task(self._recover_when_possible(), name="payment-recovery")
        for payment in self.journal.payments(SLIP_STATES):
            if payment.slip_owed:  # the daemon stopped before this slip was printed
                self._spawn(self._staff_slip(payment))

    async def _recover_when_possible(self) -> None:
        """Settle the journal from the terminal's log at start-up and whenever it is back."""
        slot = self.terminal
        if slot is None:
            return
        while True:
            if self.manager.has_unsettled() and slot.device is not None and slot.state == IDLE:
                with contextlib.suppress(DeviceError):
                    await self.on_terminal(self.manager.recover, "payment_recovery")
            await asyncio.sleep(0.5 if self.manager.has_unsettled() else 2.0)

    async def stop(self) -> None:
        self._stopping.set()  # slips still in their grace period are owed: printed at the next start
        if self._recovery is not None:
            self._recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recovery
        pending = [*self.sales.values(), *self.slip_tasks]
        if pending:
            await asyncio.wait(pending, timeout=10)
        self.journal.close()

    # ---- events and staff slips ---------------------------------------------------------------------

    def _device_name(self) -> str:
        return self.terminal.name if self.terminal is not None else ""

    def _published(self, payment: Payment) -> None:
        """Thread-safe: called from the terminal's worker."""
        changed = payment_pb2.PaymentChanged(
            payment=payment.name, state=state_to_proto(payment.state), reason=payment.reason
        )
        self.events.publish(events_pb2.Event(device=self._device_name(), payment_changed=changed))

    def _attention(self, payment: Payment) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._spawn, self._staff_slip(payment))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.slip_tasks.add(task)
        task.add_done_callback(self.slip_tasks.discard)

    async def _staff_slip(self, payment: Payment) -> None:
        """The slip ``payment`` needs; a pending UNKNOWN only when not settled within the grace period."""
        if payment.state is PaymentState.UNKNOWN and payment.settlement_pending and self.slip_grace_s > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.slip_grace_s):
                    await self._stopping.wait()
            if self._stopping.is_set():
                return
            payment = self.manager.get(payment.order_id)
            if not payment.slip_owed:
                _LOGGER.info(
                    "payment settled within the grace period: no staff slip",
                    extra={"order": payment.order_id},
                )
                return
        await self._print_slip(payment)

    async def _print_slip(self, payment: Payment) -> None:
        """Print the staff slip once; never fails the bookkeeping, records what happened instead."""
        if payment.order_id in self._printing_slips:  # e.g. recovery said 処理未了 during the grace period
            return
        self._printing_slips.add(payment.order_id)
        try:
            await self._print_slip_now(payment)
        finally:
            self._printing_slips.discard(payment.order_id)

    async def _print_slip_now(self, payment: Payment) -> None:
        printer = self.slip_printer
        outcome = "not_printed:no_receipt_printer"
        if printer is not None:
            try:
                title = "障害伝票" if payment.state is PaymentState.UNKNOWN else "返金指示"
                receipt = staff_slip(payment, self.municipality)
                job = await printer.submit_receipt(receipt, title=title, order_id=payment.order_id)
                self._mark_slip(payment, SlipOutcome.QUEUED)
                state = await self.jobs.wait(job, timeout=self.slip_timeout_s)
                value = state.value
                outcome = SlipOutcome.PRINTED if value == "completed" else f"not_printed:{value}"
            except Exception as exc:  # the slip never breaks the payment journal
                outcome = f"not_printed:{getattr(exc, 'reason', type(exc).__name__)}"
        self._mark_slip(payment, outcome)
        if outcome != SlipOutcome.PRINTED:
            _LOGGER.warning("staff slip not printed", extra={"order": payment.order_id, "outcome": outcome})
            failed = events_pb2.OperationFailed(
                operation_id=payment.name,
                reason="staff_slip_not_printed",
                message=f"staff slip for {payment.name} not printed: {outcome}",
                message_ja="職員用伝票を印刷できませんでした。決済端末の取引履歴を確認してください。",
            )
            self.events.publish(events_pb2.Event(device=self._device_name(), failed=failed))

    def _mark_slip(self, payment: Payment, outcome: str) -> None:
        with contextlib.suppress(Exception):
            self.journal.update_payment(payment.order_id, staff_slip=outcome)

    # ---- sale tasks ---------------------------------------------------------------------------------

    def sale_task(self, order: SaleOrder) -> tuple[asyncio.Task[Payment], asyncio.Queue[SaleProgress]]:
        """The running sale of this order (a retry attaches to it), or a new one."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[SaleProgress] = asyncio.Queue()
        watchers = self.watchers.setdefault(order.order_id, [])
        watchers.append(queue)
        task = self.sales.get(order.order_id)
        if task is None:
            operation = f"payments/{order.order_id}"
            device = self._device_name()

            def progress(step: SaleProgress) -> None:  # on the worker thread
                for watcher in list(watchers):
                    loop.call_soon_threadsafe(watcher.put_nowait, step)
                event = events_pb2.OperationProgress(operation_id=operation, step=step.value, percent=-1)
                self.events.publish(events_pb2.Event(device=device, progress=event))

            task = loop.create_task(
                self.on_terminal(lambda terminal: self.manager.sale(terminal, order, progress), "sale")
            )
            self.sales[order.order_id] = task
            task.add_done_callback(lambda done: self._sale_done(order.order_id, done))
        return task, queue

    def _sale_done(self, order_id: str, task: asyncio.Task[Payment]) -> None:
        self.sales.pop(order_id, None)
        self.watchers.pop(order_id, None)
        if not task.cancelled() and task.exception() is not None:
            _LOGGER.info("sale ended with an error", extra={"order": order_id})


class PaymentServicer(payment_pb2_grpc.PaymentServiceServicer):
    def __init__(self, runner: PaymentRunner) -> None:
        self.runner = runner
        self.manager = runner.manager

    async def Sale(
        self, request: payment_pb2.SaleRequest, context: Context
    ) -> AsyncIterator[payment_pb2.SaleUpdate]:
        check_sale(request, self.runner.fees)
        method = METHOD_NAMES.get(request.method)
        if method is None:
            raise InvalidArgument("method is required", reason="invalid_order")
        lines = tuple(
            FeeLine(line.fee_code, subject_of(line, self.runner.fees), line.quantity, line.unit_price.yen)
            for line in request.lines
        )
        order = SaleOrder(request.order_id, request.amount.yen, method, lines)
        task, queue = self.runner.sale_task(order)
        try:
            while not task.done():
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    yield payment_pb2.SaleUpdate(step=STEPS[getter.result()])
                else:
                    getter.cancel()
            payment = task.result()
            yield payment_pb2.SaleUpdate(payment=payment_message(payment))
        finally:
            watchers = self.runner.watchers.get(order.order_id, [])
            if queue in watchers:
                watchers.remove(queue)

    async def GetPayment(
        self, request: payment_pb2.GetPaymentRequest, context: Context
    ) -> payment_pb2.Payment:
        return payment_message(self.manager.get(order_id_of(request.name)))

    async def ListPayments(
        self, request: payment_pb2.ListPaymentsRequest, context: Context
    ) -> payment_pb2.ListPaymentsResponse:
        if request.page_size < 0:
            raise InvalidArgument(
                "page_size must not be negative",
                reason="invalid_page_size",
                message_ja="件数の指定が不正です。",
            )
        inputs.check(inputs.ORDER_ID, "page_token", request.page_token, optional=True)
        size = min(request.page_size or 100, 1000)
        states = [state_from_proto(value) for value in request.states]
        found = self.runner.journal.payments(states, after=request.page_token, limit=size + 1)
        page = found[:size]
        token = page[-1].order_id if len(found) > size else ""
        return payment_pb2.ListPaymentsResponse(
            payments=[payment_message(item) for item in page], next_page_token=token
        )

    async def VoidPayment(
        self, request: payment_pb2.VoidPaymentRequest, context: Context
    ) -> payment_pb2.Payment:
        order_id = order_id_of(request.name)
        payment = await self.runner.on_terminal(lambda t: self.manager.void(t, order_id), "void")
        return payment_message(payment)

    async def RefundPayment(
        self, request: payment_pb2.RefundPaymentRequest, context: Context
    ) -> payment_pb2.Payment:
        order_id = order_id_of(request.name)
        payment = await self.runner.on_terminal(lambda t: self.manager.refund(t, order_id), "refund")
        return payment_message(payment)

    async def CommitPayment(
        self, request: payment_pb2.CommitPaymentRequest, context: Context
    ) -> payment_pb2.Payment:
        order_id = order_id_of(request.name)
        inputs.check(inputs.JOB, "issued_job", request.issued_job, optional=True)
        self.manager.get(order_id)
        issued = request.issued
        if request.issued_job:
            state = await self.runner.jobs.wait(request.issued_job, timeout=float(request.timeout_s or 120))
            value = state.value
            if value not in ("completed", "failed", "cancelled"):
                raise FailedPrecondition(
                    f"{request.issued_job} is {value}; commit again when it has finished",
                    reason="document_not_issued_yet",
                    message_ja="証明書の印刷が終わっていません。",
                )
            issued = value == "completed"
        if issued:
            committed = self.manager.commit(None, order_id, issued=True, job=request.issued_job)
            return payment_message(committed)
        job = request.issued_job
        payment = await self.runner.on_terminal(
            lambda t: self.manager.commit(t, order_id, issued=False, job=job), "commit"
        )
        return payment_message(payment)

    async def ResolvePayment(
        self, request: payment_pb2.ResolvePaymentRequest, context: Context
    ) -> payment_pb2.Payment:
        order_id = order_id_of(request.name)
        outcome = state_from_proto(request.outcome)
        resolution = request.resolution
        if resolution:
            inputs.check_code(RESOLUTIONS, "resolution", resolution, what="resolution", what_ja="確認方法")
        inputs.check_note("staff_note", request.staff_note)  # kept nowhere until the audit log (issue 17)
        return payment_message(self.manager.resolve(order_id, outcome, resolution))

    async def DailyClose(
        self, request: payment_pb2.DailyCloseRequest, context: Context
    ) -> payment_pb2.DailyCloseResponse:
        directory, dry_run = self.runner.closes_dir, request.dry_run
        report = await self.runner.on_terminal(
            lambda t: daily_close(self.manager, t, directory=directory, dry_run=dry_run), "daily_close"
        )
        close_time = Timestamp()
        close_time.FromDatetime(report.closed_at)
        return payment_pb2.DailyCloseResponse(
            name=f"closes/{report.number}" if report.number else "",
            terminal_batch_number=report.terminal_batch,
            totals=[subject_totals_message(item) for item in report.totals],
            staff_confirmed=[subject_totals_message(item) for item in report.staff_confirmed],
            brands=[
                payment_pb2.BrandReconciliation(
                    brand=check.brand,
                    journal_sales_count=check.journal.sales_count,
                    journal_sales_amount=common_pb2.Money(yen=check.journal.sales_yen),
                    terminal_sales_count=check.terminal.sales_count,
                    terminal_sales_amount=common_pb2.Money(yen=check.terminal.sales_yen),
                    journal_net_amount=common_pb2.Money(yen=check.journal.net_yen),
                    terminal_net_amount=common_pb2.Money(yen=check.terminal.net_yen),
                    matches=check.matches,
                )
                for check in report.brands
            ],
            reconciled=report.reconciled,
            csv=report.csv_bytes,
            csv_path=report.csv_path,
            close_time=close_time,
        )
