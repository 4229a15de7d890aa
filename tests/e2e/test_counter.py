"""Payment at the counter (approved, declined) and the life-event flow (書かない窓口), end to end."""

from __future__ import annotations

import re
from typing import Any

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
    start_to_confirm,
)
from tests.fixtures.kiosk import KioskStack
from tests.support.staff import TEST_STAFF

pytestmark = pytest.mark.e2e


def last_terminal_record(kiosk: KioskStack) -> dict[str, Any] | None:
    """The newest record of the payment terminal's own transaction log (what it charged)."""
    log = kiosk.sim_state("zvt_terminal").get("log", [])
    return dict(log[-1]) if log else None


def to_fee(kiosk: KioskStack, page: Page) -> None:
    start_to_confirm(kiosk, page, kiosk.ui_url)
    page.click("#confirm-yes")
    page.click("[data-kind='CERTIFICATE_KIND_JUMINHYO']")
    page.click("#options-next")
    on_screen(page, "fee")


def test_payment_approved_then_print_and_commit(kiosk: KioskStack, page: Page) -> None:
    to_fee(kiosk, page)
    before = last_terminal_record(kiosk)
    kiosk.sim("zvt_terminal", "script", outcomes=["approve"])
    page.click("#fee-pay")
    on_screen(page, "pay-method")
    assert "300" in page.inner_text("#pay-amount")
    capture(page, "pay-method")
    page.click("[data-method='PAYMENT_METHOD_CREDIT']")
    on_screen(page, "pay-done", timeout=30_000)
    assert "300" in page.inner_text("#pay-result")
    capture(page, "pay-done")
    page.click("#pay-next")
    on_screen(page, "take-card")
    sale = last_terminal_record(kiosk)
    assert sale is not None and sale != before, "the terminal recorded no new sale"
    assert (sale["kind"], sale["outcome"], sale["method"]) == ("SALE", "APPROVED", "CREDIT"), sale
    assert sale["amount"] == 300, sale


def test_payment_declined_shows_what_to_do(kiosk: KioskStack, page: Page) -> None:
    to_fee(kiosk, page)
    kiosk.sim("zvt_terminal", "script", outcomes=["decline"])
    page.click("#fee-pay")
    page.click("[data-method='PAYMENT_METHOD_EMONEY']")
    on_screen(page, "error", timeout=30_000)
    assert page.get_attribute(".error-screen", "data-reason") == "payment_declined"
    expect(page.locator(".error-screen .todo")).to_contain_text("現金")
    capture(page, "error-payment-declined")


def test_counter_payment_by_the_reception_slips_qr(kiosk: KioskStack, page: Page) -> None:
    """The kiosk prints a 受付票 (pay at the counter); the counter tablet reads its QR and takes the fee."""
    to_fee(kiosk, page)
    kiosk.sim("escpos_printer", "clear")
    page.click("#fee-print")
    on_screen(page, "take-card")
    kiosk.card.remove()
    on_screen(page, "next-time")
    codes = [
        code for receipt in kiosk.sim_state("escpos_printer")["receipts"] for code in receipt.get("qr", [])
    ]
    assert codes, "the 受付票 carries a reception QR"

    page.goto(kiosk.counter_url)
    kiosk.sign_in(page)  # the counter tablet is a staff page
    on_screen(page, "home")
    page.click("#start-counter-payment")
    on_screen(page, "counter-pay")
    capture(page, "counter-pay-scan")
    page.fill(
        "#reception-code", codes[-1][:-1] + ("A" if codes[-1][-1] != "A" else "B")
    )  # a wedge reader types
    page.click("#reception-find")
    on_screen(page, "error")
    assert page.get_attribute(".error-screen", "data-reason") == "reception_code_forged"
    capture(page, "error-reception-forged")
    page.click("#error-retry")
    on_screen(page, "counter-pay")

    kiosk.sim("zvt_terminal", "script", outcomes=["approve"])
    kiosk.sim("camera", "place", document="qr", payload=codes[-1])
    on_screen(page, "counter-order", timeout=30_000)
    kiosk.sim("camera", "remove")
    assert "300" in page.inner_text("#order-total")
    capture(page, "counter-order")
    page.click("#order-pay")
    page.click("[data-method='PAYMENT_METHOD_CREDIT']")
    on_screen(page, "pay-done", timeout=30_000)
    page.click("#pay-next")
    on_screen(page, "counter-paid")
    capture(page, "counter-paid")
    page.click("#counter-paid-home")
    on_screen(page, "home")


