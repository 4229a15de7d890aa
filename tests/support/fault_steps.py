"""What each fault-matrix row does: inject a fault at a flow step, clear it, report what came out."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
from kiosk.v1 import (
    camera_pb2,
    camera_pb2_grpc,
    common_pb2,
    device_pb2,
    device_pb2_grpc,
    events_pb2,
    payment_pb2_grpc,
    printer_pb2,
    printer_pb2_grpc,
)
from kiosk.v1 import payment_pb2 as pay

from daemon.errors import error_reason
from tests.fixtures.camera import CameraSimulator
from tests.fixtures.daemon import FAST_PRINTING, RunningDaemon
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.ipp import IppSimulator
from tests.fixtures.payment import ZvtSimulator
from tests.support.pdf import make_pdf
from tests.support.shared_daemon import start_shared_daemon
from tests.support.waiting import read_until


@dataclass
class DeviceBench:
    """The module's simulators and the daemon that drives them (faults reset by ``reset``)."""

    escpos: EscposSimulator
    ipp: IppSimulator
    zvt: ZvtSimulator
    camera: CameraSimulator
    daemon: RunningDaemon

    def devices(self) -> dict[str, tuple[str, str]]:
        return {
            "receipt": ("escpos", self.escpos.uri(timeout=3)),
            "forms": ("ipp", self.ipp.endpoint),
            "payment": ("zvt", f"{self.zvt.endpoint}?t1=1&t3=2&t4=1"),
            "camera": ("camera", self.camera.endpoint),
        }

    def reset(self) -> None:
        self.escpos.post("clear")
        self.ipp.control("clear")
        self.ipp.control("speed", {"ppm": 600})
        self.zvt.control("clear", {})
        self.zvt.control("delay", {"ms": 0})
        self.camera.post("reconnect")
        self.camera.post("remove")


JOB = printer_pb2.JobState
HELD_OR_FINAL = (JOB.JOB_STATE_HELD, JOB.JOB_STATE_FAILED, JOB.JOB_STATE_CANCELLED)
FINAL = (JOB.JOB_STATE_COMPLETED, JOB.JOB_STATE_FAILED, JOB.JOB_STATE_CANCELLED)


@dataclass(frozen=True)
class Outcome:
    """What the resident and staff see: the state while faulted, its reason key, the final state, and how
    many times the work was done in the end (1 = nothing lost, nothing twice; 0 = nothing half-done)."""

    during: str
    reason: str
    final: str
    done: int


def wait_for(read: Callable[[], Any], ok: Callable[[Any], bool], timeout: float = 20) -> Any:
    return read_until(read, ok, timeout=timeout)


def printer(bench: DeviceBench, role: str = "kiosk") -> printer_pb2_grpc.PrinterServiceStub:
    return printer_pb2_grpc.PrinterServiceStub(bench.daemon.channel(role))


def get_job(bench: DeviceBench, name: str) -> printer_pb2.Job:
    return printer(bench).GetJob(printer_pb2.GetJobRequest(name=name), timeout=5)


def ticket(bench: DeviceBench, number: int) -> str:
    request = printer_pb2.PrintReceiptRequest(
        numbered_ticket=printer_pb2.NumberedTicket(municipality="指宿市", number=number, counter="1番窓口")
    )
    return str(printer(bench).PrintReceipt(request, timeout=5).job.name)


def device_state(bench: DeviceBench, slot: str, state: int, timeout: float = 20) -> device_pb2.Device:
    stub = device_pb2_grpc.DeviceServiceStub(bench.daemon.channel())
    request = device_pb2.GetDeviceRequest(name=f"devices/{slot}")
    device: device_pb2.Device = wait_for(
        lambda: stub.GetDevice(request, timeout=5), lambda d: d.state == state, timeout
    )
    return device


def complete_receipts(bench: DeviceBench) -> int:
    return sum(1 for receipt in bench.escpos.receipts() if receipt["status"] == "complete")


def receipt_fault(inject: Callable[[DeviceBench], None], clear: Callable[[DeviceBench], None]) -> Any:
    def run(bench: DeviceBench) -> Outcome:
        device_state(bench, "receipt", events_pb2.DEVICE_STATE_IDLE)
        inject(bench)
        name = ticket(bench, 41)
        held = wait_for(lambda: get_job(bench, name), lambda j: j.state in HELD_OR_FINAL, 10)
        clear(bench)
        final = wait_for(lambda: get_job(bench, name), lambda j: j.state in FINAL, 30)
        return Outcome(JOB.Name(held.state), held.reason, JOB.Name(final.state), complete_receipts(bench))

    return run


