"""The defects a new user met on the 1080×1920 kiosk (issue 13), one test each, against the real daemon and
simulators: untranslated domain values, questions that do not say whom they are about and have no way
back, checkboxes for exclusive options, a fee screen that contradicts itself, an empty card-wait screen, a
PIN pad in a corner, a reception number cut off, accepted empty addresses, Vietnamese accents, and a staff
console of keys and raw JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.audit import switch_language
from tests.e2e.conftest import PERSONA, PIN, enter_pin, on_screen, open_resident, start_to_confirm
from tests.fixtures.kiosk import KioskStack

pytestmark = pytest.mark.e2e

# The portrait kiosk and the same screen at 200 % zoom.
SIZES: tuple[ViewportSize, ...] = ({"width": 1080, "height": 1920}, {"width": 540, "height": 960})
KEYS = ("kokuho", "employee", "employee_dependent", "kouki", "seikatsu_hogo")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# How many lines the text of the element matching a selector takes.
LINES_OF = """s => { const r = document.createRange(); r.selectNodeContents(document.querySelector(s));
  return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size; }"""
TYPED = (
    ("妻", "指宿 花子", "いぶすき はなこ", "1960-11-23"),
    ("子", "指宿 一郎", "いぶすき いちろう", "1995-04-02"),
)


@pytest.fixture
def kiosk_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="ja-JP")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        context.close()


def to_members(kiosk: KioskStack, page: Page) -> None:
    open_resident(page, kiosk.ui_url)
    page.click("#start-life-event")
    page.click("#life-tennyu")
    on_screen(page, "members")


def add_typed(page: Page, relationship: str, name: str, furigana: str, birth: str) -> None:
    page.click(f"#screen [role='radio'][data-value='{relationship}']")
    page.click("#add-typed")
    on_screen(page, "typed-member")
    page.fill("#typed-name", name)
    page.fill("#typed-furigana", furigana)
    page.fill("#typed-birth", birth)
    page.click("#typed-save")
    on_screen(page, "members")


def to_questions(kiosk: KioskStack, page: Page) -> None:
    to_members(kiosk, page)
    for member in TYPED:
        add_typed(page, *member)
    page.click("#members-next")
    on_screen(page, "facts")
    page.fill("#fact-new-address", "鹿児島県指宿市十町2424番地")
    page.fill("#fact-old-address", "東京都世田谷区太子堂4丁目1番1号")
    page.click("#facts-next")
    on_screen(page, "question")


def answer_one(page: Page) -> None:
    """いいえ, or 次へ (a count of 0, no member picked), or the first choice."""
    if page.locator("#answer-no").count():
        page.click("#answer-no")
    elif page.locator("#answer-next").count():
        page.click("#answer-next")
    else:
        page.locator(".answer-choice").first.click()


def answer_until(page: Page, wanted: str | None) -> None:
    """Answer いいえ / the first choice / 0 until the question whose text contains ``wanted`` (None: all)."""
    for _ in range(60):
        page.wait_for_selector("#screen[data-screen='question'], #screen[data-screen='summary']")
        if page.get_attribute("#screen", "data-screen") == "summary":
            if wanted is None:
                return
            raise AssertionError(f"no question with {wanted!r}")
        text = page.inner_text("#question-text")
        if wanted is not None and wanted in text:
            return
        answer_one(page)
        page.wait_for_function(
            "t => { const q = document.querySelector('#question-text'); return !q || q.innerText !== t; }",
            arg=text,
        )
    raise AssertionError("too many questions")


def test_insurance_question_is_in_words_in_every_language(kiosk: KioskStack, kiosk_page: Page) -> None:
    """The health-insurance question (since issue 14: who is on an employer's insurance, by member) shows
    words, never the domain's values (kokuho, employee_dependent …), in ja, やさしい日本語 and en."""
    page = kiosk_page
    to_questions(kiosk, page)
    answer_until(page, "健康保険")
    controls = ".answer-choice, #screen .content .choice-button"
    texts = page.locator(controls).all_inner_texts()
    assert texts, "the question offers choices"
    assert not [key for key in KEYS if any(re.search(rf"\b{key}\b", text) for text in texts)], texts
    assert "国民健康保険" in page.inner_text("#screen")  # the help says who joins 国保
    switch_language(page, "en")
    assert not JAPANESE.search(page.inner_text("#question-text"))
    assert "National Health Insurance" in page.inner_text("#screen")
    switch_language(page, "ja-easy")
    expect(page.locator("#question-text ruby rt").first).to_be_attached()  # furigana on the question itself


def test_questions_name_the_person_and_go_back(kiosk: KioskStack, kiosk_page: Page) -> None:
    page = kiosk_page
    to_questions(kiosk, page)
    first = page.inner_text("#question-text")
    about = page.inner_text("#question-about")
    assert "指宿 花子" in about or "指宿 一郎" in about or "世帯" in about, about
    assert page.locator("#question-back").is_visible() and page.locator("#question-cancel").is_visible()
    answer_one(page)
    page.wait_for_function("t => document.querySelector('#question-text').innerText !== t", arg=first)
    page.click("#question-back")
    page.wait_for_function("t => document.querySelector('#question-text').innerText === t", arg=first)
    page.click("#question-back")  # before the first question: the household facts
    on_screen(page, "facts")


def test_questions_come_grouped_under_whom_they_are_about(kiosk: KioskStack, kiosk_page: Page) -> None:
    """Each question screen carries its group's heading (the household, or a member by name) and how many
    questions that group has left; a member's questions come together, after the household's."""
    page = kiosk_page
    to_questions(kiosk, page)
    groups: list[str] = []
    for _ in range(80):
        page.wait_for_selector("#screen[data-screen='question'], #screen[data-screen='summary']")
        if page.get_attribute("#screen", "data-screen") == "summary":
            break
        group = page.get_attribute("#question-about", "data-group") or ""
        heading = page.inner_text("#question-about")
        expect(page.locator("#question-about .about-left")).to_contain_text(re.compile(r"\d"))
        if group != "household":
            assert "指宿" in heading, heading  # the member's name, as typed or read from the card
        groups.append(group)
        text = page.inner_text("#question-text")
        picks = page.locator("#screen .content .choice-button[id^='answer-pick-']")
        if picks.count() and group != "household":
            page.click("#answer-next")  # a member's own list: none of them
        elif picks.count():
            for index in range(picks.count()):  # everyone: brings each member's own questions
                picks.nth(index).click()
            page.click("#answer-next")
        else:
            answer_one(page)
        page.wait_for_function(
            "t => { const q = document.querySelector('#question-text'); return !q || q.innerText !== t; }",
            arg=text,
        )
    runs = [group for index, group in enumerate(groups) if index == 0 or groups[index - 1] != group]
    assert groups[0] == "household" and len(set(groups)) >= 2, groups
    assert len(runs) == len(set(runs)), f"a group asked in pieces: {runs}"


def test_dog_count_is_asked_as_dogs(kiosk: KioskStack, kiosk_page: Page) -> None:
    page = kiosk_page
    to_questions(kiosk, page)
    answer_until(page, "犬を")
    label = page.inner_text("#screen .stepper-label")
    assert "犬" in label and "人数" not in label, label
    assert "世帯" in page.inner_text("#question-about")  # a household question says so


def test_household_facts_refuse_an_empty_new_address(kiosk: KioskStack, kiosk_page: Page) -> None:
    page = kiosk_page
    to_members(kiosk, page)
    add_typed(page, *TYPED[0])
    page.click("#members-next")
    on_screen(page, "facts")
    page.fill("#fact-phone", "12")
    page.click("#facts-next")
    expect(page.locator("#fact-new-address-error")).to_be_visible()
    expect(page.locator("#fact-phone-error")).to_contain_text("10")
    assert page.get_attribute("#screen", "data-screen") == "facts"
    for size in SIZES:
        page.set_viewport_size(size)
        # 電話番号 is one word: its label is on one line (no 電 / 話番号)
        lines = page.evaluate(LINES_OF, "label[for='fact-phone'] span")
        assert lines == 1, size


def test_household_scope_of_a_juminhyo_is_a_single_choice(kiosk: KioskStack, kiosk_page: Page) -> None:
    page = kiosk_page
    start_to_confirm(kiosk, page, kiosk.ui_url)
    page.click("#confirm-yes")
    page.click("[data-kind='CERTIFICATE_KIND_JUMINHYO']")
    on_screen(page, "certificate-options")
    assert page.locator("#screen input[type='checkbox']").count() == 0
    group = page.locator("[role='radiogroup']")
    group.locator("[data-value='世帯全員']").click()
    group.locator("[data-value='世帯の一部']").click()
    assert group.locator("[aria-checked='true']").count() == 1
    assert group.locator("[aria-checked='true']").get_attribute("data-value") == "世帯の一部"


def test_fee_screen_offers_one_way_to_pay_per_sentence_and_payment_has_back_and_cancel(
    kiosk: KioskStack, kiosk_page: Page
) -> None:
    page = kiosk_page
    start_to_confirm(kiosk, page, kiosk.ui_url)
    page.click("#confirm-yes")
    page.click("[data-kind='CERTIFICATE_KIND_JUMINHYO']")
    page.click("#options-next")
    on_screen(page, "fee")
    text = page.inner_text("#screen")
    assert page.locator("#fee-pay").is_visible()
    assert "窓口でお支払いください" not in text and "窓口で確定します" not in text, text
    page.click("#fee-pay")
    on_screen(page, "pay-method")
    assert page.locator("#pay-back").is_visible() and page.locator("#pay-cancel").is_visible()
    page.click("#pay-back")
    on_screen(page, "fee")
    page.click("#fee-pay")
    page.click("[data-method='PAYMENT_METHOD_EMONEY']")
    on_screen(page, "pay-done", timeout=30_000)
    result = page.inner_text("#pay-result")
    assert not re.search(r"\([a-z_]+\)", result), result  # (transit_ic), (visa)
    page.click("#pay-next")
    on_screen(page, "take-card")
    expect(page.locator("#screen svg.card-svg-take")).to_be_visible()


def test_card_wait_shows_the_reader_and_the_card(kiosk: KioskStack, kiosk_page: Page) -> None:
    page = kiosk_page
    open_resident(page, kiosk.ui_url)
    page.click("#start-certificate")
    on_screen(page, "card-wait")
    figure = page.locator("#screen svg.card-svg-place")
    expect(figure).to_be_visible()
    box = figure.bounding_box()
    assert box is not None and box["width"] >= 400, box
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.card-svg .card')).animationName")
        != "none"
    )
    assert page.locator("#card-cancel").is_visible() and page.locator("#card-back").is_visible()


