"""ZVT codec, pure: serial framing, DLE stuffing, CRC, APDU length forms, BMP fields, TLV, BCD.

Serial frame: ``DLE STX <APDU, each DLE doubled> DLE ETX CRC-lo CRC-hi``. The CRC is ZVT's CRC-CCITT
(polynomial 0x1021) in its bit-reflected form (0x8408), initial value 0, no final XOR — the catalogue's
CRC-16/KERMIT (check value 0x2189 for ``b"123456789"``), not XMODEM — computed over the unstuffed APDU
plus the ETX byte and sent low byte first. The peer answers ACK (0x06) or NAK (0x15).

APDU: ``CCRC APRC LEN DATA``; ``LEN`` is one byte (0–254) or ``FF lo hi`` (little-endian, up to 65535).
Every error here is a ``ZvtFrameError`` (a ``FrameError``, reason ``malformed_frame``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.payment.errors import FrameError

DLE, STX, ETX, ACK, NAK = 0x10, 0x02, 0x03, 0x06, 0x15


class ZvtFrameError(FrameError):
    """A ZVT frame, APDU, BMP, TLV or BCD value that cannot be decoded."""


def crc16(data: bytes) -> int:
    """ZVT CRC-CCITT, reflected (poly 0x8408), init 0: CRC-16/KERMIT."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def stuff(data: bytes) -> bytes:
    return data.replace(bytes([DLE]), bytes([DLE, DLE]))


def encode_frame(apdu: bytes) -> bytes:
    """Wrap an APDU for the serial line (also used over ``socket://``)."""
    crc = crc16(apdu + bytes([ETX]))
    return bytes([DLE, STX]) + stuff(apdu) + bytes([DLE, ETX, crc & 0xFF, crc >> 8])


def frame_length(buffer: bytes) -> int | None:
    """Length of the complete frame at the start of ``buffer``, or None while more bytes are needed."""
    if buffer[:2] != bytes([DLE, STX])[: len(buffer[:2])]:
        raise ZvtFrameError(f"frame does not start with DLE STX: {buffer[:2].hex(' ')}")
    index = 2
    while index < len(buffer):
        if buffer[index] != DLE:
            index += 1
            continue
        if index + 1 >= len(buffer):
            return None
        follower = buffer[index + 1]
        if follower == DLE:
            index += 2
        elif follower == ETX:
            end = index + 4
            return end if end <= len(buffer) else None
        else:
            raise ZvtFrameError(f"DLE followed by {follower:02X} at offset {index}")
    return None


def decode_frame(frame: bytes) -> bytes:
    """Check and unwrap one complete serial frame; return the APDU bytes."""
    length = frame_length(frame)
    if length is None:
        raise ZvtFrameError(f"truncated frame ({len(frame)} bytes)")
    if length != len(frame):
        raise ZvtFrameError(f"{len(frame) - length} bytes after the frame's CRC")
    apdu = frame[2 : length - 4].replace(bytes([DLE, DLE]), bytes([DLE]))
    expected = crc16(apdu + bytes([ETX]))
    received = frame[length - 2] | frame[length - 1] << 8
    if expected != received:
        raise ZvtFrameError(f"bad CRC {received:04X}, expected {expected:04X}")
    return apdu


@dataclass(frozen=True)
class Apdu:
    ccrc: int
    aprc: int
    data: bytes = b""

    @property
    def command(self) -> tuple[int, int]:
        return (self.ccrc, self.aprc)

    def encode(self) -> bytes:
        return encode_apdu(self.ccrc, self.aprc, self.data)


def encode_apdu(ccrc: int, aprc: int, data: bytes = b"") -> bytes:
    if len(data) < 0xFF:
        return bytes([ccrc, aprc, len(data)]) + data
    if len(data) > 0xFFFF:
        raise ZvtFrameError(f"APDU data too long: {len(data)} bytes")
    return bytes([ccrc, aprc, 0xFF, len(data) & 0xFF, len(data) >> 8]) + data


def apdu_length(buffer: bytes) -> int | None:
    """Total length of the APDU at the start of ``buffer`` (bare TCP), or None while the header is short."""
    if len(buffer) < 3:
        return None
    if buffer[2] != 0xFF:
        return 3 + buffer[2]
    if len(buffer) < 5:
        return None
    return 5 + (buffer[3] | buffer[4] << 8)


