"""The 管理者 account page of the staff console, in Debian's Chromium against the real UI server and daemon.

A 管理者 signs in, adds an account with TOTP (the enrolment QR is drawn and the secret works: the new
person signs in with a code made from it), disables it, resets it; each change leaves its audit rows with
the 管理者 as who. A 窓口 person sees no account tab. The daemon has no devices: nothing here needs pcscd.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyotp
import pytest
from playwright.sync_api import Page

from daemon.audit.actions import STARTED
from daemon.audit.log import AuditLog
from tests.e2e.conftest import capture
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.kiosk import start_ui_server
from tests.support.shared_daemon import start_shared_daemon
from tests.support.staff import TEST_MANAGER, TEST_STAFF, StaffMember, add_account

pytestmark = pytest.mark.e2e

MANAGER = TEST_MANAGER
NEWCOMER = "N0007"
FIRST_PASSWORD = "a first password for N0007"
SECOND_PASSWORD = "a second password for N0007"


@pytest.fixture(scope="module")
def staff_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, RunningDaemon]]:
    where = tmp_path_factory.mktemp("accounts")
    add_account(where / "storage", MANAGER)
    daemon = start_shared_daemon(where, {})
    ui = start_ui_server(where, daemon.sockets, "", [])
    try:
        yield str(ui.ready["ui"]).rstrip("/") + "/staff/", daemon
    finally:
        ui.stop()
        daemon.stop()


def sign_in(page: Page, url: str, staff: StaffMember) -> None:
    page.goto(url)
    page.fill("#sign-in-staff-id", staff.staff_id)
    page.fill("#sign-in-password", staff.password)
    page.click("#sign-in-submit")
    page.wait_for_selector("#signed-in-as")


def sign_in_over_http(url: str, staff_id: str, password: str, code: str = "") -> int:
    body = {"staff_id": staff_id, "password": password, "totp_code": code}
    return httpx.post(url.replace("/staff/", "/staff/auth/sign-in"), json=body, timeout=30).status_code


def account_rows(daemon: RunningDaemon) -> list[tuple[str, str, str, str]]:
    log = AuditLog(daemon.directory / "storage" / "audit.sqlite3")
    try:
        rows = [r for r in log.rows() if r.action.startswith("account.")]
        return [(r.who, r.action, r.resource, r.outcome) for r in rows]
    finally:
        log.close()


def test_a_manager_adds_disables_and_resets_an_account(
    page: Page, staff_url: tuple[str, RunningDaemon]
) -> None:
    url, daemon = staff_url
    sign_in(page, url, MANAGER)
    page.click("#tab-accounts")
    page.wait_for_selector(f"[data-account='{MANAGER.staff_id}']")
    page.fill("#account-staff-id", NEWCOMER)
    page.fill("#account-name", "新人 七")
    page.check("#account-add-role-0")  # 窓口
    page.fill("#account-password", FIRST_PASSWORD)
    page.check("#account-totp")
    page.click("#account-add-submit")
    page.wait_for_selector("#totp-qr svg")
    secret = page.inner_text("#totp-secret").strip()
    capture(page, "staff-accounts-totp-enrolment")
    assert page.get_attribute(f"[data-account='{NEWCOMER}']", "data-account") == NEWCOMER
    assert sign_in_over_http(url, NEWCOMER, FIRST_PASSWORD, pyotp.TOTP(secret).now()) == 200
    page.click("#totp-done")
    assert page.query_selector("#totp-secret") is None  # shown once, then gone

    page.click(f"[data-account='{NEWCOMER}'] button.danger")
    page.wait_for_selector(f"[data-account='{NEWCOMER}'] >> text=停止中")
    assert sign_in_over_http(url, NEWCOMER, FIRST_PASSWORD, pyotp.TOTP(secret).now()) == 401

    page.click(f"[data-account='{NEWCOMER}'] >> text=再設定")
    page.fill("#reset-password", SECOND_PASSWORD)
    page.select_option("#reset-totp", "TOTP_CHANGE_REMOVE")
    page.click("#account-reset-submit")
    page.wait_for_selector("#accounts-done >> text=再設定しました")
    assert "有効" in page.inner_text(f"[data-account='{NEWCOMER}'] .account-state")
    capture(page, "staff-accounts")
    assert sign_in_over_http(url, NEWCOMER, SECOND_PASSWORD) == 200

    resource = f"staff/{NEWCOMER}"
    assert account_rows(daemon) == [
        (MANAGER.staff_id, action, resource, outcome)
        for action in ("account.added", "account.disabled", "account.reset")
        for outcome in (STARTED, "ok")
    ]


def test_a_person_without_the_manager_role_sees_no_account_page(
    page: Page, staff_url: tuple[str, RunningDaemon]
) -> None:
    url, _ = staff_url
    sign_in(page, url, TEST_STAFF)  # 窓口 + 会計
    page.wait_for_selector("#tab-devices")
    assert page.query_selector("#tab-accounts") is None
    refused = page.evaluate(
        """async () => (await fetch("/staff/api/rpc/StaffService/ListAccounts", {
            method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"})).status"""
    )
    assert refused == 403  # the daemon refuses it too (staff_role_missing)
