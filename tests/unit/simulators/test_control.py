"""The one control-API contract of every simulator (simulators/control.py), without and with HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.control import (
    ActionError,
    ControlApi,
    ControlServer,
    handle_get,
    handle_post,
    make_control_server,
)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


class Lamp:
    """A tiny simulated device: one switch, one action that needs a parameter, one that breaks."""

    def __init__(self) -> None:
        self.on = False

    def state(self) -> dict[str, Any]:
        return {"on": self.on}

    def switch(self, body: dict[str, Any]) -> None:
        if not isinstance(body["on"], bool):
            raise ValueError("on must be true or false")
        self.on = body["on"]

    def api(self) -> ControlApi:
        def refuse(body: dict[str, Any]) -> None:
            raise ActionError("no bulb", HTTPStatus.CONFLICT)

        def crash(body: dict[str, Any]) -> None:
            raise RuntimeError("a bug")

        return ControlApi(
            "lamp",
            self.state,
            {"switch": self.switch, "refuse": refuse, "crash": crash, "count": lambda body: {"count": 1}},
            views={"log": lambda: {"log": []}},
        )


def test_an_action_answers_the_state_or_its_own_answer() -> None:
    lamp = Lamp()
    reply = handle_post(lamp.api(), "/switch", b'{"on": true}')
    assert (reply.status, reply.body) == (200, {"on": True})
    assert handle_post(lamp.api(), "/count", b"").body == {"count": 1}


def test_an_empty_body_is_an_empty_object() -> None:
    reply = handle_post(Lamp().api(), "/switch", b"")
    assert reply.status == 400
    assert "on" in json.dumps(reply.body)  # the missing parameter is named


@pytest.mark.parametrize("body", [b"[]", b"[1, 2]", b'"on"', b"3", b"null", b"true"])
def test_a_non_object_json_body_is_400_with_a_json_error(body: bytes) -> None:
    reply = handle_post(Lamp().api(), "/switch", body)
    assert reply.status == 400
    assert isinstance(reply.body, dict) and "object" in reply.body["error"]


def test_unknown_action_and_path_are_404_listing_what_exists() -> None:
    reply = handle_post(Lamp().api(), "/explode", b"{}")
    assert reply.status == 404
    assert isinstance(reply.body, dict) and "switch" in reply.body["actions"]
    assert handle_get(Lamp().api(), "/nothing").status == 404
    assert handle_get(Lamp().api(), "/log").body == {"log": []}


def test_refusals_keep_their_status_and_bugs_are_500_without_details() -> None:
    assert handle_post(Lamp().api(), "/refuse", b"{}").status == 409
    crashed = handle_post(Lamp().api(), "/crash", b"{}")
    assert (crashed.status, crashed.body) == (500, {"error": "internal error"})


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["/switch", "/refuse", "/count", "/nope", "/", "//switch/"]), st.binary(max_size=64))
def test_any_bytes_get_a_json_answer_with_a_contract_status(path: str, raw: bytes) -> None:
    reply = handle_post(Lamp().api(), path, raw)
    assert reply.status in (200, 400, 404, 409)
    json.dumps(reply.body)
    if reply.status != 200:
        assert isinstance(reply.body, dict) and isinstance(reply.body["error"], str)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_is_200_or_400_never_an_exception(value: object) -> None:
    reply = handle_post(Lamp().api(), "/switch", json.dumps(value).encode())
    assert reply.status in (200, 400)
    if reply.status == 200:
        assert isinstance(value, dict) and isinstance(value.get("on"), bool)


@pytest.fixture
def lamp_server() -> Iterator[ControlServer]:
    server = make_control_server(Lamp().api())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _request(url: str, data: bytes | None = None) -> tuple[int, Any, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, json.loads(reply.read()), reply.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers["Content-Type"]


def test_over_http_on_loopback(lamp_server: ControlServer) -> None:
    assert lamp_server.server_address[0] == "127.0.0.1"
    status, body, kind = _request(f"{lamp_server.url}/switch", b'{"on": true}')
    assert (status, body, kind) == (200, {"on": True}, "application/json; charset=utf-8")
    assert _request(f"{lamp_server.url}/state")[:2] == (200, {"on": True})
    assert _request(f"{lamp_server.url}/switch", b"[1]")[0] == 400
    assert _request(f"{lamp_server.url}/nope", b"{}")[0] == 404
    status, body, _ = _request(f"{lamp_server.url}/switch", b"x" * (1024 * 1024 + 1))
    assert status == 413 and "error" in body
