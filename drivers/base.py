"""What every driver shares: device kinds, the driver declaration, health, and the error root.

Error tree (each driver adds its own subtree under ``DeviceError``)::

    DeviceError                 reason: a stable key the UI translates (``paper_out``, ``pin_blocked``)
    ├── DeviceUnavailable       the transport failed: the device is unplugged, off or unreachable (OFFLINE)
    ├── DeviceBusy              another operation is running on this device
    └── <driver subtrees>       CardError, PrinterError, PaymentError, CameraError …
"""

from __future__ import annotations

import enum
import urllib.parse
from dataclasses import dataclass, field
from typing import Protocol


class DeviceKind(enum.StrEnum):
    CARD_READER = "card_reader"
    RECEIPT_PRINTER = "receipt_printer"
    FORM_PRINTER = "form_printer"
    PAYMENT_TERMINAL = "payment_terminal"
    CAMERA = "camera"


@dataclass(frozen=True)
class DriverInfo:
    """What a driver serves: its config name, the device kind and the URI schemes it opens."""

    name: str
    kind: DeviceKind
    schemes: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class DeviceHealth:
    """One reading of a device's health, as ``check_health`` reports it.

    ``reasons`` are status keys in the IPP ``printer-state-reasons`` style (``paper-near-end``,
    ``media-empty``, ``cover-open``, ``card-present``); an empty tuple means all is well.
    ``ready`` is False when the device is reachable but cannot work now (cover open, paper out).
    """

    ready: bool = True
    reasons: tuple[str, ...] = ()
    model: str = ""
    firmware: str = ""
    detail: str = ""


class Device(Protocol):
    """The part of every driver that the daemon's device registry uses."""

    def open(self) -> None:
        """Connect to the device; raise ``DeviceUnavailable`` when it cannot be reached."""

    def close(self) -> None:
        """Release the device; never raises."""

    def check_health(self) -> DeviceHealth:
        """Ask the device how it is (a cheap status query); raise ``DeviceUnavailable`` when it is gone."""


class DeviceError(Exception):
    """Root of every driver error.

    ``reason`` is a stable snake_case key (``paper_out``); ``message_ja`` is the resident-facing
    Japanese text. ``code`` is the device's own code (status word, IPP status, result code) if any.
    Messages never contain personal data.
    """

    reason: str = "device_error"
    message_ja: str = "機器でエラーが発生しました。職員をお呼びください。"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        message_ja: str | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        if message_ja is not None:
            self.message_ja = message_ja
        self.code = code


class DeviceUnavailable(DeviceError):
    """The device cannot be reached: unplugged, powered off, connection refused or timed out."""

    reason = "device_offline"
    message_ja = "機器に接続できません。職員をお呼びください。"


class DeviceBusy(DeviceError):
    """Another operation is running on this device."""

    reason = "device_busy"
    message_ja = "機器が使用中です。しばらくお待ちください。"


@dataclass(frozen=True)
class DeviceUri:
    """A parsed device URI: ``scheme://host:port/path?key=value``."""

    scheme: str
    host: str
    port: int | None
    path: str
    query: dict[str, str] = field(default_factory=dict)
    raw: str = ""


class UnknownSchemeError(ValueError):
    """A URI whose scheme the driver does not serve."""


def parse_device_uri(uri: str, schemes: tuple[str, ...]) -> DeviceUri:
    """Parse ``uri``; fail with the list of known schemes when its scheme is not one of ``schemes``."""
    try:
        parts = urllib.parse.urlsplit(uri)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL" for a stray bracket
        raise UnknownSchemeError(f"cannot parse URI {uri!r}: {exc}") from exc
    if parts.scheme not in schemes:
        known = ", ".join(f"{scheme}://" for scheme in schemes)
        raise UnknownSchemeError(f"unknown URI scheme in {uri!r}: expected one of {known}")
    try:
        port = None if parts.scheme == "usb" else parts.port  # usb://04b8:0e28 is VID:PID, not host:port
    except ValueError as exc:
        raise UnknownSchemeError(f"bad port in {uri!r}: {exc}") from exc
    query = dict(urllib.parse.parse_qsl(parts.query))
    return DeviceUri(
        scheme=parts.scheme,
        host=parts.hostname or "",
        port=port,
        path=urllib.parse.unquote(parts.path),
        query=query,
        raw=uri,
    )
