"""Staff sign-in through the real kiosk UI server and daemon: the browser's view over HTTP.

Sign-in, wrong password, no account enumeration, lockout, idle expiry, CSRF refused, sign-out, and a
kiosk page (no staff session) refused on every staff route. Each refusal is checked against the audit
log the daemon keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from daemon.audit.log import AuditLog, AuditRow
from daemon.staff.accounts import LOCK_AFTER
from daemon.staff.roles import StaffRole
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.kiosk import start_ui_server
from tests.support.processes import RunningProcess
from tests.support.shared_daemon import start_shared_daemon
from tests.support.staff import TEST_STAFF, StaffMember, add_account

pytestmark = pytest.mark.integration

LOCKED = StaffMember("L0001", "a password to be guessed", frozenset({StaffRole.COUNTER}))
LIST = "/staff/api/rpc/ApplicationService/ListApplications"
UNKNOWN_APPLICATION = "applications/" + "0" * 32


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDaemon]:
    where = tmp_path_factory.mktemp("auth")
    add_account(where / "storage", LOCKED)
    running = start_shared_daemon(where, {})
    yield running
    running.stop()


def ui(daemon: RunningDaemon, *extra: str) -> Iterator[str]:
    process: RunningProcess = start_ui_server(daemon.directory, daemon.sockets, "", list(extra), len(extra))
    try:
        yield str(process.ready["ui"]).rstrip("/")
    finally:
        process.stop()


@pytest.fixture(scope="module")
def base(daemon: RunningDaemon) -> Iterator[str]:
    yield from ui(daemon)


@pytest.fixture(scope="module")
def instant_expiry(daemon: RunningDaemon) -> Iterator[str]:
    """A UI server whose staff sessions expire at their first idle moment (no waiting in the test)."""
    yield from ui(daemon, "--staff-idle-timeout", "0")


def audit(daemon: RunningDaemon) -> list[AuditRow]:
    log = AuditLog(daemon.directory / "storage" / "audit.sqlite3")
    try:
        return list(log.rows())
    finally:
        log.close()


def sign_in(
    client: httpx.Client, staff: StaffMember = TEST_STAFF, password: str | None = None
) -> httpx.Response:
    body = {"staff_id": staff.staff_id, "password": staff.password if password is None else password}
    return client.post("/staff/auth/sign-in", json=body)


def reason(response: httpx.Response) -> str:
    return str(response.json()["error"]["reason"])


def test_sign_in_sets_a_strict_httponly_cookie_and_calls_carry_the_person(
    base: str, daemon: RunningDaemon
) -> None:
    with httpx.Client(base_url=base) as client:
        signed = sign_in(client)
        assert signed.status_code == 200 and signed.json()["staff_id"] == TEST_STAFF.staff_id
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/staff" in cookie
        assert TEST_STAFF.password not in signed.text
        csrf = signed.json()["csrf_token"]
        release = client.post(
            "/staff/api/rpc/ApplicationService/ReleaseApplication",
            json={"name": UNKNOWN_APPLICATION, "staff_id": "S-0099"},
            headers={"X-CSRF-Token": csrf},
        )
        assert release.status_code == 404  # past the sign-in and the CSRF check: the daemon answered
    row = audit(daemon)[-1]
    assert (row.who, row.action, row.resource) == (
        TEST_STAFF.staff_id,
        "application.released",
        UNKNOWN_APPLICATION,
    )


def test_a_state_changing_call_without_the_csrf_token_is_refused(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        sign_in(client)
        assert client.get("/staff/auth/session").status_code == 200
        missing = client.post(LIST, json={})
        wrong = client.post(LIST, json={}, headers={"X-CSRF-Token": "guessed"})
        assert (missing.status_code, reason(missing)) == (403, "csrf_refused")
        assert (wrong.status_code, reason(wrong)) == (403, "csrf_refused")


def test_wrong_password_and_unknown_id_get_the_same_answer(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        wrong = sign_in(client, password="not the password at all")
        unknown = sign_in(client, StaffMember("Z9999", "whatever it is", frozenset()))
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert reason(wrong) == "sign_in_refused" and "set-cookie" not in wrong.headers
        assert client.post(LIST, json={}).status_code == 401


def test_repeated_failures_lock_the_account(base: str, daemon: RunningDaemon) -> None:
    with httpx.Client(base_url=base) as client:
        reasons = [reason(sign_in(client, LOCKED, password="wrong guess number")) for _ in range(LOCK_AFTER)]
        assert reasons == ["sign_in_refused"] * LOCK_AFTER
        assert reason(sign_in(client, LOCKED)) == "sign_in_locked"  # even with the right password
    rows = [row for row in audit(daemon) if row.resource == f"staff/{LOCKED.staff_id}"]
    assert [row.action for row in rows].count("staff.locked_out") == 1
    assert all(row.who == "" for row in rows)


def test_an_idle_session_expires_and_is_recorded(instant_expiry: str, daemon: RunningDaemon) -> None:
    with httpx.Client(base_url=instant_expiry) as client:
        signed = sign_in(client)
        assert signed.status_code == 200
        expired = client.post(LIST, json={}, headers={"X-CSRF-Token": signed.json()["csrf_token"]})
        assert (expired.status_code, reason(expired)) == (401, "staff_sign_in_required")
    assert audit(daemon)[-1].action == "staff.expired"


def test_sign_out_ends_the_session(base: str, daemon: RunningDaemon) -> None:
    with httpx.Client(base_url=base) as client:
        csrf = sign_in(client).json()["csrf_token"]
        assert client.post("/staff/auth/sign-out", headers={"X-CSRF-Token": csrf}).status_code == 200
        assert client.get("/staff/auth/session").status_code == 401
        assert client.post(LIST, json={}, headers={"X-CSRF-Token": csrf}).status_code == 401
    assert (audit(daemon)[-1].who, audit(daemon)[-1].action) == (TEST_STAFF.staff_id, "staff.signed_out")


def test_a_kiosk_page_cannot_call_a_staff_route(base: str) -> None:
    with httpx.Client(base_url=base) as kiosk_page:
        assert kiosk_page.get("/").status_code == 200  # the resident page, no staff session
        staff_route = kiosk_page.post(LIST, json={})
        assert (staff_route.status_code, reason(staff_route)) == (401, "staff_sign_in_required")
        stream = kiosk_page.get("/staff/api/stream/DeviceService/WatchEvents")
        assert stream.status_code == 401
        # the kiosk bridge does not carry staff methods at all
        assert kiosk_page.post("/api/rpc/ApplicationService/ListApplications", json={}).status_code == 404
        # nor may anyone reach the daemon's sign-in method through the bridge
        assert kiosk_page.post("/staff/api/rpc/StaffService/SignIn", json={}).status_code == 401


def test_no_password_reaches_a_log(base: str, daemon: RunningDaemon) -> None:
    with httpx.Client(base_url=base) as client:
        sign_in(client)
    logs = [
        path.read_text(encoding="utf-8", errors="replace") for path in Path(daemon.directory).glob("*.log")
    ]
    assert logs and not any(TEST_STAFF.password in log or LOCKED.password in log for log in logs)
