"""The licence chip's files as typed records (pure parsers, no I/O).

Sources (public): 警察庁「運転免許証及び運転免許証作成システム等仕様書」(v008–v010) as read by
TRETJapanNFCReader (MIT, ``Sources/MIFARE/DriversLicense/DriversLicenseCard.swift``, ``…Extensions.swift``),
soft-studio NFC_DriversLicenseReader (MIT, ``DriversLicenseReader.java``), a Perl pcsc-lite reader that
quotes the specification's text, and the takusan23 blog "Androidで運転免許証のICを読み取る" (2021,
specification v009 page references). Items marked ⚠ are inferred, not read in any source.

Files (⚠ = inferred, not read in any source):

- MF EF 2F01 共通データ要素, 17 bytes, free: ``45 0B`` version (3 ASCII) + 交付年月日 (4 BCD YYYYMMDD)
  + 有効期間の末日 (4 BCD); ``46 02`` maker id, crypto id (TRET ``convertToCommonData``; blog).
- MF EF 000A 暗証番号設定, 3 bytes, free: ``tag 01 V``; V b1 = 1: the holder chose PIN1, 0: PIN1 is
  ``****`` = ``2A2A2A2A`` (Perl quote of §3(2)カ(ア)e; TRET ``readMatters``). ⚠ The tag byte is not
  named in any source, so it is not checked.
- DF1 EF 0001 記載事項 (本籍除く), 880 bytes, PIN1: simple TLV, tags ``11``–``33`` below, ``FF``
  padding after the last (TRET ``convert``; Java ``parse_tag``; Java's ``DF1EF1length``).
- DF1 EF 0003 外字 1–2, 264 bytes, PIN1: tags ``48``, ``49`` (Java ``parse_tag``), each with a 文字構成
  byte and the 外字 data (TRET's commented ``文字構成1: Int``, ``外字1: Data``). ⚠ Length ``81 81`` and a
  32×32 1-bit bitmap (128 bytes) are inferred from the sizes: 264 = 2 × (1 + 2 + 1 + 128) and EF 0005's
  663 = 3 + 5 × 132 (Java ``DF1EF3length``, ``DF1EF5length``); the 文字構成 value is kept, not interpreted.
- DF1 EF 0005 外字 3–7 (記載事項変更), 663 bytes, PIN1: ``50 01`` 追記の有無, then ⚠ tags ``4A``–``4E``.

Dates in EF 0001 are 7 ASCII digits, era + YYMMDD, era 1 明治 2 大正 3 昭和 4 平成 5 令和 (TRET
``toDateFromJapanese``; Perl ``change_code_readable``).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from drivers.licence.errors import LicenceDataError, NotDriversLicence
from drivers.licence.jis import LicenceText, decode_jis

# 記載事項 tags (TRET DriversLicenseCard.swift convertToMatters; Java parse_tag; Perl init_tag_data)
TAG_JIS_YEAR = 0x11  # JIS X 0208 制定年番号
TAG_NAME = 0x12  # 氏名
TAG_KANA = 0x13  # 呼び名 (カナ)
TAG_ALIAS = 0x14  # 通称名
TAG_UNIFIED_NAME = 0x15  # 統一氏名 (カナ)
TAG_BIRTH = 0x16  # 生年月日
TAG_ADDRESS = 0x17  # 住所
TAG_ISSUE = 0x18  # 交付年月日
TAG_REFERENCE = 0x19  # 照会番号
TAG_COLOUR = 0x1A  # 免許証の色区分
TAG_EXPIRY = 0x1B  # 有効期間の末日
TAG_CONDITIONS = (0x1C, 0x1D, 0x1E, 0x1F)  # 免許の条件 1–4
TAG_AUTHORITY = 0x20  # 公安委員会名
TAG_NUMBER = 0x21  # 免許証の番号
TAG_GAIJI_EF03 = {0x48: 1, 0x49: 2}
TAG_GAIJI_EF05 = {0x4A: 3, 0x4B: 4, 0x4C: 5, 0x4D: 6, 0x4E: 7}  # ⚠ inferred
GLYPH_DOTS = 32
GLYPH_BYTES = GLYPH_DOTS * GLYPH_DOTS // 8
_ERAS = {1: 1868, 2: 1912, 3: 1926, 4: 1989, 5: 2019}  # first Gregorian year of each era


@dataclass(frozen=True)
class Tlv:
    tag: int
    offset: int  # of the tag byte
    value: bytes


def parse_tlvs(data: bytes, what: str) -> list[Tlv]:
    """Simple TLVs (tag 1 byte, or 2 when the first is ``5F``; length 1 byte, ``81 xx`` or ``82 xx xx``)
    up to the end or the first ``FF``/``00`` padding byte. Truncated items raise LicenceDataError."""
    items: list[Tlv] = []
    position = 0
    while position < len(data) and data[position] not in (0xFF, 0x00):
        start = position
        tag = data[position]
        position += 1
        if tag == 0x5F:
            if position >= len(data):
                raise LicenceDataError(f"{what}: truncated tag at offset {start}")
            tag = (tag << 8) | data[position]
            position += 1
        if position >= len(data):
            raise LicenceDataError(f"{what}: tag {tag:02X} at offset {start} has no length")
        length = data[position]
        position += 1
        if length in (0x81, 0x82):
            size = length - 0x80
            if position + size > len(data):
                raise LicenceDataError(f"{what}: truncated length at offset {start}")
            length = int.from_bytes(data[position : position + size], "big")
            position += size
        elif length > 0x82:
            raise LicenceDataError(f"{what}: bad length byte at offset {start + 1}")
        if position + length > len(data):
            raise LicenceDataError(f"{what}: tag {tag:02X} at offset {start} runs past the end")
        items.append(Tlv(tag, start, data[position : position + length]))
        position += length
    return items


def _bcd_date(data: bytes, what: str) -> datetime.date:
    digits = data.hex()
    if len(digits) != 8 or not digits.isdigit():
        raise LicenceDataError(f"{what}: not a BCD YYYYMMDD date")
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as exc:
        raise LicenceDataError(f"{what}: impossible date") from exc


def parse_era_date(value: bytes, what: str) -> datetime.date:
    """7 ASCII digits: era (1 明治 … 5 令和) + YYMMDD, e.g. ``5060401`` = 令和6年4月1日 = 2024-04-01."""
    text = value.decode("ascii", errors="replace")
    if len(text) != 7 or not text.isdigit() or int(text[0]) not in _ERAS:
        raise LicenceDataError(f"{what}: not an era date (era digit + YYMMDD)")
    year = _ERAS[int(text[0])] + int(text[1:3]) - 1
    try:
        return datetime.date(year, int(text[3:5]), int(text[5:7]))
    except ValueError as exc:
        raise LicenceDataError(f"{what}: impossible date") from exc


@dataclass(frozen=True)
class CommonData:
    """MF EF 2F01, readable without a PIN: no personal data beyond the card's own dates."""

    spec_version: str
    issue_date: datetime.date
    expiry_date: datetime.date
    manufacturer: int
    crypto: int


