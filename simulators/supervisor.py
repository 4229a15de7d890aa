"""``frontyard-sim``: start every simulator as its own process and control them through one gRPC API.

Each simulator prints one JSON ready line (endpoint and control URL, see CONTRIBUTING.md); the supervisor
collects them, prints a table of endpoints, optionally writes a daemon configuration that points every
device slot at its simulator, and serves ``simulators.v1.Control`` on loopback, forwarding each call to the
simulator's own HTTP control API. SIGTERM or Ctrl-C stops every simulator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import logging
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from grpc_reflection.v1alpha import reflection
from simctl.v1 import control_pb2, control_pb2_grpc

from simulators import grpc_call
from simulators.daemon_toml import DaemonToml, Device, Endpoint

_LOGGER = logging.getLogger("frontyard-sim")


@dataclass(frozen=True)
class SimulatorSpec:
    """One simulator: its module, and the daemon device slot and driver that use it."""

    name: str
    module: str
    slot: str
    driver: str
    needs_pcscd: bool = False


SIMULATORS = (
    SimulatorSpec("mynumber_card", "simulators.mynumber_card", "card", "mynumber", needs_pcscd=True),
    SimulatorSpec("escpos_printer", "simulators.escpos_printer", "receipt", "escpos"),
    SimulatorSpec("ipp_printer", "simulators.ipp_printer", "forms", "ipp"),
    SimulatorSpec("zvt_terminal", "simulators.zvt_terminal", "payment", "zvt"),
    SimulatorSpec("camera", "simulators.camera", "camera", "camera"),
)


@dataclass
class RunningSimulator:
    spec: SimulatorSpec
    process: subprocess.Popen[str]
    endpoint: str
    control: str
    log_path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    @property
    def state(self) -> control_pb2.SimulatorState:
        return control_pb2.SIMULATOR_STATE_RUNNING if self.running else control_pb2.SIMULATOR_STATE_EXITED


def available(spec: SimulatorSpec) -> bool:
    try:
        return importlib.util.find_spec(f"{spec.module}.__main__") is not None
    except ModuleNotFoundError:
        return False


def start_simulator(spec: SimulatorSpec, state_dir: Path, timeout: float = 30.0) -> RunningSimulator:
    sim_dir = state_dir / spec.name
    sim_dir.mkdir(parents=True, exist_ok=True)
    log_path = sim_dir / "simulator.log"
    args = [sys.executable, "-m", spec.module, "--host", "127.0.0.1", "--port", "0",
            "--control-port", "0", "--state-dir", str(sim_dir)]  # fmt: skip
    with log_path.open("a", encoding="utf-8") as log:
        process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True
        )
    assert process.stdout is not None
    line = _read_line(process, timeout)
    if line is None:
        process.kill()
        raise RuntimeError(f"{spec.name} did not become ready in {timeout:.0f} s; see {log_path}")
    ready = json.loads(line)
    return RunningSimulator(spec, process, ready["endpoint"], ready["control"], log_path, ready)


def _read_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    import selectors

    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout):
        return None
    line = process.stdout.readline()
    return line if line.strip().startswith("{") else None


def control_request(control_url: str, action: str | None, parameters: dict[str, Any] | None = None) -> Any:
    """GET /state, or POST /<action> with a JSON body; returns the decoded JSON answer."""
    if action is None:
        request = urllib.request.Request(f"{control_url}/state")  # noqa: S310 - our loopback URL
    else:
        body = json.dumps(parameters or {}).encode()
        request = urllib.request.Request(  # noqa: S310 - our loopback URL
            f"{control_url}/{action}", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback URL we started
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:500]
        raise ControlError(exc.code, f"{action or 'state'}: HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ControlError(503, f"simulator control unreachable: {exc}") from exc


class ControlError(Exception):
    def __init__(self, http_status: int, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status


def _as_struct(value: Any) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    json_format.ParseDict(value if isinstance(value, dict) else {"result": value}, result)
    return result


class ControlService(control_pb2_grpc.ControlServicer):
    def __init__(self, simulators: dict[str, RunningSimulator]) -> None:
        self.simulators = simulators

    def _find(self, name: str, context: grpc.aio.ServicerContext[Any, Any]) -> RunningSimulator:
        simulator = self.simulators.get(name.removeprefix("simulators/"))
        if simulator is None:
            known = ", ".join(f"simulators/{key}" for key in self.simulators)
            raise LookupError(f"no simulator {name!r}; running: {known}")
        return simulator

    async def ListSimulators(
        self, request: control_pb2.ListSimulatorsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> control_pb2.ListSimulatorsResponse:
        return control_pb2.ListSimulatorsResponse(
            simulators=[
                control_pb2.Simulator(
                    name=f"simulators/{name}", endpoint=sim.endpoint, control=sim.control, state=sim.state
                )
                for name, sim in self.simulators.items()
            ]
        )

    async def GetSimulatorState(
        self, request: control_pb2.GetSimulatorStateRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> struct_pb2.Struct:
        return await self._forward(request.name, None, {}, context)

    async def Invoke(
        self, request: control_pb2.InvokeRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> struct_pb2.Struct:
        if not request.action.isidentifier():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"bad action name {request.action!r}")
        parameters = json_format.MessageToDict(request.parameters)
        return await self._forward(request.name, request.action, parameters, context)

    async def _forward(
        self,
        name: str,
        action: str | None,
        parameters: dict[str, Any],
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> struct_pb2.Struct:
        try:
            simulator = self._find(name, context)
            answer = await asyncio.to_thread(control_request, simulator.control, action, parameters)
        except LookupError as exc:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(exc))
        except ControlError as exc:
            code = (
                grpc.StatusCode.NOT_FOUND if exc.http_status == 404 else grpc.StatusCode.FAILED_PRECONDITION
            )
            if exc.http_status >= 500:
                code = grpc.StatusCode.UNAVAILABLE
            await context.abort(code, str(exc))
        return _as_struct(answer)


def daemon_config_text(simulators: dict[str, RunningSimulator], storage_dir: Path, socket_dir: Path) -> str:
    """A daemon configuration that points each device slot at its running simulator."""
    return DaemonToml(
        comment="Written by frontyard-sim: every device slot points at a running simulator.",
        storage_dir=storage_dir,
        endpoints=[
            Endpoint(socket_dir / "kiosk.sock", "kiosk"),
            Endpoint(socket_dir / "staff.sock", "staff"),
            Endpoint(socket_dir / "admin.sock", "admin", "0600"),
        ],
        devices=[Device(sim.spec.slot, sim.spec.driver, sim.endpoint) for sim in simulators.values()],
    ).text()


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    names = [spec.name for spec in SIMULATORS]
    parser = argparse.ArgumentParser(
        prog="frontyard-sim",
        description="Start Frontyard's device simulators (each its own process, on loopback) and serve their "
        "control API (gRPC simulators.v1.Control).",
        epilog=f"simulators: {', '.join(names)}. The card simulator needs a running pcscd with the "
        "vpcd driver (`make run` starts it). `frontyard-sim call --help`: call the daemon's or the "
        "simulators' gRPC API.",
    )
    parser.add_argument(
        "--only", nargs="+", choices=names, metavar="NAME", help="start only these simulators"
    )
    parser.add_argument("--state-dir", type=Path, default=Path("run/sim"), help="where simulators keep state")
    parser.add_argument(
        "--control", default="127.0.0.1:50070", help="control API address (default %(default)s)"
    )
    parser.add_argument(
        "--daemon-config", type=Path, help="write a daemon configuration for these simulators"
    )
    parser.add_argument(
        "--daemon-storage", type=Path, default=Path("run/daemon"), help="storage_dir written there"
    )
    parser.add_argument("--socket-dir", type=Path, default=Path("run"), help="daemon sockets written there")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> int:
    specs = [spec for spec in SIMULATORS if not args.only or spec.name in args.only]
    simulators: dict[str, RunningSimulator] = {}
    try:
        for spec in specs:
            if not available(spec):
                _LOGGER.warning("simulator not available yet: %s", spec.name)
                continue
            simulators[spec.name] = await asyncio.to_thread(start_simulator, spec, args.state_dir.resolve())
        if args.daemon_config:
            args.daemon_config.parent.mkdir(parents=True, exist_ok=True)
            text = daemon_config_text(simulators, args.daemon_storage.resolve(), args.socket_dir.resolve())
            args.daemon_config.write_text(text, encoding="utf-8")
        server = grpc.aio.server()
        control_pb2_grpc.add_ControlServicer_to_server(ControlService(simulators), server)
        control_name = control_pb2.DESCRIPTOR.services_by_name["Control"].full_name
        reflection.enable_server_reflection([control_name, reflection.SERVICE_NAME], server)
        port = server.add_insecure_port(args.control)
        await server.start()
        host = args.control.rsplit(":", 1)[0]
        ready = {
            "control": f"{host}:{port}",
            "simulators": {
                name: {"endpoint": sim.endpoint, "control": sim.control} for name, sim in simulators.items()
            },
        }
        print(json.dumps(ready), flush=True)
        for name, sim in simulators.items():
            _LOGGER.info("%-15s %-40s control %s", name, sim.endpoint, sim.control)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        await server.stop(1)
    finally:
        for sim in simulators.values():
            sim.process.terminate()
        for sim in simulators.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                sim.process.wait(5)
            if sim.running:
                sim.process.kill()
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["call"]:  # `frontyard-sim call ADDRESS METHOD`: simulators/grpc_call.py
        return grpc_call.main(arguments[1:])
    args = parse_arguments(arguments)
    logging.basicConfig(level=logging.INFO, format="frontyard-sim: %(message)s", stream=sys.stderr)
    try:
        return asyncio.run(run(args))
    except RuntimeError as exc:
        print(f"frontyard-sim: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