def decode_apdu(raw: bytes) -> Apdu:
    """Parse one APDU; its length field must match the bytes exactly."""
    if len(raw) < 3:
        raise ZvtFrameError(f"APDU too short: {len(raw)} bytes")
    if raw[2] == 0xFF and len(raw) < 5:
        raise ZvtFrameError("APDU with extended length but no length bytes")
    total = apdu_length(raw)
    if total != len(raw):
        raise ZvtFrameError(f"APDU length field says {total} bytes, got {len(raw)}")
    offset = 5 if raw[2] == 0xFF else 3
    return Apdu(raw[0], raw[1], raw[offset:])


# ---- BCD ---------------------------------------------------------------------------------------------


def bcd_encode(value: int, length: int) -> bytes:
    digits = f"{value:0{length * 2}d}"
    if value < 0 or len(digits) != length * 2:
        raise ZvtFrameError(f"{value} does not fit {length} BCD bytes")
    return bytes.fromhex(digits)


def bcd_decode(raw: bytes) -> int:
    text = raw.hex()
    if not text or not text.isdigit():
        raise ZvtFrameError(f"not BCD: {raw.hex(' ')}")
    return int(text)


# ---- BMP fields -------------------------------------------------------------------------------------


class BmpForm(enum.Enum):
    FIXED = "fixed"
    LLVAR = "llvar"
    LLLVAR = "lllvar"
    TLV = "tlv"


# BMP number -> (form, fixed length)
BMP_FORMS: dict[int, tuple[BmpForm, int]] = {
    0x01: (BmpForm.FIXED, 1),  # timeout
    0x02: (BmpForm.FIXED, 1),  # max. status infos
    0x03: (BmpForm.FIXED, 1),  # service byte
    0x04: (BmpForm.FIXED, 6),  # amount, BCD
    0x06: (BmpForm.TLV, 0),  # TLV container
    0x0B: (BmpForm.FIXED, 3),  # trace number, BCD
    0x0C: (BmpForm.FIXED, 3),  # time hhmmss, BCD
    0x0D: (BmpForm.FIXED, 2),  # date MMDD, BCD
    0x0E: (BmpForm.FIXED, 2),  # expiry YYMM, BCD
    0x17: (BmpForm.FIXED, 2),  # card sequence number, BCD
    0x19: (BmpForm.FIXED, 1),  # payment type
    0x22: (BmpForm.LLVAR, 0),  # PAN, BCD with E for masked digits, F padded
    0x27: (BmpForm.FIXED, 1),  # result code
    0x29: (BmpForm.FIXED, 4),  # terminal id, BCD
    0x2A: (BmpForm.FIXED, 15),  # VU number, ASCII
    0x37: (BmpForm.FIXED, 3),  # original trace number, BCD
    0x3B: (BmpForm.FIXED, 8),  # AID / approval code, ASCII
    0x3C: (BmpForm.LLLVAR, 0),  # additional text
    0x49: (BmpForm.FIXED, 2),  # currency code, BCD (0392 = yen)
    0x87: (BmpForm.FIXED, 2),  # receipt number, BCD
    0x88: (BmpForm.FIXED, 3),  # turnover number, BCD
    0x8A: (BmpForm.FIXED, 1),  # card type
    0x8C: (BmpForm.FIXED, 1),  # card type id of the network operator
    0xA0: (BmpForm.FIXED, 1),  # result code AS
}


def _var_prefix(length: int, digits: int) -> bytes:
    text = f"{length:0{digits}d}"
    if len(text) != digits:
        raise ZvtFrameError(f"variable field too long: {length}")
    return bytes(0xF0 | int(ch) for ch in text)


def _read_var_prefix(data: bytes, offset: int, digits: int) -> int:
    prefix = data[offset : offset + digits]
    if len(prefix) != digits or any(byte & 0xF0 != 0xF0 or byte & 0x0F > 9 for byte in prefix):
        raise ZvtFrameError(f"bad variable-length prefix at offset {offset}")
    return int("".join(str(byte & 0x0F) for byte in prefix))