def parse_common_data(data: bytes) -> CommonData:
    """Raises :class:`NotDriversLicence` when the file does not look like a licence's EF 2F01."""
    try:
        items = {item.tag: item.value for item in parse_tlvs(data, "EF 2F01")}
    except LicenceDataError as exc:
        raise NotDriversLicence("MF EF 2F01 is not the licence's common data") from exc
    issuer, maker = items.get(0x45), items.get(0x46)
    if issuer is None or len(issuer) != 11 or maker is None or len(maker) != 2:
        raise NotDriversLicence("MF EF 2F01 has no licence issuer data (tag 45, 11 bytes)")
    return CommonData(
        spec_version=issuer[:3].decode("ascii", errors="replace"),
        issue_date=_bcd_date(issuer[3:7], "EF 2F01 issue date"),
        expiry_date=_bcd_date(issuer[7:11], "EF 2F01 expiry date"),
        manufacturer=maker[0],
        crypto=maker[1],
    )


def parse_pin_setting(data: bytes) -> bool:
    """MF EF 000A: True when the holder chose PIN1 (b1 of V set); False: PIN1 is ``****``."""
    if len(data) < 3 or data[1] != 0x01:
        raise LicenceDataError("EF 000A: not a 1-byte PIN setting")
    return bool(data[2] & 0x01)


