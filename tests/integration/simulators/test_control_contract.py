"""Every simulator process keeps the one control contract (simulators/control.py) on its real port."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.fixtures.card import CardSimulator
from tests.support.processes import RunningProcess

pytestmark = pytest.mark.integration

# a harmless action of each simulator the module's supervisor runs
ACTIONS = {"escpos_printer": "clear", "ipp_printer": "clear", "zvt_terminal": "clear", "camera": "remove"}


def _post(url: str, body: bytes) -> tuple[int, object]:
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def _check_contract(control: str, action: str) -> None:
    assert control.startswith("http://127.0.0.1:")
    status, body = _post(f"{control}/{action}", b"{}")
    assert status == 200 and isinstance(body, dict)
    status, body = _post(f"{control}/{action}", b"")
    assert status == 200 and isinstance(body, dict)
    for not_an_object in (b"[1]", b'"x"', b"null"):
        status, body = _post(f"{control}/{action}", not_an_object)
        assert status == 400 and isinstance(body, dict) and "error" in body, (not_an_object, body)
    status, body = _post(f"{control}/{action}", b"{not json")
    assert status == 400 and isinstance(body, dict) and "error" in body
    status, body = _post(f"{control}/no_such_action", b"{}")
    assert status == 404 and isinstance(body, dict) and action in body["actions"]


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_simulator_control_contract(supervisor: RunningProcess, name: str) -> None:
    _check_contract(str(supervisor.ready["simulators"][name]["control"]), ACTIONS[name])


def test_card_simulator_control_contract(card_simulator: CardSimulator) -> None:
    _check_contract(card_simulator.control, "clear_log")
