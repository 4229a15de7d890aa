"""Headless Chromium (Debian's) driven by Playwright, plus the per-screen checks every e2e test uses:
a screenshot in both orientations (test-artifacts/screenshots/) and an axe-core audit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.fixtures.kiosk import KioskStack
from tests.support.processes import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PORTRAIT: ViewportSize = {"width": 1080, "height": 1920}
LANDSCAPE: ViewportSize = {"width": 1920, "height": 1080}
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
_AXE = Axe()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=LANDSCAPE, locale="ja-JP", device_scale_factor=1)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        context.close()


def serious_violations(page: Page) -> list[dict[str, Any]]:
    results = _AXE.run(page)
    violations = results.response.get("violations", [])
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


def capture(page: Page, name: str, audit: bool = True) -> None:
    """Screenshot ``name`` in portrait and landscape, and fail on any serious/critical axe violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
    before = page.viewport_size or LANDSCAPE
    for label, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{safe}-{label}.png"))
    page.set_viewport_size(before)
    if audit:
        found = serious_violations(page)
        assert not found, f"axe: serious/critical violations on {name}: {found}"


def open_resident(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#screen[data-screen='home']")


def on_screen(page: Page, name: str, timeout: float = 15_000) -> None:
    page.wait_for_selector(f"#screen[data-screen='{name}']", timeout=timeout)


# The test household's first member (simulators/personas/residents.json), and resident-flow helpers.
PERSONA, PIN, FAMILY_NAME = "P1", "1234", "指宿"
PERSONAL = ("太郎", "花子", "十町", "2424")  # given names and the address of the test household


def assert_wiped(page: Page) -> None:
    """No name or address of the household anywhere in the page (text or form fields)."""
    html = page.content()
    left = [fact for fact in PERSONAL if fact in html]
    assert not left, f"personal data still in the page: {left}"


def enter_pin(page: Page, pin: str) -> None:
    for digit in pin:
        page.locator(".pin-key[data-key='digit']", has_text=digit).click()
    page.click("#pin-submit")


def start_to_confirm(kiosk: KioskStack, page: Page, url: str) -> None:
    open_resident(page, url)
    kiosk.card.insert(PERSONA)
    on_screen(page, "pin")
    enter_pin(page, PIN)
    on_screen(page, "confirm")
    assert FAMILY_NAME in page.inner_text("#resident-name")
