"""Kiosk UI: card present → resident's name on screen, and first paint, in headless Chromium.

Starts pcscd (if needed), the card simulator, the daemon (card slot only) and the UI server as real
processes, and drives Debian's chromium with Playwright. ``card_to_name_ms_p50`` runs from the card
simulator's insert to the name being visible, with the PIN typed by the robot as soon as the pad shows
(``pin_to_name_ms_p50`` isolates the part after the PIN; target for the whole < 300 ms on this machine).
``first_paint_ms_p50`` is the first contentful paint of the resident home page in a fresh context.

The split of card → name comes from the page's performance marks (``card:MY_NUMBER_CARD`` when the
WatchCard event reaches the page over SSE, ``pad-shown`` when the PIN pad renders):
``insert_to_event_ms_p50`` (simulator insert → pcscd poll → daemon monitor → WatchCard → bridge → SSE),
``event_to_pad_ms_p50`` (the page, with the tries left taken from the card event), and ``pin_to_name_ms_p50``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._processes import daemon_args, simulator_args, started

REPO_ROOT = Path(__file__).resolve().parents[1]
PERSONA, PIN = "P1", "1234"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def _post(control: str, action: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(f"{control}/{action}", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def _reader_ready() -> bool:
    from smartcard import scard

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        return False
    try:
        result, readers = scard.SCardListReaders(context, [])
        return result == scard.SCARD_S_SUCCESS and any("Virtual PCD" in name for name in readers)
    finally:
        scard.SCardReleaseContext(context)


@contextlib.contextmanager
def _pcscd() -> Iterator[None]:
    if _reader_ready():
        yield
        return
    process = subprocess.Popen([shutil.which("pcscd") or "pcscd", "--foreground"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while not _reader_ready() and time.monotonic() < deadline:
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(10)


def _config(directory: Path, card_endpoint: str) -> Path:
    text = f"""[daemon]
storage_dir = "{directory / "storage"}"
log_level = "warning"
simulator_mode = true

[[endpoints]]
unix = "{directory / "kiosk.sock"}"
role = "kiosk"

[[endpoints]]
unix = "{directory / "staff.sock"}"
role = "staff"

[devices.card]
driver = "mynumber"
uri = "{card_endpoint}"
"""
    path = directory / "daemon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run(quick: bool) -> dict[str, float | int | str]:
    from playwright.sync_api import sync_playwright

    rounds = 5 if quick else 20
    with _pcscd(), tempfile.TemporaryDirectory(prefix="fy-bench-ui-") as tmp:
        directory = Path(tmp)
        with started(simulator_args("mynumber_card", directory / "card")) as (_, card, _):
            control = str(card["control"])
            _post(control, "reset", {})
            with started(daemon_args(_config(directory, str(card["endpoint"])))):
                ui_args = [sys.executable, "-m", "kiosk_ui.server", "--port", "0", "--no-staff",
                           "--daemon", f"unix:{directory / 'kiosk.sock'}"]  # fmt: skip
                with started(ui_args) as (_, ui, _), sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                    )
                    try:
                        return _measure(browser, str(ui["ui"]), control, rounds)
                    finally:
                        browser.close()
    raise RuntimeError("unreachable")


# Each performance mark of the page as epoch milliseconds (comparable with the bench's time.time()).
_MARKS = """() => Object.fromEntries(performance.getEntriesByType('mark')
    .map((m) => [m.name, performance.timeOrigin + m.startTime]))"""


def _measure(browser: Any, url: str, control: str, rounds: int) -> dict[str, float | int | str]:
    paints: list[float] = []
    for _ in range(rounds):
        context = browser.new_context(viewport={"width": 1080, "height": 1920})
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#screen[data-screen='home']")
        paint = page.evaluate(
            "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || -1"
        )
        paints.append(float(paint))
        context.close()
    context = browser.new_context(viewport={"width": 1080, "height": 1920})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#screen[data-screen='home']")
    to_name: list[float] = []
    after_pin: list[float] = []
    to_event: list[float] = []
    to_pad: list[float] = []
    for index in range(rounds + 1):
        page.evaluate("() => performance.clearMarks()")
        began_epoch_ms = time.time() * 1000
        began = time.perf_counter()
        _post(control, "insert", {"persona": PERSONA})
        page.wait_for_selector("#screen[data-screen='pin'] .pin-key", timeout=10_000)
        marks = page.evaluate(_MARKS)
        page.focus(".pin-key")
        for digit in PIN:
            page.keyboard.press(digit)
        pin_done = time.perf_counter()
        page.click("#pin-submit")
        page.wait_for_selector("#resident-name", state="visible", timeout=10_000)
        ended = time.perf_counter()
        if index:  # the first round warms the page and the daemon up
            to_name.append((ended - began) * 1000)
            after_pin.append((ended - pin_done) * 1000)
            if "card:MY_NUMBER_CARD" in marks and "pad-shown" in marks:
                to_event.append(marks["card:MY_NUMBER_CARD"] - began_epoch_ms)
                to_pad.append(marks["pad-shown"] - marks["card:MY_NUMBER_CARD"])
        _post(control, "remove", {})
        page.wait_for_selector("#screen[data-screen='wiped']", timeout=10_000)
        page.click("#wiped-home")
        page.wait_for_selector("#screen[data-screen='home']")
    context.close()
    return {
        "rounds": rounds,
        "card_to_name_ms_p50": round(_p50(to_name), 1),
        "card_to_name_ms_max": round(max(to_name), 1),
        "pin_to_name_ms_p50": round(_p50(after_pin), 1),
        "insert_to_event_ms_p50": round(_p50(to_event), 1),
        "event_to_pad_ms_p50": round(_p50(to_pad), 1),
        "first_paint_ms_p50": round(_p50(paints), 1),
        "target_card_to_name_ms": 300,
    }
