"""A language change in the staff console while an application is being corrected keeps what staff typed.

The outbox's check screen draws itself again in the new language (labels, buttons, the tabs); the edits not
saved yet stay in their fields and are what 「修正を保存」 then sends. The daemon runs without devices: the
application comes from a 転入 visit made over the kiosk socket (a typed, synthetic member), so nothing here
needs pcscd.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import pytest
from kiosk.v1 import common_pb2, visit_pb2
from playwright.sync_api import Page, expect

from tests.fixtures.kiosk import start_ui_server
from tests.support.frontyard import FrontyardStub, answer_everything
from tests.support.shared_daemon import start_shared_daemon
from tests.support.staff import TEST_STAFF

pytestmark = pytest.mark.e2e

EDITED_NAME = "見本 訂正"  # typed by staff (synthetic)
EDITED_FURIGANA = "みほん ていせい"
# The first name on the form (the filer) and its furigana.
NAME_INPUT = "#application-form .form-field:has([data-furigana-of]) >> nth=0 >> input[data-key]"
FURIGANA_INPUT = "#application-form input[data-furigana-of] >> nth=0"


@dataclass(frozen=True)
class Console:
    url: str
    application: str


def file_an_application(kiosk_socket: str) -> str:
    """A 転入 of one typed person, every question answered, completed: its first application's name."""
    with grpc.insecure_channel(f"unix:{kiosk_socket}") as channel:
        stub = FrontyardStub(channel)
        visit = stub.CreateVisit(
            visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date="2025-09-09")
        ).name
        member = visit_pb2.MemberInput(
            relationship="世帯主",
            name="見本 一",
            furigana="みほん はじめ",
            birth_date="1980-04-01",
            sex=common_pb2.SEX_FEMALE,
        )
        stub.AddMember(visit_pb2.AddMemberRequest(visit=visit, member=member))
        facts = visit_pb2.HouseholdFacts(new_address="鹿児島県指宿市十町2424番地", phone="0993-22-2111")
        stub.SetHouseholdFacts(visit_pb2.SetHouseholdFactsRequest(visit=visit, facts=facts))
        answer_everything(stub, visit)
        completed = stub.CompleteVisit(visit_pb2.CompleteVisitRequest(visit=visit))
    assert completed.applications, "a 転入 files applications"
    return str(completed.applications[0])


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    where = tmp_path_factory.mktemp("outbox-language")
    daemon = start_shared_daemon(where, {})
    ui = start_ui_server(where, daemon.sockets, "", [])
    try:
        application = file_an_application(str(daemon.sockets["kiosk"]))
        yield Console(str(ui.ready["staff"]), application)
    finally:
        ui.stop()
        daemon.stop()


def switch_language(page: Page, code: str) -> None:
    page.click(f"header [data-staff-language='{code}']")
    page.wait_for_function("c => document.documentElement.dataset.language === c", arg=code)


def test_a_language_change_keeps_the_unsaved_corrections(page: Page, console: Console) -> None:
    page.goto(console.url)
    page.fill("#sign-in-staff-id", TEST_STAFF.staff_id)
    page.fill("#sign-in-password", TEST_STAFF.password)
    page.click("#sign-in-submit")
    page.wait_for_selector("body[data-ready='true']")
    page.click("#tab-outbox")
    page.click(f"[data-application='{console.application}'] .open-application")
    page.wait_for_selector("#screen[data-screen='outbox-detail'] #application-form")
    original = page.input_value(NAME_INPUT)
    assert original and original != EDITED_NAME
    page.fill(NAME_INPUT, EDITED_NAME)
    page.fill(FURIGANA_INPUT, EDITED_FURIGANA)

    switch_language(page, "en")
    expect(page.locator("#save-corrections")).to_have_text("Save corrections")  # drawn again in English
    expect(page.locator("#tab-outbox")).to_have_text("Outbox")  # the tabs too
    expect(page.locator(NAME_INPUT)).to_have_value(EDITED_NAME)
    expect(page.locator(FURIGANA_INPUT)).to_have_value(EDITED_FURIGANA)

    switch_language(page, "ja-easy")
    expect(page.locator("#save-corrections rt").first).to_have_text("しゅうせい")
    expect(page.locator(NAME_INPUT)).to_have_value(EDITED_NAME)
    page.click("#save-corrections")  # the kept edits are what is sent
    expect(page.locator("#corrected-by")).to_contain_text(TEST_STAFF.staff_id)
    expect(page.locator(NAME_INPUT)).to_have_value(EDITED_NAME)
    expect(page.locator(FURIGANA_INPUT)).to_have_value(EDITED_FURIGANA)
