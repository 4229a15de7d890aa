"""Helpers shared by the camera service tests."""

from __future__ import annotations

from tests.fixtures.daemon import RunningDaemon
from tests.support.devices import wait_device_state

CAMERA = "devices/camera"


def wait_for_state(daemon: RunningDaemon, state: int, timeout: float = 20) -> None:
    wait_device_state(daemon.channel("kiosk"), CAMERA, state, timeout)
