"""The back-office console's app without a database: sign-in with the console's own accounts (audited,
one answer for a wrong password and an unknown id), the guard (401 without a session, 403 without the
CSRF token), the daily close reserved to 会計 and 管理者, and 503 ``central_unreachable`` in words when
the central database does not answer."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backoffice.console.board import FleetFeed, sse
from backoffice.console.server import ConsoleOptions, create_app
from daemon.audit.log import AuditLog
from daemon.staff.roles import StaffRole
from kiosk_ui.auth import StaffSession, StaffSessions
from tests.support.processes import free_port
from tests.support.staff import TEST_STAFF, StaffMember, add_account

COUNTER_ONLY = StaffMember("T0002", "another long enough password", frozenset({StaffRole.COUNTER}))


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two accounts, hashed once for the module (Argon2 is slow on purpose)."""
    directory = tmp_path_factory.mktemp("accounts")
    add_account(directory, TEST_STAFF)
    add_account(directory, COUNTER_ONLY)
    return directory / "staff.sqlite3"


@pytest.fixture
def state(tmp_path: Path, accounts: Path) -> Path:
    shutil.copy(accounts, tmp_path / "staff.sqlite3")
    return tmp_path


@pytest.fixture
async def client(state: Path) -> AsyncIterator[httpx.AsyncClient]:
    nobody = f"host=127.0.0.1 port={free_port()} dbname=frontyard user=console connect_timeout=2"
    options = ConsoleOptions(database=nobody, state_dir=state, export_dir=state / "export")
    transport = httpx.ASGITransport(app=create_app(options))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as opened:
        yield opened


async def sign_in(client: httpx.AsyncClient, staff: StaffMember) -> str:
    reply = await client.post(
        "/staff/auth/sign-in", json={"staff_id": staff.staff_id, "password": staff.password}
    )
    assert reply.status_code == 200, reply.text
    return str(reply.json()["csrf_token"])


async def test_sign_in_is_checked_against_the_consoles_accounts_and_audited(
    client: httpx.AsyncClient, state: Path
) -> None:
    wrong = await client.post(
        "/staff/auth/sign-in", json={"staff_id": TEST_STAFF.staff_id, "password": "nope"}
    )
    unknown = await client.post("/staff/auth/sign-in", json={"staff_id": "Z9999", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["reason"] == unknown.json()["error"]["reason"] == "sign_in_refused"
    assert (await client.get("/staff/api/backoffice/fleet")).status_code == 401
    await sign_in(client, TEST_STAFF)
    assert (await client.get("/staff/auth/session")).json()["staff_id"] == TEST_STAFF.staff_id
    audit = AuditLog(state / "audit.sqlite3")
    try:
        actions = [(row.who, row.action) for row in audit.rows()]
    finally:
        audit.close()
    assert actions == [
        ("", "staff.sign_in_failed"),
        ("", "staff.sign_in_failed"),
        ("T0001", "staff.signed_in"),
    ]


async def test_actions_need_the_csrf_token(client: httpx.AsyncClient) -> None:
    token = await sign_in(client, TEST_STAFF)
    refused = await client.post("/staff/api/backoffice/applications/release", json={"key": "honcho-01/1"})
    assert refused.status_code == 403
    bad_key = await client.post(
        "/staff/api/backoffice/applications/release",
        json={"key": "no sequence"},
        headers={"X-CSRF-Token": token},
    )
    assert (bad_key.status_code, bad_key.json()["error"]["reason"]) == (400, "bad_request")


async def test_the_daily_close_needs_the_cashier_or_admin_role(client: httpx.AsyncClient) -> None:
    await sign_in(client, COUNTER_ONLY)
    reply = await client.get("/staff/api/backoffice/close")
    assert (reply.status_code, reply.json()["error"]["reason"]) == (403, "staff_role_missing")


async def test_an_unreachable_database_is_a_503_in_words(client: httpx.AsyncClient) -> None:
    await sign_in(client, TEST_STAFF)
    for path in ("fleet", "applications", "kpi", "close"):
        reply = await client.get(f"/staff/api/backoffice/{path}")
        assert reply.status_code == 503, path
        error = reply.json()["error"]
        assert error["reason"] == "central_unreachable" and "中央データベース" in error["message_ja"]


async def test_the_fleet_feed_says_when_the_database_is_away() -> None:
    nobody = f"host=127.0.0.1 port={free_port()} dbname=frontyard user=console connect_timeout=2"
    feed = FleetFeed(nobody, stale_after_s=30, push_every_s=5)
    try:
        async with feed.follow() as queue:
            assert await asyncio.wait_for(queue.get(), timeout=10) is None
    finally:
        await feed.close()
    assert sse(None).startswith(b"event: unreachable\n")


async def test_the_live_board_ends_with_the_session(client: httpx.AsyncClient) -> None:
    token = await sign_in(client, TEST_STAFF)
    await client.post("/staff/auth/sign-out", headers={"X-CSRF-Token": token})
    refused = await client.get("/staff/api/backoffice/fleet/events")
    assert refused.status_code == 401


def test_a_feed_check_does_not_keep_an_idle_session_open() -> None:
    now = [0.0]
    sessions = StaffSessions(idle_timeout_s=60, clock=lambda: now[0])
    session_id = sessions.open(StaffSession("T0001", "試験 職員", ["窓口"]))
    now[0] = 50.0
    assert sessions.alive(session_id)  # checked often by the live board, never counted as use
    now[0] = 61.0
    assert not sessions.alive(session_id) and not sessions.alive("no such session")
