"""A card OS true to specs/mynumber-card.md: SELECT, READ BINARY, VERIFY, COMPUTE SIGNATURE (pure).

State: current DF and EF, per-key counters and verified flags (cleared only on power-off), the faults
set through the control API (refuse short-EF-id READ, corrupt DF21 offsets). A foreign card answers 6A82
to every application.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import rsa

from simulators.mynumber_card.card_data import JPKI_AID, OTHER_AIDS, TEXT_AID, CardFiles

SW_OK = b"\x90\x00"


@dataclass
class Key:
    """A PIN IEF: ``secret`` None means blocked as issued."""

    secret: bytes | None
    max_tries: int
    tries: int


@dataclass
class Application:
    files: dict[int, bytes] = field(default_factory=dict)
    access: dict[int, tuple[int, ...]] = field(default_factory=dict)  # EF -> keys any of which opens it
    keys: dict[int, Key] = field(default_factory=dict)
    private_keys: dict[int, tuple[rsa.RSAPrivateKey, int]] = field(
        default_factory=dict
    )  # EF -> (key, PIN EF)


def _sw(value: int) -> bytes:
    return value.to_bytes(2, "big")


class CardOS:
    """One card's command interpreter. ``process(apdu) -> response``; not thread-safe (caller locks)."""

    def __init__(self, files: CardFiles | None) -> None:
        self.apps: dict[bytes, Application] = {}
        self.refuse_short_ef = False
        self.corrupt_tlv = False
        self._files = files
        if files is not None:
            self._build(files)
        self.power_off()

    def _build(self, files: CardFiles) -> None:
        secrets = files.secrets
        self.apps[TEXT_AID] = Application(
            files=dict(files.text),
            access={0x0001: (0x11, 0x14), 0x0002: (0x11, 0x15), 0x0003: (0x11, 0x14, 0x15)},
            keys={
                0x11: Key(secrets["text"], 3, 3),
                0x12: Key(None, 3, 0),
                0x14: Key(secrets["text_a"], 10, 10),
                0x15: Key(secrets["text_b"], 10, 10),
            },
        )
        assert files.auth_key is not None
        self.apps[JPKI_AID] = Application(
            files=dict(files.jpki),
            access={0x0001: (0x1B,)},
            keys={0x18: Key(secrets["auth"], 3, 3), 0x1B: Key(secrets["sign"], 5, 5)},
            private_keys={0x17: (files.auth_key, 0x18), 0x1A: (files.auth_key, 0x1B)},
        )
        for aid in OTHER_AIDS:
            self.apps[aid] = Application()

    # -- power -----------------------------------------------------------------------------------------
    def power_off(self) -> None:
        self.df: bytes | None = None
        self.ef: int | None = None
        self.verified: set[tuple[bytes, int]] = set()

    def reset(self) -> None:
        """Warm reset: the current DF is lost, the security status survives (spec §6.2)."""
        self.df, self.ef = None, None

    def key(self, kind: str) -> Key:
        aid, fid = {"text": (TEXT_AID, 0x11), "auth": (JPKI_AID, 0x18), "sign": (JPKI_AID, 0x1B)}[kind]
        return self.apps[aid].keys[fid]

    # -- commands --------------------------------------------------------------------------------------
    def process(self, command: bytes) -> bytes:
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins = command[0], command[1]
        if cla & 0x03:
            return _sw(0x6881)
        if cla & 0x0C:
            return _sw(0x6882)
        if ins == 0x70:
            return _sw(0x6881)
        if not self.apps:
            return _sw(0x6A82) if ins == 0xA4 else _sw(0x6D00)
        handlers = {0xA4: self._select, 0xB0: self._read_binary, 0x20: self._verify, 0x84: self._challenge}
        if cla == 0x80 and ins == 0x2A:
            return self._sign(command)
        handler = handlers.get(ins)
        if handler is None or cla != 0x00:
            return _sw(0x6D00) if handler is None else _sw(0x6E00)
        return handler(command)

    def _body(self, command: bytes) -> bytes | None:
        if len(command) < 6 or len(command) < 5 + command[4]:
            return None
        return command[5 : 5 + command[4]]

    def _select(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        if p1 == 0x00 and len(command) <= 5:  # SELECT MF
            return _sw(0x6A86) if self.df is None else SW_OK
        body = self._body(command)
        if body is None or p2 not in (0x0C, 0x00):
            return _sw(0x6A86) if body is not None else _sw(0x6700)
        if p1 == 0x04:
            if body not in self.apps:
                return _sw(0x6A82)
            self.df, self.ef = body, None
            return SW_OK
        if p1 == 0x02 and len(body) == 2:
            fid = int.from_bytes(body, "big")
            app = self.apps.get(self.df) if self.df else None
            if app is None:
                return _sw(0x6A82)
            if fid in app.files or fid in app.keys or fid in app.private_keys:
                self.ef = fid
                return SW_OK
            return _sw(0x6A82)
        return _sw(0x6A86)

    def _read_binary(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        if len(command) == 5:
            le = command[4] or 256
        elif len(command) == 7 and command[4] == 0:
            le = int.from_bytes(command[5:7], "big") or 65536
        else:
            return _sw(0x6700)
        app = self.apps.get(self.df) if self.df else None
        if app is None:
            return _sw(0x6986)
        if p1 & 0x80:
            if self.refuse_short_ef:
                return _sw(0x6A86)
            fid, offset = p1 & 0x1F, p2
            if fid not in app.files:
                return _sw(0x6A82)
            self.ef = fid
        else:
            fid, offset = self.ef or -1, (p1 << 8) | p2
            if fid not in app.files:
                return _sw(0x6986) if fid not in app.keys else _sw(0x6981)
        allowed = app.access.get(fid, ())
        if allowed and not any((self.df, key) in self.verified for key in allowed):
            return _sw(0x6982)
        data = app.files[fid]
        if self.df == TEXT_AID and fid == 0x0002 and self.corrupt_tlv and self._files is not None:
            data = self._files.basic_info_corrupt
        if offset >= len(data):
            return _sw(0x6B00)
        return data[offset : offset + le] + SW_OK

    def _verify(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        if p1 != 0x00 or not p2 & 0x80:
            return _sw(0x6A86)
        fid = (p2 & 0x1F) or (self.ef if self.ef is not None else -1)
        app = self.apps.get(self.df) if self.df else None
        if app is None or fid not in app.keys:
            return _sw(0x6A82) if p2 & 0x1F else _sw(0x6986)
        key = app.keys[fid]
        assert self.df is not None
        if len(command) == 4 or (len(command) == 5 and command[4] == 0):
            if (self.df, fid) in self.verified:
                return SW_OK
            return _sw(0x63C0 | key.tries)
        body = self._body(command)
        if body is None:
            return _sw(0x6700)
        if key.secret is None or key.tries == 0:
            return _sw(0x6984)
        if hmac.compare_digest(body, key.secret):
            key.tries = key.max_tries
            self.verified.add((self.df, fid))
            return SW_OK
        key.tries -= 1
        self.verified.discard((self.df, fid))
        return _sw(0x63C0 | key.tries)

    def _challenge(self, command: bytes) -> bytes:
        if len(command) != 5:
            return _sw(0x6700) if len(command) < 5 else _sw(0x6985)
        return os.urandom(command[4] or 256) + SW_OK

    def _sign(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        body = self._body(command)
        if body is None:
            return _sw(0x6700)
        if p1 != 0x00:
            return _sw(0x6A86)
        if len(body) > 245:
            return _sw(0x6700)
        app = self.apps.get(self.df) if self.df else None
        fid = (p2 & 0x1F) if p2 & 0x1F else self.ef
        if app is None or fid not in app.private_keys:
            return _sw(0x6A82) if app is not None else _sw(0x6986)
        private_key, pin_ef = app.private_keys[fid]
        if (self.df, pin_ef) not in self.verified:
            return _sw(0x6982)
        return _pkcs1_sign_raw(private_key, body) + SW_OK


def _pkcs1_sign_raw(private_key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    """RSASSA-PKCS1-v1_5 over caller-supplied DigestInfo bytes (EMSA padding, then m^d mod n)."""
    numbers = private_key.private_numbers()
    size = (private_key.key_size + 7) // 8
    if len(data) > size - 11:
        raise ValueError("data too long for the key")
    block = b"\x00\x01" + b"\xff" * (size - 3 - len(data)) + b"\x00" + data
    signature = pow(int.from_bytes(block, "big"), numbers.d, numbers.public_numbers.n)
    return signature.to_bytes(size, "big")
