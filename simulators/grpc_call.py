"""``frontyard-sim call``: call any gRPC method of the daemon or the simulators, by server reflection.

Debian has no ``grpcurl`` package; this does what the README needs of it, with nothing but grpcio:

    frontyard-sim call unix:run/kiosk.sock list                                   # services
    frontyard-sim call unix:run/kiosk.sock list kiosk.v1.DeviceService            # its methods
    frontyard-sim call unix:run/kiosk.sock kiosk.v1.DeviceService/ListDevices
    frontyard-sim call 127.0.0.1:50070 simulators.v1.Control/Invoke \\
        -d '{"name": "simulators/escpos_printer", "action": "paper", "parameters": {"state": "out"}}'
    frontyard-sim call unix:run/kiosk.sock kiosk.v1.DeviceService/WatchEvents --max-messages 3

The address is ``unix:PATH`` (a path ending in ``.sock`` is taken as one) or ``HOST:PORT`` (plaintext; the
daemon's TCP endpoints need mutual TLS and are not reached by this tool). The request is JSON (``-d``, or
``-d @FILE``, or ``-d -`` for stdin); each reply is printed as JSON, one object per message of a stream.
The server must serve reflection (the daemon and ``frontyard-sim`` do). Exit status: 0 OK, 1 the call
failed (its gRPC status is printed), 2 a usage error.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase


class CallError(Exception):
    """A usage error: unknown service or method, bad JSON, unreachable server."""


def channel_target(address: str) -> str:
    """The grpc target: ``unix:PATH`` as is, ``PATH.sock`` as ``unix:PATH.sock``, or ``HOST:PORT``."""
    if address.startswith("unix:"):
        return address
    if address.endswith(".sock"):
        return f"unix:{address}"
    if ":" in address:
        return address
    raise CallError(
        f"address {address!r}: give unix:PATH or HOST:PORT / 宛先は unix:PATH か HOST:PORT で指定してください"
    )


class Reflected:
    """The server's services and message types, as its reflection service describes them."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.database = ProtoReflectionDescriptorDatabase(channel)
        self.pool = descriptor_pool.DescriptorPool(self.database)

    def services(self) -> list[str]:
        return sorted(self.database.get_services())

    def methods(self, service: str) -> list[str]:
        try:
            found = self.pool.FindServiceByName(service)
        except KeyError as exc:
            raise CallError(f"no service {service!r}; the server has: {', '.join(self.services())}") from exc
        return [f"{found.full_name}/{method.name}" for method in found.methods]

    def method(self, target: str) -> MethodDescriptor:
        service, _, name = target.replace("/", ".").rpartition(".")
        if not service:
            raise CallError(f"{target!r}: give SERVICE/METHOD, e.g. kiosk.v1.DeviceService/ListDevices")
        methods = {path.rsplit("/", 1)[1]: path for path in self.methods(service)}
        if name not in methods:
            raise CallError(f"{service} has no method {name!r}; it has: {', '.join(methods)}")
        return self.pool.FindServiceByName(service).methods_by_name[name]


def parse_request(method: MethodDescriptor, data: str) -> Message:
    request = message_factory.GetMessageClass(method.input_type)()
    try:
        json_format.Parse(data or "{}", request)
    except json_format.ParseError as exc:
        raise CallError(f"the request is not a valid {method.input_type.full_name}: {exc}") from exc
    return request


def call(
    channel: grpc.Channel,
    method: MethodDescriptor,
    request: Message,
    timeout: float,
    max_messages: int | None,
) -> Iterator[Message]:
    """The reply, or each message of a server stream (at most ``max_messages``)."""
    if method.client_streaming:
        raise CallError(f"{method.full_name} is client-streaming: not supported by this tool")
    reply_class = message_factory.GetMessageClass(method.output_type)
    path = f"/{method.containing_service.full_name}/{method.name}"
    if not method.server_streaming:
        unary = channel.unary_unary(
            path,
            request_serializer=type(request).SerializeToString,
            response_deserializer=reply_class.FromString,
        )
        yield unary(request, timeout=timeout)
        return
    stream = channel.unary_stream(
        path, request_serializer=type(request).SerializeToString, response_deserializer=reply_class.FromString
    )
    replies = stream(request, timeout=timeout)
    try:
        yield from itertools.islice(replies, max_messages)
    except grpc.RpcError as exc:
        if not (isinstance(exc, grpc.Call) and exc.code() is grpc.StatusCode.DEADLINE_EXCEEDED):
            raise  # a stream ends at --timeout: not an error
    finally:
        replies.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs leave RpcContext.cancel untyped


def _read_data(data: str | None) -> str:
    if data is None:
        return "{}"
    if data == "-":
        return sys.stdin.read()
    if data.startswith("@"):
        return Path(data[1:]).read_text(encoding="utf-8")
    return data


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="frontyard-sim call",
        description="Call a gRPC method of the Frontyard daemon or simulators by server reflection.",
        epilog="examples: see `pydoc simulators.grpc_call` or the README",
    )
    parser.add_argument("address", help="unix:PATH (unix:run/kiosk.sock) or HOST:PORT (127.0.0.1:50070)")
    parser.add_argument("target", help="`list`, or SERVICE/METHOD (e.g. kiosk.v1.DeviceService/ListDevices)")
    parser.add_argument("service", nargs="?", help="with `list`: list this service's methods")
    parser.add_argument("-d", "--data", help="the request as JSON; @FILE reads a file, - reads stdin")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds (default %(default)s)")
    parser.add_argument(
        "--max-messages", type=int, default=None, help="stop a server stream after this many messages"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace, out: TextIO) -> int:
    with grpc.insecure_channel(channel_target(args.address)) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=args.timeout)
        except grpc.FutureTimeoutError as exc:
            raise CallError(
                f"{args.address} does not answer within {args.timeout} s / {args.address} に接続できません"
            ) from exc
        reflected = Reflected(channel)
        if args.target == "list":
            names = reflected.methods(args.service) if args.service else reflected.services()
            out.write("".join(f"{name}\n" for name in names))
            return 0
        method = reflected.method(args.target)
        request = parse_request(method, _read_data(args.data))
        for reply in call(channel, method, request, args.timeout, args.max_messages):
            out.write(json_format.MessageToJson(reply, indent=2, ensure_ascii=False) + "\n")
            out.flush()
    return 0


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = parse_arguments(argv)
    try:
        return run(args, out)
    except CallError as exc:
        print(f"frontyard-sim call: {exc}", file=sys.stderr)
        return 2
    except grpc.RpcError as exc:
        code: Any = exc.code() if isinstance(exc, grpc.Call) else None
        details = exc.details() if isinstance(exc, grpc.Call) else str(exc)
        name = code.name if code is not None else "UNKNOWN"
        print(f"frontyard-sim call: {name}: {details}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
