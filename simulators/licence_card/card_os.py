"""A 運転免許証 card OS (pure): MF with EF 2F01, EF 000A, IEF 0001/0002 (PIN1/PIN2); DF1 with EF 0001,
0003, 0005 behind PIN1. SELECT MF / by DF name / EF, READ BINARY (current EF or short EF id; short or
extended Le), VERIFY (current IEF ``80`` or short EF id ``81``/``82`` in the MF; no data = tries left).

PIN1: 4 digits, 3 tries; a wrong PIN answers ``63Cx``; once blocked every VERIFY answers ``6984`` and
the query ``63C0``. The security state survives a warm reset and is cleared by power-off.
Faults (set by the server): ``corrupt_tlv`` serves a broken 記載事項, ``refuse_short_ef`` answers ``6A86``
to ``B0 8x``, ``refuse_extended`` answers ``6700`` to extended Le.
"""

from __future__ import annotations

import hmac
from typing import ClassVar

from simulators.licence_card.card_data import DF1_AID, LicenceFiles

SW_OK = b"\x90\x00"
MF = b""
_DF1_ACCESS = {0x0001: 1, 0x0003: 1, 0x0005: 1}


def _sw(value: int) -> bytes:
    return value.to_bytes(2, "big")


class LicenceCardOS:
    """``process(apdu) -> response``; not thread-safe (the server locks)."""

    apps: ClassVar[dict[bytes, object]] = {}  # no My Number applications (the server's state view)

    def __init__(self, files: LicenceFiles, blocked: bool = False) -> None:
        self.files = files
        self.pin_tries = {1: 0 if blocked else 3, 2: 3}
        self.refuse_short_ef = False
        self.corrupt_tlv = False
        self.refuse_extended = False
        self.power_off()

    def power_off(self) -> None:
        self.df: bytes | None = MF  # ISO 7816-4: the MF is current after a reset
        self.ef: int | None = None
        self.verified: set[int] = set()

    def reset(self) -> None:
        self.df, self.ef = MF, None

    def _files(self) -> dict[int, bytes] | None:
        if self.df == MF:
            return self.files.mf
        if self.df == DF1_AID:
            return self.files.df1
        return None

    def process(self, command: bytes) -> bytes:
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins = command[0], command[1]
        if cla != 0x00:
            return _sw(0x6E00)
        handler = {0xA4: self._select, 0xB0: self._read_binary, 0x20: self._verify}.get(ins)
        return handler(command) if handler else _sw(0x6D00)

    def _body(self, command: bytes) -> bytes | None:
        if len(command) < 6 or len(command) != 5 + command[4]:
            return None
        return command[5:]

    def _select(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        if p1 == 0x00 and len(command) == 4:  # SELECT MF
            self.df, self.ef = MF, None
            return SW_OK
        body = self._body(command)
        if body is None:
            return _sw(0x6700)
        if p1 == 0x04 and p2 == 0x0C:
            if body != DF1_AID:
                return _sw(0x6A82)
            self.df, self.ef = DF1_AID, None
            return SW_OK
        if p1 == 0x02 and p2 == 0x0C and len(body) == 2:
            fid = int.from_bytes(body, "big")
            files = self._files()
            pins = (0x0001, 0x0002) if self.df == MF else ()
            if files is None or (fid not in files and fid not in pins):
                return _sw(0x6A82)
            self.ef = fid
            return SW_OK
        return _sw(0x6A86)

    def _read_binary(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        if len(command) == 5:
            le = command[4] or 256
        elif len(command) == 7 and command[4] == 0:
            if self.refuse_extended:
                return _sw(0x6700)
            le = int.from_bytes(command[5:7], "big") or 65536
        else:
            return _sw(0x6700)
        files = self._files()
        if files is None:
            return _sw(0x6986)
        if p1 & 0x80:
            if self.refuse_short_ef:
                return _sw(0x6A86)
            fid, offset = p1 & 0x1F, p2
            if fid not in files:
                return _sw(0x6A82)
            self.ef = fid
        else:
            fid, offset = (self.ef if self.ef is not None else -1), (p1 << 8) | p2
            if fid not in files:
                return _sw(0x6986) if fid not in (1, 2) or self.df != MF else _sw(0x6981)
        if self.df == DF1_AID and _DF1_ACCESS.get(fid) not in self.verified:
            return _sw(0x6982)
        data = files[fid]
        if self.df == DF1_AID and fid == 0x0001 and self.corrupt_tlv:
            data = self.files.matters_corrupt
        if offset >= len(data):
            return _sw(0x6B00)
        return data[offset : offset + le] + SW_OK

    def _verify(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        if p1 != 0x00 or p2 not in (0x80, 0x81, 0x82):
            return _sw(0x6A86)
        if self.df != MF:
            return _sw(0x6A82)  # the PIN IEFs live in the MF
        key = p2 & 0x03 if p2 != 0x80 else (self.ef if self.ef in (1, 2) else None)
        if key is None:
            return _sw(0x6986)
        if len(command) == 4:
            if key in self.verified:
                return SW_OK
            return _sw(0x63C0 | self.pin_tries[key])
        body = self._body(command)
        if body is None:
            return _sw(0x6700)
        if self.pin_tries[key] == 0:
            return _sw(0x6984)
        secret = self.files.pin1 if key == 1 else self.files.pin2
        if hmac.compare_digest(body, secret):
            self.pin_tries[key] = 3
            self.verified.add(key)
            return SW_OK
        self.pin_tries[key] -= 1
        self.verified.discard(key)
        return _sw(0x63C0 | self.pin_tries[key])
