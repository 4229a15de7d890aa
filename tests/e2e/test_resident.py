"""Certificate self-service end to end: card, PIN, name and address, certificate, print, take the card."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    FAMILY_NAME,
    PERSONA,
    PIN,
    assert_wiped,
    capture,
    enter_pin,
    on_screen,
    open_resident,
    start_to_confirm,
)
from tests.fixtures.kiosk import KioskStack

pytestmark = pytest.mark.e2e


def test_home_then_certificate_flow_card_pin_print_and_wipe(kiosk: KioskStack, page: Page) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    open_resident(page, kiosk.ui_url)
    capture(page, "home")
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    assert "3" in page.inner_text("#pin-tries")
    capture(page, "pin")
    for key in page.locator(".pin-key, .pin-submit").all():
        box = key.bounding_box()
        assert box is not None and box["width"] >= 60 and box["height"] >= 60, box
    page.locator(".pin-key[data-key='digit']", has_text="1").click()
    page.locator(".pin-key[data-key='digit']", has_text="2").click()
    assert page.inner_text("#pin-dots").count("●") == 2
    assert "12" not in page.inner_text("#pin-dots")
    page.click("#pin-back")
    page.click("#pin-back")
    enter_pin(page, PIN)
    on_screen(page, "confirm")
    assert FAMILY_NAME in page.inner_text("#resident-name")
    assert page.inner_text("#resident-address")
    capture(page, "confirm-name-address")
    page.click("#confirm-yes")
    on_screen(page, "certificates")
    capture(page, "certificates")
    page.click("[data-kind='CERTIFICATE_KIND_JUMINHYO']")
    on_screen(page, "certificate-options")
    page.click("#copies-plus")
    assert page.inner_text("#copies") == "2"
    capture(page, "certificate-options")
    page.click("#options-next")
    on_screen(page, "fee")
    assert page.inner_text("#fee-copies") == "2"
    assert "600" in page.inner_text("#fee-total")
    capture(page, "fee")
    page.click("#fee-print")
    on_screen(page, "take-card")
    assert page.inner_text("#ticket-number").strip()
    capture(page, "take-card")
    kiosk.card.remove()
    on_screen(page, "next-time")
    capture(page, "next-time")
    assert_wiped(page)
    assert all(PIN not in url for url in urls), "the PIN never goes in a URL"
    receipts = kiosk.sim_state("escpos_printer").get("receipts", [])
    assert receipts, "a numbered receipt was printed"


def test_last_try_warning_then_lock(kiosk: KioskStack, page: Page) -> None:
    # The card event carries the tries left read on arrival; two wrong PINs leave one.
    open_resident(page, kiosk.ui_url)
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    for left in ("2", "1"):
        enter_pin(page, "0000")
        page.wait_for_selector(".pin .error-text")
        page.wait_for_function("n => document.querySelector('#pin-tries').innerText.includes(n)", arg=left)
    page.wait_for_selector("#pin-last-try")
    assert "1" in page.inner_text("#pin-tries")
    capture(page, "pin-last-try-warning")
    enter_pin(page, "9999")
    on_screen(page, "error")
    assert page.get_attribute(".error-screen", "data-reason") == "pin_blocked"
    capture(page, "error-pin-blocked")
    page.click("#error-home")
    on_screen(page, "home")


def test_wrong_pin_shows_tries_left(kiosk: KioskStack, page: Page) -> None:
    open_resident(page, kiosk.ui_url)
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    enter_pin(page, "0000")
    page.wait_for_selector(".pin .error-text")
    assert "2" in page.inner_text("#pin-tries")
    capture(page, "pin-wrong")


def test_card_removed_mid_flow_wipes(kiosk: KioskStack, page: Page) -> None:
    start_to_confirm(kiosk, page, kiosk.ui_url)
    kiosk.card.remove()
    on_screen(page, "wiped")
    assert_wiped(page)
    capture(page, "wiped-card-removed")


def test_an_earlier_wipes_timer_does_not_cut_a_later_wipe_screen_short(kiosk: KioskStack, page: Page) -> None:
    """Each wipe screen goes home by itself after 8 s; only its own timer may send it there.

    The page's clock is Playwright's: the test jumps over the seconds instead of waiting for them.
    """
    page.clock.install()
    start_to_confirm(kiosk, page, kiosk.ui_url)
    kiosk.card.remove()
    on_screen(page, "wiped")  # the first wipe's 8 s timer starts
    page.click("#wiped-home")
    on_screen(page, "home")
    page.clock.fast_forward(2_000)  # the second wipe comes well after the first: their timers are apart
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    enter_pin(page, PIN)
    on_screen(page, "confirm")
    kiosk.card.remove()
    on_screen(page, "wiped")  # the second wipe's timer starts, ≥ 2 s after the first's
    page.clock.fast_forward(7_000)  # past the first timer (≥ 9 s after it started), short of the second
    assert page.get_attribute("#screen", "data-screen") == "wiped"
    page.clock.fast_forward(1_500)  # the second wipe's own timer
    on_screen(page, "home", timeout=5_000)


def test_idle_timeout_without_a_session_is_the_pages_own(kiosk: KioskStack, page: Page) -> None:
    """No card, so no resident session: the page's own timer warns, extends, then wipes."""
    ui = kiosk.start_ui("--idle-timeout", "1", "--idle-warning", "3")
    open_resident(page, ui.ready["ui"])
    page.click("#start-life-event")
    page.wait_for_selector("#idle-countdown[data-mode='page']", timeout=5_000)
    assert "秒" in page.inner_text("#idle-countdown")
    capture(page, "idle-warning")
    page.click("#idle-extend")
    assert page.locator("#idle-countdown").count() == 0
    assert page.get_attribute("#screen", "data-screen") == "life-event"
    on_screen(page, "wiped", timeout=10_000)
    assert_wiped(page)
    capture(page, "wiped-timeout")


