"""Shared by the security tests: a daemon in a world-traversable directory, and raw calls to any method."""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
from google.protobuf.descriptor import MethodDescriptor
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from daemon.config import Role
from daemon.roles import required_role
from tests.fixtures.daemon import daemon_config
from tests.support.processes import PYTHON, RunningProcess, start_with_ready_line

ROLES = ("kiosk", "staff", "admin")


@dataclass(frozen=True)
class KioskMethod:
    path: str  # "/kiosk.v1.DeviceService/ListDevices"
    descriptor: MethodDescriptor
    needed: Role

    @property
    def kind(self) -> str:
        return f"{'stream' if self.descriptor.client_streaming else 'unary'}_" + (
            "stream" if self.descriptor.server_streaming else "unary"
        )


def every_kiosk_method() -> list[KioskMethod]:
    """Every method of every service in every generated kiosk.v1 module: later services count too."""
    import kiosk.v1

    methods = []
    for module_info in sorted(pkgutil.iter_modules(kiosk.v1.__path__), key=lambda m: m.name):
        if not module_info.name.endswith("_pb2"):
            continue
        module = importlib.import_module(f"kiosk.v1.{module_info.name}")
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                path = f"/{service.full_name}/{method.name}"
                methods.append(KioskMethod(path, method, required_role(path)))
    return methods


def _raw(data: bytes) -> bytes:
    """Requests and replies as bytes, unparsed."""
    return data


def call_raw(
    channel: grpc.Channel, method: KioskMethod, payload: bytes, timeout: float
) -> grpc.RpcError | None:
    """Send ``payload`` as the request bytes; the daemon's error, or None when it answered normally."""
    try:
        if method.kind == "unary_unary":
            channel.unary_unary(method.path, _raw, _raw)(payload, timeout=timeout)
        elif method.kind == "unary_stream":
            call = channel.unary_stream(method.path, _raw, _raw)(payload, timeout=timeout)
            next(iter(call), None)
            call.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs: Call.cancel is untyped
        elif method.kind == "stream_unary":
            channel.stream_unary(method.path, _raw, _raw)(iter([payload]), timeout=timeout)
        else:
            call = channel.stream_stream(method.path, _raw, _raw)(iter([payload]), timeout=timeout)
            next(iter(call), None)
            call.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs: Call.cancel is untyped
    except grpc.RpcError as error:
        return error
    return None


def code_of(error: grpc.RpcError | None) -> grpc.StatusCode:
    return grpc.StatusCode.OK if error is None else error.code()


@dataclass
class SharedDaemon:
    process: RunningProcess
    directory: Path

    def socket(self, role: str) -> Path:
        return self.directory / "run" / f"{role}.sock"

    def channel(self, role: str) -> grpc.Channel:
        return grpc.insecure_channel(f"unix:{self.socket(role)}")

    def alive(self) -> bool:
        return self.process.process.poll() is None

    def served_services(self) -> set[str]:
        """The services this daemon serves, from server reflection (protos may land before services)."""
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        with self.channel("kiosk") as channel:
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            replies = stub.ServerReflectionInfo(iter([request]), timeout=10)
            return {service.name for reply in replies for service in reply.list_services_response.service}


def shared_daemon(devices: dict[str, tuple[str, str]] | None = None) -> Iterator[SharedDaemon]:
    """A daemon in a 0755 directory under /tmp, so only the sockets' own modes decide who connects."""
    directory = Path(tempfile.mkdtemp(prefix="frontyard-security-"))
    directory.chmod(0o755)
    try:
        config = daemon_config(directory, devices or {})
        (directory / "run").mkdir(mode=0o755)
        process = start_with_ready_line(
            [PYTHON, "-m", "daemon", "--config", str(config)], directory / "daemon.log", timeout=30
        )
        try:
            yield SharedDaemon(process, directory)
        finally:
            process.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
