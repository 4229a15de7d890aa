"""`make run`'s script brings up the simulators, the daemon and the UI; reflection lists every service."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import grpc
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from kiosk.v1 import device_pb2, device_pb2_grpc, events_pb2

from tests.support.processes import REPO_ROOT, free_port
from tests.support.waiting import read_until

pytestmark = pytest.mark.integration

IDLE = events_pb2.DEVICE_STATE_IDLE

EXPECTED_SERVICES = {
    "kiosk.v1.DeviceService",
    "kiosk.v1.CardService",
    "kiosk.v1.PrinterService",
    "kiosk.v1.PaymentService",
    "kiosk.v1.VisitService",
    "kiosk.v1.CertificateService",
    "kiosk.v1.ApplicationService",
    "kiosk.v1.CameraService",
    "grpc.health.v1.Health",
}


def test_run_script_starts_everything_on_simulators(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    ui_port = free_port()
    # `make run` is the user's stack: the system pcscd, not the test session's private one
    inherited = {key: value for key, value in os.environ.items() if key != "PCSCLITE_CSOCK_NAME"}
    env = {**inherited, "RUN_DIR": str(run_dir), "UI_PORT": str(ui_port), "SIM_CONTROL": "127.0.0.1:0"}
    script = subprocess.Popen(
        ["bash", "scripts/run.sh"], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, text=True, start_new_session=True,
    )  # fmt: skip
    assert script.stdout is not None
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = script.stdout.readline()
            lines.append(line)
            if "Ctrl-C stops everything" in line or (not line and script.poll() is not None):
                break
        output = "".join(lines)
        assert "kiosk UI:" in output, output

        channel = grpc.insecure_channel(f"unix:{run_dir / 'kiosk.sock'}")
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        services = {service.name for reply in replies for service in reply.list_services_response.service}
        assert services >= EXPECTED_SERVICES

        devices = device_pb2_grpc.DeviceServiceStub(channel)
        listed = read_until(
            lambda: devices.ListDevices(device_pb2.ListDevicesRequest()).devices,
            lambda listed: (
                bool(listed)
                and all(
                    d.state in (events_pb2.DEVICE_STATE_IDLE, events_pb2.DEVICE_STATE_ERROR) for d in listed
                )
            ),
            timeout=30,
        )
        assert {d.slot for d in listed} == {"card", "receipt", "forms", "payment", "camera"}
        assert all(d.state == events_pb2.DEVICE_STATE_IDLE for d in listed), [
            (d.slot, d.state) for d in listed
        ]
        channel.close()

        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/", timeout=10) as page:
            assert page.status == 200
            assert "<html" in page.read().decode().lower()
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/api/config", timeout=10) as reply:
            assert json.load(reply)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the script may have ended by itself
            os.killpg(script.pid, signal.SIGTERM)
        script.wait(30)
        script.stdout.close()
    assert not (run_dir / "kiosk.sock").exists(), "the daemon removed its socket on the way out"
