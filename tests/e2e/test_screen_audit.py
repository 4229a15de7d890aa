"""The screen audit (tests/e2e/audit.py) over every resident and staff screen: the certificate flow paid
cashless, the life-event flow with a card member and a typed one (with its validation messages), the
shell's screens (language chooser, call staff, error, wipe), the idle countdown, the counter tablet and the
staff console (sign-in, every tab, an application in the outbox, the 管理者's account page with a TOTP
enrolment), all in ja, やさしい日本語 and en.

One browser and one kiosk stack for the module; each screen is measured in place (three languages, three
viewports), so the walk stays a single pass through each flow."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.audit import ScreenAudit, e2e_audit, switch_language
from tests.e2e.conftest import PERSONA, PIN, enter_pin, on_screen, open_resident
from tests.fixtures.kiosk import KioskStack
from tests.support.screen_audit import Overlay
from tests.support.staff import TEST_MANAGER, add_account

pytestmark = pytest.mark.e2e

SUMMARY = "test-artifacts/screen-audit.json"


@pytest.fixture(scope="module")
def audit() -> Iterator[ScreenAudit]:
    found = e2e_audit()
    yield found
    from tests.support.processes import REPO_ROOT

    path = REPO_ROOT / SUMMARY
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "screens_audited": len(found.screens),
                "identifiers_visible": found.identifiers,
                "overflowing_screens": len(found.overflowing),
                "findings": found.findings,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )


@pytest.fixture
def portrait(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="ja-JP")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        context.close()


def walk_certificate(kiosk: KioskStack, page: Page, audit: ScreenAudit) -> None:
    open_resident(page, kiosk.ui_url)
    audit.check(page, "home")
    page.click("#language-button")
    page.wait_for_selector("#language-chooser")
    audit.check(page, "language-chooser", ("ja",))
    page.click("#chooser-close")
    page.click("#start-certificate")
    on_screen(page, "card-wait")
    assert page.locator("#screen svg.card-svg").count() == 1
    audit.check(page, "card-wait")
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    audit.check(page, "pin")
    enter_pin(page, "0000")
    page.wait_for_selector(".pin .error-text")
    audit.check(page, "pin-wrong", ("ja", "en"))
    enter_pin(page, PIN)
    on_screen(page, "confirm")
    audit.check(page, "confirm")
    page.click("#confirm-yes")
    on_screen(page, "certificates")
    audit.check(page, "certificates")
    page.click("[data-kind='CERTIFICATE_KIND_JUMINHYO']")
    on_screen(page, "certificate-options")
    audit.check(page, "certificate-options")
    page.click("#options-next")
    on_screen(page, "fee")
    audit.check(page, "fee")
    page.click("#fee-pay")
    on_screen(page, "pay-method")
    audit.check(page, "pay-method")
    page.click("[data-method='PAYMENT_METHOD_CREDIT']")
    on_screen(page, "pay-done", timeout=30_000)
    audit.check(page, "pay-done")
    page.click("#pay-next")
    on_screen(page, "take-card")
    audit.check(page, "take-card")
    kiosk.card.remove()
    on_screen(page, "next-time")
    audit.check(page, "next-time")
    page.click("#next-home")
    on_screen(page, "home")


def walk_shell(kiosk: KioskStack, page: Page, audit: ScreenAudit) -> None:
    page.click("#call-staff")
    on_screen(page, "call-staff")
    audit.check(page, "call-staff")
    page.click("#call-staff-back")
    on_screen(page, "home")
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    enter_pin(page, PIN)
    on_screen(page, "confirm")
    kiosk.card.remove()
    on_screen(page, "wiped")
    audit.check(page, "wiped")
    page.click("#wiped-home")
    on_screen(page, "home")
    kiosk.card.insert_foreign_card()
    page.click("#start-certificate")
    kiosk.card.remove()
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    page.click("#pin-cancel")
    on_screen(page, "home")
    kiosk.card.remove()


def walk_life_event(kiosk: KioskStack, page: Page, audit: ScreenAudit) -> None:
    page.click("#start-life-event")
    on_screen(page, "life-event")
    audit.check(page, "life-event")
    page.click("#life-tennyu")
    on_screen(page, "members")
    audit.check(page, "members-empty")
    page.click("#add-by-card")  # no relationship chosen yet: says so, stays
    page.wait_for_selector("#relationship-error:not([hidden])")
    page.click("#relationship-0")  # 世帯主
    page.click("#add-by-card")
    on_screen(page, "card-wait")
    audit.check(page, "card-wait-member")
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    enter_pin(page, PIN)
    on_screen(page, "members")
    kiosk.card.remove()
    page.click("#relationship-1")  # 妻
    page.click("#add-typed")
    on_screen(page, "typed-member")
    page.click("#typed-save")  # empty: every required field says what is missing
    page.wait_for_selector("#typed-name-error:not([hidden])")
    audit.check(page, "typed-member-errors", ("ja", "en"))
    page.fill("#typed-name", "指宿 花子")
    page.fill("#typed-furigana", "いぶすき はなこ")
    page.fill("#typed-birth", "1960-11-23")
    page.click("#typed-female")
    page.click("#typed-save")
    on_screen(page, "members")
    audit.check(page, "members")
    page.click("#members-next")
    on_screen(page, "facts")
    page.click("#facts-next")
    page.wait_for_selector("#fact-new-address-error:not([hidden])")
    audit.check(page, "facts-errors")
    page.fill("#fact-new-address", "鹿児島県指宿市十町2424番地")
    page.fill("#fact-old-address", "東京都世田谷区太子堂4丁目1番1号")
    page.fill("#fact-phone", "0993-22-2111")
    page.click("#facts-next")
    seen: set[str] = set()
    for _ in range(60):
        page.wait_for_selector("#screen[data-screen='question'], #screen[data-screen='summary']")
        if page.get_attribute("#screen", "data-screen") == "summary":
            break
        text = page.inner_text("#question-text")
        kind = (
            "count"
            if page.locator("#answer-next").count()
            else "choice"
            if page.locator(".answer-choice").count()
            else "bool"
        )
        if kind not in seen:
            seen.add(kind)
            audit.check(page, f"question-{kind}")
        if kind == "bool":
            page.click("#answer-no")
        elif kind == "count":
            page.click("#answer-next")
        else:
            page.locator(".answer-choice").first.click()
        page.wait_for_function(
            "t => { const q = document.querySelector('#question-text'); return !q || q.innerText !== t; }",
            arg=text,
        )
    on_screen(page, "summary")
    audit.check(page, "summary")
    page.click("#life-print")
    on_screen(page, "life-done", timeout=60_000)
    page.wait_for_selector("#reception-qr svg")
    audit.check(page, "life-done")
    page.click("#life-home")
    on_screen(page, "home")


def idle_dialog(page: Page) -> Overlay:
    """The page's own idle countdown on a page whose clock is held: time is moved past the idle timeout to
    open it (it then stays open, counting nothing), 続ける closes it; the clock runs while axe-core does."""
    config = page.evaluate("() => fetch('/api/config').then((reply) => reply.json())")
    idle_ms = int(config["idle_timeout_s"]) * 1000

    def open_it(opened: Page) -> None:
        opened.clock.run_for(idle_ms + 1_000)
        opened.wait_for_selector("#idle-dialog #idle-extend")

    def close_it(opened: Page) -> None:
        opened.click("#idle-extend")
        opened.wait_for_selector("#idle-dialog", state="detached")

    def hold(opened: Page) -> None:
        opened.clock.pause_at(opened.evaluate("() => Date.now()") / 1000 + 0.1)  # seconds

    return Overlay(
        open=open_it, close=close_it, before_axe=lambda opened: opened.clock.resume(), after_axe=hold
    )


def walk_idle(kiosk: KioskStack, page: Page, audit: ScreenAudit) -> None:
    page.clock.install()
    open_resident(page, kiosk.ui_url)
    page.click("#start-life-event")  # the home screen has no idle timer: it is where a wipe goes
    on_screen(page, "life-event")
    dialog = idle_dialog(page)
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)  # seconds
    dialog.open(page)
    audit.check(page, "idle-countdown", overlay=dialog)
    assert page.locator("#idle-dialog").count() == 0  # closed by 続ける after the last language


def walk_counter_tablet(kiosk: KioskStack, page: Page, audit: ScreenAudit) -> None:
    """The counter tablet's own screens: its sign-in, payment by the reception slip, a member read by the
    camera."""
    page.goto(kiosk.counter_url)
    page.wait_for_selector("dialog[open] #sign-in-form")
    audit.check(page, "counter-sign-in")
    kiosk.sign_in(page)  # the counter tablet is a staff page
    page.wait_for_selector("body[data-ready='true']")
    on_screen(page, "home")
    page.click("#start-counter-payment")
    on_screen(page, "counter-pay")
    audit.check(page, "counter-pay")
    page.click("#reception-cancel")
    on_screen(page, "home")
    page.click("#start-life-event")
    page.click("#life-tennyu")
    on_screen(page, "members")
    kiosk.sim("camera", "place", document="licence", persona="P1")
    page.click("#screen [role='radio'][data-value='世帯主']")
    page.click("#add-by-camera")
    on_screen(page, "camera-review", timeout=45_000)
    audit.check(page, "camera-review")
    page.click("#camera-back")
    on_screen(page, "members")
    page.click("#members-cancel")
    on_screen(page, "home")
    kiosk.sim("camera", "remove")


def walk_staff(kiosk: KioskStack, page: Page, audit: ScreenAudit) -> None:
    page.goto(kiosk.staff_url)
    page.wait_for_selector("dialog[open] #sign-in-form")
    audit.check(page, "staff-sign-in")
    kiosk.sign_in(page)
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#device-rows tr")
    page.wait_for_selector("#event-log tbody tr")
    for tab in ("devices", "outbox", "payments", "kpi", "simulators"):
        page.click(f"#tab-{tab}")
        page.wait_for_selector(f"#screen[data-screen='{tab}'][data-loaded='true']")
        audit.check(page, f"staff-{tab}")
    page.click("#tab-outbox")
    page.wait_for_selector("#screen[data-screen='outbox'][data-loaded='true']")
    if page.locator(".open-application").count():  # an application from the life-event walk
        page.locator(".open-application").first.click()
        page.wait_for_selector("#application-form")
        audit.check(page, "staff-outbox-detail")


# The account page's own words (not the accounts' data): in English, none of them may be Japanese.
ACCOUNT_WORDS = (
    "#screen :is(h1, h2, caption, th[scope=col], legend, label, button, option, figcaption,"
    " .account-state, #totp-enrolment p > span)"
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def japanese_account_words(page: Page) -> list[str]:
    switch_language(page, "en")
    words: list[str] = page.locator(ACCOUNT_WORDS).evaluate_all("all => all.map((e) => e.innerText)")
    switch_language(page, "ja")
    assert len(words) > 20, words
    return [word for word in words if JAPANESE.search(word)]


def walk_accounts(kiosk: KioskStack, page: Page, audit: ScreenAudit) -> None:
    """The 管理者's account page: the list with the add and reset forms, then a new account's TOTP
    enrolment (its QR is shown once: it stays on screen through every language switch)."""
    add_account(kiosk.directory / "storage", TEST_MANAGER)  # the daemon reads its accounts at each sign-in
    page.goto(kiosk.staff_url)
    page.wait_for_selector("dialog[open] #sign-in-form")
    kiosk.sign_in(page, TEST_MANAGER)
    page.wait_for_selector("body[data-ready='true']")
    page.click("#tab-accounts")
    page.wait_for_selector("#screen[data-screen='accounts'][data-loaded='true']")
    page.click(f"[data-account='{TEST_MANAGER.staff_id}'] button.secondary")  # 再設定: the reset form
    page.wait_for_selector("#account-reset")
    page.fill("#account-name", "audit")  # typed, not sent: kept through the language switches
    audit.check(page, "staff-accounts")
    assert page.input_value("#account-name") == "audit"
    assert not japanese_account_words(page)
    page.fill("#account-staff-id", "A0042")
    page.fill("#account-name", "監査 見本")
    page.check("#account-add-role-0")
    page.fill("#account-password", "a first password for A0042")
    page.check("#account-totp")
    page.click("#account-add-submit")
    page.wait_for_selector("#totp-qr svg")
    secret = page.inner_text("#totp-secret")
    audit.check(page, "staff-accounts-totp")
    assert page.inner_text("#totp-secret") == secret  # still the one enrolment, shown once
    assert not japanese_account_words(page)
    page.click("#totp-done")
    page.wait_for_selector("#totp-enrolment", state="detached")


def findings_of(audit: ScreenAudit, walk: Callable[[], None]) -> list[str]:
    """Walk; the findings this walk added."""
    before = len(audit.findings)
    walk()
    return audit.findings[before:]


def test_certificate_screens(kiosk: KioskStack, portrait: Page, audit: ScreenAudit) -> None:
    found = findings_of(audit, lambda: walk_certificate(kiosk, portrait, audit))
    assert not found, "\n".join(found)


def test_shell_screens(kiosk: KioskStack, portrait: Page, audit: ScreenAudit) -> None:
    open_resident(portrait, kiosk.ui_url)
    found = findings_of(audit, lambda: walk_shell(kiosk, portrait, audit))
    assert not found, "\n".join(found)


def test_life_event_screens(kiosk: KioskStack, portrait: Page, audit: ScreenAudit) -> None:
    open_resident(portrait, kiosk.ui_url)
    found = findings_of(audit, lambda: walk_life_event(kiosk, portrait, audit))
    assert not found, "\n".join(found)


def test_idle_countdown(kiosk: KioskStack, portrait: Page, audit: ScreenAudit) -> None:
    found = findings_of(audit, lambda: walk_idle(kiosk, portrait, audit))
    assert not found, "\n".join(found)


def test_counter_tablet_screens(kiosk: KioskStack, portrait: Page, audit: ScreenAudit) -> None:
    found = findings_of(audit, lambda: walk_counter_tablet(kiosk, portrait, audit))
    assert not found, "\n".join(found)


def test_staff_screens(kiosk: KioskStack, portrait: Page, audit: ScreenAudit) -> None:
    found = findings_of(audit, lambda: walk_staff(kiosk, portrait, audit))
    assert not found, "\n".join(found)
    assert len(audit.screens) >= 25, audit.screens


def test_staff_account_screens(kiosk: KioskStack, portrait: Page, audit: ScreenAudit) -> None:
    found = findings_of(audit, lambda: walk_accounts(kiosk, portrait, audit))
    assert not found, "\n".join(found)
