"""Writes exactly one audit row per call of an audited method, whatever its outcome."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from ..inputs import CODE, STAFF_ID
from ..staff.identity import staff_id_from
from .actions import AUDITED_METHODS, MAX_PURPOSE_CHARS, REFUSED_VALUE, AuditedMethod
from .log import AuditEntry, AuditLog

Handler = Any
Context = Any


class AuditInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Innermost interceptor: sees the handler's own exception (or its return) and records it."""

    def __init__(self, log: AuditLog, endpoint: str) -> None:
        self.log = log
        self.endpoint = endpoint  # who, when no person is named: "admin-endpoint" (the IT staff's socket)

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        audited = AUDITED_METHODS.get(handler_call_details.method)
        if handler is None or audited is None or handler.unary_unary is None:
            return handler
        return _audited(handler, audited, self.log, self.endpoint)


def _audited(handler: Handler, audited: AuditedMethod, log: AuditLog, endpoint: str) -> Handler:
    inner = handler.unary_unary

    async def call(request: Any, context: Context) -> Any:
        outcome = "ok"
        try:
            return await inner(request, context)
        except BaseException as error:
            outcome = type(error).__name__
            raise
        finally:
            log.append(_entry(audited, request, context, outcome, endpoint))

    return grpc.unary_unary_rpc_method_handler(
        call, handler.request_deserializer, handler.response_serializer
    )


def _entry(audited: AuditedMethod, request: Any, context: Context, outcome: str, endpoint: str) -> AuditEntry:
    """The row for one call: only values in their field's grammar are recorded (never what was typed)."""
    who = staff_id_from(context)
    if not STAFF_ID.matches(who):
        who = f"{endpoint}-endpoint" if not who else REFUSED_VALUE
    resource = ""
    if audited.resource_field:
        resource = str(getattr(request, audited.resource_field, "") or "")
        if (
            resource
            and audited.resource_grammar is not None
            and not audited.resource_grammar.matches(resource)
        ):
            resource = REFUSED_VALUE
    purpose = ""
    if audited.purpose_field:
        purpose = str(getattr(request, audited.purpose_field, "") or "").strip()
        if purpose and not CODE.matches(purpose):
            purpose = REFUSED_VALUE
    if getattr(request, "dry_run", False):
        purpose = "dry_run"
    return AuditEntry(who, audited.action, resource, purpose[:MAX_PURPOSE_CHARS], outcome)
