"""HTTP ⇄ gRPC: JSON bodies become requests, replies and errors become JSON, streams become SSE.

The bridge keeps nothing: no request body (a PIN) and no reply (a name) is stored or logged. Errors keep
the daemon's stable ``reason`` key (``google.rpc.ErrorInfo``) and its Japanese message; the page turns the
reason into a message and a "what to do" in the resident's language.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import json_format
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2

from .auth_context import staff_metadata
from .catalog import MethodInfo

_LOGGER = logging.getLogger(__name__)

_STATUS_DETAILS_KEY = "grpc-status-details-bin"

HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.UNIMPLEMENTED: 501,
}


class BadRequest(Exception):
    """The page sent something the bridge will not forward (reason ``bad_request``)."""


@dataclass(frozen=True)
class BridgeError:
    http_status: int
    code: str
    reason: str
    message_ja: str

    def as_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "reason": self.reason, "message_ja": self.message_ja}}


def error_from_rpc(error: grpc.RpcError) -> BridgeError:
    """The reason key and Japanese message of a failed call (``daemon_unreachable`` when there is none)."""
    code: grpc.StatusCode = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    reason, message_ja = "", ""
    metadata: Any = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    for key, value in tuple(metadata or ()):
        if key == _STATUS_DETAILS_KEY and isinstance(value, bytes):
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                localized = error_details_pb2.LocalizedMessage()
                if detail.Unpack(info):
                    reason = info.reason
                elif detail.Unpack(localized):
                    message_ja = localized.message
    if not reason:
        reason = {
            grpc.StatusCode.UNAVAILABLE: "daemon_unreachable",
            grpc.StatusCode.DEADLINE_EXCEEDED: "daemon_timeout",
            grpc.StatusCode.UNIMPLEMENTED: "not_available",
        }.get(code, "internal")
    return BridgeError(HTTP_STATUS.get(code, 500), code.name, reason, message_ja)


def parse_request(info: MethodInfo, body: Any) -> Message:
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    request = info.request_class()
    try:
        json_format.ParseDict(body, request, ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        # the parse error may quote a value (a PIN): name the method only
        raise BadRequest(f"malformed request for {info.service}/{info.method}") from exc
    return request


def to_json(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


class Bridge:
    """One daemon channel and the methods pages may call on it."""

    def __init__(self, address: str, methods: dict[str, MethodInfo], timeout_s: float = 30.0) -> None:
        self.address = address
        self.methods = methods
        self.timeout_s = timeout_s
        self._channel: grpc.aio.Channel | None = None

    @property
    def channel(self) -> grpc.aio.Channel:
        """Opened on first use, inside the server's event loop."""
        if self._channel is None:
            self._channel = grpc.aio.insecure_channel(self.address)
        return self._channel

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close(None)
            self._channel = None

    def method(self, key: str) -> MethodInfo | None:
        return self.methods.get(key)

    async def unary(self, info: MethodInfo, request: Message) -> dict[str, Any]:
        call = self.channel.unary_unary(
            info.path,
            request_serializer=info.request_class.SerializeToString,
            response_deserializer=info.response_class.FromString,
        )
        reply = await call(request, timeout=self.timeout_s, metadata=staff_metadata())
        return to_json(reply)

    async def stream(self, info: MethodInfo, request: Message) -> AsyncIterator[Message]:
        call = self.channel.unary_stream(
            info.path,
            request_serializer=info.request_class.SerializeToString,
            response_deserializer=info.response_class.FromString,
        )
        stream = call(request, metadata=staff_metadata())
        try:
            async for reply in stream:
                yield reply
        finally:
            stream.cancel()


def sse(data: dict[str, Any], event: str | None = None, event_id: int | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event:
        lines.append(f"event: {event}")
    lines.append(f"data: {json.dumps(data, ensure_ascii=False)}")
    return "\n".join(lines) + "\n\n"