def encode_bmps(fields: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for number, value in fields:
        form, size = BMP_FORMS.get(number, (None, 0))
        if form is None:
            raise ZvtFrameError(f"unknown BMP {number:02X}")
        out.append(number)
        if form is BmpForm.FIXED:
            if len(value) != size:
                raise ZvtFrameError(f"BMP {number:02X} needs {size} bytes, got {len(value)}")
        elif form is BmpForm.LLVAR:
            out += _var_prefix(len(value), 2)
        elif form is BmpForm.LLLVAR:
            out += _var_prefix(len(value), 3)
        else:
            out += tlv_length(len(value))
        out += value
    return bytes(out)


def decode_bmps(data: bytes) -> list[tuple[int, bytes]]:
    """Split APDU data into (BMP number, value) pairs; an unknown BMP number is an error (no length)."""
    fields: list[tuple[int, bytes]] = []
    offset = 0
    while offset < len(data):
        number = data[offset]
        form, size = BMP_FORMS.get(number, (None, 0))
        offset += 1
        if form is None:
            raise ZvtFrameError(f"unknown BMP {number:02X} at offset {offset - 1}")
        if form is BmpForm.LLVAR:
            size, offset = _read_var_prefix(data, offset, 2), offset + 2
        elif form is BmpForm.LLLVAR:
            size, offset = _read_var_prefix(data, offset, 3), offset + 3
        elif form is BmpForm.TLV:
            size, offset = read_tlv_length(data, offset)
        value = data[offset : offset + size]
        if len(value) != size:
            raise ZvtFrameError(f"BMP {number:02X} truncated: {len(value)} of {size} bytes")
        fields.append((number, value))
        offset += size
    return fields


# ---- TLV (BMP 06) -----------------------------------------------------------------------------------


def tlv_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    if length <= 0xFF:
        return bytes([0x81, length])
    if length <= 0xFFFF:
        return bytes([0x82, length >> 8, length & 0xFF])
    raise ZvtFrameError(f"TLV value too long: {length}")


def read_tlv_length(data: bytes, offset: int) -> tuple[int, int]:
    """Return (length, offset after the length bytes)."""
    if offset >= len(data):
        raise ZvtFrameError("TLV length missing")
    first = data[offset]
    if first < 0x80:
        return first, offset + 1
    count = first & 0x7F
    if count not in (1, 2) or offset + 1 + count > len(data):
        raise ZvtFrameError(f"bad TLV length byte {first:02X}")
    return int.from_bytes(data[offset + 1 : offset + 1 + count], "big"), offset + 1 + count


def _encode_tag(tag: int) -> bytes:
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")


def encode_tlv(items: list[tuple[int, bytes]]) -> bytes:
    return b"".join(_encode_tag(tag) + tlv_length(len(value)) + value for tag, value in items)


def decode_tlv(data: bytes) -> list[tuple[int, bytes]]:
    """Primitive and constructed items, flat (a constructed value stays raw)."""
    items: list[tuple[int, bytes]] = []
    offset = 0
    while offset < len(data):
        tag = data[offset]
        offset += 1
        if tag & 0x1F == 0x1F:  # multi-byte tag: continue while bit 8 is set
            while True:
                if offset >= len(data) or tag > 0xFFFFFF:
                    raise ZvtFrameError("TLV tag truncated")
                tag = tag << 8 | data[offset]
                offset += 1
                if not data[offset - 1] & 0x80:
                    break
        length, offset = read_tlv_length(data, offset)
        value = data[offset : offset + length]
        if len(value) != length:
            raise ZvtFrameError(f"TLV tag {tag:X} truncated: {len(value)} of {length} bytes")
        items.append((tag, value))
        offset += length
    return items


# ---- traces -----------------------------------------------------------------------------------------


def format_apdu(raw: bytes) -> str:
    """Hex trace of an APDU with the PAN (BMP 22) masked; undecodable data is not shown at all."""
    head = raw[:3].hex(" ").upper()
    try:
        apdu = decode_apdu(raw)
        fields = decode_bmps(apdu.data) if apdu.ccrc in (0x04, 0x06) and apdu.aprc != 0xD1 else None
    except ZvtFrameError:
        return f"{head} <{max(0, len(raw) - 3)} bytes not decodable, not shown>"
    if fields is None:
        if apdu.command == (0x06, 0xD1):
            return f"{head} <{len(apdu.data)} bytes of print text>"
        return f"{head} {apdu.data.hex(' ').upper()}".strip()
    shown = " ".join(f"[{num:02X}:{'**' if num == 0x22 else value.hex().upper()}]" for num, value in fields)
    return f"{head} {shown}".strip()
