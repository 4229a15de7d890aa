"""The control API every simulator serves: JSON over HTTP on loopback, one contract for all five.

A simulator describes its API as a :class:`ControlApi` (its state, its actions, optional extra views) and
``make_control_server`` serves it:

| request                                   | answer                                                     |
|-------------------------------------------|------------------------------------------------------------|
| ``GET /state``                            | 200, the simulator's state (a JSON object)                  |
| ``GET /<view>`` (e.g. the terminal's log) | 200, that view                                              |
| ``POST /<action>`` with a JSON object     | 200, the action's answer (the state when it has none) |
| ``POST /<action>`` with an empty body     | the same as ``{}``                                           |
| unknown path or action                    | 404 ``{"error": …, "actions": [...]}``                      |
| body not JSON, or JSON but not an object  | 400 ``{"error": …}``                                        |
| an action refusing its arguments          | 400 (or the status of its :class:`ActionError`)             |
| a body over 1 MiB                         | 413                                                          |
| anything else going wrong                 | 500 ``{"error": "internal error"}`` (logged)                |

An action refuses its arguments by raising :class:`ActionError`, ``ValueError``, ``KeyError`` (a missing
parameter) or ``TypeError``. Every answer is ``application/json; charset=utf-8``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_LOGGER = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
# A body up to this size is read and dropped before the 413, so the client can read the answer instead
# of failing on a connection closed while it still writes; a larger one is cut off.
_DRAIN_LIMIT = 8 * MAX_BODY
Action = Callable[[dict[str, Any]], object]


class ActionError(Exception):
    """An action cannot be done as asked: 400 by default, or e.g. 404 (no such persona), 409 (no card)."""

    def __init__(self, message: str, status: int = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.status = int(status)


@dataclass(frozen=True)
class ControlApi:
    """What a simulator offers on its control port."""

    name: str
    state: Callable[[], object]
    actions: Mapping[str, Action]
    views: Mapping[str, Callable[[], object]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    status: int
    body: object


def handle_get(api: ControlApi, path: str) -> Reply:
    name = path.strip("/")
    if name == "state":
        return Reply(HTTPStatus.OK, api.state())
    view = api.views.get(name)
    if view is None:
        known = ["/state", *(f"/{view_name}" for view_name in api.views)]
        return Reply(HTTPStatus.NOT_FOUND, {"error": f"unknown path {path!r}", "paths": known})
    return Reply(HTTPStatus.OK, view())


def handle_post(api: ControlApi, path: str, raw: bytes) -> Reply:
    """The whole POST contract, without HTTP: unit-testable with any bytes."""
    name = path.strip("/")
    action = api.actions.get(name)
    if action is None:
        return Reply(
            HTTPStatus.NOT_FOUND, {"error": f"unknown action {name!r}", "actions": sorted(api.actions)}
        )
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        return Reply(HTTPStatus.BAD_REQUEST, {"error": f"body is not JSON: {exc}"})
    if not isinstance(body, dict):
        return Reply(HTTPStatus.BAD_REQUEST, {"error": "body must be a JSON object"})
    try:
        answer = action(body)
    except ActionError as exc:
        return Reply(exc.status, {"error": str(exc)})
    except KeyError as exc:
        return Reply(HTTPStatus.BAD_REQUEST, {"error": f"{name}: missing parameter {exc}"})
    except (ValueError, TypeError) as exc:
        return Reply(HTTPStatus.BAD_REQUEST, {"error": f"{name}: {exc}"})
    except Exception:
        _LOGGER.exception("%s control action %s failed", api.name, name)
        return Reply(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error"})
    _LOGGER.info("%s control: %s", api.name, name)
    return Reply(HTTPStatus.OK, api.state() if answer is None else answer)


class ControlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], api: ControlApi) -> None:
        self.api = api
        super().__init__(address, _ControlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class _ControlHandler(BaseHTTPRequestHandler):
    server: ControlServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.debug("%s control: %s", self.server.api.name, format % args)

    def _send(self, reply: Reply) -> None:
        data = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(handle_get(self.server.api, self.path))

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 64 * 1024))
            if not chunk:
                return
            length -= len(chunk)

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._send(Reply(HTTPStatus.BAD_REQUEST, {"error": "bad Content-Length"}))
            return
        if length > MAX_BODY:
            self.close_connection = True
            if length <= _DRAIN_LIMIT:
                self._discard(length)
            self._send(Reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"body over {MAX_BODY} bytes"}))
            return
        self._send(handle_post(self.server.api, self.path, self.rfile.read(length)))


def make_control_server(api: ControlApi, host: str = "127.0.0.1", port: int = 0) -> ControlServer:
    """The control server for ``api`` on ``host:port`` (0: any free port); call ``serve_forever``."""
    return ControlServer((host, port), api)
