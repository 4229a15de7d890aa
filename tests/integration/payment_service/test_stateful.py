"""Random sequences of sales, retries, crashes and terminal faults against the real terminal simulator.

"Daemon kill -9" = a crash inside a sale (at a random progress step) or between steps: the manager and
its journal connection are abandoned without any cleanup and a new manager opens the same journal file
(SQLite with synchronous=FULL survives process death); the terminal's socket closes as at process death.
Terminal restart and power loss go through the simulator's process and control API.

Invariants after every step: every terminal transaction was journaled (by its sequence number) before
the terminal saw it; every approved sale appears exactly once; no order is charged twice; no APPROVED
without an approved terminal record; UNKNOWN only where the terminal's log says 処理未了 or the terminal
could not be asked (settlement pending).
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from daemon.payments import (
    FeeLine,
    OpKind,
    OpState,
    PaymentJournal,
    PaymentManager,
    PaymentState,
    SaleOrder,
    daily_close,
)
from daemon.payments.model import CHARGED
from drivers.base import DeviceError
from drivers.payment import SaleProgress
from drivers.zvt import ZvtTerminal, ZvtTimers
from frontyard.errors import Conflict
from tests.fixtures.payment import ZvtSimulator
from tests.integration.payment_service.channel import factory
from tests.support.processes import free_port

pytestmark = pytest.mark.integration

FAST = ZvtTimers(t1=1.0, t2=0.5, t3=1.0, t4=0.3)
ORDERS = [f"order-{index}" for index in range(6)]
AMOUNTS = {order: 300 * (index + 1) for index, order in enumerate(ORDERS)}
OUTCOMES = [
    "approve",
    "approve",
    "approve",
    "decline",
    "cancel",
    "unknown",
    "busy",
    "timeout",
    "disconnect_before_approve",
    "disconnect_after_approve",
]
STEPS: list[SaleProgress | None] = [None, None, None, *SaleProgress]
MIN_STEPS = 1000


class Crash(BaseException):
    """The daemon process dies here (kill -9): nothing below catches it."""


class World:
    """What outlives one example: the simulator process and every abandoned journal and terminal."""

    def __init__(self, simulator: ZvtSimulator, directory: Path) -> None:
        self.simulator = simulator
        self.directory = directory
        self.counter = itertools.count()
        self.abandoned: list[Any] = []
        self.steps = 0
        self.offset = 0
        self.records: dict[int, dict[str, Any]] = {}

    def control(self, action: str, body: dict[str, Any] | None = None) -> Any:
        return self.simulator.control(action, body)

    def terminal_log(self) -> list[dict[str, Any]]:
        """The simulator's own persistent log (append-only JSON lines), read incrementally."""
        path = self.simulator.state_dir / "zvt_terminal_log.jsonl"
        with path.open("rb") as handle:
            handle.seek(self.offset)
            chunk = handle.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self.offset += len(complete)
        for line in complete.decode("utf-8").splitlines():
            event = json.loads(line)
            if event["type"] == "txn":
                self.records[event["seq"]] = event
        return list(self.records.values())

    def fresh_terminal_state(self) -> None:
        self.control("clear", {})
        self.control("delay", {"ms": 0})


def order_for(order_id: str, method: str) -> SaleOrder:
    amount = AMOUNTS[order_id]
    lines = (FeeLine("juminhyo", "住民票", 1, 300), FeeLine("inkan", "印鑑証明", 1, amount - 300))
    return SaleOrder(order_id, amount, method, lines if amount > 300 else lines[:1])


