"""PaymentManager, journal and daily close over a scripted in-memory terminal (no processes)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.payments import (
    FeeLine,
    OpState,
    PaymentJournal,
    PaymentManager,
    PaymentState,
    RecoveryPending,
    SaleOrder,
    daily_close,
)
from daemon.payments.closing import CSV_HEADER
from daemon.payments.model import InvalidTransition, check_transition
from drivers.base import DeviceHealth
from drivers.payment import (
    Brand,
    BrandTotals,
    DailyTotals,
    FrameError,
    Outcome,
    PaymentMethod,
    ProgressCallback,
    ResultUnknown,
    SaleProgress,
    SaleResult,
    TerminalBusy,
    TerminalDisconnected,
    TerminalStatus,
    TransactionKind,
    TransactionRecord,
)
from frontyard.errors import BadInput, Conflict


@dataclass
class FakeTerminal:
    """Keeps a log like a terminal; ``fail_next`` makes the next money command lose its answer."""

    brand: Brand = Brand.VISA
    outcome: Outcome = Outcome.APPROVED
    fail_next: Exception | None = None
    record_on_fail: bool = True
    reachable: bool = True
    log: dict[int, TransactionRecord] = field(default_factory=dict)
    sales_sent: list[int] = field(default_factory=list)

    def open(self) -> None: ...

    def close(self) -> None: ...

    def check_health(self) -> DeviceHealth:
        return DeviceHealth()

    def _money(self, seq: int, kind: TransactionKind, amount: int, original: int | None) -> SaleResult:
        if not self.reachable:
            raise TerminalDisconnected("gone")
        if seq in self.log:
            record = self.log[seq]
        else:
            record = TransactionRecord(
                seq, kind, self.outcome, amount, self.brand, PaymentMethod.CREDIT, "123456",
                "************1111", len(self.log) + 1, None, "2025-01-01T10:00:00+09:00", original,
            )  # fmt: skip
            failure, self.fail_next = self.fail_next, None
            if failure is not None:
                if self.record_on_fail:
                    self.log[seq] = record
                raise failure
            self.log[seq] = record
        return SaleResult(
            seq, kind, record.outcome, amount, record.brand, record.method, record.approval_number,
            record.masked_pan, record.trace_number,
        )  # fmt: skip

    def sale(self, seq: int, amount: int, method: PaymentMethod, progress: ProgressCallback) -> SaleResult:
        self.sales_sent.append(seq)
        progress(SaleProgress.PRESENT_CARD)
        return self._money(seq, TransactionKind.SALE, amount, None)

    def void(self, seq: int, original: int) -> SaleResult:
        return self._money(seq, TransactionKind.VOID, self.log[original].amount_yen, original)

    def refund(self, seq: int, original: int, amount: int, progress: ProgressCallback) -> SaleResult:
        return self._money(seq, TransactionKind.REFUND, amount, original)

    def last_transaction(self) -> TransactionRecord | None:
        return self.log[max(self.log)] if self.log else None

    def find_transaction(self, seq: int) -> TransactionRecord | None:
        if not self.reachable:
            raise TerminalDisconnected("gone")
        return self.log.get(seq)

    def _totals(self) -> DailyTotals:
        rows: dict[Brand, list[int]] = {}
        for record in self.log.values():
            if record.outcome is Outcome.APPROVED:
                row = rows.setdefault(record.brand, [0] * 6)
                column = {"sale": 0, "void": 2, "refund": 4}[record.kind.value]
                row[column] += 1
                row[column + 1] += record.amount_yen
        return DailyTotals(1, False, tuple(BrandTotals(brand, *row) for brand, row in rows.items()))

    def daily_log(self) -> DailyTotals:
        return self._totals()

    def end_of_day(self) -> DailyTotals:
        return self._totals()

    def status(self) -> TerminalStatus:
        if not self.reachable:
            raise TerminalDisconnected("gone")
        return TerminalStatus(True, False, 0, "T1", max(self.log) if self.log else None)

    def abort(self) -> None: ...


LINES = (FeeLine("juminhyo", "住民票", 2, 300), FeeLine("inkan", "印鑑証明", 1, 300))


def order(order_id: str = "o1", method: str = "credit") -> SaleOrder:
    return SaleOrder(order_id, 900, method, LINES)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[PaymentJournal]:
    opened = PaymentJournal(tmp_path / "payments.sqlite3")
    yield opened
    opened.close()


def test_sale_is_journaled_before_the_terminal_and_charged_once(journal: PaymentJournal) -> None:
    terminal = FakeTerminal()
    seen: list[PaymentState] = []
    manager = PaymentManager(journal)
    steps: list[SaleProgress] = []

    def progress(step: SaleProgress) -> None:
        steps.append(step)
        seen.append(journal.payment("o1").state)

    first = manager.sale(terminal, order(), progress)
    again = manager.sale(terminal, order())
    assert (first.state, first.brand, first.approval_number) == (PaymentState.APPROVED, "visa", "123456")
    assert seen == [PaymentState.IN_PROGRESS] and steps == [SaleProgress.PRESENT_CARD]
    assert again == first and terminal.sales_sent == [first.sale_sequence_number]


def test_declined_order_may_be_paid_again_with_a_new_sequence_number(journal: PaymentJournal) -> None:
    terminal = FakeTerminal(outcome=Outcome.DECLINED)
    manager = PaymentManager(journal)
    declined = manager.sale(terminal, order())
    terminal.outcome = Outcome.APPROVED
    approved = manager.sale(terminal, order())
    assert declined.state is PaymentState.DECLINED and approved.state is PaymentState.APPROVED
    assert approved.sale_sequence_number > declined.sale_sequence_number


@pytest.mark.parametrize("record_on_fail", [True, False])
@pytest.mark.parametrize(
    "failure", [ResultUnknown("lost"), FrameError("bad CRC"), TerminalDisconnected("reset")]
)
def test_missing_answer_is_settled_from_the_terminal_log(
    journal: PaymentJournal, failure: Exception, record_on_fail: bool
) -> None:
    terminal = FakeTerminal(fail_next=failure, record_on_fail=record_on_fail)
    payment = PaymentManager(journal).sale(terminal, order())
    expected = PaymentState.APPROVED if record_on_fail else PaymentState.CANCELLED
    assert payment.state is expected and not payment.settlement_pending
    assert payment.reason == ("approved" if record_on_fail else "not_processed")


def test_busy_terminal_is_cancelled_and_retryable(journal: PaymentJournal) -> None:
    terminal = FakeTerminal(fail_next=TerminalBusy("busy"), record_on_fail=False)
    manager = PaymentManager(journal)
    assert manager.sale(terminal, order()).reason == "terminal_busy"
    assert manager.sale(terminal, order()).state is PaymentState.APPROVED


def test_unreachable_terminal_gives_pending_unknown_that_recovery_settles(tmp_path: Path) -> None:
    path = tmp_path / "payments.sqlite3"
    terminal = FakeTerminal(fail_next=ResultUnknown("lost"))
    attention: list[str] = []
    first = PaymentJournal(path)
    manager = PaymentManager(first, on_attention=lambda p: attention.append(p.order_id))
    original_find = terminal.find_transaction
    terminal.find_transaction = lambda seq: (_ for _ in ()).throw(TerminalDisconnected("gone"))  # type: ignore[method-assign]
    payment = manager.sale(terminal, order())
    assert (payment.state, payment.settlement_pending, attention) == (PaymentState.UNKNOWN, True, ["o1"])
    with pytest.raises(RecoveryPending):
        manager.sale(terminal, order("o2"))
    first.close()  # the daemon restarts on the same journal
    terminal.find_transaction = original_find  # type: ignore[method-assign]
    second = PaymentJournal(path)
    restarted = PaymentManager(second)
    assert restarted.recover(terminal).settled == 1
    assert restarted.get("o1").state is PaymentState.APPROVED
    second.close()


def test_terminal_unknown_blocks_the_order_until_staff_resolve(journal: PaymentJournal) -> None:
    terminal = FakeTerminal(outcome=Outcome.UNKNOWN)
    attention: list[str] = []
    manager = PaymentManager(journal, on_attention=lambda p: attention.append(p.state))
    unknown = manager.sale(terminal, order())
    assert unknown.state is PaymentState.UNKNOWN and attention == ["unknown"]
    assert manager.sale(terminal, order()).state is PaymentState.UNKNOWN
    assert len(terminal.sales_sent) == 1, "never retried blindly"
    with pytest.raises(BadInput):
        manager.resolve("o1", PaymentState.DECLINED, " ")
    resolved = manager.resolve("o1", PaymentState.DECLINED, "terminal_journal")
    assert (resolved.state, resolved.reason) == (PaymentState.DECLINED, "staff_resolved")


def test_commit_after_issue_and_void_when_issue_failed(journal: PaymentJournal) -> None:
    terminal = FakeTerminal()
    manager = PaymentManager(journal)
    manager.sale(terminal, order("issued"))
    manager.sale(terminal, order("failed"))
    assert manager.commit(None, "issued", issued=True, job="jobs/1").state is PaymentState.COMMITTED
    voided = manager.commit(terminal, "failed", issued=False, job="jobs/2")
    assert voided.state is PaymentState.VOIDED
    assert [op.state for op in journal.ops(order_id="failed")] == [OpState.APPROVED, OpState.APPROVED]


def test_issue_failed_with_a_brand_that_cannot_be_voided_needs_a_refund(journal: PaymentJournal) -> None:
    terminal = FakeTerminal(brand=Brand.NANACO)
    attention: list[str] = []
    manager = PaymentManager(journal, on_attention=lambda p: attention.append(p.refund_instruction))
    paid = manager.sale(terminal, order(method="emoney"))
    required = manager.commit(terminal, "o1", issued=False)
    assert required.state is PaymentState.REFUND_REQUIRED
    for fact in ("900円", "nanaco", "123456", f"端末通番 {paid.trace_number}", "還付"):
        assert fact in required.refund_instruction
    assert attention == [required.refund_instruction]
    with pytest.raises(Conflict) as refused:
        manager.refund(terminal, "o1")
    assert refused.value.reason == "refund_not_on_terminal"
    assert manager.resolve("o1", PaymentState.REFUNDED, "refunded_in_cash").state is PaymentState.REFUNDED


def test_daily_close_totals_by_subject_and_reconciles(journal: PaymentJournal, tmp_path: Path) -> None:
    terminal = FakeTerminal()
    manager = PaymentManager(journal)
    manager.sale(terminal, order("a"))
    manager.sale(terminal, order("b"))
    manager.void(terminal, "b")
    report = daily_close(manager, terminal, directory=tmp_path / "closes")
    assert report.reconciled and report.number == 1
    juminhyo = next(item for item in report.totals if item.fee_code == "juminhyo")
    assert juminhyo.counts.as_tuple() == (2, 1200, 1, 600, 0, 0)
    body = Path(report.csv_path).read_bytes()
    assert body == report.csv_bytes and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER
    assert [
        "明細",
        "1",
        "juminhyo",
        "住民票",
        "クレジット",
        "VISA",
        "2",
        "1200",
        "1",
        "600",
        "0",
        "0",
        "600",
        "",
    ] in rows
    assert daily_close(manager, terminal, directory=tmp_path / "closes").totals == ()


def test_a_sale_left_unknown_and_confirmed_by_staff_is_closed_apart_once(
    journal: PaymentJournal, tmp_path: Path
) -> None:
    """処理未了 is not in the terminal's batch: staff-confirmed, it is listed 端末計外, never reconciled."""
    terminal = FakeTerminal(outcome=Outcome.UNKNOWN)
    manager = PaymentManager(journal)
    assert manager.sale(terminal, order("left")).state is PaymentState.UNKNOWN
    terminal.outcome = Outcome.APPROVED
    manager.sale(terminal, order("paid"))
    first = daily_close(manager, terminal, directory=tmp_path)
    assert first.staff_confirmed == () and first.reconciled, "unresolved: it waits for a later close"

    manager.resolve("left", PaymentState.APPROVED, "acquirer_confirmed")
    second = daily_close(manager, terminal, directory=tmp_path)
    assert second.totals == ()
    assert all(check.journal.sales_count == 0 for check in second.brands), "not in the reconciliation"
    confirmed = {item.fee_code: item.counts.as_tuple() for item in second.staff_confirmed}
    assert confirmed == {"juminhyo": (1, 600, 0, 0, 0, 0), "inkan": (1, 300, 0, 0, 0, 0)}
    rows = list(csv.reader(io.StringIO(second.csv_bytes.decode("utf-8-sig"))))
    staff_rows = [row for row in rows if row[0] == "職員確認"]
    assert len(staff_rows) == 2 and all(row[-1] == "端末計外" for row in staff_rows)
    assert daily_close(manager, terminal, directory=tmp_path).staff_confirmed == (), "closed once"


