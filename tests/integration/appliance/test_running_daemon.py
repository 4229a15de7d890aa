"""The daemon as systemd runs it: READY and watchdog pings on NOTIFY_SOCKET, the Prometheus endpoint,
a backup taken while sales run, and a restore into a fresh state directory that recovers jobs and payments.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kiosk.v1 import common_pb2, events_pb2, payment_pb2, payment_pb2_grpc

from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.payment import ZvtSimulator
from tests.fixtures.printer_service import FAST, STATE, connect
from tests.support.processes import PYTHON, REPO_ROOT
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
METRICS = '\n[options.metrics]\nlisten = "127.0.0.1:0"\n'


class NotifyListener:
    """What systemd listens on for a Type=notify service: every datagram, read on a thread."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages: list[str] = []
        self._open = True
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while self._open:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue
            except OSError:
                return

    def wait_for(self, text: str, after: int = 0, timeout: float = 20) -> int:
        """The index of the first message from ``after`` on that contains ``text``."""

        def found() -> tuple[int] | None:  # a tuple, so that index 0 counts as found
            messages = list(enumerate(self.messages[after:], start=after))
            return next(((index,) for index, message in messages if text in message), None)

        (index,) = wait_until(found, timeout=timeout, what=f"{text!r} on NOTIFY_SOCKET")
        return index

    def close(self) -> None:
        self._open = False
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifyListener]:
    path = tmp_path / "notify.sock"
    listener = NotifyListener(path)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", "400000")  # ping every 0.2 s
    yield listener
    listener.close()


def scrape(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        match = re.match(r"^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$", line)
        if match:
            samples[match.group(1)] = float(match.group(2))
    return samples


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "daemon", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        check=False,
    )


def sale(stub: payment_pb2_grpc.PaymentServiceStub, order: str) -> payment_pb2.Payment:
    line = payment_pb2.FeeLine(
        fee_code="juminhyo", subject="住民票", quantity=1, unit_price=common_pb2.Money(yen=300)
    )
    request = payment_pb2.SaleRequest(
        order_id=order, amount=common_pb2.Money(yen=300), lines=[line], method=payment_pb2.PAYMENT_METHOD_QR
    )
    return list(stub.Sale(request, timeout=20))[-1].payment


def test_notify_metrics_backup_during_sales_and_restore(
    start_daemon: Callable[..., RunningDaemon],
    escpos_sim: EscposSimulator,
    zvt_simulator_factory: Callable[..., ZvtSimulator],
    notify_socket: NotifyListener,
    tmp_path: Path,
) -> None:
    zvt = zvt_simulator_factory()
    devices = {"receipt": ("escpos", escpos_sim.uri()), "payment": ("zvt", f"{zvt.endpoint}?t3=2&t4=3")}
    daemon = start_daemon(devices, tmp_path / "a", extra=FAST + METRICS)
    ready = notify_socket.wait_for("READY=1")
    first_ping = notify_socket.wait_for("WATCHDOG=1", after=ready)
    notify_socket.wait_for("WATCHDOG=1", after=first_ping + 1)  # pinged again from the event loop

    client = connect(daemon)
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/receipt")
    client.wait_device(events_pb2.DEVICE_STATE_IDLE, "devices/payment")
    payments = payment_pb2_grpc.PaymentServiceStub(client.channel)
    escpos_sim.post("cover", {"open": True})
    held = client.ticket(1)
    client.wait_job(held.name, STATE.JOB_STATE_HELD, reason="cover_open")
    paid = [sale(payments, f"before-{n}") for n in range(3)]
    assert {payment.state for payment in paid} == {payment_pb2.PAYMENT_STATE_APPROVED}

    # Sales keep running while the backup is taken.
    stop = threading.Event()
    during: list[payment_pb2.Payment] = []

    def keep_selling() -> None:
        while not stop.is_set():
            during.append(sale(payments, f"during-{len(during)}"))

    seller = threading.Thread(target=keep_selling)
    seller.start()
    try:
        wait_until(lambda: during, timeout=30, what="a first sale while the backup runs")
        backup = tool("backup", "--config", str(daemon.directory / "daemon.toml"), str(tmp_path / "backup"))
    finally:
        stop.set()
        seller.join(timeout=60)
    assert backup.returncode == 0, backup.stderr
    assert "payments.sqlite3" in json.loads(backup.stdout)["files"]
    refused = tool("restore", "--config", str(daemon.directory / "daemon.toml"), str(tmp_path / "backup"))
    assert refused.returncode == 1 and "running" in refused.stderr

    metrics = scrape(daemon.process.ready["metrics"])
    assert metrics['frontyard_device_state{device="receipt",state="error"}'] == 1
    assert metrics['frontyard_device_state{device="payment",state="idle"}'] == 1
    assert metrics['frontyard_print_jobs{state="held"}'] == 1
    approved = metrics['frontyard_payments{state="approved"}'] + metrics.get(
        'frontyard_payments{state="committed"}', 0
    )
    assert approved == len(paid) + len(during)
    assert metrics["frontyard_event_sequence"] >= 3 + len(during)
    assert metrics['frontyard_payment_changes_total{state="approved"}'] == len(paid) + len(during)
    assert metrics['frontyard_operation_errors_total{device="receipt",reason="cover_open"}'] >= 1
    assert metrics['frontyard_device_errors_total{device="receipt",reason="offline"}'] >= 1
    assert metrics["frontyard_resident_session_active"] == 0
    daemon.stop()
    stopping = notify_socket.wait_for("STOPPING=1")
    pings_after = [m for m in notify_socket.messages[stopping + 1 :] if "WATCHDOG" in m]
    assert len(pings_after) <= 1  # the pings stop with the daemon

    # A new PC (fresh state directory) gets the backup and recovers what it held.
    fresh = tmp_path / "b"
    fresh.mkdir()
    (fresh / "daemon.toml").write_text((daemon.directory / "daemon.toml").read_text(), encoding="utf-8")
    restored = tool("restore", "--config", str(fresh / "daemon.toml"), str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    restarted = start_daemon(devices, fresh, extra=FAST + METRICS)
    client = connect(restarted)
    assert client.job(held.name).state == STATE.JOB_STATE_HELD
    payments = payment_pb2_grpc.PaymentServiceStub(client.channel)
    for payment in paid:
        again = payments.GetPayment(payment_pb2.GetPaymentRequest(name=payment.name), timeout=5)
        assert again.state == payment_pb2.PAYMENT_STATE_APPROVED and again.amount.yen == 300
    escpos_sim.post("cover", {"open": False})
    client.wait_job(held.name, STATE.JOB_STATE_COMPLETED)
    metrics = scrape(restarted.process.ready["metrics"])
    assert metrics['frontyard_operations_total{device="receipt",outcome="completed"}'] == 1
    assert metrics['frontyard_print_jobs{state="completed"}'] == 1
