"""The fault matrix: device × fault × flow step → what the resident sees, with nothing lost or done twice.

One table (``ROWS``) drives one parametrized test. Printer, terminal and camera rows share one daemon and
one set of simulators per module (faults reset between rows); kill -9 rows restart that daemon on its own
storage. Card rows run on the private pcscd of ``tests/integration/card_service``. The full-disk row puts
the daemon's storage on a 2 MiB tmpfs and fills it mid-run (a real ENOSPC).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from kiosk.v1 import card_pb2, device_pb2, device_pb2_grpc, printer_pb2, printer_pb2_grpc

from daemon.errors import error_reason
from simulators.personas import persona
from tests.fixtures.card_service import CardDaemon
from tests.fixtures.daemon import FAST_PRINTING, RunningDaemon
from tests.support import fault_steps as steps
from tests.support.fault_steps import DeviceBench, Outcome

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Row:
    device: str
    fault: str
    step: str
    expected: Outcome
    run: Callable[[Any], Outcome]
    bench: str = "device_bench"
    xfail: str = ""

    @property
    def id(self) -> str:
        return f"{self.device}-{self.fault}-{self.step}".replace(" ", "_")


# ---- card rows (a fresh daemon on the private pcscd) ------------------------------------------------


def card_removed_mid_read(start: Callable[..., CardDaemon]) -> Outcome:
    card = start()
    session = card.insert("P1").session
    card.bench.card.post("remove_mid_apdu", after_apdus=1)
    reason, code = rpc_failure(
        lambda: card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P1").text_pin))
    )
    gone, _ = rpc_failure(lambda: card.kiosk.GetSession(card_pb2.GetSessionRequest(name=session)))
    card.watch.expect(card_pb2.CARD_PRESENCE_NO_CARD)
    return Outcome(code, reason, gone, 0)


def foreign_card(start: Callable[..., CardDaemon]) -> Outcome:
    card = start()
    card.bench.card.post("insert_foreign_card")
    event = card.watch.expect(card_pb2.CARD_PRESENCE_OTHER_CARD)
    reason, code = rpc_failure(lambda: card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin="1234")))
    return Outcome(code, reason, card_pb2.CardPresence.Name(event.presence), 0)


def blocked_pin(start: Callable[..., CardDaemon]) -> Outcome:
    card = start()
    card.insert("P2")
    wrong = "0000" if persona("P2").text_pin != "0000" else "1111"
    for _ in range(3):
        rpc_failure(lambda: card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=wrong)))
    reason, code = rpc_failure(
        lambda: card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P2").text_pin))
    )
    return Outcome(code, reason, "", 0)


def pcscd_restart(start: Callable[..., CardDaemon]) -> Outcome:
    card = start()
    card.insert("P3")
    card.bench.pcscd.stop()
    absent = card.watch.expect(card_pb2.CARD_PRESENCE_READER_ABSENT)
    card.bench.pcscd.start()
    back = card.watch.expect(card_pb2.CARD_PRESENCE_MY_NUMBER_CARD, timeout=30)
    info = card.kiosk.ReadBasicInfo(card_pb2.ReadBasicInfoRequest(pin=persona("P3").text_pin), timeout=20)
    done = 1 if info.ByteSize() else 0
    return Outcome(
        card_pb2.CardPresence.Name(absent.presence),
        absent.reason,
        card_pb2.CardPresence.Name(back.presence),
        done,
    )


def rpc_failure(call: Callable[[], object]) -> tuple[str, str]:
    try:
        call()
    except grpc.RpcError as error:
        return error_reason(error), error.code().name
    return "", "OK"


# ---- full disk --------------------------------------------------------------------------------------


@dataclass
class FullDisk:
    daemon: RunningDaemon
    storage: Path
    escpos: Any


@pytest.fixture
def full_disk_bench(
    start_daemon: Callable[..., RunningDaemon], escpos_simulator_process: Any, tmp_path: Path
) -> Iterator[FullDisk]:
    where = tmp_path / "d"
    storage = where / "storage"
    storage.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(storage)], check=True)
    try:
        escpos_simulator_process.post("clear")
        daemon = start_daemon(
            {"receipt": ("escpos", escpos_simulator_process.uri())}, where, extra=steps_fast()
        )
        yield FullDisk(daemon, storage, escpos_simulator_process)
        daemon.stop()
    finally:
        subprocess.run(["umount", "-l", str(storage)], check=False)


def steps_fast() -> str:
    return FAST_PRINTING


def journal_full_disk(disk: FullDisk) -> Outcome:
    staff = disk.daemon.channel("staff")  # signed in before the disk fills (sign-in writes an audit row)
    stub = printer_pb2_grpc.PrinterServiceStub(staff)
    filler = disk.storage / "filler"
    with filler.open("wb") as out:  # fill the disk: the next journal write gets ENOSPC
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    request = printer_pb2.PrintReceiptRequest(
        numbered_ticket=printer_pb2.NumberedTicket(municipality="指宿市", number=5, counter="1番窓口")
    )
    reason, code = rpc_failure(lambda: stub.PrintReceipt(request, timeout=10))
    # the daemon keeps serving while the disk is still full: a status call and a read answer
    devices = device_pb2_grpc.DeviceServiceStub(staff)
    device = devices.GetDevice(device_pb2.GetDeviceRequest(name="devices/receipt"), timeout=5)
    assert device.name == "devices/receipt"
    jobs_while_full = stub.ListJobs(printer_pb2.ListJobsRequest(), timeout=10).jobs
    filler.unlink()
    # with space again a new receipt prints: the queue's worker survived the failed write
    after = stub.PrintReceipt(request, timeout=10).job.name
    done = steps.wait_for(
        lambda: stub.GetJob(printer_pb2.GetJobRequest(name=after), timeout=5),
        lambda job: job.state == printer_pb2.JobState.JOB_STATE_COMPLETED,
        15,
    )
    assert done.state == printer_pb2.JobState.JOB_STATE_COMPLETED, done
    jobs = stub.ListJobs(printer_pb2.ListJobsRequest(), timeout=10).jobs
    half_done = [job.name for job in jobs_while_full] + [job.name for job in jobs if job.name != after]
    final = "NO_JOB" if not half_done else "JOB_KEPT"
    printed = sum(1 for r in disk.escpos.receipts() if r["status"] == "complete")
    return Outcome(code, reason, final, printed - 1)  # the failed submit printed nothing


# ---- the table --------------------------------------------------------------------------------------

ESC, IPP = steps.escpos_set, steps.ipp_set
HELD, DONE = "JOB_STATE_HELD", "JOB_STATE_COMPLETED"

ROWS = [
    Row(
        "receipt",
        "paper out",
        "mid-receipt",
        Outcome(HELD, "paper_out", DONE, 1),
        steps.receipt_fault(ESC("roll", remaining_mm=15), ESC("refill")),
    ),
    Row(
        "receipt",
        "cover open",
        "before print",
        Outcome(HELD, "cover_open", DONE, 1),
        steps.receipt_fault(ESC("cover", open=True), ESC("cover", open=False)),
    ),
    Row(
        "receipt",
        "offline",
        "before print",
        Outcome(HELD, "printer_offline", DONE, 1),
        steps.receipt_fault(ESC("offline", on=True), ESC("offline", on=False)),
    ),
    Row(
        "forms",
        "media empty",
        "mid-job (after page 2)",
        Outcome(HELD, "media_empty", DONE, 1),
        steps.form_fault(IPP("media_empty_after_pages", n=2), IPP("media", state="ok")),
    ),
    Row(
        "forms",
        "jam",
        "before print",
        Outcome(HELD, "media_jam", DONE, 1),
        steps.form_fault(IPP("jam", on=True), IPP("jam", on=False)),
    ),
    Row(
        "forms",
        "offline",
        "before print",
        Outcome(HELD, "printer_offline", DONE, 1),
        steps.form_fault(IPP("offline", on=True), IPP("offline", on=False)),
    ),
    Row(
        "forms",
        "garbage response",
        "submit",
        Outcome("JOB_STATE_FAILED", "malformed_response", "JOB_STATE_FAILED", 0),
        steps.form_fault(IPP("garbage_response", on=True), IPP("garbage_response", on=False)),
    ),
    Row(
        "payment",
        "decline",
        "sale",
        Outcome("PAYMENT_STATE_DECLINED", "declined", "PAYMENT_STATE_APPROVED", 1),
        steps.payment_fault("decline"),
    ),
    Row(
        "payment",
        "cancel",
        "sale",
        Outcome("PAYMENT_STATE_CANCELLED", "cancelled", "PAYMENT_STATE_APPROVED", 1),
        steps.payment_fault("cancel"),
    ),
    Row(
        "payment",
        "timeout",
        "sale",
        Outcome("PAYMENT_STATE_CANCELLED", "cancelled", "PAYMENT_STATE_APPROVED", 1),
        steps.payment_fault("timeout"),
    ),
    Row(
        "payment",
        "disconnect",
        "mid-transaction (approved)",
        Outcome("PAYMENT_STATE_APPROVED", "approved", "PAYMENT_STATE_APPROVED", 1),
        steps.payment_fault("disconnect_after_approve"),
    ),
    Row(
        "payment",
        "unknown (処理未了)",
        "sale",
        Outcome("PAYMENT_STATE_UNKNOWN", "result_unknown", "PAYMENT_STATE_UNKNOWN", 0),
        steps.payment_fault("unknown"),
    ),
    Row(
        "payment",
        "busy",
        "sale",
        Outcome("PAYMENT_STATE_CANCELLED", "terminal_busy", "PAYMENT_STATE_APPROVED", 1),
        steps.payment_fault("busy"),
    ),
    Row(
        "payment",
        "power loss",
        "mid-transaction",
        Outcome("PAYMENT_STATE_CANCELLED", "not_processed", "PAYMENT_STATE_APPROVED", 1),
        steps.payment_fault("approve", power_loss=True),
    ),
    Row(
        "camera",
        "disconnect",
        "mid-read",
        Outcome("UNAVAILABLE", "camera_offline", "DEVICE_STATE_IDLE", 0),
        steps.camera_disconnect_mid_read,
    ),
    Row(
        "daemon",
        "kill -9 + restart",
        "mid form job",
        Outcome("JOB_STATE_PRINTING", "", DONE, 1),
        steps.kill_mid_form_job,
    ),
    Row(
        "daemon",
        "kill -9 + restart",
        "mid payment",
        Outcome("PAYMENT_STATE_IN_PROGRESS", "approved", "PAYMENT_STATE_APPROVED", 1),
        steps.kill_mid_payment,
    ),
    Row(
        "card",
        "removed",
        "mid-read",
        Outcome("FAILED_PRECONDITION", "card_removed", "session_not_found", 0),
        card_removed_mid_read,
        bench="card_daemon",
    ),
    Row(
        "card",
        "foreign card",
        "insert",
        Outcome("FAILED_PRECONDITION", "not_my_number_card", "CARD_PRESENCE_OTHER_CARD", 0),
        foreign_card,
        bench="card_daemon",
    ),
    Row(
        "card",
        "blocked PIN",
        "PIN entry",
        Outcome("FAILED_PRECONDITION", "pin_blocked", "", 0),
        blocked_pin,
        bench="card_daemon",
    ),
    Row(
        "card",
        "pcscd restart",
        "card inserted",
        Outcome("CARD_PRESENCE_READER_ABSENT", "reader_absent", "CARD_PRESENCE_MY_NUMBER_CARD", 1),
        pcscd_restart,
        bench="card_daemon",
    ),
    Row(
        "storage",
        "journal write fails (disk full)",
        "receipt submit",
        Outcome("UNAVAILABLE", "storage_full", "NO_JOB", 0),
        journal_full_disk,
        bench="full_disk_bench",
    ),
]


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_fault(row: Row, request: pytest.FixtureRequest) -> None:
    if row.xfail:
        request.applymarker(pytest.mark.xfail(strict=True, reason=row.xfail))
    bench = request.getfixturevalue(row.bench)
    if isinstance(bench, DeviceBench):
        bench.reset()
    observed = row.run(bench)
    assert observed == row.expected, f"observed {observed}"