def test_daily_close_flags_a_mismatch(journal: PaymentJournal, tmp_path: Path) -> None:
    terminal = FakeTerminal()
    manager = PaymentManager(journal)
    manager.sale(terminal, order())
    terminal.log[99] = TransactionRecord(
        99,
        TransactionKind.SALE,
        Outcome.APPROVED,
        500,
        Brand.VISA,
        PaymentMethod.CREDIT,
        "1",
        "",
        9,
        None,
        "",
    )
    report = daily_close(manager, terminal, directory=tmp_path, dry_run=True)
    assert not report.reconciled and report.number == 0 and not report.csv_path
    assert "不一致" in report.csv_bytes.decode("utf-8-sig")


def test_sequence_numbers_stay_above_what_the_terminal_used(journal: PaymentJournal) -> None:
    terminal = FakeTerminal()
    terminal.log[41] = TransactionRecord(
        41, TransactionKind.SALE, Outcome.DECLINED, 1, Brand.VISA, None, "", "", 1, None, ""
    )
    manager = PaymentManager(journal)
    manager.recover(terminal)
    assert manager.sale(terminal, order()).sale_sequence_number == 42


@pytest.mark.parametrize(
    "bad",
    [
        SaleOrder("", 900, "credit", LINES),
        SaleOrder("o/1", 900, "credit", LINES),
        SaleOrder("o1", 0, "credit"),
        SaleOrder("o1", 901, "credit", LINES),
        SaleOrder("o1", 900, "cash", LINES),
    ],
)
def test_invalid_orders_are_refused_before_anything_is_journaled(
    journal: PaymentJournal, bad: SaleOrder
) -> None:
    with pytest.raises(BadInput):
        PaymentManager(journal).sale(FakeTerminal(), bad)
    assert journal.payments() == []


@settings(max_examples=200, deadline=None)
@given(old=st.sampled_from(list(PaymentState)), new=st.sampled_from(list(PaymentState)))
def test_state_machine_refuses_undeclared_transitions(old: PaymentState, new: PaymentState) -> None:
    final = {PaymentState.VOIDED, PaymentState.REFUNDED}
    if old in final:
        with pytest.raises(InvalidTransition):
            check_transition(old, new)
    try:
        check_transition(old, new)
    except InvalidTransition:
        return
    assert old not in final
    assert not (new is PaymentState.APPROVED and old in (PaymentState.CREATED, PaymentState.DECLINED))
