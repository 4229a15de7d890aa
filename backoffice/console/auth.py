"""Sign-in for the back-office console: ``kiosk_ui.auth`` (sessions, cookie, CSRF, the ``/staff/api``
guard) with the accounts checked here instead of by a terminal's daemon.

The accounts live in a local SQLite file next to the back-office process (``staff.sqlite3`` in its state
directory, managed with ``frontyard-staff --storage DIR``), and every attempt is audited in the
hash-chained ``audit.sqlite3`` beside it: the daemon's own ``StaffServicer`` does both (Argon2id, lockout
with back-off, one answer for every refusal). Not in the central database: a hundred terminals log in to
it, and a password hash has no business where a terminal's role could ever be granted too much.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kiosk.v1 import events_pb2, staff_pb2
from starlette.responses import JSONResponse, Response

from daemon.audit.log import AuditEntry, AuditLog
from daemon.errors import InvalidArgument, ServiceError
from daemon.staff.accounts import StaffAccounts
from daemon.staff.cli import ACCOUNTS_FILE
from daemon.staff.service import StaffServicer
from daemon.staff.tokens import StaffTokens
from kiosk_ui.auth import StaffAuth, StaffSession

_LOGGER = logging.getLogger(__name__)

AUDIT_FILE = "audit.sqlite3"


class _LogOnly:
    """The daemon raises a device-board alert when an account locks; the back office logs it."""

    def publish(self, event: events_pb2.Event) -> object:
        _LOGGER.warning("back-office staff account locked")
        return None


class BackofficeAuth(StaffAuth):
    """``StaffAuth`` whose sign-in is checked in-process against the back office's own accounts."""

    def __init__(self, state_dir: Path, idle_timeout_s: float) -> None:
        super().__init__("", idle_timeout_s)
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.accounts = StaffAccounts(state_dir / ACCOUNTS_FILE)
        self.audit = AuditLog(state_dir / AUDIT_FILE)
        self._servicer = StaffServicer(self.accounts, self.audit, _LogOnly(), StaffTokens())

    async def check_sign_in(self, staff_id: str, password: str, totp_code: str) -> StaffSession | Response:
        request = staff_pb2.SignInRequest(staff_id=staff_id, password=password, totp_code=totp_code)
        try:
            reply = await self._servicer.SignIn(request, None)
        except ServiceError as error:
            status = 400 if isinstance(error, InvalidArgument) else 401
            return refusal(status, error)
        return StaffSession(reply.staff_id, reply.display_name, list(reply.roles))

    async def record_sign_out(self, session: StaffSession, reason: str) -> None:
        request = staff_pb2.SignOutRequest(staff_id=session.staff_id, reason=reason)
        await self._servicer.SignOut(request, None)

    def record(self, staff_id: str, action: str, resource: str) -> None:
        """An audit row for a back-office action (who did what to which resource; never a value)."""
        self.audit.append(AuditEntry(staff_id, action, resource))

    async def close(self) -> None:
        self.accounts.close()
        self.audit.close()


def refusal(status: int, error: ServiceError) -> JSONResponse:
    body: dict[str, Any] = {
        "error": {"code": error.code.name, "reason": error.reason, "message_ja": error.message_ja}
    }
    return JSONResponse(body, status)
