"""``frontyard-sim call``: the README's way to call the simulators' and the daemon's gRPC API."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import psutil
import pytest
from simctl.v1 import control_pb2, control_pb2_grpc

from tests.fixtures.daemon import RunningDaemon
from tests.support.processes import PYTHON, REPO_ROOT, RunningProcess, start_with_ready_line
from tests.support.waiting import wait_until

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


def test_lists_each_simulator_with_its_state(supervisor: RunningProcess) -> None:
    listed = frontyard_sim_call(str(supervisor.ready["control"]), "simulators.v1.Control/ListSimulators")
    assert listed.returncode == 0, listed.stderr
    states = {sim["name"]: sim["state"] for sim in json.loads(listed.stdout)["simulators"]}
    started = supervisor.ready["simulators"]
    assert states == {f"simulators/{name}": "SIMULATOR_STATE_RUNNING" for name in started}


@pytest.fixture
def one_printer(tmp_path: Path) -> Iterator[RunningProcess]:
    """``frontyard-sim`` with the receipt printer alone: a test of its own may end the simulator."""
    args = [PYTHON, "-m", "simulators.supervisor", "--only", "escpos_printer", "--state-dir",
            str(tmp_path / "state"), "--control", "127.0.0.1:0"]  # fmt: skip
    process = start_with_ready_line(args, tmp_path / "supervisor.log", timeout=60)
    try:
        yield process
    finally:
        process.stop()


def test_a_simulator_that_ended_is_listed_as_exited(one_printer: RunningProcess) -> None:
    (printer,) = psutil.Process(one_printer.process.pid).children()
    printer.kill()  # a crash: frontyard-sim does not restart it
    with grpc.insecure_channel(str(one_printer.ready["control"])) as channel:
        control = control_pb2_grpc.ControlStub(channel)

        def listed_state() -> control_pb2.SimulatorState:
            return control.ListSimulators(control_pb2.ListSimulatorsRequest(), timeout=10).simulators[0].state

        wait_until(lambda: listed_state() == control_pb2.SIMULATOR_STATE_EXITED, what="the printer EXITED")
        with pytest.raises(grpc.RpcError) as refused:
            control.GetSimulatorState(control_pb2.GetSimulatorStateRequest(name="simulators/escpos_printer"))
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


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
