"""The ZVT driver against the simulator process, over TCP (serial framing), bare TCP and a pty."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from drivers.payment import (
    Brand,
    Outcome,
    PaymentMethod,
    ResultUnknown,
    SaleProgress,
    TerminalBusy,
    TransactionKind,
)
from drivers.payment.model import SaleResult
from drivers.zvt import ZvtTerminal, ZvtTimers
from tests.fixtures.payment import ZvtSimulator

pytestmark = pytest.mark.integration
FAST = ZvtTimers(t1=2.0, t2=1.0, t3=3.0, t4=1.0)


@pytest.fixture
def terminal(zvt_simulator: ZvtSimulator) -> Iterator[ZvtTerminal]:
    device = ZvtTerminal(zvt_simulator.endpoint, timers=FAST)
    device.open()
    try:
        yield device
    finally:
        device.close()


def _sale(
    device: ZvtTerminal, seq: int, method: PaymentMethod = PaymentMethod.CREDIT, amount: int = 300
) -> SaleResult:
    return device.sale(seq, amount, method, lambda step: None)


@pytest.mark.parametrize(
    ("method", "brand"),
    [
        (PaymentMethod.CREDIT, Brand.VISA),
        (PaymentMethod.EMONEY, Brand.TRANSIT_IC),
        (PaymentMethod.QR, Brand.PAYPAY),
    ],
)
def test_approve_each_method(terminal: ZvtTerminal, method: PaymentMethod, brand: Brand) -> None:
    steps: list[SaleProgress] = []
    result = terminal.sale(1, 450, method, steps.append)
    assert (result.outcome, result.brand, result.method, result.amount_yen) == (
        Outcome.APPROVED,
        brand,
        method,
        450,
    )
    assert steps[0] is SaleProgress.PRESENT_CARD
    assert SaleProgress.PROCESSING in steps
    assert (SaleProgress.PIN_ON_TERMINAL in steps) == (method is PaymentMethod.CREDIT)
    record = terminal.last_transaction()
    assert record is not None
    assert (record.sequence_number, record.outcome) == (1, Outcome.APPROVED)


def test_scripted_outcomes(zvt_simulator: ZvtSimulator, terminal: ZvtTerminal) -> None:
    zvt_simulator.control("script", {"outcomes": ["decline", "cancel", "unknown", "busy"], "brand": "JCB"})
    assert _sale(terminal, 10).outcome is Outcome.DECLINED
    assert _sale(terminal, 11).outcome is Outcome.CANCELLED
    unknown = _sale(terminal, 12)
    assert (unknown.outcome, unknown.brand) == (Outcome.UNKNOWN, Brand.JCB)
    last = terminal.last_transaction()
    assert last is not None
    assert (last.sequence_number, last.outcome) == (12, Outcome.UNKNOWN)
    with pytest.raises(TerminalBusy):
        _sale(terminal, 13)
    assert terminal.find_transaction(13) is None
    assert zvt_simulator.control("state", None)["queued_outcomes"] == []


def test_timeout_then_last_transaction_tells_the_truth(
    zvt_simulator: ZvtSimulator, terminal: ZvtTerminal
) -> None:
    zvt_simulator.control("script", {"outcomes": ["timeout"]})
    with pytest.raises(ResultUnknown):
        _sale(terminal, 20)
    record = terminal.find_transaction(20)
    assert record is not None
    assert record.outcome is Outcome.CANCELLED


@pytest.mark.parametrize(
    ("scenario", "truth"),
    [("disconnect_after_approve", Outcome.APPROVED), ("disconnect_before_approve", Outcome.CANCELLED)],
)
def test_disconnect_mid_transaction(
    zvt_simulator: ZvtSimulator, terminal: ZvtTerminal, scenario: str, truth: Outcome
) -> None:
    zvt_simulator.control("script", {"outcomes": [scenario]})
    with pytest.raises(ResultUnknown):
        _sale(terminal, 30)
    record = terminal.last_transaction()  # reconnects by itself
    assert record is not None
    assert (record.sequence_number, record.outcome) == (30, truth)


def test_duplicate_sequence_number_is_not_charged_twice(terminal: ZvtTerminal) -> None:
    first = _sale(terminal, 40)
    again = _sale(terminal, 40, amount=999)
    assert again.replayed
    assert (again.outcome, again.amount_yen, again.trace_number) == (
        Outcome.APPROVED,
        300,
        first.trace_number,
    )
    assert terminal.daily_log().for_brand(Brand.VISA).sales_count == 1


def test_void_refund_and_end_of_day_follow_brand_rules(
    zvt_simulator: ZvtSimulator, terminal: ZvtTerminal
) -> None:
    assert _sale(terminal, 50, amount=1000).outcome is Outcome.APPROVED  # VISA
    zvt_simulator.control("script", {"outcomes": [], "brand": "TRANSIT_IC"})
    assert _sale(terminal, 51, PaymentMethod.EMONEY, 200).outcome is Outcome.APPROVED
    zvt_simulator.control("script", {"outcomes": [], "brand": "WAON"})
    assert _sale(terminal, 52, PaymentMethod.EMONEY, 500).outcome is Outcome.APPROVED

    void = terminal.void(60, 50)
    assert (void.outcome, void.kind, void.amount_yen) == (Outcome.APPROVED, TransactionKind.VOID, 1000)
    assert terminal.void(61, 50).result_code == 0xB4  # already voided
    transit = terminal.void(62, 51)
    assert (transit.outcome, transit.result_code) == (Outcome.DECLINED, 0xB5)
    assert terminal.refund(63, 51, 200).outcome is Outcome.DECLINED  # transit IC: refund at the counter
    assert terminal.refund(64, 52, 300).outcome is Outcome.APPROVED  # WAON within 14 days

    day = terminal.end_of_day()
    assert day.closed
    assert day.for_brand(Brand.VISA).voids_yen == 1000
    assert day.for_brand(Brand.WAON).refunds_yen == 300
    assert day.net_yen == 200 + 500 - 300
    zvt_simulator.control("script", {"outcomes": [], "brand": "VISA"})
    assert _sale(terminal, 70).outcome is Outcome.APPROVED
    assert terminal.void(71, 70).outcome is Outcome.APPROVED
    assert terminal.void(72, 52).result_code == 0xB5  # batch closed: no void after end-of-day
    assert terminal.daily_log().batch_number == day.batch_number + 1


def test_restart_and_power_loss_keep_the_log(zvt_simulator: ZvtSimulator) -> None:
    device = ZvtTerminal(zvt_simulator.endpoint, timers=FAST)
    assert _sale(device, 80).outcome is Outcome.APPROVED
    device.close()
    zvt_simulator.control("script", {"outcomes": ["decline"]})
    zvt_simulator.control("power_loss", {})
    assert zvt_simulator.control("state", None)["queued_outcomes"] == []
    zvt_simulator.restart()
    device = ZvtTerminal(zvt_simulator.endpoint, timers=FAST)
    try:
        record = device.last_transaction()
        assert record is not None
        assert (record.sequence_number, record.outcome) == (80, Outcome.APPROVED)
        assert device.status().last_sequence_number == 80
    finally:
        device.close()


@pytest.mark.parametrize("mode", ["--pty", "--bare"])
def test_pty_and_bare_tcp(zvt_simulator_factory: Callable[..., ZvtSimulator], mode: str) -> None:
    simulator = zvt_simulator_factory(mode)
    assert simulator.endpoint.startswith("/dev/" if mode == "--pty" else "tcp://")
    device = ZvtTerminal(simulator.endpoint, timers=FAST)
    try:
        device.open()
        assert _sale(device, 90, PaymentMethod.QR).outcome is Outcome.APPROVED
        simulator.control("script", {"outcomes": ["unknown"]})
        assert _sale(device, 91).outcome is Outcome.UNKNOWN
        assert device.check_health().ready
    finally:
        device.close()
