"""券面事項入力補助AP (the card's "text" application): 基本4情報, 個人番号 and the integrity record.

Pure decoding, no I/O. EF 0002 is ``FF 20 L { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex }``
where DF21 holds four big-endian uint16 offsets of the DF22..DF25 tags from byte 0 of the EF; the offsets
are checked against the parsed positions, never trusted. EF 0001 is ``FF 10 0C`` + 12 ASCII digits + filler.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import hmac
from dataclasses import dataclass, field

from drivers.mynumber.errors import CardDataError, CardIntegrityError, TlvError
from drivers.mynumber.tlv import Tlv, parse_one, parse_template

AID = bytes.fromhex("D3921000310001010408")
EF_MY_NUMBER = 0x0001
EF_BASIC_INFO = 0x0002
EF_INTEGRITY = 0x0003
EF_PIN = 0x0011
SFI_MY_NUMBER = 0x01
SFI_BASIC_INFO = 0x02
SFI_INTEGRITY = 0x03

TAG_MY_NUMBER = 0xFF10
TAG_BASIC_INFO = 0xFF20
TAG_INTEGRITY = 0xFF30
TAG_OFFSETS = 0xDF21
FIELD_TAGS = (0xDF22, 0xDF23, 0xDF24, 0xDF25)


class Sex(enum.StrEnum):
    """DF25: one ASCII digit (ISO 5218 / JIS X 0303)."""

    NOT_KNOWN = "0"
    MALE = "1"
    FEMALE = "2"
    NOT_APPLICABLE = "9"


@dataclass(frozen=True)
class BasicInfo:
    """基本4情報 as stored on the card. ``repr`` never shows the values."""

    name: str = field(repr=False)
    address: str = field(repr=False)
    birth_date: datetime.date = field(repr=False)
    sex: Sex = field(repr=False)

    def __repr__(self) -> str:
        return "BasicInfo(<redacted>)"


def check_digit(first_eleven: str) -> int:
    """The 個人番号 check digit (総務省令 §5) for the first 11 digits."""
    if len(first_eleven) != 11 or not first_eleven.isascii() or not first_eleven.isdigit():
        raise ValueError("need exactly 11 ASCII digits")
    total = 0
    for n in range(1, 12):
        digit = int(first_eleven[11 - n])
        weight = n + 1 if n <= 6 else n - 5
        total += digit * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(number: str) -> bool:
    """True if ``number`` is 12 ASCII digits whose last one is the right check digit."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def parse_my_number(ef: bytes) -> str:
    """Decode EF 0001; raise ``CardIntegrityError`` if the check digit is wrong."""
    # FF 10 is flagged constructed but holds raw ASCII, so only the outer TLV is parsed.
    outer = parse_one(ef, 0)
    if outer.tag != TAG_MY_NUMBER:
        raise TlvError(f"expected template {TAG_MY_NUMBER:X}, found {outer.tag:X}")
    try:
        number = outer.value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise CardDataError("個人番号 field is not ASCII") from exc
    if not is_valid_my_number(number):
        raise CardIntegrityError("個人番号 on the card fails its check digit", reason="my_number_invalid")
    return number


def basic_info_fields(ef: bytes) -> tuple[Tlv, dict[int, Tlv]]:
    """Parse EF 0002 and check the DF21 offset table against the field positions."""
    outer, children = parse_template(ef, TAG_BASIC_INFO)
    by_tag = {child.tag: child for child in children}
    offsets_tlv = by_tag.get(TAG_OFFSETS)
    if offsets_tlv is None or len(offsets_tlv.value) != 8:
        raise TlvError("DF21 offset table missing or not 8 bytes")
    missing = [f"{tag:X}" for tag in FIELD_TAGS if tag not in by_tag]
    if missing:
        raise TlvError(f"基本4情報 fields missing: {', '.join(missing)}")
    for index, tag in enumerate(FIELD_TAGS):
        claimed = int.from_bytes(offsets_tlv.value[2 * index : 2 * index + 2], "big")
        if claimed != by_tag[tag].offset:
            raise TlvError(f"DF21 says {tag:X} is at {claimed}, it is at {by_tag[tag].offset}")
    return outer, by_tag


def parse_basic_info(ef: bytes) -> BasicInfo:
    """Decode EF 0002 into :class:`BasicInfo`; ``TlvError``/``CardDataError`` on malformed data."""
    _, fields = basic_info_fields(ef)
    try:
        name = fields[0xDF22].value.decode("utf-8")
        address = fields[0xDF23].value.decode("utf-8")
        birth_text = fields[0xDF24].value.decode("ascii")
        sex_text = fields[0xDF25].value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise CardDataError("基本4情報 text is not valid UTF-8/ASCII") from exc
    if len(birth_text) != 8 or not birth_text.isdigit():
        raise CardDataError("birth date is not 8 digits")
    try:
        birth = datetime.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError as exc:
        raise CardDataError("birth date is not a calendar date") from exc
    try:
        sex = Sex(sex_text)
    except ValueError as exc:
        raise CardDataError("sex code is not one of 0, 1, 2, 9") from exc
    return BasicInfo(name, address, birth, sex)


def verify_integrity(ef_my_number: bytes, ef_basic_info: bytes, ef_integrity: bytes) -> None:
    """Check EF 0003's SHA-256 of EF 0001 (17 bytes) and of EF 0002 from DF22 to the end of its template."""
    _, children = parse_template(ef_integrity, TAG_INTEGRITY)
    by_tag = {child.tag: child.value for child in children}
    if len(by_tag.get(0xDF31, b"")) != 32 or len(by_tag.get(0xDF32, b"")) != 32:
        raise TlvError("integrity record lacks DF31/DF32 hashes")
    outer, fields = basic_info_fields(ef_basic_info)
    signed_part = ef_basic_info[fields[0xDF22].offset : outer.end]
    if not hmac.compare_digest(hashlib.sha256(ef_my_number[:17]).digest(), by_tag[0xDF31]):
        raise CardIntegrityError("EF 0001 does not match its hash in EF 0003")
    if not hmac.compare_digest(hashlib.sha256(signed_part).digest(), by_tag[0xDF32]):
        raise CardIntegrityError("EF 0002 does not match its hash in EF 0003")
