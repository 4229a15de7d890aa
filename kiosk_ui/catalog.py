"""The kiosk.v1 methods the bridge may call, read from the generated descriptors at start-up.

Every ``kiosk.v1.*_pb2`` module that exists is loaded, so a service the daemon gains is reachable from the
pages after a restart of the UI server, with no code here. Each method carries its ``required_role``
(proto option) and whether its request holds a field marked ``[(sensitive) = true]``; a request with
personal data (a PIN) is accepted only in a POST body, never in a URL.
"""

from __future__ import annotations

import enum
import importlib
import logging
import pkgutil
from dataclasses import dataclass
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, MethodDescriptor
from google.protobuf.message import Message

_LOGGER = logging.getLogger(__name__)

PACKAGE = "kiosk.v1"


class Role(enum.IntEnum):
    """The roles of options.proto; the resident pages use KIOSK, the staff console STAFF."""

    KIOSK = 1
    STAFF = 2
    ADMIN = 3


@dataclass(frozen=True)
class MethodInfo:
    service: str
    method: str
    path: str
    request_class: type[Message]
    response_class: type[Message]
    server_streaming: bool
    client_streaming: bool
    required_role: int
    sensitive_request: bool


def _sensitive_extension() -> Any:
    from kiosk.v1 import options_pb2

    return options_pb2.sensitive


def has_sensitive_field(descriptor: Descriptor, seen: frozenset[str] = frozenset()) -> bool:
    """True when the message, at any depth, has a field marked sensitive."""
    if descriptor.full_name in seen:
        return False
    extension = _sensitive_extension()
    for field in descriptor.fields:
        if field.GetOptions().Extensions[extension]:
            return True
        nested = field.message_type
        if nested is not None and has_sensitive_field(nested, seen | {descriptor.full_name}):
            return True
    return False


def _required_role(method: MethodDescriptor) -> int:
    from kiosk.v1 import options_pb2

    extension: Any = options_pb2.required_role
    return int(method.GetOptions().Extensions[extension])


def load_methods() -> dict[str, MethodInfo]:
    """ "Service/Method" → MethodInfo for every kiosk.v1 service generated so far."""
    import kiosk.v1

    methods: dict[str, MethodInfo] = {}
    for module_info in pkgutil.iter_modules(kiosk.v1.__path__):
        if not module_info.name.endswith("_pb2"):
            continue
        try:
            module = importlib.import_module(f"kiosk.v1.{module_info.name}")
        except ImportError as exc:  # a half-regenerated tree: skip, report
            _LOGGER.warning("cannot load %s: %s", module_info.name, exc)
            continue
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                methods[f"{service.name}/{method.name}"] = MethodInfo(
                    service=service.name,
                    method=method.name,
                    path=f"/{service.full_name}/{method.name}",
                    request_class=message_factory.GetMessageClass(method.input_type),
                    response_class=message_factory.GetMessageClass(method.output_type),
                    server_streaming=method.server_streaming,
                    client_streaming=method.client_streaming,
                    required_role=_required_role(method),
                    sensitive_request=has_sensitive_field(method.input_type),
                )
    return methods


def allowed_methods(methods: dict[str, MethodInfo], role: Role) -> dict[str, MethodInfo]:
    """Methods a page of ``role`` may reach: declared role at most ``role``, never client streaming."""
    return {
        key: info
        for key, info in methods.items()
        if 0 < info.required_role <= role and not info.client_streaming
    }
