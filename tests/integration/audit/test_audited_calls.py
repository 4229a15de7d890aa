"""Every audited daemon method leaves exactly one intent row and one outcome row, through the real daemon.

The daemon runs without devices, so most calls are refused (no application, no terminal, no card); a
refused call is still an access attempt and leaves its rows, with the refusal as its outcome.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from kiosk.v1 import application_pb2, card_pb2, card_pb2_grpc, payment_pb2, payment_pb2_grpc

from daemon.audit.actions import AUDITED_METHODS, REFUSED_VALUE, STARTED
from daemon.audit.log import AuditEntry, AuditLog, AuditRow, Problem, anchor_path
from tests.fixtures.daemon import RunningDaemon
from tests.support.frontyard import FrontyardStub
from tests.support.processes import PYTHON
from tests.support.shared_daemon import start_shared_daemon
from tests.support.staff import TEST_STAFF

pytestmark = pytest.mark.integration

STAFF = TEST_STAFF.staff_id  # signed in by RunningDaemon.channel("staff")
PIN = "9876"  # never in a row


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDaemon]:
    running = start_shared_daemon(tmp_path_factory.mktemp("audit"), {})
    yield running
    running.stop()


def audit_rows(daemon: RunningDaemon) -> list[AuditRow]:
    log = AuditLog(daemon.directory / "storage" / "audit.sqlite3")
    try:
        return list(log.rows())
    finally:
        log.close()


def call_every_audited_method(channel: grpc.Channel) -> list[str]:
    """Each audited method of the staff's daily work once (account changes: ``test_staff_identity``);
    returns the method paths in call order."""
    card = card_pb2_grpc.CardServiceStub(channel)
    frontyard = FrontyardStub(channel)
    payment = payment_pb2_grpc.PaymentServiceStub(channel)
    calls: list[Callable[[], object]] = [
        lambda: card.ReadMyNumber(card_pb2.ReadMyNumberRequest(pin=PIN, purpose="jidou_teate")),
        lambda: frontyard.CorrectApplication(
            application_pb2.CorrectApplicationRequest(name="applications/a1", staff_id=STAFF)
        ),
        lambda: frontyard.ReleaseApplication(
            application_pb2.ReleaseApplicationRequest(name="applications/a1", staff_id=STAFF)
        ),
        lambda: frontyard.ExportApplications(application_pb2.ExportApplicationsRequest()),
        lambda: payment.VoidPayment(payment_pb2.VoidPaymentRequest(name="payments/p1")),
        lambda: payment.RefundPayment(payment_pb2.RefundPaymentRequest(name="payments/p1")),
        lambda: payment.ResolvePayment(
            payment_pb2.ResolvePaymentRequest(name="payments/p1", outcome=payment_pb2.PAYMENT_STATE_REFUNDED)
        ),
        lambda: payment.DailyClose(payment_pb2.DailyCloseRequest(dry_run=True)),
    ]
    for call in calls:
        with contextlib.suppress(grpc.RpcError):  # refused calls are audited too
            call()
    return [method for method in AUDITED_METHODS if "StaffService" not in method]


@pytest.mark.parametrize("socket", ["staff", "admin"])
def test_every_audited_method_leaves_an_intent_and_an_outcome_row(daemon: RunningDaemon, socket: str) -> None:
    channel = daemon.channel(socket)  # signs in: one staff.signed_in row
    before = len(audit_rows(daemon))
    methods = call_every_audited_method(channel)
    rows = audit_rows(daemon)[before:]
    intents, outcomes = rows[0::2], rows[1::2]
    assert [row.action for row in intents] == [AUDITED_METHODS[method].action for method in methods]
    assert [row.action for row in outcomes] == [row.action for row in intents]
    assert {row.outcome for row in intents} == {STARTED} and STARTED not in {row.outcome for row in outcomes}
    assert {row.who for row in rows} == {STAFF}  # a person on either socket
    assert intents[0].purpose == "jidou_teate"  # a 利用事務 code
    assert intents[1].resource == REFUSED_VALUE  # not an application name: never recorded as typed
    assert intents[4].resource == outcomes[4].resource == "payments/p1"
    assert intents[-1].purpose == "dry_run"


def test_the_chain_verifies_and_holds_no_pin(daemon: RunningDaemon) -> None:
    call_every_audited_method(daemon.channel("staff"))
    log = AuditLog(daemon.directory / "storage" / "audit.sqlite3")
    try:
        assert log.verify().ok
    finally:
        log.close()
    for path in (daemon.directory / "storage").glob("audit.sqlite3*"):
        assert PIN.encode() not in path.read_bytes()


def test_an_unaudited_call_leaves_no_row(daemon: RunningDaemon) -> None:
    channel = daemon.channel("staff")  # signing in leaves its own row
    before = len(audit_rows(daemon))
    FrontyardStub(channel).ListApplications(application_pb2.ListApplicationsRequest())
    assert len(audit_rows(daemon)) == before


TAMPERING = {
    "edited": ["UPDATE audit SET who = 'S9999' WHERE seq = 2"],
    "deleted": ["DELETE FROM audit WHERE seq = 2"],
    "reordered": [
        "UPDATE audit SET seq = -1 WHERE seq = 2",
        "UPDATE audit SET seq = 2 WHERE seq = 3",
        "UPDATE audit SET seq = 3 WHERE seq = -1",
    ],
    "cut off the end": ["DELETE FROM audit WHERE seq > (SELECT MAX(seq) - 3 FROM audit)"],
}


def copy_live_log(daemon: RunningDaemon, into: Path) -> Path:
    """A consistent copy of the daemon's live file (WAL included), with its anchor."""
    storage = daemon.directory / "storage"
    copy = into / "audit.sqlite3"
    with sqlite3.connect(storage / "audit.sqlite3") as source, sqlite3.connect(copy) as target:
        source.backup(target)
    shutil.copyfile(anchor_path(storage / "audit.sqlite3"), anchor_path(copy))
    return copy


