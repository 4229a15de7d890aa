"""The JSON and server-sent-event routes of the bridge, and the simulator control panel's routes.

POST {prefix}/rpc/{Service}/{Method}     JSON body → unary call → JSON reply (or {"error": …})
GET  {prefix}/stream/{Service}/{Method}?request={json}
                                         server-streaming call → SSE; requests with personal data
                                         (sensitive fields) are refused here: they never go in a URL
GET  /staff/api/simulators               frontyard-sim: every simulator with its state
POST /staff/api/simulators/{name}/{action}   a fault or scenario action (JSON parameters)
GET  /staff/api/card-simulator           the card simulator (its own HTTP control): state and personas
POST /staff/api/card-simulator/{action}  insert (a persona's card), remove, reset, set_tries, …
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from .bridge import BadRequest, Bridge, error_from_rpc, parse_request, sse, to_json

_LOGGER = logging.getLogger(__name__)

SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def _bad(message: str, status: int = 400, reason: str = "bad_request") -> JSONResponse:
    return JSONResponse({"error": {"code": "INVALID_ARGUMENT", "reason": reason, "message": message}}, status)


def bridge_routes(bridge: Bridge, prefix: str) -> list[BaseRoute]:
    async def rpc(request: Request) -> Response:
        key = f"{request.path_params['service']}/{request.path_params['method']}"
        info = bridge.method(key)
        if info is None or info.server_streaming:
            return _bad(f"{key} is not a unary method this page may call", 404, "not_available")
        try:
            body = json.loads(await request.body() or b"{}")
            message = parse_request(info, body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _bad("the body is not JSON")
        except BadRequest as exc:
            return _bad(str(exc))
        try:
            return JSONResponse(await bridge.unary(info, message), headers={"Cache-Control": "no-store"})
        except grpc.RpcError as exc:
            error = error_from_rpc(exc)
            _LOGGER.info("%s failed: %s %s", key, error.code, error.reason)
            return JSONResponse(error.as_json(), error.http_status)

    async def stream(request: Request) -> Response:
        key = f"{request.path_params['service']}/{request.path_params['method']}"
        info = bridge.method(key)
        if info is None or not info.server_streaming:
            return _bad(f"{key} is not a stream this page may follow", 404, "not_available")
        if request.method == "GET" and info.sensitive_request:
            return _bad(f"{key} carries personal data: not in a URL", 400, "sensitive_in_url")
        try:
            if request.method == "POST":
                body = json.loads(await request.body() or b"{}")
            else:
                body = json.loads(request.query_params.get("request") or "{}")
            message = parse_request(info, body)
        except (json.JSONDecodeError, UnicodeDecodeError, BadRequest):
            return _bad("request= is not a valid JSON request")
        last_id = request.headers.get("last-event-id", "")
        if last_id.isdigit() and "after_sequence" in info.request_class.DESCRIPTOR.fields_by_name:
            message.after_sequence = int(last_id)  # type: ignore[attr-defined]

        async def events() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            try:
                async for reply in bridge.stream(info, message):
                    sequence = getattr(reply, "sequence", None)
                    yield sse(to_json(reply), event_id=sequence if isinstance(sequence, int) else None)
            except grpc.RpcError as exc:
                yield sse(error_from_rpc(exc).as_json(), event="error")
            except asyncio.CancelledError:
                raise

        return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)

    return [
        Route(prefix + "/rpc/{service}/{method}", rpc, methods=["POST"]),
        Route(prefix + "/stream/{service}/{method}", stream, methods=["GET", "POST"]),
    ]


def simulator_routes(address: str, prefix: str) -> list[BaseRoute]:
    """The staff panel's bridge to ``simulators.v1.Control`` (only when running on simulators)."""
    if not address:
        return []
    from simctl.v1 import control_pb2, control_pb2_grpc

    opened: list[Any] = []  # the aio stub; grpc's generated typing describes the sync one

    def stub() -> Any:
        if not opened:  # opened inside the server's event loop
            opened.append(control_pb2_grpc.ControlStub(grpc.aio.insecure_channel(address)))
        return opened[0]

    async def list_simulators(request: Request) -> Response:
        try:
            listed = await stub().ListSimulators(control_pb2.ListSimulatorsRequest(), timeout=10)
            result: list[dict[str, Any]] = []
            for simulator in listed.simulators:
                running = simulator.state == control_pb2.SIMULATOR_STATE_RUNNING
                state: dict[str, Any] = {}
                if running:
                    reply = await stub().GetSimulatorState(
                        control_pb2.GetSimulatorStateRequest(name=simulator.name), timeout=10
                    )
                    state = json_format.MessageToDict(reply)
                result.append(
                    {
                        "name": simulator.name,
                        "running": running,
                        "state": _summary(state),
                        "personas": _personas(state),
                    }
                )
        except grpc.RpcError as exc:
            return JSONResponse({"error": {"code": exc.code().name, "reason": "simulators_unreachable"}}, 503)
        return JSONResponse({"simulators": result})

    async def invoke(request: Request) -> Response:
        name, action = request.path_params["name"], request.path_params["action"]
        if not action.isidentifier():
            return _bad("bad action name")
        try:
            parameters = json.loads(await request.body() or b"{}")
            struct = struct_pb2.Struct()
            json_format.ParseDict(parameters, struct)
        except (json.JSONDecodeError, json_format.ParseError):
            return _bad("parameters must be a JSON object")
        try:
            reply = await stub().Invoke(
                control_pb2.InvokeRequest(name=f"simulators/{name}", action=action, parameters=struct),
                timeout=10,
            )
        except grpc.RpcError as exc:
            return JSONResponse(
                {
                    "error": {
                        "code": exc.code().name,
                        "reason": "simulator_action_failed",
                        "message": exc.details(),
                    }
                },
                409,
            )
        return JSONResponse({"ok": True, "state": _summary(json_format.MessageToDict(reply))})

    return [
        Route(prefix, list_simulators, methods=["GET"]),
        Route(prefix + "/{name}/{action}", invoke, methods=["POST"]),
    ]


