"""Hot-plug: a configured printer that appears after start-up is opened without a restart; the ZVT
probe of ``discover`` recognises the terminal simulator and nothing else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from kiosk.v1 import events_pb2

from daemon import registry as registry_module
from daemon.config import DeviceSlotConfig
from daemon.discover.serial import probe_zvt
from daemon.events import EventLog
from daemon.hotplug import HotPlug
from daemon.registry import DeviceRegistry
from tests.fixtures.escpos import EscposSimulator
from tests.fixtures.payment import ZvtSimulator
from tests.support.processes import PYTHON, free_port, start_with_ready_line

pytestmark = pytest.mark.integration


async def wait_state(registry: DeviceRegistry, state: int, timeout: float) -> float:
    began = time.monotonic()
    while registry.get("receipt").state != state:
        if time.monotonic() - began > timeout:
            raise AssertionError(f"receipt is {events_pb2.DeviceState.Name(registry.get('receipt').state)}")
        await asyncio.sleep(0.02)
    return time.monotonic() - began


async def test_printer_plugged_in_later_is_opened_on_the_udev_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_module, "BACKOFF_INITIAL_S", 60.0)  # without a wake: a minute
    port = free_port()
    events = EventLog(tmp_path / "events.sqlite3")
    events.bind_loop(asyncio.get_running_loop())
    slot = DeviceSlotConfig("receipt", "escpos", f"tcp://127.0.0.1:{port}?timeout=1", poll_interval_s=0.2)
    registry = DeviceRegistry((slot,), events)
    registry.start()
    hotplug = HotPlug(registry)
    printer = None
    try:
        await wait_state(registry, events_pb2.DEVICE_STATE_OFFLINE, timeout=10)
        printer = start_with_ready_line(
            [
                PYTHON,
                "-m",
                "simulators.escpos_printer",
                "--port",
                str(port),
                "--state-dir",
                str(tmp_path / "sim"),
            ],
            tmp_path / "sim.log",
        )
        assert hotplug.device_added("usb") == 1
        assert (
            await wait_state(registry, events_pb2.DEVICE_STATE_IDLE, timeout=10) < 10
        )  # not the minute of backoff
        assert hotplug.device_added("usb") == 0  # nothing offline any more
    finally:
        await registry.stop()
        events.close()
        if printer is not None:
            printer.stop()


def test_zvt_probe_recognises_the_terminal_only(
    zvt_simulator_factory: Callable[..., ZvtSimulator], escpos_sim: EscposSimulator
) -> None:
    zvt = zvt_simulator_factory()
    assert "ZVT terminal answered" in probe_zvt(f"{zvt.endpoint}?t3=2&t4=3")
    began = time.monotonic()
    assert probe_zvt(escpos_sim.endpoint.replace("tcp://", "socket://") + "?t3=1&t4=1", timeout_s=2) == ""
    assert probe_zvt(f"socket://127.0.0.1:{free_port()}", timeout_s=2) == ""
    assert time.monotonic() - began < 6  # a port that does not answer is given up
