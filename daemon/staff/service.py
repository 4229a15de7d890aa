"""kiosk.v1.StaffService: sign-in and sign-out for the kiosk UI server, each attempt audited."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import grpc
from kiosk.v1 import events_pb2, frontyard_pb2, staff_pb2, staff_pb2_grpc

from ..audit.log import AuditEntry, AuditLog
from ..errors import InvalidArgument, ServiceError
from ..ports import EventPublisher
from .accounts import SignInOutcome, StaffAccounts

_LOGGER = logging.getLogger(__name__)

Context = Any
MAX_STAFF_ID_CHARS = 32


class SignInRefused(ServiceError):
    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "sign_in_refused"
    message_ja = "職員番号またはパスワードが違います。"


class SignInLocked(ServiceError):
    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "sign_in_locked"
    message_ja = (
        "失敗が続いたため、しばらくサインインできません。時間をおいて試すか、管理者に連絡してください。"
    )


class StaffServicer(staff_pb2_grpc.StaffServiceServicer):
    def __init__(self, accounts: StaffAccounts, audit: AuditLog, events: EventPublisher) -> None:
        self.accounts = accounts
        self.audit = audit
        self.events = events
        self._lock = asyncio.Lock()  # one Argon2 check at a time: the store's connection is shared

    async def SignIn(  # noqa: N802 (the gRPC method's name)
        self, request: staff_pb2.SignInRequest, context: Context
    ) -> staff_pb2.SignInResponse:
        staff_id = request.staff_id.strip()
        if not staff_id or len(staff_id) > MAX_STAFF_ID_CHARS or not staff_id.isprintable():
            raise InvalidArgument("a staff id is required", reason="staff_id_required")
        async with self._lock:
            result = await asyncio.to_thread(
                self.accounts.sign_in, staff_id, request.password, request.totp_code
            )
        resource = f"staff/{staff_id}"
        if result.outcome is SignInOutcome.SIGNED_IN and result.account is not None:
            self.audit.append(AuditEntry(staff_id, "staff.signed_in", resource))
            account = result.account
            return staff_pb2.SignInResponse(
                staff_id=account.staff_id,
                display_name=account.display_name,
                roles=sorted(role.value for role in account.roles),
            )
        # who stays empty: nobody proved to be this staff id
        self.audit.append(AuditEntry("", "staff.sign_in_failed", resource, outcome=result.outcome.value))
        if result.locked_now:
            self.audit.append(
                AuditEntry("", "staff.locked_out", resource, outcome=f"{result.retry_after_s:.0f}s")
            )
            _LOGGER.warning(
                "staff account locked", extra={"staff": resource, "seconds": result.retry_after_s}
            )
            self.events.publish(
                events_pb2.Event(
                    staff_called=frontyard_pb2.StaffCalled(
                        name=resource, screen="staff-sign-in", reason="sign_in_locked"
                    )
                )
            )
        if result.outcome is SignInOutcome.LOCKED:
            raise SignInLocked("sign-in locked for a while after repeated failures")
        raise SignInRefused("staff id or password is wrong")

    async def SignOut(  # noqa: N802 (the gRPC method's name)
        self, request: staff_pb2.SignOutRequest, context: Context
    ) -> staff_pb2.SignOutResponse:
        reason = request.reason if request.reason in ("signed_out", "expired") else "signed_out"
        self.audit.append(AuditEntry(request.staff_id.strip()[:MAX_STAFF_ID_CHARS], f"staff.{reason}"))
        return staff_pb2.SignOutResponse()


class StaffServiceRunner:
    service_names = ("kiosk.v1.StaffService",)

    def __init__(self, accounts: StaffAccounts, audit: AuditLog, events: EventPublisher) -> None:
        self.accounts = accounts
        self.servicer = StaffServicer(accounts, audit, events)

    def add_to_server(self, server: grpc.aio.Server) -> None:
        staff_pb2_grpc.add_StaffServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self.accounts.close()