def test_life_event_tennyu_card_and_typed_member_to_print(kiosk: KioskStack, page: Page) -> None:
    page.goto(kiosk.ui_url)
    on_screen(page, "home")
    page.click("#start-life-event")
    capture(page, "life-event-choose")
    page.click("#life-tennyu")
    on_screen(page, "members")
    capture(page, "life-members-empty")
    page.click("#screen [role='radio'][data-value='世帯主']")
    page.click("#add-by-card")
    on_screen(page, "card-wait")
    capture(page, "life-place-card")
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    enter_pin(page, PIN)
    on_screen(page, "members")
    expect(page.locator("#member-list")).to_contain_text(FAMILY_NAME)
    kiosk.card.remove()
    page.click("#screen [role='radio'][data-value='妻']")
    page.click("#add-typed")
    on_screen(page, "typed-member")
    page.fill("#typed-name", "指宿 花子")
    page.fill("#typed-furigana", "いぶすき はなこ")
    page.fill("#typed-birth", "1960-11-23")
    page.click("#typed-female")
    capture(page, "life-typed-member")
    page.click("#typed-save")
    on_screen(page, "members")
    expect(page.locator("#member-list li")).to_have_count(2)
    capture(page, "life-members")
    page.click("#members-next")
    on_screen(page, "facts")
    page.fill("#fact-new-address", "鹿児島県指宿市十町2424番地")
    page.fill("#fact-old-address", "東京都世田谷区太子堂4丁目1番1号")
    capture(page, "life-facts")
    page.click("#facts-next")
    answered = 0
    while answered < 40:
        page.wait_for_selector("#screen[data-screen='question'], #screen[data-screen='summary']")
        if page.get_attribute("#screen", "data-screen") == "summary":
            break
        if answered == 0:
            capture(page, "life-question")
        text = page.inner_text("#question-text")
        if page.locator("#answer-no").count():
            page.click("#answer-no")
        elif page.locator("#answer-next").count():
            page.click("#answer-next")
        else:
            page.locator("#screen .answer-choice").first.click()
        changed = "t => (document.querySelector('#question-text') || {}).innerText !== t"
        page.wait_for_function(changed, arg=text)
        answered += 1
    on_screen(page, "summary")
    assert page.locator("#procedure-list li").count() > 0
    capture(page, "life-summary")
    page.click("#life-print")
    on_screen(page, "life-done", timeout=60_000)
    assert page.inner_text("#reception-code").strip()
    capture(page, "life-done")
    page.click("#life-home")
    on_screen(page, "home")
    assert_wiped(page)


CORRECTED = "見本 訂正"  # typed by staff in the outbox check (synthetic)
LICENCE = {
    "name": "髙橋\u3000一郎",  # the register form 髙: the camera may read 高, so it always asks staff
    "address": "鹿児島県指宿市湊1丁目2番3号",
    "birth_date": "1975-04-12",
    "licence_number": "642013578902",
    "expiry": "2027-06-30",
}


