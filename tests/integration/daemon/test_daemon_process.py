"""The daemon as a real process on a Unix socket, with the ESC/POS printer simulator as its device."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from kiosk.v1 import card_pb2, card_pb2_grpc, device_pb2, device_pb2_grpc, events_pb2

from daemon.errors import error_reason
from tests.fixtures.daemon import RunningDaemon
from tests.support.devices import device_state
from tests.support.processes import PYTHON, RunningProcess, free_port, start_with_ready_line
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

IDLE, OFFLINE = events_pb2.DEVICE_STATE_IDLE, events_pb2.DEVICE_STATE_OFFLINE


class PrinterSimulator:
    """An ESC/POS simulator on a fixed port, so it can be killed and started again at the same address."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: RunningProcess | None = None

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}?timeout=1"

    def start(self) -> None:
        args = [
            PYTHON,
            "-m",
            "simulators.escpos_printer",
            "--port",
            str(self.port),
            "--state-dir",
            str(self.directory),
        ]
        self.process = start_with_ready_line(args, self.directory / "sim.log")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(signal.SIGKILL)

    def post(self, action: str, body: dict[str, Any]) -> None:
        assert self.process is not None
        request = urllib.request.Request(
            f"{self.process.ready['control']}/{action}", data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5):
            pass


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[PrinterSimulator]:
    simulator = PrinterSimulator(tmp_path / "printer")
    simulator.directory.mkdir()
    simulator.start()
    yield simulator
    simulator.stop()


def wait_for_state(
    stub: device_pb2_grpc.DeviceServiceStub, name: str, state: int, timeout: float = 15
) -> device_pb2.Device:
    wanted = events_pb2.DeviceState.Name(state)
    return wait_until(
        lambda: device if (device := device_state(stub, name)).state == state else None,
        timeout=timeout,
        what=f"{name} {wanted}",
    )


def collect_events(
    channel: grpc.Channel, after: int, until: Callable[[events_pb2.Event], bool], timeout: float = 15
) -> list[events_pb2.Event]:
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    events = []
    call = stub.WatchEvents(device_pb2.WatchEventsRequest(after_sequence=after), timeout=timeout)
    for event in call:
        events.append(event)
        if until(event):
            call.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs: Call.cancel is untyped
            break
    return events


def test_lists_devices_reports_health_and_reflection(
    start_daemon: Callable[..., RunningDaemon], printer: PrinterSimulator
) -> None:
    daemon = start_daemon({"receipt": ("escpos", printer.uri)})
    channel = daemon.channel()
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    device = wait_for_state(stub, "devices/receipt", IDLE)
    assert (device.slot, device.driver, device.kind) == (
        "receipt",
        "escpos",
        device_pb2.DEVICE_KIND_RECEIPT_PRINTER,
    )
    listed = stub.ListDevices(device_pb2.ListDevicesRequest())
    assert [d.name for d in listed.devices] == ["devices/receipt"]

    health = health_pb2_grpc.HealthStub(channel)
    assert health.Check(health_pb2.HealthCheckRequest()).status == health_pb2.HealthCheckResponse.SERVING
    checked = stub.CheckHealth(device_pb2.CheckHealthRequest(name="devices/receipt"))
    assert checked.health_text == "OK"

    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    services = {service.name for reply in replies for service in reply.list_services_response.service}
    assert {"kiosk.v1.DeviceService", "grpc.health.v1.Health"} <= services

    socket_mode = stat.S_IMODE(os.stat(daemon.sockets["kiosk"]).st_mode)
    assert socket_mode == 0o660


def test_unknown_device_is_not_found_with_reason(start_daemon: Callable[..., RunningDaemon]) -> None:
    daemon = start_daemon({})
    stub = device_pb2_grpc.DeviceServiceStub(daemon.channel())
    with pytest.raises(grpc.RpcError) as error:
        stub.GetDevice(device_pb2.GetDeviceRequest(name="devices/nothing"))
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    assert error_reason(error.value) == "device_not_found"


def test_device_goes_offline_and_comes_back(
    start_daemon: Callable[..., RunningDaemon], printer: PrinterSimulator
) -> None:
    daemon = start_daemon({"receipt": ("escpos", printer.uri)})
    channel = daemon.channel()
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    health = health_pb2_grpc.HealthStub(channel)
    per_device = health_pb2.HealthCheckRequest(service="frontyard.device.receipt")
    wait_for_state(stub, "devices/receipt", IDLE)
    assert health.Check(per_device).status == health_pb2.HealthCheckResponse.SERVING

    printer.stop()
    offline = wait_for_state(stub, "devices/receipt", OFFLINE)
    assert offline.last_error.reason
    assert health.Check(per_device).status == health_pb2.HealthCheckResponse.NOT_SERVING

    printer.start()
    wait_for_state(stub, "devices/receipt", IDLE, timeout=30)