def make_machine(world: World) -> type[RuleBasedStateMachine]:
    class PaymentMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.example = next(world.counter)
            self.journal_path = world.directory / f"journal-{self.example}.sqlite3"
            world.fresh_terminal_state()
            self._boot()
            self.terminal.end_of_day()  # a fresh batch: the close reconciles this example only
            self.manager.recover(self.terminal)
            self.base = self.journal.next_sequence()

        # ---- the "daemon process" -------------------------------------------------------------------

        def _boot(self) -> None:
            self.journal = PaymentJournal(self.journal_path)
            endpoint = world.simulator.endpoint
            self.terminal = ZvtTerminal(endpoint, timers=FAST, channel_factory=lambda: factory(endpoint))
            self.manager = PaymentManager(self.journal)

        def _kill(self) -> None:
            self.terminal.close()  # the kernel closes the dead process's socket
            world.abandoned.append(self.journal)  # no close, no checkpoint: closed only after the test
            time.sleep(0.05)  # a daemon takes longer than this to start again
            self._boot()

        def _attempt(self, action: Callable[[], object]) -> None:
            try:
                action()
            except Crash:
                self._kill()
            except Conflict:
                pass  # recovery pending (terminal unreachable), wrong state, not voidable

        # ---- rules ----------------------------------------------------------------------------------

        @rule(
            order_id=st.sampled_from(ORDERS),
            method=st.sampled_from(["credit", "emoney", "qr"]),
            outcome=st.sampled_from(OUTCOMES),
            crash_at=st.sampled_from(STEPS),
        )
        def sale(self, order_id: str, method: str, outcome: str, crash_at: SaleProgress | None) -> None:
            world.steps += 1
            world.control("script", {"outcomes": [outcome]})

            def progress(step: SaleProgress) -> None:
                if step is crash_at:
                    raise Crash

            self._attempt(lambda: self.manager.sale(self.terminal, order_for(order_id, method), progress))

        @rule(order_id=st.sampled_from(ORDERS))
        def client_retry(self, order_id: str) -> None:
            world.steps += 1
            before = self.journal.find_payment(order_id)
            self._attempt(lambda: self.manager.sale(self.terminal, order_for(order_id, "credit")))
            after = self.journal.find_payment(order_id)
            if before is not None and before.state in CHARGED and not before.settlement_pending:
                assert after == before, "a retry of a charged order changed nothing"

        @rule()
        def kill_daemon(self) -> None:
            world.steps += 1
            self._kill()

        @rule(order_id=st.sampled_from(ORDERS), issued=st.booleans())
        def commit(self, order_id: str, issued: bool) -> None:
            world.steps += 1
            if self.journal.find_payment(order_id) is not None:
                self._attempt(lambda: self.manager.commit(self.terminal, order_id, issued=issued))

        @rule(order_id=st.sampled_from(ORDERS))
        def staff_void(self, order_id: str) -> None:
            world.steps += 1
            if self.journal.find_payment(order_id) is not None:
                self._attempt(lambda: self.manager.void(self.terminal, order_id))

        @rule(roll=st.integers(0, 3))
        def terminal_disconnect(self, roll: int) -> None:
            world.steps += 1
            world.control("disconnect", {})

        @rule(roll=st.integers(0, 3))
        def terminal_power_loss(self, roll: int) -> None:
            world.steps += 1
            if roll == 0:
                world.control("power_loss", {})
                world.control("delay", {"ms": 0})

        @rule(roll=st.integers(0, 7))
        def terminal_restart(self, roll: int) -> None:
            world.steps += 1
            if roll == 0:
                world.simulator.stop()
                try:
                    world.simulator.start()
                except (RuntimeError, TimeoutError) as exc:
                    raise AssertionError(f"simulator did not restart: {exc}") from exc
                world.control("delay", {"ms": 0})

        @rule(roll=st.integers(0, 5))
        def close_day(self, roll: int) -> None:
            world.steps += 1
            if roll != 0:
                return
            try:
                report = daily_close(self.manager, self.terminal, directory=world.directory / "closes")
            except (Conflict, DeviceError):
                return  # staff close again when the terminal answers
            assert report.reconciled, [check for check in report.brands if not check.matches]
            assert report.csv_bytes.startswith("\ufeff".encode())

        # ---- invariants -----------------------------------------------------------------------------

        @invariant()
        def nothing_lost_nothing_twice(self) -> None:
            records = [r for r in world.terminal_log() if r["seq"] >= self.base]
            ops = {op.sequence_number: op for op in self.journal.ops()}
            charged: dict[str, int] = {}
            for record in records:
                op = ops.get(record["seq"])
                assert op is not None, f"terminal seq {record['seq']} was never journaled"
                assert op.kind.value == record["kind"].lower()
                if record["kind"] == "SALE" and record["outcome"] == "APPROVED":
                    charged[op.order_id] = charged.get(op.order_id, 0) + 1
                    assert op.state in (OpState.APPROVED, OpState.SENT, OpState.IN_PROGRESS), op
            assert all(count == 1 for count in charged.values()), f"charged twice: {charged}"
            by_seq = {record["seq"]: record for record in records}
            for op in ops.values():
                if op.state is OpState.APPROVED:
                    assert by_seq.get(op.sequence_number, {}).get("outcome") == "APPROVED", op
                if op.state is OpState.UNKNOWN:
                    assert by_seq[op.sequence_number]["outcome"] == "UNKNOWN", op
            for payment in self.journal.payments():
                sale = by_seq.get(payment.sale_sequence_number, {})
                if payment.state in CHARGED or payment.state is PaymentState.VOIDED:
                    assert sale.get("outcome") == "APPROVED", payment
                if payment.state is PaymentState.UNKNOWN and not payment.settlement_pending:
                    assert sale.get("outcome") == "UNKNOWN", payment
                voids = [
                    op for op in ops.values() if op.order_id == payment.order_id and op.kind is OpKind.VOID
                ]
                if payment.state is PaymentState.VOIDED:
                    assert any(op.state is OpState.APPROVED for op in voids)

        def teardown(self) -> None:
            world.control("clear", {})
            self.manager.recover(self.terminal)
            assert not self.journal.unsettled_ops(), "the terminal is up: everything settles"
            self.nothing_lost_nothing_twice()
            for payment in self.journal.payments([PaymentState.UNKNOWN]):
                assert not payment.settlement_pending
            self.terminal.close()
            self.journal.close()
            while world.abandoned:  # the crashed "processes" of this example are long gone
                world.abandoned.pop().close()

    return PaymentMachine


def test_random_sales_crashes_and_terminal_faults_lose_nothing(
    zvt_simulator_factory: Callable[..., ZvtSimulator], tmp_path: Path
) -> None:
    simulator = zvt_simulator_factory("--port", str(free_port()))
    world = World(simulator, tmp_path)
    try:
        run_state_machine_as_test(
            make_machine(world),
            settings=settings(
                max_examples=int(os.environ.get("PAYMENT_EXAMPLES", "32")),
                stateful_step_count=40,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        for journal in world.abandoned:
            journal.close()
    assert world.steps >= MIN_STEPS, f"only {world.steps} steps ran"
