"""Who is calling, and may they? Every kiosk.v1 RPC declares ``(kiosk.v1.required_role)`` in the proto.

A Unix-socket endpoint grants the role written in its configuration: the socket file's owner, group and
mode decide which local users can connect at all (docs/DESIGN.md principle 3). A TCP endpoint requires mutual
TLS, and the role is the organizational unit (OU) of the client certificate issued by ``make certs``.
Methods outside kiosk.v1 (health, reflection) are open to every connected caller; simulator control is
admin-only and exists only in simulator mode.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from cryptography import x509
from cryptography.x509.oid import NameOID
from google.protobuf import descriptor_pool
from grpc_status import rpc_status
from kiosk.v1 import options_pb2

from .config import Role
from .errors import Context, Handler, PermissionDenied, ServiceError, status_for

_LOGGER = logging.getLogger(__name__)


OPEN_SERVICES = ("grpc.health.v1.", "grpc.reflection.")


def _load_every_kiosk_proto() -> None:
    """Register every kiosk.v1 service in the descriptor pool, so undeclared never means unloaded."""
    import kiosk.v1

    for module in pkgutil.iter_modules(kiosk.v1.__path__):
        if module.name.endswith("_pb2"):
            importlib.import_module(f"kiosk.v1.{module.name}")


_load_every_kiosk_proto()


def required_role(method: str) -> Role:
    """The role a method path ("/kiosk.v1.DeviceService/ListDevices") declares; ADMIN when undeclared."""
    service_name, _, method_name = method.lstrip("/").partition("/")
    try:
        service = descriptor_pool.Default().FindServiceByName(service_name)
    except KeyError:
        return Role.ADMIN
    found = service.methods_by_name.get(method_name)
    if found is None:
        return Role.ADMIN
    extension: Any = options_pb2.required_role
    declared: int = found.GetOptions().Extensions[extension]
    return Role(declared) if declared else Role.ADMIN


def role_from_certificate(pem: bytes) -> Role | None:
    certificate = x509.load_pem_x509_certificate(pem)
    units = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    for unit in units:
        value = unit.value if isinstance(unit.value, str) else unit.value.decode()
        if value.upper() in Role.__members__:
            return Role[value.upper()]
    return None


class RoleInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Refuses a call whose caller's role is below the method's declared role."""

    def __init__(self, endpoint_role: Role, *, from_certificate: bool = False) -> None:
        self.endpoint_role = endpoint_role
        self.from_certificate = from_certificate

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        method = handler_call_details.method
        if method.lstrip("/").startswith(OPEN_SERVICES):
            return await continuation(handler_call_details)
        needed = required_role(method)
        if self.from_certificate:
            handler = await continuation(handler_call_details)
            if handler is None:  # refuse by role first, as on a Unix endpoint; then "not found"
                return _checked_per_call(_unimplemented(), method, needed)
            return _checked_per_call(handler, method, needed)
        if self.endpoint_role >= needed:
            return await continuation(handler_call_details)
        return _refusal(method, self.endpoint_role, needed)


def _denied(method: str, role: Role, needed: Role) -> PermissionDenied:
    return PermissionDenied(
        f"{method} needs the {needed.name.lower()} role; this caller is {role.name.lower()}"
    )


def _refusal(method: str, role: Role, needed: Role) -> Handler:
    return guarded(_unimplemented(), lambda context: _denied(method, role, needed), method)


def _unimplemented() -> Handler:
    async def not_found(request: object, context: Context) -> None:
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, "Method not found!")

    return grpc.unary_unary_rpc_method_handler(not_found)


def _checked_per_call(handler: Handler, method: str, needed: Role) -> Handler:
    """Wrap a handler so each call checks the role in the caller's client certificate."""

    def check(context: Context) -> ServiceError | None:
        role = caller_role(context, Role.KIOSK)
        return _denied(method, role, needed) if role < needed else None

    return guarded(handler, check, method)


Check = Callable[[Context], ServiceError | None]


def guarded(handler: Handler, check: Check, method: str) -> Handler:
    """``handler``, with ``check(context)`` run before each call: the refusal it returns (if any) ends the
    call with that error's status and is logged by its reason key, never its message."""

    async def refuse_or_pass(context: Context) -> None:
        refusal = check(context)
        if refusal is not None:
            _LOGGER.warning("call refused", extra={"method": method, "reason": refusal.reason})
            await context.abort_with_status(rpc_status.to_status(status_for(refusal)))

    if handler.unary_unary is not None:
        unary = handler.unary_unary

        async def unary_unary(request: Any, context: Context) -> Any:
            await refuse_or_pass(context)
            return await unary(request, context)

        return grpc.unary_unary_rpc_method_handler(
            unary_unary, handler.request_deserializer, handler.response_serializer
        )
    if handler.unary_stream is not None:
        stream = handler.unary_stream

        async def unary_stream(request: Any, context: Context) -> AsyncIterator[Any]:
            await refuse_or_pass(context)
            async for item in stream(request, context):
                yield item

        return grpc.unary_stream_rpc_method_handler(
            unary_stream, handler.request_deserializer, handler.response_serializer
        )
    return handler


def caller_role(context: Context, endpoint_role: Role) -> Role:
    """The caller's role: the endpoint's, or the client certificate's OU on a mutual-TLS endpoint."""
    auth = context.auth_context()
    pems = list(auth.get("x509_pem_cert") or [])
    if not pems:
        return endpoint_role
    role = role_from_certificate(pems[0])
    return role if role is not None else Role.KIOSK