def test_pin_pad_is_centred_large_and_in_plain_words(kiosk: KioskStack, kiosk_page: Page) -> None:
    page = kiosk_page
    open_resident(page, kiosk.ui_url)
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    assert "マイナンバーカードの暗証番号（数字4けた）" in page.inner_text("#pin-explain")
    assert "券面事項入力補助" not in page.inner_text("#screen")
    for size in SIZES:
        page.set_viewport_size(size)
        pad = page.locator(".pin-pad").bounding_box()
        assert pad is not None
        centre = pad["x"] + pad["width"] / 2
        assert abs(centre - size["width"] / 2) < size["width"] * 0.05, (size, pad)
        back = page.locator("#pin-back").bounding_box()
        assert back is not None and back["height"] < 130, back  # 「消す」 on one line
        submit = page.locator("#pin-submit").bounding_box()
        assert submit is not None and submit["y"] + submit["height"] <= size["height"], (size, submit)
    page.set_viewport_size({"width": 1080, "height": 1920})
    key = page.locator(".pin-key[data-key='digit']").first.bounding_box()
    assert key is not None and key["width"] >= 180 and key["height"] >= 88, key
    enter_pin(page, PIN)
    on_screen(page, "confirm")


def test_reception_number_is_a_qr_and_a_short_number_never_cut_off(
    kiosk: KioskStack, kiosk_page: Page
) -> None:
    page = kiosk_page
    to_questions(kiosk, page)
    answer_until(page, None)
    on_screen(page, "summary")
    switch_language(page, "en")
    names = page.locator("#procedure-list .procedure-name").all_inner_texts()
    reasons = page.locator("#procedure-list .procedure-reason").all_inner_texts()
    # a form's own Japanese name may follow in brackets: "Moving-in notification (転入届)"
    outside = [re.sub(r"\([^)]*\)", "", text) for text in names + reasons]
    assert names and not [text for text in outside if JAPANESE.search(text)], names + reasons
    switch_language(page, "ja-easy")
    expect(page.locator("#procedure-list .procedure-name ruby rt").first).to_be_attached()
    switch_language(page, "ja")
    page.click("#life-print")
    on_screen(page, "life-done", timeout=60_000)
    page.wait_for_selector("#reception-qr svg")
    assert re.fullmatch(r"\d{1,6}", page.inner_text("#reception-number").strip())
    assert "FY1:" not in page.inner_text("#screen")
    page.set_viewport_size({"width": 540, "height": 960})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 540
    qr = page.locator("#reception-qr svg").bounding_box()
    assert qr is not None and qr["x"] >= 0 and qr["x"] + qr["width"] <= 540, qr


