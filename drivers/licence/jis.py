"""JIS X 0208 text of the licence chip → Unicode, with 外字 and 欠字 kept as placeholders (pure).

Each character is a 2-byte JIS X 0208 code, high byte first (TRETJapanNFCReader
``DriversLicenseExtensions.swift`` adds 0x8080 and decodes as EUC-JP; soft-studio
NFC_DriversLicenseReader prefixes ``ESC $ B`` and decodes as ISO-2022-JP; both agree). Codes ``FFF1``–``FFF7``
stand for 外字 1–7, whose glyph images are in DF1 EF03 (1–2) and EF05 (3–7); ``FFFA`` marks 欠字, a
character the issuer could not record (TRETJapanNFCReader, same file). Such positions hold
:data:`PLACEHOLDER` (〓, the geta mark Japanese typesetting uses for a missing glyph) in ``text`` and are
listed in ``placeholders``: a 外字 is never guessed as a Unicode character.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.licence.errors import LicenceDataError

PLACEHOLDER = "\u3013"  # 〓
GAIJI_FIRST, GAIJI_LAST = 0xFFF1, 0xFFF7
MISSING = 0xFFFA  # 欠字
IDEOGRAPHIC_SPACE = "\u3000"


@dataclass(frozen=True)
class Placeholder:
    """A character the text cannot carry: 外字 ``gaiji`` (1–7) or, when ``gaiji`` is None, a 欠字."""

    position: int
    gaiji: int | None

    @property
    def missing(self) -> bool:
        return self.gaiji is None


@dataclass(frozen=True)
class LicenceText:
    """Decoded text; every 外字/欠字 is :data:`PLACEHOLDER` at its ``position``. ``repr`` hides the text."""

    text: str
    placeholders: tuple[Placeholder, ...] = ()

    def __repr__(self) -> str:
        return f"LicenceText(<{len(self.text)} chars>, placeholders={len(self.placeholders)})"

    @property
    def needs_confirmation(self) -> bool:
        """True when staff must confirm the text against the card face (外字 or 欠字 inside)."""
        return bool(self.placeholders)

    def gaiji_numbers(self) -> set[int]:
        return {p.gaiji for p in self.placeholders if p.gaiji is not None}


def decode_jis(data: bytes, what: str) -> LicenceText:
    """Decode 2-byte JIS X 0208 codes; trailing ideographic spaces (padding) are dropped.

    Raises :class:`LicenceDataError` (naming ``what`` and the byte offset, never the data) for an odd
    length or a code that is neither JIS X 0208 nor a 外字/欠字 mark.
    """
    if len(data) % 2:
        raise LicenceDataError(f"{what}: odd length {len(data)} for 2-byte JIS X 0208 text")
    chars: list[str] = []
    placeholders: list[Placeholder] = []
    for offset in range(0, len(data), 2):
        high, low = data[offset], data[offset + 1]
        code = (high << 8) | low
        if GAIJI_FIRST <= code <= GAIJI_LAST:
            placeholders.append(Placeholder(len(chars), code - GAIJI_FIRST + 1))
            chars.append(PLACEHOLDER)
            continue
        if code == MISSING:
            placeholders.append(Placeholder(len(chars), None))
            chars.append(PLACEHOLDER)
            continue
        if not (0x21 <= high <= 0x7E and 0x21 <= low <= 0x7E):
            raise LicenceDataError(f"{what}: byte offset {offset} is not a JIS X 0208 code")
        try:
            chars.append(bytes([high | 0x80, low | 0x80]).decode("euc_jp"))
        except UnicodeDecodeError as exc:
            raise LicenceDataError(f"{what}: byte offset {offset} is an unassigned JIS X 0208 code") from exc
    while chars and chars[-1] == IDEOGRAPHIC_SPACE and all(p.position < len(chars) - 1 for p in placeholders):
        chars.pop()
    return LicenceText("".join(chars), tuple(placeholders))
