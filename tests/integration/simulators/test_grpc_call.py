"""``frontyard-sim call``: the README's way to call the simulators' and the daemon's gRPC API."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from tests.fixtures.daemon import RunningDaemon
from tests.support.processes import PYTHON, REPO_ROOT, RunningProcess

pytestmark = pytest.mark.integration


def frontyard_sim_call(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "simulators.supervisor", "call", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_lists_the_simulators_services_by_reflection(supervisor: RunningProcess) -> None:
    listed = frontyard_sim_call(str(supervisor.ready["control"]), "list")
    assert listed.returncode == 0, listed.stderr
    assert "simulators.v1.Control" in listed.stdout.split()
    methods = frontyard_sim_call(str(supervisor.ready["control"]), "list", "simulators.v1.Control")
    assert "simulators.v1.Control/Invoke" in methods.stdout.split(), methods.stderr


def test_invokes_a_simulator_action(supervisor: RunningProcess) -> None:
    control = str(supervisor.ready["control"])
    request = {"name": "simulators/escpos_printer", "action": "paper", "parameters": {"state": "out"}}
    invoked = frontyard_sim_call(control, "simulators.v1.Control/Invoke", "-d", json.dumps(request))
    assert invoked.returncode == 0, invoked.stderr
    assert json.loads(invoked.stdout)["paper"] == "out"
    state = frontyard_sim_call(
        control, "simulators.v1.Control/GetSimulatorState", "-d", '{"name": "simulators/escpos_printer"}'
    )
    assert json.loads(state.stdout)["paper"] == "out"
    frontyard_sim_call(
        control, "simulators.v1.Control/Invoke", "-d", json.dumps({**request, "action": "clear"})
    )


def test_errors_are_clear_and_set_the_exit_status(supervisor: RunningProcess) -> None:
    control = str(supervisor.ready["control"])
    missing = frontyard_sim_call(
        control, "simulators.v1.Control/Invoke", "-d", '{"name": "simulators/nope", "action": "clear"}'
    )
    assert missing.returncode == 1 and "NOT_FOUND" in missing.stderr
    unknown = frontyard_sim_call(control, "simulators.v1.Control/Explode")
    assert unknown.returncode == 2 and "Invoke" in unknown.stderr  # names the methods that exist
    bad_json = frontyard_sim_call(control, "simulators.v1.Control/Invoke", "-d", "{not json")
    assert bad_json.returncode == 2 and "InvokeRequest" in bad_json.stderr


def test_calls_the_daemon_on_its_unix_socket_and_follows_a_stream(
    start_daemon: Callable[..., RunningDaemon],
) -> None:
    daemon = start_daemon({})
    socket = f"unix:{daemon.sockets['kiosk']}"
    listed = frontyard_sim_call(socket, "kiosk.v1.DeviceService/ListDevices")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == {}  # no devices configured
    events = frontyard_sim_call(
        socket, "kiosk.v1.DeviceService/WatchEvents", "--max-messages", "1", "--timeout", "5"
    )
    assert events.returncode == 0, events.stderr
