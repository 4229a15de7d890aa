"""Helpers shared by the camera service tests."""

from __future__ import annotations

import time

from kiosk.v1 import device_pb2, device_pb2_grpc, events_pb2

from tests.fixtures.daemon import RunningDaemon

CAMERA = "devices/camera"


def wait_for_state(daemon: RunningDaemon, state: int, timeout: float = 20) -> None:
    stub = device_pb2_grpc.DeviceServiceStub(daemon.channel("kiosk"))
    deadline = time.monotonic() + timeout
    current = stub.GetDevice(device_pb2.GetDeviceRequest(name=CAMERA)).state
    while current != state and time.monotonic() < deadline:
        time.sleep(0.1)
        current = stub.GetDevice(device_pb2.GetDeviceRequest(name=CAMERA)).state
    assert current == state, f"camera is {events_pb2.DeviceState.Name(current)}"
