"""Writes an intent row before each call of an audited method, and its outcome row after.

The intent row (outcome ``started``) is written before the handler runs: when it cannot be written (a
full disk), the call fails and the action never happens, so no action is ever without its row. The outcome
row (``ok`` or the refusal's exception name) follows the handler. When that second write fails the action
has happened: its result still goes back to the caller (a retried refund would be worse), the failure is
logged, and ``frontyard-audit`` shows an intent without an outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from ..inputs import CODE, STAFF_ID
from ..staff.identity import StaffIdentity
from .actions import AUDITED_METHODS, MAX_PURPOSE_CHARS, REFUSED_VALUE, STARTED, AuditedMethod
from .log import AuditEntry, AuditLog

_LOGGER = logging.getLogger(__name__)

Handler = Any
Context = Any


class AuditInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Innermost interceptor: sees the handler's own exception (or its return) and records it."""

    def __init__(self, log: AuditLog, identity: StaffIdentity) -> None:
        self.log = log
        self.identity = identity  # who: the person the staff guard verified for this call

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        audited = AUDITED_METHODS.get(handler_call_details.method)
        if handler is None or audited is None or handler.unary_unary is None:
            return handler
        return audited_handler(handler, audited, self.log, self.identity)


def audited_handler(
    handler: Handler, audited: AuditedMethod, log: AuditLog, identity: StaffIdentity
) -> Handler:
    inner = handler.unary_unary

    async def call(request: Any, context: Context) -> Any:
        entry = _entry(audited, request, identity.staff_id(context))
        log.append(entry)  # raises on a full disk: the action below does not run
        outcome = "ok"
        try:
            return await inner(request, context)
        except BaseException as error:
            outcome = type(error).__name__
            raise
        finally:
            try:
                log.append(AuditEntry(entry.who, entry.action, entry.resource, entry.purpose, outcome))
            except Exception:  # the action happened; its intent row stands
                _LOGGER.exception("audit outcome row not written", extra={"action": audited.action})

    return grpc.unary_unary_rpc_method_handler(
        call, handler.request_deserializer, handler.response_serializer
    )


def _entry(audited: AuditedMethod, request: Any, who: str) -> AuditEntry:
    """The intent row for one call: only values in their field's grammar are recorded (never what was
    typed). The staff guard refused a call without a verified person before it got here."""
    if not STAFF_ID.matches(who):
        who = REFUSED_VALUE
    resource = ""
    if audited.resource_field:
        resource = str(getattr(request, audited.resource_field, "") or "")
        if resource and audited.resource_grammar is not None:
            if audited.resource_grammar.matches(resource):
                resource = audited.resource_prefix + resource
            else:
                resource = REFUSED_VALUE
    purpose = ""
    if audited.purpose_field:
        purpose = str(getattr(request, audited.purpose_field, "") or "").strip()
        if purpose and not CODE.matches(purpose):
            purpose = REFUSED_VALUE
    if getattr(request, "dry_run", False):
        purpose = "dry_run"
    return AuditEntry(who, audited.action, resource, purpose[:MAX_PURPOSE_CHARS], STARTED)
