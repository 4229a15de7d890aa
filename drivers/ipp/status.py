"""printer-state and printer-state-reasons → device status reasons, health and errors (pure).

``media-empty-error`` becomes reason ``media-empty`` with severity ``error``; a keyword without a suffix
is an error (RFC 8011 §5.4.12). A few synonyms fold into one key (``cover-open`` → ``door-open``,
``shutdown``/``timed-out`` → ``offline``); ``none`` means no reason.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from drivers.base import DeviceHealth
from drivers.ipp.errors import (
    DoorOpenError,
    MediaEmptyError,
    MediaJamError,
    PrinterNotReadyError,
    PrinterOfflineError,
)

_LOGGER = logging.getLogger(__name__)


class PrinterState(enum.IntEnum):
    IDLE = 3
    PROCESSING = 4
    STOPPED = 5


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    REPORT = "report"


@dataclass(frozen=True)
class StateReason:
    keyword: str  # e.g. "media-empty"
    severity: Severity

    def __str__(self) -> str:
        return f"{self.keyword}-{self.severity}"


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    reasons: tuple[StateReason, ...]
    message: str = ""
    accepting_jobs: bool = True

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(reason.keyword for reason in self.reasons)


_SYNONYMS = {
    "cover-open": "door-open",
    "interlock-open": "door-open",
    "shutdown": "offline",
    "timed-out": "offline",
    "connecting-to-device": "offline",
}

_ERRORS: dict[str, type[PrinterNotReadyError]] = {
    "media-empty": MediaEmptyError,
    "media-needed": MediaEmptyError,
    "input-tray-missing": MediaEmptyError,
    "media-jam": MediaJamError,
    "door-open": DoorOpenError,
    "offline": PrinterOfflineError,
}


def parse_state_reason(raw: str) -> StateReason | None:
    """``media-empty-error`` → StateReason("media-empty", ERROR); ``none`` or empty → None."""
    keyword = raw.strip().lower()
    severity = Severity.ERROR
    for candidate in Severity:
        suffix = f"-{candidate.value}"
        if keyword.endswith(suffix):
            keyword, severity = keyword[: -len(suffix)], candidate
            break
    if keyword in ("", "none"):
        return None
    return StateReason(_SYNONYMS.get(keyword, keyword), severity)


def parse_state_reasons(raw: Iterable[str]) -> tuple[StateReason, ...]:
    reasons: list[StateReason] = []
    for item in raw:
        reason = parse_state_reason(item)
        if reason is not None and reason not in reasons:
            reasons.append(reason)
    return tuple(reasons)


def health_from_status(status: PrinterStatus, model: str = "", firmware: str = "") -> DeviceHealth:
    """ready=False when the printer is stopped or reports an error-severity reason."""
    blocking = any(reason.severity is Severity.ERROR for reason in status.reasons)
    detail = ", ".join(str(reason) for reason in status.reasons)
    return DeviceHealth(
        ready=status.state is not PrinterState.STOPPED and not blocking and status.accepting_jobs,
        reasons=status.keywords,
        model=model,
        firmware=firmware,
        detail=detail or status.state.name.lower(),
    )


def error_for_status(status: PrinterStatus) -> PrinterNotReadyError | None:
    """The error that stops printing now, or None.

    An error-severity reason always counts; when the printer is stopped, any known reason counts.
    """
    candidates = [
        reason
        for reason in status.reasons
        if reason.severity is Severity.ERROR or status.state is PrinterState.STOPPED
    ]
    for reason in candidates:
        error_type = _ERRORS.get(reason.keyword)
        if error_type is not None:
            return error_type(f"printer not ready: {reason}")
    if status.state is PrinterState.STOPPED:
        shown = ", ".join(str(reason) for reason in status.reasons) or "no reason given"
        return PrinterNotReadyError(f"printer stopped: {shown}")
    return None
