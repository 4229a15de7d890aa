"""The screen audit (no pytest here: the e2e suite and ``python -m bench ui`` both use it): each
screen a walk reaches is checked in ja, やさしい日本語 and en, at 1080×1920
(portrait kiosk), 1920×1080 (landscape) and at 200 % zoom (a 1080×1920 screen zoomed to 200 % lays out like a
540×960 viewport), for what a resident or staff member would trip over:

- identifier-like tokens in the visible text (snake_case, dotted keys, ENUM_NAMES, i18n keys; on
  Japanese screens also bare lowercase ASCII words such as ``kokuho`` or ``visa``), and values the page
  failed to put into words (``null``, ``undefined``, ``NaN``);
- horizontal overflow (the page scrolls sideways, or an element sticks out on the right);
- the primary action below the fold (the action bar's 次へ, else the first big choice);
- a touch target under 44×44 CSS px, or a primary action under 88 px tall at 1080 wide;
- controls lying on top of each other (an action bar whose buttons overlap);
- an axe-core serious or critical violation (once per screen and language, portrait).

A dialog over the screen (the idle countdown) is audited as the screen; it cannot stay open while the
header's language button is used, so ``check(..., overlay=Overlay(open, close))`` closes it for each language
switch and opens it again.

``ScreenAudit.check(page, name)`` records every finding (nothing is asserted there), so one walk reports all
screens at once. With ``screenshots`` set, each screen is saved there (portrait, landscape and zoom in
Japanese; portrait in the others); ``axe`` is a function returning the serious/critical violations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, ViewportSize

LANGUAGES = ("ja", "ja-easy", "en")
VIEWPORTS: dict[str, ViewportSize] = {
    "portrait": {"width": 1080, "height": 1920},
    "landscape": {"width": 1920, "height": 1080},
    "zoom200": {"width": 540, "height": 960},
}
MIN_TARGET_PX = 44
MIN_PRIMARY_HEIGHT_PX = 88  # at 1080 wide

IDENTIFIER = re.compile(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # snake_case: employee_dependent, transit_ic
    r"|\b[a-z][a-z0-9]+(?:\.[a-z0-9_]+){1,}\b"  # dotted keys: household.new_address, pin.title
    r"|\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b"  # enum names: PAYMENT_METHOD_CREDIT
)
# On a Japanese screen a bare lowercase ASCII word is an untranslated value (kokuho, employee, visa).
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9@-])[a-z]{3,}(?![A-Za-z0-9-])")
ALLOWED_WORDS = frozenset({"nanaco", "cc"})
# A value the page failed to put into words, on any screen (staff too): null, undefined, NaN.
LEAKED = re.compile(r"\b(?:null|undefined|NaN)\b|\[object Object\]")

# Runs in the page: the facts the checks need, in one round trip.
# (the file's first line is a comment; Playwright wants the function expression itself)
_MEASURE = (Path(__file__).parent / "screen_audit.js").read_text(encoding="utf-8").split("\n", 1)[1].strip()


def _nothing(page: Page) -> None:
    pass


@dataclass(frozen=True)
class Overlay:
    """How to open and close a dialog that covers the header (the idle countdown); ``before_axe`` and
    ``after_axe`` let a page whose clock is held run its timers while axe-core (which uses them) runs."""

    open: Callable[[Page], None]
    close: Callable[[Page], None]
    before_axe: Callable[[Page], None] = _nothing
    after_axe: Callable[[Page], None] = _nothing


@dataclass
class ScreenAudit:
    findings: list[str] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)
    identifiers: int = 0
    overflowing: set[str] = field(default_factory=set)
    axe: Callable[[Page], list[dict[str, Any]]] | None = None
    screenshots: Path | None = None

    def check(
        self,
        page: Page,
        name: str,
        languages: tuple[str, ...] = LANGUAGES,
        overlay: Overlay | None = None,
    ) -> None:
        """Audit the current screen in each language and viewport; switch back to Japanese after (an
        ``overlay`` is then closed)."""
        self.screens.append(name)
        before = page.viewport_size or VIEWPORTS["portrait"]
        for language in languages:
            if overlay is not None and page.get_attribute("html", "data-language") != language:
                overlay.close(page)
                switch_language(page, language)
                overlay.open(page)
            switch_language(page, language)
            for label, size in VIEWPORTS.items():
                page.set_viewport_size(size)
                page.evaluate("() => window.scrollTo(0, 0)")
                self._measure(page, f"{name} [{language} {label}]", language, size["width"])
                if self.screenshots is not None and (language == "ja" or label == "portrait"):
                    safe = re.sub(r"[^a-z0-9_-]+", "-", f"{name}-{language}-{label}".lower())
                    self.screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(self.screenshots / f"{safe}.png"))
            if self.axe is not None:
                page.set_viewport_size(VIEWPORTS["portrait"])
                (overlay.before_axe if overlay else _nothing)(page)
                found = self.axe(page)
                (overlay.after_axe if overlay else _nothing)(page)
                if found:
                    self.findings.append(f"{name} [{language}]: axe {found}")
        if languages != ("ja",):
            if overlay is not None:
                overlay.close(page)
            switch_language(page, "ja")
        page.set_viewport_size(before)

    def _measure(self, page: Page, where: str, language: str, width: int) -> None:
        facts = page.evaluate(_MEASURE)
        tokens = sorted(set(IDENTIFIER.findall(facts["text"])) | set(LEAKED.findall(facts["text"])))
        if language.startswith("ja") and not facts["staff"]:
            words = {w for w in ASCII_WORD.findall(facts["text"]) if w not in ALLOWED_WORDS}
            tokens = sorted(set(tokens) | words)
        if tokens:
            self.identifiers += len(tokens)
            self.findings.append(f"{where}: identifiers visible {tokens[:8]}")
        if facts["scrollWidth"] > facts["width"] + 1 or facts["overflowing"]:
            self.overflowing.add(where.split(" [")[0])
            wide = f"{facts['scrollWidth']} > {facts['width']}"
            self.findings.append(f"{where}: horizontal overflow {wide} {facts['overflowing'][:4]}")
        primary = facts["primary"]
        if primary and (primary["bottom"] > facts["height"] + 1 or primary["top"] < 0):
            low = f"{primary['bottom']:.0f} > {facts['height']}"
            self.findings.append(f"{where}: primary action {primary['text']!r} below the fold ({low})")
        if facts["overlapping"]:
            self.findings.append(f"{where}: controls on top of each other: {facts['overlapping'][:4]}")
        if facts["small"]:
            self.findings.append(f"{where}: touch targets under {MIN_TARGET_PX} px: {facts['small'][:4]}")
        if width == 1080 and not facts["staff"]:
            short = [bar for bar in facts["bars"] if bar["height"] < MIN_PRIMARY_HEIGHT_PX]
            if short:
                limit = MIN_PRIMARY_HEIGHT_PX
                self.findings.append(f"{where}: primary actions under {limit} px: {short[:3]}")


def switch_language(page: Page, code: str) -> None:
    """Through the header's one language button and the full-screen chooser (as a resident would)."""
    if page.get_attribute("html", "data-language") == code:
        return
    if page.locator("#language-button").count():
        page.click("#language-button")
        page.click(f"#language-chooser [data-language='{code}']")
    else:  # the staff console: its own switch, in the sign-in form while that is open (the page is inert)
        in_dialog = page.locator(f"dialog[open] [data-staff-language='{code}']")
        (in_dialog if in_dialog.count() else page.locator(f"header [data-staff-language='{code}']")).click()
    page.wait_for_function("c => document.documentElement.dataset.language === c", arg=code)
