"""APDU builders, status-word mapping and a trace formatter for the My Number card (pure, no I/O).

Builders return ``bytes`` except :func:`verify`, which returns a ``bytearray`` so that the caller can zero
the PIN after sending it. :func:`format_exchange` masks VERIFY/CHANGE data as ``XX`` and every READ BINARY
payload (個人番号, 基本4情報) after its 3-byte TLV head, so traces can be logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.mynumber.errors import (
    CardError,
    CardStatusError,
    FileNotFound,
    PinBlocked,
    SecurityNotSatisfied,
    WrongParameters,
    WrongPin,
)

SW_OK = 0x9000
INS_SELECT = 0xA4
INS_VERIFY = 0x20
INS_CHANGE_REFERENCE_DATA = 0x24
INS_CHANGE_KEY = 0x32
INS_READ_BINARY = 0xB0
INS_SIGN = 0x2A
_SECRET_INS = frozenset({INS_VERIFY, INS_CHANGE_REFERENCE_DATA, INS_CHANGE_KEY})


@dataclass(frozen=True)
class Response:
    """A response APDU split into data and status word."""

    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK


def parse_response(raw: bytes) -> Response:
    if len(raw) < 2:
        raise CardError(f"response of {len(raw)} bytes has no status word", reason="card_bad_response")
    return Response(bytes(raw[:-2]), (raw[-2] << 8) | raw[-1])


def select_df(aid: bytes) -> bytes:
    """``00 A4 04 0C Lc AID``: select an application by its full AID, no FCI."""
    if not 1 <= len(aid) <= 16:
        raise ValueError("AID must be 1..16 bytes")
    return bytes([0x00, INS_SELECT, 0x04, 0x0C, len(aid)]) + aid


def select_ef(fid: int) -> bytes:
    """``00 A4 02 0C 02 FID``: select an EF (or PIN IEF) of the current DF."""
    if not 0 <= fid <= 0xFFFF:
        raise ValueError("FID must be 16 bits")
    return bytes([0x00, INS_SELECT, 0x02, 0x0C, 0x02, fid >> 8, fid & 0xFF])


def verify(pin: bytes | bytearray, p2: int = 0x80) -> bytearray:
    """``00 20 00 P2 Lc PIN``: P2 ``80`` = current IEF, ``80|SFI`` = that key. Zero the result after use."""
    if not 1 <= len(pin) <= 16:
        raise ValueError("PIN must be 1..16 bytes")
    command = bytearray([0x00, INS_VERIFY, 0x00, p2, len(pin)])
    command += pin
    return command


def verify_query(p2: int = 0x80) -> bytes:
    """``00 20 00 P2`` with no data: ask the retry counter without consuming a try (answer ``63Cx``)."""
    return bytes([0x00, INS_VERIFY, 0x00, p2])


def _le_byte(le: int) -> int:
    if not 1 <= le <= 256:
        raise ValueError("short Le must be 1..256")
    return le & 0xFF


def read_binary(offset: int, le: int) -> bytes:
    """``00 B0 P1P2 Le``: read the current EF at a 15-bit offset (Le 256 encoded as ``00``)."""
    if not 0 <= offset <= 0x7FFF:
        raise ValueError("offset must be 15 bits")
    return bytes([0x00, INS_READ_BINARY, offset >> 8, offset & 0xFF, _le_byte(le)])


def read_binary_sfi(sfi: int, le: int, offset: int = 0) -> bytes:
    """``00 B0 80|SFI off Le``: select EF by short id (1..30) and read it in one APDU."""
    if not 1 <= sfi <= 0x1E:
        raise ValueError("SFI must be 1..30")
    if not 0 <= offset <= 0xFF:
        raise ValueError("offset with SFI must be 8 bits")
    return bytes([0x00, INS_READ_BINARY, 0x80 | sfi, offset, _le_byte(le)])


def read_binary_extended(offset: int, le: int) -> bytes:
    """``00 B0 P1P2 00 LeHi LeLo``: one extended-length read (Le 65536 encoded as ``00 00``)."""
    if not 0 <= offset <= 0x7FFF:
        raise ValueError("offset must be 15 bits")
    if not 1 <= le <= 65536:
        raise ValueError("extended Le must be 1..65536")
    le &= 0xFFFF
    return bytes([0x00, INS_READ_BINARY, offset >> 8, offset & 0xFF, 0x00, le >> 8, le & 0xFF])


def sign(digest_info: bytes, p1: int = 0x00, p2: int = 0x80) -> bytes:
    """``80 2A P1 P2 Lc DigestInfo 00``: sign with the key of the selected EF (JPKI COMPUTE SIGNATURE)."""
    if not 1 <= len(digest_info) <= 255:
        raise ValueError("sign data must be 1..255 bytes")
    return bytes([0x80, INS_SIGN, p1, p2, len(digest_info)]) + digest_info + b"\x00"


def check(response: Response, what: str) -> Response:
    """Return ``response`` if its SW is 9000, else raise the typed error for its status word."""
    if response.ok:
        return response
    raise status_error(response.sw, what)


def status_error(sw: int, what: str) -> CardStatusError:
    """The typed error for a non-9000 status word (``what`` names the operation, never data)."""
    if sw & 0xFFF0 == 0x63C0:
        tries = sw & 0x0F
        return WrongPin(tries, sw=sw) if tries else PinBlocked(f"{what}: PIN blocked", sw=sw)
    if sw == 0x6984:
        return PinBlocked(f"{what}: PIN blocked", sw=sw)
    if sw == 0x6982:
        return SecurityNotSatisfied(f"{what}: security status not satisfied (PIN not verified)", sw=sw)
    if sw == 0x6A82:
        return FileNotFound(f"{what}: file or application not found", sw=sw)
    if sw in (0x6A86, 0x6B00, 0x6A81, 0x6D00, 0x6E00):
        return WrongParameters(f"{what}: command or parameters refused", sw=sw)
    return CardStatusError(f"{what}: unexpected status", sw=sw)


def _hex(data: bytes | bytearray) -> str:
    return data.hex(" ").upper()


def format_command(command: bytes | bytearray) -> str:
    """Hex of a command APDU with VERIFY / CHANGE REFERENCE DATA / CHANGE KEY data shown as ``XX``."""
    if len(command) > 5 and command[1] in _SECRET_INS:
        return _hex(command[:5]) + " " + " ".join(["XX"] * (len(command) - 5))
    return _hex(command)


def format_response(command: bytes | bytearray, response: bytes | bytearray) -> str:
    """Hex of a response APDU; READ BINARY data is masked after its 3-byte TLV head."""
    if len(response) < 2:
        return _hex(response)
    data, sw = response[:-2], response[-2:]
    if len(command) > 1 and command[1] == INS_READ_BINARY and len(data) > 3:
        shown = _hex(data[:3]) + f" …({len(data) - 3} bytes masked)"
        return f"{shown} {_hex(sw)}"
    return _hex(response)


def format_exchange(command: bytes | bytearray, response: bytes | bytearray | None) -> str:
    """One trace line: ``> command`` and ``< response`` (``< -`` when none came back)."""
    answer = format_response(command, response) if response is not None else "-"
    return f"> {format_command(command)} < {answer}"
