"""``ReceiptPrinter``: status-checked printing of whole receipts over one byte transport.

URI: ``tcp://HOST:9100`` | ``usb://VID:PID`` | ``serial:///dev/ttyUSB0?baud=19200``, each with optional
``?profile=tm-m30-jp&timeout=5`` (see ``profiles.PROFILES``; default ``generic-80``).

| operation        | what it does                                                              |
|------------------|---------------------------------------------------------------------------|
| read_status()    | ``DLE EOT 1..4``, one byte each with a timeout, validated → PrinterStatus |
| check_health()   | status as DeviceHealth (``media-empty``, ``cover-open``, ``offline`` …)   |
| print_receipt()  | status before (refuse if it cannot print), send, status after → PrintOutcome |

A receipt is the unit of reprint: when the paper runs out during a job the outcome has
``completed=False`` and the caller prints the same receipt again after the refill.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from drivers.base import DeviceHealth, parse_device_uri
from drivers.escpos import commands
from drivers.escpos.document import Receipt
from drivers.escpos.encoder import RenderMode, encode_receipt
from drivers.escpos.errors import (
    CoverOpenError,
    CutterError,
    PaperOutError,
    PrinterOfflineError,
    PrinterUnreachableError,
)
from drivers.escpos.profiles import DEFAULT_PROFILE, PrinterProfile, get_profile
from drivers.escpos.status import STATUS_QUERIES, PrinterStatus, parse_status
from drivers.escpos.transport import DEFAULT_TIMEOUT_S, ByteTransport, EscposTransport
from drivers.escpos.usb_transport import UsbTransport, parse_usb_address

_LOGGER = logging.getLogger(__name__)
SCHEMES = ("tcp", "usb", "serial")


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one receipt. ``completed`` False means: reprint this receipt after a refill."""

    completed: bool
    mode: RenderMode
    bytes_sent: int
    raster_lines: int
    status_before: PrinterStatus
    status_after: PrinterStatus
    seconds: float

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.status_after.reasons


def refuse_if_cannot_print(status: PrinterStatus) -> None:
    """Raise the most specific error for a printer that cannot print now (cover, paper, cutter, offline)."""
    detail = f"status {status.hex}"
    if status.cover_open:
        raise CoverOpenError(f"cover open ({detail})")
    if status.paper_out:
        raise PaperOutError(f"paper out ({detail})")
    if status.cutter_error:
        raise CutterError(f"auto-cutter error ({detail})")
    if not status.can_print:
        raise PrinterOfflineError(f"printer offline ({detail})")


class ReceiptPrinter:
    """One ESC/POS printer. Synchronous; the daemon calls it from the device's worker thread only."""

    def __init__(self, transport: ByteTransport, profile: PrinterProfile, name: str = "") -> None:
        self._transport = transport
        self.profile = profile
        self.name = name or profile.name
        self._connected = False

    def open(self) -> None:
        self._transport.open()
        self._connected = True

    def close(self) -> None:
        self._connected = False
        self._transport.close()

    def _ensure_open(self) -> None:
        if not self._connected:
            self.open()

    def _io(self, data: bytes, replies: int = 0) -> bytes:
        """Send ``data``, read ``replies`` bytes; a transport failure closes so the next call reconnects."""
        self._ensure_open()
        try:
            self._transport.write(data)
            return bytes(self._transport.read_byte() for _ in range(replies))
        except PrinterUnreachableError:
            self.close()
            raise

    def read_status(self) -> PrinterStatus:
        raw = bytearray()
        for n in STATUS_QUERIES:
            raw += self._io(commands.realtime_status(n), replies=1)
        return parse_status(bytes(raw))

    def check_health(self) -> DeviceHealth:
        status = self.read_status()
        return DeviceHealth(
            ready=status.can_print,
            reasons=status.reasons,
            model=self.profile.name,
            detail=f"DLE EOT 1-4: {status.hex}",
        )

    def print_receipt(self, receipt: Receipt, *, raster: bool | None = None) -> PrintOutcome:
        """Print one receipt; raise before sending anything if the printer cannot print.

        ``raster=None`` follows the profile (kanji text where available), True forces raster,
        False forces kanji text (an error on a profile without kanji mode).
        """
        encoded = encode_receipt(receipt, self.profile, raster)
        started = time.monotonic()
        before = self.read_status()
        refuse_if_cannot_print(before)
        if before.paper_near_end:
            _LOGGER.warning("receipt printer %s: paper near end", self.name)
        self._io(encoded.data)
        after = self.read_status()
        completed = not after.paper_out
        seconds = time.monotonic() - started
        _LOGGER.info(
            "receipt %s printed on %s: %d bytes, %s, completed=%s, status %s",
            receipt.kind,
            self.name,
            len(encoded.data),
            encoded.mode.value,
            completed,
            after.hex,
        )
        return PrintOutcome(
            completed, encoded.mode, len(encoded.data), encoded.raster_lines, before, after, seconds
        )


def open_device(uri: str) -> ReceiptPrinter:
    """Build (not yet connect) a printer from its URI; ``open()`` connects, operations connect lazily."""
    parsed = parse_device_uri(uri, SCHEMES)
    profile = get_profile(parsed.query.get("profile", DEFAULT_PROFILE))
    timeout = float(parsed.query.get("timeout", DEFAULT_TIMEOUT_S))
    transport: ByteTransport
    if parsed.scheme == "usb":
        transport = UsbTransport(parse_usb_address(parsed), timeout)
    else:
        transport = EscposTransport(parsed, timeout)
    return ReceiptPrinter(transport, profile, name=f"{parsed.scheme}:{profile.name}")
