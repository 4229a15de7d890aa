"""PaymentService through the real daemon process and the ZVT simulator, including ``kill -9`` and restart."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path

import grpc
import pytest
from kiosk.v1 import common_pb2, events_pb2, payment_pb2, payment_pb2_grpc

from daemon.errors import error_reason
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.payment import ZvtSimulator
from tests.support.devices import wait_device_state
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def _sale_request(
    order_id: str, method: payment_pb2.PaymentMethod = payment_pb2.PAYMENT_METHOD_QR
) -> payment_pb2.SaleRequest:
    line = payment_pb2.FeeLine(
        fee_code="juminhyo", subject="住民票", quantity=2, unit_price=common_pb2.Money(yen=300)
    )
    return payment_pb2.SaleRequest(
        order_id=order_id, amount=common_pb2.Money(yen=600), lines=[line], method=method
    )


def _start(
    start_daemon: Callable[..., RunningDaemon], simulator: ZvtSimulator, directory: Path
) -> RunningDaemon:
    daemon = start_daemon({"payment": ("zvt", f"{simulator.endpoint}?t3=2&t4=3")}, directory)
    wait_device_state(daemon.channel(), "devices/payment", events_pb2.DEVICE_STATE_IDLE, timeout=15)
    return daemon


def _settled(
    stub: payment_pb2_grpc.PaymentServiceStub, name: str, timeout: float = 15
) -> payment_pb2.Payment:
    def get() -> payment_pb2.Payment:
        return stub.GetPayment(payment_pb2.GetPaymentRequest(name=name))

    def settled() -> payment_pb2.Payment | None:
        payment = get()
        in_flight = (payment_pb2.PAYMENT_STATE_SENT, payment_pb2.PAYMENT_STATE_IN_PROGRESS)
        return None if payment.settlement_pending or payment.state in in_flight else payment

    return wait_until(settled, timeout=timeout, what=f"{name} settled", describe=get)


def test_sale_retry_roles_and_daily_close(
    start_daemon: Callable[..., RunningDaemon], zvt_simulator: ZvtSimulator, tmp_path: Path
) -> None:
    daemon = _start(start_daemon, zvt_simulator, tmp_path / "daemon")
    kiosk = payment_pb2_grpc.PaymentServiceStub(daemon.channel("kiosk"))
    staff = payment_pb2_grpc.PaymentServiceStub(daemon.channel("staff"))
    updates = list(kiosk.Sale(_sale_request("r-1"), timeout=20))
    steps = [update.step for update in updates[:-1]]
    assert steps[0] == payment_pb2.SALE_STEP_PRESENT_CARD and payment_pb2.SALE_STEP_PROCESSING in steps
    payment = updates[-1].payment
    assert (payment.name, payment.state, payment.brand) == (
        "payments/r-1",
        payment_pb2.PAYMENT_STATE_APPROVED,
        "paypay",
    )

    again = list(kiosk.Sale(_sale_request("r-1"), timeout=20))
    assert len(again) == 1 and again[0].payment.terminal_sequence_number == payment.terminal_sequence_number
    sales = [r for r in zvt_simulator.control("log")["log"] if r["kind"] == "SALE"]
    assert len(sales) == 1, "a retried order is never charged again"

    with pytest.raises(grpc.RpcError) as denied:
        kiosk.ListPayments(payment_pb2.ListPaymentsRequest())
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as missing:
        kiosk.GetPayment(payment_pb2.GetPaymentRequest(name="payments/nothing"))
    assert error_reason(missing.value) == "payment_not_found"

    committed = kiosk.CommitPayment(payment_pb2.CommitPaymentRequest(name="payments/r-1", issued=True))
    assert committed.state == payment_pb2.PAYMENT_STATE_COMMITTED
    listed = staff.ListPayments(payment_pb2.ListPaymentsRequest())
    assert [item.name for item in listed.payments] == ["payments/r-1"]
    close = staff.DailyClose(payment_pb2.DailyCloseRequest())
    assert close.reconciled and close.name == "closes/1" and close.csv.startswith(b"\xef\xbb\xbf")
    assert Path(close.csv_path).read_bytes() == close.csv
    assert "住民票" in close.csv.decode("utf-8-sig")


def test_unknown_outcome_blocks_the_order_and_reports_the_slip(
    start_daemon: Callable[..., RunningDaemon], zvt_simulator: ZvtSimulator, tmp_path: Path
) -> None:
    daemon = _start(start_daemon, zvt_simulator, tmp_path / "daemon")
    kiosk = payment_pb2_grpc.PaymentServiceStub(daemon.channel("kiosk"))
    zvt_simulator.control("script", {"outcomes": ["unknown"]})
    final = list(kiosk.Sale(_sale_request("u-1"), timeout=20))[-1].payment
    assert (final.state, final.reason) == (payment_pb2.PAYMENT_STATE_UNKNOWN, "result_unknown")
    assert (
        list(kiosk.Sale(_sale_request("u-1"), timeout=20))[-1].payment.state
        == payment_pb2.PAYMENT_STATE_UNKNOWN
    )
    wait_until(
        lambda: kiosk.GetPayment(payment_pb2.GetPaymentRequest(name="payments/u-1")).staff_slip,
        what="the staff slip's fate",
    )
    slip = kiosk.GetPayment(payment_pb2.GetPaymentRequest(name="payments/u-1")).staff_slip
    assert slip == "not_printed:no_receipt_printer"
    assert len([r for r in zvt_simulator.control("log")["log"] if r["kind"] == "SALE"]) == 1

    staff = payment_pb2_grpc.PaymentServiceStub(daemon.channel("staff"))
    resolve = payment_pb2.ResolvePaymentRequest(
        name="payments/u-1",
        outcome=payment_pb2.PAYMENT_STATE_APPROVED,
        resolution="acquirer_confirmed",
        staff_note="センターで決済済みを確認",  # a note is accepted and kept nowhere (no audit log yet)
    )
    assert staff.ResolvePayment(resolve).state == payment_pb2.PAYMENT_STATE_APPROVED
    close = staff.DailyClose(payment_pb2.DailyCloseRequest(dry_run=True))
    assert [(item.sales_count, item.sales_amount.yen) for item in close.staff_confirmed] == [(1, 600)]
    assert close.reconciled and not close.totals, "outside the terminal's totals, not reconciled with them"
    assert "端末計外" in close.csv.decode("utf-8-sig")


@pytest.mark.parametrize(("kill_at", "expected"), [("present", "cancelled"), ("remove", "approved")])
def test_kill_9_mid_sale_is_settled_from_the_terminal_after_restart(
    start_daemon: Callable[..., RunningDaemon],
    zvt_simulator: ZvtSimulator,
    tmp_path: Path,
    kill_at: str,
    expected: str,
) -> None:
    directory = tmp_path / "daemon"
    daemon = _start(start_daemon, zvt_simulator, directory)
    zvt_simulator.control("delay", {"ms": 800})
    kiosk = payment_pb2_grpc.PaymentServiceStub(daemon.channel("kiosk"))
    wanted = {"present": payment_pb2.SALE_STEP_PRESENT_CARD, "remove": payment_pb2.SALE_STEP_REMOVE_CARD}
    reached = threading.Event()

    def pay() -> None:
        try:
            for update in kiosk.Sale(_sale_request("k-1", payment_pb2.PAYMENT_METHOD_CREDIT), timeout=20):
                if update.step == wanted[kill_at]:
                    reached.set()
        except grpc.RpcError:
            pass

    client = threading.Thread(target=pay)
    client.start()
    assert reached.wait(15)
    daemon.stop(signal.SIGKILL)
    client.join(10)
    if expected == "approved":  # approved on the terminal, IN_PROGRESS in the journal of the dead daemon
        wait_until(
            lambda: any(r["outcome"] == "APPROVED" for r in zvt_simulator.control("log")["log"]),
            what="the terminal's approval",
        )
    zvt_simulator.control("delay", {"ms": 0})
    restarted = _start(start_daemon, zvt_simulator, directory)
    stub = payment_pb2_grpc.PaymentServiceStub(restarted.channel("kiosk"))
    payment = _settled(stub, "payments/k-1")
    assert payment_pb2.PaymentState.Name(payment.state) == f"PAYMENT_STATE_{expected.upper()}"
    again = list(stub.Sale(_sale_request("k-1", payment_pb2.PAYMENT_METHOD_CREDIT), timeout=20))[-1].payment
    approved = [r for r in zvt_simulator.control("log")["log"] if r["outcome"] == "APPROVED"]
    assert again.state == payment_pb2.PAYMENT_STATE_APPROVED and len(approved) == 1


def test_bad_list_and_resolve_inputs_are_invalid_arguments_not_internal(
    start_daemon: Callable[..., RunningDaemon], zvt_simulator: ZvtSimulator, tmp_path: Path
) -> None:
    daemon = _start(start_daemon, zvt_simulator, tmp_path / "daemon")
    staff = payment_pb2_grpc.PaymentServiceStub(daemon.channel("staff"))
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: staff.ListPayments(payment_pb2.ListPaymentsRequest(page_size=-1)), "invalid_page_size"),
        (lambda: staff.ListPayments(payment_pb2.ListPaymentsRequest(states=[999])), "invalid_state"),  # type: ignore[list-item]
        (
            lambda: staff.ResolvePayment(
                payment_pb2.ResolvePaymentRequest(
                    name="payments/o-1",
                    outcome=999,  # type: ignore[arg-type]
                    resolution="terminal_journal",
                )
            ),
            "invalid_state",
        ),
    ]
    for call, reason in cases:
        with pytest.raises(grpc.RpcError) as error:
            call()
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, reason
        assert error_reason(error.value) == reason