def printed_pages(bench: DeviceBench) -> list[int]:
    return [page for job in bench.ipp.state()["jobs"] for page in job.get("printed", [])]


def form_fault(inject: Callable[[DeviceBench], None], clear: Callable[[DeviceBench], None]) -> Any:
    def run(bench: DeviceBench) -> Outcome:
        device_state(bench, "forms", events_pb2.DEVICE_STATE_IDLE)
        staff = printer(bench, "staff")  # signed in before the fault: sign-in is no part of its timing
        bench.ipp.control("speed", {"ppm": 240})
        inject(bench)
        request = printer_pb2.PrintFormsRequest(pdf=make_pdf(4), title="証明書交付請求書", pages=4)
        name = staff.PrintForms(request, timeout=10).job.name
        held = wait_for(lambda: get_job(bench, name), lambda j: j.state in HELD_OR_FINAL, 10)
        clear(bench)
        final = wait_for(lambda: get_job(bench, name), lambda j: j.state in FINAL, 25)
        pages = printed_pages(bench)
        whole_copies = min(pages.count(page) for page in (1, 2, 3, 4)) if pages else 0
        twice = any(pages.count(page) > 1 for page in (1, 2, 3, 4))
        return Outcome(
            JOB.Name(held.state), held.reason, JOB.Name(final.state), -1 if twice else whole_copies
        )

    return run


def ipp_set(action: str, **body: Any) -> Callable[[DeviceBench], None]:
    def apply(bench: DeviceBench) -> None:
        bench.ipp.control(action, body)

    return apply


def escpos_set(action: str, **body: Any) -> Callable[[DeviceBench], None]:
    def apply(bench: DeviceBench) -> None:
        bench.escpos.post(action, body)

    return apply


# ---- payment ---------------------------------------------------------------------------------------

_ORDERS = iter(range(1, 10_000))


def payments(bench: DeviceBench, role: str = "kiosk") -> payment_pb2_grpc.PaymentServiceStub:
    return payment_pb2_grpc.PaymentServiceStub(bench.daemon.channel(role))


def sale(bench: DeviceBench, order_id: str, timeout: float = 30) -> pay.Payment:
    line = pay.FeeLine(
        fee_code="juminhyo", subject="住民票", quantity=1, unit_price=common_pb2.Money(yen=300)
    )
    request = pay.SaleRequest(
        order_id=order_id, amount=common_pb2.Money(yen=300), lines=[line], method=pay.PAYMENT_METHOD_CREDIT
    )
    last = pay.Payment()
    for update in payments(bench).Sale(request, timeout=timeout):
        if update.HasField("payment"):
            last = update.payment
    return last


def approved_sales(bench: DeviceBench, sequence_numbers: set[int]) -> int:
    log = bench.zvt.control("log")["log"]
    return sum(
        1 for r in log if r["seq"] in sequence_numbers and r["kind"] == "SALE" and r["outcome"] == "APPROVED"
    )


def payment_fault(outcome: str, power_loss: bool = False) -> Any:
    """A sale with the terminal scripted to ``outcome``, then the same order retried on a healthy one."""

    def run(bench: DeviceBench) -> Outcome:
        device_state(bench, "payment", events_pb2.DEVICE_STATE_IDLE)
        order_id = f"fault-{outcome}-{next(_ORDERS)}-{time.monotonic_ns()}"
        bench.zvt.control("script", {"outcomes": [outcome]})
        if power_loss:
            bench.zvt.control("delay", {"ms": 1500})
            threading.Timer(0.5, lambda: bench.zvt.control("power_loss", {})).start()
        try:
            first = sale(bench, order_id)
            during, reason = pay.PaymentState.Name(first.state), first.reason
        except grpc.RpcError as error:
            during, reason = error.code().name, error_reason(error)
        bench.zvt.control("clear", {})
        bench.zvt.control("delay", {"ms": 0})
        name = f"payments/{order_id}"
        get = payments(bench).GetPayment
        settled = wait_for(lambda: get(pay.GetPaymentRequest(name=name)), lambda p: not p.settlement_pending)
        sequences = {settled.terminal_sequence_number}
        if settled.state in (
            pay.PAYMENT_STATE_DECLINED,
            pay.PAYMENT_STATE_CANCELLED,
            pay.PAYMENT_STATE_APPROVED,
        ):
            settled = sale(bench, order_id)  # the resident tries again: paid at most once
            sequences.add(settled.terminal_sequence_number)
        return Outcome(during, reason, pay.PaymentState.Name(settled.state), approved_sales(bench, sequences))

    return run


