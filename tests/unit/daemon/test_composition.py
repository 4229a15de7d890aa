"""``create_server`` builds the daemon in one place; start and stop run in one order.

In process, on a Unix socket in a temporary directory, with a receipt printer that is not there: a staff
slip owed from the last run is submitted at start and is still waiting for its print job when the daemon
stops. The print queue stops after the payment service, so the slip's outcome is journaled as the job's
state, not as the error of a closed print journal.
"""

from __future__ import annotations

import socket
from pathlib import Path

from daemon.config import load_config
from daemon.payments import OpState, PaymentJournal, PaymentState, SaleOrder
from daemon.server import create_server
from daemon.services.payment import PaymentRunner
from simulators.daemon_toml import DaemonToml, Device, Endpoint


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(directory: Path) -> Path:
    return DaemonToml(
        storage_dir="state",
        endpoints=[Endpoint("kiosk.sock")],
        devices=[Device("receipt", "escpos", f"tcp://127.0.0.1:{unused_port()}")],
        options={"payment": {"slip_timeout_s": 1}},
        simulator_mode=False,
    ).write(directory / "daemon.toml")


def owe_a_slip(storage: Path) -> None:
    """A payment the terminal answered 処理未了 whose 障害伝票 was never printed."""
    journal = PaymentJournal(storage / "payments.sqlite3")
    _, op = journal.create_sale(SaleOrder("owed", 300, "credit"))
    journal.update_op(op.sequence_number, OpState.SENT, payment_state=PaymentState.SENT)
    journal.update_op(op.sequence_number, OpState.UNKNOWN, payment_state=PaymentState.UNKNOWN)
    journal.close()


async def test_the_print_queue_outlives_the_payment_services_staff_slips(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    owe_a_slip(config.storage_dir)
    daemon = create_server(config)
    (payments,) = [service for service in daemon.services if isinstance(service, PaymentRunner)]
    assert payments.slip_printer is daemon.print_queue and payments.jobs is daemon.print_queue

    await daemon.start()
    assert payments.slip_tasks, "the owed slip is being printed"
    await daemon.stop(grace=0.1)

    journal = PaymentJournal(config.storage_dir / "payments.sqlite3")
    try:
        outcome = journal.payment("owed").staff_slip
    finally:
        journal.close()
    assert outcome in {"not_printed:queued", "not_printed:held"}, outcome
    assert not (tmp_path / "kiosk.sock").exists()
