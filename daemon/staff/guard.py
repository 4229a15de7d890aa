"""The daemon's side of staff sign-in: a staff-role call must name a signed-in person who may make it.

On a staff endpoint (the Unix staff socket, or a mutual-TLS client whose certificate says staff), every
method that requires the staff role must carry ``x-frontyard-staff-id`` naming an enabled account whose
staff roles allow the method (``daemon.staff.roles``). The socket or certificate says which program is
calling; the metadata says which person it signed in. An admin caller (the city's IT staff, on the admin
socket or with an admin certificate) may call staff methods without a person, except an audited action
(``daemon.audit.actions``): that needs a sign-in token (``daemon.staff.tokens``) of a person whose roles
allow it, so that no audited row is ever without a person. Kiosk-role methods are not concerned;
``SignIn`` and ``SignOut`` are how a person signs in and out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ..audit.actions import AUDITED_METHODS
from ..config import Role
from ..errors import Context, Handler, PermissionDenied, ServiceError
from ..roles import guarded, required_role
from .accounts import StaffAccounts
from .identity import StaffIdentity
from .roles import SIGN_IN_METHODS, may_call


class StaffSignInRequired(ServiceError):
    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "staff_sign_in_required"
    message_ja = "職員のサインインが必要です。"


class StaffRoleMissing(PermissionDenied):
    reason = "staff_role_missing"
    message_ja = "この操作をする役割がありません（会計・管理者など）。"


class StaffGuardInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    def __init__(self, accounts: StaffAccounts, identity: StaffIdentity) -> None:
        self.accounts = accounts
        self.identity = identity

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method in SIGN_IN_METHODS or not method.startswith("/kiosk.v1."):
            return handler
        if required_role(method) != Role.STAFF:
            return handler
        if self.identity.endpoint_role == Role.ADMIN and method not in AUDITED_METHODS:
            return handler
        return guarded(handler, lambda context: self.refusal(method, context), method)

    def refusal(self, method: str, context: Context) -> ServiceError | None:
        """Why this call may not proceed, or None."""
        if self.identity.caller(context) == Role.ADMIN and method not in AUDITED_METHODS:
            return None  # an admin certificate on a TCP endpoint, an unaudited method
        staff_id = self.identity.staff_id(context)
        account = self.accounts.find(staff_id) if staff_id else None
        if account is None or account.disabled:
            return StaffSignInRequired(f"{method} needs a signed-in staff member")
        if not may_call(account.roles, method):
            return StaffRoleMissing(f"{method} is not allowed to staff {staff_id}'s roles")
        return None
