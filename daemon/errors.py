"""Domain errors and the one interceptor that turns them into gRPC status (docs/STYLE.md habit 7).

Servicers raise; they never call ``context.abort`` themselves. Every error leaves as a
``google.rpc.Status`` with an ``ErrorInfo`` whose ``reason`` is a stable key (``paper_out``,
``pin_blocked``, ``device_busy``) the UI translates, and a ``LocalizedMessage`` in Japanese.

    ServiceError            (daemon-level, carries its gRPC code)
    ├── NotFound            NOT_FOUND          unknown resource name
    ├── InvalidArgument     INVALID_ARGUMENT   a bad request field
    ├── FailedPrecondition  FAILED_PRECONDITION
    ├── PermissionDenied    PERMISSION_DENIED  the caller's role may not call this
    └── StorageFull         UNAVAILABLE        a journal write failed: disk full (``storage_full``)
    frontyard.errors.DomainError → by its category, in ``CATEGORY_CODES`` (the one table)
    drivers.base.DeviceError → UNAVAILABLE (offline, busy) or FAILED_PRECONDITION (device says no)

A journal's own storage error (``sqlite3.OperationalError`` SQLITE_FULL "database or disk is full", or an
``OSError`` ENOSPC/EDQUOT, anywhere in the exception chain) is mapped here, in ``status_for``, to
``StorageFull``, so every journal (print jobs, events, payments, outbox) answers the same clear error.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from drivers.base import DeviceBusy, DeviceError, DeviceUnavailable
from frontyard.errors import DomainError, ErrorCategory

from .redaction import redact_text

_LOGGER = logging.getLogger(__name__)

# grpc's typing of aio interceptors and handlers is incomplete; these names say what the values are.
Handler = Any
Context = Any

DOMAIN = "frontyard.kiosk.v1"


class ServiceError(Exception):
    code = grpc.StatusCode.INTERNAL
    reason = "internal"
    message_ja = "内部エラーが発生しました。職員をお呼びください。"

    def __init__(self, message: str, *, reason: str | None = None, message_ja: str | None = None) -> None:
        super().__init__(message)
        if reason:
            self.reason = reason
        if message_ja:
            self.message_ja = message_ja


class NotFound(ServiceError):
    code = grpc.StatusCode.NOT_FOUND
    reason = "not_found"
    message_ja = "見つかりません。"


class InvalidArgument(ServiceError):
    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "invalid_argument"
    message_ja = "入力内容に誤りがあります。"


class FailedPrecondition(ServiceError):
    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "failed_precondition"
    message_ja = "いまはこの操作ができません。"


class PermissionDenied(ServiceError):
    code = grpc.StatusCode.PERMISSION_DENIED
    reason = "permission_denied"
    message_ja = "この操作をする権限がありません。"


class StorageFull(ServiceError):
    code = grpc.StatusCode.UNAVAILABLE
    reason = "storage_full"
    message_ja = "記録用の空き容量がありません。職員をお呼びください。"


#: The one mapping from the domain's error categories to gRPC status codes. A DATA_ERROR is our own broken
#: data (a packaged catalog, a stored row): INTERNAL, logged with its traceback, its reason key kept.
CATEGORY_CODES: dict[ErrorCategory, grpc.StatusCode] = {
    ErrorCategory.BAD_INPUT: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorCategory.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorCategory.CONFLICT: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCategory.DATA_ERROR: grpc.StatusCode.INTERNAL,
}

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_SQLITE_FULL = 13


def storage_full(error: BaseException) -> StorageFull | None:
    """``StorageFull`` when ``error`` (or one it was raised from) is a journal write failing for lack of
    space: sqlite3 SQLITE_FULL ("database or disk is full") or an OSError ENOSPC/EDQUOT; else None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StorageFull):
            return current
        if isinstance(current, sqlite3.OperationalError) and (
            getattr(current, "sqlite_errorcode", None) == _SQLITE_FULL
            or "database or disk is full" in str(current)
        ):
            return StorageFull("a journal write failed: database or disk is full")
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return StorageFull(f"a journal write failed: {errno.errorcode.get(current.errno or 0, '')}")
        current = current.__cause__ or current.__context__
    return None