def test_printer_status_reasons_reach_the_device_and_the_event_stream(
    start_daemon: Callable[..., RunningDaemon], printer: PrinterSimulator
) -> None:
    daemon = start_daemon({"receipt": ("escpos", printer.uri)})
    channel = daemon.channel()
    stub = device_pb2_grpc.DeviceServiceStub(channel)
    wait_for_state(stub, "devices/receipt", IDLE)
    printer.post("cover", {"open": True})
    device = wait_for_state(stub, "devices/receipt", events_pb2.DEVICE_STATE_ERROR)
    assert "cover-open" in device.status_reasons
    events = collect_events(channel, 0, lambda e: e.state_changed.state == events_pb2.DEVICE_STATE_ERROR)
    assert "cover-open" in events[-1].state_changed.status_reasons


def test_watch_events_resumes_across_a_daemon_restart(
    start_daemon: Callable[..., RunningDaemon], printer: PrinterSimulator, tmp_path: Path
) -> None:
    directory = tmp_path / "daemon"
    daemon = start_daemon({"receipt": ("escpos", printer.uri)}, directory)
    first_run = collect_events(daemon.channel(), 0, lambda e: e.state_changed.state == IDLE)
    last_seen = first_run[-1].sequence
    assert daemon.stop() == 0, daemon.log()

    printer.post("cover", {"open": True})
    daemon = start_daemon({"receipt": ("escpos", printer.uri)}, directory)
    resumed = collect_events(
        daemon.channel(), last_seen, lambda e: e.state_changed.state == events_pb2.DEVICE_STATE_ERROR
    )
    sequences = [event.sequence for event in resumed]
    assert sequences[0] == last_seen + 1, "the first event after resume is the next one: none lost"
    assert sequences == list(range(last_seen + 1, last_seen + 1 + len(sequences))), "no gap, no repeat"
    everything = collect_events(daemon.channel(), 0, lambda e: e.sequence == sequences[-1])
    assert [e.sequence for e in everything] == list(range(1, sequences[-1] + 1))


def test_watch_events_only_new_skips_the_retained_events(
    start_daemon: Callable[..., RunningDaemon], printer: PrinterSimulator
) -> None:
    daemon = start_daemon({"receipt": ("escpos", printer.uri)})
    retained = collect_events(daemon.channel(), 0, lambda e: e.state_changed.state == IDLE)
    stub = device_pb2_grpc.DeviceServiceStub(daemon.channel())
    call = stub.WatchEvents(device_pb2.WatchEventsRequest(only_new=True), timeout=15)
    time.sleep(0.3)  # the stream is open before the next event is published
    printer.post("cover", {"open": True})
    received = []
    for event in call:
        received.append(event.sequence)
        if event.state_changed.state == events_pb2.DEVICE_STATE_ERROR:
            call.cancel()  # type: ignore[no-untyped-call]  # grpc-stubs: Call.cancel is untyped
            break
    assert min(received) > retained[-1].sequence, "no retained event is replayed"


def test_sigterm_stops_cleanly_and_removes_sockets(start_daemon: Callable[..., RunningDaemon]) -> None:
    daemon = start_daemon({})
    assert daemon.sockets["kiosk"].exists()
    assert daemon.stop(signal.SIGTERM) == 0
    assert not daemon.sockets["kiosk"].exists()
    assert "Traceback" not in daemon.log()


def test_each_socket_grants_its_role(start_daemon: Callable[..., RunningDaemon]) -> None:
    daemon = start_daemon({})
    request = card_pb2.ReadMyNumberRequest(pin="1234", purpose="jidou_teate")
    with pytest.raises(grpc.RpcError) as error:
        card_pb2_grpc.CardServiceStub(daemon.channel("kiosk")).ReadMyNumber(request)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_reason(error.value) == "permission_denied"
    with pytest.raises(grpc.RpcError) as staff_error:
        card_pb2_grpc.CardServiceStub(daemon.channel("staff")).ReadMyNumber(request)
    assert staff_error.value.code() != grpc.StatusCode.PERMISSION_DENIED
    assert "1234" not in daemon.log()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[devices.receipt]\ndriver = "epson"\nuri = "tcp://127.0.0.1:1"\n',
            ":2: devices.receipt.driver: unknown driver 'epson'",
        ),
        (
            '[devices.receipt]\ndriver = "escpos"\nuri = "lpt:/x"\n',
            ":3: devices.receipt.uri: unknown URI scheme",
        ),
        ("[daemon\n", "not valid TOML"),
    ],
)
def test_bad_config_exits_with_a_clear_message_not_a_traceback(
    tmp_path: Path, text: str, expected: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [PYTHON, "-m", "daemon", "--config", str(config)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    missing = subprocess.run(
        [PYTHON, "-m", "daemon", "--config", str(tmp_path / "none.toml")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert missing.returncode == 2 and "configuration file not found" in missing.stderr
