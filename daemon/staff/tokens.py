"""Sign-in tokens for callers that are not the UI server (the admin socket, an admin certificate).

The staff socket trusts the staff id the UI server sends (``daemon.staff.identity``). Any other caller of
an audited method must prove a person: it signs in with ``StaffService.SignIn`` (password, TOTP, lockout as
for everyone) and sends the returned ``session_token`` as ``x-frontyard-staff-token`` on each call. The
daemon keeps tokens in memory only: a token unused for ``IDLE_S`` or older than ``MAX_AGE_S`` is gone, a
restart ends them all, and ``SignOut`` with the token ends it at once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

IDLE_S = 15 * 60.0
MAX_AGE_S = 8 * 3600.0  # one working day
MAX_TOKENS = 1000  # the oldest go first beyond this (memory bound)


@dataclass
class _Grant:
    staff_id: str
    issued: float
    last_used: float


class StaffTokens:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def issue(self, staff_id: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            if len(self._grants) >= MAX_TOKENS:
                self._grants.pop(next(iter(self._grants)))
            self._grants[token] = _Grant(staff_id, now, now)
        return token

    def staff_id(self, token: str) -> str:
        """The staff id a live token was issued to ("" when unknown or expired); using it keeps it alive."""
        now = self._clock()
        with self._lock:
            grant = self._grants.get(token)
            if grant is None:
                return ""
            if now - grant.last_used > IDLE_S or now - grant.issued > MAX_AGE_S:
                del self._grants[token]
                return ""
            grant.last_used = now
            return grant.staff_id

    def revoke(self, token: str) -> None:
        with self._lock:
            self._grants.pop(token, None)
