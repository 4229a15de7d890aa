"""Staff slips of the payment service: the grace period of a terminal drop, and slips owed at a restart.

The runner gets what ``create_server`` gives it, with a receipt printer that records the slips and a job
waiter that says every job completed. Payments are put in the journal in the state under test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kiosk.v1 import events_pb2

from daemon.options import PaymentOptions
from daemon.payments import OpState, PaymentJournal, PaymentState, SaleOrder
from daemon.printing import JobState
from daemon.services.payment import PaymentRunner
from drivers.escpos.document import Receipt
from frontyard.municipality import load_municipality


@dataclass
class RecordingPrinter:
    titles: list[str] = field(default_factory=list)

    async def submit_receipt(self, receipt: Receipt, *, title: str, order_id: str = "") -> str:
        self.titles.append(title)
        return f"jobs/{len(self.titles)}"

    async def submit_pdf(
        self, pdf: bytes, *, title: str, pages: int, copies: int = 1, order_id: str = ""
    ) -> str:
        raise AssertionError("staff slips are receipts")


class CompletedJobs:
    async def wait(self, job_name: str, timeout: float | None = None) -> JobState:
        return JobState.COMPLETED


@dataclass
class RecordingEvents:
    published: list[events_pb2.Event] = field(default_factory=list)

    def publish(self, event: events_pb2.Event) -> None:
        self.published.append(event)


@dataclass
class Rig:
    directory: Path
    printer: RecordingPrinter = field(default_factory=RecordingPrinter)
    runners: list[PaymentRunner] = field(default_factory=list)

    def runner(self, grace_s: float) -> PaymentRunner:
        runner = PaymentRunner(
            PaymentOptions(slip_grace_s=grace_s),
            self.directory,
            terminal=None,
            events=RecordingEvents(),
            slip_printer=self.printer,
            jobs=CompletedJobs(),
            fees=load_municipality().fees,
        )
        self.runners.append(runner)
        return runner


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    rig = Rig(tmp_path)
    yield rig
    for runner in rig.runners:
        await runner.stop()


def sent(journal: PaymentJournal, order_id: str) -> int:
    """A sale journaled and sent to the terminal; returns its sequence number."""
    _, op = journal.create_sale(SaleOrder(order_id, 300, "credit"))
    journal.update_op(op.sequence_number, OpState.SENT, payment_state=PaymentState.SENT)
    return op.sequence_number


def unknown(journal: PaymentJournal, order_id: str, *, pending: bool) -> int:
    """UNKNOWN: the terminal could not be reached (``pending``), or it answered 処理未了 itself."""
    seq = sent(journal, order_id)
    if pending:
        journal.update_payment(order_id, PaymentState.UNKNOWN, reason="terminal_unreachable")
    else:
        journal.update_op(seq, OpState.UNKNOWN, payment_state=PaymentState.UNKNOWN, reason="result_unknown")
    return seq


def refund_required(journal: PaymentJournal, order_id: str) -> None:
    seq = sent(journal, order_id)
    journal.update_op(seq, OpState.APPROVED, payment_state=PaymentState.APPROVED)
    journal.update_payment(order_id, PaymentState.REFUND_REQUIRED, refund_instruction="窓口で返金")


async def slips_done(runner: PaymentRunner) -> None:
    async with asyncio.timeout(10):
        while runner.slip_tasks:
            await asyncio.wait(set(runner.slip_tasks))


async def test_a_terminal_drop_that_settles_within_the_grace_period_prints_no_slip(rig: Rig) -> None:
    runner = rig.runner(grace_s=0.3)
    await runner.start()
    seq = unknown(runner.journal, "drop", pending=True)
    runner.manager.on_attention(runner.journal.payment("drop"))
    await asyncio.sleep(0)  # the slip task is spawned on the loop
    runner.journal.update_op(seq, OpState.APPROVED, payment_state=PaymentState.APPROVED)  # the log settled it
    await slips_done(runner)
    assert rig.printer.titles == []
    assert runner.journal.payment("drop").staff_slip == ""


async def test_an_unknown_that_does_not_settle_gets_its_slip_after_the_grace_period(rig: Rig) -> None:
    runner = rig.runner(grace_s=0.1)
    await runner.start()
    unknown(runner.journal, "gone", pending=True)
    runner.manager.on_attention(runner.journal.payment("gone"))
    await asyncio.sleep(0)
    assert runner.slip_tasks, "the slip waits for the grace period"
    await slips_done(runner)
    assert rig.printer.titles == ["障害伝票"]
    assert runner.journal.payment("gone").staff_slip == "printed"


async def test_an_unknown_answered_by_the_terminal_gets_its_slip_at_once(rig: Rig) -> None:
    runner = rig.runner(grace_s=3600)
    await runner.start()
    unknown(runner.journal, "told", pending=False)
    assert not runner.journal.payment("told").settlement_pending
    runner.manager.on_attention(runner.journal.payment("told"))
    await asyncio.sleep(0)
    await slips_done(runner)
    assert rig.printer.titles == ["障害伝票"]


async def test_slips_owed_when_the_daemon_stopped_are_printed_at_the_next_start(rig: Rig) -> None:
    journal = PaymentJournal(rig.directory / "payments.sqlite3")
    unknown(journal, "a-never-printed", pending=False)
    refund_required(journal, "b-printer-held")
    journal.update_payment("b-printer-held", staff_slip="not_printed:held")
    refund_required(journal, "c-printed")
    journal.update_payment("c-printed", staff_slip="printed")
    unknown(journal, "d-in-the-print-queue", pending=False)
    journal.update_payment("d-in-the-print-queue", staff_slip="queued")  # the queue reprints it itself
    journal.close()

    runner = rig.runner(grace_s=0)
    await runner.start()
    await slips_done(runner)
    assert rig.printer.titles == ["障害伝票", "返金指示"]
    printed = {payment.order_id: payment.staff_slip for payment in runner.journal.payments()}
    assert printed == {
        "a-never-printed": "printed",
        "b-printer-held": "printed",
        "c-printed": "printed",
        "d-in-the-print-queue": "queued",
    }


async def test_a_slip_still_in_its_grace_period_at_stop_is_owed_at_the_next_start(rig: Rig) -> None:
    runner = rig.runner(grace_s=3600)
    await runner.start()
    unknown(runner.journal, "stopped", pending=True)
    runner.manager.on_attention(runner.journal.payment("stopped"))
    await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await runner.stop()  # does not wait out the grace period
    rig.runners.remove(runner)
    assert rig.printer.titles == []

    again = rig.runner(grace_s=0)
    await again.start()
    await slips_done(again)
    assert rig.printer.titles == ["障害伝票"]
