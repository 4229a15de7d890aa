"""printer-state-reasons → device reasons, health and errors."""

from __future__ import annotations

import pytest

from drivers.ipp import errors
from drivers.ipp.status import (
    PrinterState,
    PrinterStatus,
    Severity,
    StateReason,
    error_for_status,
    health_from_status,
    parse_state_reason,
    parse_state_reasons,
)


@pytest.mark.parametrize(
    ("raw", "keyword", "severity"),
    [
        ("media-empty-error", "media-empty", Severity.ERROR),
        ("media-empty-report", "media-empty", Severity.REPORT),
        ("toner-low-warning", "toner-low", Severity.WARNING),
        ("media-jam", "media-jam", Severity.ERROR),
        ("cover-open-error", "door-open", Severity.ERROR),
        ("door-open-warning", "door-open", Severity.WARNING),
        ("offline-report", "offline", Severity.REPORT),
        ("media-needed-error", "media-needed", Severity.ERROR),
    ],
)
def test_suffix_stripped_severity_kept(raw: str, keyword: str, severity: Severity) -> None:
    assert parse_state_reason(raw) == StateReason(keyword, severity)


def test_none_and_duplicates_dropped() -> None:
    assert parse_state_reason("none") is None
    reasons = parse_state_reasons(["none", "media-jam-error", "media-jam-error", "toner-low-warning"])
    assert [str(reason) for reason in reasons] == ["media-jam-error", "toner-low-warning"]


def _status(state: PrinterState, *raw: str) -> PrinterStatus:
    return PrinterStatus(state, parse_state_reasons(raw))


def test_health_stopped_is_not_ready() -> None:
    health = health_from_status(_status(PrinterState.STOPPED, "media-empty-error"), model="M")
    assert health.ready is False
    assert health.reasons == ("media-empty",)
    assert "media-empty-error" in health.detail
    assert health.model == "M"


def test_health_warning_is_ready() -> None:
    health = health_from_status(_status(PrinterState.IDLE, "toner-low-warning"))
    assert health.ready is True
    assert health.reasons == ("toner-low",)


@pytest.mark.parametrize(
    ("raw", "error_type", "reason"),
    [
        ("media-empty-error", errors.MediaEmptyError, "media_empty"),
        ("media-needed-error", errors.MediaEmptyError, "media_empty"),
        ("media-jam-error", errors.MediaJamError, "media_jam"),
        ("door-open-error", errors.DoorOpenError, "door_open"),
        ("offline-report", errors.PrinterOfflineError, "printer_offline"),
    ],
)
def test_stopped_printer_errors(raw: str, error_type: type[Exception], reason: str) -> None:
    error = error_for_status(_status(PrinterState.STOPPED, raw))
    assert isinstance(error, error_type)
    assert error.reason == reason
    assert error.message_ja


def test_idle_printer_with_warnings_has_no_error() -> None:
    assert error_for_status(_status(PrinterState.IDLE, "toner-low-warning", "offline-report")) is None
    assert isinstance(error_for_status(_status(PrinterState.STOPPED)), errors.PrinterNotReadyError)


def test_error_tree() -> None:
    from drivers.base import DeviceError, DeviceUnavailable

    assert issubclass(errors.PrinterUnreachableError, DeviceUnavailable)
    assert issubclass(errors.MediaJamError, errors.PrinterError)
    assert issubclass(errors.PrinterError, DeviceError)
    error = errors.IppStatusError("Print-Job", 0x0507)
    assert error.reason == "ipp_error"
    assert error.code == 0x0507
    assert "0x0507 server-error-busy" in str(error)