# ---- camera -----------------------------------------------------------------------------------------


def camera_disconnect_mid_read(bench: DeviceBench) -> Outcome:
    staff = camera_pb2_grpc.CameraServiceStub(bench.daemon.channel("staff"))
    device_state(bench, "camera", events_pb2.DEVICE_STATE_IDLE)
    bench.camera.post("place", {"document": "licence", "fields": {"name": "見本 花子"}})
    outcome: list[Any] = []

    def read() -> None:
        try:
            outcome.append(staff.ReadDocument(camera_pb2.ReadDocumentRequest(), timeout=30))
        except grpc.RpcError as error:
            outcome.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.05)
    bench.camera.post("disconnect", {"mode": "stall"})
    reader.join(20)
    error = outcome[0]
    during = error.code().name if isinstance(error, grpc.RpcError) else "OK"
    reason = error_reason(error) if isinstance(error, grpc.RpcError) else ""
    device_state(bench, "camera", events_pb2.DEVICE_STATE_OFFLINE, 10)
    bench.camera.post("reconnect")
    back = device_state(bench, "camera", events_pb2.DEVICE_STATE_IDLE, 30)
    return Outcome(during, reason, events_pb2.DeviceState.Name(back.state), 0)


# ---- daemon kill -9 ---------------------------------------------------------------------------------


def restart(bench: DeviceBench) -> None:
    bench.daemon.stop(signal.SIGKILL)
    bench.daemon = start_shared_daemon(bench.daemon.directory, bench.devices(), extra=FAST_PRINTING)


def kill_mid_form_job(bench: DeviceBench) -> Outcome:
    device_state(bench, "forms", events_pb2.DEVICE_STATE_IDLE)
    bench.ipp.control("speed", {"ppm": 120})
    request = printer_pb2.PrintFormsRequest(pdf=make_pdf(4), title="出生届", pages=4)
    name = printer(bench, "staff").PrintForms(request, timeout=10).job.name
    during = wait_for(lambda: get_job(bench, name), lambda j: j.done >= 1)
    restart(bench)
    final = wait_for(lambda: get_job(bench, name), lambda j: j.state in FINAL, 25)
    pages = printed_pages(bench)
    copies = (
        -1 if any(pages.count(p) > 1 for p in (1, 2, 3, 4)) else min(pages.count(p) for p in (1, 2, 3, 4))
    )
    return Outcome(JOB.Name(during.state), final.reason, JOB.Name(final.state), copies)


def kill_mid_payment(bench: DeviceBench) -> Outcome:
    device_state(bench, "payment", events_pb2.DEVICE_STATE_IDLE)
    order_id = f"fault-kill-{time.monotonic_ns()}"
    bench.zvt.control("script", {"outcomes": ["approve"]})
    bench.zvt.control("delay", {"ms": 2000})
    worker = threading.Thread(target=lambda: _swallow(lambda: sale(bench, order_id)), daemon=True)
    worker.start()
    name = f"payments/{order_id}"

    def current() -> pay.Payment:
        try:
            return payments(bench).GetPayment(pay.GetPaymentRequest(name=name), timeout=5)
        except grpc.RpcError:
            return pay.Payment()

    # killed while the terminal works on it (the terminal's 2 s delay keeps it IN_PROGRESS long enough)
    during = wait_for(current, lambda p: p.state == pay.PAYMENT_STATE_IN_PROGRESS)
    restart(bench)
    worker.join(10)
    bench.zvt.control("delay", {"ms": 0})
    settled = wait_for(
        current, lambda p: p.state != pay.PAYMENT_STATE_UNSPECIFIED and not p.settlement_pending, 30
    )
    again = sale(bench, order_id)  # the kiosk retries the same order after the restart
    sequences = {settled.terminal_sequence_number, again.terminal_sequence_number}
    return Outcome(
        pay.PaymentState.Name(during.state),
        again.reason,
        pay.PaymentState.Name(again.state),
        approved_sales(bench, sequences),
    )


def _swallow(action: Callable[[], object]) -> None:
    with contextlib.suppress(grpc.RpcError):  # the daemon died under the call
        action()