def status_for(error: Exception) -> status_pb2.Status:
    """The rich status for any error a servicer raised."""
    error = storage_full(error) or error
    if isinstance(error, ServiceError):
        code, reason, message_ja = error.code, error.reason, error.message_ja
    elif isinstance(error, DomainError):
        code, reason, message_ja = CATEGORY_CODES[error.category], error.reason, error.message_ja
    elif isinstance(error, DeviceUnavailable | DeviceBusy):
        code, reason, message_ja = grpc.StatusCode.UNAVAILABLE, error.reason, error.message_ja
    elif isinstance(error, DeviceError):
        code, reason, message_ja = grpc.StatusCode.FAILED_PRECONDITION, error.reason, error.message_ja
    else:
        code, reason, message_ja = grpc.StatusCode.INTERNAL, "internal", ServiceError.message_ja
    message = redact_text(str(error)) if code != grpc.StatusCode.INTERNAL else "internal error"
    info = error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=error_metadata(error))
    localized = error_details_pb2.LocalizedMessage(locale="ja-JP", message=message_ja)
    details = []
    for detail in (info, localized):
        packed = any_pb2.Any()
        packed.Pack(detail)
        details.append(packed)
    return status_pb2.Status(code=code.value[0], message=message, details=details)


def error_metadata(error: Exception) -> dict[str, str]:
    """Machine-readable facts for ``ErrorInfo.metadata``: an error's ``metadata`` dict, if it has one, and
    ``tries_left`` of PIN errors (``pin_wrong``, ``pin_blocked``). Never personal data."""
    metadata = {str(key): str(value) for key, value in (getattr(error, "metadata", None) or {}).items()}
    tries_left = getattr(error, "tries_left", None)
    if isinstance(tries_left, int) and not isinstance(tries_left, bool):
        metadata.setdefault("tries_left", str(tries_left))
    return metadata


def status_reason(status: status_pb2.Status) -> str:
    """The ``ErrorInfo.reason`` of a status built by ``status_for``."""
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return str(info.reason)
    return ""


def error_reason(error: grpc.RpcError) -> str:
    """Client side: the stable reason key of a failed call ("" when it carries none)."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    if status is None:
        return ""
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return str(info.reason)
    return ""


assert grpc.StatusCode.UNAVAILABLE.value[0] == code_pb2.UNAVAILABLE


class ErrorInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Maps every exception a handler raises to a rich status, and logs it without personal data."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        return _wrap_handler(handler, method)


async def _abort(context: Context, error: Exception, method: str) -> None:
    status = status_for(error)
    if status.code == grpc.StatusCode.INTERNAL.value[0]:
        _LOGGER.error(
            "unhandled error", extra={"method": method, "reason": status_reason(status)}, exc_info=error
        )
    elif storage_full(error) is not None:
        _LOGGER.error(
            "storage full: a journal write failed", extra={"method": method, "error": type(error).__name__}
        )
    else:
        reason = getattr(error, "reason", "")
        _LOGGER.info("request failed", extra={"method": method, "reason": reason, "status": status.message})
    await context.abort_with_status(rpc_status.to_status(status))


class _MalformedRequest:
    """What a request that cannot be decoded becomes, so the handler can refuse it as INVALID_ARGUMENT."""


def _tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserializer is None:
        return None

    def deserialize(raw: bytes) -> Any:
        try:
            return deserializer(raw)
        except Exception:  # protobuf's DecodeError; grpc itself would answer UNKNOWN
            return _MalformedRequest()

    return deserialize


def _refuse_malformed(request: Any) -> None:
    if isinstance(request, _MalformedRequest):
        raise InvalidArgument(
            "the request is not a valid protobuf message of the method's request type",
            reason="malformed_request",
        )


def _wrap_handler(handler: Handler, method: str) -> Handler:
    if handler.unary_unary is not None:
        inner = handler.unary_unary

        async def unary_unary(request: Any, context: Context) -> Any:
            try:
                _refuse_malformed(request)
                return await inner(request, context)
            except Exception as error:
                if isinstance(error, grpc.aio.AbortError | grpc.RpcError):
                    raise
                await _abort(context, error, method)

        return grpc.unary_unary_rpc_method_handler(
            unary_unary, _tolerant(handler.request_deserializer), handler.response_serializer
        )
    if handler.unary_stream is not None:
        inner_stream = handler.unary_stream

        async def unary_stream(request: Any, context: Context) -> AsyncIterator[Any]:
            try:
                _refuse_malformed(request)
                async for item in inner_stream(request, context):
                    yield item
            except Exception as error:
                if isinstance(error, grpc.aio.AbortError | grpc.RpcError):
                    raise
                await _abort(context, error, method)

        return grpc.unary_stream_rpc_method_handler(
            unary_stream, _tolerant(handler.request_deserializer), handler.response_serializer
        )
    return handler