def test_counter_tablet_adds_a_member_from_a_licence_by_camera(kiosk: KioskStack, page: Page) -> None:
    # The resident kiosk (kiosk socket) has no camera: ReadDocument is staff-only.
    page.goto(kiosk.ui_url)
    on_screen(page, "home")
    page.click("#start-life-event")
    page.click("#life-tennyu")
    on_screen(page, "members")
    assert page.locator("#add-by-camera").count() == 0
    page.click("#members-cancel")
    # The counter tablet: the same screens on the staff bridge.
    page.goto(kiosk.counter_url)
    kiosk.sign_in(page)
    page.wait_for_selector("body[data-ready='true']")
    on_screen(page, "home")
    page.click("#start-life-event")
    page.click("#life-tennyu")
    on_screen(page, "members")
    kiosk.sim("camera", "place", document="licence", fields=LICENCE)
    page.click("#screen [role='radio'][data-value='世帯主']")
    page.click("#add-by-camera")
    on_screen(page, "camera-review", timeout=45_000)
    capture(page, "life-camera-review")
    name_field = page.locator(".read-field[data-field='DOCUMENT_FIELD_NAME']")
    # Flagged by text and icon, not colour only, with the reason; staff types the register form.
    expect(name_field).to_have_class(re.compile("needs-confirmation"))
    expect(name_field.locator(".confirm-note")).to_contain_text("確認")
    expect(name_field.locator(".confirm-reason[data-reason='variant_character']")).to_contain_text("異体字")
    page.fill("#camera-name", LICENCE["name"])
    page.click("#camera-add")
    on_screen(page, "members")
    expect(page.locator("#member-list")).to_contain_text("髙橋")
    page.click("#members-cancel")
    on_screen(page, "home")
    assert "髙橋" not in page.content()
    kiosk.sim("camera", "remove")


def test_staff_console_devices_simulators_outbox_payments_kpi(kiosk: KioskStack, page: Page) -> None:
    """Runs after the flows above in this module: their applications and payments are in the journals."""
    page.goto(kiosk.staff_url)
    kiosk.sign_in(page)
    page.wait_for_selector("body[data-ready='true']")
    for slot in ("card", "receipt", "forms", "payment"):
        expect(page.locator(f"tr[data-device='{slot}'] .state")).to_have_text("待機中")
    capture(page, "staff-devices")

    page.click("#tab-simulators")
    page.wait_for_selector("section[data-sim='simulators/escpos_printer']")
    capture(page, "staff-simulators")
    page.click("section[data-sim='simulators/escpos_printer'] button[data-action='cover']")
    expect(page.locator("#sim-status")).to_contain_text("ふたを開ける")
    page.click("#tab-devices")
    expect(page.locator("tr[data-device='receipt'] .state")).to_have_text("エラー", timeout=15_000)
    expect(page.locator("tr[data-device='receipt']")).to_contain_text("ふたが開いている")
    expect(page.locator("#event-log")).to_contain_text("状態の変化")  # a table in words, not keys
    capture(page, "staff-devices-cover-open")
    kiosk.sim("escpos_printer", "clear")

    page.click("#tab-outbox")
    page.wait_for_selector("#screen[data-screen='outbox'] table")
    rows = page.locator("#screen[data-screen='outbox'] tbody tr")
    before = rows.count()
    capture(page, "staff-outbox")
    assert before > 0, "the life event above left applications awaiting a check"
    rows.first.locator(".open-application").click()
    page.wait_for_selector("#screen[data-screen='outbox-detail'] #application-form")
    capture(page, "staff-outbox-check")
    name_input = page.locator("#application-form .form-field:has([data-furigana-of]) input[data-key]").first
    name_input.fill(CORRECTED)
    expect(page.locator("#acting-staff")).to_contain_text(TEST_STAFF.staff_id)  # signed in, not typed
    page.click("#save-corrections")
    expect(page.locator("#outbox-status")).to_contain_text("修正を保存しました")
    expect(page.locator("#corrected-by")).to_contain_text(TEST_STAFF.staff_id)
    expect(
        page.locator("#application-form .form-field:has([data-furigana-of]) input[data-key]").first
    ).to_have_value(CORRECTED)
    page.click("#release-application")
    page.wait_for_selector("#screen[data-screen='outbox'] table")
    expect(rows).to_have_count(before - 1)

    page.click("#tab-payments")
    page.wait_for_selector("#screen[data-screen='payments'] tbody")
    states = page.locator("#screen[data-screen='payments'] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.state)"
    )
    assert "PAYMENT_STATE_COMMITTED" in states or "PAYMENT_STATE_APPROVED" in states, states
    assert "PAYMENT_STATE_DECLINED" in states, states
    page.click("#close-dry")
    page.wait_for_selector("#daily-close h2")
    capture(page, "staff-payments")

    page.click("#tab-kpi")
    page.wait_for_selector("#kpi-writes")
    capture(page, "staff-kpi")

    ui_log = (kiosk.directory / "ui-0.log").read_text(encoding="utf-8")
    for secret in (PIN, "太郎", "花子", "十町", CORRECTED):
        assert secret not in ui_log, "the UI server logs no PIN, name or address"


