"""Payment sale through the daemon (gRPC, journal) vs the ZVT driver alone against the same simulator.

Figures: ``terminal_ms_p50`` (the driver's sale straight to the simulator: the terminal's own processing),
``daemon_sale_ms_p50`` (a kiosk.v1.PaymentService.Sale through the daemon process),
``overhead_ms_p50`` (their difference: what the daemon adds per sale), ``journal_ms_p50`` (the SQLite
journal writes of one sale: create, sent, in progress, settled; synchronous=FULL).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import grpc
from kiosk.v1 import common_pb2, device_pb2, device_pb2_grpc, events_pb2, payment_pb2, payment_pb2_grpc

from bench._processes import daemon_args, simulator_args, started
from daemon.payments import OpState, PaymentJournal, PaymentState, SaleOrder
from drivers.payment import PaymentMethod
from drivers.zvt import open_device
from simulators.daemon_toml import DaemonToml, Device, Endpoint


def _control(ready: dict[str, Any], action: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{ready['control']}/{action}", data=json.dumps(body).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


def _journal_ms(directory: Path, repeats: int) -> float:
    journal = PaymentJournal(directory / "bench-journal.sqlite3")
    samples = []
    try:
        for index in range(repeats):
            began = time.perf_counter()
            _payment, op = journal.create_sale(SaleOrder(f"j-{index}", 300, "qr"))
            journal.update_op(op.sequence_number, OpState.SENT, payment_state=PaymentState.SENT)
            journal.update_op(op.sequence_number, OpState.IN_PROGRESS, payment_state=PaymentState.IN_PROGRESS)
            journal.update_op(op.sequence_number, OpState.APPROVED, payment_state=PaymentState.APPROVED)
            samples.append((time.perf_counter() - began) * 1000)
    finally:
        journal.close()
    return statistics.median(samples)


def _wait_idle(channel: grpc.Channel) -> None:
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if (
            stub.GetDevice(device_pb2.GetDeviceRequest(name="devices/payment")).state
            == events_pb2.DEVICE_STATE_IDLE
        ):
            return
        time.sleep(0.05)
    raise TimeoutError("the payment terminal did not become IDLE")


def run(quick: bool = False) -> dict[str, float | int | str]:
    repeats = 10 if quick else 40
    with tempfile.TemporaryDirectory(prefix="bench-payment-") as temp:
        directory = Path(temp)
        with started(simulator_args("zvt_terminal", directory / "terminal")) as (_sim, ready, _):
            _control(ready, "delay", {"ms": 0})
            terminal = open_device(str(ready["endpoint"]))
            terminal.open()
            direct = []
            try:
                for index in range(repeats):
                    began = time.perf_counter()
                    terminal.sale(900_000 + index, 300, PaymentMethod.QR, lambda step: None)
                    direct.append((time.perf_counter() - began) * 1000)
            finally:
                terminal.close()
            config = DaemonToml(
                storage_dir="storage",
                log_level="warning",
                simulator_mode=False,
                endpoints=[Endpoint("run/kiosk.sock", "kiosk")],
                devices=[Device("payment", "zvt", str(ready["endpoint"]))],
            ).write(directory / "daemon.toml")
            with started(daemon_args(config)) as _daemon:
                channel = grpc.insecure_channel(f"unix:{directory / 'run' / 'kiosk.sock'}")
                try:
                    _wait_idle(channel)
                    stub = payment_pb2_grpc.PaymentServiceStub(channel)
                    through = []
                    for index in range(repeats):
                        request = payment_pb2.SaleRequest(
                            order_id=f"b-{index}",
                            amount=common_pb2.Money(yen=300),
                            method=payment_pb2.PAYMENT_METHOD_QR,
                        )
                        began = time.perf_counter()
                        final = list(stub.Sale(request, timeout=20))[-1].payment
                        through.append((time.perf_counter() - began) * 1000)
                        assert final.state == payment_pb2.PAYMENT_STATE_APPROVED
                finally:
                    channel.close()
        journal_ms = _journal_ms(directory, repeats)
    terminal_ms = statistics.median(direct)
    daemon_ms = statistics.median(through)
    return {
        "sales": repeats,
        "terminal_ms_p50": round(terminal_ms, 3),
        "daemon_sale_ms_p50": round(daemon_ms, 3),
        "overhead_ms_p50": round(daemon_ms - terminal_ms, 3),
        "journal_ms_p50": round(journal_ms, 3),
    }
