"""The page follows the daemon's resident session: countdown from SESSION_EVENT_KIND_EXPIRING,
ExtendSession, and the wipe on SESSION_EVENT_KIND_ENDED; and the PIN pad shows the tries left from the card
event (no GetPinStatus)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request

from tests.e2e.conftest import (
    FAMILY_NAME,
    PERSONA,
    PIN,
    assert_wiped,
    capture,
    enter_pin,
    on_screen,
    open_resident,
)
from tests.fixtures.kiosk import KioskStack

pytestmark = pytest.mark.e2e

# This module's daemon ends an idle resident session after 8 s and warns 5 s before (see kiosk_stack).
KIOSK_CARD_OPTIONS = {"idle_timeout_s": 8, "warn_before_s": 5}


def test_daemon_session_drives_the_countdown_extend_and_wipe(kiosk: KioskStack, page: Page) -> None:
    calls: list[str] = []

    def record(request: Request) -> None:
        if "/api/rpc/" in request.url:
            calls.append(request.url.rsplit("/api/rpc/", 1)[1])

    page.on("request", record)
    open_resident(page, kiosk.ui_url)
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    assert "CardService/GetPinStatus" not in calls, "the tries left come with the card event"
    enter_pin(page, PIN)
    on_screen(page, "confirm")
    assert FAMILY_NAME in page.inner_text("#resident-name")
    assert page.get_attribute("body", "data-idle") == "session"

    # SESSION_EVENT_KIND_EXPIRING: the daemon's countdown, with the seconds left to its expire_time.
    page.wait_for_selector("#idle-countdown[data-mode='session']", timeout=10_000)
    assert "秒" in page.inner_text("#idle-countdown")
    capture(page, "idle-warning-session")
    with page.expect_request(lambda request: "/api/rpc/CardService/ExtendSession" in request.url):
        page.click("#idle-extend")
    page.wait_for_function("() => !document.querySelector('#idle-countdown')", timeout=2_000)
    assert FAMILY_NAME in page.inner_text("#resident-name")

    # Not extended again: the daemon ends the session (SESSION_EVENT_KIND_ENDED idle_timeout); the page wipes.
    page.wait_for_selector("#idle-countdown[data-mode='session']", timeout=10_000)
    on_screen(page, "wiped", timeout=15_000)
    assert_wiped(page)