def test_printer_out_of_paper_mid_flow_then_retry(kiosk: KioskStack, page: Page) -> None:
    start_to_confirm(kiosk, page, kiosk.ui_url)
    page.click("#confirm-yes")
    page.click("[data-kind='CERTIFICATE_KIND_JUMINHYO']")
    page.click("#options-next")
    on_screen(page, "fee")
    kiosk.sim("escpos_printer", "paper", state="out")
    page.click("#fee-print")
    on_screen(page, "error", timeout=30_000)
    reason = page.get_attribute(".error-screen", "data-reason")
    assert reason in ("paper_out", "printer_not_ready", "media_empty"), reason
    assert "用紙" in page.inner_text(".error-screen h1")
    capture(page, "error-paper-out")
    kiosk.sim("escpos_printer", "refill")
    page.click("#error-retry")
    on_screen(page, "take-card", timeout=30_000)


def choose_language(page: Page, code: str) -> None:
    """The header's one language button opens the full-screen chooser."""
    page.click("#language-button")
    page.click(f"#language-chooser [data-language='{code}']")
    expect(page.locator("#language-chooser")).to_have_count(0)


def test_keyboard_only_and_languages(kiosk: KioskStack, page: Page) -> None:
    open_resident(page, kiosk.ui_url)
    choose_language(page, "en")
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    capture(page, "home-en")
    choose_language(page, "ja-easy")
    expect(page.locator("h1 ruby rt").first).to_be_attached()  # やさしい日本語 has furigana
    capture(page, "home-ja-easy")
    choose_language(page, "vi")
    expect(page.locator("#start-certificate")).to_have_text("Nhận giấy chứng nhận")
    # a key the Vietnamese file does not have yet falls back to Japanese
    expect(page.locator(".notices h2")).to_have_text("お知らせ")
    choose_language(page, "ja")
    expect(page.locator("h1")).to_contain_text("ようこそ")
    # keyboard only from here: Tab to the certificate button, Enter, PIN by the number keys, Enter
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    page.keyboard.press("Tab")
    for _ in range(12):
        if page.evaluate("document.activeElement && document.activeElement.classList.contains('pin-key')"):
            break
        page.keyboard.press("Tab")
    for digit in PIN:
        page.keyboard.press(digit)
    for _ in range(20):  # the pad's keys, then the action bar's 決定
        if page.evaluate("document.activeElement && document.activeElement.id === 'pin-submit'"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    on_screen(page, "confirm")
    for _ in range(6):  # the content (「ちがう」), then the action bar's 正しい
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "confirm-yes":
            break
    assert page.evaluate("document.activeElement.id") == "confirm-yes"
    page.keyboard.press("Enter")
    on_screen(page, "certificates")
    for button in page.locator("button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, (button.inner_text(), box)
