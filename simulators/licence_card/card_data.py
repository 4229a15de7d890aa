"""The files of a virtual 運転免許証, built from a licence persona (own encoder; no driver imports).

Layouts follow the public specification as open readers use it (see drivers/licence/records.py for the
sources; this module shares no code with it): MF EF 2F01 共通データ要素 and EF 000A 暗証番号設定, DF1 EF01
記載事項 (simple TLV, JIS X 0208 2-byte codes, era dates, ``FF`` padding to 880 bytes), EF03/EF05 外字.
A character outside JIS X 0208 becomes 外字 n (``FFF0 + n``): a TLV ``48+n-1 81 81`` holding a 文字構成
byte and a 32×32 1-bit image (sizes as EF03 264 / EF05 663 bytes imply) rendered from IPAmj
Mincho (the font the camera simulator uses for 𠮷), a ``missing`` character becomes 欠字 ``FFFA``.
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from simulators.licence_card.personas import LicencePersona

# "Driving License card of Japan (NFC type-B)" in pcsc-tools' smartcard_list.txt
LICENCE_ATR = bytes.fromhex("3B888001000000009181C100D8")
DF1_AID = bytes.fromhex("A0000002310100000000000000000000")
GLYPH_SIZE = 32
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf"),
    Path(__file__).parents[2] / "fonts/ipaexg.ttf",
)
_ERA_STARTS = (
    (datetime.date(2019, 5, 1), 5),
    (datetime.date(1989, 1, 8), 4),
    (datetime.date(1926, 12, 25), 3),
)
_ERA_YEAR = {5: 2019, 4: 1989, 3: 1926}


@dataclass
class LicenceFiles:
    """EF contents by (DF, FID): DF ``b""`` is the MF."""

    mf: dict[int, bytes] = field(default_factory=dict)
    df1: dict[int, bytes] = field(default_factory=dict)
    pin1: bytes = b"****"
    pin2: bytes = b"****"
    matters_corrupt: bytes = b""
    glyphs: dict[int, bytes] = field(default_factory=dict)  # 外字 number -> 128-byte bitmap


def tlv(tag: int, value: bytes) -> bytes:
    if len(value) < 0x80:
        return bytes([tag, len(value)]) + value
    if len(value) <= 0xFF:
        return bytes([tag, 0x81, len(value)]) + value
    return bytes([tag, 0x82]) + len(value).to_bytes(2, "big") + value


def era_date(day: datetime.date) -> bytes:
    """Era digit + YYMMDD in ASCII (昭和 3, 平成 4, 令和 5)."""
    for start, era in _ERA_STARTS:
        if day >= start:
            return f"{era}{day.year - _ERA_YEAR[era] + 1:02d}{day:%m%d}".encode()
    raise ValueError("dates before 昭和 are not served")


def bcd_date(day: datetime.date) -> bytes:
    return bytes.fromhex(f"{day:%Y%m%d}")


def _jis_code(char: str) -> bytes | None:
    """The 2-byte JIS X 0208 code of ``char``, or None when it is outside JIS X 0208."""
    try:
        encoded = char.encode("euc_jp")
    except UnicodeEncodeError:
        return None
    if len(encoded) != 2 or encoded[0] < 0xA1 or encoded[1] < 0xA1:
        return None  # ASCII, half-width kana or JIS X 0212
    return bytes([encoded[0] & 0x7F, encoded[1] & 0x7F])


@functools.cache
def _font() -> ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        if path.exists():
            return ImageFont.truetype(str(path), GLYPH_SIZE - 2)
    raise FileNotFoundError("no Japanese font for 外字 images (install fonts-ipamj-mincho)")


@functools.cache
def render_glyph(char: str) -> bytes:
    """``char`` as a 32×32 bitmap, 1 bit per dot, rows MSB first, 1 = ink."""
    image = Image.new("L", (GLYPH_SIZE, GLYPH_SIZE), 0)
    ImageDraw.Draw(image).text((GLYPH_SIZE // 2, GLYPH_SIZE // 2), char, fill=255, font=_font(), anchor="mm")
    bits = image.point(lambda value: 255 if value >= 128 else 0).convert("1")
    return bits.tobytes()


class _TextEncoder:
    """Encodes texts of one card, numbering 外字 in order of first appearance (1–7)."""

    def __init__(self, missing: str) -> None:
        self.missing = missing
        self.gaiji: dict[str, int] = {}

    def encode(self, text: str, allow_missing: bool = False) -> bytes:
        out = bytearray()
        for char in unicodedata.normalize("NFC", text):
            wide = chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char  # ASCII → full width
            if allow_missing and char in self.missing:
                out += b"\xff\xfa"
                continue
            code = _jis_code(wide)
            if code is None:
                number = self.gaiji.setdefault(char, len(self.gaiji) + 1)
                if number > 7:
                    raise ValueError("a licence holds at most 7 外字")
                code = bytes([0xFF, 0xF0 + number])
            out += code
        return bytes(out)


def build_licence(person: LicencePersona) -> LicenceFiles:
    encoder = _TextEncoder(person.missing)
    resident = person.resident
    fields = [
        tlv(0x11, b"\x02"),  # JIS X 0208 制定年番号 (1990 edition; value ⚠ illustrative)
        tlv(0x12, encoder.encode(person.name)),
        tlv(0x13, encoder.encode(person.kana)),
        tlv(0x14, b""),
        tlv(0x15, encoder.encode(person.kana)),
        tlv(0x16, era_date(resident.birth)),
        tlv(0x17, encoder.encode(person.address, allow_missing=True)),
        tlv(0x18, era_date(person.issue_date)),
        tlv(0x19, b"12345"),
        tlv(0x1A, encoder.encode(person.colour)),
        tlv(0x1B, era_date(person.expiry_date)),
    ]
    for index, tag in enumerate((0x1C, 0x1D, 0x1E, 0x1F)):
        text = person.conditions[index] if index < len(person.conditions) else ""
        fields.append(tlv(tag, encoder.encode(text)))
    fields += [tlv(0x20, encoder.encode(person.authority)), tlv(0x21, person.number.encode())]
    matters = b"".join(fields)
    files = LicenceFiles(pin1=(person.pin or "****").encode(), pin2=b"****")
    files.matters_corrupt = _corrupt(matters).ljust(880, b"\xff")
    files.df1[0x0001] = matters.ljust(880, b"\xff")
    files.glyphs = {number: render_glyph(char) for char, number in encoder.gaiji.items()}
    slots = [
        tlv(0x48 + number - 1, b"\x01" + files.glyphs[number])  # 文字構成 byte ⚠ illustrative
        if number in files.glyphs
        else tlv(0x48 + number - 1, b"")
        for number in range(1, 8)
    ]
    files.df1[0x0003] = b"".join(slots[:2]).ljust(264, b"\xff")
    assert len(files.df1[0x0003]) == 264
    files.df1[0x0005] = (
        tlv(0x50, b"\x01" if len(files.glyphs) > 2 else b"\x00") + b"".join(slots[2:])
    ).ljust(663, b"\xff")
    common = tlv(0x45, b"009" + bcd_date(person.issue_date) + bcd_date(person.expiry_date)) + tlv(
        0x46, b"\x01\x02"
    )
    files.mf[0x2F01] = common
    files.mf[0x000A] = tlv(0xC1, b"\x01" if person.pin else b"\x00")  # tag byte ⚠ not in any source
    return files


def _corrupt(matters: bytes) -> bytes:
    """The name field with a byte pair that is no JIS X 0208 code (what a damaged chip might hold)."""
    position = matters.index(b"\x12") + 2
    return matters[:position] + b"\x7f\x7f" + matters[position + 2 :]
