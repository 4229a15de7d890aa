"""Printer models as data: paper width in dots, kanji mode, native QR.

Kanji mode is a per-model, per-locale feature (python-escpos #678: the same part number ships Japanese,
Chinese and Korean variants), so only a profile that says ``kanji=True`` gets native Shift_JIS text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    dot_width: int  # printable dots per line at 203 dpi
    kanji: bool  # FS & / FS C 1 Shift_JIS kanji mode available (Japanese model)
    native_qr: bool  # GS ( k QR available; otherwise QR codes are drawn as raster
    description: str = ""

    @property
    def columns(self) -> int:
        """Half-width characters per line in the 12x24 font."""
        return self.dot_width // 12


PROFILES: dict[str, PrinterProfile] = {
    profile.name: profile
    for profile in (
        PrinterProfile("generic-80", 576, kanji=False, native_qr=True, description="80 mm, raster text"),
        PrinterProfile("generic-58", 384, kanji=False, native_qr=True, description="58 mm, raster text"),
        PrinterProfile("tm-m30-jp", 576, kanji=True, native_qr=True, description="80 mm, Japanese model"),
        PrinterProfile("tm-p20-jp", 384, kanji=True, native_qr=True, description="58 mm, Japanese model"),
        PrinterProfile("legacy-80", 576, kanji=False, native_qr=False, description="80 mm, no GS ( k"),
    )
}
DEFAULT_PROFILE = "generic-80"


def get_profile(name: str) -> PrinterProfile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown printer profile {name!r}: expected one of {known}") from None
