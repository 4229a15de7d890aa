"""The screen audit for the e2e suite: ``tests/support/screen_audit.py`` with axe-core and screenshots
(``test-artifacts/screenshots/audit/``)."""

from __future__ import annotations

from tests.e2e.conftest import SCREENSHOTS, serious_violations
from tests.support.screen_audit import LANGUAGES, VIEWPORTS, ScreenAudit, switch_language

__all__ = ["LANGUAGES", "VIEWPORTS", "ScreenAudit", "e2e_audit", "switch_language"]


def e2e_audit() -> ScreenAudit:
    return ScreenAudit(axe=serious_violations, screenshots=SCREENSHOTS / "audit")
