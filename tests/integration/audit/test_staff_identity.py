"""Staff identity at the daemon, through the real process: sign-in, the role matrix, lockout, audit rows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import grpc
import pyotp
import pytest
from kiosk.v1 import (
    application_pb2,
    device_pb2,
    device_pb2_grpc,
    events_pb2,
    payment_pb2,
    payment_pb2_grpc,
    staff_pb2,
    staff_pb2_grpc,
)

from daemon.audit.actions import STARTED
from daemon.audit.log import AuditLog, AuditRow
from daemon.errors import error_reason
from daemon.staff.accounts import LOCK_AFTER
from daemon.staff.identity import STAFF_ID_METADATA, STAFF_TOKEN_METADATA
from daemon.staff.roles import StaffRole
from tests.fixtures.daemon import RunningDaemon
from tests.support.frontyard import FrontyardStub
from tests.support.shared_daemon import start_shared_daemon
from tests.support.staff import StaffMember, add_account, signed_in_channel

pytestmark = pytest.mark.integration

COUNTER = StaffMember("C0001", "counter staff password", frozenset({StaffRole.COUNTER}))
CASHIER = StaffMember("K0001", "cashier staff password", frozenset({StaffRole.CASHIER}))
VICTIM = StaffMember("V0001", "the victim's password!", frozenset({StaffRole.COUNTER}))
ADMIN = StaffMember("A0001", "the administrator's pass", frozenset({StaffRole.ADMIN}))


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDaemon]:
    where = tmp_path_factory.mktemp("staff")
    for staff in (COUNTER, CASHIER, VICTIM, ADMIN):
        add_account(where / "storage", staff)
    running = start_shared_daemon(where, {})
    yield running
    running.stop()


def rows(daemon: RunningDaemon) -> list[AuditRow]:
    log = AuditLog(daemon.directory / "storage" / "audit.sqlite3")
    try:
        return list(log.rows())
    finally:
        log.close()


def code_and_reason(call: object) -> tuple[grpc.StatusCode, str]:
    assert callable(call)
    with pytest.raises(grpc.RpcError) as caught:
        call()
    error = caught.value
    return error.code(), error_reason(error)


def test_a_staff_method_without_a_signed_in_person_is_refused(daemon: RunningDaemon) -> None:
    stub = FrontyardStub(daemon.unsigned_channel("staff"))
    request = application_pb2.ListApplicationsRequest()
    assert code_and_reason(lambda: stub.ListApplications(request)) == (
        grpc.StatusCode.UNAUTHENTICATED,
        "staff_sign_in_required",
    )
    # a made-up staff id is no better than none
    forged = lambda: stub.ListApplications(request, metadata=((STAFF_ID_METADATA, "X9999"),))  # noqa: E731
    assert code_and_reason(forged)[1] == "staff_sign_in_required"


def test_the_kiosk_socket_cannot_call_a_staff_method_even_naming_a_person(daemon: RunningDaemon) -> None:
    stub = FrontyardStub(daemon.unsigned_channel("kiosk"))
    call = lambda: stub.ListApplications(  # noqa: E731
        application_pb2.ListApplicationsRequest(), metadata=((STAFF_ID_METADATA, COUNTER.staff_id),)
    )
    assert code_and_reason(call)[0] == grpc.StatusCode.PERMISSION_DENIED


def test_role_matrix_counter_cannot_close_the_day_cashier_can(daemon: RunningDaemon) -> None:
    counter = signed_in_channel(daemon.unsigned_channel("staff"), COUNTER)
    cashier = signed_in_channel(daemon.unsigned_channel("staff"), CASHIER)
    close = payment_pb2.DailyCloseRequest(dry_run=True)
    refused = lambda: payment_pb2_grpc.PaymentServiceStub(counter).DailyClose(close)  # noqa: E731
    assert code_and_reason(refused) == (grpc.StatusCode.PERMISSION_DENIED, "staff_role_missing")
    allowed = lambda: payment_pb2_grpc.PaymentServiceStub(cashier).DailyClose(close)  # noqa: E731
    # past the guard: the service itself answers (no terminal is configured in this daemon)
    assert code_and_reason(allowed) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "payment_terminal_not_configured",
    )
    FrontyardStub(counter).ListApplications(application_pb2.ListApplicationsRequest())


def test_unknown_id_and_wrong_password_get_the_same_answer_and_rows(daemon: RunningDaemon) -> None:
    stub = staff_pb2_grpc.StaffServiceStub(daemon.unsigned_channel("staff"))
    before = len(rows(daemon))
    unknown = code_and_reason(
        lambda: stub.SignIn(staff_pb2.SignInRequest(staff_id="N0000", password="x" * 20))
    )
    wrong = code_and_reason(lambda: stub.SignIn(staff_pb2.SignInRequest(staff_id="C0001", password="x" * 20)))
    assert unknown == wrong == (grpc.StatusCode.UNAUTHENTICATED, "sign_in_refused")
    added = rows(daemon)[before:]
    assert [(row.who, row.action, row.resource) for row in added] == [
        ("", "staff.sign_in_failed", "staff/N0000"),
        ("", "staff.sign_in_failed", "staff/C0001"),
    ]
    signed_in_channel(daemon.unsigned_channel("staff"), COUNTER)  # the failure count resets
    last = rows(daemon)[-1]
    assert (last.who, last.action, last.resource) == (COUNTER.staff_id, "staff.signed_in", "staff/C0001")


def test_repeated_failures_lock_the_account_with_an_event(daemon: RunningDaemon) -> None:
    channel = daemon.unsigned_channel("staff")
    stub = staff_pb2_grpc.StaffServiceStub(channel)
    wrong = staff_pb2.SignInRequest(staff_id=VICTIM.staff_id, password="guess guess guess")
    reasons = [code_and_reason(lambda: stub.SignIn(wrong))[1] for _ in range(LOCK_AFTER)]
    assert reasons == ["sign_in_refused"] * LOCK_AFTER
    right = staff_pb2.SignInRequest(staff_id=VICTIM.staff_id, password=VICTIM.password)
    assert code_and_reason(lambda: stub.SignIn(right))[1] == "sign_in_locked"  # even the right password
    actions = [row.action for row in rows(daemon) if row.resource == f"staff/{VICTIM.staff_id}"]
    assert actions.count("staff.locked_out") == 1
    events = device_pb2_grpc.DeviceServiceStub(daemon.unsigned_channel("kiosk")).WatchEvents(
        device_pb2.WatchEventsRequest(), timeout=5
    )
    seen: list[events_pb2.Event] = []
    with contextlib.suppress(grpc.RpcError):  # the deadline ends the watch if the event never comes
        for event in events:
            seen.append(event)
            if event.HasField("staff_called") and event.staff_called.reason == "sign_in_locked":
                break
    assert any(event.staff_called.name == f"staff/{VICTIM.staff_id}" for event in seen)


# ---- the admin socket: an audited action needs a person signed in with a token --------------------------


def test_the_admin_socket_needs_a_signed_in_person_for_an_audited_action(daemon: RunningDaemon) -> None:
    close = payment_pb2.DailyCloseRequest(dry_run=True)
    unsigned = payment_pb2_grpc.PaymentServiceStub(daemon.unsigned_channel("admin"))
    before = len(rows(daemon))
    assert code_and_reason(lambda: unsigned.DailyClose(close)) == (
        grpc.StatusCode.UNAUTHENTICATED,
        "staff_sign_in_required",
    )
    # a staff id header proves nothing on the admin socket, nor does a made-up token
    for header in ((STAFF_ID_METADATA, CASHIER.staff_id), (STAFF_TOKEN_METADATA, "made-up")):
        named = lambda header=header: unsigned.DailyClose(close, metadata=(header,))  # noqa: E731
        assert code_and_reason(named)[1] == "staff_sign_in_required"
    assert len(rows(daemon)) == before  # refused before the action: no row, no action
    # an unaudited staff method stays open to the city's IT staff
    FrontyardStub(daemon.unsigned_channel("admin")).ListApplications(
        application_pb2.ListApplicationsRequest()
    )


def test_the_admin_socket_records_the_person_whose_roles_allow_the_action(daemon: RunningDaemon) -> None:
    close = payment_pb2.DailyCloseRequest(dry_run=True)
    counter = payment_pb2_grpc.PaymentServiceStub(
        signed_in_channel(daemon.unsigned_channel("admin"), COUNTER)
    )
    assert code_and_reason(lambda: counter.DailyClose(close))[1] == "staff_role_missing"
    channel = daemon.unsigned_channel("admin")
    signed = staff_pb2_grpc.StaffServiceStub(channel).SignIn(
        staff_pb2.SignInRequest(staff_id=CASHIER.staff_id, password=CASHIER.password)
    )
    token = ((STAFF_TOKEN_METADATA, signed.session_token),)
    cashier = payment_pb2_grpc.PaymentServiceStub(channel)
    assert code_and_reason(lambda: cashier.DailyClose(close, metadata=token))[1] == (
        "payment_terminal_not_configured"  # past the guard: the service answers
    )
    intent, outcome = rows(daemon)[-2:]
    assert (intent.who, intent.action, intent.outcome) == (CASHIER.staff_id, "payment.daily_closed", STARTED)
    assert (outcome.who, outcome.outcome) == (CASHIER.staff_id, "FailedPrecondition")
    staff_pb2_grpc.StaffServiceStub(channel).SignOut(
        staff_pb2.SignOutRequest(staff_id=CASHIER.staff_id), metadata=token
    )
    assert code_and_reason(lambda: cashier.DailyClose(close, metadata=token))[1] == "staff_sign_in_required"


# ---- account management by a 管理者, through StaffService ------------------------------------------------


def test_a_manager_adds_disables_and_resets_an_account_each_audited(daemon: RunningDaemon) -> None:
    admin = staff_pb2_grpc.StaffServiceStub(signed_in_channel(daemon.unsigned_channel("staff"), ADMIN))
    before = len(rows(daemon))
    added = admin.AddAccount(
        staff_pb2.AddAccountRequest(
            staff_id="N0042",
            display_name="新人 職員",
            roles=["窓口"],
            password="a new staff password",
            totp=True,
        )
    )
    assert (
        added.account.staff_id == "N0042"
        and added.account.has_totp
        and added.totp_uri.startswith("otpauth://")
    )
    newcomer = staff_pb2_grpc.StaffServiceStub(daemon.unsigned_channel("staff"))
    code = pyotp.TOTP(added.totp_secret).now()
    newcomer.SignIn(
        staff_pb2.SignInRequest(staff_id="N0042", password="a new staff password", totp_code=code)
    )
    assert admin.DisableAccount(staff_pb2.DisableAccountRequest(staff_id="N0042")).disabled
    again = staff_pb2.SignInRequest(staff_id="N0042", password="a new staff password", totp_code=code)
    assert code_and_reason(lambda: newcomer.SignIn(again))[1] == "sign_in_refused"
    reset = admin.ResetAccount(
        staff_pb2.ResetAccountRequest(
            staff_id="N0042", password="another new password", totp=staff_pb2.TOTP_CHANGE_REMOVE
        )
    )
    assert not reset.account.disabled and not reset.account.has_totp and not reset.totp_secret
    newcomer.SignIn(staff_pb2.SignInRequest(staff_id="N0042", password="another new password"))
    listed = admin.ListAccounts(staff_pb2.ListAccountsRequest()).accounts
    assert "N0042" in {account.staff_id for account in listed}
    changes = [
        (row.who, row.action, row.outcome)
        for row in rows(daemon)[before:]
        if row.action.startswith("account.")
    ]
    assert changes == [
        (ADMIN.staff_id, action, outcome)
        for action in ("account.added", "account.disabled", "account.reset")
        for outcome in (STARTED, "ok")
    ]
    assert {row.resource for row in rows(daemon)[before:] if row.action.startswith("account.")} == {
        "staff/N0042"
    }
    for path in (daemon.directory / "storage").glob("audit.sqlite3*"):  # never a password or a secret
        assert b"another new password" not in path.read_bytes()
        assert added.totp_secret.encode() not in path.read_bytes()


def test_only_a_manager_may_manage_accounts(daemon: RunningDaemon) -> None:
    cashier = staff_pb2_grpc.StaffServiceStub(signed_in_channel(daemon.unsigned_channel("staff"), CASHIER))
    request = staff_pb2.AddAccountRequest(
        staff_id="N0099", display_name="x", roles=["管理者"], password="twelve chars or more"
    )
    assert code_and_reason(lambda: cashier.AddAccount(request)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "staff_role_missing",
    )
    unsigned = staff_pb2_grpc.StaffServiceStub(daemon.unsigned_channel("staff"))
    assert code_and_reason(lambda: unsigned.ListAccounts(staff_pb2.ListAccountsRequest()))[1] == (
        "staff_sign_in_required"
    )
