"""Random and malformed requests to every kiosk.v1 method over the real socket: the daemon answers each
with a status it means (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, …), never INTERNAL or UNKNOWN,
and keeps serving.

Calls go to the admin socket, so the role check lets every request reach its handler. The daemon has no
devices: handlers must refuse cleanly rather than assume one is configured.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kiosk.v1 import device_pb2, device_pb2_grpc

from tests.integration.security.helpers import (
    KioskMethod,
    SharedDaemon,
    call_raw,
    code_of,
    every_kiosk_method,
    shared_daemon,
)

pytestmark = pytest.mark.integration

METHODS = every_kiosk_method()
NEVER = (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.UNIMPLEMENTED)
SCALAR_STRATEGIES: dict[int, st.SearchStrategy[Any]] = {
    FieldDescriptor.TYPE_STRING: st.one_of(
        st.text(max_size=40),
        st.sampled_from(["devices/receipt", "jobs/1", "payments/x", "visits/../../etc", "", "a" * 2000]),
    ),
    FieldDescriptor.TYPE_BYTES: st.binary(max_size=64),
    FieldDescriptor.TYPE_BOOL: st.booleans(),
    FieldDescriptor.TYPE_INT32: st.integers(-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: st.integers(-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_UINT32: st.integers(0, 2**32 - 1),
    FieldDescriptor.TYPE_INT64: st.integers(-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: st.integers(-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT64: st.integers(0, 2**64 - 1),
    FieldDescriptor.TYPE_DOUBLE: st.floats(),
    FieldDescriptor.TYPE_FLOAT: st.floats(width=32),
    FieldDescriptor.TYPE_ENUM: st.integers(-1, 40),
}


@pytest.fixture(scope="module")
def daemon() -> Iterator[SharedDaemon]:
    yield from shared_daemon()


@st.composite
def request_bytes(draw: st.DrawFn, descriptor: Descriptor, depth: int = 0) -> bytes:
    """A serialized request of ``descriptor``'s type with random values in random fields."""
    message = message_factory.GetMessageClass(descriptor)()
    for field in descriptor.fields:
        if not draw(st.booleans()):
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth >= 2 or field.message_type is None or field.message_type.GetOptions().map_entry:
                continue
            raw = draw(request_bytes(field.message_type, depth + 1))
            target = getattr(message, field.name)
            (target.add() if field.is_repeated else target).MergeFromString(raw)
            continue
        strategy = SCALAR_STRATEGIES.get(field.type)
        if strategy is None:
            continue
        if field.is_repeated:
            getattr(message, field.name).extend(draw(st.lists(strategy, max_size=3)))
        else:
            setattr(message, field.name, draw(strategy))
    return bytes(message.SerializeToString())


@pytest.fixture(scope="module")
def served(daemon: SharedDaemon) -> set[str]:
    return daemon.served_services()


def skip_unless_served(served: set[str], method: KioskMethod) -> None:
    service = method.path.split("/")[1]
    if service not in served:
        pytest.skip(f"{service} has a proto but the daemon does not serve it yet")


def check(daemon: SharedDaemon, method: KioskMethod, payload: bytes) -> None:
    streaming = method.descriptor.server_streaming or method.descriptor.client_streaming
    with daemon.channel("admin") as channel:
        error = call_raw(channel, method, payload, timeout=0.5 if streaming else 10)
    code = code_of(error)
    details = error.details() if error is not None else ""
    assert code not in NEVER, f"{method.path} answered {code.name} ({details}) to {payload[:60]!r}"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        assert streaming, f"{method.path} did not answer within 10 s"
    assert daemon.alive(), f"the daemon died on {method.path}"


IDS = [method.path.lstrip("/").removeprefix("kiosk.v1.") for method in METHODS]

#: Findings reported to the services' owners (RELIABILITY.md); remove an entry when it is fixed (XPASS).
KNOWN_FINDINGS: dict[str, str] = {}
RANDOM_VALUE_CASES = [
    pytest.param(
        method,
        id=name,
        marks=[pytest.mark.xfail(reason=KNOWN_FINDINGS[name], strict=False)]
        if name in KNOWN_FINDINGS
        else [],
    )
    for method, name in zip(METHODS, IDS, strict=True)
]


@pytest.mark.parametrize("method", METHODS, ids=IDS)
def test_malformed_bytes(daemon: SharedDaemon, served: set[str], method: KioskMethod) -> None:
    skip_unless_served(served, method)
    examples = 4 if method.descriptor.server_streaming else 12

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.one_of(st.binary(max_size=64), st.just(b"\xff" * 9), st.just(b"\x0a\xff\xff\xff\xff\x0f")))
    def run(payload: bytes) -> None:
        check(daemon, method, payload)

    run()


@pytest.mark.parametrize("method", RANDOM_VALUE_CASES)
def test_random_field_values(daemon: SharedDaemon, served: set[str], method: KioskMethod) -> None:
    skip_unless_served(served, method)
    examples = 4 if method.descriptor.server_streaming else 20

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(request_bytes(method.descriptor.input_type))
    def run(payload: bytes) -> None:
        check(daemon, method, payload)

    run()


def test_still_serving_after_the_fuzzing(daemon: SharedDaemon) -> None:
    with daemon.channel("kiosk") as channel:
        reply = device_pb2_grpc.DeviceServiceStub(channel).ListDevices(
            device_pb2.ListDevicesRequest(), timeout=10
        )
    assert list(reply.devices) == []
    assert "Traceback" not in (daemon.directory / "daemon.log").read_text(errors="replace")