def verify_command(storage: Path) -> list[str]:
    return [PYTHON, "-m", "daemon.audit.cli", "--storage", str(storage), "verify"]


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_frontyard_audit_verify_names_the_tampered_row(
    daemon: RunningDaemon, tmp_path: Path, how: str
) -> None:
    call_every_audited_method(daemon.channel("staff"))
    copy = copy_live_log(daemon, tmp_path)
    command = verify_command(tmp_path)
    intact = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert intact.returncode == 0, intact.stderr
    with sqlite3.connect(copy) as db:
        (last,) = db.execute("SELECT MAX(seq) FROM audit").fetchone()
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("DROP TRIGGER audit_no_delete")
        for statement in TAMPERING[how]:
            db.execute(statement)
    broken = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert broken.returncode == 1
    expected = {"deleted": 3, "cut off the end": last - 2}.get(how, 2)  # a deleted row: a jump after it
    assert f"BROKEN at row {expected}" in broken.stderr
    if how == "cut off the end":
        assert "3 rows cut off the end" in broken.stderr and Problem.TRUNCATED.value in broken.stderr


def test_frontyard_audit_verify_finds_a_log_rolled_back_to_an_older_copy(
    daemon: RunningDaemon, tmp_path: Path
) -> None:
    older = copy_live_log(daemon, tmp_path)
    call_every_audited_method(daemon.channel("staff"))
    shutil.copyfile(anchor_path(daemon.directory / "storage" / "audit.sqlite3"), anchor_path(older))
    command = verify_command(tmp_path)
    rolled_back = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert rolled_back.returncode == 1 and Problem.TRUNCATED.value in rolled_back.stderr
    log = AuditLog(older)  # the older copy written again: as long as the newer one, yet not the same
    try:
        for _ in range(3):
            log.append(AuditEntry(STAFF, "payment.voided", "payments/p1"))
    finally:
        log.close()
    rewritten = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert rewritten.returncode == 1 and Problem.ROLLED_BACK.value in rewritten.stderr, rewritten.stderr