_SUMMARY_KEYS = ("inserted", "persona", "kind", "paper", "cover_open", "offline", "tries", "faults",
                 "outcomes", "state", "media", "status", "busy", "delay_ms", "receipts")  # fmt: skip


def _summary(state: dict[str, Any]) -> dict[str, Any]:
    """Only the short, non-personal facts a panel shows (no APDU logs, no receipt images)."""
    summary: dict[str, Any] = {}
    for key in _SUMMARY_KEYS:
        if key in state:
            value = state[key]
            summary[key] = len(value) if isinstance(value, list) else value
    return summary


def _personas(state: dict[str, Any]) -> list[str]:
    """The synthetic persona ids a simulator offers (ids only: the panel shows no names)."""
    return [str(item) for item in state.get("personas", []) if isinstance(item, str)]


CARD_ACTIONS = ("insert", "insert_licence", "insert_foreign_card", "remove", "reset", "set_tries", "block")


def card_simulator_routes(control: str, prefix: str) -> list[BaseRoute]:
    """The staff panel's bridge to the card simulator's loopback HTTP control (insert any persona's card)."""
    if not control:
        return []
    parts = urllib.parse.urlsplit(control)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the card simulator's control must be http:// on loopback")

    def call(method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(  # noqa: S310 (http on loopback, checked above)
            f"{control.rstrip('/')}/{path}",
            data=body,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as reply:  # noqa: S310 (http on loopback, checked)
                return reply.status, dict(json.load(reply))
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, {"message": exc.read().decode(errors="replace")[:200]}
        except OSError:
            return 503, {"message": "card simulator unreachable"}

    def failed(status: int, reply: dict[str, Any]) -> JSONResponse:
        error = {
            "code": "UNAVAILABLE",
            "reason": "simulator_action_failed",
            "message": reply.get("message", ""),
        }
        return JSONResponse({"error": error}, 409 if status < 500 else 503)

    async def state(request: Request) -> Response:
        status, reply = await asyncio.to_thread(call, "GET", "state")
        if status != 200:
            return failed(status, reply)
        licences = _personas({"personas": reply.get("licence_personas", [])})
        return JSONResponse({"state": _summary(reply), "personas": _personas(reply), "licences": licences})

    async def invoke(request: Request) -> Response:
        action = request.path_params["action"]
        if action not in CARD_ACTIONS:
            return _bad(f"unknown card action; known: {', '.join(CARD_ACTIONS)}")
        try:
            parameters = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError:
            return _bad("parameters must be a JSON object")
        if not isinstance(parameters, dict):
            return _bad("parameters must be a JSON object")
        status, reply = await asyncio.to_thread(call, "POST", action, json.dumps(parameters).encode())
        if status != 200:
            return failed(status, reply)
        return JSONResponse({"ok": True, "state": _summary(reply)})

    return [Route(prefix, state, methods=["GET"]), Route(prefix + "/{action}", invoke, methods=["POST"])]