@dataclass(frozen=True)
class Glyph:
    """A 外字 image from EF03/EF05: ``width`` × ``height`` dots, 1 bit each, rows MSB first, 1 = ink."""

    number: int
    width: int
    height: int
    bitmap: bytes
    composition: int = 0  # 文字構成 byte as stored (meaning not in any public source)

    def __repr__(self) -> str:
        return f"Glyph({self.number}, {self.width}x{self.height})"

    def ink(self, x: int, y: int) -> bool:
        row = self.width // 8
        return bool(self.bitmap[y * row + x // 8] & (0x80 >> (x % 8)))

    def to_png(self) -> bytes:
        """The glyph as a 1-bit PNG (black ink on white)."""
        from PIL import Image

        image = Image.frombytes("1", (self.width, self.height), self.bitmap)
        # Pillow's "1" mode: bit 1 = white; the card's bit 1 = ink: invert.
        image = Image.eval(image, lambda value: 255 - value)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def _glyph(number: int, value: bytes, what: str) -> Glyph:
    # ⚠ inferred layout: 1 byte 文字構成, then a 32×32 bitmap, 1 bit per dot (128 bytes).
    if len(value) != 1 + GLYPH_BYTES:
        raise LicenceDataError(f"{what}: 外字 {number} is {len(value)} bytes, not 文字構成 + a 32x32 bitmap")
    return Glyph(number, GLYPH_DOTS, GLYPH_DOTS, bytes(value[1:]), composition=value[0])


def parse_glyphs(data: bytes, what: str) -> dict[int, Glyph]:
    """外字 images of EF03 (1–2) or EF05 (3–7); empty TLVs (unused slots) are skipped."""
    tags = TAG_GAIJI_EF03 if what == "EF03" else TAG_GAIJI_EF05
    glyphs: dict[int, Glyph] = {}
    for item in parse_tlvs(data, what):
        number = tags.get(item.tag)
        if number is not None and item.value:
            glyphs[number] = _glyph(number, item.value, what)
    return glyphs


@dataclass(frozen=True, repr=False)
class LicenceMatters:
    """DF1 EF 0001 記載事項 (本籍除く), typed. ``repr`` shows nothing personal."""

    name: LicenceText
    kana: LicenceText
    alias: LicenceText | None
    address: LicenceText
    birth_date: datetime.date
    issue_date: datetime.date
    expiry_date: datetime.date
    number: str
    reference_number: str
    colour: str
    authority: str
    conditions: tuple[str, ...]
    jis_year: int

    def __repr__(self) -> str:
        return "LicenceMatters(<personal data hidden>)"

    def gaiji_numbers(self) -> set[int]:
        texts = [self.name, self.kana, self.address] + ([self.alias] if self.alias else [])
        return set().union(*(text.gaiji_numbers() for text in texts))


def parse_matters(data: bytes) -> LicenceMatters:
    """Parse DF1 EF 0001. Missing required fields or malformed values raise :class:`LicenceDataError`."""
    items: dict[int, bytes] = {}
    for item in parse_tlvs(data, "EF 0001"):
        items.setdefault(item.tag, item.value)

    def required(tag: int, label: str) -> bytes:
        value = items.get(tag)
        if not value:
            raise LicenceDataError(f"EF 0001: {label} (tag {tag:02X}) is missing")
        return value

    def text(tag: int, label: str) -> LicenceText:
        return decode_jis(required(tag, label), f"EF 0001 {label}")

    def plain(tag: int, label: str) -> str:
        value = items.get(tag, b"")
        return decode_jis(value, f"EF 0001 {label}").text if value else ""

    number = required(TAG_NUMBER, "licence number").decode("ascii", errors="replace")
    if len(number) != 12 or not number.isdigit():
        raise LicenceDataError("EF 0001: licence number is not 12 digits")
    alias_value = items.get(TAG_ALIAS, b"")
    jis_year = required(TAG_JIS_YEAR, "JIS X 0208 year")
    return LicenceMatters(
        name=text(TAG_NAME, "name"),
        kana=text(TAG_KANA, "kana"),
        alias=decode_jis(alias_value, "EF 0001 alias") if alias_value else None,
        address=text(TAG_ADDRESS, "address"),
        birth_date=parse_era_date(required(TAG_BIRTH, "birth date"), "EF 0001 birth date"),
        issue_date=parse_era_date(required(TAG_ISSUE, "issue date"), "EF 0001 issue date"),
        expiry_date=parse_era_date(required(TAG_EXPIRY, "expiry date"), "EF 0001 expiry date"),
        number=number,
        reference_number=items.get(TAG_REFERENCE, b"").decode("ascii", errors="replace"),
        colour=plain(TAG_COLOUR, "colour"),
        authority=plain(TAG_AUTHORITY, "authority"),
        conditions=tuple(c for c in (plain(tag, "condition") for tag in TAG_CONDITIONS) if c),
        jis_year=jis_year[0],
    )


@dataclass(frozen=True, repr=False)
class DriversLicence:
    """What :meth:`DriversLicenceReader.read_licence` returns: 記載事項 plus the 外字 they use."""

    matters: LicenceMatters
    glyphs: dict[int, Glyph] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"DriversLicence(<personal data hidden>, glyphs={sorted(self.glyphs)})"

    @property
    def needs_confirmation(self) -> bool:
        m = self.matters
        return m.name.needs_confirmation or m.address.needs_confirmation or m.kana.needs_confirmation
