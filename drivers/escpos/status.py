"""Real-time status (``DLE EOT n``): validate each reply byte and map it to reasons (pure).

Every reply byte has the fixed pattern ``0xx1xx10`` (bit 1 = 1, bit 4 = 1, bits 0 and 7 = 0).

| n | meaning        | bits used here                                                  |
|---|----------------|-----------------------------------------------------------------|
| 1 | printer        | bit 3 offline                                                   |
| 2 | offline cause  | bit 2 cover open, bit 5 stopped by paper end, bit 6 error       |
| 3 | error cause    | bit 3 auto-cutter error, bit 5 unrecoverable, bit 6 auto-recoverable |
| 4 | roll sensor    | bits 2-3 paper near end, bits 5-6 paper end                     |
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.escpos.errors import MalformedStatusError

STATUS_QUERIES = (1, 2, 3, 4)
_FIXED_MASK = 0b1001_0011
_FIXED_VALUE = 0b0001_0010


def validate_status_byte(n: int, value: int) -> int:
    """Return ``value`` if it has the fixed bits of a status reply, else raise ``MalformedStatusError``."""
    if not 0 <= value <= 0xFF or value & _FIXED_MASK != _FIXED_VALUE:
        raise MalformedStatusError(
            f"DLE EOT {n} reply 0x{value & 0xFF:02X} lacks the fixed bits 0xx1xx10", code=value
        )
    return value


@dataclass(frozen=True)
class PrinterStatus:
    """One reading of the four status bytes."""

    offline: bool
    cover_open: bool
    paper_out: bool
    paper_near_end: bool
    cutter_error: bool
    unrecoverable_error: bool
    raw: bytes

    @property
    def can_print(self) -> bool:
        return not (
            self.offline or self.cover_open or self.paper_out or self.cutter_error or self.unrecoverable_error
        )

    @property
    def reasons(self) -> tuple[str, ...]:
        """IPP-style keys as ``DeviceHealth.reasons`` uses them."""
        flags = (
            (self.offline, "offline"),
            (self.cover_open, "cover-open"),
            (self.paper_out, "media-empty"),
            (self.paper_near_end and not self.paper_out, "paper-near-end"),
            (self.cutter_error, "cutter-error"),
            (self.unrecoverable_error, "printer-error"),
        )
        return tuple(reason for flag, reason in flags if flag)

    @property
    def hex(self) -> str:
        return self.raw.hex(" ").upper()


def parse_status(raw: bytes) -> PrinterStatus:
    """Parse the replies to ``DLE EOT 1``, ``2``, ``3``, ``4`` (one byte each, in that order)."""
    if len(raw) != len(STATUS_QUERIES):
        raise MalformedStatusError(f"expected 4 status bytes, got {len(raw)}: {raw.hex(' ').upper()}")
    printer, offline_cause, error_cause, paper = (
        validate_status_byte(n, value) for n, value in zip(STATUS_QUERIES, raw, strict=True)
    )
    return PrinterStatus(
        offline=bool(printer & 0x08),
        cover_open=bool(offline_cause & 0x04),
        paper_out=bool(paper & 0x60) or bool(offline_cause & 0x20),
        paper_near_end=bool(paper & 0x0C),
        cutter_error=bool(error_cause & 0x08),
        unrecoverable_error=bool(error_cause & 0x20),
        raw=bytes(raw),
    )