def test_tennyu_member_by_licence_shows_the_gaiji_image_and_asks_to_confirm(
    kiosk: KioskStack, page: Page
) -> None:
    page.goto(kiosk.ui_url)
    on_screen(page, "home")
    page.click("#start-life-event")
    page.click("#life-tennyu")
    on_screen(page, "members")
    page.click("#screen [role='radio'][data-value='世帯主']")
    page.click("#add-by-licence")
    on_screen(page, "card-wait")
    kiosk.card.insert_licence("L2")  # 髙橋 健一: 髙 is a 外字 on the licence
    on_screen(page, "pin")
    enter_pin(page, "2468")
    on_screen(page, "members")
    member = page.locator("#member-list li").first
    expect(member).to_contain_text("〓橋")
    expect(member.locator("img.gaiji")).to_have_count(1)
    expect(member).to_contain_text("氏名を確認")
    capture(page, "life-member-by-licence")
    kiosk.card.remove()


def test_every_life_event_is_offered_and_death_runs_with_typed_members(kiosk: KioskStack, page: Page) -> None:
    """The chooser offers all seven events from ListLifeEvents; おくやみ runs on typed members (no card),
    members questions are answered with checkboxes, and the summary lists the survivors' procedures."""
    page.goto(kiosk.ui_url)
    on_screen(page, "home")
    page.click("#start-life-event")
    for key in ("tennyu", "birth", "tenshutsu", "tenkyo", "marriage", "divorce", "death"):
        expect(page.locator(f"#life-{key}")).to_be_visible()
    capture(page, "life-event-choose-all")
    page.click("#life-death")
    on_screen(page, "members")
    for relationship, name, birth in (
        ("世帯主", "指宿 一郎", "1950-02-11"),
        ("妻", "指宿 良子", "1953-07-30"),
    ):
        page.click(f"#screen [role='radio'][data-value='{relationship}']")
        page.click("#add-typed")
        on_screen(page, "typed-member")
        page.fill("#typed-name", name)
        page.fill("#typed-birth", birth)
        page.click("#typed-save")
        on_screen(page, "members")
    page.click("#members-next")
    on_screen(page, "facts")
    page.click("#facts-next")
    for _ in range(30):
        page.wait_for_selector("#screen[data-screen='question'], #screen[data-screen='summary']")
        if page.get_attribute("#screen", "data-screen") == "summary":
            break
        text = page.inner_text("#question-text")
        if page.locator("#answer-pick-0").count():
            page.click("#answer-pick-0")  # the first member (the deceased, then whoever is offered)
            page.click("#answer-next")
        elif page.locator("#answer-no").count():
            page.click("#answer-no")
        elif page.locator("#answer-next").count():
            page.click("#answer-next")
        else:
            page.locator("#screen .answer-choice").first.click()
        changed = "t => (document.querySelector('#question-text') || {}).innerText !== t"
        page.wait_for_function(changed, arg=text)
    on_screen(page, "summary")
    expect(page.locator("#procedure-list")).to_contain_text("死亡届")
    capture(page, "life-death-summary")
