"""Reception QR: an opaque same-day reception id with a MAC, carried on paper between counters.

Payload (QR alphanumeric mode, upper case)::

    FY1:<YYYYMMDD>:<COUNTER>:<SERIAL>:<MAC>
    FY1:20250909:SHIMIN:0042:K3QW5B7ZP2XJ4M6A

COUNTER is 1–12 of A–Z, 0–9 and '-'; SERIAL 4–6 digits, counted per day from 1; MAC is the first 10 bytes
of HMAC-SHA256(secret, "FY1:<date>:<counter>:<serial>") in base32 (16 characters). No personal data.
``resolve`` raises ``MalformedReceptionCodeError``, ``ForgedReceptionCodeError`` or
``ExpiredReceptionCodeError``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from frontyard.errors import ExpiredReceptionCodeError, ForgedReceptionCodeError, MalformedReceptionCodeError

PREFIX = "FY1"
MAC_BYTES = 10
MIN_SECRET_BYTES = 16
_PAYLOAD = re.compile(r"FY1:(\d{8}):([A-Z0-9-]{1,12}):(\d{4,6}):([A-Z2-7]{16})")
_COUNTER = re.compile(r"[A-Z0-9-]{1,12}")
_MAX_SERIAL = 999_999


@dataclass(frozen=True)
class ReceptionTicket:
    day: dt.date
    counter: str
    serial: int
    payload: str


def _mac(secret: bytes, message: str) -> str:
    digest = hmac.new(secret, message.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.b32encode(digest).decode("ascii")


class ReceptionCodes:
    """Issues and resolves reception codes with the daemon's secret. Thread-safe."""

    def __init__(self, secret: bytes, today: Callable[[], dt.date] = dt.date.today) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"reception secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self._today = today
        self._lock = threading.Lock()
        self._serials: dict[dt.date, int] = {}

    def issue(self, counter: str) -> ReceptionTicket:
        """A new code for today at ``counter`` (e.g. ``SHIMIN``)."""
        counter = counter.upper()
        if not _COUNTER.fullmatch(counter):
            raise MalformedReceptionCodeError("counter code must be 1-12 of A-Z, 0-9, '-'")
        day = self._today()
        with self._lock:
            serial = self._serials.get(day, 0) + 1
            if serial > _MAX_SERIAL:
                raise MalformedReceptionCodeError("no reception serials left today")
            self._serials = {day: serial}  # keep only today's counter
        body = f"{PREFIX}:{day:%Y%m%d}:{counter}:{serial:04d}"
        return ReceptionTicket(day, counter, serial, f"{body}:{_mac(self._secret, body)}")

    def resolve(self, payload: str) -> ReceptionTicket:
        """Check a scanned code: well-formed, genuine and issued today."""
        text = payload.strip().upper() if isinstance(payload, str) else ""
        match = _PAYLOAD.fullmatch(text)
        if match is None:
            raise MalformedReceptionCodeError("not a reception code")
        date_text, counter, serial_text, mac = match.groups()
        body = text.rsplit(":", 1)[0]
        if not hmac.compare_digest(mac, _mac(self._secret, body)):
            raise ForgedReceptionCodeError("reception code MAC does not match")
        try:
            day = dt.datetime.strptime(date_text, "%Y%m%d").date()
        except ValueError as exc:
            raise MalformedReceptionCodeError("reception code has an invalid date") from exc
        if day != self._today():
            raise ExpiredReceptionCodeError("reception code was issued on another day")
        return ReceptionTicket(day, counter, int(serial_text), text)
