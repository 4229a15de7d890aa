"""Staff sign-in for the staff console and the counter tablet.

A person signs in at ``POST /staff/auth/sign-in`` (staff id, password, TOTP code when their account has
one); the daemon checks it (``kiosk.v1.StaffService.SignIn``: Argon2id, lockout with back-off, one answer
for every refusal) and this server keeps a session in memory:

- the browser holds only a random session id, in an HttpOnly, SameSite=Strict cookie scoped to ``/staff``;
- every state-changing call (POST) under ``/staff/api`` must carry the session's CSRF token in the
  ``X-CSRF-Token`` header (the page reads it from ``GET /staff/auth/session``);
- a session unused for ``idle_timeout_s`` expires (the daemon records it), and ``POST /staff/auth/sign-out``
  ends it;
- every call this server makes to the daemon on a session's behalf carries the verified staff id as the
  ``x-frontyard-staff-id`` metadata, over the staff socket only this server can reach (README "Staff
  sign-in" says why the daemon may trust it).

Anything under ``/staff/api`` without a live session is refused with 401 ``staff_sign_in_required``.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from kiosk.v1 import staff_pb2, staff_pb2_grpc
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .auth_context import current_staff
from .bridge import error_from_rpc

_LOGGER = logging.getLogger(__name__)

COOKIE = "frontyard_staff"
CSRF_HEADER = "x-csrf-token"
PROTECTED_PREFIX = "/staff/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FIELD_CHARS = 256
# The account methods (the 管理者 account page) go through the bridge; signing in and out does not.
BRIDGE_REFUSED = ("/StaffService/SignIn", "/StaffService/SignOut")


@dataclass
class StaffSession:
    staff_id: str
    display_name: str
    roles: list[str]
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    last_seen: float = field(default_factory=time.monotonic)


class StaffSessions:
    """Live sessions in memory, by their random id; a restart signs everyone out."""

    def __init__(self, idle_timeout_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_timeout_s = idle_timeout_s
        self.clock = clock
        self._sessions: dict[str, StaffSession] = {}

    def open(self, session: StaffSession) -> str:
        session_id = secrets.token_urlsafe(32)
        session.last_seen = self.clock()
        self._sessions[session_id] = session
        return session_id

    def touch(self, session_id: str) -> tuple[StaffSession | None, StaffSession | None]:
        """(the live session, or None; the session that just expired, or None)."""
        session = self._sessions.get(session_id)
        if session is None:
            return None, None
        now = self.clock()
        if now - session.last_seen > self.idle_timeout_s:
            del self._sessions[session_id]
            return None, session
        session.last_seen = now
        return session, None

    def alive(self, session_id: str) -> bool:
        """Whether the session is still open, without counting this as use (a live feed's check)."""
        session = self._sessions.get(session_id)
        return session is not None and self.clock() - session.last_seen <= self.idle_timeout_s

    def close(self, session_id: str) -> StaffSession | None:
        return self._sessions.pop(session_id, None)


def _refusal(status: int, reason: str, message_ja: str) -> JSONResponse:
    code = "UNAUTHENTICATED" if status == 401 else "PERMISSION_DENIED"
    return JSONResponse({"error": {"code": code, "reason": reason, "message_ja": message_ja}}, status)


SIGN_IN_REQUIRED = ("staff_sign_in_required", "職員のサインインが必要です。")
CSRF_REFUSED = ("csrf_refused", "画面を読み込み直してから操作してください。")


class StaffAuth:
    """The sign-in routes and the guard of ``/staff/api``; talks to the daemon's StaffService."""

    def __init__(self, staff_daemon: str, idle_timeout_s: float) -> None:
        self.staff_daemon = staff_daemon
        self.sessions = StaffSessions(idle_timeout_s)
        self._channel: grpc.aio.Channel | None = None

    def _stub(self) -> Any:  # the aio stub; grpc's generated typing describes the sync one
        if self._channel is None:
            self._channel = grpc.aio.insecure_channel(self.staff_daemon)
        return staff_pb2_grpc.StaffServiceStub(self._channel)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close(None)
            self._channel = None

    async def check_sign_in(self, staff_id: str, password: str, totp_code: str) -> StaffSession | Response:
        """The signed-in person, or the refusal to send (the daemon checks; the back office overrides)."""
        request = staff_pb2.SignInRequest(staff_id=staff_id, password=password, totp_code=totp_code)
        try:
            reply = await self._stub().SignIn(request, timeout=30)
        except grpc.RpcError as exc:
            error = error_from_rpc(exc)
            return JSONResponse(error.as_json(), error.http_status)
        return StaffSession(reply.staff_id, reply.display_name, list(reply.roles))

    async def record_sign_out(self, session: StaffSession, reason: str) -> None:
        try:
            request = staff_pb2.SignOutRequest(staff_id=session.staff_id, reason=reason)
            await self._stub().SignOut(request, timeout=10)
        except grpc.RpcError as error:
            _LOGGER.warning("sign-out not recorded: %s", error_from_rpc(error).reason)

    def live_session(self, request: Request) -> tuple[StaffSession | None, StaffSession | None]:
        return self.sessions.touch(request.cookies.get(COOKIE, ""))

    def routes(self) -> list[BaseRoute]:
        async def sign_in(request: Request) -> Response:
            try:
                body = json.loads(await request.body() or b"{}")
            except (json.JSONDecodeError, UnicodeDecodeError):
                body = None
            if not isinstance(body, dict) or not all(
                isinstance(body.get(key, ""), str) and len(body.get(key, "")) <= MAX_FIELD_CHARS
                for key in ("staff_id", "password", "totp_code")
            ):
                return _refusal(400, "bad_request", "入力内容に誤りがあります。")
            checked = await self.check_sign_in(
                body.get("staff_id", ""), body.get("password", ""), body.get("totp_code", "")
            )
            if not isinstance(checked, StaffSession):
                return checked
            session = checked
            response = JSONResponse(_describe(session), headers={"Cache-Control": "no-store"})
            response.set_cookie(
                COOKIE, self.sessions.open(session), path="/staff", httponly=True, samesite="strict"
            )
            return response

        async def current(request: Request) -> Response:
            session, expired = self.live_session(request)
            if expired is not None:
                await self.record_sign_out(expired, "expired")
            if session is None:
                return _refusal(401, *SIGN_IN_REQUIRED)
            return JSONResponse(_describe(session), headers={"Cache-Control": "no-store"})

        async def sign_out(request: Request) -> Response:
            session_id = request.cookies.get(COOKIE, "")
            session, _ = self.sessions.touch(session_id)
            if session is None:
                return _refusal(401, *SIGN_IN_REQUIRED)
            if not _csrf_ok(request, session):
                return _refusal(403, *CSRF_REFUSED)
            self.sessions.close(session_id)
            await self.record_sign_out(session, "signed_out")
            response = JSONResponse({"signed_out": True})
            response.delete_cookie(COOKIE, path="/staff", httponly=True, samesite="strict")
            return response

        return [
            Route("/staff/auth/sign-in", sign_in, methods=["POST"]),
            Route("/staff/auth/session", current, methods=["GET"]),
            Route("/staff/auth/sign-out", sign_out, methods=["POST"]),
        ]


def _describe(session: StaffSession) -> dict[str, Any]:
    return {
        "staff_id": session.staff_id,
        "display_name": session.display_name,
        "roles": session.roles,
        "csrf_token": session.csrf_token,
    }


def _csrf_ok(request: Request, session: StaffSession) -> bool:
    return hmac.compare_digest(request.headers.get(CSRF_HEADER, ""), session.csrf_token)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class StaffAuthMiddleware:
    """Guards ``/staff/api``: a live session, a CSRF token on POST; sets the staff id for the bridge."""

    def __init__(self, app: App, auth: StaffAuth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(PROTECTED_PREFIX):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        session, expired = self.auth.live_session(request)
        if expired is not None:
            await self.auth.record_sign_out(expired, "expired")
        refusal: Response | None = None
        if session is None:
            refusal = _refusal(401, *SIGN_IN_REQUIRED)
        elif request.method not in SAFE_METHODS and not _csrf_ok(request, session):
            refusal = _refusal(403, *CSRF_REFUSED)
        elif request.url.path.endswith(BRIDGE_REFUSED):  # sign-in happens at /staff/auth only
            refusal = _refusal(404, "not_available", "この操作はここではできません。")
        if refusal is not None or session is None:
            assert refusal is not None
            await refusal(scope, receive, send)
            return
        token = current_staff.set(session.staff_id)
        try:
            await self.app(scope, receive, send)
        finally:
            current_staff.reset(token)