def test_vietnamese_uses_a_font_with_its_letters(kiosk: KioskStack, kiosk_page: Page) -> None:
    page = kiosk_page
    open_resident(page, kiosk.ui_url)
    page.click("#language-button")
    option = page.locator("#language-chooser [data-language='vi']")
    family = option.evaluate("el => getComputedStyle(el).fontFamily")
    assert family.split(",")[0].strip().strip('"') == "DejaVu Sans", family
    assert page.evaluate("() => document.fonts.check('32px \"DejaVu Sans\"', 'Tiếng Việt')")
    option.click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_staff_console_speaks_words_logs_a_table_and_inserts_any_card(
    kiosk: KioskStack, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="ja-JP")
    try:
        staff, resident = context.new_page(), context.new_page()
        open_resident(resident, kiosk.ui_url)
        staff.goto(kiosk.staff_url)
        kiosk.sign_in(staff)
        staff.wait_for_selector("#event-log tbody tr")
        log = staff.inner_text("#event-log")
        assert "{" not in log and "state_changed" not in log, log[:300]
        assert staff.locator("#event-log th").count() == 5
        assert "IDLE" not in staff.inner_text("#device-rows")
        staff.click("#tab-kpi")
        staff.wait_for_selector("#screen[data-loaded='true']")
        assert staff.locator(".chart rect.before").count() >= 2  # 改革前 beside the measured bars
        assert "改革前" in staff.inner_text("#screen")
        staff.click("#tab-simulators")
        staff.wait_for_selector("#insert-card-P8")
        staff.wait_for_selector("[data-document='licence'] [data-persona='P5']")  # any persona's document
        staff.click("#insert-card-P8")
        on_screen(resident, "pin")  # the card flow starts from the browser alone
        enter_pin(resident, "4321")  # P8's PIN (simulators/personas/residents.json)
        on_screen(resident, "confirm")
    finally:
        context.close()


