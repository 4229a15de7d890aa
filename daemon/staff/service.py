"""kiosk.v1.StaffService: sign-in and sign-out, each attempt audited; account management for 管理者.

The account methods are guarded (``daemon.staff.guard``: a signed-in 管理者) and audited by the audit
interceptor like every audited method (``daemon.audit.actions``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import grpc
import pyotp
from kiosk.v1 import events_pb2, staff_pb2, staff_pb2_grpc, visit_pb2

from .. import inputs
from ..audit.log import AuditEntry, AuditLog
from ..errors import InvalidArgument, NotFound, ServiceError
from ..ports import EventPublisher
from .accounts import MIN_PASSWORD_CHARS, AccountError, SignInOutcome, StaffAccount, StaffAccounts
from .identity import STAFF_TOKEN_METADATA, metadata_value
from .roles import StaffRole
from .tokens import StaffTokens

_LOGGER = logging.getLogger(__name__)

Context = Any
MAX_STAFF_ID_CHARS = 32
MAX_DISPLAY_NAME_CHARS = 64
TOTP_ISSUER = "Frontyard"


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


class AccountExists(ServiceError):
    code = grpc.StatusCode.ALREADY_EXISTS
    reason = "account_exists"
    message_ja = "この職員番号は登録済みです。"


class NoSuchAccount(NotFound):
    reason = "no_such_account"
    message_ja = "この職員番号は登録されていません。"


class StaffServicer(staff_pb2_grpc.StaffServiceServicer):
    def __init__(
        self, accounts: StaffAccounts, audit: AuditLog, events: EventPublisher, tokens: StaffTokens
    ) -> None:
        self.accounts = accounts
        self.audit = audit
        self.events = events
        self.tokens = tokens
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
                session_token=self.tokens.issue(account.staff_id),
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
                    staff_called=visit_pb2.StaffCalled(
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
        token = metadata_value(context, STAFF_TOKEN_METADATA)
        if token:
            self.tokens.revoke(token)
        self.audit.append(AuditEntry(request.staff_id.strip()[:MAX_STAFF_ID_CHARS], f"staff.{reason}"))
        return staff_pb2.SignOutResponse()

    # --- account management (a signed-in 管理者; guarded and audited by the interceptors) ---------------

    async def ListAccounts(  # noqa: N802 (the gRPC method's name)
        self, request: staff_pb2.ListAccountsRequest, context: Context
    ) -> staff_pb2.ListAccountsResponse:
        return staff_pb2.ListAccountsResponse(accounts=[_account(a) for a in self.accounts.list()])

    async def AddAccount(  # noqa: N802 (the gRPC method's name)
        self, request: staff_pb2.AddAccountRequest, context: Context
    ) -> staff_pb2.AccountSecret:
        staff_id = inputs.check(inputs.STAFF_ID, "staff_id", request.staff_id)
        name = request.display_name.strip()
        if not name or len(name) > MAX_DISPLAY_NAME_CHARS or not name.isprintable():
            raise InvalidArgument(
                f"display_name: 1-{MAX_DISPLAY_NAME_CHARS} printable characters",
                reason="invalid_display_name",
                message_ja=f"表示名は{MAX_DISPLAY_NAME_CHARS}文字以内で入力してください。",
            )
        roles = _roles(request.roles)
        _check_password(request.password)
        async with self._lock:
            try:
                secret = await asyncio.to_thread(
                    self.accounts.add, staff_id, name, roles, request.password, totp=request.totp
                )
            except AccountError:
                raise AccountExists("staff id already exists") from None
        return self._with_secret(staff_id, secret)

    async def DisableAccount(  # noqa: N802 (the gRPC method's name)
        self, request: staff_pb2.DisableAccountRequest, context: Context
    ) -> staff_pb2.Account:
        staff_id = inputs.check(inputs.STAFF_ID, "staff_id", request.staff_id)
        try:
            self.accounts.disable(staff_id)
        except AccountError:
            raise NoSuchAccount("no account with this staff id") from None
        return _account(self._find(staff_id))

    async def ResetAccount(  # noqa: N802 (the gRPC method's name)
        self, request: staff_pb2.ResetAccountRequest, context: Context
    ) -> staff_pb2.AccountSecret:
        staff_id = inputs.check(inputs.STAFF_ID, "staff_id", request.staff_id)
        _check_password(request.password)
        totp = {staff_pb2.TOTP_CHANGE_NEW_SECRET: True, staff_pb2.TOTP_CHANGE_REMOVE: False}.get(request.totp)
        async with self._lock:
            try:
                secret = await asyncio.to_thread(self.accounts.reset, staff_id, request.password, totp=totp)
            except AccountError:
                raise NoSuchAccount("no account with this staff id") from None
        return self._with_secret(staff_id, secret)

    def _find(self, staff_id: str) -> StaffAccount:
        account = self.accounts.find(staff_id)
        if account is None:
            raise NoSuchAccount("no account with this staff id")
        return account

    def _with_secret(self, staff_id: str, secret: str) -> staff_pb2.AccountSecret:
        uri = pyotp.TOTP(secret).provisioning_uri(name=staff_id, issuer_name=TOTP_ISSUER) if secret else ""
        account = _account(self._find(staff_id))
        return staff_pb2.AccountSecret(account=account, totp_secret=secret, totp_uri=uri)


def _account(account: StaffAccount) -> staff_pb2.Account:
    return staff_pb2.Account(
        staff_id=account.staff_id,
        display_name=account.display_name,
        roles=sorted(role.value for role in account.roles),
        disabled=account.disabled,
        has_totp=account.has_totp,
    )


def _roles(texts: Iterable[str]) -> frozenset[StaffRole]:
    try:
        roles = frozenset(StaffRole.parse(text) for text in texts)
    except ValueError:
        roles = frozenset()
    if not roles or len(roles) != len(set(texts)):  # each role once, by one name
        raise InvalidArgument(
            "roles: one or more of 窓口, 会計, 管理者",
            reason="invalid_roles",
            message_ja="役割は窓口・会計・管理者から選んでください。",
        )
    return roles


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidArgument(
            f"password: at least {MIN_PASSWORD_CHARS} characters",
            reason="password_too_short",
            message_ja=f"パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください。",
        )


class StaffServiceRunner:
    service_names = ("kiosk.v1.StaffService",)

    def __init__(
        self, accounts: StaffAccounts, audit: AuditLog, events: EventPublisher, tokens: StaffTokens
    ) -> None:
        self.accounts = accounts
        self.servicer = StaffServicer(accounts, audit, events, tokens)

    def add_to_server(self, server: grpc.aio.Server) -> None:
        staff_pb2_grpc.add_StaffServiceServicer_to_server(self.servicer, server)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self.accounts.close()