def test_idle_countdown_is_large_centred_with_one_primary_action(kiosk: KioskStack, kiosk_page: Page) -> None:
    """「まだ続けますか?」: centred on the screen, the seconds as one large number, one full-width primary
    button (≥ 88 px), readable at arm's length; the page's clock is held so the dialog stays open."""
    page = kiosk_page
    page.clock.install()
    open_resident(page, kiosk.ui_url)
    page.click("#start-life-event")  # the home screen has no idle timer: it is where a wipe goes
    on_screen(page, "life-event")
    page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 1)  # seconds
    idle_s = page.evaluate("() => fetch('/api/config').then((reply) => reply.json())")["idle_timeout_s"]
    page.clock.run_for(int(idle_s) * 1000 + 1_000)
    dialog = page.locator("[role='alertdialog'] .dialog")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box is not None
    assert abs(box["x"] + box["width"] / 2 - 540) < 20 and abs(box["y"] + box["height"] / 2 - 960) < 200, box
    assert page.locator("[role='alertdialog'] button").count() == 1  # one action
    action = page.locator("[role='alertdialog'] button").bounding_box()
    assert action is not None and action["height"] >= 88 and action["width"] >= 0.8 * box["width"], action
    number = page.locator("#idle-number")
    assert float(number.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 96
    assert number.inner_text().strip().isdigit()
    page.click("#idle-extend")
    expect(page.locator("[role='alertdialog']")).to_have_count(0)


def test_staff_console_and_sign_in_speak_the_chosen_language(kiosk: KioskStack, kiosk_page: Page) -> None:
    """Staff read labels from the language files: the sign-in form has its own language switch, and in
    English the device table shows no Japanese."""
    page = kiosk_page
    page.goto(kiosk.staff_url)
    page.click("dialog[open] [data-staff-language='en']")
    expect(page.locator("#sign-in-submit")).to_have_text("Sign in")
    kiosk.sign_in(page)
    page.wait_for_selector("#device-rows tr")
    expect(page.locator("tr[data-device='card'] .state")).to_have_text("Ready")
    assert not JAPANESE.search(page.inner_text("#screen table")), page.inner_text("#screen table")[:200]
    page.click("header [data-staff-language='ja-easy']")
    expect(page.locator("#tab-devices ruby rt").first).to_be_attached()  # furigana
    page.click("header [data-staff-language='ja']")
    expect(page.locator("tr[data-device='card'] .state")).to_have_text("待機中")
